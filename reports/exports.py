"""Raw material for consultants: every answer as CSV or XLSX, and the results document.

In an anonymous campaign no export links an answer to a person: the respondent becomes a
pseudonym ("R0001") ranked by a keyed hash of the response, so it is the same in every
export yet cannot be traced back to an invitation, an e-mail or the order of answering;
and a unit or role with fewer respondents than the campaign's anonymity minimum is left
blank.
"""

import csv
import hashlib
import hmac
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, TextIO

import xlsxwriter
from django.conf import settings
from django.db.models import Exists, OuterRef

from assessments.anonymity import shown_groups
from assessments.models import Answer, Campaign, Response
from assessments.results import campaign_results, results_document
from models_catalog.outline import load_outline

COLUMNS = (
    "respondent",
    "unit",
    "role",
    "level",
    "process_area",
    "question",
    "question_text",
    "value",
    "comment",
)
NA = "NA"  # as in the responses file (CONTRACT.md section 5)
# A cell starting with one of these is a formula to a spreadsheet program: answers are
# written by anyone with an invitation link, so their text is never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMN_WIDTHS = {"question_text": 60, "comment": 50}
# A spreadsheet program opens at most this many rows of a sheet, the header included.
SHEET_ROWS = 1_048_576
# Answers of this many respondents at a time when the rows are streamed (some 70 answers
# each on the largest shipped model); few enough statements, little memory.
RESPONDENTS_PER_QUERY = 500


class TooManyRowsError(ValueError):
    """The rows would not fit one sheet: a spreadsheet program would cut them short."""


@dataclass(frozen=True)
class AnswerRow:
    respondent: str
    unit: str
    role: str
    level: int
    process_area: str
    question: str
    question_text: str
    value: int | None
    comment: str


def answer_rows(campaign: Campaign) -> list[AnswerRow]:
    """One row per answer, by respondent then in questionnaire order; one query for answers.

    All in memory: for exports built in the request (settings.EXPORT_INLINE_MAX_ANSWERS).
    """
    answers = list(
        Answer.objects.filter(response__campaign=campaign)
        .values_list(
            "response_id",
            "response__respondent",
            "response__unit__name",
            "response__role",
            "question_id",
            "value",
            "comment",
        )
        .order_by()
    )
    sheet = AnswerSheet(campaign, {answer[0]: answer[1:4] for answer in answers})
    return sheet.rows((answer[0], *answer[4:]) for answer in answers)


def streamed_answer_rows(campaign: Campaign, *, respondents_per_query=RESPONDENTS_PER_QUERY):
    """The same rows as `answer_rows`, read a few hundred respondents at a time, so that
    memory holds one batch whatever the campaign's size (exports prepared on the queue)."""
    with_answers = Exists(Answer.objects.filter(response=OuterRef("pk")))
    respondents = Response.objects.filter(with_answers, campaign=campaign).values_list(
        "pk", "respondent", "unit__name", "role"
    )
    sheet = AnswerSheet(
        campaign,
        {pk: (respondent, unit, role) for pk, respondent, unit, role in respondents.order_by()},
    )
    order = sheet.respondent_order()
    for start in range(0, len(order), respondents_per_query):
        answers = Answer.objects.filter(
            response_id__in=order[start : start + respondents_per_query]
        )
        yield from sheet.rows(
            answers.values_list("response_id", "question_id", "value", "comment").order_by()
        )


class AnswerSheet:
    """How one campaign's export names and orders its rows.

    `respondents` maps each response with answers to its identifier, unit name and role.
    """

    def __init__(self, campaign: Campaign, respondents: dict[int, tuple]):
        outline = load_outline(campaign.maturity_model)
        questions = [(area, question) for area in outline.areas for question in area.questions]
        self.places = {q.id: (order, area, q) for order, (area, q) in enumerate(questions)}
        self.respondents = respondents
        self.name_of = respondent_names(campaign, respondents)
        self.unit_of, self.role_of = group_names(campaign, respondents)

    def respondent_order(self) -> list[int]:
        """Response ids in the order of the export's rows."""
        return sorted(self.respondents, key=self.name_of)

    def rows(self, answers) -> list[AnswerRow]:
        """Rows of (response id, question id, value, comment) answers, in export order."""
        ordered = []
        for response_id, question_id, value, comment in answers:
            _, unit, role = self.respondents[response_id]
            order, area, question = self.places[question_id]
            row = AnswerRow(
                respondent=self.name_of(response_id),
                unit=self.unit_of(unit),
                role=self.role_of(role),
                level=area.level_number,
                process_area=area.key,
                question=question.key,
                question_text=question.text,
                value=value,
                comment=comment,
            )
            ordered.append(((row.respondent, order), row))
        ordered.sort(key=lambda pair: pair[0])
        return [row for _, row in ordered]


