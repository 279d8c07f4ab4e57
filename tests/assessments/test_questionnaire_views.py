"""The questionnaire journey through an invitation link, page by page, and every bad input."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Campaign, Response
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    UnitFactory,
    import_document,
    model_document,
)


@pytest.fixture
def invitation(campaign):
    return InvitationFactory(campaign=campaign, email="ana@example.com")


@pytest.fixture
def started(client, invitation):
    """An invitation whose person has pressed Start (the role left unsaid)."""
    response = client.post(url("start", invitation), {"role": ""})
    assert response.status_code == 302
    return invitation


@pytest.fixture
def started_elsewhere(campaign):
    """Another person's link, started, with an answer."""
    invitation = InvitationFactory(campaign=campaign)
    client = Client()
    client.post(url("start", invitation), {"role": ""})
    client.post(url("area", invitation, "customer-requirements"), area_data(cr_1="2"))
    return invitation


def url(name, invitation, *args):
    return reverse(f"questionnaire:{name}", args=[invitation.token, *args])


def stored(invitation) -> dict[str, tuple]:
    return {
        answer.question.key: (answer.value, answer.comment)
        for answer in Answer.objects.filter(response__invitation=invitation).select_related(
            "question"
        )
    }


def area_data(**answers) -> dict:
    """Form data for an area page as a browser would post it for a page that showed no
    stored answer: {"cr_1": "3"} → value-cr-1=3."""
    data = {}
    for name, value in answers.items():
        key = name.replace("_", "-")
        if isinstance(value, tuple):
            value, comment = value
            data[f"comment-{key}"] = comment
        data[f"value-{key}"] = value
    return data


