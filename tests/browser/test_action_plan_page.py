"""An executive turns the gaps into an action plan on the site; the page is checked with
axe-core, with a form open and with an error shown."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Action
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import CampaignFactory, MembershipFactory, UserFactory, respond, small_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_an_executive_starts_the_plan_from_the_gaps_and_gives_an_action_an_owner(
    live_server, desktop
):
    campaign = CampaignFactory(maturity_model=small_model(), target_level=3, name="2026 H2")
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 1})
    user = UserFactory(username="erin")
    MembershipFactory(user=user, organization=campaign.organization, role="executive")
    page = desktop
    page.goto(live_server.url + reverse("login"))
    sign_in(page, user)

    page.goto(live_server.url + reverse("reports:results", args=[campaign.pk]))
    page.get_by_role("link", name="Action plan").click()
    page.get_by_role("button", name="Add a draft action for each").click()

    expect(page.get_by_role("status")).to_contain_text("Added 2 draft actions")
    monitoring = page.locator("article", has=page.get_by_role("heading", name="Monitoring"))
    monitoring.get_by_text("Change this action").click()
    assert_accessible(page, "action plan with a form open")

    monitoring.get_by_label("Owner").fill("Service desk")
    monitoring.get_by_label("Due by").fill("2027-03-31")
    monitoring.get_by_label("Status").select_option("in_progress")
    monitoring.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("status")).to_contain_text("Saved “Monitoring”")
    expect(monitoring).to_contain_text("owner: Service desk")
    expect(monitoring).to_contain_text("due by 31 Mar 2027")
    expect(monitoring).to_contain_text("In progress")

    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    assert_accessible(page, "action plan with an error")
    assert Action.objects.filter(campaign=campaign).count() == 2
