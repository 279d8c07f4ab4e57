"""Who may see what (CONTRACT.md section 3, issue 8).

Superusers see everything; consultants and executives see the organizations they are
members of; employees see only their own response, through their invitation link.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.expressions import Expression

from assessments.models import Campaign, Membership, Organization


def organizations_of(user, roles: tuple[str, ...] | None = None) -> QuerySet[Organization]:
    """The organizations where the user has one of the roles (by default any role: an
    executive or a consultant). A membership without a role, which the database allows,
    gives nothing."""
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    memberships = Membership.objects.filter(user=user, role__in=roles or Membership.Role.values)
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


def consulted_organizations(user) -> QuerySet[Organization]:
    """Organizations a user manages in the admin (all of them for superusers)."""
    if not user.is_staff:
        return Organization.objects.none()
    return organizations_of(user, roles=(Membership.Role.CONSULTANT,))


def staff_follows_memberships(user_id: int) -> bool:
    """Make a user staff exactly while they consult for some organization; return whether
    they do.

    Called whenever one of their memberships is saved or deleted (assessments/signals.py),
    so giving, changing or taking away a consultant membership, by command or in the
    admin, gives or takes away the admin. Superusers keep the flag they have.
    """
    staff = Membership.objects.filter(user_id=user_id, role=Membership.Role.CONSULTANT).exists()
    users = get_user_model().objects.filter(pk=user_id, is_superuser=False)
    users.exclude(is_staff=staff).update(is_staff=staff)
    return staff


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns whose results a user may see: executives' and consultants' organizations."""
    if user.is_active and user.is_superuser:
        return Campaign.objects.all()  # as below, without a subquery of every organization
    return Campaign.objects.filter(organization__in=organizations_of(user))


def consults_for(user) -> Expression:
    """Whether the user is a consultant of a campaign's organization (superusers count as
    one everywhere), as a column of a query of campaigns."""
    if user.is_active and user.is_superuser:
        return Value(True)  # as below, without a subquery
    consulted = organizations_of(user, roles=(Membership.Role.CONSULTANT,))
    return Exists(consulted.filter(pk=OuterRef("organization_id")))


def can_view_results(user, campaign: Campaign) -> bool:
    return campaigns_visible_to(user).filter(pk=campaign.pk).exists()
