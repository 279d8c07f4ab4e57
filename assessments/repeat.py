"""Repeating a campaign: the next round of the same assessment, to track progress.

The seeds suggest repeating the self-assessment every six months. The repeat asks the
same organization the same model (its newest published version: areas are compared
across versions by key), with the same target, anonymity and review settings (the review
itself is not copied: the new round is not reviewed yet), and invites again
everyone who was invited by e-mail. It starts as a draft without dates, so the
consultant sets them and sends the invitations when the round begins.
"""

from collections import defaultdict

from django.db import transaction

from assessments.invitations import create_invitations
from assessments.models import Campaign
from assessments.services import CampaignError, check_target_level
from models_catalog.models import MaturityModel
from models_catalog.versions import version_key

REPEAT_SUFFIX = " (repeat)"
NUMBERED_SUFFIX_ROOM = len(" (repeat 999)")


class RepeatError(ValueError):
    """A repeat that cannot be made; the message says why."""


@transaction.atomic
def repeat_campaign(*, campaign: Campaign, name: str = "") -> Campaign:
    """A draft copy of the campaign for the next round, with new invitation links for
    the addressed invitations (same address, unit and role)."""
    name = name.strip() or free_repeat_name(campaign)
    limit = Campaign._meta.get_field("name").max_length
    if len(name) > limit:
        raise RepeatError(f"the name is {len(name)} characters long; {limit} at most")
    if Campaign.objects.filter(organization_id=campaign.organization_id, name=name).exists():
        raise RepeatError(f"{campaign.organization.name} has a campaign named {name!r} already")
    maturity_model = next_round_version(campaign.maturity_model)
    try:
        check_target_level(maturity_model, campaign.target_level)
    except CampaignError as error:
        raise RepeatError(f"the target level cannot be kept: {error}") from None
    repeat = Campaign.objects.create(
        organization_id=campaign.organization_id,
        name=name,
        maturity_model=maturity_model,
        target_level=campaign.target_level,
        status=Campaign.Status.DRAFT,
        anonymous=campaign.anonymous,
        anonymity_minimum=campaign.anonymity_minimum,
        disagreement_threshold=campaign.disagreement_threshold,
        executives_see=campaign.executives_see,
    )
    invite_again(campaign, repeat)
    return repeat


def next_round_version(maturity_model: MaturityModel) -> MaturityModel:
    """The newest published version of the model, unless the campaign's own is newer."""
    published = MaturityModel.objects.filter(
        slug=maturity_model.slug, status=MaturityModel.Status.PUBLISHED
    )
    return max([maturity_model, *published], key=lambda candidate: version_key(candidate.version))


def free_repeat_name(campaign: Campaign) -> str:
    """The campaign's name with " (repeat)", numbered when that one is taken."""
    limit = Campaign._meta.get_field("name").max_length
    stem = campaign.name[: limit - NUMBERED_SUFFIX_ROOM]
    taken = set(
        Campaign.objects.filter(
            organization_id=campaign.organization_id, name__startswith=f"{stem} (repeat"
        ).values_list("name", flat=True)
    )
    candidate, number = f"{stem}{REPEAT_SUFFIX}", 1
    while candidate in taken:
        number += 1
        candidate = f"{stem} (repeat {number})"
    return candidate


def invite_again(campaign: Campaign, repeat: Campaign):
    """One new link per addressed invitation of the campaign, grouped as the invitation
    service takes them: one unit and role at a time."""
    addresses = defaultdict(list)
    invitations = campaign.invitations.exclude(email="").select_related("unit")
    for invitation in invitations.order_by("created_at", "pk"):
        addresses[(invitation.unit, invitation.role)].append(invitation.email)
    for (unit, role), emails in addresses.items():
        create_invitations(campaign=repeat, emails=emails, unit=unit, role=role)
