"""The results document (CONTRACT.md section 6) and breakdowns, from the database.

The golden document below is checked on SQLite and on PostgreSQL (CI runs the suite on
both), which is what keeps the two databases' results the same.
"""

import io
import itertools
import json
import statistics

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.results import breakdown, campaign_results, results_document
from assessments.scoring import is_disagreement
from assessments.services import find_or_create_campaign, import_responses
from models_catalog.services import create_new_version, publish
from tests.factories import (
    CampaignFactory,
    UnitFactory,
    admin_form_data,
    import_document,
    model_document,
    respond,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered_campaign(campaign):
    return answered(campaign)


def answered(campaign):
    """Level 2 satisfied; level 3 short of its threshold; one N/A; two units."""
    sales = UnitFactory(organization=campaign.organization, name="Sales")
    ops = UnitFactory(organization=campaign.organization, name="Ops")
    answers = [
        ({"cr-1": 4, "cr-2": 2, "mo-1": 3, "sp-1": 2, "sp-2": 1}, sales, "employee"),
        ({"cr-1": 3, "cr-2": None, "mo-1": 4, "sp-1": 3, "sp-2": 2}, sales, "employee"),
        ({"cr-1": 2, "cr-2": 2, "mo-1": 3, "sp-1": 1, "sp-2": 2}, sales, "manager"),
        ({"cr-1": 1, "cr-2": 3, "mo-1": 2, "sp-1": 4, "sp-2": 3}, ops, "employee"),
    ]
    for values, unit, role in answers:
        respond(campaign, values, unit=unit, role=role)
    respond(campaign, {})  # started, answered nothing: not a respondent
    return campaign


def document_of(campaign) -> dict:
    return results_document(campaign_results(campaign))


def test_the_results_document_matches_the_rule_by_hand(answered_campaign):
    document = document_of(answered_campaign)
    assert document["campaign"] == {
        "id": answered_campaign.pk,
        "name": answered_campaign.name,
        "organization": answered_campaign.organization.name,
    }
    assert document["model"] == {
        "slug": "small-model",
        "version": "1.0",
        "name": "Small test model",
    }
    assert document["respondents"] == 4
    assert document["achieved_level"] == {"number": 2, "name": "Foundational"}
    assert document["target_level"] == {"number": 3, "name": "Organizational"}
    level_2 = document["levels"][1]
    requirements, monitoring = level_2["process_areas"]
    # cr-1: (4+3+2+1)/4/4 = 0.625; cr-2: (2+2+3)/3/4 = 0.5833; mean = 0.6042 >= 0.5
    assert requirements == {
        "key": "customer-requirements",
        "name": "Customer requirements",
        "status": "satisfied",
        "score": 0.6042,
        "threshold": 0.5,
        "questions": [
            {"key": "cr-1", "score": 0.625, "answers": 4, "na": 0, "stdev": 0.2795},
            {"key": "cr-2", "score": 0.5833, "answers": 3, "na": 1, "stdev": 0.1179},
        ],
    }
    # mo-1: 12/16 = 0.75, exactly the model threshold: satisfied.
    assert (monitoring["status"], monitoring["score"], monitoring["threshold"]) == (
        "satisfied",
        0.75,
        0.75,
    )
    # sp-1: 10/16 = 0.625 (weight 1), sp-2: 8/16 = 0.5 (weight 2): (0.625 + 1.0) / 3.
    assert document["levels"][2]["achieved"] is False
    assert document["gaps"] == [
        {
            "level": 3,
            "process_area": "standard-process",
            "status": "not_satisfied",
            "score": 0.5417,
            "threshold": 0.75,
            "shortfall": 0.2083,
        }
    ]
    assert document["levels"][0] == {
        "number": 1,
        "name": "Initial",
        "achieved": True,
        "process_areas": [],
    }


def test_huge_and_tiny_weights_give_the_results_of_ordinary_ones(answered_campaign):
    # The same ratios as the small model's weights (1, 1; 1; 1, 2), at the ends of floats.
    weights = {"cr-1": 1e308, "cr-2": 1e308, "mo-1": 5e-324, "sp-1": 1e-320, "sp-2": 2e-320}
    document = model_document(slug="extreme-weights")
    for level in document["levels"]:
        for area in level["process_areas"]:
            for question in area["questions"]:
                question["weight"] = weights[question["key"]]
    extreme = answered(CampaignFactory(maturity_model=import_document(document), target_level=3))

    result, ordinary = document_of(extreme), document_of(answered_campaign)

    scores = [area["score"] for level in result["levels"] for area in level["process_areas"]]
    assert all(0 <= score <= 1 for score in scores)  # finite, on the scale: never NaN
    assert [result[part] for part in ("levels", "gaps", "achieved_level")] == [
        ordinary[part] for part in ("levels", "gaps", "achieved_level")
    ]


def test_a_scale_at_the_ends_of_its_column_scores_on_every_database(capsys):
    # PostgreSQL multiplied two smallints into a smallint: "smallint out of range" from 182².
    document = model_document(slug="widest-scale", threshold=0.5)
    document["scale"]["options"] = [
        {"value": -32768, "label": "Never"},
        {"value": 0, "label": "Sometimes"},
        {"value": 32767, "label": "Always"},
    ]
    campaign = CampaignFactory(maturity_model=import_document(document))
    answers = [32767, -32768, 32767, 0]
    for value in answers:
        respond(campaign, {"cr-1": value})

    call_command("campaign_results", str(campaign.pk), "--json")

    area = json.loads(capsys.readouterr().out)["levels"][1]["process_areas"][0]
    normalized = [(value + 32768) / 65535 for value in answers]
    assert area["questions"][0] == {
        "key": "cr-1",
        "score": round(statistics.mean(normalized), 4),
        "answers": 4,
        "na": 0,
        "stdev": round(statistics.pstdev(normalized), 4),
    }
    assert area["status"] == "satisfied"


def test_a_campaign_without_answers_has_level_one_and_unrated_gaps(campaign):
    document = document_of(campaign)
    assert document["respondents"] == 0
    assert document["achieved_level"] == {"number": 1, "name": "Initial"}
    assert [gap["status"] for gap in document["gaps"]] == ["not_rated"] * 3
    assert {gap["shortfall"] for gap in document["gaps"]} == {None}
    assert document["levels"][1]["process_areas"][0]["score"] is None


def test_without_a_target_the_gaps_run_to_the_top_level(maturity_model):
    campaign = CampaignFactory(maturity_model=maturity_model, target_level=None)
    document = document_of(campaign)
    assert document["target_level"] is None
    assert {gap["level"] for gap in document["gaps"]} == {2, 3}


def test_a_higher_level_satisfied_does_not_count_over_a_failed_lower_one(campaign):
    respond(campaign, {"cr-1": 0, "cr-2": 0, "mo-1": 4, "sp-1": 4, "sp-2": 4})
    document = document_of(campaign)
    assert document["levels"][2]["process_areas"][0]["status"] == "satisfied"
    assert document["achieved_level"] == {"number": 1, "name": "Initial"}


def test_an_area_answered_only_na_does_not_block_its_level(campaign):
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": None})
    document = document_of(campaign)
    assert document["levels"][1]["process_areas"][1]["status"] == "not_applicable"
    assert document["achieved_level"]["number"] == 2


def test_the_command_prints_the_document(answered_campaign, capsys):
    call_command("campaign_results", str(answered_campaign.pk), "--json")
    assert json.loads(capsys.readouterr().out) == document_of(answered_campaign)


def test_the_command_refuses_an_unknown_campaign():
    with pytest.raises(CommandError, match="campaign 999 does not exist"):
        call_command("campaign_results", "999", "--json")


def test_results_take_a_constant_number_of_queries(
    answered_campaign, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        document_of(answered_campaign)
    for n in range(30):
        respond(answered_campaign, {"cr-1": n % 5, "sp-2": 4}, respondent=f"extra-{n}")
    with django_assert_max_num_queries(8):
        results = campaign_results(answered_campaign)
    assert results.respondents == 34


def test_units_are_broken_out_only_when_nobody_can_be_singled_out(answered_campaign):
    # Sales has three respondents (the minimum) and Ops one: the whole campaign less
    # Sales would be Ops' one person, so neither is broken out.
    assert breakdown(campaign_results(answered_campaign), "unit") == []
    ops = answered_campaign.organization.units.get(name="Ops")
    for value in (3, 4):
        respond(answered_campaign, {"cr-1": value}, unit=ops, role="employee")
    answered_campaign.refresh_from_db()

    groups = breakdown(campaign_results(answered_campaign), "unit")

    assert [(group.name, group.respondents) for group in groups] == [("Ops", 3), ("Sales", 3)]
    sales = groups[1].score.area("customer-requirements")
    assert sales.questions[0].score == pytest.approx((4 + 3 + 2) / 3 / 4)


def test_roles_are_broken_out_with_their_own_results(answered_campaign):
    answered_campaign.anonymity_minimum = 1
    answered_campaign.save()
    groups = breakdown(campaign_results(answered_campaign), "role")
    assert [(group.name, group.respondents) for group in groups] == [
        ("employee", 3),
        ("manager", 1),
    ]
    # The manager: requirements 0.5 >= 0.5, monitoring 0.75 >= 0.75, processes 0.42.
    assert groups[1].score.achieved_level == 2


def test_strong_disagreement_is_flagged_against_the_campaign_threshold(campaign):
    respond(campaign, {"cr-1": 0})
    respond(campaign, {"cr-1": 4})
    respond(campaign, {"cr-1": 2, "cr-2": 2})
    respond(campaign, {"cr-2": 2})
    area = campaign_results(campaign).score.area("customer-requirements")
    split, agreed = area.questions
    assert split.stdev == pytest.approx(0.4082, abs=1e-4)
    assert is_disagreement(split.stdev, campaign.disagreement_threshold)
    assert not is_disagreement(agreed.stdev, campaign.disagreement_threshold)


def test_results_are_computed_once_per_change_of_answers(
    answered_campaign, django_assert_max_num_queries
):
    campaign_results(answered_campaign)
    with django_assert_max_num_queries(0):
        again = campaign_results(answered_campaign)
    assert again.campaign is answered_campaign
    assert again.respondents == 4


def test_imported_answers_make_the_cached_results_new(answered_campaign):
    from assessments.services import import_responses

    assert campaign_results(answered_campaign).respondents == 4
    import_responses(campaign=answered_campaign, data="respondent,question,value\nnew,cr-1,4\n")
    answered_campaign.refresh_from_db()
    assert campaign_results(answered_campaign).respondents == 5


def test_a_deleted_response_makes_the_cached_results_new(answered_campaign):
    assert campaign_results(answered_campaign).respondents == 4
    answered_campaign.responses.filter(answers__isnull=False).first().delete()
    answered_campaign.refresh_from_db()
    assert campaign_results(answered_campaign).respondents == 3


def test_a_new_target_level_is_not_served_from_the_cache(answered_campaign):
    assert document_of(answered_campaign)["gaps"]
    answered_campaign.target_level = 2
    answered_campaign.save()
    assert document_of(answered_campaign)["gaps"] == []


def printed_document(campaign, capsys) -> dict:
    call_command("campaign_results", str(campaign.pk), "--json")
    return json.loads(capsys.readouterr().out)


def edit_in_the_admin(client, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_results_follow_an_edit_of_a_version_the_campaign_left_and_came_back_to(
    client, consultant, campaign, capsys
):
    # A version is frozen while a campaign uses it, but a campaign without responses may
    # move to another version, leaving the first one free to edit, and move back.
    client.force_login(consultant)
    first = campaign.maturity_model
    requirements = first.process_areas.get(key="customer-requirements")
    before = printed_document(campaign, capsys)["levels"][1]["process_areas"][0]
    newer = publish(maturity_model=create_new_version(maturity_model=first))

    edit_in_the_admin(client, campaign, maturity_model=newer.pk)
    edit_in_the_admin(client, requirements, name="What customers need", threshold="0.9")
    edit_in_the_admin(client, campaign, maturity_model=first.pk)

    after = printed_document(campaign, capsys)["levels"][1]["process_areas"][0]
    assert (before["name"], before["threshold"]) == ("Customer requirements", 0.5)
    assert (after["name"], after["threshold"]) == ("What customers need", 0.9)


def unit_names(campaign) -> list[str]:
    campaign.refresh_from_db()
    return [group.name for group in breakdown(campaign_results(campaign), "unit")]


def test_a_renamed_unit_shows_under_its_new_name_at_once(answered_campaign):
    answered_campaign.anonymity_minimum = 1
    answered_campaign.save()
    assert unit_names(answered_campaign) == ["Ops", "Sales"]
    sales = answered_campaign.organization.units.get(name="Sales")

    sales.name = "Sales and service"
    sales.save()

    assert unit_names(answered_campaign) == ["Ops", "Sales and service"]


def test_a_deleted_units_people_leave_the_unit_breakdown_at_once(answered_campaign):
    answered_campaign.anonymity_minimum = 1
    answered_campaign.save()
    assert unit_names(answered_campaign) == ["Ops", "Sales"]

    answered_campaign.organization.units.get(name="Ops").delete()

    assert unit_names(answered_campaign) == ["Sales"]


# A scale with holes, below zero, at the ends of its column and around 182² (the square
# that overflows a smallint), for answers read from a responses file.
ODD_SCALE = (-32768, -7, 0, 181, 182, 32767)
ANSWER_CELLS = st.sampled_from((*ODD_SCALE, "NA", None))  # None: the question is skipped
QUESTION_KEYS = ("cr-1", "cr-2", "mo-1", "sp-1", "sp-2")
RESPONDENT_ROWS = st.lists(st.tuples(*[ANSWER_CELLS] * len(QUESTION_KEYS)), max_size=6)
CAMPAIGN_NAMES = itertools.count()


def odd_scale_model():
    document = model_document(slug="odd-scale", rule="mean", threshold=0.6)
    document["scale"]["options"] = [{"value": v, "label": str(v)} for v in ODD_SCALE]
    return import_document(document), document


def responses_file(respondents) -> str:
    rows = [
        f"r-{number},{key},{cell}\n"
        for number, cells in enumerate(respondents)
        for key, cell in zip(QUESTION_KEYS, cells, strict=True)
        if cell is not None
    ]
    return "respondent,question,value\n" + "".join(rows)


def question_by_hand(cells) -> dict:
    """Rules 1 and 2: each value as a share of the scale; N/A counts nowhere."""
    low, high = ODD_SCALE[0], ODD_SCALE[-1]
    given = [cell for cell in cells if cell is not None]
    values = [(cell - low) / (high - low) for cell in given if cell != "NA"]
    return {
        "score": statistics.mean(values) if values else None,
        "answers": len(values),
        "na": len(given) - len(values),
        "stdev": statistics.pstdev(values) if values else None,
    }


def area_by_hand(area: dict, questions: dict, model_threshold: float) -> dict:
    """Rules 3 and 4 (rule "mean")."""
    rated = [
        (question.get("weight", 1.0), questions[question["key"]]["score"])
        for question in area["questions"]
        if questions[question["key"]]["score"] is not None
    ]
    score = sum(w * x for w, x in rated) / sum(w for w, _ in rated) if rated else None
    if not any(
        questions[q["key"]]["answers"] + questions[q["key"]]["na"] for q in area["questions"]
    ):
        status = "not_rated"
    elif score is None:
        status = "not_applicable"
    elif score >= area.get("threshold", model_threshold) - 1e-9:
        status = "satisfied"
    else:
        status = "not_satisfied"
    return {"score": score, "status": status}


def by_hand(document: dict, respondents) -> dict:
    """The scoring rule (CONTRACT.md section 7) written out again, from the file's rows."""
    questions = {
        key: question_by_hand([cells[index] for cells in respondents])
        for index, key in enumerate(QUESTION_KEYS)
    }
    areas, achieved = {}, 0
    for level in document["levels"]:
        for area in level["process_areas"]:
            areas[area["key"]] = area_by_hand(area, questions, document["threshold"])
        passing = ("satisfied", "not_applicable")
        if achieved == level["number"] - 1 and all(
            areas[area["key"]]["status"] in passing for area in level["process_areas"]
        ):
            achieved = level["number"]  # rules 5 and 6: only on top of the level below
    return {"questions": questions, "areas": areas, "achieved": achieved}


def near(expected):
    """A number of the document: the calculation by hand, rounded to 4 decimals."""
    return None if expected is None else pytest.approx(expected, abs=6e-5)


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(respondents=RESPONDENT_ROWS)
def test_imported_answers_give_the_results_of_the_rule_by_hand(respondents):
    maturity_model, document = odd_scale_model()
    campaign = find_or_create_campaign(
        organization_name="Acme",
        campaign_name=f"Property {next(CAMPAIGN_NAMES)}",
        model_slug=maturity_model.slug,
    )
    import_responses(campaign=campaign, data=responses_file(respondents))
    output = io.StringIO()
    call_command("campaign_results", str(campaign.pk), "--json", stdout=output)
    result, expected = json.loads(output.getvalue()), by_hand(document, respondents)

    areas = [area for level in result["levels"] for area in level["process_areas"]]
    assert {question["key"]: question for area in areas for question in area["questions"]} == {
        key: {"key": key, **{name: near(value) for name, value in numbers.items()}}
        for key, numbers in expected["questions"].items()
    }
    assert {area["key"]: {"score": area["score"], "status": area["status"]} for area in areas} == {
        key: {"score": near(area["score"]), "status": area["status"]}
        for key, area in expected["areas"].items()
    }
    assert result["achieved_level"]["number"] == expected["achieved"]
    assert result["respondents"] == sum(
        any(cell is not None for cell in cells) for cells in respondents
    )
