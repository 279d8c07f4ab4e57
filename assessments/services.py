"""What changes assessments: campaigns, imported answers, members.

Plain functions with keyword arguments, one transaction each; commands, admin actions and
views all call these, so each rule lives in one place.
"""

import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from assessments.bulk import insert_answers
from assessments.campaign_versions import answers_changed
from assessments.models import Answer, Campaign, Membership, Organization, Response, Unit
from assessments.responses_file import (
    AnswerRow,
    Profile,
    ResponsesFileError,
    read_responses_file,
)
from models_catalog.models import MaturityModel
from models_catalog.outline import load_outline
from models_catalog.selectors import resolve_model


class CampaignError(ValueError):
    """A campaign request that contradicts what exists; the message says what."""


@dataclass(frozen=True)
class ImportSummary:
    respondents: int
    answers: int

    def __str__(self):
        return f"{plural(self.answers, 'answer')} from {plural(self.respondents, 'respondent')}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{pluralize(count)}"


def check_target_level(maturity_model, target_level: int | None):
    if target_level is None:
        return
    top = maturity_model.levels.count()
    if not 1 <= target_level <= top:
        raise CampaignError(
            f"target level {target_level} is not a level of {maturity_model.slug} "
            f"{maturity_model.version} (1-{top})"
        )


def check_name(name: str, model, what: str):
    """A name longer than its column is refused, never cut: PostgreSQL would refuse it
    with a database error and SQLite would store it whole. A name is one line, as the
    admin's text field keeps it: a line break or other control character (a script's
    stray `$'…\\n'`) would split every list and message that shows it."""
    limit = model._meta.get_field("name").max_length
    if len(name) > limit:
        raise CampaignError(
            f"the {what} name is {len(name)} characters long; at most {limit} are allowed"
        )
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in name):
        raise CampaignError(f"the {what} name {name!r} must be one line of text")


def check_published(maturity_model: MaturityModel):
    """A new campaign takes a published version, as the admin's campaign form offers: a
    draft may still change or break a rule of the model file, and a retired one is not to
    be used again. Named explicitly, either is refused rather than quietly taken."""
    if maturity_model.status != MaturityModel.Status.PUBLISHED:
        raise CampaignError(
            f"model {maturity_model.slug} {maturity_model.version} is "
            f"{maturity_model.get_status_display().lower()}: a new campaign takes a "
            "published version"
        )


@transaction.atomic
def find_or_create_campaign(
    *,
    organization_name: str,
    campaign_name: str,
    model_slug: str,
    model_version: str | None = None,
    target_level: int | None = None,
) -> Campaign:
    """The named campaign, created with its organization when missing."""
    if not organization_name.strip() or not campaign_name.strip():
        raise CampaignError("organization and campaign names must not be empty")
    check_name(organization_name.strip(), Organization, "organization")
    check_name(campaign_name.strip(), Campaign, "campaign")
    organization, _ = Organization.objects.get_or_create(name=organization_name.strip())
    campaign = (
        Campaign.objects.select_related("maturity_model")
        .filter(organization=organization, name=campaign_name.strip())
        .first()
    )
    if campaign is None:
        maturity_model = resolve_model(model_slug, model_version)
        check_published(maturity_model)
        check_target_level(maturity_model, target_level)
        return Campaign.objects.create(
            organization=organization,
            name=campaign_name.strip(),
            maturity_model=maturity_model,
            target_level=target_level,
        )
    pinned = campaign.maturity_model
    if pinned.slug != model_slug or (model_version and pinned.version != model_version):
        raise CampaignError(
            f"campaign {campaign.name!r} of {organization.name!r} uses model "
            f"{pinned.slug} {pinned.version}"
        )
    if target_level is not None and target_level != campaign.target_level:
        check_target_level(pinned, target_level)
        campaign.target_level = target_level
        campaign.save(update_fields=["target_level"])
    return campaign


@transaction.atomic
def import_responses(*, campaign: Campaign, data: bytes | str) -> ImportSummary:
    """Import a responses file into a campaign: all rows or none (a file with a header
    and no rows imports nothing)."""
    outline = load_outline(campaign.maturity_model)
    file = read_responses_file(data, outline)
    rows = file.rows
    if not rows:
        return ImportSummary(respondents=0, answers=0)
    profiles = file.respondents
    units = units_by_name(
        campaign.organization, {profile.unit for profile in profiles.values() if profile.unit}
    )
    responses, had_responses = responses_for(campaign, profiles, units)
    if had_responses:
        check_not_answered_yet(campaign, rows, outline)
    insert_answers(
        [(responses[row.respondent].pk, row.question_id, row.value, row.comment) for row in rows]
    )
    answers_changed(campaign.pk)
    return ImportSummary(respondents=len(profiles), answers=len(rows))


