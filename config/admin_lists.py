"""What an admin list takes from its address and from its action form (every model's list,
ours and other apps').

Django's change list filters by any field of its model named in the address, not only by
the filters it shows, and hands the values to the database as they come. Crafted
addresses gave a 500 when the query ran (a year past 9999, an invalid regular expression,
`id__range=1`, a NUL character on PostgreSQL), and a filter nobody offers found what a
page keeps from view: `?respondent=…` or `?invitation=…` picked out the answers of one
person in an anonymous campaign, which the list's search refuses to do. Here a list
filters by its own filters only (and its date hierarchy); anything else is Django's case
of "wacky lookup parameters": the whole list, with `?e=1`.

An action's selection that holds something other than a key of the model (what no
check box sends) changes nothing and says so, where the database gave a 500.
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError

NO_SUCH_ROWS = (
    "The selection names rows this list does not have; no items have been changed. "
    "Choose the rows again."
)


class OwnFiltersChangeList(ChangeList):
    def get_filters(self, request):
        if any("\x00" in value for values in self.filter_params.values() for value in values):
            raise IncorrectLookupParameters("a NUL character in the address")
        try:
            filters = super().get_filters(request)
        except (ValueError, OverflowError) as error:
            # The date hierarchy's year 9999 has no next year to end at.
            raise IncorrectLookupParameters(error) from error
        remaining = filters[2]
        # What is left came from the address, except the date hierarchy's own bounds.
        unoffered = sorted(key for key in remaining if key in self.filter_params)
        if unoffered:
            raise IncorrectLookupParameters(f"no filter of this list takes {unoffered}")
        return filters


class CheckedChangeLists:
    """ModelAdmin mixin that the site (config/admin_site.py) gives every admin it registers."""

    def get_changelist(self, request, **kwargs):
        return OwnFiltersChangeList

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_key(self.model, value) for value in selected):
            self.message_user(request, NO_SUCH_ROWS, messages.WARNING)
            return None
        return super().response_action(request, queryset)


def is_key(model, value: str) -> bool:
    try:
        model._meta.pk.clean(value, None)
    except ValidationError:
        return False
    return True
