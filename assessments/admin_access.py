"""Who does what in the admin (issue 8): decided by membership, not by Django's permissions.

Superusers do everything. Consultants (staff users with a consultant membership) manage
the organizations they consult and everything in them, and share the maturity models.
Nobody else enters the admin (config/admin_site.py asks `is_consultant`). Every queryset,
foreign-key choice, action and object page goes through `within_reach`/`reaches`, so a
consultant never meets another organization's data, not even in a crafted URL or POST:
another organization's object is a 404 (CONTRACT.md section 3), as if it did not exist.
"""

from django.http import Http404

from assessments.models import (
    Action,
    Answer,
    AreaReview,
    Campaign,
    Invitation,
    Membership,
    Organization,
    Response,
    Unit,
)
from assessments.permissions import consulted_organizations

# How each of our models reaches its organization.
ORGANIZATION_PATHS = {
    Organization: "pk",
    Unit: "organization",
    Membership: "organization",
    Campaign: "organization",
    Invitation: "campaign__organization",
    Response: "campaign__organization",
    Answer: "response__campaign__organization",
    AreaReview: "campaign__organization",
    Action: "campaign__organization",
}


def consulted_organization_ids(request) -> frozenset[int]:
    """The organizations the user consults, read once per request."""
    if not hasattr(request, "_consulted_organization_ids"):
        request._consulted_organization_ids = frozenset(
            consulted_organizations(request.user).values_list("pk", flat=True)
        )
    return request._consulted_organization_ids


def is_consultant(request) -> bool:
    """Whether the user works in our admin: a superuser, or a consultant of some organization."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(consulted_organization_ids(request))


def within_reach(queryset, request):
    """Limit a queryset of one of our models to the organizations the user consults."""
    if request.user.is_superuser:
        return queryset
    if not is_consultant(request):
        return queryset.none()
    path = ORGANIZATION_PATHS[queryset.model]
    return queryset.filter(**{f"{path}__in": consulted_organization_ids(request)})


def organization_id_of(obj) -> int | None:
    path = ORGANIZATION_PATHS[type(obj)]
    if path == "pk":
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


def reaches(request, obj) -> bool:
    """Whether the user may work on this object (or, for an inline, on its parent)."""
    if request.user.is_superuser:
        return True
    return is_consultant(request) and organization_id_of(obj) in consulted_organization_ids(request)


class ConsultedOrganizationsOnly:
    """Admin mixin (ModelAdmin or inline): only what belongs to the consulted organizations.

    For an inline, `obj` is the parent object, which belongs to the same organization.
    """

    def get_queryset(self, request):
        return within_reach(super().get_queryset(request), request)

    def get_object(self, request, object_id, from_field=None):
        """The object, from the queryset above; 404 when it is not there.

        Django's change, delete and history pages would redirect to the index saying the
        object "doesn't exist, perhaps it was deleted"; out of reach and truly missing are
        one and the same 404 instead, for everyone, so a page never tells another
        organization's object from none. Our own object pages call this too.
        """
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name}.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related in ORGANIZATION_PATHS:
            kwargs["queryset"] = within_reach(related._default_manager.all(), request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def may_manage(self, request, obj=None) -> bool:
        return is_consultant(request) and (obj is None or reaches(request, obj))

    def has_module_permission(self, request):
        return is_consultant(request)

    def has_view_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_manage(request, obj)
