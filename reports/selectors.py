"""What the results page, the PDF report and the home page read, shaped once.

Both outputs render the same :class:`ResultsReport`, built from one ``CampaignResults``
with the rounding of the results document, so the page, the PDF and
``campaign_results --json`` never disagree on a number. Formatting for people
(:func:`percent`, :func:`points`) lives here too, for the same reason.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.utils import timezone

from assessments.distributions import answer_counts
from assessments.models import Campaign, Invitation
from assessments.permissions import campaigns_visible_to, consults_for
from assessments.results import (
    CampaignResults,
    breakdown,
    campaign_results,
    results_document,
    results_for_campaigns,
    rounded,
)
from assessments.scoring import (
    NOT_APPLICABLE,
    NOT_RATED,
    NOT_SATISFIED,
    SATISFIED,
    TOLERANCE,
    AreaScore,
    is_disagreement,
)
from models_catalog.outline import AreaOutline, LevelOutline

WEAKEST_QUESTIONS = 3
SUMMARY_GAPS = 5
DISAGREEMENTS_SHOWN = 12

# Plain words for each status (what it is, what it means for the level).
STATUS_LABELS = {
    SATISFIED: "In place",
    NOT_SATISFIED: "Not yet in place",
    NOT_APPLICABLE: "Does not apply",
    NOT_RATED: "Not rated",
}
STATUS_MEANINGS = {
    SATISFIED: "The area reaches its threshold, so it counts towards its level.",
    NOT_SATISFIED: "The area is below its threshold, so its level cannot count yet.",
    NOT_APPLICABLE: "Everyone who answered said these questions do not apply here, "
    "so the area does not hold its level back.",
    NOT_RATED: "Nobody has answered these questions yet, so the area cannot count as "
    "in place and holds its level back.",
}


def percent(share: float | None) -> str:
    """A share of the scale as people read it: 0.8125 → "81.3%"; nothing rated → "—"."""
    return "—" if share is None else f"{in_points(share)}%"


def points(shortfall: float | None) -> str:
    """A shortfall in percentage points: 0.25 → "25.0 points"."""
    return "—" if shortfall is None else f"{in_points(shortfall)} points"


def in_points(share: float) -> Decimal:
    # From the decimal the results document shows, rounded half up as people do by hand.
    return (Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Who sees what ------------------------------------------------------------------------


def visible_campaign(user, campaign_id: int) -> Campaign:
    """The campaign if the user may see its results; 404 otherwise, to hide that it exists."""
    visible = campaigns_visible_to(user).select_related("organization", "maturity_model")
    return get_object_or_404(visible, pk=campaign_id)


def campaign_and_export_right(user, campaign_id: int) -> tuple[Campaign, bool]:
    """The campaign as `visible_campaign` finds it, and whether the user may export its raw
    answers (the organization's consultants and superusers, not executives), read in the
    same statement. Its organization and model are not joined: the results page's key
    reads what it needs of them (results_page.py), and on the pages built afresh they
    cost a query each, not a join compiled on every view."""
    visible = campaigns_visible_to(user).annotate(viewer_consults=consults_for(user))
    campaign = get_object_or_404(visible, pk=campaign_id)
    return campaign, campaign.viewer_consults


def exportable_campaign(user, campaign_id: int) -> Campaign:
    """The campaign if the user may export its raw material; 403 for those who may only
    see its results (executives), 404 for everyone else."""
    campaign, can_export = campaign_and_export_right(user, campaign_id)
    if not can_export:
        raise PermissionDenied("Answer exports are for the organization's consultants.")
    return campaign


# --- The report's shape -------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    key: str
    text: str
    score: float | None
    answers: int
    na: int
    stdev: float | None
    disagreement: bool


@dataclass(frozen=True)
class AreaResult:
    key: str
    name: str
    description: str
    level_number: int
    status: str
    score: float | None
    threshold: float
    shortfall: float | None
    recommendation: str
    questions: tuple[QuestionResult, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_meaning(self) -> str:
        return STATUS_MEANINGS[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status in (NOT_SATISFIED, NOT_RATED)

    @property
    def questions_below(self) -> tuple[QuestionResult, ...]:
        """The rated questions under the area's threshold."""
        return tuple(
            question
            for question in self.questions
            if question.score is not None and question.score < self.threshold - TOLERANCE
        )

    @property
    def short_on_average(self) -> bool:
        """Whether the shortfall in points says how far the area is from its threshold. Under
        rule "every" an area can fall short through a question below the threshold while
        its mean reaches it: then the questions below say it, not a negative shortfall."""
        return self.shortfall is None or self.shortfall > 0 or not self.questions_below

    @property
    def shortfall_text(self) -> str:
        if self.short_on_average:
            return points(self.shortfall)
        below = len(self.questions_below)
        return f"{below} question{pluralize(below)} below"

    @property
    def weakest_questions(self) -> tuple[QuestionResult, ...]:
        """The rated questions with the lowest scores: where the shortfall comes from."""
        rated = [question for question in self.questions if question.score is not None]
        return tuple(sorted(rated, key=lambda question: question.score)[:WEAKEST_QUESTIONS])


@dataclass(frozen=True)
class LevelResult:
    number: int
    name: str
    description: str
    obstacle: str
    achieved: bool
    is_target: bool
    is_achieved_level: bool
    areas: tuple[AreaResult, ...]

    @property
    def label(self) -> str:
        return f"{self.number} · {self.name}"

    @property
    def areas_in_place(self) -> int:
        return sum(area.status in (SATISFIED, NOT_APPLICABLE) for area in self.areas)

    @property
    def gaps(self) -> tuple[AreaResult, ...]:
        return tuple(area for area in self.areas if area.is_gap)


@dataclass(frozen=True)
class UnitResult:
    """One unit broken out (only units at or above the anonymity minimum)."""

    name: str
    respondents: int
    scores: dict[str, float | None]  # by process-area key


@dataclass(frozen=True)
class AnswerSpread:
    """How the answers to a question where people disagree are spread over the scale."""

    question: QuestionResult
    area_name: str
    counts: tuple[int, ...]  # per scale option, in scale order


@dataclass(frozen=True)
class ResultsReport:
    campaign: Campaign
    model_name: str
    model_version: str
    model_source: str
    rule: str
    threshold: float  # the model's, for areas without their own
    scale_options: tuple[tuple[int, str], ...]
    allow_na: bool
    respondents: int
    invitations: int
    answered_invitations: int
    as_of: date
    achieved_level: dict  # {"number", "name"}, as in the results document
    target_level: dict | None  # idem
    levels: tuple[LevelResult, ...]
    gaps: tuple[AreaResult, ...]  # the results document's gaps, in its order
    units: tuple[UnitResult, ...]
    spreads: tuple[AnswerSpread, ...]

    @property
    def has_answers(self) -> bool:
        return self.respondents > 0

    @property
    def response_rate(self) -> float | None:
        if not self.invitations:
            return None
        return self.answered_invitations / self.invitations

    @property
    def target_reached(self) -> bool:
        target = self.target_level
        return target is not None and self.achieved_level["number"] >= target["number"]

    @property
    def top_level(self) -> int:
        return self.levels[-1].number if self.levels else 0

    @property
    def areas(self) -> tuple[AreaResult, ...]:
        return tuple(area for level in self.levels for area in level.areas)

    @property
    def blocking_levels(self) -> tuple[LevelResult, ...]:
        """Levels with gaps, from the first not achieved up to the target (rule 7).

        Once the target is reached there are no gaps; the first level above it then shows
        what the next step would take.
        """
        with_gaps = {area.level_number for area in self.gaps}
        if with_gaps:
            return tuple(level for level in self.levels if level.number in with_gaps)
        next_level = next((level for level in self.levels if not level.achieved), None)
        return (next_level,) if next_level is not None and next_level.gaps else ()

    @property
    def summary_gaps(self) -> tuple[AreaResult, ...]:
        """The most important gaps: lowest level first, then the largest shortfall; an area
        nobody rated comes after the rated ones of its level."""
        ordered = sorted(
            self.gaps,
            key=lambda area: (
                area.level_number,
                area.shortfall is None,
                -(area.shortfall or 0.0),
            ),
        )
        return tuple(ordered[:SUMMARY_GAPS])

    @property
    def disagreement_threshold(self) -> float:
        return self.campaign.disagreement_threshold

    @property
    def statuses(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (status, label, STATUS_MEANINGS[status]) for status, label in STATUS_LABELS.items()
        )

    @property
    def scale(self) -> tuple[tuple[int, str, float], ...]:
        """Each answer option with the share of the scale it counts as (rule 1)."""
        low, high = self.scale_options[0][0], self.scale_options[-1][0]
        return tuple(
            (value, label, (value - low) / (high - low)) for value, label in self.scale_options
        )


def results_report(campaign: Campaign) -> ResultsReport:
    """Everything the page and the PDF show about a campaign, in a constant number of queries."""
    results = campaign_results(campaign)
    outline = results.outline
    document = results_document(results)
    levels = tuple(level_result(level_outline, results) for level_outline in outline.levels)
    areas = {area.key: area for level in levels for area in level.areas}
    invitations = invitation_counts(campaign)
    return ResultsReport(
        campaign=campaign,
        model_name=outline.name,
        model_version=outline.version,
        model_source=outline.source,
        rule=outline.rule,
        threshold=outline.threshold,
        scale_options=outline.scale.options,
        allow_na=outline.scale.allow_na,
        respondents=results.respondents,
        invitations=invitations["total"],
        answered_invitations=invitations["answered"],
        as_of=timezone.localdate(),
        achieved_level=document["achieved_level"],
        target_level=document["target_level"],
        levels=levels,
        gaps=tuple(areas[gap.area.key] for gap in results.score.gaps),
        units=unit_results(results) if results.respondents else (),
        spreads=answer_spreads(results, levels),
    )


def level_result(level: LevelOutline, results: CampaignResults) -> LevelResult:
    score = results.score.level(level.number)
    return LevelResult(
        number=level.number,
        name=level.name,
        description=level.description,
        obstacle=level.obstacle,
        achieved=score.achieved,
        is_target=level.number == results.campaign.target_level,
        is_achieved_level=level.number == results.score.achieved_level,
        areas=tuple(
            area_result(area, area_score, results.campaign.disagreement_threshold)
            for area, area_score in zip(level.areas, score.areas, strict=True)
        ),
    )


def area_result(area: AreaOutline, score: AreaScore, disagreement_threshold: float) -> AreaResult:
    return AreaResult(
        key=area.key,
        name=area.name,
        description=area.description,
        level_number=area.level_number,
        status=score.status,
        score=rounded(score.score),
        threshold=score.threshold,
        shortfall=rounded(score.shortfall),
        recommendation=area.recommendation,
        questions=tuple(
            QuestionResult(
                key=question.key,
                text=question.text,
                score=rounded(question_score.score),
                answers=question_score.answers,
                na=question_score.na,
                stdev=rounded(question_score.stdev),
                disagreement=is_disagreement(question_score.stdev, disagreement_threshold),
            )
            for question, question_score in zip(area.questions, score.questions, strict=True)
        ),
    )


def invitation_counts(campaign: Campaign) -> dict[str, int]:
    """Invitations, and those whose response has at least one answer (the response rate)."""
    return Invitation.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(response__answers__isnull=False), distinct=True),
    )


