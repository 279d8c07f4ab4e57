"""Scoring core: from answer tallies to process-area statuses, achieved level and gaps.

Pure functions on plain data so the rule can be read, tested and reused (views, reports,
exports) without a database. The database only aggregates one :class:`Tally` per question;
everything else happens here, at a cost independent of the number of respondents.

The rule, quoted by clause in the comments below:

1. An answer's value v on a scale from min to max counts as (v - min) / (max - min).
   N/A answers count nowhere.
2. A question's score is the mean of its respondents' values; unrated (None) without a value.
3. A process area's score is the weighted mean of its rated questions' scores.
4. A process area's status: not_rated (no answer at all), not_applicable (only N/A answers),
   satisfied (rule "mean": score >= threshold; rule "every": every rated question's score
   >= threshold), not_satisfied otherwise; comparisons allow a tolerance of 1e-9.
5. A level is achieved when every process area of it is satisfied or not_applicable and the
   level below is achieved; a level without process areas is achieved when the level below is.
6. The achieved level is the highest achieved level (0 when level 1 is not achieved).
7. Gaps: from the first level not achieved up to the target level (or the top level), every
   process area not_satisfied or not_rated; shortfall = threshold - score.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

RULE_MEAN = "mean"
RULE_EVERY = "every"

SATISFIED = "satisfied"
NOT_SATISFIED = "not_satisfied"
NOT_APPLICABLE = "not_applicable"
NOT_RATED = "not_rated"

TOLERANCE = 1e-9

# Statuses that let a level be achieved (rule 5) and statuses that are gaps (rule 7).
_PASSING = frozenset({SATISFIED, NOT_APPLICABLE})
_GAP = frozenset({NOT_SATISFIED, NOT_RATED})


# --- The model, as the caller resolved it -------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    weight: float = 1.0


@dataclass(frozen=True)
class AreaSpec:
    """A process area; ``threshold`` is the effective one (own or model default)."""

    key: str
    name: str
    threshold: float
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class LevelSpec:
    number: int
    name: str
    areas: tuple[AreaSpec, ...]


@dataclass(frozen=True)
class ModelSpec:
    """A maturity model; ``levels`` are in order 1..n."""

    rule: str
    scale_min: int
    scale_max: int
    levels: tuple[LevelSpec, ...]


# --- What the database aggregates ---------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What the database aggregates for one question (raw scale values, not normalized).

    Sums rather than answer lists, so scoring costs the same for 5 or 5,000 respondents and
    groups (departments, sites) merge by addition.
    """

    count: int = 0  # answers with a value
    total: int = 0  # sum of raw values
    total_squares: int = 0  # sum of squared raw values
    na: int = 0  # N/A answers

    def __add__(self, other: Tally) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(
            count=self.count + other.count,
            total=self.total + other.total,
            total_squares=self.total_squares + other.total_squares,
            na=self.na + other.na,
        )

    @classmethod
    def of(cls, values: Iterable[int | None]) -> Tally:
        """Tally raw answers; None stands for N/A."""
        rated = []
        na = 0
        for value in values:
            if value is None:
                na += 1
            else:
                rated.append(value)
        return cls(
            count=len(rated),
            total=sum(rated),
            total_squares=sum(value * value for value in rated),
            na=na,
        )

    @property
    def answered(self) -> bool:
        """Whether anybody answered, be it with a value or N/A (rule 4: not_rated)."""
        return self.count + self.na > 0


# --- Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionScore:
    key: str
    score: float | None  # normalized mean, None when unrated (rule 2)
    answers: int  # answers with a value
    na: int
    stdev: float | None  # population stdev of the normalized values, None when unrated


@dataclass(frozen=True)
class AreaScore:
    key: str
    name: str
    status: str
    score: float | None
    threshold: float
    stdev: float | None  # population stdev of every normalized value in the area, pooled
    questions: tuple[QuestionScore, ...]

    @property
    def shortfall(self) -> float | None:
        """How far the area is below its threshold (rule 7); None when it has no score."""
        if self.score is None:
            return None
        return self.threshold - self.score


@dataclass(frozen=True)
class LevelScore:
    number: int
    name: str
    achieved: bool
    areas: tuple[AreaScore, ...]


