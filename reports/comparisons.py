"""A campaign compared: with the organization's earlier rounds and with other organizations.

What the results page and the PDF show below the campaign's own results. The series and
the other organizations' latest campaigns are read in one query each and scored
together, so the number of queries grows with neither the rounds nor the organizations.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache

from assessments.models import Campaign
from assessments.results import cache_key, results_for_campaigns
from reports.benchmarking import MINIMUM_ORGANIZATIONS, Benchmark, peer_campaigns, read_benchmark
from reports.comparison_figures import comparison_figures
from reports.figures import ReportFigure
from reports.progress import Progress, read_progress, series_of


@dataclass(frozen=True)
class Comparisons:
    progress: Progress | None = None  # None before the campaign's first answer
    benchmark: Benchmark | None = None  # None below the minimum number of organizations
    figures: dict[str, ReportFigure] = field(default_factory=dict)  # see comparison_figures
    minimum_organizations: int = MINIMUM_ORGANIZATIONS


def comparisons_for(campaign: Campaign) -> Comparisons:
    series = series_of(campaign)
    if campaign.pk not in {earlier.pk for earlier in series}:
        return Comparisons()  # no answers yet: nothing to compare
    peers = peer_campaigns(campaign)
    # Charts cost more than the rest of the page: computed once for this set of campaigns,
    # their answers and the round names and dates the trend shows.
    key = comparisons_key(campaign, series, peers)
    comparisons = cache.get(key)
    if comparisons is None:
        comparisons = compare(campaign, series, peers)
        cache.set(key, comparisons, timeout=None)
    return comparisons


def comparisons_key(campaign: Campaign, series: list[Campaign], peers: list[Campaign]) -> str:
    parts = [cache_key(campaign, "comparisons")] + [
        f"{cache_key(other, 'campaign')}:{other.name}:{other.opens_at}:{other.created_at}"
        for other in series + peers
    ]
    return "comparisons:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def compare(campaign: Campaign, series: list[Campaign], peers: list[Campaign]) -> Comparisons:
    scored = results_for_campaigns(series + peers)
    rounds, others = scored[: len(series)], scored[len(series) :]
    progress = read_progress(rounds, campaign.pk)
    own = next(results for results in rounds if results.campaign.pk == campaign.pk)
    benchmark = read_benchmark(own, others)
    return Comparisons(progress, benchmark, comparison_figures(progress, benchmark))
