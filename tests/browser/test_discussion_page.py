"""An executive goes from the results to the discussion agenda and prints it for a
workshop; the page is checked with axe-core on screen and as printed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, sign_in
from tests.factories import CampaignFactory, MembershipFactory, UserFactory, respond, small_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def executive_with_answers(db):
    """Executives rate the organization higher than the front line; people disagree."""
    campaign = CampaignFactory(maturity_model=small_model(), target_level=3, name="2026 H2")
    for _ in range(3):
        respond(campaign, {"cr-1": 4, "cr-2": 3, "mo-1": 4}, role="executive")
    for value in (0, 1, 0):
        respond(campaign, {"cr-1": value, "cr-2": 2, "mo-1": 1}, role="employee")
    user = UserFactory(username="erin")
    MembershipFactory(user=user, organization=campaign.organization, role="executive")
    return user, campaign


def test_an_executive_opens_the_agenda_from_the_results_and_prints_it(
    live_server, new_phone, executive_with_answers
):
    user, campaign = executive_with_answers
    page = new_phone()
    page.goto(live_server.url + reverse("login"))
    sign_in(page, user)
    page.goto(live_server.url + reverse("reports:results", args=[campaign.pk]))

    page.get_by_role("link", name="Discussion agenda").click()

    expect(page).to_have_url(live_server.url + reverse("reports:discussion", args=[campaign.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Discussion agenda")
    disputed = page.get_by_role("heading", name="We know who our target customers are.")
    expect(disputed).to_be_visible()
    expect(page.locator(".role-gaps tbody tr").first).to_contain_text("Executives rate it higher")
    # The print button comes with its script (the Content-Security-Policy allows no other).
    expect(page.get_by_role("button", name="Print this agenda")).to_be_visible()
    expect(page.locator(".notes-space").first).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "discussion agenda")

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this agenda")).to_be_hidden()
    expect(page.locator(".notes-space").first).to_be_visible()
    assert_accessible(page, "discussion agenda, printed")
