"""Invitations: personal links to a campaign's questionnaire, and the e-mails that carry them.

Plain functions with keyword arguments; the admin, the `create_invitations` command and
any task call these, so each rule lives in one place. A link's token is its only key
(256 bits, `Invitation.token`); the e-mail address is never written into a response.
"""

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from assessments.aggregates import count_of
from assessments.campaign_versions import invitations_changed
from assessments.models import Campaign, Invitation, Unit
from assessments.selectors import CampaignState, campaign_state

CSV_COLUMNS = ("email", "unit", "role", "url", "status")
# Links without an address made at a time, in the admin and by the command alike: a
# typing slip of a few zeros should not fill the database.
MOST_LINKS = 5000


class InvitationError(ValueError):
    """A request for invitations that cannot be met; the message says why."""


@transaction.atomic
def create_invitations(
    *,
    campaign: Campaign,
    count: int = 0,
    emails: Iterable[str] = (),
    unit: Unit | None = None,
    role: str = "",
) -> list[Invitation]:
    """One link per new e-mail address plus `count` links without an address.

    Addresses are compared without regard to case; one already invited to the campaign,
    or given twice, gets no second link. Blank entries are skipped (lists pasted from a
    spreadsheet end with one).
    """
    if count < 0:
        raise InvitationError(f"the number of links must be 0 or more, not {count}")
    if count > MOST_LINKS:
        raise InvitationError(f"at most {MOST_LINKS} links at a time, not {count}")
    addresses = [address.strip() for address in emails if address.strip()]
    if not count and not addresses:
        raise InvitationError("ask for at least one link: a number of links or e-mail addresses")
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise InvitationError(f"{address!r} is not a valid e-mail address") from None
    if unit is not None and unit.organization_id != campaign.organization_id:
        raise InvitationError(f"unit {unit.name!r} is not a unit of {campaign.organization.name!r}")
    if len(role) > Invitation._meta.get_field("role").max_length:
        raise InvitationError(f"the role {role!r} is too long")
    invitations = Invitation.objects.bulk_create(
        Invitation(campaign=campaign, email=email, unit=unit, role=role)
        for email in [*new_addresses(campaign, addresses), *[""] * count]
    )
    if invitations:
        invitations_changed(campaign.pk)
    return invitations


def closed_campaign_note(campaign: Campaign) -> str | None:
    """Links are made for a closed campaign too (it may be reopened), but whoever made
    them should know that until then they lead only to a page saying it is closed."""
    if campaign_state(campaign) != CampaignState.CLOSED:
        return None
    return (
        f"campaign {campaign.name!r} is closed: its links show that it is closed until it "
        "is reopened"
    )


def new_addresses(campaign: Campaign, addresses: list[str]) -> list[str]:
    """The addresses not invited yet, each once, in the order given."""
    seen = {
        email.lower()
        for email in campaign.invitations.exclude(email="").values_list("email", flat=True)
    }
    fresh = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            fresh.append(address)
    return fresh


def invitation_url(invitation: Invitation) -> str:
    """The absolute link a participant opens (CONTRACT.md section 1, SITE_URL).

    SITE_URL holds any path the app is served under; inside a request so served,
    `reverse` starts with that path as well, which is taken off so as not to give it twice.
    """
    path = reverse("questionnaire:start", args=[invitation.token])
    return f"{settings.SITE_URL}/{path.removeprefix(get_script_prefix())}"


def invitation_status(invitation: Invitation) -> str:
    """invited (not opened yet), started (answers saved) or submitted."""
    response = getattr(invitation, "response", None)
    if response is None:
        return "invited"
    return "submitted" if response.submitted_at else "started"


def with_details(invitations: Iterable[Invitation]) -> QuerySet[Invitation]:
    """The same invitations with what e-mails and exports show, in a constant number of
    queries; a list is read again by primary key."""
    if not isinstance(invitations, QuerySet):
        invitations = Invitation.objects.filter(
            pk__in=[invitation.pk for invitation in invitations]
        )
    return invitations.select_related("campaign__organization", "unit", "response")


def send_invitations(*, invitations: Iterable[Invitation]) -> int:
    """E-mail each invitation that has an address and was not sent yet; marks it sent."""
    pending = [
        invitation
        for invitation in with_details(invitations)
        if invitation.email and invitation.sent_at is None
    ]
    return send_links(pending, kind="invitation", stamp="sent_at")


def send_reminders(*, invitations: Iterable[Invitation]) -> int:
    """Remind each invitation with an address whose answers are not submitted yet."""
    pending = [
        invitation
        for invitation in with_details(invitations)
        if invitation.email and invitation_status(invitation) != "submitted"
    ]
    return send_links(pending, kind="reminder", stamp="reminded_at")


def send_links(invitations: list[Invitation], *, kind: str, stamp: str) -> int:
    """Send one e-mail per invitation over one connection.

    Each invitation is marked as soon as its e-mail is accepted, so when the mail server
    fails half-way the ones already sent are not sent twice on the next try.
    """
    sent = []
    try:
        with get_connection() as connection:
            for invitation in invitations:
                link_email(invitation, kind=kind, connection=connection).send()
                setattr(invitation, stamp, timezone.now())
                sent.append(invitation)
    finally:
        Invitation.objects.bulk_update(sent, [stamp])
    return len(sent)


def link_email(invitation: Invitation, *, kind: str, connection) -> EmailMultiAlternatives:
    campaign = invitation.campaign
    context = {
        "campaign": campaign,
        "organization": campaign.organization,
        "url": invitation_url(invitation),
    }
    subject = render_to_string(f"emails/{kind}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{kind}.txt", context),
        to=[invitation.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"emails/{kind}.html", context), "text/html")
    return message


def invitations_csv(invitations: Iterable[Invitation]) -> str:
    """A spreadsheet of links to hand out by hand: email, unit, role, url, status."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for invitation in with_details(invitations):
        writer.writerow(
            (
                invitation.email,
                invitation.unit.name if invitation.unit else "",
                invitation.role,
                invitation_url(invitation),
                invitation_status(invitation),
            )
        )
    return output.getvalue()


def with_progress(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns annotated with how far their invitations got: `invited`, `started`,
    `submitted`, one correlated count each (they never multiply each other's joins).

    The counts are cumulative: `started` includes the submitted ones, so the three numbers
    read as a funnel (12 invited, 8 started, 5 submitted). Imported responses came from
    no invitation and are not part of it.
    """
    invitations = Invitation.objects.filter(campaign=OuterRef("pk"))
    return campaigns.annotate(
        invited=count_of(invitations, per="campaign"),
        started=count_of(invitations.filter(response__isnull=False), per="campaign"),
        submitted=count_of(
            invitations.filter(response__submitted_at__isnull=False), per="campaign"
        ),
    )


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    """How far the campaign's invitations got, in one query (see with_progress)."""
    return (
        with_progress(Campaign.objects.filter(pk=campaign.pk))
        .values("invited", "started", "submitted")
        .get()
    )
