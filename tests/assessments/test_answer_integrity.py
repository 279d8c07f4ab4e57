"""The database itself refuses answers that break the model (issue 5's constraints)."""

import pytest
from django.db import IntegrityError, transaction

from assessments.bulk import insert_answers
from assessments.models import Answer
from tests.factories import ResponseFactory, answer, import_document, model_document

pytestmark = pytest.mark.django_db


def test_a_value_off_the_scale_is_refused(campaign):
    response = ResponseFactory(campaign=campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        answer(response, "cr-1", 9)
    assert not Answer.objects.exists()


def test_a_question_of_another_model_version_is_refused(campaign):
    other = import_document(model_document(slug="other-model"))
    response = ResponseFactory(campaign=campaign)
    foreign = other.questions.get(key="cr-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question=foreign, value=2)


def test_changing_a_stored_value_to_one_off_the_scale_is_refused(campaign):
    stored = answer(ResponseFactory(campaign=campaign), "cr-1", 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=stored.pk).update(value=-1)
    stored.refresh_from_db()
    assert stored.value == 2


def test_na_and_every_scale_value_are_accepted(campaign):
    response = ResponseFactory(campaign=campaign)
    question = campaign.maturity_model.questions.get(key="cr-1")
    for value in (None, 0, 4):
        Answer.objects.update_or_create(
            response=response, question=question, defaults={"value": value}
        )
    assert Answer.objects.get().value == 4


def test_bulk_inserted_answers_are_checked_too(campaign):
    response = ResponseFactory(campaign=campaign)
    question = campaign.maturity_model.questions.get(key="cr-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_answers([(response.pk, question.pk, 5, "")])
    insert_answers([(response.pk, question.pk, 3, "fine")])
    assert Answer.objects.get().comment == "fine"


def test_one_answer_per_response_and_question(campaign):
    response = ResponseFactory(campaign=campaign)
    answer(response, "cr-1", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        answer(response, "cr-1", 2)
