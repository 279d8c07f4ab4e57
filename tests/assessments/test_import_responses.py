"""The responses file (CONTRACT.md section 5): all rows or none, every bad row named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Answer, Campaign, Organization, Response, Unit
from assessments.responses_file import LENGTH_LIMITS, ResponsesFileError
from assessments.services import import_responses
from models_catalog.services import create_new_version, publish, retire

pytestmark = pytest.mark.django_db

HEADER = "respondent,question,value,unit,role,comment\n"
GOOD = HEADER + (
    "r-001,cr-1,3,Sales,employee,\n"
    "r-001,cr-2,NA,Sales,employee,we do not track this\n"
    "r-002,cr-1,4,Ops,manager,\n"
)


def write(tmp_path, text: str, name="answers.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_import(tmp_path, text, *extra, capsys=None):
    call_command(
        "import_responses",
        write(tmp_path, text),
        "--model",
        "small-model",
        "--organization",
        "Acme",
        "--campaign",
        "2026 H2",
        *extra,
    )


def test_import_creates_organization_campaign_units_and_answers(maturity_model, tmp_path, capsys):
    run_import(tmp_path, GOOD, "--target-level", "3")
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    campaign = Campaign.objects.get(pk=int(last_line))
    assert (campaign.organization.name, campaign.name, campaign.target_level) == (
        "Acme",
        "2026 H2",
        3,
    )
    assert sorted(Unit.objects.values_list("name", flat=True)) == ["Ops", "Sales"]
    assert Response.objects.filter(campaign=campaign).count() == 2
    na = Answer.objects.get(response__respondent="r-001", question__key="cr-2")
    assert (na.value, na.comment) == (None, "we do not track this")


def test_optional_columns_may_be_left_out(maturity_model, tmp_path, capsys):
    run_import(tmp_path, "respondent,question,value\nr-1,cr-1,2\n")
    assert Answer.objects.get().value == 2
    assert capsys.readouterr().out.splitlines()[0] == "imported 1 answer from 1 respondent"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("r-003,cr-1,7,,,", "line 5: value 7 is not on the scale (0, 1, 2, 3, 4)"),
        ("r-003,xx-1,2,,,", "line 5: question 'xx-1' is not in model small-model 1.0"),
        ("r-003,cr-1,,,,", "line 5: value is empty"),
        ("r-003,cr-1,high,,,", "line 5: value 'high' is not a whole number or NA"),
        # Python's int() reads "0_3" as 3 (and "1_0" as 10) and digits of other scripts.
        ("r-003,cr-1,0_3,,,", "line 5: value '0_3' is not a whole number or NA"),
        ("r-003,cr-1,\u0663,,,", "line 5: value '\u0663' is not a whole number or NA"),
        ("r-003,cr-1,\uff13,,,", "line 5: value '\uff13' is not a whole number or NA"),
        (",cr-1,2,,,", "line 5: respondent is empty"),
        ("r-001,cr-1,2,Sales,employee,", "line 5: respondent 'r-001' answers cr-1 again"),
        (
            "r-001,mo-1,2,Ops,employee,",
            "line 5: respondent 'r-001' has unit 'Ops' here but 'Sales' on line 2",
        ),
        (
            "r-001,mo-1,2,Ops,boss,",
            "line 5: respondent 'r-001' has unit 'Ops' here but 'Sales' on line 2 "
            "and role 'boss' here but 'employee' on line 2",
        ),
        ("r-002,mo-1,2,,boss,", "line 5: respondent 'r-002' has role 'boss' here but 'manager'"),
        ("r-003,cr-1,2,,,,extra", "line 5: the row has more fields than the header"),
        ("r-003,cr-1,2,,,,,,x", "line 5: the row has more fields than the header"),
        ('r-003,cr-1,2,,,,,"\nx"', "line 5: the row has more fields than the header"),
        ('r-003,cr-1,7,,,"two\nlines"', "line 5: value 7 is not on the scale"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_naming_its_line(maturity_model, tmp_path, row, reason):
    with pytest.raises(CommandError) as error:
        run_import(tmp_path, GOOD + row + "\n")
    assert reason in str(error.value)
    assert "\n" not in str(error.value)
    assert not Organization.objects.exists()
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        # Read loosely, the open quote took the next rows into r-003's comment.
        (
            'r-003,cr-1,2,,,"we never close this\nr-004,cr-1,3,,,\nr-005,cr-1,1,,,\n',
            "line 5: not valid CSV (unexpected end of data)",
        ),
        ('r-003,cr-1,2,,,"quoted" then more\n', "line 5: not valid CSV (',' expected after"),
        (
            "r-003,cr-1,2,,," + "x" * 131_073 + "\n",
            "line 5: a cell holds more than 131,072 characters, more than a responses file",
        ),
    ],
)
def test_csv_that_cannot_be_read_refuses_the_file_naming_its_line(
    maturity_model, tmp_path, rows, reason
):
    with pytest.raises(CommandError) as error:
        run_import(tmp_path, GOOD + rows)
    assert reason in str(error.value)
    assert not Answer.objects.exists()


def test_a_unit_or_role_given_on_one_row_is_the_respondents(campaign):
    # Unit and role are optional: a blank cell says nothing, whichever row gives them.
    import_responses(
        campaign=campaign,
        data=HEADER
        + "r-1,cr-1,3,Sales,employee,\n"
        + "r-1,cr-2,1,,,\n"
        + "r-2,cr-1,3,,,\n"
        + "r-2,cr-2,1,Ops,,\n"
        + "r-2,mo-1,2,,manager,\n"
        + "r-2,sp-1,2,Ops,manager,\n"
        + "r-3,cr-1,0,,,\n",
    )
    assert [
        (response.respondent, response.unit and response.unit.name, response.role)
        for response in Response.objects.select_related("unit").order_by("respondent")
    ] == [("r-1", "Sales", "employee"), ("r-2", "Ops", "manager"), ("r-3", None, "")]
    assert Answer.objects.count() == 7


def test_a_known_respondents_unit_and_role_may_be_left_out_but_not_changed(campaign):
    import_responses(campaign=campaign, data=GOOD)
    import_responses(
        campaign=campaign, data=HEADER + "r-002,mo-1,1,,manager,\nr-002,sp-1,1,Ops,,\n"
    )
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=HEADER + "r-002,sp-2,1,,,\nr-002,cr-2,1,Sales,,\n")
    assert str(error.value) == (
        "line 3: respondent 'r-002' is already in this campaign with unit 'Ops', not 'Sales'"
    )
    assert Response.objects.get(respondent="r-002").answers.count() == 3


@pytest.mark.parametrize(
    "text", [HEADER, "respondent,question,value\r\n", HEADER + "\n\n", HEADER + ",,,,,\n"]
)
def test_a_file_with_a_header_and_no_rows_imports_nothing(maturity_model, tmp_path, capsys, text):
    run_import(tmp_path, text, "--target-level", "3")
    lines = capsys.readouterr().out.strip().splitlines()
    campaign = Campaign.objects.get(pk=int(lines[-1]))
    assert (campaign.organization.name, campaign.name, campaign.target_level) == (
        "Acme",
        "2026 H2",
        3,
    )
    assert lines[:-1] == ["the file has no answer rows; nothing was imported"]
    assert not Response.objects.exists()
    assert not Unit.objects.exists()


def test_a_file_with_no_rows_leaves_an_existing_campaign_as_it_was(campaign):
    import_responses(campaign=campaign, data=GOOD)
    version = Campaign.objects.get(pk=campaign.pk).answers_version

    summary = import_responses(campaign=campaign, data=HEADER)

    assert (summary.respondents, summary.answers) == (0, 0)
    assert Campaign.objects.get(pk=campaign.pk).answers_version == version
    assert Answer.objects.count() == 3


@pytest.mark.parametrize(
    "text",
    [
        "respondent,question,value\nr-1,cr-1,2,\nr-1,cr-2,3,, ,\n",
        HEADER + "r-1,cr-1,2,Sales,employee,fine,,\nr-1,cr-2,3,,,,\n",
    ],
)
def test_empty_fields_after_the_last_column_are_ignored(campaign, text):
    # Spreadsheets export them as trailing commas.
    import_responses(campaign=campaign, data=text)
    assert sorted(Answer.objects.values_list("question__key", "value")) == [
        ("cr-1", 2),
        ("cr-2", 3),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "respondent,question,value,unit,role,comment,",
        "respondent,question,value,unit,role,comment,, ,",
    ],
)
def test_empty_header_names_after_the_last_column_are_ignored(campaign, header):
    # Spreadsheets that export a wider sheet write its empty header cells as commas too.
    import_responses(
        campaign=campaign, data=f"{header}\nr-1,cr-1,2,Sales,employee,fine,\nr-1,cr-2,3,,,\n"
    )
    assert sorted(Answer.objects.values_list("question__key", "value", "comment")) == [
        ("cr-1", 2, "fine"),
        ("cr-2", 3, ""),
    ]
    assert Response.objects.get().unit.name == "Sales"


def test_a_value_under_an_unnamed_last_column_is_refused(campaign):
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data="respondent,question,value,\nr-1,cr-1,2,x\n")
    assert error.value.errors == ["line 2: the row has more fields than the header"]


def test_rows_of_empty_fields_are_skipped_like_blank_lines_and_lines_still_count(campaign):
    data = (
        HEADER
        + ",,,,,\n"  # line 2
        + "r-1,cr-1,2,,,\n"  # line 3
        + ' , ,"",,,\n'  # line 4
        + ",,,\n"  # line 5
        + "r-1,cr-1,3,,,\n"  # line 6
        + "r-2,cr-1,9,,,\n"  # line 7
    )
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=data)
    assert error.value.errors == [
        "line 6: respondent 'r-1' answers cr-1 again (first on line 3)",
        "line 7: value 9 is not on the scale (0, 1, 2, 3, 4)",
    ]
    import_responses(campaign=campaign, data=HEADER + ",,,,,\nr-1,cr-1,2,,,\n,,,,,\n")
    assert list(Answer.objects.values_list("question__key", "value")) == [("cr-1", 2)]


def test_a_row_is_named_by_the_line_it_starts_on(campaign):
    # Quoted comments may span lines; blank lines are lines too.
    data = (
        HEADER
        + 'r-1,cr-1,7,,,"one\ntwo\nthree"\n'  # lines 2-4
        + "r-1,cr-2,9,,,\n"  # line 5
        + 'r-2,cr-1,1,,,"x\r\ny"\r\n'  # lines 6-7
        + "\n"  # line 8
        + "r-2,cr-1,2,,,\n"  # line 9
    )
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=data)
    assert error.value.errors == [
        "line 2: value 7 is not on the scale (0, 1, 2, 3, 4)",
        "line 5: value 9 is not on the scale (0, 1, 2, 3, 4)",
        "line 9: respondent 'r-2' answers cr-1 again (first on line 6)",
    ]


LIMITS = {
    "respondent": Response._meta.get_field("respondent").max_length,
    "unit": Unit._meta.get_field("name").max_length,
    "role": Response._meta.get_field("role").max_length,
}


def row_with(column: str, text: str, respondent="r-1") -> str:
    cells = {"respondent": respondent, "unit": "", "role": ""} | {column: text}
    return f"{cells['respondent']},cr-1,2,{cells['unit']},{cells['role']},\n"


def test_the_length_limits_are_the_model_fields():
    assert LENGTH_LIMITS == LIMITS
    # Any identifier (CONTRACT.md section 5) includes an e-mail address (254 characters).
    assert LIMITS["respondent"] >= 254


@pytest.mark.parametrize("column", LIMITS)
def test_a_respondent_unit_and_role_at_their_limit_are_stored_whole(campaign, column):
    # Characters, not bytes: PostgreSQL's varchar counts characters too.
    text = "名" * LIMITS[column]
    import_responses(campaign=campaign, data=HEADER + row_with(column, f" {text} "))
    response = Response.objects.select_related("unit").get()
    unit = response.unit and response.unit.name
    stored = {"respondent": response.respondent, "unit": unit, "role": response.role}
    assert stored[column] == text


@pytest.mark.parametrize("column", LIMITS)
def test_a_longer_respondent_unit_or_role_is_refused_never_cut(campaign, column):
    limit = LIMITS[column]
    data = HEADER + row_with("unit", "Sales", "r-0") + row_with(column, "x" * (limit + 1))
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=data)
    assert str(error.value) == (
        f"line 3: {column} is {limit + 1} characters long; at most {limit} are allowed"
    )
    assert not Response.objects.exists()
    assert not Unit.objects.exists()


@pytest.mark.parametrize("column", ["respondent", "unit", "role", "comment"])
def test_a_nul_character_is_refused_on_every_database_naming_its_line(campaign, column):
    cells = {"respondent": "r-1", "unit": "Sales", "role": "manager", "comment": "fine"}
    cells[column] = "a\x00b"
    row = f"{cells['respondent']},cr-1,2,{cells['unit']},{cells['role']},{cells['comment']}\n"

    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=HEADER + row)

    # PostgreSQL refuses NUL in text; SQLite would store it.
    assert str(error.value) == f"line 2: {column} contains the NUL character"
    assert not Response.objects.exists()
    assert not Unit.objects.exists()


def test_na_is_refused_when_the_scale_does_not_allow_it(campaign):
    campaign.maturity_model.__class__.objects.filter(pk=campaign.maturity_model_id).update(
        allow_na=False
    )
    campaign.maturity_model.refresh_from_db()
    with pytest.raises(ResponsesFileError, match="line 2: value NA is not allowed"):
        import_responses(campaign=campaign, data=HEADER + "r,cr-1,NA,,,\n")


def test_every_bad_row_is_counted_when_there_are_many(campaign):
    rows = "".join(f"r-{n},cr-1,9,,,\n" for n in range(25))
    with pytest.raises(ResponsesFileError) as error:
        import_responses(campaign=campaign, data=HEADER + rows)
    assert len(error.value.errors) == 25
    assert "(and 15 more bad rows)" in str(error.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "line 1: the file is empty"),
        ("respondent,question\nr,cr-1\n", "line 1: the header has no column 'value'"),
        ("respondent,question,value,team\n", "line 1: unknown column 'team'"),
        ("respondent,question,,value\n", "line 1: column 3 has no name"),
        ("respondent,question,value, ,comment\n", "line 1: column 4 has no name"),
    ],
)
def test_a_bad_header_or_empty_file_is_refused(campaign, text, reason):
    with pytest.raises(ResponsesFileError, match=reason):
        import_responses(campaign=campaign, data=text)


def test_a_file_that_is_not_utf8_is_refused(campaign):
    with pytest.raises(ResponsesFileError, match="not UTF-8"):
        import_responses(campaign=campaign, data=b"respondent,question,value\nr,cr-1,\xff\n")


def test_a_byte_order_mark_is_accepted(campaign):
    import_responses(campaign=campaign, data=("\ufeff" + HEADER + "r,cr-1,1,,,\n").encode())
    assert Answer.objects.count() == 1


def test_answering_a_question_again_in_a_second_file_is_refused(campaign):
    import_responses(campaign=campaign, data=GOOD)
    with pytest.raises(ResponsesFileError, match="has already answered cr-1"):
        import_responses(campaign=campaign, data=HEADER + "r-002,cr-1,1,Ops,manager,\n")
    assert Answer.objects.count() == 3


def test_a_second_file_may_add_answers_to_known_respondents(campaign):
    import_responses(campaign=campaign, data=GOOD)
    import_responses(campaign=campaign, data=HEADER + "r-002,mo-1,1,Ops,manager,\n")
    assert Response.objects.get(respondent="r-002").answers.count() == 2


def test_an_existing_campaign_on_another_model_is_refused(maturity_model, tmp_path):
    run_import(tmp_path, GOOD)
    with pytest.raises(CommandError, match="uses model small-model 1.0"):
        call_command(
            "import_responses",
            write(tmp_path, GOOD),
            "--model",
            "other",
            "--organization",
            "Acme",
            "--campaign",
            "2026 H2",
        )


def test_an_unknown_model_or_target_level_is_a_clear_error(maturity_model, tmp_path):
    with pytest.raises(CommandError, match="model nope does not exist"):
        call_command(
            "import_responses",
            write(tmp_path, GOOD),
            "--model",
            "nope",
            "--organization",
            "Acme",
            "--campaign",
            "X",
        )
    with pytest.raises(CommandError, match="target level 9 is not a level"):
        run_import(tmp_path, GOOD, "--target-level", "9")
    assert not Organization.objects.exists()


@pytest.mark.parametrize("made", ["draft", "retired"])
def test_a_new_campaign_refuses_a_version_that_is_not_published(maturity_model, tmp_path, made):
    version = create_new_version(maturity_model=maturity_model, version="2.0")
    if made == "retired":
        publish(maturity_model=version)
        retire(maturity_model=version)

    with pytest.raises(
        CommandError,
        match=f"^model small-model 2.0 is {made}: a new campaign takes a published version$",
    ):
        run_import(tmp_path, GOOD, "--model-version", "2.0")

    assert not Campaign.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.parametrize("option", ["--organization", "--campaign"])
def test_a_name_longer_than_its_column_is_refused_on_every_database(
    maturity_model, tmp_path, option
):
    names = {"--organization": "Acme", "--campaign": "2026 H2", option: "n" * 201}
    what = option.removeprefix("--")

    with pytest.raises(
        CommandError, match=f"^the {what} name is 201 characters long; at most 200 are allowed$"
    ):
        call_command(
            "import_responses",
            write(tmp_path, GOOD),
            "--model=small-model",
            *(f"{name}={value}" for name, value in names.items()),
        )

    assert not Organization.objects.exists()


def test_names_at_their_column_length_are_stored_whole(maturity_model, tmp_path):
    call_command(
        "import_responses",
        write(tmp_path, GOOD),
        "--model=small-model",
        f"--organization={'o' * 200}",
        f"--campaign={'c' * 200}",
    )

    assert Campaign.objects.get().name == "c" * 200
    assert Campaign.objects.get().organization.name == "o" * 200


def test_a_missing_file_is_a_one_line_error(maturity_model, tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command(
            "import_responses",
            str(tmp_path / "none.csv"),
            "--model",
            "small-model",
            "--organization",
            "Acme",
            "--campaign",
            "X",
        )


def test_a_large_file_is_imported_in_bulk_not_row_by_row(campaign, django_assert_max_num_queries):
    keys = ["cr-1", "cr-2", "mo-1", "sp-1", "sp-2"]
    rows = "".join(
        f"r-{n},{key},{n % 5},Unit {n % 4},employee,\n" for n in range(2000) for key in keys
    )
    # Batched inserts: about one query per few hundred rows, never one per row.
    with django_assert_max_num_queries(100):
        import_responses(campaign=campaign, data=HEADER + rows)
    assert Answer.objects.count() == 10_000
