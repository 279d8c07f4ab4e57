"""The discussion agenda: the widest disagreements, executives against the front line, and
the page and PDF section a workshop works from."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments.distributions import answer_counts
from assessments.models import Campaign
from assessments.review import mark_results_reviewed
from reports.discussion import discussion_agenda
from reports.pdf import render_report_pdf
from tests.factories import CampaignFactory, import_document, model_document, respond
from tests.reports.conftest import table_rows

TOO_FEW = "too few respondents in a role to compare without identifying anyone"


def agenda_url(campaign):
    return reverse("reports:discussion", args=[campaign.pk])


def page_of(client, user, campaign) -> str:
    client.force_login(user)
    response = client.get(agenda_url(campaign))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def wide_model():
    """The small model with twelve questions, q-01 … q-12, in its level-2 area."""
    document = model_document(slug="wide-model")
    area = document["levels"][1]["process_areas"][0]
    area["questions"] = [
        {"key": f"q-{n:02d}", "text": f"Statement number {n}."} for n in range(1, 13)
    ]
    document["levels"][1]["process_areas"] = [area]
    return import_document(document)


def respond_each(campaign, answers: list[dict], role: str = ""):
    for values in answers:
        respond(campaign, values, role=role)


@pytest.fixture
def roles_campaign(campaign):
    """Three executives, three frontline employees and three managers.

    Executives against employees: cr-1 11/12 against 4/12; cr-2 equal; mo-1 0.75 against
    1.0; sp-1 0.25 against 0. Managers answer 0 everywhere: counted on neither side.
    """
    respond_each(
        campaign,
        [{"cr-1": 4, "cr-2": 2, "mo-1": 3, "sp-1": 1}] * 2
        + [{"cr-1": 3, "cr-2": 2, "mo-1": 3, "sp-1": 1}],
        role="executive",
    )
    respond_each(
        campaign,
        [{"cr-1": 1, "cr-2": 2, "mo-1": 4, "sp-1": 0}] * 2
        + [{"cr-1": 2, "cr-2": 2, "mo-1": 4, "sp-1": 0}],
        role="employee",
    )
    respond_each(campaign, [{"cr-1": 0, "cr-2": 0, "mo-1": 0, "sp-1": 0}] * 3, role="manager")
    return campaign


# --- The widest disagreements -------------------------------------------------------------


def test_a_question_exactly_at_the_disagreement_threshold_is_listed(campaign):
    # cr-1 answered 1 and 3 on a 0-4 scale: a spread of exactly a quarter of the scale.
    respond(campaign, {"cr-1": 1, "cr-2": 2})
    respond(campaign, {"cr-1": 3, "cr-2": 2})

    agenda = discussion_agenda(campaign)

    assert [item.key for item in agenda.disagreements] == ["cr-1"]
    assert agenda.disagreements[0].spread == 0.25


def test_a_question_just_below_the_disagreement_threshold_is_not_listed(campaign):
    campaign.disagreement_threshold = 0.2501
    campaign.save()
    respond(campaign, {"cr-1": 1, "cr-2": 2})
    respond(campaign, {"cr-1": 3, "cr-2": 2})

    assert discussion_agenda(campaign).disagreements == ()


def test_questions_everyone_answered_alike_are_never_disagreements(campaign):
    campaign.disagreement_threshold = 0.0
    campaign.save()
    respond(campaign, {"cr-1": 1, "cr-2": 2})
    respond(campaign, {"cr-1": 2, "cr-2": 2})

    agenda = discussion_agenda(campaign)

    assert [item.key for item in agenda.disagreements] == ["cr-1"]
    assert agenda.disagreements[0].spread_in_words == "answers differ somewhat"


def test_disagreements_come_widest_first_at_most_ten_and_ties_in_questionnaire_order(db):
    campaign = CampaignFactory(maturity_model=wide_model())
    # q-01 agreed; q-02 split between the ends; q-04 0 and 3; every other one 1 and 3.
    low = {"q-01": 2, "q-02": 0, "q-04": 0}
    high = {"q-01": 2, "q-02": 4, "q-04": 3}
    for n in (3, *range(5, 13)):
        low[f"q-{n:02d}"], high[f"q-{n:02d}"] = 1, 3
    respond(campaign, low)
    respond(campaign, high)

    agenda = discussion_agenda(campaign)

    assert [item.key for item in agenda.disagreements] == [
        "q-02",
        "q-04",
        "q-03",
        *(f"q-{n:02d}" for n in range(5, 12)),
    ]
    assert [item.spread for item in agenda.disagreements[:3]] == [0.5, 0.375, 0.25]
    assert agenda.more_disagreements == 1  # q-12, as wide as the last one shown


def test_a_disagreement_shows_its_place_spread_in_words_and_answers_per_option(campaign):
    respond(campaign, {"cr-1": 0})
    respond(campaign, {"cr-1": 4})
    respond(campaign, {"cr-1": 4})
    respond(campaign, {"cr-1": None})

    item = discussion_agenda(campaign).disagreements[0]

    assert (item.text, item.area_name, item.level_number, item.level_name) == (
        "We know who our target customers are.",
        "Customer requirements",
        2,
        "Foundational",
    )
    assert item.spread_in_words == "answers are split between the two ends of the scale"
    assert [(option.label, option.people) for option in item.options] == [
        ("Not performed", 1),
        ("Ad hoc", 0),
        ("Managed", 0),
        ("Defined", 0),
        ("Optimized", 2),
    ]
    assert item.na == 1
    assert "from “Not performed” to “Optimized”" in item.prompt


def test_answer_counts_come_from_one_query_then_from_the_cache(campaign, django_assert_num_queries):
    respond(campaign, {"cr-1": 0, "cr-2": 2, "mo-1": 1})
    respond(campaign, {"cr-1": 4, "cr-2": 2, "mo-1": None})
    respond(campaign, {"cr-1": 4, "cr-2": 3})
    respond(CampaignFactory(), {"cr-1": 1})  # another campaign, same model
    ids = dict(campaign.maturity_model.questions.values_list("key", "id"))

    with django_assert_num_queries(1):
        counts = answer_counts(campaign, [ids["cr-1"], ids["mo-1"]])
    with django_assert_num_queries(0):
        assert answer_counts(campaign, [ids["cr-2"]]) == {ids["cr-2"]: {2: 2, 3: 1}}

    assert counts == {ids["cr-1"]: {0: 1, 4: 2}, ids["mo-1"]: {1: 1}}


def test_answer_counts_follow_new_answers(campaign):
    respond(campaign, {"cr-1": 0})
    question = campaign.maturity_model.questions.get(key="cr-1").pk
    assert answer_counts(campaign, [question]) == {question: {0: 1}}
    respond(campaign, {"cr-1": 0})
    assert answer_counts(campaign, [question]) == {question: {0: 2}}


def test_answer_counts_for_no_question_ask_nothing(campaign, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert answer_counts(campaign, []) == {}


# --- Executives and the front line --------------------------------------------------------


def test_role_gaps_set_executive_means_against_frontline_means_largest_first(roles_campaign):
    roles = discussion_agenda(roles_campaign).roles

    assert (roles.executives, roles.frontline) == (3, 3)
    assert [(gap.key, gap.executives, gap.frontline, gap.gap) for gap in roles.gaps] == [
        ("cr-1", 0.9167, 0.3333, 0.5834),
        ("mo-1", 0.75, 1.0, -0.25),  # ties with sp-1: questionnaire order
        ("sp-1", 0.25, 0.0, 0.25),
    ]
    assert [gap.higher_side for gap in roles.gaps] == [
        "Executives",
        "Frontline employees",
        "Executives",
    ]


def test_the_page_shows_both_means_and_the_gap(client, executive, roles_campaign):
    html = page_of(client, executive, roles_campaign)

    assert "Compared: 3 executives and 3 frontline employees." in html
    row = next(row for row in table_rows(html) if row[0].startswith("We know who our target"))
    assert row[0].endswith("Level 2 · Customer requirements · Executives rate it higher")
    assert row[1:] == ["91.7%", "33.3%", "58.3 points"]


def test_role_gaps_are_capped_at_ten(db):
    campaign = CampaignFactory(maturity_model=wide_model())
    keys = [f"q-{n:02d}" for n in range(1, 13)]
    respond_each(campaign, [dict.fromkeys(keys, 4)] * 3, role="executive")
    respond_each(campaign, [{key: n % 4 for n, key in enumerate(keys)}] * 3, role="employee")

    roles = discussion_agenda(campaign).roles

    assert len(roles.gaps) == 10
    assert roles.more_gaps == 2
    sizes = [gap.size for gap in roles.gaps]
    assert sizes == sorted(sizes, reverse=True)


def test_a_role_below_the_anonymity_minimum_is_never_shown_even_with_the_largest_gap(
    client, executive, campaign
):
    # Two executives rate cr-1 4 and 3 (87.5%); the front line rates it 0.
    respond(campaign, {"cr-1": 4, "cr-2": 2}, role="executive")
    respond(campaign, {"cr-1": 3, "cr-2": 2}, role="executive")
    respond_each(campaign, [{"cr-1": 0, "cr-2": 2}] * 3, role="employee")

    roles = discussion_agenda(campaign).roles
    html = page_of(client, executive, campaign)

    assert (roles.comparable, roles.executives, roles.gaps) == (False, None, ())
    assert TOO_FEW in html
    assert "fewer than 3 executives answered" in html
    assert "87.5" not in html


def test_both_sides_are_withheld_when_the_people_in_other_roles_would_be_given_away(
    client, executive, campaign
):
    respond_each(campaign, [{"cr-1": 4, "cr-2": 2}] * 3, role="executive")
    respond_each(campaign, [{"cr-1": 0, "cr-2": 2}] * 3, role="employee")
    respond(campaign, {"cr-1": 2, "cr-2": 2}, role="manager")  # the whole less both sides

    roles = discussion_agenda(campaign).roles
    html = page_of(client, executive, campaign)

    assert not roles.comparable
    assert roles.gaps == ()
    assert TOO_FEW in html
    assert "the other roles together have fewer than 3 people" in html


def test_a_question_too_few_of_a_role_rated_is_left_out_of_the_comparison(
    client, executive, campaign
):
    # Three executives, but only two of them rate cr-2 (4 and 4: 100%).
    respond(campaign, {"cr-1": 4, "cr-2": 4}, role="executive")
    respond(campaign, {"cr-1": 4, "cr-2": 4}, role="executive")
    respond(campaign, {"cr-1": 4, "cr-2": None}, role="executive")
    respond_each(campaign, [{"cr-1": 1, "cr-2": 1}] * 3, role="employee")

    roles = discussion_agenda(campaign).roles
    html = page_of(client, executive, campaign)

    assert [gap.key for gap in roles.gaps] == ["cr-1"]
    assert roles.withheld == 1
    assert "1 question is left out: fewer than 3 executives or frontline employees rated it" in html


def test_without_any_frontline_employee_the_comparison_says_why(client, executive, campaign):
    respond_each(campaign, [{"cr-1": 4}] * 3, role="executive")

    html = page_of(client, executive, campaign)

    assert TOO_FEW in html
    assert "fewer than 3 frontline employees answered" in html


# --- The page -----------------------------------------------------------------------------


def test_a_campaign_without_answers_gets_a_clear_page(client, executive, campaign):
    html = page_of(client, executive, campaign)

    assert "No answers yet" in html
    assert "nothing to discuss" in html
    assert "Where people disagree most" not in html


def test_the_page_explains_how_to_use_it_and_lists_each_item(client, consultant, roles_campaign):
    html = page_of(client, consultant, roles_campaign)

    assert "How to use this agenda in a workshop" in html
    assert "nobody should be asked how they answered" in html
    assert "1. Where people disagree most" in html
    assert "2. Where executives and the front line see things differently" in html
    assert "Spread 39.1% of the scale:</strong> answers range widely." in html
    assert "To discuss:" in html


def test_a_campaign_where_everyone_agrees_says_so(client, executive, campaign):
    respond_each(campaign, [{"cr-1": 2, "cr-2": 3}] * 3)

    html = page_of(client, executive, campaign)

    assert "No question reaches a spread of 25.0%: people broadly agree" in html


def test_the_results_page_links_to_the_agenda(client, executive, roles_campaign):
    client.force_login(executive)

    html = client.get(reverse("reports:results", args=[roles_campaign.pk])).content.decode()

    assert f'href="{agenda_url(roles_campaign)}"' in html


def test_anonymous_visitors_are_sent_to_sign_in(client, campaign):
    response = client.get(agenda_url(campaign))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={agenda_url(campaign)}"


@pytest.mark.parametrize(
    ("visitor", "status"),
    [
        ("executive", 200),
        ("outsider", 404),
        ("consultant", 200),
        ("outside_consultant", 404),
        ("superuser", 200),
    ],
)
def test_who_may_open_the_agenda(client, campaign, request, visitor, status):
    client.force_login(request.getfixturevalue(visitor))

    assert client.get(agenda_url(campaign)).status_code == status


def test_executives_waiting_for_the_review_get_the_same_page_as_for_the_results(
    client, executive, consultant, roles_campaign
):
    roles_campaign.executives_see = Campaign.ExecutivesSee.REVIEWED
    roles_campaign.save()

    client.force_login(executive)
    waiting = client.get(agenda_url(roles_campaign)).content.decode()
    assert "Your consultant is reviewing these results" in waiting
    assert "Where people disagree most" not in waiting
    assert "Where people disagree most" in page_of(client, consultant, roles_campaign)

    mark_results_reviewed(
        campaigns=Campaign.objects.filter(pk=roles_campaign.pk), reviewed_by=consultant
    )
    assert "Where people disagree most" in page_of(client, executive, roles_campaign)


def test_the_page_query_count_grows_with_neither_respondents_nor_questions(
    client, executive, campaign, django_assert_max_num_queries
):
    organization = executive.memberships.get().organization
    client.force_login(executive)
    small = CampaignFactory(organization=organization)
    large = CampaignFactory(organization=organization, maturity_model=wide_model())
    # Executives see everything in place, the front line very little: both sections fill.
    for target, keys, people in ((small, ("cr-1", "cr-2"), 3), (large, range(1, 13), 12)):
        keys = [key if isinstance(key, str) else f"q-{key:02d}" for key in keys]
        for n in range(people):
            respond(target, dict.fromkeys(keys, 4), role="executive")
            respond(target, dict.fromkeys(keys, n % 2), role="employee")

    counts = []
    for target in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(agenda_url(target)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(agenda_url(large))


# --- The PDF ------------------------------------------------------------------------------


def pdf_text(campaign) -> str:
    pages = PdfReader(io.BytesIO(render_report_pdf(campaign))).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def test_the_pdf_report_carries_the_discussion_agenda(roles_campaign, no_chromium):
    text = pdf_text(roles_campaign)

    assert "Discussion agenda" in text
    assert "How to use this agenda in a workshop" in text
    assert "Where people disagree most" in text
    assert "1. We track complaints." in text
    assert "2. We know who our target customers are." in text
    assert "Where executives and the front line see things differently" in text
    assert "Customer requirements · Executives rate it higher 91.7% 33.3% 58.3 points" in text


def test_the_pdf_never_shows_a_role_below_the_anonymity_minimum(campaign, no_chromium):
    respond(campaign, {"cr-1": 4}, role="executive")
    respond(campaign, {"cr-1": 3}, role="executive")
    respond_each(campaign, [{"cr-1": 0}] * 3, role="employee")

    text = pdf_text(campaign)

    assert TOO_FEW in text
    assert "87.5" not in text