def unit_results(results: CampaignResults) -> tuple[UnitResult, ...]:
    return tuple(
        UnitResult(
            name=group.name,
            respondents=group.respondents,
            scores={
                area.key: rounded(area.score)
                for level in group.score.levels
                for area in level.areas
            },
        )
        for group in breakdown(results, "unit")
    )


def answer_spreads(
    results: CampaignResults, levels: tuple[LevelResult, ...]
) -> tuple[AnswerSpread, ...]:
    """The questions where people disagree most, with how many chose each scale option."""
    disputed = sorted(
        (
            (question, area.name)
            for level in levels
            for area in level.areas
            for question in area.questions
            if question.disagreement
        ),
        key=lambda pair: -pair[0].stdev,
    )[:DISAGREEMENTS_SHOWN]
    if not disputed:
        return ()
    outline = results.outline
    ids = {question.key: outline.questions_by_key[question.key].id for question, _ in disputed}
    counts = answer_counts(results.campaign, list(ids.values()))
    options = [value for value, _ in outline.scale.options]
    return tuple(
        AnswerSpread(
            question=question,
            area_name=area_name,
            counts=tuple(counts.get(ids[question.key], {}).get(value, 0) for value in options),
        )
        for question, area_name in disputed
    )


# --- Home page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    respondents: int
    achieved_level: dict
    target_level: dict | None


def campaign_summaries(user) -> list[CampaignSummary]:
    """The campaigns a user may see, each with its achieved and target level, scored
    together: the number of queries grows with neither campaigns nor answers."""
    campaigns = list(
        campaigns_visible_to(user)
        .select_related("organization", "maturity_model")
        .order_by("organization__name", "-created_at")
    )
    summaries = []
    for results in results_for_campaigns(campaigns):
        document = results_document(results)
        summaries.append(
            CampaignSummary(
                campaign=results.campaign,
                respondents=document["respondents"],
                achieved_level=document["achieved_level"],
                target_level=document["target_level"],
            )
        )
    return summaries
