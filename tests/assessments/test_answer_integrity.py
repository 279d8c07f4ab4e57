"""The database itself refuses answers that break the model (issue 5's constraints)."""

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.answer_statements import run, update_comment, upsert_answers
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


def test_one_bad_row_among_many_refuses_them_all(campaign):
    """PostgreSQL checks a statement's rows together: the bad one is found wherever it is."""
    responses = ResponseFactory.create_batch(3, campaign=campaign)
    questions = list(campaign.maturity_model.questions.order_by("pk"))
    rows = [(r.pk, q.pk, 2, "") for r in responses for q in questions]
    rows[len(rows) // 2] = (*rows[len(rows) // 2][:2], 7, "")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_answers(rows)
    assert not Answer.objects.exists()


def test_a_save_that_overwrites_a_value_with_one_off_the_scale_is_refused(campaign):
    """The save's upsert: its new rows and the rows it updates are both checked."""
    response = ResponseFactory(campaign=campaign)
    first, second = campaign.maturity_model.questions.order_by("pk")[:2]
    stored = answer(response, first.key, 2)
    rows = [(response.pk, first.pk, 9, ""), (response.pk, second.pk, 1, "")]
    with pytest.raises(IntegrityError), transaction.atomic():
        run(upsert_answers(rows, ("value",)))
    stored.refresh_from_db()
    assert stored.value == 2
    assert Answer.objects.count() == 1


def test_a_comment_alone_can_be_changed(campaign):
    stored = answer(ResponseFactory(campaign=campaign), "cr-1", 2)
    assert update_comment(stored.response_id, stored.question_id, "because")
    stored.refresh_from_db()
    assert (stored.value, stored.comment) == (2, "because")


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


def test_installing_the_guards_replaces_those_of_earlier_releases():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in ("", "question_", "value_"):
                for statement in earlier_postgres_guard(name):
                    cursor.execute(statement)
    install_answer_guards(connection)
    if connection.vendor == "postgresql":
        assert trigger_names() == {"answers_insert_guard", "answers_update_guard"}
    else:
        assert len(trigger_names()) == 4


def earlier_postgres_guard(name: str) -> list[str]:
    """A row trigger as earlier releases had them: one for everything, then one a guard."""
    return [
        f"""CREATE OR REPLACE FUNCTION assessments_answer_{name}guard() RETURNS trigger AS $$
        BEGIN RETURN NEW; END $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER answer_{name}guard BEFORE INSERT OR UPDATE ON assessments_answer
        FOR EACH ROW EXECUTE FUNCTION assessments_answer_{name}guard()""",
    ]
