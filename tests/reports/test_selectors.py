from reports.selectors import percent, points, results_report
from tests.factories import SMALL_MODEL, CampaignFactory, import_document, respond


def gap_keys(report):
    return [area.key for area in report.summary_gaps]


def test_scores_read_as_percentages_of_the_scale_and_shortfalls_as_points():
    assert percent(0.8125) == "81.3%"
    assert percent(0.0) == "0.0%"
    assert percent(0.4167) == "41.7%"
    assert percent(1.0) == "100.0%"
    assert percent(None) == "—"
    assert points(0.25) == "25.0 points"
    assert points(None) == "—"


def test_most_important_gaps_come_lowest_level_first_then_by_largest_shortfall(campaign):
    respond(campaign, {"cr-1": 1, "cr-2": 1, "mo-1": 0})  # cr 25 points short, mo 75

    report = results_report(campaign)

    assert gap_keys(report) == ["monitoring", "customer-requirements", "standard-process"]


def test_an_area_nobody_rated_comes_after_the_rated_gaps_of_its_level(campaign):
    respond(campaign, {"cr-1": 1, "cr-2": 0})  # monitoring and level 3 not rated

    report = results_report(campaign)

    assert gap_keys(report) == ["customer-requirements", "monitoring", "standard-process"]
    assert [area.status for area in report.summary_gaps] == [
        "not_satisfied",
        "not_rated",
        "not_rated",
    ]


def test_weakest_questions_are_the_rated_ones_with_the_lowest_scores(campaign):
    respond(campaign, {"sp-1": 1, "sp-2": None})
    respond(campaign, {"sp-1": 2, "sp-2": None})

    standard_process = next(
        a for a in results_report(campaign).areas if a.key == "standard-process"
    )

    assert [q.key for q in standard_process.weakest_questions] == ["sp-1"]


def test_scores_carry_the_rounding_of_the_results_document(campaign):
    respond(campaign, {"cr-1": 1, "cr-2": 2, "mo-1": 0})
    respond(campaign, {"cr-1": 2, "cr-2": 2, "mo-1": 0})
    respond(campaign, {"cr-1": 2, "cr-2": 2, "mo-1": 0})

    requirements = results_report(campaign).areas[0]

    assert requirements.questions[0].score == 0.4167  # 5/12, to four decimals
    assert requirements.questions[0].stdev == 0.1179


def test_once_the_target_is_reached_the_next_level_shows_what_it_would_take(campaign):
    campaign.target_level = 2
    campaign.save()
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": 4, "sp-1": 0})

    report = results_report(campaign)

    assert report.target_reached
    assert report.gaps == ()
    assert [level.number for level in report.blocking_levels] == [3]


def test_with_every_level_in_place_nothing_blocks(campaign):
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": 4, "sp-1": 4, "sp-2": 4})

    report = results_report(campaign)

    assert report.achieved_level == {"number": 3, "name": "Organizational"}
    assert report.blocking_levels == ()


def test_under_rule_every_an_area_short_through_one_question_says_so_not_a_negative_shortfall(
    db,
):
    campaign = CampaignFactory(
        maturity_model=import_document({**SMALL_MODEL, "slug": "small-every", "rule": "every"})
    )
    respond(campaign, {"cr-1": 4, "cr-2": 1, "mo-1": 1})  # cr: 100% and 25%, threshold 50%

    areas = {area.key: area for area in results_report(campaign).summary_gaps}

    requirements, monitoring = areas["customer-requirements"], areas["monitoring"]
    assert (requirements.status, requirements.shortfall) == ("not_satisfied", -0.125)
    assert not requirements.short_on_average
    assert [question.key for question in requirements.questions_below] == ["cr-2"]
    assert requirements.shortfall_text == "1 question below"
    assert monitoring.short_on_average  # below on average too: the points say it
    assert monitoring.shortfall_text == points(monitoring.shortfall)
