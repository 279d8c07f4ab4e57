"""Reading the responses file (CONTRACT.md section 5): every row checked before any write.

Any bad row refuses the whole file; the error names each bad row's line (the line it
starts on, when a quoted comment spans several) and reason (the first few, then how many
more). A file with a header and no rows has no bad row: it is read as no answers.
Spreadsheets write empty cells as commas: empty header names after the last named column,
empty fields after the last column and rows of empty fields say nothing and are ignored.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from assessments.models import Response, Unit
from models_catalog.outline import ModelOutline

REQUIRED_COLUMNS = ("respondent", "question", "value")
OPTIONAL_COLUMNS = ("unit", "role", "comment")
# The columns a respondent has once, whichever of their rows gives them.
PROFILE_COLUMNS = ("unit", "role")
NA_WORDS = {"NA", "N/A"}
# A scale value as people write it; int() alone also reads "1_0" as 10, and "٣" as 3.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
ERRORS_SHOWN = 10
# The longest cell each stored column holds, from the fields it is stored in: a longer
# one is refused, never cut.
LENGTH_LIMITS = {
    "respondent": Response._meta.get_field("respondent").max_length,
    "unit": Unit._meta.get_field("name").max_length,
    "role": Response._meta.get_field("role").max_length,
}


class ResponsesFileError(ValueError):
    """A responses file that cannot be imported; nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = "; ".join(errors[:ERRORS_SHOWN])
        more = len(errors) - ERRORS_SHOWN
        super().__init__(shown + (f" (and {more} more bad rows)" if more > 0 else ""))


@dataclass(frozen=True)
class AnswerRow:
    line: int  # where the row starts
    respondent: str
    question_id: int
    value: int | None  # None is N/A
    comment: str


@dataclass
class Profile:
    """A respondent's unit and role: the value any of their rows gives (a blank cell
    gives none), with the line that first gave it."""

    given: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return self.given.get("unit", ("", 0))[0]

    @property
    def role(self) -> str:
        return self.given.get("role", ("", 0))[0]


@dataclass(frozen=True)
class ResponsesFile:
    rows: list[AnswerRow]
    respondents: dict[str, Profile]  # in the order of their first rows


def read_responses_file(data: bytes | str, outline: ModelOutline) -> ResponsesFile:
    # Strict: a quote left open would otherwise take every later row into one comment.
    reader = csv.reader(io.StringIO(decode(data), newline=""), strict=True)
    try:
        columns = check_header(next(reader, None))
    except csv.Error as error:
        raise ResponsesFileError([f"line 1: {csv_problem(error)}"]) from None
    values = value_table(outline)
    rows, errors = [], []
    seen: dict[tuple[str, int], int] = {}
    profiles: dict[str, Profile] = {}
    line = reader.line_num + 1  # where the next row starts
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):  # a blank line or `,,,,,` is no row
                try:
                    row, given = read_row(cells, columns, line, outline, values)
                    check_once(row, seen, outline)
                    check_profile(row, given, profiles)
                except ValueError as error:
                    errors.append(f"line {line}: {error}")
                else:
                    rows.append(row)
            line = reader.line_num + 1
    except csv.Error as error:
        errors.append(f"line {line}: {csv_problem(error)}")
    if errors:
        raise ResponsesFileError(errors)
    return ResponsesFile(rows=rows, respondents=profiles)


def csv_problem(error: csv.Error) -> str:
    """What Python's CSV reader found, in words a person can act on where it has some."""
    if str(error).startswith("field larger than field limit"):
        return (
            f"a cell holds more than {csv.field_size_limit():,} characters, more than a "
            "responses file may hold (is a quote left open?)"
        )
    return f"not valid CSV ({error})"


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
    while names and not names[-1]:
        names.pop()
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ResponsesFileError([f"line 1: the header has no column {missing[0]!r}"])
    if "" in names:
        raise ResponsesFileError([f"line 1: column {names.index('') + 1} has no name"])
    unknown = [n for n in names if n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ResponsesFileError([f"line 1: unknown column {unknown[0]!r}"])
    if len(set(names)) != len(names):
        raise ResponsesFileError(["line 1: a column is named twice"])
    return {name: index for index, name in enumerate(names)}


def read_row(
    cells: list[str], columns: dict[str, int], line: int, outline: ModelOutline, values: dict
) -> tuple[AnswerRow, dict[str, str]]:
    """The row's answer, and the unit and role it gives (blank: not given here)."""
    # Spreadsheets write empty cells after the last column; anything else there is an error.
    if len(cells) > len(columns) and any(extra.strip() for extra in cells[len(columns) :]):
        raise ValueError("the row has more fields than the header")

    def cell(name: str) -> str:
        index = columns.get(name)
        text = cells[index].strip() if index is not None and index < len(cells) else ""
        if "\x00" in text:
            # PostgreSQL refuses NUL in text, where SQLite would store it.
            raise ValueError(f"{name} contains the NUL character")
        limit = LENGTH_LIMITS.get(name)
        if limit is not None and len(text) > limit:
            raise ValueError(f"{name} is {len(text)} characters long; at most {limit} are allowed")
        return text

    respondent = cell("respondent")
    if not respondent:
        raise ValueError("respondent is empty")
    question_key = cell("question")
    question = outline.questions_by_key.get(question_key)
    if question is None:
        raise ValueError(
            f"question {question_key!r} is not in model {outline.slug} {outline.version}"
        )
    raw_value = cell("value")
    value = values[raw_value] if raw_value in values else read_value(raw_value, outline)
    row = AnswerRow(
        line=line,
        respondent=respondent,
        question_id=question.id,
        value=value,
        comment=cell("comment"),
    )
    return row, {name: cell(name) for name in PROFILE_COLUMNS}


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
        number = int(value) if WHOLE_NUMBER.fullmatch(value) else None
    except ValueError:  # more digits than int() reads
        number = None
    if number is None:
        raise ValueError(f"value {value!r} is not a whole number or NA")
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


def check_profile(row: AnswerRow, given: dict[str, str], profiles: dict[str, Profile]):
    """A respondent is one person: one unit and one role, given on any of their rows.

    A blank cell gives nothing; two different values for the same respondent refuse the
    row."""
    profile = profiles.setdefault(row.respondent, Profile())
    clashes = []
    for name, value in given.items():
        earlier = profile.given.get(name)
        if value and earlier and earlier[0] != value:
            clashes.append(f"{name} {value!r} here but {earlier[0]!r} on line {earlier[1]}")
    if clashes:
        raise ValueError(f"respondent {row.respondent!r} has " + " and ".join(clashes))
    for name, value in given.items():
        if value:
            profile.given.setdefault(name, (value, row.line))
