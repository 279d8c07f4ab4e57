"""The area page's written-out statements do what the ORM's did, on either database, and
the database's guards still check what they write."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import answer_statements as statements
from assessments.models import Answer, Campaign, Response
from models_catalog.models import Question
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(campaign):
    invitation = InvitationFactory(campaign=campaign)
    return Response.objects.create(campaign=campaign, invitation=invitation, respondent="web-1")


def upsert(rows, columns):
    statements.run(statements.upsert_answers(rows, columns))


def question_id(key: str) -> int:
    return Question.objects.get(key=key).pk


def stored(response) -> dict:
    return {
        a.question.key: (a.value, a.comment)
        for a in Answer.objects.filter(response=response).select_related("question")
    }


def test_an_upsert_inserts_and_then_overwrites_only_the_columns_named(response):
    cr1, cr2 = question_id("cr-1"), question_id("cr-2")
    upsert([(response.pk, cr1, 3, "mostly"), (response.pk, cr2, None, "")], ("value", "comment"))
    upsert([(response.pk, cr1, 1, "")], ("value",))
    assert stored(response) == {"cr-1": (1, "mostly"), "cr-2": (None, "")}


def test_only_value_and_comment_can_be_overwritten(response):
    with pytest.raises(ValueError, match="only"):
        upsert([(response.pk, question_id("cr-1"), 1, "")], ("response_id",))


def test_the_database_guards_still_refuse_a_value_off_the_scale(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        upsert([(response.pk, question_id("cr-1"), 9, "")], ("value",))
    assert stored(response) == {}


def test_the_database_guards_refuse_overwriting_a_value_with_one_off_the_scale(response):
    upsert([(response.pk, question_id("cr-1"), 2, "")], ("value",))
    with pytest.raises(IntegrityError), transaction.atomic():
        upsert([(response.pk, question_id("cr-1"), 9, "")], ("value",))
    assert stored(response) == {"cr-1": (2, "")}


def test_a_comment_needs_a_stored_answer(response):
    assert not statements.update_comment(response.pk, question_id("cr-1"), "why?")
    upsert([(response.pk, question_id("cr-1"), 2, "")], ("value",))
    assert statements.update_comment(response.pk, question_id("cr-1"), "why?")
    assert stored(response) == {"cr-1": (2, "why?")}


def test_the_touch_moves_a_pending_response_s_time_and_fails_on_a_submitted_one(response):
    moment = timezone.now()
    statements.run(statements.touch_pending_response(response.pk, moment))
    assert Response.objects.get(pk=response.pk).updated_at == moment
    Response.objects.filter(pk=response.pk).update(submitted_at=moment)
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.run(statements.touch_pending_response(response.pk, timezone.now()))
    assert Response.objects.get(pk=response.pk).updated_at == moment


def test_deleting_answers_takes_only_the_questions_named(response):
    cr1, cr2 = question_id("cr-1"), question_id("cr-2")
    upsert([(response.pk, cr1, 1, ""), (response.pk, cr2, 2, "")], ("value",))
    statements.run(statements.delete_answers(response.pk, [cr1]))
    assert stored(response) == {"cr-2": (2, "")}


def test_the_area_s_answers_read_are_answers_like_any_other(response, django_assert_num_queries):
    cr1, cr2 = question_id("cr-1"), question_id("cr-2")
    upsert([(response.pk, cr1, 4, "yes")], ("value",))
    with django_assert_num_queries(1):
        (answer,) = statements.area_answers(response.pk, [cr1, cr2])
        assert (answer.question_id, answer.value, answer.comment) == (cr1, 4, "yes")
    assert answer.response_id == response.pk  # loaded when asked for


def test_the_answers_version_moves_by_one(campaign):
    before = Campaign.objects.get(pk=campaign.pk).answers_version
    statements.run(statements.bump_campaign_version("answers_version", campaign.pk))
    assert Campaign.objects.get(pk=campaign.pk).answers_version == before + 1


def test_no_version_but_the_campaign_s_two_can_be_raised(campaign):
    with pytest.raises(ValueError, match="not one of the campaign's versions"):
        statements.bump_campaign_version("status", campaign.pk)


def test_an_upsert_needs_rows():
    with pytest.raises(ValueError, match="needs rows"):
        statements.upsert_answers([], ("value",))


def touch_answer_and_version(response, value: int) -> list:
    """A save's statements: the touch, an upsert of one value, the answers version."""
    return [
        statements.touch_pending_response(response.pk, timezone.now()),
        statements.upsert_answers([(response.pk, question_id("cr-1"), value, "")], ("value",)),
        statements.bump_campaign_version("answers_version", response.campaign_id),
    ]


def state(response) -> tuple:
    return (
        Response.objects.get(pk=response.pk).updated_at,
        Campaign.objects.get(pk=response.campaign_id).answers_version,
        stored(response),
    )


def check_all_or_nothing(response):
    statements.run_as_one(*touch_answer_and_version(response, 2))
    before = state(response)
    with pytest.raises(IntegrityError):
        statements.run_as_one(*touch_answer_and_version(response, 9))  # off the scale
    assert state(response) == before
    assert before[2] == {"cr-1": (2, "")}


def test_statements_run_as_one_inside_a_transaction_are_all_or_nothing(response):
    check_all_or_nothing(response)


@pytest.mark.django_db(transaction=True)
def test_statements_run_as_one_on_their_own_are_all_or_nothing(response):
    check_all_or_nothing(response)


@pytest.mark.django_db(transaction=True)
def test_postgresql_gets_statements_run_as_one_in_one_message(response):
    """One round trip for the whole transaction, where each statement, BEGIN and COMMIT
    were one each."""
    save = touch_answer_and_version(response, 2)
    with CaptureQueriesContext(connection) as queries:
        statements.run_as_one(*save)
    sent = [query["sql"] for query in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert len(sent) == 1
        assert sent[0].count(";") == 2
    else:
        assert [sql.split()[0] for sql in sent if sql not in ("BEGIN IMMEDIATE", "COMMIT")] == [
            "UPDATE",
            "INSERT",
            "UPDATE",
        ]
    assert stored(response) == {"cr-1": (2, "")}
