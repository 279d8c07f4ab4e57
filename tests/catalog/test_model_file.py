"""Every rule of the model file (CONTRACT.md section 4), and the round trip."""

import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from models_catalog.export import export_document
from models_catalog.file_format import FileShape, ModelFileError, read_model_file
from models_catalog.models import Level, MaturityModel, ProcessArea, Question, ScaleOption
from tests.factories import SMALL_MODEL, import_document, model_document


def refused(document) -> str:
    with pytest.raises(ModelFileError) as error:
        read_model_file(json.dumps(document))
    return str(error.value)


def first_area(document) -> dict:
    return document["levels"][1]["process_areas"][0]


def first_question(document) -> dict:
    return first_area(document)["questions"][0]


def import_file(tmp_path, document) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    call_command("import_model", str(path))


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
        ({"version": " 1.0"}, "version"),
        ({"version": "1.0\n"}, "version"),
        ({"version": "1.0\tbeta"}, "version"),
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


@pytest.mark.django_db
def test_a_level_whose_process_areas_are_null_has_none_and_round_trips():
    document = model_document()
    document["levels"][0]["process_areas"] = None
    maturity_model = import_document(document)
    assert not maturity_model.levels.get(number=1).process_areas.exists()
    assert export_document(maturity_model) == document


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


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_file_in_another_unicode_encoding_is_refused(encoding):
    # JSON is exchanged as UTF-8 (RFC 8259); json.loads alone would read these.
    with pytest.raises(ModelFileError, match="^the file is not UTF-8 text$"):
        read_model_file(json.dumps(SMALL_MODEL).encode(encoding))


def test_utf16_without_a_byte_order_mark_is_refused_too():
    # Valid UTF-8 as bytes go, but a NUL before every character is no JSON.
    with pytest.raises(ModelFileError, match="^not valid JSON: Expecting value at line 1"):
        read_model_file(json.dumps(SMALL_MODEL).encode("utf-16-be"))


def test_a_utf8_file_may_begin_with_a_byte_order_mark():
    document, _ = read_model_file(b"\xef\xbb\xbf" + json.dumps(SMALL_MODEL).encode())
    assert document["slug"] == SMALL_MODEL["slug"]


def test_a_line_break_inside_a_text_is_refused_with_its_place():
    text = json.dumps(SMALL_MODEL).replace('"Small test', '"Small\ntest', 1)
    with pytest.raises(ModelFileError) as error:
        read_model_file(text.encode())
    column = text.index("\n") + 1
    assert str(error.value) == (
        f"not valid JSON: Invalid control character at line 1 column {column}"
    )


def with_repeated_key(path: str) -> str:
    """The small model's text with the field at path given a second time, first, as a
    hand-edited file would (json.dumps cannot write a repeated key)."""
    text = json.dumps(SMALL_MODEL, indent=1)
    *parents, name = path.split(".")
    holder = SMALL_MODEL
    for part in parents:
        holder = holder[int(part)] if isinstance(holder, list) else holder[part]
    field = f"{json.dumps(name)}: {json.dumps(holder[name])}"
    return text.replace(field, f'{json.dumps(name)}: "the first", {field}', 1)


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("name", "name"),
        ("scale.options.1.label", "scale.options[1].label"),
        ("levels.1.process_areas.0.threshold", "levels[1].process_areas[0].threshold"),
        ("levels.2.obstacle", "levels[2].obstacle"),
    ],
)
def test_a_field_given_twice_in_one_object_is_refused_naming_it(path, where):
    with pytest.raises(ModelFileError) as error:
        read_model_file(with_repeated_key(path))
    assert str(error.value) == f"{where}: is given more than once"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            json.dumps(model_document(**{"colour\nred": 1})),
            '"colour\\nred": is not a field of the format',
        ),
        (
            json.dumps(SMALL_MODEL)[:-1] + ', "a\\nb": 1, "a\\nb": 2}',
            '"a\\nb": is given more than once',
        ),
    ],
)
def test_a_field_name_with_a_line_break_is_named_on_one_line(text, message):
    with pytest.raises(ModelFileError) as error:
        read_model_file(text)
    assert str(error.value) == message


