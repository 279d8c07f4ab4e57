"""The questionnaire's services and selectors, without the pages."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Answer, Campaign, Response
from assessments.questionnaire import (
    CLEAR,
    AlreadySubmittedError,
    AnswerEdit,
    NotOpenError,
    QuestionnaireError,
    save_area_answers,
    start_response,
    submit_response,
)
from assessments.results import campaign_results
from assessments.selectors import (
    CampaignState,
    campaign_state,
    minutes_needed,
    resume_area,
    unanswered_areas,
)
from models_catalog.outline import load_outline
from tests.factories import InvitationFactory, UnitFactory


@pytest.fixture
def invitation(campaign):
    return InvitationFactory(campaign=campaign, email="ana@example.com")


def stored(invitation) -> dict[str, tuple]:
    return {
        answer.question.key: (answer.value, answer.comment)
        for answer in Answer.objects.filter(response__invitation=invitation).select_related(
            "question"
        )
    }


def save(invitation, area_key="customer-requirements", *, response=None, **edits):
    """Save the edits, named by question key with "_" for "-"; `response` as the area
    page passes the one it read."""
    return save_area_answers(
        invitation=invitation,
        area_key=area_key,
        answers={key.replace("_", "-"): edit for key, edit in edits.items()},
        response=response,
    )


class TestSaveAreaAnswers:
    def test_the_first_save_creates_a_response_that_does_not_name_the_person(
        self, campaign, invitation
    ):
        unit = UnitFactory(organization=campaign.organization)
        invitation.unit, invitation.role = unit, "manager"
        invitation.save()
        response = save(invitation, cr_1=AnswerEdit(value=3))
        assert re.fullmatch(r"web-[0-9a-f]{16}", response.respondent)
        assert (response.campaign, response.unit, response.role) == (campaign, unit, "manager")
        assert stored(invitation) == {"cr-1": (3, "")}

    def test_a_save_is_an_upsert_of_the_given_parts(self, invitation):
        save(invitation, cr_1=AnswerEdit(value=3, comment="mostly"), cr_2=AnswerEdit(value=None))
        save(invitation, cr_1=AnswerEdit(value=1))
        save(invitation, cr_2=AnswerEdit(comment="no idea"))
        assert stored(invitation) == {"cr-1": (1, "mostly"), "cr-2": (None, "no idea")}
        assert Response.objects.count() == 1

    def test_clear_removes_only_that_answer(self, invitation):
        save(invitation, cr_1=AnswerEdit(value=3), cr_2=AnswerEdit(value=2))
        save(invitation, "monitoring", mo_1=AnswerEdit(value=4))
        save(invitation, cr_1=CLEAR)
        assert stored(invitation) == {"cr-2": (2, ""), "mo-1": (4, "")}

    @pytest.mark.parametrize(
        ("edits", "message"),
        [
            ({"mo_1": AnswerEdit(value=1)}, "question 'mo-1' is not in this area"),
            ({"cr_1": AnswerEdit(value=5)}, "question 'cr-1': 5 is not on the scale 0-4"),
            ({"cr_1": AnswerEdit(comment="why?")}, "choose an answer to go with your comment"),
        ],
    )
    def test_bad_edits_are_refused_and_nothing_is_stored(self, invitation, edits, message):
        with pytest.raises(QuestionnaireError, match=message):
            save(invitation, cr_2=AnswerEdit(value=2), **edits)
        assert stored(invitation) == {}

    def test_an_unknown_area_is_refused(self, invitation):
        with pytest.raises(QuestionnaireError, match="'nowhere' is not an area"):
            save(invitation, "nowhere", cr_1=AnswerEdit(value=1))

    def test_n_a_is_refused_where_the_model_has_none(self, invitation, maturity_model):
        maturity_model.allow_na = False
        maturity_model.save()
        with pytest.raises(QuestionnaireError, match="no N/A answer"):
            save(invitation, cr_1=AnswerEdit(value=None))

    def test_saving_is_refused_when_the_campaign_is_not_open(self, campaign, invitation):
        save(invitation, cr_1=AnswerEdit(value=3))
        campaign.status = Campaign.Status.CLOSED
        campaign.save()
        with pytest.raises(NotOpenError, match="closed"):
            save(invitation, cr_1=AnswerEdit(value=1))
        assert stored(invitation) == {"cr-1": (3, "")}

    def test_saving_after_submitting_changes_nothing(self, invitation):
        save(invitation, cr_1=AnswerEdit(value=3))
        submit_response(invitation=invitation)
        with pytest.raises(AlreadySubmittedError):
            save(invitation, cr_1=AnswerEdit(value=1), cr_2=AnswerEdit(value=1))
        assert stored(invitation) == {"cr-1": (3, "")}


class TestSaveWithTheResponseThePageRead:
    """The area page passes the response it read: the save locks and checks it in the
    statement that touches it and reads no stored answer."""

    def test_a_value_comes_with_no_read_of_the_response_or_the_answers(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3, comment="mostly"))
        before = Response.objects.get().updated_at
        with CaptureQueriesContext(connection) as queries:
            save(invitation, response=response, cr_1=AnswerEdit(value=1), cr_2=AnswerEdit(value=2))
        reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        assert reads == []
        assert stored(invitation) == {"cr-1": (1, "mostly"), "cr-2": (2, "")}
        assert Response.objects.get().updated_at > before

    def test_a_comment_alone_keeps_the_value_another_tab_chose(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3))
        save(invitation, cr_1=AnswerEdit(value=0))  # the other tab
        save(invitation, response=response, cr_1=AnswerEdit(comment="since the reorganization"))
        assert stored(invitation) == {"cr-1": (0, "since the reorganization")}

    def test_a_comment_alone_on_an_answer_cleared_meanwhile_is_refused(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3), cr_2=AnswerEdit(value=1))
        save(invitation, cr_1=CLEAR)  # the other tab
        with pytest.raises(QuestionnaireError, match="choose an answer to go with your comment"):
            save(
                invitation,
                response=response,
                cr_2=AnswerEdit(value=4),
                cr_1=AnswerEdit(comment="why?"),
            )
        assert stored(invitation) == {"cr-2": (1, "")}

    def test_a_response_submitted_since_the_page_read_it_is_not_changed(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3))
        submit_response(invitation=invitation)
        with pytest.raises(AlreadySubmittedError):
            save(invitation, response=response, cr_1=AnswerEdit(value=1))
        assert stored(invitation) == {"cr-1": (3, "")}


@pytest.mark.django_db(transaction=True)
class TestSaveOutsideAnyTransaction:
    """As the area page saves: the response it read, no transaction open around the save
    (the tests above run inside one)."""

    def test_values_and_a_clear_take_one_statement_on_postgresql(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3, comment="mostly"))
        version = Campaign.objects.get().answers_version
        with CaptureQueriesContext(connection) as queries:
            save(invitation, response=response, cr_1=CLEAR, cr_2=AnswerEdit(value=2))
        if connection.vendor == "postgresql":
            assert len(queries.captured_queries) == 1
        assert stored(invitation) == {"cr-2": (2, "")}
        assert Campaign.objects.get().answers_version == version + 1

    def test_a_response_submitted_since_the_page_read_it_is_not_changed(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3))
        submit_response(invitation=invitation)
        version = Campaign.objects.get().answers_version
        with pytest.raises(AlreadySubmittedError):
            save(invitation, response=response, cr_1=AnswerEdit(value=1))
        assert stored(invitation) == {"cr-1": (3, "")}
        assert Campaign.objects.get().answers_version == version

    def test_a_response_deleted_since_the_page_read_it_is_started_again(self, invitation):
        response = save(invitation, cr_1=AnswerEdit(value=3))
        Response.objects.all().delete()
        again = save(invitation, response=response, cr_2=AnswerEdit(value=1))
        assert again.pk != response.pk
        assert stored(invitation) == {"cr-2": (1, "")}


class TestStartResponse:
    def test_the_person_s_choices_fill_what_the_invitation_leaves_open(self, campaign, invitation):
        unit = UnitFactory(organization=campaign.organization)
        response = start_response(invitation=invitation, unit=unit, role="employee")
        assert (response.unit, response.role) == (unit, "employee")

    def test_the_invitation_s_unit_and_role_win(self, campaign, invitation):
        fixed = UnitFactory(organization=campaign.organization)
        invitation.unit, invitation.role = fixed, "manager"
        invitation.save()
        other = UnitFactory(organization=campaign.organization)
        response = start_response(invitation=invitation, unit=other, role="employee")
        assert (response.unit, response.role) == (fixed, "manager")

    def test_a_unit_of_another_organization_is_refused(self, invitation):
        with pytest.raises(QuestionnaireError, match="is not a unit of this organization"):
            start_response(invitation=invitation, unit=UnitFactory())
        assert not Response.objects.exists()

    def test_starting_again_changes_nothing(self, campaign, invitation):
        first = start_response(invitation=invitation, role="employee")
        again = start_response(invitation=invitation, role="executive")
        assert again.pk == first.pk
        assert Response.objects.get().role == "employee"


class TestSubmitResponse:
    def test_submitting_twice_keeps_the_first_submission(self, invitation):
        save(invitation, cr_1=AnswerEdit(value=3))
        first = submit_response(invitation=invitation).submitted_at
        assert submit_response(invitation=invitation).submitted_at == first

    def test_a_submitted_response_stays_submitted_after_the_close(self, campaign, invitation):
        save(invitation, cr_1=AnswerEdit(value=3))
        submit_response(invitation=invitation)
        campaign.status = Campaign.Status.CLOSED
        campaign.save()
        assert submit_response(invitation=invitation).submitted_at is not None

    def test_submitting_nothing_is_refused(self, invitation):
        with pytest.raises(QuestionnaireError, match="answer at least one question"):
            submit_response(invitation=invitation)
        start_response(invitation=invitation)
        with pytest.raises(QuestionnaireError, match="answer at least one question"):
            submit_response(invitation=invitation)

    def test_submitting_a_closed_campaign_is_refused(self, campaign, invitation):
        save(invitation, cr_1=AnswerEdit(value=3))
        campaign.closes_at = timezone.now() - timedelta(seconds=1)
        campaign.save()
        with pytest.raises(NotOpenError):
            submit_response(invitation=invitation)
        assert Response.objects.get().submitted_at is None

    def test_submitted_answers_reach_the_campaign_results(self, campaign, invitation):
        save(invitation, cr_1=AnswerEdit(value=4), cr_2=AnswerEdit(value=2))
        submit_response(invitation=invitation)
        results = campaign_results(campaign)
        assert results.respondents == 1
        area = results.score.levels[1].areas[0]
        assert area.key == "customer-requirements"
        assert area.score == pytest.approx(0.75)


class TestCampaignState:
    def test_open_without_dates(self):
        assert campaign_state(Campaign()) == CampaignState.OPEN

    def test_a_draft_or_a_future_opening_is_not_open_yet(self):
        now = timezone.now()
        assert campaign_state(Campaign(status="draft")) == CampaignState.NOT_OPEN
        later = Campaign(opens_at=now + timedelta(hours=1))
        assert campaign_state(later, now) == CampaignState.NOT_OPEN
        assert campaign_state(later, now + timedelta(hours=1)) == CampaignState.OPEN

    def test_closed_from_the_closing_time_or_status(self):
        now = timezone.now()
        closing = Campaign(closes_at=now)
        assert campaign_state(closing, now - timedelta(seconds=1)) == CampaignState.OPEN
        assert campaign_state(closing, now) == CampaignState.CLOSED
        assert campaign_state(Campaign(status="closed")) == CampaignState.CLOSED


class TestWhereThePersonIs:
    def test_resume_at_the_first_area_with_a_question_left(self, maturity_model):
        outline = load_outline(maturity_model)
        ids = {q.key: q.id for area in outline.areas for q in area.questions}
        assert resume_area(outline, set()).key == "customer-requirements"
        assert resume_area(outline, {ids["cr-1"], ids["cr-2"]}).key == "monitoring"
        assert resume_area(outline, {ids["cr-1"], ids["mo-1"]}).key == "customer-requirements"
        assert resume_area(outline, set(ids.values())) is None

    def test_resume_after_the_area_answered_last_then_at_one_skipped_earlier(self, maturity_model):
        outline = load_outline(maturity_model)
        ids = {q.key: q.id for area in outline.areas for q in area.questions}
        skipped_one = {ids["cr-1"], ids["mo-1"]}
        # Monitoring saved last: the person goes on, not back to the question skipped.
        assert resume_area(outline, skipped_one, ids["mo-1"]).key == "standard-process"
        # Half an area saved last: that area.
        assert resume_area(outline, skipped_one, ids["cr-1"]).key == "customer-requirements"
        # Everything after it answered: back to the question skipped.
        all_but_one = set(ids.values()) - {ids["cr-2"]}
        assert resume_area(outline, all_but_one, ids["sp-2"]).key == "customer-requirements"
        assert resume_area(outline, set(ids.values()), ids["sp-2"]) is None

    def test_unanswered_questions_by_area(self, maturity_model):
        outline = load_outline(maturity_model)
        ids = {q.key: q.id for area in outline.areas for q in area.questions}
        missing = unanswered_areas(outline, {ids["cr-1"], ids["sp-1"], ids["sp-2"]})
        assert [(m.area.key, [q.key for q in m.questions]) for m in missing] == [
            ("customer-requirements", ["cr-2"]),
            ("monitoring", ["mo-1"]),
        ]

    def test_the_time_estimate_rounds_up_at_twenty_seconds_a_question(self, maturity_model):
        # Five questions: 100 seconds.
        assert minutes_needed(load_outline(maturity_model)) == 2
