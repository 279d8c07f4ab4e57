"""Progress over time: a campaign read against the earlier rounds of the same assessment.

The seeds suggest repeating the assessment every six months to track progress. The
campaigns of one organization on one model (same slug, any version) form a series, in
the order they were held: by opening date where one is set, else by creation. Process
areas are matched across versions by key: an area new in this version has no "before",
and an area the version dropped is not shown.

:func:`series_of` reads the series in one query; :func:`read_progress` is pure: scored
campaigns in, plain data out.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Answer, Campaign
from assessments.results import CampaignResults, rounded
from assessments.services import plural
from reports.selectors import in_points, points

UP, DOWN, SAME = "up", "down", "same"
ARROWS = {UP: "▲", DOWN: "▼", SAME: "▶"}


def direction_of(change) -> str:
    return UP if change > 0 else DOWN if change < 0 else SAME


# --- The series, from the database --------------------------------------------------------


def in_held_order(*, newest_first: bool = False) -> list:
    """Campaigns in the order they were held: opening date, else creation."""
    terms = (Coalesce("opens_at", "created_at"), F("created_at"), F("pk"))
    return [term.desc() if newest_first else term.asc() for term in terms]


def with_respondents():
    """Campaigns with at least one respondent (a response with an answer)."""
    return Exists(Answer.objects.filter(response__campaign_id=OuterRef("pk")))


def series_of(campaign: Campaign) -> list[Campaign]:
    """The organization's campaigns with answers on the campaign's model, any version.

    Another round whose results wait for a consultant's review before executives see them
    (assessments.review) is left out: its scores would show in the trend otherwise.
    """
    waiting_for_review = Q(
        executives_see=Campaign.ExecutivesSee.REVIEWED, results_reviewed_at__isnull=True
    )
    return list(
        Campaign.objects.filter(
            organization_id=campaign.organization_id,
            maturity_model__slug=campaign.maturity_model.slug,
        )
        .filter(with_respondents())
        .exclude(waiting_for_review & ~Q(pk=campaign.pk))
        .select_related("maturity_model")
        .order_by(*in_held_order())
    )


# --- Reading it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """One campaign of the series, as the trend chart shows it."""

    campaign_id: int
    name: str
    held_on: date
    model_version: str
    achieved_level: int  # 0 when level 1 is not reached
    achieved_level_name: str | None
    scores: dict[str, float | None]  # by process-area key, rounded as the report shows them
    is_current: bool

    @property
    def level_label(self) -> str:
        if not self.achieved_level:
            return "Not yet level 1"
        return f"{self.achieved_level} · {self.achieved_level_name}"


@dataclass(frozen=True)
class ScoreChange:
    """A process area's score in the previous round and now."""

    key: str
    name: str
    level_number: int
    before: float | None
    now: float | None
    is_new: bool  # the area is not in the previous round's model version

    @property
    def difference(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return rounded(self.now - self.before)

    @property
    def direction(self) -> str | None:
        """Up, down or the same as people read the two percentages; None without both."""
        if self.difference is None:
            return None
        return direction_of(in_points(self.difference))

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction, "")

    @property
    def description(self) -> str:
        """The change in words, the arrow's text alternative: "up 8.0 points"."""
        if self.is_new:
            return "new in this version"
        if self.before is None:
            return "not rated last time"
        if self.now is None:
            return "not rated this time"
        if self.direction == SAME:
            return "no change"
        return f"{self.direction} {points(abs(self.difference))}"


@dataclass(frozen=True)
class LevelChange:
    """The achieved level in the previous round and now."""

    before: int
    now: int

    @property
    def direction(self) -> str:
        return direction_of(self.now - self.before)

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]

    @property
    def description(self) -> str:
        steps = abs(self.now - self.before)
        if not steps:
            return "no change"
        return f"{self.direction} {plural(steps, 'level')}"


@dataclass(frozen=True)
class Progress:
    rounds: tuple[Round, ...]  # every campaign of the series with answers, in order
    current: Round
    previous: Round | None  # the last round before the current one
    areas: tuple[ScoreChange, ...]  # the current version's areas, in questionnaire order
    top_level: int  # of the current version

    @property
    def level_change(self) -> LevelChange | None:
        if self.previous is None:
            return None
        return LevelChange(self.previous.achieved_level, self.current.achieved_level)

    @property
    def has_trend(self) -> bool:
        return len(self.rounds) > 1


def read_progress(series: list[CampaignResults], current_id: int) -> Progress | None:
    """The progress of one campaign of a scored series; None when it is not in it."""
    rounds = [round_of(results, current_id) for results in series]
    position = next((i for i, r in enumerate(rounds) if r.is_current), None)
    if position is None:
        return None
    current = rounds[position]
    previous = rounds[position - 1] if position else None
    outline = series[position].outline
    return Progress(
        rounds=tuple(rounds),
        current=current,
        previous=previous,
        areas=tuple(
            ScoreChange(
                key=area.key,
                name=area.name,
                level_number=area.level_number,
                before=previous.scores.get(area.key) if previous else None,
                now=current.scores.get(area.key),
                is_new=previous is not None and area.key not in previous.scores,
            )
            for area in outline.areas
        ),
        top_level=len(outline.levels),
    )


def round_of(results: CampaignResults, current_id: int) -> Round:
    campaign, score = results.campaign, results.score
    level = results.outline.level(score.achieved_level)
    held_at = campaign.opens_at or campaign.created_at
    return Round(
        campaign_id=campaign.pk,
        name=campaign.name,
        held_on=timezone.localdate(held_at),
        model_version=results.outline.version,
        achieved_level=score.achieved_level,
        achieved_level_name=level.name if level else None,
        scores={area.key: rounded(area.score) for level in score.levels for area in level.areas},
        is_current=campaign.pk == current_id,
    )