def units_by_name(organization: Organization, names: set[str]) -> dict[str, Unit]:
    existing = {unit.name: unit for unit in Unit.objects.filter(organization=organization)}
    missing = sorted(names - set(existing))
    for name in missing:
        check_name(name, Unit, "unit")
    Unit.objects.bulk_create(Unit(organization=organization, name=name) for name in missing)
    if missing:
        existing = {unit.name: unit for unit in Unit.objects.filter(organization=organization)}
    return existing


def responses_for(
    campaign: Campaign, profiles: dict[str, Profile], units: dict
) -> tuple[dict[str, Response], bool]:
    """Each respondent's response (the existing one, or a new, submitted one), and whether
    any respondent of the file was in the campaign already."""
    existing = {
        response.respondent: response
        for response in Response.objects.filter(campaign=campaign).select_related("unit")
    }
    errors = [
        f"line {line}: respondent {name!r} is already in this campaign with "
        f"{column} {has!r}, not {value!r}"
        for name, profile in profiles.items()
        if (response := existing.get(name))
        for column, (value, line) in profile.given.items()
        if (has := profile_value(response, column)) != value
    ]
    if errors:
        raise ResponsesFileError(errors)
    now = timezone.now()
    new = Response.objects.bulk_create(
        Response(
            campaign=campaign,
            respondent=name,
            unit=units.get(profile.unit),
            role=profile.role,
            submitted_at=now,
        )
        for name, profile in profiles.items()
        if name not in existing
    )
    had_responses = any(name in existing for name in profiles)
    return existing | {response.respondent: response for response in new}, had_responses


def profile_value(response: Response, column: str) -> str:
    """A response's unit name or role, "" when it has none."""
    if column == "unit":
        return response.unit.name if response.unit else ""
    return response.role


def check_not_answered_yet(campaign: Campaign, rows: list[AnswerRow], outline):
    """A respondent answers a question at most once, across imports too."""
    answered = set(
        Answer.objects.filter(response__campaign=campaign).values_list(
            "response__respondent", "question_id"
        )
    )
    keys = outline.question_keys_by_id
    errors = [
        f"line {row.line}: respondent {row.respondent!r} has already answered "
        f"{keys[row.question_id]} in this campaign"
        for row in rows
        if (row.respondent, row.question_id) in answered
    ]
    if errors:
        raise ResponsesFileError(errors)


def check_member(*, username: str, organization_name: str, role: str) -> Organization:
    """Everything `add_member` checks before it writes; the command asks it before prompting
    for a password, so that its error names the real problem. Returns the organization."""
    if role not in Membership.Role.values:
        raise CampaignError(f"role {role!r} is not one of: {', '.join(Membership.Role.values)}")
    # As import_responses names it: white space at either end is no part of a name.
    organization = Organization.objects.filter(name=organization_name.strip()).first()
    if organization is None:
        raise CampaignError(f"organization {organization_name!r} does not exist")
    user_model = get_user_model()
    if not user_model.objects.filter(username=username).exists():
        try:
            # The username field's own rules, which the admin's user form applies too.
            user_model._meta.get_field(user_model.USERNAME_FIELD).clean(username, None)
        except ValidationError as error:
            raise CampaignError(f"username {username!r}: {' '.join(error.messages)}") from None
        # The admin's user form refuses a name that differs from another only in case;
        # sign-in tells them apart, people do not.
        other = user_model.objects.filter(username__iexact=username).first()
        if other is not None:
            raise CampaignError(
                f"username {username!r}: a user named {other.username!r} exists, "
                "and names that differ only in case are taken as the same"
            )
    return organization


def has_a_password(user) -> bool:
    """Whether the user can sign in with some password: not a new user's empty one, nor
    one marked unusable."""
    return bool(user.password) and user.has_usable_password()


@transaction.atomic
def add_member(
    *, username: str, organization_name: str, role: str, password: str | None = None
) -> Membership:
    """Give a user (created when missing) a role in an organization.

    `password` is for a user who has none: a new one, or one made without a usable
    password. A password someone already has is kept, so that a script that grants roles
    to existing users never resets theirs."""
    organization = check_member(username=username, organization_name=organization_name, role=role)
    user, created = get_user_model().objects.get_or_create(username=username)
    if password and not has_a_password(user):
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    # Saving the membership makes the user staff while they consult for some organization,
    # and no longer once they consult for none (assessments/signals.py).
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership
