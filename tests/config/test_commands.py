"""The commands of CONTRACT.md section 2 as a user's script runs them: bad input is one
line on stderr and a non-zero exit, never a usage block or a traceback, and the database
is left exactly as it was."""

import io
import json
import sqlite3
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from models_catalog.services import SHIPPED_DIR, load_shipped_models
from tests.config.processes import ROOT, environment, manage
from tests.factories import model_document

BAD_TEXT = "Soci\udce9t\udce9"  # "Société" typed on a Latin-1 terminal


@pytest.fixture(scope="module")
def product(tmp_path_factory) -> dict:
    """A migrated SQLite file with the shipped models and one campaign (its id under
    "campaign"), files to feed the commands, and the environment that points at it."""
    folder = tmp_path_factory.mktemp("product")
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    (folder / "no-rows.csv").write_text("respondent,question,value\n")
    (folder / "binary.dat").write_bytes(b"\x00\xff\xfe\x89PNG")
    (folder / "a-folder").mkdir()
    for command in (["migrate", "--noinput"], ["load_models"]):
        assert manage(*command, **env).returncode == 0
    created = manage(
        "import_responses",
        str(folder / "no-rows.csv"),
        "--model=cx-journey",
        "--organization=Acme",
        "--campaign=2026",
        **env,
    )
    assert created.returncode == 0, created.stderr
    return {"env": env, "folder": folder, "campaign": created.stdout.split()[-1]}


def database_dump(env: dict) -> list[str]:
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        return list(db.iterdump())


def arguments(product: dict, *args: str) -> list[str]:
    """The arguments with {folder} and {campaign} filled in."""
    return [arg.format(folder=product["folder"], campaign=product["campaign"]) for arg in args]


RESPONSES = ("--model=cx-journey", "--organization=Acme", "--campaign=2026")

BAD_INPUT = {
    "a missing model file": ("import_model", "{folder}/missing.json"),
    "a binary model file": ("import_model", "{folder}/binary.dat"),
    "a folder as the model file": ("import_model", "{folder}/a-folder"),
    "an unknown slug to export": ("export_model", "no-such-model"),
    "a slug that is no slug": ("export_model", "Not A Slug!"),
    "a slug with line breaks": ("export_model", "a\nb\u2028c"),
    "a model with a line break for responses": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx\r\njourney",
        "--organization=Initech",
        "--campaign=New",
    ),
    "an unknown version to export": ("export_model", "cx-journey", "--model-version=9.9"),
    "an empty version to export": ("export_model", "cx-journey", "--model-version="),
    "export without a slug": ("export_model",),
    "a missing responses file": ("import_responses", "{folder}/missing.csv", *RESPONSES),
    "a binary responses file": ("import_responses", "{folder}/binary.dat", *RESPONSES),
    "a folder as the responses file": ("import_responses", "{folder}/a-folder", *RESPONSES),
    "an unknown model for responses": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=no-such-model",
        "--organization=Initech",
        "--campaign=New",
    ),
    "an unknown version for responses": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        "--model-version=9.9",
        "--organization=Initech",
        "--campaign=New",
    ),
    "an empty version for responses": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        "--model-version=",
        "--organization=Initech",
        "--campaign=New",
    ),
    "a target level that is no number": (
        "import_responses",
        "{folder}/no-rows.csv",
        *RESPONSES,
        "--target-level=top",
    ),
    "a target level the model lacks": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        "--organization=Initech",
        "--campaign=New",
        "--target-level=9",
    ),
    "an organization name too long to store": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        f"--organization={'n' * 201}",
        "--campaign=New",
    ),
    "an organization name that is not UTF-8": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        f"--organization={BAD_TEXT}",
        "--campaign=New",
    ),
    "invitations for an unknown campaign": ("create_invitations", "99999", "--count=2"),
    "invitations for a campaign id that is no number": ("create_invitations", "x", "--count=2"),
    "a count that is no number": ("create_invitations", "{campaign}", "--count=many"),
    "a count of none": ("create_invitations", "{campaign}", "--count=0"),
    "a count past any integer": ("create_invitations", "{campaign}", f"--count={10**20}"),
    "a unit name too long to store": (
        "create_invitations",
        "{campaign}",
        "--count=2",
        f"--unit={'u' * 201}",
    ),
    "an unknown role": ("add_member", "bob", "--organization=Acme", "--role=boss"),
    "a member of an unknown organization": (
        "add_member",
        "bob",
        "--organization=Nowhere",
        "--role=executive",
    ),
    "a username that is not UTF-8": (
        "add_member",
        BAD_TEXT,
        "--organization=Acme",
        "--role=executive",
        "--password=a-long-pass-2026",
    ),
    "results of an unknown campaign": ("campaign_results", "99999", "--json"),
    "results of a campaign id that is no number": ("campaign_results", "x", "--json"),
    "results without --json": ("campaign_results", "{campaign}"),
    "a report of an unknown campaign": ("render_report", "99999", "--out={folder}/r.pdf"),
    "a report of a campaign id that is no number": ("render_report", "x", "--out=r.pdf"),
    "a report into a missing folder": (
        "render_report",
        "{campaign}",
        "--out={folder}/missing/r.pdf",
    ),
    "a report over a folder": ("render_report", "{campaign}", "--out={folder}/a-folder"),
    "a report into a folder not made yet": ("render_report", "{campaign}", "--out={folder}/new/"),
    "an organization name of two lines": (
        "import_responses",
        "{folder}/no-rows.csv",
        "--model=cx-journey",
        "--organization=Multi\nLine",
        "--campaign=New",
    ),
    "a unit name of two lines": ("create_invitations", "{campaign}", "--count=2", "--unit=A\nB"),
    "an unknown option to the demo": ("load_demo", "--everything"),
}


