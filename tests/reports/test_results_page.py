import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    ResponseFactory,
    UnitFactory,
    answer,
    import_document,
    model_document,
    respond,
)
from tests.reports.conftest import points, results_document_of, share, table_rows

STATUS_WORDS = {
    "satisfied": "In place",
    "not_satisfied": "Not yet in place",
    "not_applicable": "Does not apply",
    "not_rated": "Not rated",
}


def results_url(campaign):
    return reverse("reports:results", args=[campaign.pk])


def page_of(client, user, campaign):
    client.force_login(user)
    response = client.get(results_url(campaign))
    assert response.status_code == 200
    return response.content.decode()


def figure_data(html: str, key: str) -> dict:
    match = re.search(
        rf'<script id="figure-{key}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no data block for the {key} figure"
    return json.loads(match.group(1))


def test_process_area_scores_on_the_page_equal_the_results_document(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    rows = table_rows(html)
    document = results_document_of(varied_campaign)

    for level in document["levels"]:
        for area in level["process_areas"]:
            shortfall = (
                points(round(area["threshold"] - area["score"], 4))
                if area["status"] == "not_satisfied"
                else "—"
            )
            expected = [
                str(level["number"]),
                area["name"],
                STATUS_WORDS[area["status"]],
                share(area["score"]),
                share(area["threshold"]),
                shortfall,
            ]
            assert expected in rows, f"{area['key']} row missing: {expected}"


def test_question_statistics_on_the_page_equal_the_results_document(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    rows = {tuple(row[1:]) for row in table_rows(html)}
    document = results_document_of(varied_campaign)

    questions = [
        question
        for level in document["levels"]
        for area in level["process_areas"]
        for question in area["questions"]
    ]
    assert len(questions) == 5
    for question in questions:
        expected = (
            share(question["score"]),
            str(question["answers"]),
            str(question["na"]),
            share(question["stdev"]),
        )
        assert expected in rows, f"{question['key']} statistics missing: {expected}"


def test_headline_shows_achieved_and_target_level_and_respondents(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    document = results_document_of(varied_campaign)
    text = " ".join(html.split())

    assert document["achieved_level"] == {"number": 1, "name": "Initial"}
    assert 'Achieved level</p> <p class="headline-value">1 · Initial' in text
    assert 'Target level</p> <p class="headline-value">3 · Organizational' in text
    assert f'<p class="headline-value">{document["respondents"]}</p>' in text
    assert 'class="level-ladder"' in html


def test_page_shows_what_blocks_the_next_level_with_weakest_questions_and_recommendations(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    blockers = html.split('id="blockers"')[1].split('id="charts"')[0]

    # Gaps: monitoring (level 2, below its threshold) and standard processes (level 3,
    # not rated); customer requirements is in place and is not a gap.
    assert "Monitoring" in blockers
    assert "Standard processes" in blockers
    assert "Customer requirements" not in blockers
    assert "Key obstacle:</strong> Each unit works alone." in blockers
    assert "Key obstacle:</strong> Data is scattered." in blockers
    assert "37.5 points" in blockers
    assert "We track complaints." in blockers  # the weakest question, with its text
    assert "Track a few service measures every month." in blockers
    assert "Nobody has answered these questions yet" in blockers


def test_a_process_area_everyone_calls_not_applicable_is_explained_in_plain_words(
    client, executive, campaign
):
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": None})
    respond(campaign, {"cr-1": 3, "cr-2": 4, "mo-1": None})

    html = page_of(client, executive, campaign)

    assert "Does not apply" in html
    assert "Everyone who answered said these questions do not apply here" in html
    # Level 2 counts: its only other area is in place, monitoring does not apply.
    assert "2 · Foundational" in html.split('id="blockers"')[0]


def test_target_reached_shows_what_the_next_level_would_take(client, executive, campaign):
    campaign.target_level = 2
    campaign.save()
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": 4, "sp-1": 0, "sp-2": 1})

    html = page_of(client, executive, campaign)
    blockers = html.split('id="blockers"')[1].split('id="charts"')[0]

    assert "You have reached your target level" in blockers
    assert "Standard processes" in blockers


def test_unit_heatmap_breaks_out_only_units_at_the_anonymity_minimum(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    heatmap = figure_data(html, "unit-heatmap")

    assert heatmap["data"][0]["x"] == ["Sales (3)"]
    assert "Ops" not in json.dumps(heatmap)


def test_disagreement_chart_shows_how_answers_spread_where_people_disagree(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)
    spread = figure_data(html, "answer-spread")

    labels = spread["data"][0]["y"]
    assert len(labels) == 1
    assert labels[0].endswith("(cr-1)")
    counts = [trace["customdata"][0] for trace in spread["data"]]
    assert counts == [1, 1, 0, 0, 2]  # answers 0, 1, 2, 3, 4 to cr-1
    assert "People disagree" in html


def test_charts_are_drawn_from_data_blocks_by_our_own_script_without_inline_code(
    client, executive, varied_campaign
):
    html = page_of(client, executive, varied_campaign)

    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue
        assert "src=" in attributes, f"inline script: {body[:80]}"
        assert not body.strip()
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "/static/js/charts.js" in html
    assert "cdn" not in html.lower()
    for key in ("level-ladder", "area-scores", "unit-heatmap", "answer-spread"):
        figure = figure_data(html, key)
        assert figure["data"]
        assert figure["layout"]
        assert f'data-figure="figure-{key}"' in html


def test_every_chart_has_a_caption_and_the_table_it_came_from(client, executive, varied_campaign):
    html = page_of(client, executive, varied_campaign)

    figures = re.findall(r'<figure class="report-figure">(.*?)</figure>', html, re.S)
    assert len(figures) == 4
    for figure in figures:
        assert "<figcaption>" in figure
        assert "<details" in figure
        assert "<table" in figure


def test_campaign_without_answers_gives_a_clear_page(client, executive, campaign):
    InvitationFactory(campaign=campaign)

    html = page_of(client, executive, campaign)

    assert "No answers yet" in html
    assert "1 invitation is waiting for a reply" in html
    assert "plotly" not in html


def test_response_rate_counts_invitations_whose_response_has_answers(client, executive, campaign):
    invitations = InvitationFactory.create_batch(4, campaign=campaign)
    for invitation in invitations[:2]:
        answer(ResponseFactory(campaign=campaign, invitation=invitation), "cr-1", 3)
    ResponseFactory(campaign=campaign, invitation=invitations[2])  # opened, not answered

    html = page_of(client, executive, campaign)

    assert "Response rate 50.0% (2 of 4 invitations)" in html


def test_export_links_are_shown_to_consultants_and_not_to_executives(
    client, executive, consultant, varied_campaign
):
    csv_url = reverse("reports:answers_csv", args=[varied_campaign.pk])

    assert csv_url not in page_of(client, executive, varied_campaign)
    assert csv_url in page_of(client, consultant, varied_campaign)


def bigger_model():
    """The small model with three times as many questions in every process area."""
    document = model_document(slug="bigger-model")
    for level in document["levels"]:
        for area in level["process_areas"]:
            area["questions"] = [
                {"key": f"{question['key']}-{copy}", "text": f"{question['text']} ({copy})"}
                for question in area["questions"]
                for copy in range(3)
            ]
    return import_document(document)


def populated_campaign(organization, maturity_model, respondents: int):
    campaign = CampaignFactory(
        organization=organization, maturity_model=maturity_model, target_level=3
    )
    unit = UnitFactory(organization=organization)
    keys = list(maturity_model.questions.values_list("key", flat=True))
    for index in range(respondents):
        respond(campaign, {key: (index + i) % 5 for i, key in enumerate(keys)}, unit=unit)
    return campaign


def test_page_query_count_does_not_grow_with_respondents_or_questions(
    client, executive, maturity_model, django_assert_max_num_queries
):
    organization = executive.memberships.get().organization
    client.force_login(executive)
    small = populated_campaign(organization, maturity_model, respondents=3)
    large = populated_campaign(organization, bigger_model(), respondents=12)

    counts = []
    for campaign in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(results_url(campaign)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(14):
        client.get(results_url(large))


def test_an_organization_below_level_1_is_told_so(client, executive, campaign):
    document = model_document(slug="model-with-a-first-level")
    first, second = document["levels"][0], document["levels"][1]
    first["process_areas"], second["process_areas"] = second["process_areas"], []
    campaign.maturity_model = import_document(document)
    campaign.save()
    respond(campaign, {"cr-1": 0, "cr-2": 0, "mo-1": 0})

    html = page_of(client, executive, campaign)

    assert results_document_of(campaign)["achieved_level"] == {"number": 0, "name": None}
    assert "Not yet level 1" in html
    assert "Level 1 · Initial" in html.split('id="blockers"')[1]


def test_a_chart_left_out_is_explained_in_its_place(client, executive, campaign):
    unit = UnitFactory(organization=campaign.organization)
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 3}, unit=unit)
    respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 3}, unit=unit)

    html = page_of(client, executive, campaign)

    assert 'id="figure-unit-heatmap"' not in html
    assert "units where at least 3 people answered; no unit has that many yet" in html
    assert 'id="figure-answer-spread"' not in html
    assert "People broadly agree" in html


def test_under_rule_every_an_area_short_through_a_question_names_it_not_a_negative_shortfall(
    client, executive, campaign
):
    # Customer requirements (threshold 50%): 100% and 25%, a mean of 62.5% that reaches
    # the threshold, but rule "every" wants each question to.
    campaign.maturity_model = import_document({**model_document(slug="every"), "rule": "every"})
    campaign.save()
    respond(campaign, {"cr-1": 4, "cr-2": 1, "mo-1": 4})

    html = page_of(client, executive, campaign)

    assert [
        "2",
        "Customer requirements",
        "Not yet in place",
        "62.5%",
        "50.0%",
        "1 question below",
    ] in (table_rows(html))
    assert "<strong>1 question below</strong> it" in html
    assert "-12.5" not in html
