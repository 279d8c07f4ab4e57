"""Benchmarking: where an organization stands among the others on the same model, shown
only from five organizations on, and never naming or singling out another one."""

import pytest

from reports.benchmarking import (
    ABOVE_UPPER_QUARTILE,
    BELOW_MEDIAN,
    MINIMUM_ORGANIZATIONS,
    quartiles,
)
from reports.comparisons import comparisons_for
from reports.figures import ACHIEVED_COLOUR
from reports.pdf import render_report_pdf
from tests.factories import (
    CampaignFactory,
    OrganizationFactory,
    import_document,
    model_document,
    respond,
    small_model,
)
from tests.reports.test_pdf import pages_of
from tests.reports.test_progress import held, months_ago, version_1_1
from tests.reports.test_results_page import figure_data, page_of, table_rows

# Level 2 reached: customer requirements 75%, monitoring 75%.
OURS = {"cr-1": 3, "cr-2": 3, "mo-1": 3}
# The others' customer requirements: 0%, 25%, 50% and 100%.
OTHERS = [
    {"cr-1": 0, "cr-2": 0, "mo-1": 0},
    {"cr-1": 1, "cr-2": 1, "mo-1": 4},
    {"cr-1": 2, "cr-2": 2, "mo-1": 4},
    {"cr-1": 4, "cr-2": 4, "mo-1": 4, "sp-1": 4, "sp-2": 4},
]
SECRET = "Zebra Secret"


def others(answers=OTHERS, maturity_model=None, first=0):
    """Other organizations, each with one campaign; names no page may show."""
    return [
        held(
            OrganizationFactory(name=f"{SECRET} Holdings {index}"),
            values,
            maturity_model=maturity_model,
            name=f"{SECRET} round {index}",
        )
        for index, values in enumerate(answers, start=first)
    ]


def benchmark_of(campaign):
    return comparisons_for(campaign).benchmark


@pytest.fixture
def ours(campaign):
    respond(campaign, OURS)
    return campaign


def test_quartiles_are_interpolated_between_the_scores():
    assert quartiles([0.4, 0.1, 0.3, 0.2]) == pytest.approx((0.175, 0.25, 0.325))
    assert quartiles([0.0, 0.5, 1.0]) == pytest.approx((0.25, 0.5, 0.75))


def test_four_organizations_are_not_enough_to_compare(client, executive, ours):
    others(OTHERS[:3])

    html = page_of(client, executive, ours)

    assert benchmark_of(ours) is None
    assert "How you compare" in html
    assert "Benchmarking appears here once at least 5 organizations" in html
    assert "figure-benchmark" not in html


def test_five_organizations_show_the_levels_reached_with_yours_highlighted(client, executive, ours):
    others()

    html = page_of(client, executive, ours)

    benchmark = benchmark_of(ours)
    assert benchmark.organizations == MINIMUM_ORGANIZATIONS
    assert [(level.label, level.organizations) for level in benchmark.levels] == [
        ("Not yet level 1", 0),
        ("1 · Initial", 2),
        ("2 · Foundational", 2),
        ("3 · Organizational", 1),
    ]
    assert "You are at <strong>2 · Foundational</strong>" in html
    bars = figure_data(html, "benchmark-levels")["data"][0]
    assert bars["y"] == [0, 2, 2, 1]
    assert [colour == ACHIEVED_COLOUR for colour in bars["marker"]["color"]] == [
        False,
        False,
        True,
        False,
    ]
    assert "Benchmarking appears here" not in html


def test_each_area_stands_against_the_others_quartiles(client, executive, ours):
    others()

    html = page_of(client, executive, ours)

    areas = {area.key: area for area in benchmark_of(ours).areas}
    requirements = areas["customer-requirements"]
    assert (
        requirements.lower_quartile,
        requirements.median,
        requirements.upper_quartile,
    ) == (0.1875, 0.375, 0.625)
    assert requirements.standing == ABOVE_UPPER_QUARTILE
    # Monitoring: the others have 0%, 100%, 100%, 100%; yours is 75%.
    assert (areas["monitoring"].median, areas["monitoring"].standing) == (1.0, BELOW_MEDIAN)
    assert ["2", "Customer requirements", "75.0%", "18.8%", "37.5%", "62.5%"] in [
        row[:6] for row in table_rows(html)
    ]


def test_an_area_too_few_others_rated_is_not_compared(client, executive, ours):
    others()

    html = page_of(client, executive, ours)

    standard = next(a for a in benchmark_of(ours).areas if a.key == "standard-process")
    assert not standard.is_compared
    assert standard.median is None
    assert [
        "3",
        "Standard processes",
        "—",
        "—",
        "—",
        "—",
        "Too few organizations rated it yet",
    ] in table_rows(html)
    chart = figure_data(html, "benchmark-areas")
    assert "Standard processes" not in chart["data"][0]["y"]


def test_each_other_organization_counts_once_with_its_latest_campaign_with_answers(ours):
    *_, last = others()
    # The same organization later fell back to level 1, then opened a campaign nobody
    # has answered yet.
    held(last.organization, {"cr-1": 1, "cr-2": 1}, opens_at=months_ago(-1))
    CampaignFactory(organization=last.organization, maturity_model=small_model())

    benchmark = benchmark_of(ours)

    assert benchmark.organizations == MINIMUM_ORGANIZATIONS
    assert [level.organizations for level in benchmark.levels] == [0, 3, 2, 0]


def test_other_models_do_not_count_and_other_versions_match_by_key(ours):
    others(OTHERS[:3])
    another_model = import_document(model_document(slug="another-model"))
    others(OTHERS[3:], maturity_model=another_model, first=3)
    assert benchmark_of(ours) is None

    held(OrganizationFactory(), {"cr-1": 4, "cr-2": 4, "mo-1": 4}, maturity_model=version_1_1())

    benchmark = benchmark_of(ours)
    assert benchmark.organizations == MINIMUM_ORGANIZATIONS
    requirements = next(a for a in benchmark.areas if a.key == "customer-requirements")
    assert requirements.upper_quartile == 0.625


def test_the_organizations_own_earlier_campaigns_are_not_others(organization_rounds):
    campaign = organization_rounds

    assert benchmark_of(campaign) is None


@pytest.fixture
def organization_rounds(ours):
    """Four other organizations and four earlier campaigns of this one."""
    others(OTHERS[:3])
    for months in range(1, 5):
        held(ours.organization, OURS, opens_at=months_ago(months))
    return ours


def test_no_other_organization_is_named_on_the_page(client, executive, ours):
    others()

    html = page_of(client, executive, ours)

    assert benchmark_of(ours) is not None
    assert SECRET not in html


def test_no_other_organization_is_named_in_the_pdf(ours, no_chromium):
    others()

    text = " ".join(pages_of(render_report_pdf(ours)))

    assert "How you compare" in text
    assert "You are at 2 · Foundational" in text
    assert SECRET not in text


def test_no_other_organization_is_named_in_the_pdf_charts(ours, needs_chromium):
    others()

    text = " ".join(pages_of(render_report_pdf(ours)))

    assert "Levels reached by organizations like yours" in text
    assert SECRET not in text


def test_the_pdf_says_when_there_are_too_few_organizations(ours, no_chromium):
    others(OTHERS[:3])

    text = " ".join(pages_of(render_report_pdf(ours)))

    assert "Benchmarking appears here once at least 5 organizations" in text
