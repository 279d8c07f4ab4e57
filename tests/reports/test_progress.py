"""Progress over time: a campaign against the organization's earlier rounds on the model."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Campaign
from reports.comparisons import comparisons_for
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
from tests.reports.test_results_page import figure_data, page_of, results_url

# Level 1 only: monitoring (50%) is below its threshold (75%).
FIRST_ROUND = {"cr-1": 2, "cr-2": 2, "mo-1": 2}
# Level 2: customer requirements 75%, monitoring 100%; level 3 not rated.
SECOND_ROUND = {"cr-1": 3, "cr-2": 3, "mo-1": 4}


def months_ago(months: int):
    return timezone.now() - timedelta(days=30 * months)


def held(organization, values, *, maturity_model=None, **fields):
    """A campaign of the organization with one respondent's answers."""
    campaign = CampaignFactory(
        organization=organization,
        maturity_model=maturity_model or small_model(),
        target_level=3,
        **fields,
    )
    respond(campaign, values)
    return campaign


def progress_of(campaign):
    return comparisons_for(campaign).progress


def version_1_1():
    """The small model's next version: monitoring renamed (same key), standard processes
    dropped, customer feedback new."""
    document = model_document(version="1.1")
    level_2, level_3 = document["levels"][1], document["levels"][2]
    level_2["process_areas"][1]["name"] = "Service monitoring"
    level_3["process_areas"] = [
        {
            "key": "customer-feedback",
            "name": "Customer feedback",
            "questions": [{"key": "cf-1", "text": "We ask customers what they think."}],
        }
    ]
    return import_document(document)


@pytest.fixture
def organization(executive):
    return executive.memberships.get().organization


@pytest.fixture
def two_rounds(organization, campaign):
    """The organization's campaign six months ago and the one now."""
    first = held(organization, FIRST_ROUND, name="2025 H2", opens_at=months_ago(6))
    campaign.name, campaign.opens_at = "2026 H1", months_ago(0)
    campaign.save()
    respond(campaign, SECOND_ROUND)
    return first, campaign


# Reading the series


def test_the_first_campaign_of_a_series_has_no_previous(campaign):
    respond(campaign, FIRST_ROUND)

    progress = progress_of(campaign)

    assert progress.previous is None
    assert [r.campaign_id for r in progress.rounds] == [campaign.pk]
    assert {area.before for area in progress.areas} == {None}
    assert not progress.has_trend


def test_the_change_since_the_previous_campaign_is_read_area_by_area(two_rounds):
    first, current = two_rounds

    progress = progress_of(current)

    assert progress.previous.campaign_id == first.pk
    assert (progress.previous.achieved_level, progress.current.achieved_level) == (1, 2)
    assert progress.level_change.arrow == "▲"
    assert progress.level_change.description == "up 1 level"
    changes = {area.key: area for area in progress.areas}
    requirements = changes["customer-requirements"]
    assert (requirements.before, requirements.now) == (0.5, 0.75)
    assert (requirements.arrow, requirements.description) == ("▲", "up 25.0 points")
    assert changes["monitoring"].description == "up 50.0 points"
    assert changes["standard-process"].description == "not rated last time"


def test_a_score_that_went_down_or_stayed_says_so(organization, campaign):
    held(organization, SECOND_ROUND, opens_at=months_ago(6))
    respond(campaign, {"cr-1": 1, "cr-2": 1, "mo-1": 4})

    changes = {area.key: area for area in progress_of(campaign).areas}

    assert (changes["customer-requirements"].arrow, changes["monitoring"].arrow) == ("▼", "▶")
    assert changes["customer-requirements"].description == "down 50.0 points"
    assert changes["monitoring"].description == "no change"
    assert progress_of(campaign).level_change.description == "down 1 level"


def test_areas_are_matched_across_versions_by_key(organization, campaign):
    held(organization, {**FIRST_ROUND, "sp-1": 3, "sp-2": 3}, opens_at=months_ago(6))
    campaign.maturity_model = version_1_1()
    campaign.save()
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 3, "cf-1": 4})

    progress = progress_of(campaign)

    changes = {area.key: area for area in progress.areas}
    assert list(changes) == ["customer-requirements", "monitoring", "customer-feedback"]
    renamed = changes["monitoring"]
    assert (renamed.name, renamed.before, renamed.now) == ("Service monitoring", 0.5, 0.75)
    new = changes["customer-feedback"]
    assert new.is_new
    assert new.before is None
    assert new.description == "new in this version"
    assert progress.previous.model_version == "1.0"


def test_campaigns_of_another_model_or_organization_are_not_in_the_series(two_rounds):
    first, current = two_rounds
    held(OrganizationFactory(), FIRST_ROUND, opens_at=months_ago(3))
    other_model = import_document(model_document(slug="another-model"))
    held(current.organization, {"cr-1": 0}, maturity_model=other_model, opens_at=months_ago(3))

    progress = progress_of(current)

    assert [r.campaign_id for r in progress.rounds] == [first.pk, current.pk]


def test_the_series_follows_opening_dates_and_skips_campaigns_without_answers(
    organization, campaign
):
    # Created first but held last: the opening date decides.
    respond(campaign, SECOND_ROUND)
    campaign.opens_at = months_ago(0)
    campaign.save()
    oldest = held(organization, FIRST_ROUND, opens_at=months_ago(12))
    middle = held(organization, FIRST_ROUND, opens_at=months_ago(6))
    CampaignFactory(organization=organization, maturity_model=small_model())

    progress = progress_of(campaign)

    assert [r.campaign_id for r in progress.rounds] == [oldest.pk, middle.pk, campaign.pk]
    assert progress.previous.campaign_id == middle.pk


