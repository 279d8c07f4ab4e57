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
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from django.conf import settings

from assessments.anonymity import shown_groups
from assessments.models import Answer, Campaign
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
    """One row per answer, by respondent then in questionnaire order; one query for answers."""
    outline = load_outline(campaign.maturity_model)
    questions = [(area, question) for area in outline.areas for question in area.questions]
    places = {q.id: (order, area, q) for order, (area, q) in enumerate(questions)}
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
    name_of = respondent_names(campaign, answers)
    unit_of, role_of = group_names(campaign, answers)
    ordered = []
    for response_id, respondent, unit, role, question_id, value, comment in answers:
        order, area, question = places[question_id]
        row = AnswerRow(
            respondent=name_of(response_id, respondent),
            unit=unit_of(unit),
            role=role_of(role),
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


def respondent_names(campaign: Campaign, answers):
    """How respondents are named: as they are, or by pseudonym in an anonymous campaign."""
    if not campaign.anonymous:
        return lambda response_id, respondent: respondent
    response_ids = sorted({answer[0] for answer in answers}, key=response_digest)
    pseudonyms = {response_id: f"R{rank:04d}" for rank, response_id in enumerate(response_ids, 1)}
    return lambda response_id, respondent: pseudonyms[response_id]


def response_digest(response_id: int) -> str:
    # Keyed with the secret key: without it the ranking cannot be recomputed.
    message = f"respondent-pseudonym:{response_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def group_names(campaign: Campaign, answers):
    """Unit and role as they are, or blank for groups that could single people out
    (assessments/anonymity.py)."""
    if not campaign.anonymous:
        return (lambda unit: unit or ""), (lambda role: role or "")
    respondents = {answer[0]: answer[2:4] for answer in answers}
    units = Counter(unit for unit, _ in respondents.values() if unit)
    roles = Counter(role for _, role in respondents.values() if role)
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
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in answer_rows(campaign):
        writer.writerow([inert(value) for value in cells(row)])
    return buffer.getvalue()


def answers_xlsx(campaign: Campaign) -> bytes:
    rows = [cells(row) for row in answer_rows(campaign)]
    return xlsx_table("Answers", COLUMNS, rows, COLUMN_WIDTHS)


def xlsx_table(title: str, columns, rows: list[list], widths: dict[str, int]) -> bytes:
    """A workbook of one sheet: a bold, frozen, filterable header, then the rows, their
    text kept as text. XlsxWriter writes row by row in constant memory, at twice
    openpyxl's pace (10,000 respondents' answers: 36 s against 86 s)."""
    if len(rows) + 1 > SHEET_ROWS:
        raise TooManyRowsError(
            f"{len(rows):,} rows do not fit one spreadsheet sheet "
            f"(at most {SHEET_ROWS - 1:,}): download the CSV instead"
        )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet(title)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, widths.get(column, 14))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    sheet.write_row(0, 0, columns, workbook.add_format({"bold": True}))
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for number, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            write_cell(sheet, number, index, value, day)
    workbook.close()
    return buffer.getvalue()


def write_cell(sheet, row: int, column: int, value, day_format):
    # Strings are written as text, always: "=..." in an answer is never run as a formula.
    if isinstance(value, str):
        if value:
            sheet.write_string(row, column, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, day_format)
    elif value is not None:
        sheet.write_number(row, column, value)


def results_json(campaign: Campaign) -> str:
    return json.dumps(results_document(campaign_results(campaign)), indent=2, ensure_ascii=False)