@pytest.mark.parametrize("command", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_on_stderr_and_changes_nothing(product, command):
    before = database_dump(product["env"])

    result = manage(*arguments(product, *command), **product["env"])

    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert database_dump(product["env"]) == before


def test_a_report_named_as_a_folder_is_refused_before_anything_is_written(product):
    result = manage(
        *arguments(product, "render_report", "{campaign}", "--out={folder}/new/"), **product["env"]
    )

    assert result.stderr.endswith(
        "'{}/new/' names a folder; give the PDF file's name\n".format(product["folder"])
    )
    assert not (product["folder"] / "new").exists()


# An older release's models: the first shipped model edited and unused, the second edited
# and in use by a campaign, which freezes it.
OLDER_RELEASE = """
from models_catalog.models import MaturityModel, Question
from tests.factories import CampaignFactory
Question.objects.filter(maturity_model__slug="smart-customer-management").update(weight=3)
Question.objects.filter(maturity_model__slug="cx-journey").update(weight=2)
CampaignFactory(maturity_model=MaturityModel.objects.get(slug="cx-journey"))
"""


def test_load_models_refused_by_one_file_is_one_line_naming_it_and_loads_no_other(tmp_path):
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for command in (["migrate", "--noinput"], ["load_models"], ["shell", "-c", OLDER_RELEASE]):
        assert manage(*command, **env).returncode == 0
    before = database_dump(env)

    result = manage("load_models", **env)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"CommandError: {SHIPPED_DIR / 'cx-journey.json'}: version: cx-journey 1.0 is used by "
        "campaigns and is frozen; give the changed file a new version"
    ]
    assert database_dump(env) == before


# One command of each kind: reading the catalogue, reading a campaign, writing.
ON_A_DATABASE_NOT_READY = {
    "export_model": ("export_model", "cx-journey"),
    "campaign_results": ("campaign_results", "1", "--json"),
    "load_models": ("load_models",),
    "add_member": ("add_member", "bob", "--organization=Acme", "--role=executive"),
}


@pytest.mark.parametrize("command", ON_A_DATABASE_NOT_READY.values(), ids=ON_A_DATABASE_NOT_READY)
def test_a_database_not_migrated_is_one_line_saying_to_migrate(tmp_path, command):
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    result = manage(*command, **env)

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("CommandError: the database is not set up: ")
    assert "run python manage.py migrate (no such table: " in result.stderr


