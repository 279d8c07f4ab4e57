"""Reading the responses file (CONTRACT.md section 5): every row checked before any write.

Any bad row refuses the whole file; the error names each bad row's line and reason (the
first few, then how many more).
"""

import csv
import io
from dataclasses import dataclass

from models_catalog.outline import ModelOutline

REQUIRED_COLUMNS = ("respondent", "question", "value")
OPTIONAL_COLUMNS = ("unit", "role", "comment")
NA_WORDS = {"NA", "N/A"}
ERRORS_SHOWN = 10


class ResponsesFileError(ValueError):
    """A responses file that cannot be imported; nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = "; ".join(errors[:ERRORS_SHOWN])
        more = len(errors) - ERRORS_SHOWN
        super().__init__(shown + (f" (and {more} more bad rows)" if more > 0 else ""))


@dataclass(frozen=True)
class AnswerRow:
    line: int
    respondent: str
    question_id: int
    value: int | None  # None is N/A
    unit: str
    role: str
    comment: str


def read_responses_file(data: bytes | str, outline: ModelOutline) -> list[AnswerRow]:
    text = decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    check_header(reader.fieldnames)
    rows, errors = [], []
    seen: dict[tuple[str, str], int] = {}
    profile: dict[str, tuple[str, str, int]] = {}
    try:
        for record in reader:
            line = reader.line_num
            try:
                row = read_row(record, line, outline)
                check_once(row, record["question"].strip(), seen)
                check_profile(row, profile)
            except ValueError as error:
                errors.append(f"line {line}: {error}")
                continue
            rows.append(row)
    except csv.Error as error:
        errors.append(f"line {reader.line_num}: not valid CSV ({error})")
    if errors:
        raise ResponsesFileError(errors)
    if not rows:
        raise ResponsesFileError(["the file has no answer rows"])
    return rows


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ResponsesFileError([f"the file is not UTF-8 text (byte {error.start})"]) from None


def check_header(fieldnames):
    if not fieldnames:
        raise ResponsesFileError(["line 1: the file is empty; it needs a header row"])
    names = [name.strip() for name in fieldnames]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ResponsesFileError([f"line 1: the header has no column {missing[0]!r}"])
    unknown = [n for n in names if n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ResponsesFileError([f"line 1: unknown column {unknown[0]!r}"])
    if len(set(names)) != len(names):
        raise ResponsesFileError(["line 1: a column is named twice"])


def read_row(record: dict, line: int, outline: ModelOutline) -> AnswerRow:
    if None in record:
        raise ValueError("the row has more fields than the header")
    respondent = (record.get("respondent") or "").strip()
    if not respondent:
        raise ValueError("respondent is empty")
    if len(respondent) > 100:
        raise ValueError("respondent is longer than 100 characters")
    question_key = (record.get("question") or "").strip()
    question = outline.questions_by_key.get(question_key)
    if question is None:
        raise ValueError(
            f"question {question_key!r} is not in model {outline.slug} {outline.version}"
        )
    return AnswerRow(
        line=line,
        respondent=respondent,
        question_id=question.id,
        value=read_value(record.get("value"), outline),
        unit=(record.get("unit") or "").strip()[:200],
        role=(record.get("role") or "").strip()[:50],
        comment=(record.get("comment") or "").strip(),
    )


def read_value(raw: str | None, outline: ModelOutline) -> int | None:
    value = (raw or "").strip()
    scale = outline.scale
    if value.upper() in NA_WORDS:
        if not scale.allow_na:
            raise ValueError("value NA is not allowed: the model's scale has no N/A")
        return None
    if not value:
        raise ValueError("value is empty")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"value {value!r} is not a whole number or NA") from None
    if number not in scale.values:
        allowed = ", ".join(str(v) for v, _ in scale.options)
        raise ValueError(f"value {number} is not on the scale ({allowed})")
    return number


def check_once(row: AnswerRow, question_key: str, seen: dict):
    first = seen.setdefault((row.respondent, question_key), row.line)
    if first != row.line:
        raise ValueError(
            f"respondent {row.respondent!r} answers {question_key} again (first on line {first})"
        )


def check_profile(row: AnswerRow, profile: dict):
    """A respondent is one person: one unit and one role across their rows."""
    unit, role, first = profile.setdefault(row.respondent, (row.unit, row.role, row.line))
    if (unit, role) != (row.unit, row.role):
        raise ValueError(
            f"respondent {row.respondent!r} has unit/role {row.unit!r}/{row.role!r} here but "
            f"{unit!r}/{role!r} on line {first}"
        )
