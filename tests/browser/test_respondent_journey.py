"""A person answers the questionnaire on a phone: leaves halfway, resumes on another
device, submits; every page of the way is checked with axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Response
from assessments.results import campaign_results
from tests.browser.conftest import assert_accessible
from tests.factories import CampaignFactory, InvitationFactory, UnitFactory, small_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = "Save and continue"
NOT_APPLICABLE = "Not applicable / I can't say"


@pytest.fixture
def invitation(db):
    campaign = CampaignFactory(maturity_model=small_model(), target_level=3)
    UnitFactory(organization=campaign.organization, name="Sales")
    UnitFactory(organization=campaign.organization, name="Service")
    return InvitationFactory(campaign=campaign, email="ana@example.com")


def link(live_server, invitation, name="start", *args):
    return live_server.url + reverse(f"questionnaire:{name}", args=[invitation.token, *args])


def question(page, text: str):
    return page.get_by_role("group", name=text)


def choose(page, statement: str, option: str):
    question(page, statement).get_by_label(option, exact=True).check()


def test_a_respondent_answers_on_a_phone_leaves_halfway_resumes_and_submits(
    live_server, new_phone, invitation
):
    page = new_phone()
    page.goto(link(live_server, invitation))
    expect(page.get_by_role("heading", level=1)).to_have_text("How customer-centric are we?")
    expect(page.get_by_text("This questionnaire is anonymous")).to_be_visible()
    assert_accessible(page, "start page")
    page.get_by_label("Your unit").select_option(label="Sales")
    page.get_by_label("Your role").select_option("employee")
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("progressbar", name="Area 1 of 3")).to_be_visible()
    assert_accessible(page, "area page")

    # A comment without an answer cannot be stored: the page says so and where.
    first = question(page, "We know who our target customers are.")
    first.get_by_text("Add a comment (optional)").click()
    first.get_by_role("textbox").fill("Only in sales")
    page.get_by_role("button", name=SAVE).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("so your comment can be saved")
    expect(summary).to_be_focused()
    assert_accessible(page, "area page with errors")
    summary.get_by_role("link").click()
    expect(first.get_by_role("textbox")).to_be_focused()

    choose(page, "We know who our target customers are.", "Defined")
    choose(page, "We write down what they need.", "Managed")
    page.get_by_role("button", name=SAVE).click()

    expect(page.get_by_role("progressbar", name="Area 2 of 3")).to_be_visible()
    choose(page, "We track complaints.", NOT_APPLICABLE)
    page.get_by_role("button", name=SAVE).click()

    # Halfway through the last area the person chooses one answer and leaves without
    # pressing Save: the page has saved it already.
    expect(page.get_by_role("progressbar", name="Area 3 of 3")).to_be_visible()
    choose(page, "All units follow the same customer process.", "Optimized")
    expect(page.get_by_role("status")).to_have_text("Your answers on this page are saved.")
    page.context.close()

    page = new_phone()
    page.goto(link(live_server, invitation))
    expect(page.get_by_text("You have answered 4 of 5 statements so far.")).to_be_visible()
    page.get_by_role("link", name="Continue where you left off").click()
    expect(page.get_by_role("progressbar", name="Area 3 of 3")).to_be_visible()
    expect(
        question(page, "All units follow the same customer process.").get_by_label("Optimized")
    ).to_be_checked()
    choose(page, "The process is written down.", "Defined")
    page.get_by_role("button", name="Save and review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you submit"
    )
    expect(page.get_by_text("You have answered every statement.")).to_be_visible()
    assert_accessible(page, "review page")
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert_accessible(page, "thank-you page")
    page.get_by_role("link", name="see your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers")
    expect(page.get_by_text("Your comment: Only in sales")).to_be_visible()
    assert page.locator("form input[type=radio]").count() == 0
    assert_accessible(page, "read-only answers")

    response = Response.objects.get(invitation=invitation)
    assert (response.unit.name, response.role) == ("Sales", "employee")
    results = campaign_results(invitation.campaign)
    assert results.respondents == 1
    areas = {area.key: area for level in results.score.levels for area in level.areas}
    assert areas["customer-requirements"].score == pytest.approx((0.75 + 0.5) / 2)
    assert areas["monitoring"].status == "not_applicable"
    assert areas["standard-process"].score == pytest.approx((1.0 * 1 + 0.75 * 2) / 3)


def test_the_questionnaire_works_with_the_keyboard_alone(live_server, new_phone, invitation):
    page = new_phone()
    page.goto(link(live_server, invitation))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("progressbar", name="Area 1 of 3")).to_be_visible()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "value-cr-1":
            break
    # Arrow keys move through a radio group; Enter saves and continues.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("progressbar", name="Area 2 of 3")).to_be_visible()
    answers = Response.objects.get(invitation=invitation).answers.values_list("value", flat=True)
    assert list(answers) == [2]


def test_a_narrow_phone_never_scrolls_sideways(live_server, new_phone, invitation):
    page = new_phone(viewport={"width": 320, "height": 640})
    page.goto(link(live_server, invitation))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Start").click()
    for area in ("customer-requirements", "monitoring", "standard-process"):
        page.goto(link(live_server, invitation, "area", area))
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, area
    page.goto(link(live_server, invitation, "review"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # An error that repeats a long posted value wraps it.
    page.goto(link(live_server, invitation, "area", "customer-requirements"))
    page.evaluate(
        "(() => { const option = document.querySelector('input[name=\"value-cr-1\"]');"
        " option.value = '9'.repeat(60); option.checked = true; })()"
    )
    page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_role("alert")).to_contain_text("9999")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_an_answer_changed_while_the_page_is_saving_is_saved_too(
    live_server, new_phone, invitation
):
    """A mis-tap corrected on a slow network: the first save is still on its way when the
    person picks another answer; the second answer is the one kept."""
    page = new_phone()
    page.goto(link(live_server, invitation))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("progressbar", name="Area 1 of 3")).to_be_visible()
    held = []

    def hold_the_first_save(route):
        if route.request.method == "POST" and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/areas/**", hold_the_first_save)
    choose(page, "We know who our target customers are.", "Defined")
    expect(page.get_by_role("status")).to_have_text("Saving…")
    assert len(held) == 1
    choose(page, "We know who our target customers are.", "Optimized")
    page.wait_for_timeout(600)  # past the page's pause before it saves a change
    held[0].continue_()

    expect(page.get_by_role("status")).to_have_text("Your answers on this page are saved.")
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(
        question(page, "We know who our target customers are.").get_by_label("Optimized")
    ).to_be_checked()


def focus_ring(page) -> tuple:
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )


def test_text_boxes_and_lists_show_the_sites_focus_ring(live_server, new_phone, invitation):
    # Bootstrap's own focus rules for .form-select and .form-control hid the ring behind a
    # pale glow; the ring is near-black, far past 3:1 against the white page.
    ring = ["solid", "3px", "rgb(27, 27, 27)"]
    page = new_phone()
    page.goto(link(live_server, invitation))
    page.get_by_label("Your unit").focus()
    assert focus_ring(page) == ring
    page.get_by_role("button", name="Start").click()
    first = question(page, "We know who our target customers are.")
    first.get_by_text("Add a comment (optional)").click()
    first.get_by_role("textbox").focus()
    assert focus_ring(page) == ring


def test_a_save_refused_as_the_person_goes_says_why_in_the_question(
    live_server, new_phone, invitation
):
    """A comment typed before an answer is chosen cannot be saved; the message stands in
    that question, where the person is, not only in the status line at the page's foot."""
    page = new_phone()
    page.goto(link(live_server, invitation))
    page.get_by_role("button", name="Start").click()
    first = question(page, "We know who our target customers are.")
    first.get_by_text("Add a comment (optional)").click()
    first.get_by_role("textbox").fill("Only in sales.")
    first.get_by_role("textbox").blur()

    message = "Choose an answer for this question (or N/A) so your comment can be saved."
    expect(first.locator(".autosave-error")).to_have_text(message)
    expect(first).to_have_attribute("aria-describedby", "autosave-error-cr-1")
    expect(page.get_by_role("status")).to_have_text(f"Not saved yet: {message}")
    assert_accessible(page, "an area page with a save refused")

    first.get_by_label("Defined", exact=True).check()
    expect(page.get_by_role("status")).to_have_text("Your answers on this page are saved.")
    expect(first.locator(".autosave-error")).to_have_count(0)
    expect(first).not_to_have_attribute("aria-describedby", "autosave-error-cr-1")


def test_starting_without_a_unit_or_role_says_what_to_choose_first(
    live_server, new_phone, invitation
):
    invitation.campaign.anonymous = False
    invitation.campaign.save()
    page = new_phone()
    page.goto(link(live_server, invitation))
    page.get_by_role("button", name="Start").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your unit: Choose your unit.")
    expect(summary).to_contain_text("Your role: Choose your role.")
    assert page.title().startswith("Error: ")
    assert_accessible(page, "start page with errors")
    summary.get_by_role("link", name="Your role: Choose your role.").click()
    expect(page.get_by_label("Your role")).to_be_focused()
