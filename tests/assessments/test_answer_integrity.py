"""The database itself refuses answers that break the model (issue 5's constraints)."""

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.bulk import insert_answers
from assessments.db_guards import install_answer_guards
from assessments.models import Answer
from tests.factories import (
    CampaignFactory,
    ResponseFactory,
    answer,
    import_document,
    model_document,
)

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


def test_moving_an_answer_to_a_question_of_another_model_version_is_refused(campaign):
    other = import_document(model_document(slug="other-model"))
    stored = answer(ResponseFactory(campaign=campaign), "cr-1", 2)
    foreign = other.questions.get(key="cr-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=stored.pk).update(question=foreign)
    stored.refresh_from_db()
    assert stored.question.maturity_model == campaign.maturity_model


def test_moving_an_answer_to_a_response_on_another_model_version_is_refused(campaign):
    other = import_document(model_document(slug="other-model"))
    elsewhere = ResponseFactory(campaign=CampaignFactory(maturity_model=other))
    stored = answer(ResponseFactory(campaign=campaign), "cr-1", 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=stored.pk).update(response=elsewhere)
    stored.refresh_from_db()
    assert stored.response.campaign == campaign


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


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'assessments_answer'::regclass "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'assessments_answer'"
            )
        return {name for (name,) in cursor.fetchall()}


def test_installing_the_guards_replaces_those_of_an_earlier_release():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in EARLIER_POSTGRES_GUARD:
                cursor.execute(statement)
    install_answer_guards(connection)
    names = {name for name in trigger_names() if name.startswith("answer_")}
    if connection.vendor == "postgresql":
        assert names == {"answer_question_guard", "answer_value_guard"}
    else:
        assert len(names) == 4


# The single guard of earlier releases, which checked everything on every update.
EARLIER_POSTGRES_GUARD = [
    """CREATE FUNCTION assessments_answer_guard() RETURNS trigger AS $$
    BEGIN RETURN NEW; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER answer_guard BEFORE INSERT OR UPDATE ON assessments_answer
    FOR EACH ROW EXECUTE FUNCTION assessments_answer_guard()""",
]