def test_a_round_waiting_for_its_review_stays_out_of_the_other_rounds(two_rounds):
    first, current = two_rounds
    current.executives_see = Campaign.ExecutivesSee.REVIEWED
    current.save()

    assert [r.campaign_id for r in progress_of(first).rounds] == [first.pk]
    assert [r.campaign_id for r in progress_of(current).rounds] == [first.pk, current.pk]

    current.results_reviewed_at = timezone.now()
    current.save()
    assert [r.campaign_id for r in progress_of(first).rounds] == [first.pk, current.pk]


def test_an_earlier_campaign_shows_the_rounds_that_followed_but_no_previous(two_rounds):
    first, _ = two_rounds

    progress = progress_of(first)

    assert progress.previous is None
    assert progress.has_trend
    assert [r.is_current for r in progress.rounds] == [True, False]


def test_a_campaign_without_answers_has_nothing_to_compare(campaign):
    comparisons = comparisons_for(campaign)

    assert comparisons.progress is None
    assert comparisons.benchmark is None
    assert comparisons.figures == {}


# The page and the PDF


def test_the_results_page_shows_the_change_since_the_previous_campaign(
    client, executive, two_rounds
):
    first, current = two_rounds

    html = page_of(client, executive, current)

    assert "Progress since the last campaign" in html
    assert f"Compared with <strong>{first.name}</strong>" in html
    assert "1 · Initial" in html
    assert "2 · Foundational" in html
    assert '<span aria-hidden="true">▲</span> up 25.0 points' in html
    assert '<span aria-hidden="true">▲</span> up 1 level' in html


def test_the_trend_chart_follows_every_campaign_of_the_series(client, executive, two_rounds):
    first, current = two_rounds

    figure = figure_data(page_of(client, executive, current), "progress-trend")

    level, *areas = figure["data"]
    assert level["x"] == [first.name, current.name]
    assert level["y"] == [1, 2]
    assert [area["name"] for area in areas] == [
        "Customer requirements",
        "Monitoring",
        "Standard processes",
    ]
    assert areas[0]["y"] == [0.5, 0.75]


def test_the_first_campaign_invites_to_repeat_and_draws_no_trend(client, executive, campaign):
    respond(campaign, FIRST_ROUND)

    html = page_of(client, executive, campaign)

    assert "This is the first campaign of Small test model" in html
    assert "figure-progress-trend" not in html


def test_the_pdf_shows_the_change_since_the_previous_campaign(two_rounds, no_chromium):
    first, current = two_rounds

    text = " ".join(pages_of(render_report_pdf(current)))

    assert "Progress since the last campaign" in text
    assert f"Compared with {first.name}" in text
    assert "Achieved level: 1 · Initial → 2 · Foundational (▲ up 1 level)" in text
    assert "Customer requirements 50.0% 75.0% ▲ up 25.0 points" in text
    # Without Chromium, the trend chart's numbers stand in for it.
    assert "Achieved level and process-area scores, campaign by campaign" in text


def test_the_pdf_draws_the_trend_chart(two_rounds, needs_chromium):
    import io

    from pypdf import PdfReader

    _, current = two_rounds

    pdf = render_report_pdf(current)

    text = " ".join(pages_of(pdf))
    assert "Progress over time" in text
    assert "campaign by campaign" not in text  # the table gives way to the chart
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1


# Queries


def test_the_results_page_queries_grow_with_neither_rounds_nor_organizations(
    client, executive, organization, campaign, django_assert_max_num_queries
):
    """1 round and 5 organizations, then 6 rounds and 12: the same queries."""
    client.force_login(executive)
    respond(campaign, SECOND_ROUND)
    for _ in range(4):
        held(OrganizationFactory(), FIRST_ROUND)

    def cold_count():
        from django.core.cache import cache

        from models_catalog.outline import LOCAL_OUTLINES

        cache.clear()
        LOCAL_OUTLINES.clear()  # as a process that has not read the model yet
        with CaptureQueriesContext(connection) as queries:
            assert client.get(results_url(campaign)).status_code == 200
        return len(queries)

    few = cold_count()
    assert comparisons_for(campaign).benchmark.organizations == 5
    for months in range(1, 6):
        held(organization, FIRST_ROUND, opens_at=months_ago(months))
    for _ in range(7):
        held(OrganizationFactory(), SECOND_ROUND)
    many = cold_count()
    assert len(comparisons_for(campaign).progress.rounds) == 6
    assert comparisons_for(campaign).benchmark.organizations == 12

    assert few == many, (few, many)
    with django_assert_max_num_queries(few):
        client.get(results_url(campaign))


def test_new_answers_in_an_earlier_round_change_the_comparison_shown_later(db):
    """The comparison is cached; the cache follows every campaign it rests on."""
    organization = OrganizationFactory()
    earlier = held(organization, {"cr-1": 0, "cr-2": 0, "mo-1": 0}, opens_at=months_ago(6))
    latest = held(organization, {"cr-1": 4, "cr-2": 4, "mo-1": 4}, opens_at=months_ago(1))
    assert progress_of(latest).rounds[0].scores["monitoring"] == 0.0

    respond(earlier, {"mo-1": 4})
    latest.refresh_from_db()

    assert progress_of(latest).rounds[0].scores["monitoring"] == 0.5
