"""The area page's written-out statements do what the ORM's did, on either database, and
the database's guards still check what they write."""

import pytest
from django.db import IntegrityError, transaction

from assessments import answer_statements as statements
from assessments.models import Answer, Campaign, Response
from models_catalog.models import Question
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(campaign):
    invitation = InvitationFactory(campaign=campaign)
    return Response.objects.create(campaign=campaign, invitation=invitation, respondent="web-1")


def question_id(key: str) -> int:
    return Question.objects.get(key=key).pk


def stored(response) -> dict:
    return {
        a.question.key: (a.value, a.comment)
        for a in Answer.objects.filter(response=response).select_related("question")
    }


def test_an_upsert_inserts_and_then_overwrites_only_the_columns_named(response):
    cr1, cr2 = question_id("cr-1"), question_id("cr-2")
    statements.upsert_answers(
        [(response.pk, cr1, 3, "mostly"), (response.pk, cr2, None, "")], ("value", "comment")
    )
    statements.upsert_answers([(response.pk, cr1, 1, "")], ("value",))
    assert stored(response) == {"cr-1": (1, "mostly"), "cr-2": (None, "")}


def test_only_value_and_comment_can_be_overwritten(response):
    with pytest.raises(ValueError, match="only"):
        statements.upsert_answers([(response.pk, question_id("cr-1"), 1, "")], ("response_id",))


def test_the_database_guards_still_refuse_a_value_off_the_scale(response):
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.upsert_answers([(response.pk, question_id("cr-1"), 9, "")], ("value",))
    assert stored(response) == {}


def test_the_database_guards_refuse_overwriting_a_value_with_one_off_the_scale(response):
    statements.upsert_answers([(response.pk, question_id("cr-1"), 2, "")], ("value",))
    with pytest.raises(IntegrityError), transaction.atomic():
        statements.upsert_answers([(response.pk, question_id("cr-1"), 9, "")], ("value",))
    assert stored(response) == {"cr-1": (2, "")}


def test_a_comment_needs_a_stored_answer(response):
    assert not statements.update_comment(response.pk, question_id("cr-1"), "why?")
    statements.upsert_answers([(response.pk, question_id("cr-1"), 2, "")], ("value",))
    assert statements.update_comment(response.pk, question_id("cr-1"), "why?")
    assert stored(response) == {"cr-1": (2, "why?")}


def test_a_submitted_response_is_not_touched(response):
    from django.utils import timezone

    assert statements.touch_pending_response(response.pk, timezone.now())
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now())
    assert not statements.touch_pending_response(response.pk, timezone.now())


def test_the_area_s_answers_read_are_answers_like_any_other(response, django_assert_num_queries):
    cr1, cr2 = question_id("cr-1"), question_id("cr-2")
    statements.upsert_answers([(response.pk, cr1, 4, "yes")], ("value",))
    with django_assert_num_queries(1):
        (answer,) = statements.area_answers(response.pk, [cr1, cr2])
        assert (answer.question_id, answer.value, answer.comment) == (cr1, 4, "yes")
    assert answer.response_id == response.pk  # loaded when asked for


def test_the_answers_version_moves_by_one(campaign):
    before = Campaign.objects.get(pk=campaign.pk).answers_version
    statements.bump_campaign_version("answers_version", campaign.pk)
    assert Campaign.objects.get(pk=campaign.pk).answers_version == before + 1
