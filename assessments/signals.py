"""Staff status follows memberships: a user is staff while they consult for an
organization, however a membership is given, changed or taken away (`add_member`, the
admin's membership pages and organization inlines, an organization deleted).

A deleted response changes its campaign's results, an invitation added or deleted its
response rate, and a unit renamed or deleted the breakdowns by unit of every campaign of
its organization, wherever that happens (`create_invitations` adds them in bulk,
which sends no signal, and says so itself).

There is deliberately no receiver on Answer: one would stop Django from deleting a
response's answers in one statement. Services that delete single answers call
`answers_changed` themselves.

A deletion raises each campaign's version once, not once a row: on PostgreSQL every
update of the same campaign row in one transaction walks the row's earlier versions, so
a version raised for each of 10,000 invitations took half a minute. A deletion that
started at a campaign or its organization raises none: the campaign goes too.
"""

from weakref import WeakKeyDictionary

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.campaign_versions import answers_changed, invitations_changed, units_changed
from assessments.models import Campaign, Invitation, Membership, Organization, Response, Unit
from assessments.permissions import staff_follows_memberships

# Per deletion started from a queryset: the (counter, campaign or organization) pairs
# already raised.
RAISED: WeakKeyDictionary[QuerySet, set[tuple]] = WeakKeyDictionary()


def raise_once(origin, change, target_id: int):
    """Call `change(target_id)` (a campaign's or an organization's) unless this deletion
    already did, or takes the campaign or organization away with it."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if issubclass(model, (Campaign, Organization)):
        return
    if isinstance(origin, QuerySet):
        raised = RAISED.setdefault(origin, set())
        if (change, target_id) in raised:
            return
        raised.add((change, target_id))
    change(target_id)


def staff_follows(membership: Membership):
    staff = staff_follows_memberships(membership.user_id)
    if Membership.user.is_cached(membership) and not membership.user.is_superuser:
        membership.user.is_staff = staff  # the object in hand says what the database says


@receiver(post_save, sender=Membership, dispatch_uid="membership_saved")
def membership_saved(sender, instance: Membership, raw: bool = False, **kwargs):
    if not raw:  # loaddata: fixtures bring their users as they were
        staff_follows(instance)


@receiver(post_delete, sender=Membership, dispatch_uid="membership_deleted")
def membership_deleted(sender, instance: Membership, **kwargs):
    staff_follows(instance)


@receiver(post_delete, sender=Response, dispatch_uid="response_deleted")
def response_deleted(sender, instance: Response, origin=None, **kwargs):
    raise_once(origin, answers_changed, instance.campaign_id)


@receiver(post_save, sender=Invitation, dispatch_uid="invitation_added")
def invitation_added(sender, instance: Invitation, created: bool, **kwargs):
    if created:
        invitations_changed(instance.campaign_id)


@receiver(post_delete, sender=Invitation, dispatch_uid="invitation_deleted")
def invitation_deleted(sender, instance: Invitation, origin=None, **kwargs):
    raise_once(origin, invitations_changed, instance.campaign_id)


@receiver(post_save, sender=Unit, dispatch_uid="unit_saved")
def unit_saved(sender, instance: Unit, created: bool, raw: bool = False, **kwargs):
    if not created and not raw:  # a new unit has no one in it yet
        units_changed(instance.organization_id)


@receiver(post_delete, sender=Unit, dispatch_uid="unit_deleted")
def unit_deleted(sender, instance: Unit, origin=None, **kwargs):
    raise_once(origin, units_changed, instance.organization_id)