@dataclass(frozen=True)
class Gap:
    level: int
    area: AreaScore

    @property
    def shortfall(self) -> float | None:
        return self.area.shortfall

    @property
    def status(self) -> str:
        return self.area.status


@dataclass(frozen=True)
class CampaignScore:
    levels: tuple[LevelScore, ...]
    achieved_level: int  # 0 when level 1 is not achieved (rule 6)
    gaps: tuple[Gap, ...]

    def level(self, number: int) -> LevelScore | None:
        return next((level for level in self.levels if level.number == number), None)

    def area(self, key: str) -> AreaScore | None:
        areas = (area for level in self.levels for area in level.areas)
        return next((area for area in areas if area.key == key), None)


# --- Scoring ------------------------------------------------------------------------------


def _check_scale(scale_min: int, scale_max: int) -> None:
    """A scale without room between its ends cannot normalize anything (rule 1)."""
    if scale_max <= scale_min:
        raise ValueError(f"scale max ({scale_max}) must be greater than min ({scale_min})")


def _normalized_mean(tally: Tally, scale_min: int, scale_max: int) -> float | None:
    """Mean of the normalized values, from the sums (rules 1 and 2)."""
    if tally.count == 0:
        return None  # unrated: rule 2
    # One division of exact integers, which Python rounds correctly: the float nearest the
    # true mean, which rounding to 4 decimals then takes the right way at a half.
    return (tally.total - tally.count * scale_min) / (tally.count * (scale_max - scale_min))


def _normalized_stdev(tally: Tally, scale_min: int, scale_max: int) -> float | None:
    """Population stdev of the normalized values, from the sums.

    Normalizing is affine, so the raw stdev divided by the scale's span is the normalized
    one. The variance numerator is computed in integers (exact), then clamped in case a
    caller hands sums that are not quite consistent.
    """
    if tally.count == 0:
        return None
    numerator = tally.count * tally.total_squares - tally.total * tally.total
    variance = max(numerator, 0) / (tally.count * tally.count)
    return math.sqrt(variance) / (scale_max - scale_min)


def _satisfies(score: float, threshold: float) -> bool:
    """A score equal to the threshold, up to floating error, satisfies it (rule 4)."""
    return score >= threshold - TOLERANCE


def score_question(
    spec: QuestionSpec, tally: Tally, scale_min: int, scale_max: int
) -> QuestionScore:
    """Score one question from its tally (rules 1 and 2)."""
    _check_scale(scale_min, scale_max)
    return QuestionScore(
        key=spec.key,
        score=_normalized_mean(tally, scale_min, scale_max),
        answers=tally.count,  # N/A answers count nowhere: rule 1
        na=tally.na,
        stdev=_normalized_stdev(tally, scale_min, scale_max),
    )


def _weighted_mean(
    specs: tuple[QuestionSpec, ...], scores: tuple[QuestionScore, ...]
) -> float | None:
    """Weighted mean of the rated questions' scores; None when none is rated (rule 3).

    sum(weight * score) / sum(weight), as the rule reads and as anyone checking a result
    by hand computes it: other arrangements of the same sum differ in the last bits,
    enough to round an exact half (0.94375) the other way. A weight is any finite number above 0
    (CONTRACT.md section 4); only where that sum overflows (two weights of 1e308) or a
    product leaves the normal floats (5e-324 * 0.5 is 0) are the weights divided by the
    largest first, which gives the same mean with finite sums.
    """
    rated = [(spec.weight, qs.score) for spec, qs in zip(specs, scores, strict=True)]
    rated = [(weight, score) for weight, score in rated if score is not None]
    if not rated:
        return None
    weighted = sum(weight * score for weight, score in rated)
    total_weight = sum(weight for weight, _ in rated)
    if (
        math.isfinite(weighted)
        and math.isfinite(total_weight)
        and all(weight * score >= sys.float_info.min for weight, score in rated if score > 0)
    ):
        return weighted / total_weight
    largest = max(weight for weight, _ in rated)
    shares = [(weight / largest, score) for weight, score in rated]
    return sum(share * score for share, score in shares) / sum(share for share, _ in shares)


