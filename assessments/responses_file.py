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
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        columns = check_header(next(reader, None))
    except csv.Error as error:
        raise ResponsesFileError([f"line 1: not valid CSV ({error})"]) from None
    values = value_table(outline)
    rows, errors = [], []
    seen: dict[tuple[str, int], int] = {}
    profile: dict[str, tuple[str, str, int]] = {}
    try:
        for cells in reader:
            if not cells:
                continue  # a blank line is no row
            line = reader.line_num
            try:
                row = read_row(cells, columns, line, outline, values)
                check_once(row, seen, outline)
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


def value_table(outline: ModelOutline) -> dict[str, int | None]:
    """The cells that need no further reading: each scale value, and NA when allowed."""
    table: dict[str, int | None] = {str(value): value for value, _ in outline.scale.options}
    if outline.scale.allow_na:
        table.update(dict.fromkeys(NA_WORDS))
    return table


def decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ResponsesFileError([f"the file is not UTF-8 text (byte {error.start})"]) from None


def check_header(header: list[str] | None) -> dict[str, int]:
    """The position of each column, from a header that names the contract's columns."""
    if not header:
        raise ResponsesFileError(["line 1: the file is empty; it needs a header row"])
    names = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ResponsesFileError([f"line 1: the header has no column {missing[0]!r}"])
    unknown = [n for n in names if n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ResponsesFileError([f"line 1: unknown column {unknown[0]!r}"])
    if len(set(names)) != len(names):
        raise ResponsesFileError(["line 1: a column is named twice"])
    return {name: index for index, name in enumerate(names)}


def read_row(
    cells: list[str], columns: dict[str, int], line: int, outline: ModelOutline, values: dict
) -> AnswerRow:
    if len(cells) > len(columns):
        raise ValueError("the row has more fields than the header")

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    respondent = cell("respondent")
    if not respondent:
        raise ValueError("respondent is empty")
    if len(respondent) > 100:
        raise ValueError("respondent is longer than 100 characters")
    question_key = cell("question")
    question = outline.questions_by_key.get(question_key)
    if question is None:
        raise ValueError(
            f"question {question_key!r} is not in model {outline.slug} {outline.version}"
        )
    raw_value = cell("value")
    value = values[raw_value] if raw_value in values else read_value(raw_value, outline)
    return AnswerRow(
        line=line,
        respondent=respondent,
        question_id=question.id,
        value=value,
        unit=cell("unit")[:200],
        role=cell("role")[:50],
        comment=cell("comment"),
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


def check_once(row: AnswerRow, seen: dict, outline: ModelOutline):
    first = seen.setdefault((row.respondent, row.question_id), row.line)
    if first != row.line:
        key = outline.question_keys_by_id[row.question_id]
        raise ValueError(
            f"respondent {row.respondent!r} answers {key} again (first on line {first})"
        )


def check_profile(row: AnswerRow, profile: dict):
    """A respondent is one person: one unit and one role across their rows."""
    unit, role, first = profile.setdefault(row.respondent, (row.unit, row.role, row.line))
    if (unit, role) != (row.unit, row.role):
        raise ValueError(
            f"respondent {row.respondent!r} has unit/role {row.unit!r}/{row.role!r} here but "
            f"{unit!r}/{role!r} on line {first}"
        )
