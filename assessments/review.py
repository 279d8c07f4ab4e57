"""A consultant's review of a campaign's results, before executives read them.

A consultant writes an observation on a process area and may, with a justification, give
it another status than the computed one. The report shows both side by side. The computed
results (the scores, the results document, the cache) never change: what the overrides
would make of the levels is worked out on a copy, by the scoring core
(`scoring.with_statuses`).

Marking the results reviewed is what executives wait for when their campaign says they
see results only once reviewed; consultants and superusers always see them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from assessments.models import AreaReview, Campaign, Membership, ReviewedStatus
from assessments.permissions import organizations_of
from assessments.results import CampaignResults, campaign_results, level_reference
from assessments.scoring import CampaignScore, with_statuses


class ReviewError(ValueError):
    """A review that breaks a rule; `field` names the field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AreaReviewInput:
    """What a consultant writes about one process area."""

    area_key: str
    observation: str = ""
    override_status: str = ""
    justification: str = ""

    def cleaned(self) -> "AreaReviewInput":
        return AreaReviewInput(
            area_key=self.area_key,
            observation=self.observation.strip(),
            override_status=self.override_status,
            justification=self.justification.strip(),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.observation or self.override_status or self.justification)


def review_problems(review: AreaReviewInput, computed_status: str) -> dict[str, str]:
    """What is wrong with a review of one area, by field; empty when nothing is."""
    review = review.cleaned()
    problems = {}
    if review.override_status and review.override_status not in ReviewedStatus.values:
        problems["override_status"] = "Choose one of the statuses offered."
    elif review.override_status == computed_status:
        problems["override_status"] = (
            f"The computed status is already “{ReviewedStatus(computed_status).label}”: "
            "leave the override empty."
        )
    elif review.override_status and not review.justification:
        problems["justification"] = (
            "Say why you set another status than the computed one: executives read it next to both."
        )
    elif review.justification and not review.override_status:
        # The report shows a justification only next to an override: it would be lost.
        problems["justification"] = (
            "A justification goes with a status you set: choose one, or write this as an "
            "observation."
        )
    return problems


# --- Changes ------------------------------------------------------------------------------


@transaction.atomic
def save_area_reviews(
    *, campaign: Campaign, reviews: Iterable[AreaReviewInput], reviewed_by
) -> int:
    """Store what a consultant wrote about some process areas; returns how many changed.

    An area whose review is left empty loses it. An area whose review is as it was keeps
    its author and date. Three queries, whatever the number of areas.
    """
    statuses = computed_statuses(campaign_results(campaign).score)
    existing = {review.area_key: review for review in AreaReview.objects.filter(campaign=campaign)}
    changed, emptied = [], []
    for review in (review.cleaned() for review in reviews):
        if review.area_key not in statuses:
            raise ReviewError(
                f"{review.area_key} is not a process area of this campaign's model", "area_key"
            )
        problems = review_problems(review, statuses[review.area_key])
        if problems:
            field, message = next(iter(problems.items()))
            raise ReviewError(message, field)
        current = existing.get(review.area_key)
        if review.is_empty:
            if current is not None:
                emptied.append(review.area_key)
        elif current is None or as_input(current) != review:
            changed.append(
                AreaReview(
                    campaign=campaign,
                    area_key=review.area_key,
                    observation=review.observation,
                    override_status=review.override_status,
                    justification=review.justification,
                    reviewed_by=reviewed_by,
                )
            )
    AreaReview.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["campaign", "area_key"],
        update_fields=[
            "observation",
            "override_status",
            "justification",
            "reviewed_by",
            "updated_at",
        ],
    )
    AreaReview.objects.filter(campaign=campaign, area_key__in=emptied).delete()
    return len(changed) + len(emptied)


def as_input(review: AreaReview) -> AreaReviewInput:
    return AreaReviewInput(
        area_key=review.area_key,
        observation=review.observation,
        override_status=review.override_status,
        justification=review.justification,
    )


@transaction.atomic
def mark_results_reviewed(
    *, campaigns: QuerySet[Campaign], reviewed_by, answers_version: int | None = None
) -> int:
    """Mark the campaigns' results reviewed now; returns how many campaigns.

    `answers_version` is the one the consultant's page showed, so that answers arriving
    while they read it count as changed since the review; without it, the current one.
    """
    seen = F("answers_version") if answers_version is None else answers_version
    return campaigns.update(
        results_reviewed_at=timezone.now(),
        results_reviewed_by=reviewed_by,
        results_reviewed_version=seen,
    )


@transaction.atomic
def withdraw_review(*, campaign: Campaign) -> None:
    """Back to "not reviewed yet": executives who wait for the review wait again."""
    Campaign.objects.filter(pk=campaign.pk).update(
        results_reviewed_at=None, results_reviewed_by=None, results_reviewed_version=None
    )


