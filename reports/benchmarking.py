"""Benchmarking: where an organization stands among the others that use the same model.

For each other organization, its latest campaign with at least one respondent on the
model (same slug, any version) stands for it; process areas are matched by key and
levels by number. Nothing is shown until at least :data:`MINIMUM_ORGANIZATIONS`
organizations, this one included, have results, and nothing about the others is ever
shown except counts and quartiles over all of them: a :class:`Benchmark` holds no
name, no campaign and no single organization's number, so no page can leak one.

:func:`peer_campaigns` reads the others in one query; :func:`read_benchmark` is pure.
"""

import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from assessments.models import Campaign
from assessments.results import CampaignResults, rounded
from reports.progress import in_held_order, with_respondents

MINIMUM_ORGANIZATIONS = 5

ABOVE_UPPER_QUARTILE = "in the top quarter"
ABOVE_MEDIAN = "above the median"
AT_MEDIAN = "at the median"
BELOW_MEDIAN = "below the median"
BELOW_LOWER_QUARTILE = "in the bottom quarter"


# --- The other organizations, from the database -------------------------------------------


def peer_campaigns(campaign: Campaign) -> list[Campaign]:
    """Every other organization's latest campaign with respondents on the campaign's
    model, any version, in one query whatever the number of organizations."""
    with_results = Campaign.objects.filter(
        maturity_model__slug=campaign.maturity_model.slug
    ).filter(with_respondents())
    latest = (
        with_results.filter(organization_id=OuterRef("organization_id"))
        .order_by(*in_held_order(newest_first=True))
        .values("pk")[:1]
    )
    return list(
        with_results.exclude(organization_id=campaign.organization_id)
        .filter(pk=Subquery(latest))
        .select_related("maturity_model")
    )


# --- Reading it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCount:
    """How many organizations have reached exactly this level."""

    number: int  # 0: level 1 is not reached
    label: str
    organizations: int
    is_yours: bool


@dataclass(frozen=True)
class AreaBenchmark:
    """This campaign's score for one process area against the other organizations'."""

    key: str
    name: str
    level_number: int
    score: float | None
    # Quartiles of the others' scores; None while too few of them rated the area.
    lower_quartile: float | None
    median: float | None
    upper_quartile: float | None

    @property
    def is_compared(self) -> bool:
        return self.median is not None

    @property
    def standing(self) -> str:
        """Where this score falls among the others', in words."""
        if not self.is_compared or self.score is None:
            return ""
        if self.score > self.upper_quartile:
            return ABOVE_UPPER_QUARTILE
        if self.score < self.lower_quartile:
            return BELOW_LOWER_QUARTILE
        if self.score > self.median:
            return ABOVE_MEDIAN
        if self.score < self.median:
            return BELOW_MEDIAN
        return AT_MEDIAN


@dataclass(frozen=True)
class Benchmark:
    organizations: int  # this one included
    levels: tuple[LevelCount, ...]  # from "not yet level 1" up to the top level
    areas: tuple[AreaBenchmark, ...]  # the campaign's version's areas, in order

    @property
    def yours(self) -> LevelCount:
        return next(level for level in self.levels if level.is_yours)

    @property
    def below(self) -> int:
        """Organizations at a lower level than this one."""
        return sum(level.organizations for level in self.levels if level.number < self.yours.number)

    @property
    def above(self) -> int:
        return sum(level.organizations for level in self.levels if level.number > self.yours.number)

    @property
    def compared_areas(self) -> tuple[AreaBenchmark, ...]:
        return tuple(area for area in self.areas if area.is_compared)


def quartiles(scores: list[float]) -> tuple[float, float, float]:
    """Lower quartile, median and upper quartile, interpolated between the scores as a
    spreadsheet's QUARTILE.INC does (needs two scores or more)."""
    lower, median, upper = statistics.quantiles(scores, n=4, method="inclusive")
    return lower, median, upper


def read_benchmark(own: CampaignResults, peers: list[CampaignResults]) -> Benchmark | None:
    """This campaign among the others' latest ones; None below the minimum."""
    if own.respondents == 0 or len(peers) + 1 < MINIMUM_ORGANIZATIONS:
        return None
    return Benchmark(
        organizations=len(peers) + 1,
        levels=level_counts(own, peers),
        areas=tuple(area_benchmark(own, area, peers) for area in own.outline.areas),
    )


def level_counts(own: CampaignResults, peers: list[CampaignResults]) -> tuple[LevelCount, ...]:
    reached = Counter(results.score.achieved_level for results in [own, *peers])
    names = {level.number: level.name for level in own.outline.levels}
    # Another version of the model may have more levels than this campaign's.
    top = max([*names, *reached])
    return tuple(
        LevelCount(
            number=number,
            label=level_label(number, names),
            organizations=reached[number],
            is_yours=number == own.score.achieved_level,
        )
        for number in range(top + 1)
    )


def level_label(number: int, names: dict[int, str]) -> str:
    if number == 0:
        return "Not yet level 1"
    return f"{number} · {names[number]}" if number in names else f"Level {number}"


def area_benchmark(own: CampaignResults, area, peers: list[CampaignResults]) -> AreaBenchmark:
    """The area's quartiles over the others that rated it: shown only when, with this
    organization, at least the minimum number of organizations stand behind them."""
    others = [
        score for score in (peer_score(peer, area.key) for peer in peers) if score is not None
    ]
    lower = median = upper = None
    if len(others) + 1 >= MINIMUM_ORGANIZATIONS:
        lower, median, upper = (rounded(value) for value in quartiles(others))
    return AreaBenchmark(
        key=area.key,
        name=area.name,
        level_number=area.level_number,
        score=rounded(own.score.area(area.key).score),
        lower_quartile=lower,
        median=median,
        upper_quartile=upper,
    )


def peer_score(peer: CampaignResults, key: str) -> float | None:
    area = peer.score.area(key)
    return area.score if area else None