def save(client, invitation, area_key, action="continue", **answers):
    return client.post(
        url("area", invitation, area_key), {"action": action, **area_data(**answers)}
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class TestStartPage:
    def test_explains_purpose_confidentiality_and_time(self, client, invitation):
        page = text(client.get(url("start", invitation)))
        assert "how well it serves its customers" in page
        assert "This questionnaire is <strong>anonymous</strong>" in page
        # Three areas, five statements at about 20 seconds each.
        assert "3 short pages" in page
        assert "5 statements" in page
        assert "About 2 minutes" in page
        assert 'name="role"' in page
        assert "Prefer not to say" in page

    def test_a_campaign_that_is_not_anonymous_says_so_and_asks_for_the_role(
        self, client, campaign, invitation
    ):
        campaign.anonymous = False
        campaign.save()
        page = text(client.get(url("start", invitation)))
        assert "<strong>not anonymous</strong>" in page
        assert "Prefer not to say" not in page
        response = client.post(url("start", invitation), {"role": ""})
        assert response.status_code == 200
        page = text(response)
        assert "<title>Error: " in page
        summary = page.split('id="error-summary"')[1].split("</div>")[0]
        assert '<a class="alert-link" href="#id_role">Your role: Choose your role.</a>' in summary
        assert 'id="error_1_id_role"' in page  # and under the list itself
        assert not Response.objects.exists()

    def test_unit_is_chosen_from_the_organization_s_units(self, client, campaign, invitation):
        sales = UnitFactory(organization=campaign.organization, name="Sales")
        UnitFactory(name="Someone else's unit")
        page = text(client.get(url("start", invitation)))
        assert ">Sales</option>" in page
        assert "Someone else&#x27;s unit" not in page
        response = client.post(url("start", invitation), {"unit": sales.pk, "role": "manager"})
        assert response.status_code == 302
        created = Response.objects.get(invitation=invitation)
        assert (created.unit, created.role) == (sales, "manager")

    def test_a_unit_of_another_organization_is_refused(self, client, campaign, invitation):
        UnitFactory(organization=campaign.organization, name="Sales")
        elsewhere = UnitFactory(name="Elsewhere")
        response = client.post(url("start", invitation), {"unit": elsewhere.pk, "role": ""})
        assert response.status_code == 200
        assert (
            'href="#id_unit">Your unit: Choose your unit from the list: the one sent is not '
            "among them.</a>"
        ) in text(response)
        assert not Response.objects.exists()

    def test_what_the_invitation_fixes_is_not_asked(self, client, campaign):
        unit = UnitFactory(organization=campaign.organization, name="Sales")
        invitation = InvitationFactory(campaign=campaign, unit=unit, role="employee")
        page = text(client.get(url("start", invitation)))
        assert 'name="role"' not in page
        assert 'name="unit"' not in page
        client.post(url("start", invitation))
        created = Response.objects.get(invitation=invitation)
        assert (created.unit, created.role) == (unit, "employee")

    def test_starting_creates_a_response_that_does_not_name_the_person(self, client, invitation):
        response = client.post(url("start", invitation), {"role": "employee"})
        assert response.url == url("area", invitation, "customer-requirements")
        created = Response.objects.get(invitation=invitation)
        assert re.fullmatch(r"web-[0-9a-f]{16}", created.respondent)
        assert "ana" not in created.respondent
        assert created.submitted_at is None

    def test_a_started_link_offers_to_continue_where_the_person_left_off(self, client, started):
        save(client, started, "customer-requirements", cr_1="3", cr_2="2")
        page = text(client.get(url("start", started)))
        assert "You have answered 2 of 5 statements" in page
        assert f'href="{url("area", started, "monitoring")}">Continue where you left off' in page
        assert 'name="role"' not in page

    def test_continuing_goes_on_after_the_page_saved_last_not_back_to_a_question_skipped(
        self, client, started
    ):
        save(client, started, "customer-requirements", cr_1="3")
        save(client, started, "monitoring", mo_1="2")
        page = text(client.get(url("start", started)))
        assert (
            f'href="{url("area", started, "standard-process")}">Continue where you left off' in page
        )
        response = client.post(url("start", started))
        assert response.url == url("area", started, "standard-process")


class TestAreaPage:
    def test_shows_progress_and_each_question_as_a_fieldset_with_labelled_options(
        self, client, started
    ):
        page = text(client.get(url("area", started, "customer-requirements")))
        assert "Area 1 of 3" in page
        assert '<progress id="questionnaire-progress" max="3" value="1">' in page
        assert '<label class="small fw-semibold mb-1" for="questionnaire-progress">' in page
        assert page.count("<fieldset") == 2
        assert '<legend class="card-header question-text">We know who our target customers' in page
        for label in ("Not performed", "Ad hoc", "Managed", "Defined", "Optimized"):
            assert f">{label}</label>" in page
        assert 'value="na"' in page
        assert 'for="id_value-cr-1_0"' in page
        assert 'id="id_value-cr-1_0"' in page
        assert 'name="comment-cr-1"' in page
        assert "Save and continue" in page
        assert ">Back</button>" in page

    def test_n_a_is_offered_only_where_the_model_allows_it(self, client, db):
        scale = {"options": [{"value": 1, "label": "No"}, {"value": 2, "label": "Yes"}]}
        model = import_document(model_document(slug="no-na", scale=scale))
        invitation = InvitationFactory(campaign=CampaignFactory(maturity_model=model))
        client.post(url("start", invitation), {"role": ""})
        page = text(client.get(url("area", invitation, "customer-requirements")))
        assert 'value="na"' not in page
        response = save(client, invitation, "customer-requirements", cr_1="na")
        assert "na is not one of the answers offered" in text(response)
        assert stored(invitation) == {}

    def test_help_text_describes_the_question(self, client, started):
        question = started.campaign.maturity_model.questions.get(key="cr-1")
        question.help = "Think of the last year."
        question.save()
        page = text(client.get(url("area", started, "customer-requirements")))
        assert 'aria-describedby="help-cr-1"' in page
        assert '<p class="form-text mt-0" id="help-cr-1">Think of the last year.</p>' in page

    def test_question_texts_and_comments_are_shown_as_text_never_as_markup(self, client, started):
        question = started.campaign.maturity_model.questions.get(key="cr-1")
        question.text = 'Do we "measure" <b>churn</b>?'
        question.help = "<script>alert(1)</script>"
        question.save()
        save(client, started, "customer-requirements", cr_1=("3", "</textarea><i>x</i>"))
        page = text(client.get(url("area", started, "customer-requirements")))
        assert "Do we &#34;measure&#34; &lt;b&gt;churn&lt;/b&gt;?</legend>" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;/textarea&gt;&lt;i&gt;x&lt;/i&gt;</textarea>" in page
        assert "<b>churn" not in page
        assert "<script>alert" not in page

    def test_saving_stores_the_answers_and_moves_on_in_level_order(self, client, started):
        response = save(
            client, started, "customer-requirements", cr_1="3", cr_2=("na", "not tracked")
        )
        assert response.status_code == 302
        assert response.url == url("area", started, "monitoring")
        assert stored(started) == {"cr-1": (3, ""), "cr-2": (None, "not tracked")}
        response = save(client, started, "monitoring", mo_1="1")
        assert response.url == url("area", started, "standard-process")
        response = save(client, started, "standard-process", sp_1="4")
        assert response.url == url("review", started)

    def test_back_saves_and_returns_to_the_previous_area_or_the_start(self, client, started):
        response = save(client, started, "monitoring", action="back", mo_1="2")
        assert response.url == url("area", started, "customer-requirements")
        assert stored(started) == {"mo-1": (2, "")}
        response = save(client, started, "customer-requirements", action="back")
        assert response.url == url("start", started)

    def test_resuming_shows_the_stored_answers(self, client, started):
        save(client, started, "customer-requirements", cr_1=("3", "mostly"), cr_2="na")
        page = text(Client().get(url("area", started, "customer-requirements")))
        assert re.search(r'value="3"[^>]*id="id_value-cr-1_3"[^>]*checked', page)
        assert re.search(r'value="na"[^>]*id="id_value-cr-2_5"[^>]*checked', page)
        assert "> mostly</textarea>" in page
        assert "Clear my answer" in page

    def test_a_value_off_the_scale_is_an_error_naming_the_question_and_nothing_is_stored(
        self, client, started
    ):
        response = save(client, started, "customer-requirements", cr_1="7", cr_2="2")
        page = text(response)
        assert response.status_code == 200
        assert "<title>Error: " in page
        assert 'role="alert"' in page
        assert (
            '<a class="alert-link" href="#id_value-cr-1_0">“We know who our target customers '
            "are.”: 7 is not one of the answers offered" in page
        )
        assert 'aria-describedby="error-cr-1"' in page
        assert re.search(r'<input[^>]*id="id_value-cr-1_0"[^>]*aria-invalid="true"', page)
        assert 'id="error-cr-1"' in page
        assert stored(started) == {}

    def test_questions_of_another_area_or_campaign_are_ignored(self, client, started):
        other_model = import_document(model_document(slug="other-model"))
        assert other_model.questions.filter(key="sp-1").exists()
        response = client.post(
            url("area", started, "customer-requirements"),
            {"value-sp-1": "4", "value-mo-1": "4", "value-unknown": "1", "comment-sp-1": "x"},
        )
        assert response.status_code == 302
        assert stored(started) == {}

    def test_a_comment_without_an_answer_is_an_error_and_nothing_is_stored(self, client, started):
        response = save(client, started, "customer-requirements", cr_1=("", "why?"), cr_2="1")
        page = text(response)
        assert "Choose an answer for this question (or N/A) so your comment can be saved." in page
        assert '<a class="alert-link" href="#id_comment-cr-1">' in page
        assert 'aria-describedby="id_comment-cr-1_error"' in page
        assert '<details class="answer-comment mt-3" open>' in page
        assert stored(started) == {}

    def test_unreadable_characters_are_an_error_not_a_crash(self, client, started):
        response = save(client, started, "customer-requirements", cr_1=("2", "a\x00b"))
        assert "Null characters are not allowed" in text(response)
        response = client.post(
            url("area", started, "customer-requirements"),
            {"value-cr-1": "2", "shown-cr-1": "\x00"},
        )
        assert "This page arrived damaged" in text(response)
        assert stored(started) == {}

    def test_a_comment_longer_than_allowed_is_an_error(self, client, started):
        response = save(client, started, "customer-requirements", cr_1=("2", "x" * 2001))
        assert "Ensure this value has at most 2000 characters" in text(response)
        assert stored(started) == {}

    def test_line_breaks_count_once_toward_the_comments_limit(self, client, started):
        # 2,000 characters as the browser counts them, 2,019 as it sends them (CRLF).
        comment = "\r\n".join(["x" * 99] * 20) + "x"
        response = save(client, started, "customer-requirements", cr_1=("2", comment))
        assert response.status_code == 302
        assert stored(started) == {"cr-1": (2, comment.replace("\r\n", "\n"))}
        too_long = comment + "x"
        response = save(client, started, "customer-requirements", cr_1=("2", too_long))
        assert "Ensure this value has at most 2000 characters (it has 2001)" in text(response)

    def test_an_empty_value_never_erases_a_stored_answer(self, client, started):
        save(client, started, "customer-requirements", cr_1=("3", "kept"))
        # A forged or odd post sends nothing for a question the page showed as answered.
        client.post(
            url("area", started, "customer-requirements"),
            {
                "shown-cr-1": "3",
                "shown-comment-cr-1": "kept",
                "comment-cr-1": "kept",
                "value-cr-2": "1",
            },
        )
        assert stored(started) == {"cr-1": (3, "kept"), "cr-2": (1, "")}

    def test_two_tabs_never_overwrite_each_other_s_answers(self, client, started):
        # Tab A shows the page empty; tab B answers cr-1; tab A then answers only cr-2.
        save(client, started, "customer-requirements", cr_1=("4", "from tab B"))
        save(client, started, "customer-requirements", cr_2="1")
        assert stored(started) == {"cr-1": (4, "from tab B"), "cr-2": (1, "")}
        # Tab A showed cr-1 as 2 before tab B changed it to 4; tab A's untouched 2 is not
        # written back over the newer answer.
        client.post(
            url("area", started, "customer-requirements"),
            {"shown-cr-1": "2", "value-cr-1": "2", "value-cr-2": "3", "shown-cr-2": "1"},
        )
        assert stored(started) == {"cr-1": (4, "from tab B"), "cr-2": (3, "")}

    def test_a_save_never_touches_answers_of_other_areas(self, client, started):
        save(client, started, "monitoring", mo_1="2")
        save(client, started, "customer-requirements", cr_1="1")
        assert stored(started) == {"mo-1": (2, ""), "cr-1": (1, "")}

    def test_a_comment_can_be_changed_or_removed_without_touching_the_value(self, client, started):
        save(client, started, "customer-requirements", cr_1=("3", "first thought"))
        page_shows = {"shown-cr-1": "3", "shown-comment-cr-1": "first thought", "value-cr-1": "3"}
        client.post(
            url("area", started, "customer-requirements"),
            {**page_shows, "comment-cr-1": "second thought"},
        )
        assert stored(started) == {"cr-1": (3, "second thought")}
        page_shows["shown-comment-cr-1"] = "second thought"
        client.post(url("area", started, "customer-requirements"), page_shows)
        assert stored(started) == {"cr-1": (3, "")}

    def test_clear_my_answer_removes_it_and_saves_the_rest_of_the_page(self, client, started):
        save(client, started, "customer-requirements", cr_1="3")
        response = client.post(
            url("area", started, "customer-requirements"),
            {"shown-cr-1": "3", "value-cr-1": "3", "value-cr-2": "2", "clear": "cr-1"},
        )
        assert response.url == url("area", started, "customer-requirements") + "#question-cr-1"
        assert stored(started) == {"cr-2": (2, "")}

    def test_clearing_a_question_of_another_area_changes_nothing(self, client, started):
        save(client, started, "monitoring", mo_1="3")
        client.post(url("area", started, "customer-requirements"), {"clear": "mo-1"})
        assert stored(started) == {"mo-1": (3, "")}

    def test_autosave_answers_in_json(self, client, started):
        response = client.post(
            url("area", started, "customer-requirements"),
            area_data(cr_1="2"),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 200
        assert response.json() == {"saved": ["cr-1"]}
        assert stored(started) == {"cr-1": (2, "")}
        response = client.post(
            url("area", started, "customer-requirements"),
            area_data(cr_2="9"),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["question"] == "cr-2"
        assert stored(started) == {"cr-1": (2, "")}

    def test_an_area_before_starting_leads_to_the_start_page(self, client, invitation):
        response = client.get(url("area", invitation, "monitoring"))
        assert response.url == url("start", invitation)
        response = save(client, invitation, "monitoring", mo_1="2")
        assert response.url == url("start", invitation)
        assert not Response.objects.exists()

    def test_an_unknown_area_is_a_404_page(self, client, started):
        response = client.get(url("area", started, "no-such-area"))
        assert response.status_code == 404
        assert "This questionnaire has no such page" in text(response)


class TestBadLinks:
    @pytest.mark.parametrize("name", ["start", "review", "thanks", "submit"])
    def test_an_unknown_token_is_a_friendly_404(self, client, db, name):
        response = client.get(reverse(f"questionnaire:{name}", args=["forged-token"]))
        assert response.status_code == 404
        assert "This link does not lead to a questionnaire" in text(response)

    def test_an_unknown_token_on_an_area_is_a_404(self, client, db):
        response = client.post(
            reverse("questionnaire:area", args=["x" * 43, "monitoring"]), {"value-mo-1": "1"}
        )
        assert response.status_code == 404
        assert not Answer.objects.exists()

    def test_a_token_with_characters_no_token_has_is_a_404(self, client, db):
        response = client.get("/respond/abc%00def/")
        assert response.status_code == 404
        assert "This link does not lead to a questionnaire" in text(response)

    def test_a_post_without_csrf_token_is_refused(self, started):
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(url("area", started, "customer-requirements"), area_data(cr_1="2"))
        assert response.status_code == 403
        assert stored(started) == {}


class TestCampaignNotOpen:
    @pytest.mark.parametrize(
        "change",
        [
            {"status": Campaign.Status.CLOSED},
            {"closes_at": timezone.now() - timedelta(minutes=1)},
        ],
    )
    def test_after_closing_the_link_explains_and_keeps_stored_answers(
        self, client, started, change
    ):
        save(client, started, "customer-requirements", cr_1="3")
        Campaign.objects.filter(pk=started.campaign_id).update(**change)
        page = text(client.get(url("start", started)))
        assert "This questionnaire is closed" in page
        assert "The answers you saved before it closed are kept." in page
        assert "<form" not in page
        response = save(client, started, "customer-requirements", cr_1="1", cr_2="1")
        assert response.status_code == 403
        assert "This questionnaire is closed" in text(response)
        response = client.post(url("submit", started))
        assert response.status_code == 403
        response = client.post(
            url("area", started, "customer-requirements"),
            area_data(cr_2="1"),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 403
        assert response.json() == {"errors": [{"message": "This questionnaire is closed."}]}
        assert stored(started) == {"cr-1": (3, "")}
        assert Response.objects.get().submitted_at is None

    @pytest.mark.parametrize(
        "change",
        [
            {"status": Campaign.Status.DRAFT},
            {"opens_at": timezone.now() + timedelta(days=2)},
        ],
    )
    def test_before_opening_the_link_says_it_is_not_open_yet(
        self, client, campaign, invitation, change
    ):
        Campaign.objects.filter(pk=campaign.pk).update(**change)
        for name in ("start", "review"):
            page = text(client.get(url(name, invitation)))
            assert "This questionnaire is not open yet" in page
            assert "<form" not in page
        response = client.post(url("start", invitation), {"role": ""})
        assert response.status_code == 403
        response = client.get(url("area", invitation, "monitoring"))
        assert "This questionnaire is not open yet" in text(response)
        assert not Response.objects.exists()


class TestReviewAndSubmit:
    def test_review_lists_unanswered_questions_with_links_to_them(self, client, started):
        save(client, started, "customer-requirements", cr_1="3")
        page = text(client.get(url("review", started)))
        assert "You have answered 1 of 5 statements" in page
        area = url("area", started, "customer-requirements")
        assert f'<a href="{area}#question-cr-2">We write down what they need.</a>' in page
        assert f'href="{url("area", started, "monitoring")}#question-mo-1"' in page
        assert "#question-cr-1" not in page
        assert "(1 of 2 answered)" in page
        assert f'action="{url("submit", started)}"' in page

    def test_review_says_when_everything_is_answered(self, client, started):
        save(client, started, "customer-requirements", cr_1="3", cr_2="3")
        save(client, started, "monitoring", mo_1="3")
        save(client, started, "standard-process", sp_1="3", sp_2="na")
        page = text(client.get(url("review", started)))
        assert "You have answered every statement" in page
        assert "Not answered yet" not in page

    def test_submitting_twice_submits_once(self, client, started):
        save(client, started, "customer-requirements", cr_1="3")
        response = client.post(url("submit", started))
        assert response.url == url("thanks", started)
        first = Response.objects.get().submitted_at
        assert first is not None
        response = client.post(url("submit", started))
        assert response.url == url("thanks", started)
        assert Response.objects.get().submitted_at == first
        page = text(client.get(url("thanks", started)))
        assert "Thank you!" in page
        assert f'href="{url("start", started)}">see your answers' in page

    def test_submitting_nothing_is_refused_with_a_message(self, client, started):
        response = client.post(url("submit", started), follow=True)
        assert "Your answers were not submitted: answer at least one question" in text(response)
        # An alert, which screen readers read out as the page opens (a status waits).
        assert re.search(r'role="alert">Your answers were not submitted', text(response))
        assert Response.objects.get().submitted_at is None

    def test_head_answers_as_get_without_a_body_and_changes_nothing(
        self, client, invitation, started_elsewhere
    ):
        """Mail scanners and link previews ask HEAD of the links people are sent."""
        pages = [
            url("start", invitation),
            url("area", started_elsewhere, "customer-requirements"),
            url("review", started_elsewhere),
            url("submit", started_elsewhere),
            url("thanks", started_elsewhere),
        ]
        for page in pages:
            asked, got = client.head(page), client.get(page)
            assert asked.status_code == got.status_code
            assert asked.get("Location") == got.get("Location")
            assert asked.content == b""
        assert Response.objects.count() == 1  # the one started elsewhere; none submitted
        assert Response.objects.get().submitted_at is None

    def test_submit_and_thanks_by_get_lead_back_safely(self, client, started):
        assert client.get(url("submit", started)).url == url("review", started)
        assert client.get(url("thanks", started)).url == url("start", started)
        assert Response.objects.get().submitted_at is None


class TestAfterSubmitting:
    @pytest.fixture
    def submitted(self, client, started):
        save(client, started, "customer-requirements", cr_1=("3", "in sales only"), cr_2="na")
        client.post(url("submit", started))
        return started

    def test_the_link_shows_the_answers_read_only(self, client, submitted):
        page = text(client.get(url("start", submitted)))
        assert "Your answers" in page
        assert "They are final and can no longer be changed" in page
        assert "<dt>We know who our target customers are.</dt> <dd>Defined" in page
        assert "Your comment: in sales only" in page
        assert "<dd>Not applicable / I can&#x27;t say" in page
        assert (
            '<dt>We track complaints.</dt> <dd><span class="text-body-secondary">Not answered'
            in page
        )
        assert "<form" not in page
        assert "<input" not in page

    def test_saving_after_submitting_is_refused_and_changes_nothing(self, client, submitted):
        before = stored(submitted)
        response = client.post(
            url("area", submitted, "customer-requirements"), area_data(cr_1="1"), follow=True
        )
        page = text(response)
        assert "You have already submitted your answers, so they can no longer be changed." in page
        assert "Nothing was changed." in page
        assert stored(submitted) == before
        response = client.post(
            url("area", submitted, "monitoring"),
            area_data(mo_1="1"),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 409
        assert stored(submitted) == before

    def test_pages_of_the_questionnaire_lead_to_the_read_only_answers(self, client, submitted):
        assert client.get(url("area", submitted, "monitoring")).url == url("start", submitted)
        assert client.get(url("review", submitted)).url == url("start", submitted)

    def test_the_read_only_answers_stay_visible_after_the_campaign_closes(self, client, submitted):
        Campaign.objects.filter(pk=submitted.campaign_id).update(status=Campaign.Status.CLOSED)
        page = text(client.get(url("start", submitted)))
        assert "Your answers" in page
        assert "in sales only" in page


def big_model(questions: int):
    """One area with many questions, to show page costs do not grow with them."""
    area = {
        "key": "big-area",
        "name": "Big area",
        "questions": [{"key": f"q-{n}", "text": f"Statement {n}."} for n in range(questions)],
    }
    levels = [{"number": 1, "name": "Only", "process_areas": [area]}]
    return import_document(model_document(slug=f"big-{questions}", levels=levels))


@pytest.mark.parametrize("questions", [2, 60])
def test_an_area_page_costs_the_same_queries_whatever_its_size(
    client, db, questions, django_assert_num_queries
):
    """A page reads the link's journey and the area's answers. A save that chooses every
    answer anew reads only the journey (what the page showed comes back with the form),
    then the response's guarded touch, one upsert and the answers version (and, in a
    test, a savepoint)."""
    invitation = InvitationFactory(campaign=CampaignFactory(maturity_model=big_model(questions)))
    client.post(url("start", invitation), {"role": ""})
    page = url("area", invitation, "big-area")
    answers = {f"value-q-{n}": "3" for n in range(questions)}
    with django_assert_num_queries(2):
        assert client.get(page).status_code == 200
    with django_assert_num_queries(1 + 3 + 2):
        assert client.post(page, {"action": "continue", **answers}).status_code == 302
    with django_assert_num_queries(2):
        assert client.get(page).status_code == 200
    assert Answer.objects.filter(response__invitation=invitation).count() == questions
    # Changing everything again is the same upsert, not one query per answer.
    changed = dict.fromkeys(answers, "1") | {f"shown-q-{n}": "3" for n in range(questions)}
    with django_assert_num_queries(1 + 3 + 2):
        client.post(page, {"action": "continue", **changed})
    assert set(Answer.objects.values_list("value", flat=True)) == {1}


def test_the_answers_of_a_response_are_its_own(client, started):
    other = InvitationFactory(campaign=started.campaign)
    client.post(url("start", other), {"role": ""})
    save(client, started, "monitoring", mo_1="4")
    save(client, other, "monitoring", mo_1="0")
    assert stored(started) == {"mo-1": (4, "")}
    assert stored(other) == {"mo-1": (0, "")}


@pytest.mark.parametrize("questions", [2, 60])
def test_start_review_and_read_only_pages_cost_the_same_queries_whatever_the_size(
    client, db, questions, django_assert_max_num_queries
):
    invitation = InvitationFactory(campaign=CampaignFactory(maturity_model=big_model(questions)))
    with django_assert_max_num_queries(7):
        assert client.get(url("start", invitation)).status_code == 200
    client.post(url("start", invitation), {"role": ""})
    client.post(url("area", invitation, "big-area"), {"value-q-0": "2"})
    for name in ("start", "review"):
        with django_assert_max_num_queries(6):
            assert client.get(url(name, invitation)).status_code == 200
    client.post(url("submit", invitation))
    for name in ("start", "thanks"):
        with django_assert_max_num_queries(6):
            assert client.get(url(name, invitation)).status_code == 200
