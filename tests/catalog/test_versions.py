"""Versions: frozen once used, copied to edit, newest published version by default."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from models_catalog import services
from models_catalog.export import export_document
from models_catalog.file_format import ModelFileError
from models_catalog.models import Level, MaturityModel, ProcessArea, Question
from models_catalog.selectors import UnknownModelError, resolve_model
from models_catalog.services import (
    SHIPPED_DIR,
    SHIPPED_SLUGS,
    ModelInUseError,
    create_new_version,
    import_model_file,
    load_shipped_models,
    publish,
)
from models_catalog.versions import next_version, version_key
from tests.factories import SMALL_MODEL, CampaignFactory, import_document, model_document

pytestmark = pytest.mark.django_db


def test_loading_the_shipped_models_twice_adds_nothing():
    load_shipped_models()
    counts = (MaturityModel.objects.count(), Question.objects.count())
    assert [changed for _, changed in load_shipped_models()] == [False, False, False]
    assert (MaturityModel.objects.count(), Question.objects.count()) == counts


def test_the_shipped_models_have_the_contract_slugs_and_level_counts():
    call_command("load_models", verbosity=0)
    levels = {slug: resolve_model(slug).levels.count() for slug in SHIPPED_SLUGS}
    assert levels == {
        "smart-customer-management": 5,
        "cx-journey": 6,
        "customer-centricity-stages": 4,
    }


def test_every_shipped_process_area_has_a_recommendation_and_questions():
    load_shipped_models()
    for area in ProcessArea.objects.all():
        assert area.recommendation.strip(), area.key
        assert area.questions.exists(), area.key


def test_reimporting_a_used_version_with_changes_is_refused():
    maturity_model = import_document(SMALL_MODEL)
    CampaignFactory(maturity_model=maturity_model)
    changed = model_document(name="Renamed")
    with pytest.raises(ModelInUseError, match="frozen"):
        import_model_file(json.dumps(changed))
    maturity_model.refresh_from_db()
    assert maturity_model.name == "Small test model"


def ship_changed_files(tmp_path, monkeypatch, **changes):
    """The shipped files as a later release might ship them: `changes` maps a slug (with _
    for -) to a function that edits its document."""
    for slug in SHIPPED_SLUGS:
        document = json.loads((SHIPPED_DIR / f"{slug}.json").read_text())
        changes.get(slug.replace("-", "_"), lambda document: None)(document)
        (tmp_path / f"{slug}.json").write_text(json.dumps(document))
    monkeypatch.setattr(services, "SHIPPED_DIR", tmp_path)


def reweigh_a_question(document: dict):
    document["levels"][1]["process_areas"][0]["questions"][0]["weight"] = 5


def test_load_models_says_what_it_loaded_and_then_that_nothing_changed():
    first, second = io.StringIO(), io.StringIO()

    call_command("load_models", stdout=first)
    call_command("load_models", stdout=second)

    assert first.getvalue().splitlines() == [f"{slug} 1.0 loaded" for slug in SHIPPED_SLUGS]
    assert second.getvalue().splitlines() == [f"{slug} 1.0 unchanged" for slug in SHIPPED_SLUGS]


def test_load_models_refuses_a_changed_shipped_file_over_a_version_in_use(tmp_path, monkeypatch):
    call_command("load_models", verbosity=0)
    used = resolve_model("cx-journey")
    CampaignFactory(maturity_model=used)
    ship_changed_files(tmp_path, monkeypatch, cx_journey=reweigh_a_question)

    with pytest.raises(
        CommandError,
        match=rf"^{re.escape(str(tmp_path / 'cx-journey.json'))}: version: cx-journey "
        rf"{used.version} is used by campaigns and is frozen",
    ):
        call_command("load_models", verbosity=0)

    assert export_document(MaturityModel.objects.get(pk=used.pk)) == export_document(used)


def test_load_models_loads_no_file_when_a_later_one_is_refused(tmp_path, monkeypatch):
    call_command("load_models", verbosity=0)
    CampaignFactory(maturity_model=resolve_model("cx-journey"))
    unused = resolve_model("smart-customer-management")

    def rename(document: dict):
        document["name"] = "Renamed in a later release"

    ship_changed_files(
        tmp_path, monkeypatch, smart_customer_management=rename, cx_journey=reweigh_a_question
    )

    with pytest.raises(CommandError, match="cx-journey"):
        call_command("load_models", verbosity=0)

    # The first file alone would be taken (its version is in no campaign), but not this time.
    assert MaturityModel.objects.get(pk=unused.pk).name == unused.name


def test_load_models_names_a_shipped_file_it_cannot_read(tmp_path, monkeypatch):
    ship_changed_files(tmp_path, monkeypatch)
    (tmp_path / "cx-journey.json").unlink()

    missing = re.escape(str(tmp_path / "cx-journey.json"))
    with pytest.raises(CommandError, match=rf"^{missing}: cannot read the file \(No such file"):
        call_command("load_models", verbosity=0)

    assert not MaturityModel.objects.exists()


def test_reimporting_a_used_version_unchanged_is_a_no_op():
    maturity_model = import_document(SMALL_MODEL)
    CampaignFactory(maturity_model=maturity_model)
    again, changed = import_model_file(json.dumps(SMALL_MODEL))
    assert (again.pk, changed) == (maturity_model.pk, False)


@pytest.mark.parametrize("number", [10**23, 2**53 + 1])
def test_reimporting_a_used_version_with_an_integer_no_float_holds_is_a_no_op(number):
    # The weight is stored as the nearest float; the file read again says the same.
    document = model_document()
    document["levels"][1]["process_areas"][0]["questions"][0]["weight"] = number
    maturity_model = import_document(document)
    CampaignFactory(maturity_model=maturity_model)
    again, changed = import_model_file(json.dumps(document))
    assert (again.pk, changed) == (maturity_model.pk, False)


def levels_in_reverse(document: dict) -> dict:
    return {**document, "levels": document["levels"][::-1]}


def test_reimporting_a_used_version_with_its_levels_listed_out_of_order_is_a_no_op():
    reversed_levels = levels_in_reverse(model_document())
    maturity_model = import_document(reversed_levels)
    CampaignFactory(maturity_model=maturity_model)
    for document in (reversed_levels, SMALL_MODEL):
        again, changed = import_model_file(json.dumps(document))
        assert (again.pk, changed) == (maturity_model.pk, False)


def test_a_change_in_a_file_listing_levels_out_of_order_is_still_refused_on_a_used_version():
    maturity_model = import_document(levels_in_reverse(model_document()))
    CampaignFactory(maturity_model=maturity_model)
    changed = levels_in_reverse(model_document())
    changed["levels"][0]["name"] = "Renamed"
    with pytest.raises(ModelInUseError, match="frozen"):
        import_model_file(json.dumps(changed))


def test_the_same_file_with_levels_out_of_order_imports_again_after_responses(tmp_path, capsys):
    model_file = tmp_path / "model.json"
    model_file.write_text(json.dumps(levels_in_reverse(model_document())))
    responses = tmp_path / "answers.csv"
    responses.write_text("respondent,question,value\nr1,cr-1,4\nr1,sp-1,2\nr2,mo-1,0\n")
    call_command("import_model", str(model_file))
    call_command(
        "import_responses",
        str(responses),
        "--model",
        "small-model",
        "--organization",
        "Acme",
        "--campaign",
        "2026 H2",
    )
    call_command("import_model", str(model_file))
    assert capsys.readouterr().out.splitlines()[-1] == "small-model 1.0"
    _, changed = import_model_file(model_file.read_bytes())
    assert not changed
    call_command("export_model", "small-model")
    exported = json.loads(capsys.readouterr().out)
    assert [level["number"] for level in exported["levels"]] == [1, 2, 3]


def test_a_used_version_takes_the_same_content_with_null_for_a_missing_key():
    maturity_model = import_document(SMALL_MODEL)
    CampaignFactory(maturity_model=maturity_model)
    document = model_document()
    question = document["levels"][2]["process_areas"][0]["questions"][0]
    assert "weight" not in question
    question["weight"] = None
    again, changed = import_model_file(json.dumps(document))
    assert (again.pk, changed) == (maturity_model.pk, True)
    assert export_document(again) == document
    assert import_model_file(json.dumps(document))[1] is False


def test_reimporting_an_unused_version_replaces_its_contents():
    import_document(SMALL_MODEL)
    document = model_document()
    document["levels"][2]["process_areas"][0]["questions"].pop()
    maturity_model, changed = import_model_file(json.dumps(document))
    assert changed
    assert not maturity_model.questions.filter(key="sp-2").exists()


def test_a_new_version_is_an_editable_draft_and_old_campaigns_keep_theirs():
    original = import_document(SMALL_MODEL)
    campaign = CampaignFactory(maturity_model=original)
    copy = create_new_version(maturity_model=original)
    assert (copy.version, copy.status) == ("1.1", MaturityModel.Status.DRAFT)
    copy.levels.get(number=2).process_areas.filter(key="monitoring").update(name="Watching")
    campaign.refresh_from_db()
    assert campaign.maturity_model_id == original.pk
    assert original.process_areas.get(key="monitoring").name == "Monitoring"


def test_importing_a_changed_file_over_a_draft_publishes_it():
    draft = create_new_version(maturity_model=import_document(SMALL_MODEL))
    document = export_document(draft)
    document["name"] = "Corrected"

    maturity_model, changed = import_model_file(json.dumps(document))

    assert changed
    assert (maturity_model.pk, maturity_model.name) == (draft.pk, "Corrected")
    assert resolve_model("small-model") == draft


def test_importing_a_drafts_own_file_publishes_it():
    draft = create_new_version(maturity_model=import_document(SMALL_MODEL))

    _, changed = import_model_file(json.dumps(export_document(draft)))

    assert changed
    draft.refresh_from_db()
    assert draft.status == MaturityModel.Status.PUBLISHED


@pytest.mark.parametrize("edit", [False, True])
def test_importing_over_a_retired_version_leaves_it_retired(edit):
    retired = services.retire(maturity_model=import_document(SMALL_MODEL))
    document = export_document(retired)
    if edit:
        document["name"] = "Corrected"

    import_model_file(json.dumps(document))

    retired.refresh_from_db()
    assert retired.status == MaturityModel.Status.RETIRED


def test_a_draft_is_not_the_default_version_until_published():
    original = import_document(SMALL_MODEL)
    copy = create_new_version(maturity_model=original)
    assert resolve_model("small-model") == original
    publish(maturity_model=copy)
    assert resolve_model("small-model") == copy


def test_publishing_a_broken_draft_is_refused_with_the_reason():
    draft = create_new_version(maturity_model=import_document(SMALL_MODEL))
    Question.objects.filter(maturity_model=draft, process_area__key="monitoring").delete()
    with pytest.raises(ModelFileError, match="at least one question"):
        publish(maturity_model=draft)
    draft.refresh_from_db()
    assert draft.status == MaturityModel.Status.DRAFT


def test_the_newest_published_version_is_chosen_by_version_order_not_text():
    for version in ("1.9", "1.10", "1.2"):
        import_document(model_document(version=version))
    assert resolve_model("small-model").version == "1.10"
    assert resolve_model("small-model", "1.2").version == "1.2"


def test_without_a_version_export_model_takes_the_highest_published_version_in_natural_order(
    capsys,
):
    for version in ("2.0", "1.10", "2.0-rc1", "1.9"):
        import_document(model_document(version=version))
    create_new_version(maturity_model=resolve_model("small-model", "2.0-rc1"))  # draft 2.0-rc2
    call_command("export_model", "small-model")
    assert json.loads(capsys.readouterr().out)["version"] == "2.0-rc1"


def test_without_a_version_import_responses_starts_a_campaign_on_the_highest_version(
    tmp_path, capsys
):
    for version in ("1.9", "1.10"):
        import_document(model_document(version=version))
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent,question,value\nr-1,cr-1,3\n", encoding="utf-8")
    options = {"model": "small-model", "organization": "Acme", "campaign": "2026"}
    call_command("import_responses", str(answers), **options)
    campaign_id = int(capsys.readouterr().out.strip().splitlines()[-1])
    assert MaturityModel.objects.get(campaigns__pk=campaign_id).version == "1.10"


def test_an_unknown_version_is_a_clear_error():
    import_document(SMALL_MODEL)
    with pytest.raises(UnknownModelError, match="has no version 9"):
        resolve_model("small-model", "9")


def test_export_model_takes_the_version_option(capsys):
    import_document(SMALL_MODEL)
    import_document(model_document(version="2.0", name="Second"))
    call_command("export_model", "small-model", "--model-version", "1.0")
    assert json.loads(capsys.readouterr().out)["name"] == "Small test model"
    with pytest.raises(CommandError, match="has no version 3.0"):
        call_command("export_model", "small-model", "--model-version", "3.0")


def test_the_database_refuses_a_duplicate_question_key_within_a_version():
    maturity_model = import_document(SMALL_MODEL)
    area = maturity_model.process_areas.get(key="monitoring")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(process_area=area, key="cr-1", text="Again")


def test_the_database_refuses_a_zero_weight_and_an_out_of_range_threshold():
    maturity_model = import_document(SMALL_MODEL)
    area = maturity_model.process_areas.get(key="monitoring")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(process_area=area, key="new", text="?", weight=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessArea.objects.filter(pk=area.pk).update(threshold=1.2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(maturity_model=maturity_model, number=2, name="Twice")


@pytest.mark.parametrize(
    ("version", "taken", "expected"),
    [("1.0", set(), "1.1"), ("1.9", {"1.10"}, "1.11"), ("draft", set(), "draft.2")],
)
def test_next_version_raises_the_last_number(version, taken, expected):
    assert next_version(version, taken) == expected


def test_version_order_compares_numbers_as_numbers():
    assert sorted(["1.10", "1.2", "1.9", "2.0"], key=version_key) == ["1.2", "1.9", "1.10", "2.0"]


def test_digits_other_than_ascii_ones_are_words_in_a_version():
    # "²".isdigit() holds, and int() refuses it.
    assert sorted(["2²", "2.1", "①", "٣", "3"], key=version_key) == ["2.1", "2²", "3", "٣", "①"]
    assert next_version("2²", set()) == "2².2"


@given(st.lists(st.text(max_size=20), min_size=2, max_size=5))
def test_any_versions_can_be_put_in_order(versions):
    ordered = sorted(versions, key=version_key)
    assert sorted(ordered) == sorted(versions)


def test_export_model_takes_the_newest_version_whatever_digits_the_others_hold(capsys):
    for version in ("1.0", "2²", "x"):
        import_document(model_document(version=version))

    call_command("export_model", "small-model")

    assert json.loads(capsys.readouterr().out)["version"] == "x"


def test_a_used_version_takes_null_for_a_levels_empty_list_of_process_areas():
    maturity_model = import_document(SMALL_MODEL)
    CampaignFactory(maturity_model=maturity_model)
    document = model_document()
    assert document["levels"][0]["process_areas"] == []
    document["levels"][0]["process_areas"] = None
    again, changed = import_model_file(json.dumps(document))
    assert (again.pk, changed) == (maturity_model.pk, True)
    assert export_document(again) == document
