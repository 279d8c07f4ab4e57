"""An executive signs in, reads where the organization stands and takes the PDF report
along; the results page and the home page are checked with axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import (
    CampaignFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
    respond,
    small_model,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
CHARTS = 4  # ladder, area scores, units, disagreement


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def executive_with_results(db):
    campaign = CampaignFactory(maturity_model=small_model(), target_level=3, name="2026 H2")
    sales = UnitFactory(organization=campaign.organization, name="Sales")
    for values in (
        {"cr-1": 4, "cr-2": 3, "mo-1": None},
        {"cr-1": 0, "cr-2": 2, "mo-1": 1},
        {"cr-1": 4, "cr-2": 3, "mo-1": 2},
    ):
        respond(campaign, values, unit=sales, role="employee")
    user = UserFactory(username="erin")
    MembershipFactory(user=user, organization=campaign.organization, role="executive")
    return user, campaign


def test_an_executive_signs_in_reads_the_results_and_downloads_the_pdf(
    live_server, desktop, executive_with_results
):
    user, campaign = executive_with_results
    page = desktop
    results_path = reverse("reports:results", args=[campaign.pk])

    page.goto(live_server.url + results_path)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next={results_path}")
    sign_in(page, user)

    expect(page).to_have_url(live_server.url + results_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 H2")
    expect(page.locator(".headline-achieved")).to_contain_text("1 · Initial")
    expect(page.get_by_role("heading", name="What blocks the next level")).to_be_visible()
    # plotly draws every chart as SVG from its JSON data block.
    expect(page.locator("[data-figure] .main-svg").first).to_be_visible()
    expect(page.locator("[data-figure]:has(.main-svg)")).to_have_count(CHARTS)
    assert_accessible(page, "results page")

    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-gap-report.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_role("heading", name="Your campaigns")).to_be_visible()
    expect(page.get_by_role("link", name="2026 H2")).to_be_visible()
    assert_accessible(page, "home page")


def test_the_home_page_is_accessible_to_signed_out_visitors(live_server, desktop):
    desktop.goto(live_server.url + reverse("home"))

    expect(desktop.get_by_role("heading", level=1)).to_contain_text("customer-centric")
    assert_accessible(desktop, "home page, signed out")
