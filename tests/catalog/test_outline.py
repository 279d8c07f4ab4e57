"""The outline of a model version: ordered, loaded in constant queries, cached until the
version changes."""

import pytest
from django.core.cache import cache

from models_catalog import outline as outline_module
from models_catalog.models import MaturityModel, Question
from models_catalog.outline import LOCAL_OUTLINES, load_outline

pytestmark = pytest.mark.django_db


def fresh(maturity_model) -> MaturityModel:
    return MaturityModel.objects.get(pk=maturity_model.pk)


def test_the_outline_lists_areas_in_level_order_with_effective_thresholds(maturity_model):
    outline = load_outline(maturity_model)
    assert [area.key for area in outline.areas] == [
        "customer-requirements",
        "monitoring",
        "standard-process",
    ]
    assert [area.threshold for area in outline.areas] == [0.5, 0.75, 0.75]
    assert (outline.scale.minimum, outline.scale.maximum) == (0, 4)


def test_a_second_load_of_an_unchanged_version_makes_no_query(
    maturity_model, django_assert_num_queries
):
    load_outline(fresh(maturity_model))
    version = fresh(maturity_model)
    with django_assert_num_queries(0):
        load_outline(version)


def test_a_saved_question_is_in_the_next_outline(maturity_model):
    load_outline(fresh(maturity_model))
    question = Question.objects.get(maturity_model=maturity_model, key="cr-1")
    question.text = "We can name our target customers."
    question.save()
    outline = load_outline(fresh(maturity_model))
    assert outline.questions_by_key["cr-1"].text == "We can name our target customers."


def test_a_deleted_area_is_gone_from_the_next_outline(maturity_model):
    load_outline(fresh(maturity_model))
    maturity_model.process_areas.get(key="monitoring").delete()
    assert load_outline(fresh(maturity_model)).area("monitoring") is None


def test_a_process_keeps_the_outlines_it_uses_without_reading_the_shared_cache(
    maturity_model, monkeypatch
):
    first = load_outline(fresh(maturity_model))
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: pytest.fail("shared cache read"))
    assert load_outline(fresh(maturity_model)) is first


def test_another_process_reads_the_outline_from_the_shared_cache(
    maturity_model, django_assert_num_queries
):
    load_outline(fresh(maturity_model))
    LOCAL_OUTLINES.clear()  # as a process that has not loaded it yet
    version = fresh(maturity_model)
    with django_assert_num_queries(0):
        assert load_outline(version).area("monitoring") is not None


def test_the_process_keeps_only_a_bounded_number_of_outlines(maturity_model, monkeypatch):
    monkeypatch.setattr(outline_module, "LOCAL_LIMIT", 2)
    for _ in range(5):
        Question.objects.filter(maturity_model=maturity_model).first().save()  # new version
        load_outline(fresh(maturity_model))
    assert 1 <= len(LOCAL_OUTLINES) <= 2
