"""Every rule of the model file (CONTRACT.md section 4), and the round trip."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from models_catalog.export import export_document
from models_catalog.file_format import ModelFileError, read_model_file
from models_catalog.models import MaturityModel, Question
from tests.factories import SMALL_MODEL, import_document, model_document


def refused(document) -> str:
    with pytest.raises(ModelFileError) as error:
        read_model_file(json.dumps(document))
    return str(error.value)


def first_area(document) -> dict:
    return document["levels"][1]["process_areas"][0]


def test_the_small_model_is_valid():
    document, _ = read_model_file(json.dumps(SMALL_MODEL))
    assert document["slug"] == "small-model"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"format": "maturity-model/2"}, "format"),
        ({"version": ""}, "version"),
        ({"version": 1.0}, "version"),
        ({"name": ""}, "name"),
        ({"rule": "median"}, "rule"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": -0.1}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"levels": []}, "levels"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_top_level_field_is_refused_naming_it(change, field):
    message = refused(model_document(**change))
    assert message.startswith(f"{field}:")


@pytest.mark.parametrize("missing", ["format", "slug", "version", "name", "scale", "levels"])
def test_a_missing_required_field_is_refused_naming_it(missing):
    document = model_document()
    del document[missing]
    assert refused(document) == f"{missing}: is required"


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ([{"value": 0, "label": "Only one"}], "two or more"),
        ([{"value": 0, "label": "a"}, {"value": 0, "label": "b"}], "repeats"),
        ([{"value": 2, "label": "a"}, {"value": 1, "label": "b"}], "increasing"),
        ([{"value": 0.5, "label": "a"}, {"value": 1, "label": "b"}], "integer"),
        ([{"value": True, "label": "a"}, {"value": 2, "label": "b"}], "integer"),
        ([{"value": 0, "label": ""}, {"value": 1, "label": "b"}], "empty"),
    ],
)
def test_scale_options_must_be_two_or_more_distinct_increasing_integers(options, why):
    message = refused(model_document(scale={"options": options, "allow_na": True}))
    assert message.startswith("scale.options")
    assert why in message


def test_allow_na_must_be_a_boolean():
    scale = {**SMALL_MODEL["scale"], "allow_na": "yes"}
    assert refused(model_document(scale=scale)).startswith("scale.allow_na:")


def test_levels_must_be_numbered_without_holes():
    document = model_document()
    document["levels"][2]["number"] = 4
    assert "level 3 is missing" in refused(document)


def test_a_level_number_may_not_repeat():
    document = model_document()
    document["levels"][2]["number"] = 2
    assert refused(document) == "levels[2].number: level 2 is listed twice"


def test_a_level_may_have_no_process_areas_key_at_all():
    document = model_document()
    del document["levels"][0]["process_areas"]
    read_model_file(json.dumps(document))


def test_process_area_keys_are_unique_within_the_model():
    document = model_document()
    document["levels"][2]["process_areas"][0]["key"] = "monitoring"
    message = refused(document)
    assert message.startswith("levels[2].process_areas[0].key:")
    assert "another process area" in message


def test_question_keys_are_unique_within_the_model():
    document = model_document()
    document["levels"][2]["process_areas"][0]["questions"][0]["key"] = "cr-1"
    assert refused(document).startswith("levels[2].process_areas[0].questions[0].key:")


@pytest.mark.parametrize("key", ["Upper", "with space", "under_score", ""])
def test_keys_must_be_lower_case_letters_digits_and_hyphens(key):
    document = model_document()
    first_area(document)["key"] = key
    assert refused(document).startswith("levels[1].process_areas[0].key:")


def test_every_process_area_needs_a_question():
    document = model_document()
    first_area(document)["questions"] = []
    assert "at least one question" in refused(document)


@pytest.mark.parametrize("weight", [0, -1, "heavy"])
def test_a_weight_must_be_greater_than_zero(weight):
    document = model_document()
    first_area(document)["questions"][0]["weight"] = weight
    assert refused(document).startswith("levels[1].process_areas[0].questions[0].weight:")


def test_an_area_threshold_must_be_in_the_unit_interval():
    document = model_document()
    first_area(document)["threshold"] = 2
    assert refused(document) == (
        "levels[1].process_areas[0].threshold: must be between 0 and 1 (got 2)"
    )


def test_text_that_is_not_json_is_refused_with_its_position():
    with pytest.raises(ModelFileError, match="not valid JSON.*line 1"):
        read_model_file("{not json")


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(ModelFileError, match="UTF-8"):
        read_model_file(b"\xff\xfe{")


@pytest.mark.django_db
def test_import_then_export_gives_back_the_same_document():
    maturity_model = import_document(SMALL_MODEL)
    assert export_document(maturity_model) == SMALL_MODEL


@pytest.mark.django_db
def test_a_minimal_file_round_trips_without_gaining_optional_keys():
    minimal = {
        "format": "maturity-model/1",
        "slug": "minimal",
        "version": "0.1",
        "name": "Minimal",
        "scale": {"options": [{"value": 1, "label": "No"}, {"value": 2, "label": "Yes"}]},
        "levels": [
            {"number": 1, "name": "One"},
            {
                "number": 2,
                "name": "Two",
                "process_areas": [
                    {"key": "a", "name": "A", "questions": [{"key": "q", "text": "Q?"}]}
                ],
            },
        ],
    }
    maturity_model = import_document(minimal)
    assert maturity_model.rule == "mean"
    assert maturity_model.threshold == 0.75
    assert export_document(maturity_model) == minimal


@pytest.mark.django_db
def test_explicit_nulls_round_trip_as_nulls():
    document = model_document(description=None)
    first_area(document)["threshold"] = None
    assert export_document(import_document(document)) == document


@pytest.mark.django_db
def test_the_commands_round_trip_a_file(tmp_path, capsys):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(SMALL_MODEL))
    call_command("import_model", str(path))
    assert capsys.readouterr().out.strip() == "small-model 1.0"
    call_command("export_model", "small-model")
    assert json.loads(capsys.readouterr().out) == SMALL_MODEL


@pytest.mark.django_db
def test_a_refused_file_writes_nothing_and_the_command_names_the_field(tmp_path):
    document = model_document()
    document["levels"][2]["process_areas"][0]["questions"][1]["weight"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"questions\[1\]\.weight: must be greater than 0"):
        call_command("import_model", str(path))
    assert not MaturityModel.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_import_model_reports_an_unreadable_file_in_one_line(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_model", str(tmp_path / "missing.json"))


@pytest.mark.django_db
def test_export_of_an_unknown_model_is_a_clear_error():
    with pytest.raises(CommandError, match="model nothing-here does not exist"):
        call_command("export_model", "nothing-here")