def respondent_names(campaign: Campaign, respondents: dict[int, tuple]):
    """How respondents are named: as they are, or by pseudonym in an anonymous campaign."""
    if not campaign.anonymous:
        return lambda response_id: respondents[response_id][0]
    response_ids = sorted(respondents, key=response_digest)
    pseudonyms = {response_id: f"R{rank:04d}" for rank, response_id in enumerate(response_ids, 1)}
    return pseudonyms.__getitem__


def response_digest(response_id: int) -> str:
    # Keyed with the secret key: without it the ranking cannot be recomputed.
    message = f"respondent-pseudonym:{response_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def group_names(campaign: Campaign, respondents: dict[int, tuple]):
    """Unit and role as they are, or blank for groups that could single people out
    (assessments/anonymity.py)."""
    if not campaign.anonymous:
        return (lambda unit: unit or ""), (lambda role: role or "")
    units = Counter(unit for _, unit, _ in respondents.values() if unit)
    roles = Counter(role for _, _, role in respondents.values() if role)
    minimum = campaign.anonymity_minimum
    shown_units = shown_groups(units, respondents=len(respondents), minimum=minimum)
    shown_roles = shown_groups(roles, respondents=len(respondents), minimum=minimum)

    def unit_of(unit):
        return unit if unit in shown_units else ""

    def role_of(role):
        return role if role in shown_roles else ""

    return unit_of, role_of


def cells(row: AnswerRow) -> list:
    return [
        row.respondent,
        row.unit,
        row.role,
        row.level,
        row.process_area,
        row.question,
        row.question_text,
        NA if row.value is None else row.value,
        row.comment,
    ]


def inert(value):
    """Text a spreadsheet program shows as it is, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def answers_csv(campaign: Campaign) -> str:
    buffer = io.StringIO()
    write_answers_csv(answer_rows(campaign), buffer)
    return buffer.getvalue()


def write_answers_csv(rows: Iterable[AnswerRow], out: TextIO):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([inert(value) for value in cells(row)])


def answers_xlsx(campaign: Campaign) -> bytes:
    rows = [cells(row) for row in answer_rows(campaign)]
    return xlsx_table("Answers", COLUMNS, rows, COLUMN_WIDTHS)


def write_answers_xlsx(rows: Iterable[AnswerRow], out: BinaryIO, *, workdir: str | None = None):
    """The workbook written into `out` row by row; XlsxWriter keeps the rows it has
    written in a file of `workdir` (the system's temporary directory by default)."""
    cell_rows = (cells(row) for row in rows)
    write_xlsx_table(out, "Answers", COLUMNS, cell_rows, COLUMN_WIDTHS, workdir=workdir)


def refuse_beyond_one_sheet(rows: int):
    """Raise TooManyRowsError when `rows` rows and a header do not fit one sheet."""
    if rows + 1 > SHEET_ROWS:
        raise TooManyRowsError(
            f"{rows:,} rows do not fit one spreadsheet sheet "
            f"(at most {SHEET_ROWS - 1:,}): download the CSV instead"
        )


def xlsx_table(title: str, columns, rows: list[list], widths: dict[str, int]) -> bytes:
    refuse_beyond_one_sheet(len(rows))
    buffer = io.BytesIO()
    write_xlsx_table(buffer, title, columns, rows, widths)
    return buffer.getvalue()


def write_xlsx_table(out, title: str, columns, rows: Iterable[list], widths, *, workdir=None):
    """A workbook of one sheet: a bold, frozen, filterable header, then the rows, their
    text kept as text. XlsxWriter writes row by row in constant memory, at twice
    openpyxl's pace (10,000 respondents' answers: 36 s against 86 s)."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": workdir})
    sheet = workbook.add_worksheet(title)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, widths.get(column, 14))
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, columns, workbook.add_format({"bold": True}))
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    number = 0
    for number, row in enumerate(rows, 1):
        if number >= SHEET_ROWS:  # the rows grew since they were counted
            raise TooManyRowsError(
                f"more than {SHEET_ROWS - 1:,} rows do not fit one spreadsheet sheet: "
                "download the CSV instead"
            )
        for index, value in enumerate(row):
            write_cell(sheet, number, index, value, day)
    sheet.autofilter(0, 0, number, len(columns) - 1)
    workbook.close()


def write_cell(sheet, row: int, column: int, value, day_format):
    # Strings are written as text, always: "=..." in an answer is never run as a formula.
    if isinstance(value, str):
        if value:
            sheet.write_string(row, column, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, day_format)
    elif value is not None:
        sheet.write_number(row, column, value)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Per kind of answer export: the file built in memory, its content type, its name's end.
ANSWER_FILES = {
    "csv": (answers_csv, "text/csv; charset=utf-8", "answers.csv"),
    "xlsx": (answers_xlsx, XLSX_TYPE, "answers.xlsx"),
}


def results_json(campaign: Campaign) -> str:
    return json.dumps(results_document(campaign_results(campaign)), indent=2, ensure_ascii=False)
