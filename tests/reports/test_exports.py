import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.results import campaign_results, results_document
from models_catalog.outline import load_outline
from reports import exports
from tests.factories import ResponseFactory, UnitFactory, answer, respond
from tests.reports.conftest import results_document_of

HEADER = [
    "respondent",
    "unit",
    "role",
    "level",
    "process_area",
    "question",
    "question_text",
    "value",
    "comment",
]


def csv_rows(campaign) -> list[dict]:
    return list(csv.DictReader(io.StringIO(exports.answers_csv(campaign))))


def xlsx_rows(campaign) -> list[list]:
    workbook = load_workbook(io.BytesIO(exports.answers_xlsx(campaign)))
    return [list(row) for row in workbook["Answers"].iter_rows(values_only=True)]


def test_csv_has_one_row_per_answer_with_level_area_question_and_value(varied_campaign):
    rows = csv_rows(varied_campaign)

    assert list(rows[0]) == HEADER
    assert len(rows) == 14  # four respondents with three answers each, two with one
    first = next(row for row in rows if row["question"] == "cr-1")
    assert first["level"] == "2"
    assert first["process_area"] == "customer-requirements"
    assert first["question_text"] == "We know who our target customers are."
    assert {row["value"] for row in rows} >= {"NA", "0", "4"}


def test_anonymous_export_replaces_respondents_by_stable_pseudonyms(varied_campaign):
    rows = csv_rows(varied_campaign)

    pseudonyms = sorted({row["respondent"] for row in rows})
    assert pseudonyms == ["R0001", "R0002", "R0003", "R0004", "R0005", "R0006"]
    assert not any(row["respondent"].startswith("r-") for row in rows)
    # The same person keeps the same pseudonym in every export and every format.
    assert csv_rows(varied_campaign) == rows
    xlsx_answers = [(row[0], row[5], str(row[7])) for row in xlsx_rows(varied_campaign)[1:]]
    csv_answers = [(row["respondent"], row["question"], row["value"]) for row in rows]
    assert xlsx_answers == csv_answers


def test_anonymous_export_blanks_units_and_roles_with_too_few_respondents(varied_campaign):
    rows = csv_rows(varied_campaign)

    # Sales, "employee" and "manager" have three respondents (the minimum); Ops has one
    # and Support two: together three, so that Sales does not give them away.
    assert {row["unit"] for row in rows} == {"Sales", ""}
    assert {row["role"] for row in rows} == {"employee", "manager"}
    blanked = [row for row in rows if row["unit"] == ""]
    assert len(blanked) == 5
    assert {row["role"] for row in blanked} == {"manager"}


def test_anonymous_export_blanks_a_large_group_when_the_rest_would_be_given_away(campaign):
    sales = UnitFactory(organization=campaign.organization, name="Sales")
    for value in (4, 3, 2):
        respond(campaign, {"cr-1": value}, unit=sales, role="employee")
    respond(campaign, {"cr-1": 0})  # the one person who named neither unit nor role

    rows = csv_rows(campaign)

    # Sales and "employee" less the whole campaign would be that person's answers.
    assert {row["unit"] for row in rows} == {""}
    assert {row["role"] for row in rows} == {""}


def test_export_of_a_campaign_that_is_not_anonymous_names_respondents_and_groups(
    varied_campaign,
):
    varied_campaign.anonymous = False
    varied_campaign.save()

    rows = csv_rows(varied_campaign)

    assert all(row["respondent"].startswith("r-") for row in rows)
    assert {row["unit"] for row in rows} == {"Sales", "Ops", "Support"}
    assert {row["role"] for row in rows} == {"employee", "manager"}


def test_comments_that_look_like_formulas_stay_text_in_both_formats(campaign):
    unit = UnitFactory(organization=campaign.organization, name="=cmd")
    response = respond(campaign, {}, unit=unit)
    answer(response, "cr-1", 2, comment='=HYPERLINK("http://evil.example","x")')

    row = csv_rows(campaign)[0]
    assert row["comment"] == '\'=HYPERLINK("http://evil.example","x")'
    workbook = load_workbook(io.BytesIO(exports.answers_xlsx(campaign)))
    comment_cell = workbook["Answers"]["I2"]
    assert comment_cell.data_type == "s"
    assert comment_cell.value == '=HYPERLINK("http://evil.example","x")'


def test_xlsx_has_a_bold_frozen_header_and_the_same_rows_as_the_csv(varied_campaign):
    workbook = load_workbook(io.BytesIO(exports.answers_xlsx(varied_campaign)))
    sheet = workbook["Answers"]

    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    values = [row[7] for row in xlsx_rows(varied_campaign)[1:]]
    assert values == [
        int(row["value"]) if row["value"] != "NA" else "NA" for row in csv_rows(varied_campaign)
    ]