def _area_status(
    rule: str,
    threshold: float,
    score: float | None,
    scores: tuple[QuestionScore, ...],
    answered: bool,
) -> str:
    """Status of a process area (rule 4)."""
    if not answered:
        return NOT_RATED  # no answer at all
    if score is None:
        return NOT_APPLICABLE  # answers, all of them N/A
    if rule == RULE_MEAN:
        passed = _satisfies(score, threshold)
    elif rule == RULE_EVERY:
        rated = (qs.score for qs in scores if qs.score is not None)
        passed = all(_satisfies(question_score, threshold) for question_score in rated)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return SATISFIED if passed else NOT_SATISFIED


def score_area(spec: AreaSpec, tallies: Mapping[str, Tally], model: ModelSpec) -> AreaScore:
    """Score one process area; a question missing from ``tallies`` has no answer."""
    question_tallies = [tallies.get(question.key, Tally()) for question in spec.questions]
    scores = tuple(
        score_question(question, tally, model.scale_min, model.scale_max)
        for question, tally in zip(spec.questions, question_tallies, strict=True)
    )
    pooled = sum(question_tallies, Tally())
    score = _weighted_mean(spec.questions, scores)
    return AreaScore(
        key=spec.key,
        name=spec.name,
        status=_area_status(model.rule, spec.threshold, score, scores, pooled.answered),
        score=score,
        threshold=spec.threshold,
        stdev=_normalized_stdev(pooled, model.scale_min, model.scale_max),
        questions=scores,
    )


def _score_levels(model: ModelSpec, tallies: Mapping[str, Tally]) -> tuple[LevelScore, ...]:
    """Score every level and its process areas."""
    return _achieved_in_turn(
        (spec.number, spec.name, tuple(score_area(area, tallies, model) for area in spec.areas))
        for spec in model.levels
    )


def _achieved_in_turn(
    levels: Iterable[tuple[int, str, tuple[AreaScore, ...]]],
) -> tuple[LevelScore, ...]:
    """Levels from their scored areas; each one is achieved only on top of the one below
    (rule 5)."""
    chained = []
    below_achieved = True  # level 1 has no level below
    for number, name, areas in levels:
        achieved = below_achieved and all(area.status in _PASSING for area in areas)
        chained.append(LevelScore(number, name, achieved, areas))
        below_achieved = achieved
    return tuple(chained)


def _achieved_level(levels: tuple[LevelScore, ...]) -> int:
    """Highest achieved level, 0 when level 1 is not (rule 6)."""
    return max((level.number for level in levels if level.achieved), default=0)


def _gaps(levels: tuple[LevelScore, ...], target_level: int | None) -> tuple[Gap, ...]:
    """Areas to work on, from the first level not achieved up to the target (rule 7).

    Achievement is chained (rule 5), so the levels not achieved are exactly those above the
    achieved level; a target at or below it therefore yields no gap.
    """
    return tuple(
        Gap(level.number, area)
        for level in levels
        if not level.achieved and (target_level is None or level.number <= target_level)
        for area in level.areas
        if area.status in _GAP
    )


def score_campaign(
    model: ModelSpec, tallies: Mapping[str, Tally], target_level: int | None = None
) -> CampaignScore:
    """Score a campaign: every level and area, the achieved level and the gaps to a target."""
    _check_scale(model.scale_min, model.scale_max)
    levels = _score_levels(model, tallies)
    return CampaignScore(
        levels=levels,
        achieved_level=_achieved_level(levels),
        gaps=_gaps(levels, target_level),
    )


def with_statuses(
    score: CampaignScore, statuses: Mapping[str, str], target_level: int | None = None
) -> CampaignScore:
    """The campaign as it would stand if some process areas had the statuses given (by
    area key), as when a consultant overrides them: scores stay as computed, levels,
    achieved level and gaps follow rules 5-7. A new score; ``score`` is left as it is."""
    levels = _achieved_in_turn(
        (
            level.number,
            level.name,
            tuple(
                replace(area, status=statuses.get(area.key, area.status)) for area in level.areas
            ),
        )
        for level in score.levels
    )
    return CampaignScore(
        levels=levels,
        achieved_level=_achieved_level(levels),
        gaps=_gaps(levels, target_level),
    )


def is_disagreement(stdev: float | None, threshold: float) -> bool:
    """Whether respondents disagree enough for the result to deserve a discussion."""
    return stdev is not None and stdev >= threshold - TOLERANCE
