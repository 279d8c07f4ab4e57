"""An executive opens the latest round's results: what changed since the last campaign,
the trend over the rounds and how the organization compares, checked with axe-core."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    respond,
    small_model,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def executive_with_two_rounds(db):
    """Two rounds six months apart, and four other organizations with results."""
    organization = OrganizationFactory(name="Acme")
    earlier = CampaignFactory(
        organization=organization,
        maturity_model=small_model(),
        name="2025 H2",
        opens_at=timezone.now() - timedelta(days=182),
    )
    respond(earlier, {"cr-1": 2, "cr-2": 2, "mo-1": 2})
    latest = CampaignFactory(
        organization=organization, maturity_model=small_model(), name="2026 H1"
    )
    respond(latest, {"cr-1": 3, "cr-2": 3, "mo-1": 4})
    for value in range(4):
        other = CampaignFactory(maturity_model=small_model())
        respond(other, {"cr-1": value, "cr-2": value + 1, "mo-1": 4 - value})
    user = UserFactory(username="erin")
    MembershipFactory(user=user, organization=organization, role="executive")
    return user, latest


def test_an_executive_sees_the_progress_since_the_last_campaign(
    live_server, desktop, executive_with_two_rounds
):
    user, latest = executive_with_two_rounds
    page = desktop
    results_path = reverse("reports:results", args=[latest.pk])

    page.goto(live_server.url + results_path)
    sign_in(page, user)
    expect(page).to_have_url(live_server.url + results_path)

    progress = page.get_by_role("region", name="Progress since the last campaign")
    expect(progress).to_contain_text("Compared with 2025 H2")
    expect(progress.locator("#level-change")).to_contain_text("1 · Initial")
    expect(progress.locator("#level-change")).to_contain_text("2 · Foundational")
    expect(progress.locator("#level-change")).to_contain_text("up 1 level")
    requirements = progress.locator("#area-changes tr", has_text="Customer requirements")
    expect(requirements).to_contain_text("50.0%")
    expect(requirements).to_contain_text("75.0%")
    expect(requirements).to_contain_text("up 25.0 points")
    # plotly draws the trend chart as SVG from its JSON data block.
    trend = page.locator("#chart-progress-trend")
    expect(trend.locator(".main-svg").first).to_be_visible()
    expect(trend).to_contain_text("2025 H2")

    compare = page.get_by_role("region", name="How you compare")
    expect(compare).to_contain_text("You are at 2 · Foundational")
    expect(compare.locator("#chart-benchmark-levels .main-svg").first).to_be_visible()
    expect(compare.locator("#chart-benchmark-areas .main-svg").first).to_be_visible()
    assert_accessible(page, "results page with progress and benchmark")
