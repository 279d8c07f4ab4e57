"""The admin's confirmation before deleting a campaign or an organization, counted.

Django's confirmation page lists every object a deletion takes with it, each one loaded:
for a campaign of 10,000 people that is 680,000 answers, twenty seconds before the page
or the deletion itself (which asks the same question first) can go on. This one counts
them per kind from the plan the deletion follows (Django's own Collector), loading only
what the deletion loads anyway.
"""

from collections import Counter

from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector


class CountedDeletion:
    """For a ModelAdmin: `get_deleted_objects` with counts instead of one line an object."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        collector = Collector(using=router.db_for_write(self.model))
        try:
            collector.collect(objs)
        except ProtectedError as error:
            return [], {}, set(), [str(obj) for obj in error.protected_objects]
        except RestrictedError as error:
            return [], {}, set(), [str(obj) for obj in error.restricted_objects]
        counts = deletion_counts(collector)
        needed = {
            model._meta.verbose_name for model in counts if not self.may_delete(request, model)
        }
        summary = {model._meta.verbose_name_plural: count for model, count in counts.items()}
        return [str(obj) for obj in objs], summary, needed, []

    def may_delete(self, request, model) -> bool:
        """As Django asks: only models the admin manages need the right to delete them."""
        model_admin = self.admin_site._registry.get(model)
        return model_admin is None or model_admin.has_delete_permission(request)


def deletion_counts(collector: Collector) -> Counter:
    """Objects the deletion takes, per model: those it loads, and those it deletes in one
    statement without loading them (a response's answers), counted by the database."""
    counts = Counter()
    for model, instances in collector.data.items():
        counts[model] += len(instances)
    for queryset in collector.fast_deletes:
        counts[queryset.model] += queryset.count()
    return Counter({model: count for model, count in counts.items() if count})
