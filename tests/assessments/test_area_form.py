"""An area's form fields are built once per process and model version and shared by its
forms; what differs between people (answers shown, data posted, errors) stays each form's."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from assessments.forms import AreaForm, area_fields
from models_catalog.outline import load_outline

pytestmark = pytest.mark.django_db

AREA = "customer-requirements"


@pytest.fixture
def outline(campaign):
    return load_outline(campaign.maturity_model)


def stored_answer(question, value, comment=""):
    return {question.id: SimpleNamespace(value=value, comment=comment)}


def test_forms_of_one_area_share_its_fields(outline):
    area = outline.area(AREA)
    first = AreaForm(None, area=area, scale=outline.scale, stored={})
    second = AreaForm(None, area=area, scale=outline.scale, stored={})
    assert first.fields is not second.fields
    assert all(first.fields[name] is second.fields[name] for name in first.fields)


def test_one_persons_answers_and_errors_stay_in_their_own_form(outline):
    area = outline.area(AREA)
    question = area.questions[0]
    key = question.key
    off_the_scale = {f"value-{key}": "99"}
    wrong = AreaForm(off_the_scale, area=area, scale=outline.scale, stored={})
    assert not wrong.is_valid()
    other = AreaForm(
        None, area=area, scale=outline.scale, stored=stored_answer(question, 2, "we try")
    )
    assert not other.errors
    fields = other.questions[0]
    assert (fields.value.value(), fields.comment.value()) == ("2", "we try")
    blank = AreaForm(None, area=area, scale=outline.scale, stored={})
    assert (blank.questions[0].value.value(), blank.questions[0].comment.value()) == ("", "")
    assert wrong.has_error(f"value-{key}")


def test_an_area_changed_in_a_new_version_gets_fields_of_its_own(outline):
    area = outline.area(AREA)
    question = area.questions[0]
    reworded = replace(area, questions=(replace(question, text="Reworded?"), *area.questions[1:]))
    assert area_fields(reworded, outline.scale) is not area_fields(area, outline.scale)
    assert area_fields(reworded, outline.scale)[f"value-{question.key}"].label == "Reworded?"
    assert area_fields(area, outline.scale)[f"value-{question.key}"].label == question.text
