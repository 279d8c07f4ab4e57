"""Reading and checking the model file (CONTRACT.md section 4).

`read_model_file` turns JSON text into a checked document or raises `ModelFileError`
with one line naming the field and why. It also notes which optional keys the file
left out or set to null (its *shape*), so that an export gives back the same document.

A checked document also fits the database columns on every database: lengths and integer
ranges come from the model fields, so that SQLite, which stores anything, refuses what
PostgreSQL would.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field

from models_catalog.models import Level, MaturityModel, ProcessArea, Question, ScaleOption

FORMAT = "maturity-model/1"
KEY_RE = re.compile(r"[a-z0-9-]+")
PLAIN_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
RULES = ("mean", "every")

# Defaults of the optional keys; an export leaves a key out again only while the value
# still equals its default.
DEFAULTS = {
    "source": "",
    "description": "",
    "obstacle": "",
    "recommendation": "",
    "help": "",
    "rule": "mean",
    "threshold": None,
    "weight": 1.0,
    "allow_na": False,
    "process_areas": [],
}
MODEL_THRESHOLD_DEFAULT = 0.75

MODEL_KEYS = {
    "format",
    "slug",
    "version",
    "name",
    "source",
    "description",
    "scale",
    "rule",
    "threshold",
    "levels",
}
SCALE_KEYS = {"options", "allow_na"}
OPTION_KEYS = {"value", "label"}
LEVEL_KEYS = {"number", "name", "description", "obstacle", "process_areas"}
AREA_KEYS = {"key", "name", "description", "threshold", "recommendation", "questions"}
QUESTION_KEYS = {"key", "text", "help", "weight"}


class ModelFileError(ValueError):
    """A model file that breaks a rule of the format; the message names the field."""


@dataclass
class FileShape:
    """Paths of optional keys that the file left out, or gave as null."""

    absent: set[str] = field(default_factory=set)
    null: set[str] = field(default_factory=set)

    def as_json(self) -> dict:
        return {"absent": sorted(self.absent), "null": sorted(self.null)}


class JSONObject(dict):
    """An object of the file, with the first key it gives more than once, if any: the JSON
    reader keeps the last value of a repeated key, and the file would silently lose the
    others (two "questions" lists in one area, say)."""

    repeated: str | None = None


def read_object(pairs: list[tuple[str, Any]]) -> JSONObject:
    obj = JSONObject(pairs)
    if len(obj) < len(pairs):
        obj.repeated = next(
            name for name, times in Counter(n for n, _ in pairs).items() if times > 1
        )
    return obj


def read_model_file(text: str | bytes) -> tuple[dict, FileShape]:
    try:
        if isinstance(text, bytes):
            # UTF-8 only, as JSON files are exchanged (RFC 8259), with or without a BOM:
            # json.loads would also take UTF-16 and UTF-32 bytes.
            text = text.decode("utf-8-sig")
        document = json.loads(text, object_pairs_hook=read_object)
    except UnicodeDecodeError:
        raise ModelFileError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        # Some of json's messages end in "at" ("Invalid control character at").
        reason = error.msg.removesuffix(" at")
        raise ModelFileError(
            f"not valid JSON: {reason} at line {error.lineno} column {error.colno}"
        ) from None
    except ValueError:
        # Python refuses to read an integer of more than 4,300 digits.
        raise ModelFileError("not valid JSON: a number has too many digits") from None
    except RecursionError:
        raise ModelFileError("not valid JSON: arrays or objects are nested too deeply") from None
    checker = _Checker()
    checker.check_model(document)
    return document, checker.shape


def fail(where: str, why: str):
    raise ModelFileError(f"{where}: {why}")


def member(where: str, name: str) -> str:
    """The path of a field; a name of the file that is not one plain word is quoted as
    JSON, so that a line break in it cannot break the message's line."""
    if not PLAIN_NAME_RE.fullmatch(name):
        name = json.dumps(name)
    return f"{where}.{name}" if where else name


def check_keys(obj: Any, where: str, allowed: set[str], required: set[str]):
    if not isinstance(obj, dict):
        fail(where or "the document", "must be an object")
    repeated = getattr(obj, "repeated", None)
    if repeated is not None:
        fail(member(where, repeated), "is given more than once")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        fail(member(where, unknown[0]), "is not a field of the format")
    for name in sorted(required):
        if name not in obj:
            fail(member(where, name), "is required")