@pytest.mark.parametrize("command", ON_A_DATABASE_NOT_READY.values(), ids=ON_A_DATABASE_NOT_READY)
def test_a_database_out_of_reach_is_one_line_saying_so(tmp_path, command):
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"}

    result = manage(*command, **env)

    assert result.returncode == 1
    assert result.stderr == (
        "CommandError: cannot reach the database (unable to open database file)\n"
    )


def test_a_mistake_in_the_arguments_names_the_argument_without_the_usage(product):
    result = manage("campaign_results", "seven", "--json", **product["env"])

    assert result.returncode == 2
    assert result.stderr == (
        "manage.py campaign_results: error: argument campaign_id: invalid int value: 'seven'\n"
    )


def test_text_that_is_not_utf8_is_refused_naming_the_argument(product):
    result = manage(
        "import_responses",
        *arguments(product, "{folder}/no-rows.csv"),
        "--model=cx-journey",
        f"--organization={BAD_TEXT}",
        "--campaign=New",
        **product["env"],
    )

    assert result.stderr == (
        "manage.py import_responses: error: argument --organization: "
        "'Soci\\udce9t\\udce9' is not UTF-8 text\n"
    )


def test_text_that_is_not_utf8_names_the_option_that_shares_a_name_with_djangos_own(product):
    # --model-version keeps its value under "version", as Django's --version flag does.
    result = manage("export_model", "cx-journey", f"--model-version={BAD_TEXT}", **product["env"])

    assert result.stderr == (
        "manage.py export_model: error: argument --model-version: "
        "'Soci\\udce9t\\udce9' is not UTF-8 text\n"
    )


def test_a_command_started_with_its_output_closed_is_one_line_and_changes_nothing(product):
    before = database_dump(product["env"])
    (product["folder"] / "closed.json").write_text(json.dumps(model_document(slug="closed")))

    closed = ["sh", "-c", 'exec "$@" >&-', "sh"]  # no standard output at all, as `>&-`
    result = subprocess.run(
        [
            *closed,
            sys.executable,
            "manage.py",
            "import_model",
            str(product["folder"] / "closed.json"),
        ],
        cwd=ROOT,
        env=environment(**product["env"]),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )

    assert (result.returncode, result.stderr) == (
        1,
        "CommandError: cannot write the output (standard output is closed)\n",
    )
    assert database_dump(product["env"]) == before


def test_help_still_shows_the_usage(product):
    result = manage("create_invitations", "--help", **product["env"])

    assert result.returncode == 0
    assert "usage: manage.py create_invitations" in result.stdout


class FullDisk(io.StringIO):
    def write(self, text):
        raise OSError(28, "No space left on device")


def test_output_that_cannot_be_written_is_a_one_line_error(db):
    call_command("load_models", verbosity=0)

    with pytest.raises(
        CommandError, match=r"^cannot write the output \(No space left on device\)$"
    ):
        call_command("export_model", "cx-journey", stdout=FullDisk())


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


# What each command writes when it succeeds, next to the conftest's campaign (small model).
WRITING_COMMANDS = {
    "load_models": (),
    "import_model": ("{folder}/model.json",),
    "import_responses": (
        "{folder}/answers.csv",
        "--model=small-model",
        "--organization=Initech",
        "--campaign=2026",
    ),
    "create_invitations": ("{campaign}", "--count=3", "--unit=Sales"),
    "add_member": (
        "ada",
        "--organization={organization}",
        "--role=consultant",
        "--password=a-long-pass-2026",
    ),
    "load_demo": (),
}


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_a_command_whose_output_cannot_be_written_changes_nothing(campaign, tmp_path, command):
    (tmp_path / "model.json").write_text(json.dumps(model_document(slug="another-model")))
    (tmp_path / "answers.csv").write_text("respondent,question,value,unit\nr-1,cr-1,3,Sales\n")
    if command == "load_demo":
        load_shipped_models()
    before = row_counts()
    args = [
        arg.format(folder=tmp_path, campaign=campaign.pk, organization=campaign.organization.name)
        for arg in WRITING_COMMANDS[command]
    ]

    with pytest.raises(CommandError, match="^cannot write the output"):
        call_command(command, *args, stdout=FullDisk())

    assert row_counts() == before