def test_results_json_is_the_results_document(varied_campaign):
    assert json.loads(exports.results_json(varied_campaign)) == results_document_of(varied_campaign)
    assert json.loads(exports.results_json(varied_campaign)) == results_document(
        campaign_results(varied_campaign)
    )


def test_exports_of_a_campaign_without_answers_have_just_the_header(campaign):
    assert exports.answers_csv(campaign).splitlines() == [",".join(HEADER)]
    assert xlsx_rows(campaign) == [HEADER]


def test_answer_export_reads_answers_in_one_query_whatever_their_number(
    varied_campaign, django_assert_max_num_queries
):
    for index in range(20):
        respond(varied_campaign, {"cr-1": index % 5, "cr-2": 1, "mo-1": 2, "sp-1": 3})

    # The model's outline (four queries) and the answers (one).
    with django_assert_max_num_queries(5):
        exports.answers_csv(varied_campaign)


@pytest.mark.parametrize(
    ("route", "content_type", "suffix"),
    [
        ("answers_csv", "text/csv; charset=utf-8", "answers.csv"),
        (
            "answers_xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "answers.xlsx",
        ),
        ("results_json", "application/json", "results.json"),
    ],
)
def test_export_routes_download_files_named_after_the_campaign(
    client, consultant, varied_campaign, route, content_type, suffix
):
    client.force_login(consultant)

    response = client.get(reverse(f"reports:{route}", args=[varied_campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'-{suffix}"')


def test_answers_beyond_one_sheets_rows_are_refused_and_the_csv_offered(
    client, consultant, varied_campaign, monkeypatch
):
    monkeypatch.setattr(exports, "SHEET_ROWS", 14)  # the header and 13 of the 14 answers
    client.force_login(consultant)

    refused = client.get(reverse("reports:answers_xlsx", args=[varied_campaign.pk]))
    as_csv = client.get(reverse("reports:answers_csv", args=[varied_campaign.pk]))

    assert refused.status_code == 413
    assert "Content-Disposition" not in refused
    assert "14 rows do not fit one spreadsheet sheet (at most 13)" in refused.content.decode()
    assert as_csv.status_code == 200


def test_answers_that_fill_one_sheet_exactly_are_exported(varied_campaign, monkeypatch):
    monkeypatch.setattr(exports, "SHEET_ROWS", 15)

    assert len(xlsx_rows(varied_campaign)) == 15


# Rows streamed for exports prepared on the queue (reports/export_files.py)


@pytest.mark.parametrize("anonymous", [True, False])
def test_rows_read_a_few_respondents_at_a_time_are_the_rows_read_at_once(
    varied_campaign, anonymous
):
    varied_campaign.anonymous = anonymous
    varied_campaign.save()
    ResponseFactory(campaign=varied_campaign)  # no answers: in neither

    streamed = list(exports.streamed_answer_rows(varied_campaign, respondents_per_query=4))

    assert streamed == exports.answer_rows(varied_campaign)
    assert len(streamed) == 14


def test_streamed_rows_read_answers_once_per_batch_of_respondents(
    varied_campaign, django_assert_num_queries
):
    load_outline(varied_campaign.maturity_model)

    # The respondents, then the answers of six respondents four at a time.
    with django_assert_num_queries(3):
        list(exports.streamed_answer_rows(varied_campaign, respondents_per_query=4))


def test_files_written_row_by_row_are_the_files_built_in_memory(varied_campaign, tmp_path):
    rows = exports.streamed_answer_rows
    with open(tmp_path / "answers.csv", "w", encoding="utf-8", newline="") as out:
        exports.write_answers_csv(rows(varied_campaign), out)
    with open(tmp_path / "answers.xlsx", "wb") as out:
        exports.write_answers_xlsx(rows(varied_campaign), out, workdir=str(tmp_path))

    assert (tmp_path / "answers.csv").read_text("utf-8") == exports.answers_csv(varied_campaign)
    written = load_workbook(tmp_path / "answers.xlsx")["Answers"]
    built = load_workbook(io.BytesIO(exports.answers_xlsx(varied_campaign)))["Answers"]
    assert list(written.iter_rows(values_only=True)) == list(built.iter_rows(values_only=True))
    assert written.auto_filter.ref == built.auto_filter.ref == "A1:I15"
    assert written.freeze_panes == "A2"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["answers.csv", "answers.xlsx"]


def test_a_workbook_written_row_by_row_stops_at_the_row_a_sheet_cannot_hold(
    varied_campaign, monkeypatch
):
    monkeypatch.setattr(exports, "SHEET_ROWS", 3)

    with pytest.raises(exports.TooManyRowsError) as refused:
        exports.write_answers_xlsx(exports.streamed_answer_rows(varied_campaign), io.BytesIO())

    assert str(refused.value) == (
        "more than 2 rows do not fit one spreadsheet sheet: download the CSV instead"
    )