def check_number(
    value: Any, where: str, *, low: float, high: float | None, low_open=False
) -> float:
    """A number stored in a float column, as that column holds it: Python's JSON reader
    also accepts NaN and Infinity, and integers too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(where, f"must be a number (got {json.dumps(value)})")
    try:
        value = float(value)
    except OverflowError:
        fail(where, "must be a finite number (got an integer too large for one)")
    if not math.isfinite(value):
        fail(where, f"must be a finite number (got {json.dumps(value)})")
    too_low = value <= low if low_open else value < low
    if too_low or (high is not None and value > high):
        if high is None:
            fail(where, f"must be greater than {low:g} (got {value:g})")
        fail(where, f"must be between {low:g} and {high:g} (got {value:g})")
    return value


def column(model, name: str) -> Field:
    return model._meta.get_field(name)


def check_length(value: str, where: str, field: Field):
    if len(value) > field.max_length:
        fail(where, f"must be at most {field.max_length} characters (got {len(value)})")


def integer_range(field: Field) -> tuple[int, int]:
    """The range of the column on every database: SQLite would store any 64-bit integer
    where PostgreSQL's smallint stops at 32767, so the connection's own range won't do."""
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def check_integer(value: int, where: str, field: Field):
    low, high = integer_range(field)
    if not low <= value <= high:
        fail(where, f"must be between {low} and {high} (got {value})")


def check_count(items: list, where: str, position: Field, noun: str):
    """Items are stored with their position in the list, in an integer column."""
    most = integer_range(position)[1] + 1
    if len(items) > most:
        fail(where, f"must list at most {most} {noun} (got {len(items)})")


def check_storable_text(value: str, where: str):
    # PostgreSQL refuses NUL in text, and no database stores a lone surrogate ("\ud800").
    if "\x00" in value:
        fail(where, "must not contain the NUL character")
    try:
        value.encode()
    except UnicodeEncodeError:
        fail(where, "must be Unicode text (it holds a lone surrogate)")


def check_one_line(value: str, where: str):
    """A name printed on a line of its own (`import_model` prints `SLUG VERSION`) and typed
    as an argument (`--model-version`), as the admin's form keeps it: stripped, no tab or
    line break."""
    if value != value.strip() or not value.isprintable():
        fail(where, f"must be one line without white space at either end (got {json.dumps(value)})")


def check_key(value: Any, where: str, field: Field):
    if not isinstance(value, str) or not KEY_RE.fullmatch(value):
        fail(where, f"must match [a-z0-9-]+ (got {json.dumps(value)})")
    check_length(value, where, field)