# --- Who waits for the review -------------------------------------------------------------


def held_for_review(user, campaigns: Iterable[Campaign]) -> set[int]:
    """The ids of the campaigns whose results this user waits for: executives wait while a
    campaign that shows its results once reviewed is not reviewed yet; the organization's
    consultants and superusers never wait. No query unless some campaign is waiting."""
    waiting = [
        campaign
        for campaign in campaigns
        if campaign.executives_see == Campaign.ExecutivesSee.REVIEWED
        and campaign.results_reviewed_at is None
    ]
    if not waiting or user.is_superuser:
        return set()
    consulted = set(
        organizations_of(user, roles=(Membership.Role.CONSULTANT,)).values_list("pk", flat=True)
    )
    return {campaign.pk for campaign in waiting if campaign.organization_id not in consulted}


def results_held_for_review(user, campaign: Campaign) -> bool:
    return campaign.pk in held_for_review(user, [campaign])


# --- What the report shows ----------------------------------------------------------------


def computed_statuses(score: CampaignScore) -> dict[str, str]:
    return {area.key: area.status for level in score.levels for area in level.areas}


@dataclass(frozen=True)
class AreaVerdict:
    """The consultant's word on one area, next to the computed status."""

    area_key: str
    computed_status: str
    observation: str
    override_status: str  # "" when the computed status stands
    justification: str
    reviewed_by: str
    updated_at: datetime

    @property
    def override_label(self) -> str:
        return ReviewedStatus(self.override_status).label if self.override_status else ""


def answers_changed_since_review(campaign: Campaign) -> bool:
    """Whether answers came in or changed after the results were marked reviewed: the
    scores are today's, the consultant's words are from before."""
    return (
        campaign.results_reviewed_at is not None
        and campaign.results_reviewed_version != campaign.answers_version
    )


@dataclass(frozen=True)
class CampaignReview:
    reviewed_at: datetime | None
    reviewed_by: str
    answers_changed_since: bool
    verdicts: dict[str, AreaVerdict]  # by process-area key
    achieved_level: dict  # computed, as in the results document
    reviewed_level: dict  # with the consultant's overrides

    def of(self, area_key: str) -> AreaVerdict | None:
        return self.verdicts.get(area_key)

    @property
    def overrides(self) -> tuple[AreaVerdict, ...]:
        return tuple(verdict for verdict in self.verdicts.values() if verdict.override_status)

    @property
    def changes_level(self) -> bool:
        return self.reviewed_level["number"] != self.achieved_level["number"]


def overrides_of(campaign: Campaign) -> dict[str, str]:
    """The statuses a consultant set, by process-area key."""
    return dict(
        AreaReview.objects.filter(campaign=campaign)
        .exclude(override_status="")
        .values_list("area_key", "override_status")
    )


def reviewed_score(results: CampaignResults, overrides: dict[str, str]) -> CampaignScore:
    """The campaign's score with the consultant's overrides, on a copy of the results."""
    return with_statuses(results.score, overrides, results.campaign.target_level)


def campaign_review(campaign: Campaign) -> CampaignReview:
    """The consultant's review as the report shows it, in two queries."""
    results = campaign_results(campaign)
    statuses = computed_statuses(results.score)
    reviews = AreaReview.objects.filter(campaign=campaign).select_related("reviewed_by")
    verdicts = {
        review.area_key: AreaVerdict(
            area_key=review.area_key,
            computed_status=statuses[review.area_key],
            observation=review.observation,
            override_status=review.override_status,
            justification=review.justification,
            reviewed_by=person_name(review.reviewed_by),
            updated_at=review.updated_at,
        )
        for review in reviews
        # The campaign's model version is fixed, so every stored key is one of its areas;
        # a row written by hand with another key is left out rather than break the report.
        if review.area_key in statuses
    }
    overrides = {key: verdict.override_status for key, verdict in verdicts.items()}
    reviewed = reviewed_score(results, {k: v for k, v in overrides.items() if v})
    return CampaignReview(
        reviewed_at=campaign.results_reviewed_at,
        reviewed_by=person_name(campaign.results_reviewed_by)
        if campaign.results_reviewed_at
        else "",
        answers_changed_since=answers_changed_since_review(campaign),
        verdicts=verdicts,
        achieved_level=level_of(results, results.score.achieved_level),
        reviewed_level=level_of(results, reviewed.achieved_level),
    )


def level_of(results: CampaignResults, number: int) -> dict:
    """A level as the results document names it; level 0 has no name."""
    return level_reference(results.outline, number) if number else {"number": 0, "name": None}


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