@pytest.mark.django_db
def test_a_file_with_a_field_given_twice_writes_nothing(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(with_repeated_key("levels.1.process_areas.0.threshold"))
    with pytest.raises(CommandError, match=r"threshold: is given more than once$"):
        call_command("import_model", str(path))
    assert not MaturityModel.objects.exists()


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
def test_a_version_of_several_words_is_printed_and_taken_back_as_given(tmp_path, capsys):
    import_file(tmp_path, model_document(version="2026 Q1 draft-β"))
    assert capsys.readouterr().out == "small-model 2026 Q1 draft-β\n"
    call_command("export_model", "small-model", "--model-version", "2026 Q1 draft-β")
    assert json.loads(capsys.readouterr().out)["version"] == "2026 Q1 draft-β"


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


# Where each optional field of the contract (section 4) sits in the small model, and what
# a missing key or null means.
OPTIONAL_FIELDS = {
    "source": (lambda document: document, ""),
    "description": (lambda document: document, ""),
    "rule": (lambda document: document, "mean"),
    "threshold": (lambda document: document, 0.75),
    "allow_na": (lambda document: document["scale"], False),
    "level description": (lambda document: document["levels"][1], ""),
    "obstacle": (lambda document: document["levels"][1], ""),
    "level process_areas": (lambda document: document["levels"][0], []),
    "area threshold": (first_area, None),
    "area description": (first_area, ""),
    "recommendation": (first_area, ""),
    "help": (first_question, ""),
    "weight": (first_question, 1.0),
}


def without(document: dict, field: str, *, null: bool) -> dict:
    """The document with an optional field left out, or given as null."""
    locate, _ = OPTIONAL_FIELDS[field]
    name = field.split()[-1]
    holder = locate(document)
    if null:
        holder[name] = None
    else:
        holder.pop(name, None)
    return document


def content(maturity_model: MaturityModel) -> dict:
    """What a version says, every optional key written out, whatever its file left out."""
    document = export_document(maturity_model, shape=FileShape())
    return {name: value for name, value in document.items() if name != "slug"}


@pytest.mark.django_db
@pytest.mark.parametrize("field", OPTIONAL_FIELDS)
def test_a_null_optional_field_means_the_same_as_a_missing_one(field):
    missing = import_document(without(model_document(slug="missing"), field, null=False))
    null = import_document(without(model_document(slug="null"), field, null=True))
    assert content(null) == content(missing)
    locate, default = OPTIONAL_FIELDS[field]
    assert locate(content(null))[field.split()[-1]] == default


@pytest.mark.django_db
def test_a_null_weight_imports_as_weight_one_and_exports_as_null(tmp_path, capsys):
    document = model_document()
    first_question(document)["weight"] = None
    import_file(tmp_path, document)
    assert Question.objects.get(key="cr-1").weight == 1.0
    capsys.readouterr()
    call_command("export_model", "small-model")
    assert json.loads(capsys.readouterr().out) == document


@pytest.mark.django_db
def test_every_optional_field_given_as_null_round_trips_as_null():
    document = model_document()
    for field in OPTIONAL_FIELDS:
        without(document, field, null=True)
    assert export_document(import_document(document)) == document


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    ("place", "where"),
    [
        (lambda document: document, "threshold"),
        (first_area, "levels[1].process_areas[0].threshold"),
        (first_question, "levels[1].process_areas[0].questions[0].weight"),
    ],
)
def test_nan_and_infinity_are_refused_naming_the_field(number, place, where):
    document = model_document()
    place(document)[where.rsplit(".", 1)[-1]] = number
    assert refused(document) == f"{where}: must be a finite number (got {json.dumps(number)})"


@pytest.mark.parametrize("number", [float("nan"), float("inf")])
def test_nan_and_infinity_are_not_scale_values_nor_level_numbers(number):
    document = model_document()
    document["scale"]["options"][4]["value"] = number
    assert refused(document).startswith("scale.options[4].value: must be an integer")
    document = model_document()
    document["levels"][2]["number"] = number
    assert refused(document).startswith("levels[2].number: must be a whole number")


def test_an_integer_too_large_for_a_number_is_refused_naming_the_field():
    document = model_document()
    first_question(document)["weight"] = 10**400
    assert refused(document) == (
        "levels[1].process_areas[0].questions[0].weight: "
        "must be a finite number (got an integer too large for one)"
    )