class _Checker:
    """Checks one document top-down, noting its shape on the way.

    Each number of a float column is put back in the document as the column holds it (an
    integer weight of 10**23 is the float 1e23), so that the same file imported again
    equals the version's export: it is unchanged, not a change to a frozen version."""

    def __init__(self):
        self.shape = FileShape()

    def optional(self, obj: dict, name: str, shape_path: str) -> bool:
        """Note an optional key's absence or null; True when it holds a value to check."""
        if name not in obj:
            self.shape.absent.add(shape_path)
            return False
        if obj[name] is None:
            self.shape.null.add(shape_path)
            return False
        return True

    def check_text(
        self, obj: dict, name: str, where: str, *, shape_path: str = "", field: Field | None = None
    ):
        """A required text when shape_path is empty, else an optional one; field is the
        column of a text with a maximum length."""
        if shape_path and not self.optional(obj, name, shape_path):
            return
        value = obj.get(name)
        if not isinstance(value, str):
            fail(where, "must be a string")
        if not shape_path and not value.strip():
            fail(where, "must not be empty")
        check_storable_text(value, where)
        if field is not None:
            check_length(value, where, field)

    def check_model(self, document: Any):
        check_keys(
            document, "", MODEL_KEYS, {"format", "slug", "version", "name", "scale", "levels"}
        )
        if document["format"] != FORMAT:
            fail("format", f"must be {json.dumps(FORMAT)} (got {json.dumps(document['format'])})")
        check_key(document["slug"], "slug", column(MaturityModel, "slug"))
        self.check_text(document, "version", "version", field=column(MaturityModel, "version"))
        check_one_line(document["version"], "version")
        self.check_text(document, "name", "name", field=column(MaturityModel, "name"))
        for name in ("source", "description"):
            self.check_text(document, name, name, shape_path=f"model.{name}")
        self.check_scale(document["scale"])
        self.check_rule_and_threshold(document)
        self.check_levels(document["levels"])

    def check_scale(self, scale: Any):
        check_keys(scale, "scale", SCALE_KEYS, {"options"})
        options = scale["options"]
        if not isinstance(options, list) or len(options) < 2:
            fail("scale.options", "must list two or more options")
        values = []
        for index, option in enumerate(options):
            where = f"scale.options[{index}]"
            check_keys(option, where, OPTION_KEYS, OPTION_KEYS)
            value = option["value"]
            if isinstance(value, bool) or not isinstance(value, int):
                fail(f"{where}.value", f"must be an integer (got {json.dumps(value)})")
            check_integer(value, f"{where}.value", column(ScaleOption, "value"))
            if values and value <= values[-1]:
                why = (
                    "repeats an earlier value" if value in values else "is not in increasing order"
                )
                fail(f"{where}.value", f"{value} {why}")
            self.check_text(option, "label", f"{where}.label", field=column(ScaleOption, "label"))
            values.append(value)
        if self.optional(scale, "allow_na", "scale.allow_na") and not isinstance(
            scale["allow_na"], bool
        ):
            fail("scale.allow_na", "must be true or false")

    def check_rule_and_threshold(self, document: dict):
        if self.optional(document, "rule", "model.rule") and document["rule"] not in RULES:
            fail("rule", f'must be "mean" or "every" (got {json.dumps(document["rule"])})')
        if self.optional(document, "threshold", "model.threshold"):
            document["threshold"] = check_number(document["threshold"], "threshold", low=0, high=1)

    def check_levels(self, levels: Any):
        if not isinstance(levels, list) or not levels:
            fail("levels", "must list at least one level")
        numbers = []
        area_keys: set[str] = set()
        question_keys: set[str] = set()
        for index, level in enumerate(levels):
            where = f"levels[{index}]"
            check_keys(level, where, LEVEL_KEYS, {"number", "name"})
            number = level["number"]
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                fail(f"{where}.number", f"must be a whole number from 1 (got {json.dumps(number)})")
            check_integer(number, f"{where}.number", column(Level, "number"))
            if number in numbers:
                fail(f"{where}.number", f"level {number} is listed twice")
            numbers.append(number)
            self.check_text(level, "name", f"{where}.name", field=column(Level, "name"))
            for name in ("description", "obstacle"):
                self.check_text(
                    level,
                    name,
                    f"{where}.{name}",
                    shape_path=f"level:{number}.{name}",
                )
            self.check_areas(level, where, number, area_keys, question_keys)
        expected = list(range(1, len(numbers) + 1))
        if sorted(numbers) != expected:
            missing = sorted(set(expected) - set(numbers))
            fail(
                "levels",
                f"must be numbered 1..{len(numbers)} without holes (level {missing[0]} is missing)",
            )

    def check_areas(self, level: dict, where: str, number: int, area_keys: set, question_keys: set):
        # A level may have no process areas (CONTRACT.md section 4): leaving the list out
        # or giving null says so, as it does for the optional fields.
        if not self.optional(level, "process_areas", f"level:{number}.process_areas"):
            return
        areas = level["process_areas"]
        if not isinstance(areas, list):
            fail(f"{where}.process_areas", "must be a list")
        check_count(
            areas, f"{where}.process_areas", column(ProcessArea, "position"), "process areas"
        )
        for index, area in enumerate(areas):
            area_where = f"{where}.process_areas[{index}]"
            check_keys(area, area_where, AREA_KEYS, {"key", "name", "questions"})
            key = area["key"]
            check_key(key, f"{area_where}.key", column(ProcessArea, "key"))
            if key in area_keys:
                fail(f"{area_where}.key", f'"{key}" is used by another process area')
            area_keys.add(key)
            self.check_text(area, "name", f"{area_where}.name", field=column(ProcessArea, "name"))
            for name in ("description", "recommendation"):
                self.check_text(
                    area,
                    name,
                    f"{area_where}.{name}",
                    shape_path=f"area:{key}.{name}",
                )
            if self.optional(area, "threshold", f"area:{key}.threshold"):
                area["threshold"] = check_number(
                    area["threshold"], f"{area_where}.threshold", low=0, high=1
                )
            self.check_questions(area, area_where, question_keys)

    def check_questions(self, area: dict, where: str, question_keys: set):
        questions = area["questions"]
        if not isinstance(questions, list) or not questions:
            fail(f"{where}.questions", "every process area needs at least one question")
        check_count(questions, f"{where}.questions", column(Question, "position"), "questions")
        for index, question in enumerate(questions):
            q_where = f"{where}.questions[{index}]"
            check_keys(question, q_where, QUESTION_KEYS, {"key", "text"})
            key = question["key"]
            check_key(key, f"{q_where}.key", column(Question, "key"))
            if key in question_keys:
                fail(f"{q_where}.key", f'"{key}" is used by another question')
            question_keys.add(key)
            self.check_text(question, "text", f"{q_where}.text")
            self.check_text(
                question,
                "help",
                f"{q_where}.help",
                shape_path=f"question:{key}.help",
            )
            if self.optional(question, "weight", f"question:{key}.weight"):
                question["weight"] = check_number(
                    question["weight"], f"{q_where}.weight", low=0, high=None, low_open=True
                )


def optional_value(obj: dict, name: str, default: Any = None) -> Any:
    """An optional field's value: a missing key and null both mean its default."""
    value = obj.get(name)
    if value is not None:
        return value
    return DEFAULTS[name] if default is None else default


def in_level_order(document: dict) -> dict:
    """The document with its levels listed by number: the order of levels is their number,
    so two files that list them differently say the same."""
    return {**document, "levels": sorted(document["levels"], key=lambda level: level["number"])}


def check_document(document: dict) -> FileShape:
    """Check a document already in memory (an export, before publishing it)."""
    checker = _Checker()
    checker.check_model(document)
    return checker.shape