@pytest.mark.parametrize("weight", [sys.float_info.max, 1e308, 1e-320, 5e-324])
@pytest.mark.django_db
def test_huge_and_subnormal_weights_are_stored_and_exported_exactly(tmp_path, capsys, weight):
    document = model_document()
    first_question(document)["weight"] = weight
    import_file(tmp_path, document)
    capsys.readouterr()

    assert Question.objects.get(key="cr-1").weight == weight
    call_command("export_model", "small-model")
    assert first_question(json.loads(capsys.readouterr().out))["weight"] == weight


def test_a_weight_too_small_for_a_number_is_refused_as_zero():
    text = json.dumps(model_document()).replace('"weight": 1.0', '"weight": 1e-400', 1)
    with pytest.raises(ModelFileError) as error:
        read_model_file(text)
    assert str(error.value) == (
        "levels[1].process_areas[0].questions[0].weight: must be greater than 0 (got 0)"
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"threshold": 1' + "0" * 5000 + "}", "too many digits"),
    ],
)
def test_json_that_python_cannot_read_is_refused_in_one_line(text, why):
    with pytest.raises(ModelFileError, match=f"not valid JSON: .*{why}"):
        read_model_file(text)


# Each text with a maximum length: where it sits in the small model, and its column.
LIMITED_TEXTS = {
    "slug": (lambda document: document, MaturityModel, "slug"),
    "version": (lambda document: document, MaturityModel, "version"),
    "name": (lambda document: document, MaturityModel, "name"),
    "scale.options[0].label": (
        lambda document: document["scale"]["options"][0],
        ScaleOption,
        "label",
    ),
    "levels[1].name": (lambda document: document["levels"][1], Level, "name"),
    "levels[1].process_areas[0].key": (first_area, ProcessArea, "key"),
    "levels[1].process_areas[0].name": (first_area, ProcessArea, "name"),
    "levels[1].process_areas[0].questions[0].key": (first_question, Question, "key"),
}


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def with_text_of_length(document: dict, where: str, length: int) -> dict:
    locate, _, name = LIMITED_TEXTS[where]
    locate(document)[name] = "a" * length
    return document


@pytest.mark.django_db
@pytest.mark.parametrize("where", LIMITED_TEXTS)
def test_a_text_longer_than_its_column_is_refused_on_every_database(where, tmp_path):
    _, model, name = LIMITED_TEXTS[where]
    limit = max_length(model, name)
    document = with_text_of_length(model_document(), where, limit + 1)
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, document)
    assert str(error.value).endswith(
        f"{where}: must be at most {limit} characters (got {limit + 1})"
    )
    assert not MaturityModel.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [32768, -32769, 100_000])
def test_a_scale_value_outside_a_smallint_is_refused_on_every_database(value, tmp_path):
    document = model_document()
    option = document["scale"]["options"][0 if value < 0 else 4]
    option["value"] = value
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, document)
    assert "must be between -32768 and 32767" in str(error.value)
    assert f"scale.options[{0 if value < 0 else 4}].value:" in str(error.value)
    assert not MaturityModel.objects.exists()


@pytest.mark.django_db
def test_texts_and_scale_values_at_their_limits_import_on_this_database():
    document = model_document()
    for where, (_, model, name) in LIMITED_TEXTS.items():
        with_text_of_length(document, where, max_length(model, name))
    document["scale"]["options"][0]["value"] = -32768
    document["scale"]["options"][4]["value"] = 32767
    maturity_model = import_document(document)
    assert export_document(maturity_model) == document


def test_a_process_area_with_more_questions_than_positions_is_refused():
    document = model_document()
    first_area(document)["questions"] = [
        {"key": f"q-{index}", "text": "Q?"} for index in range(32769)
    ]
    assert refused(document) == (
        "levels[1].process_areas[0].questions: must list at most 32768 questions (got 32769)"
    )


@pytest.mark.parametrize(("text", "why"), [("a\x00b", "NUL"), ("a\ud800b", "lone surrogate")])
def test_text_that_no_database_stores_is_refused_naming_the_field(text, why):
    document = model_document()
    first_question(document)["help"] = text
    message = refused(document)
    assert message.startswith("levels[1].process_areas[0].questions[0].help: ")
    assert why in message


def test_a_key_with_a_trailing_newline_is_refused():
    assert refused(model_document(slug="small-model\n")).startswith("slug: must match")
