"""The scoring rule, clause by clause, then its properties on random models.

Pure data in, pure data out: no database, no Django.
"""

import math
import random
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    NOT_APPLICABLE,
    NOT_RATED,
    NOT_SATISFIED,
    RULE_EVERY,
    RULE_MEAN,
    SATISFIED,
    TOLERANCE,
    AreaSpec,
    LevelSpec,
    ModelSpec,
    QuestionSpec,
    Tally,
    is_disagreement,
    score_area,
    score_campaign,
    score_question,
)

# --- Building models and answers by hand --------------------------------------------------


def area(key, *questions, threshold=0.75):
    """An area whose questions are keys or (key, weight) pairs."""
    specs = tuple(
        QuestionSpec(*question) if isinstance(question, tuple) else QuestionSpec(question)
        for question in questions
    )
    return AreaSpec(key=key, name=key.upper(), threshold=threshold, questions=specs)


def model(*levels, rule=RULE_MEAN, scale=(0, 4)):
    """A model whose levels, given as tuples of areas, are numbered from 1."""
    level_specs = tuple(
        LevelSpec(number=number, name=f"Level {number}", areas=tuple(areas))
        for number, areas in enumerate(levels, start=1)
    )
    return ModelSpec(rule=rule, scale_min=scale[0], scale_max=scale[1], levels=level_specs)


def tallies(**answers):
    """Tallies from raw answer lists per question key (None = N/A)."""
    return {key: Tally.of(values) for key, values in answers.items()}


def statuses(result):
    return {a.key: a.status for level in result.levels for a in level.areas}


# --- Rule 1: normalization, N/A -----------------------------------------------------------


def test_a_value_counts_as_its_position_between_the_ends_of_the_scale():
    def score(value):
        return score_question(QuestionSpec("q"), Tally.of([value]), 1, 5).score

    assert score(1) == 0.0
    assert score(3) == 0.5
    assert score(5) == 1.0
    assert score_question(QuestionSpec("q"), Tally.of([2]), 1, 7).score == pytest.approx(1 / 6)


def test_n_a_answers_count_nowhere():
    question = score_question(QuestionSpec("q"), Tally.of([4, None, None, 2]), 0, 4)

    assert question.score == 0.75
    assert question.answers == 2
    assert question.na == 2


def test_a_scale_without_room_between_its_ends_is_refused():
    with pytest.raises(ValueError):
        score_question(QuestionSpec("q"), Tally.of([3]), 3, 3)
    with pytest.raises(ValueError):
        score_campaign(model((area("a", "q"),), scale=(5, 1)), tallies(q=[3]))


# --- Rule 2: question score -----------------------------------------------------------------


def test_a_question_score_is_the_mean_of_its_respondents_values():
    assert score_question(QuestionSpec("q"), Tally.of([0, 1, 4, 3]), 0, 4).score == 0.5


@given(
    st.integers(-50, 50),
    st.integers(1, 60),
    st.lists(st.integers(0, 60), min_size=1, max_size=40),
)
def test_a_question_score_is_the_float_nearest_the_true_mean(low, span, offsets):
    values = [low + min(offset, span) for offset in offsets]
    exact = Fraction(sum(values) - len(values) * low, len(values) * span)

    score = score_question(QuestionSpec("q"), Tally.of(values), low, low + span).score

    assert score == float(exact)  # float(Fraction) rounds correctly


def test_a_question_with_no_value_is_unrated():
    only_na = score_question(QuestionSpec("q"), Tally.of([None]), 0, 4)
    nobody = score_question(QuestionSpec("q"), Tally(), 0, 4)

    assert only_na.score is None
    assert only_na.stdev is None
    assert nobody.score is None
    assert nobody.answers == 0


# --- Rule 3: area score -------------------------------------------------------------------


def test_an_unrated_question_is_ignored_in_the_area_weighted_mean():
    spec_model = model((area("a", "q1", "q2", "q3"),))
    spec = spec_model.levels[0].areas[0]

    result = score_area(spec, tallies(q1=[4], q2=[None]), spec_model)

    assert result.score == 1.0
    assert [q.score for q in result.questions] == [1.0, None, None]


def test_weights_change_the_area_score():
    even = model((area("a", "q1", "q2"),))
    heavy_first = model((area("a", ("q1", 3.0), ("q2", 1.0)),))
    answers = tallies(q1=[4], q2=[0])

    assert score_campaign(even, answers).area("a").score == 0.5
    assert score_campaign(heavy_first, answers).area("a").score == 0.75


def test_an_area_score_is_the_weighted_sum_over_the_sum_of_weights_as_written():
    # The exact mean is 0.94375; computed so, to the last bit, it rounds to 0.9438 at 4
    # decimals, as a reader checking it by hand finds. Weights divided by the largest first
    # came out a bit lower, at 0.9437.
    weighted = model((area("a", ("q1", 3.7), ("q2", 0.3)),))

    score = score_campaign(weighted, tallies(q1=[4], q2=[1])).area("a").score

    assert score == (3.7 * 1.0 + 0.3 * 0.25) / (3.7 + 0.3)
    assert round(score, 4) == 0.9438


@pytest.mark.parametrize(
    ("heavy", "light"),
    [(sys.float_info.max, sys.float_info.max / 3), (1e308, 1e308 / 3), (3e-320, 1e-320)],
)
def test_huge_or_tiny_weights_give_the_same_area_score_as_ordinary_ones(heavy, light):
    answers = tallies(q1=[4], q2=[0], q3=[2])
    ordinary = model((area("a", ("q1", 3.0), ("q2", 1.0), ("q3", 3.0)),))
    extreme = model((area("a", ("q1", heavy), ("q2", light), ("q3", heavy)),))

    expected = score_campaign(ordinary, answers).area("a")
    result = score_campaign(extreme, answers).area("a")

    assert result.score == pytest.approx(expected.score, rel=1e-12)  # 5/7, not NaN nor 0
    assert result.status == expected.status


def test_an_area_without_rated_question_has_no_score():
    result = score_campaign(model((area("a", "q1", "q2"),)), tallies(q1=[None]))

    assert result.area("a").score is None
    assert result.area("a").shortfall is None


# --- Rule 4: area status ------------------------------------------------------------------


def test_a_score_equal_to_the_threshold_satisfies_it():
    result = score_campaign(model((area("a", "q", threshold=0.75),)), tallies(q=[3, 3]))

    assert result.area("a").score == 0.75
    assert result.area("a").status == SATISFIED
    assert result.achieved_level == 1


def test_a_score_equal_to_the_threshold_up_to_floating_error_satisfies_it():
    weighted = model((area("a", ("q1", 0.1), ("q2", 0.3), threshold=0.75),))

    result = score_campaign(weighted, tallies(q1=[0], q2=[4]))

    assert result.area("a").score < 0.75  # 0.7499999999999999
    assert result.area("a").score == pytest.approx(0.75)
    assert result.area("a").status == SATISFIED


def test_a_score_below_the_threshold_beyond_the_tolerance_does_not_satisfy_it():
    just_above = 0.75 + 10 * TOLERANCE
    result = score_campaign(model((area("a", "q", threshold=just_above),)), tallies(q=[3]))

    assert result.area("a").status == NOT_SATISFIED
    assert result.area("a").shortfall == pytest.approx(10 * TOLERANCE)
    assert result.achieved_level == 0


def test_an_area_answered_only_n_a_is_not_applicable_and_does_not_block_its_level():
    spec = model((area("a", "q1"), area("b", "q2", "q3")))

    result = score_campaign(spec, tallies(q1=[4], q2=[None, None], q3=[None]))

    assert result.area("b").status == NOT_APPLICABLE
    assert result.level(1).achieved
    assert result.achieved_level == 1
    assert result.gaps == ()


def test_an_area_nobody_answered_is_not_rated_blocks_its_level_and_is_a_gap():
    spec = model((area("a", "q1"), area("b", "q2")))

    result = score_campaign(spec, tallies(q1=[4]))

    assert result.area("b").status == NOT_RATED
    assert not result.level(1).achieved
    assert result.achieved_level == 0
    assert [(gap.level, gap.area.key, gap.status) for gap in result.gaps] == [(1, "b", NOT_RATED)]
    assert result.gaps[0].shortfall is None


def test_rule_every_needs_each_rated_question_at_the_threshold_where_mean_does_not():
    areas = (area("a", "q1", "q2", "q3", threshold=0.7),)
    answers = tallies(q1=[4], q2=[2], q3=[None])  # scores 1.0 and 0.5, mean 0.75

    by_mean = score_campaign(model(areas, rule=RULE_MEAN), answers)
    by_every = score_campaign(model(areas, rule=RULE_EVERY), answers)

    assert by_mean.area("a").status == SATISFIED
    assert by_every.area("a").status == NOT_SATISFIED
    assert by_every.area("a").score == 0.75


def test_rule_every_ignores_unrated_questions_and_allows_the_tolerance():
    areas = (area("a", ("q1", 0.1), ("q2", 0.2), "q3", threshold=0.75),)

    result = score_campaign(model(areas, rule=RULE_EVERY), tallies(q1=[3], q2=[3], q3=[None]))

    assert result.area("a").status == SATISFIED


# --- Rules 5 and 6: levels ----------------------------------------------------------------


def test_a_higher_level_satisfied_does_not_count_while_a_lower_one_is_not_achieved():
    spec = model((area("a1", "q1"),), (area("a2", "q2"),), (area("a3", "q3"),))

    result = score_campaign(spec, tallies(q1=[4], q2=[0], q3=[4]))

    assert result.area("a3").status == SATISFIED
    assert [level.achieved for level in result.levels] == [True, False, False]
    assert result.achieved_level == 1


def test_the_achieved_level_is_zero_when_level_one_is_not_achieved():
    spec = model((area("a1", "q1"),), (area("a2", "q2"),))

    result = score_campaign(spec, tallies(q1=[1], q2=[4]))

    assert result.achieved_level == 0
    assert result.area("a2").status == SATISFIED


def test_level_one_without_process_areas_is_achieved():
    result = score_campaign(model((), (area("a2", "q2"),)), tallies(q2=[4]))

    assert result.level(1).achieved
    assert result.achieved_level == 2


def test_a_level_without_process_areas_is_achieved_when_the_level_below_is():
    spec = model((area("a1", "q1"),), ())

    assert score_campaign(spec, tallies(q1=[4])).achieved_level == 2
    assert score_campaign(spec, tallies(q1=[0])).achieved_level == 0
    assert not score_campaign(spec, tallies(q1=[0])).level(2).achieved


def test_the_achieved_level_is_the_highest_of_the_chain_of_achieved_levels():
    spec = model((area("a1", "q1"),), (area("a2", "q2"),), (area("a3", "q3"),))

    assert score_campaign(spec, tallies(q1=[4], q2=[4], q3=[0])).achieved_level == 2
    assert score_campaign(spec, tallies(q1=[4], q2=[4], q3=[4])).achieved_level == 3


# --- Rule 7: gaps -------------------------------------------------------------------------

FOUR_LEVELS = model(
    (area("a1", "q1"),),
    (area("a2", "q2"), area("b2", "q3"), area("c2", "q4")),
    (area("a3", "q5"),),
    (area("a4", "q6"),),
)
# Level 1 achieved; level 2: a2 satisfied, b2 not satisfied, c2 not rated; a3 not applicable;
# a4 not satisfied.
FOUR_LEVELS_ANSWERS = tallies(q1=[4], q2=[4], q3=[1, 2], q5=[None], q6=[0])


def gap_keys(result):
    return [(gap.level, gap.area.key) for gap in result.gaps]


def test_gaps_run_from_the_first_level_not_achieved_to_the_top_without_a_target():
    result = score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS)

    assert result.achieved_level == 1
    assert gap_keys(result) == [(2, "b2"), (2, "c2"), (4, "a4")]
    assert [gap.status for gap in result.gaps] == [NOT_SATISFIED, NOT_RATED, NOT_SATISFIED]


def test_gaps_stop_at_the_target_level():
    result = score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS, target_level=3)

    assert gap_keys(result) == [(2, "b2"), (2, "c2")]


def test_gaps_include_the_levels_above_the_achieved_one_even_when_satisfied_there_alone():
    answers = tallies(q1=[0], q2=[4], q3=[4], q4=[4], q5=[None], q6=[0])

    result = score_campaign(FOUR_LEVELS, answers, target_level=4)

    assert result.achieved_level == 0
    assert gap_keys(result) == [(1, "a1"), (4, "a4")]


def test_there_is_no_gap_when_the_target_is_at_or_below_the_achieved_level():
    assert score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS, target_level=1).gaps == ()
    assert score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS, target_level=0).gaps == ()


def test_a_gap_shortfall_is_the_threshold_minus_the_score():
    result = score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS, target_level=2)

    assert result.gaps[0].shortfall == pytest.approx(0.75 - 0.375)
    assert result.gaps[1].shortfall is None


# --- Dispersion ---------------------------------------------------------------------------


def test_the_stdev_is_the_population_stdev_of_the_normalized_values():
    assert score_question(QuestionSpec("q"), Tally.of([0, 4]), 0, 4).stdev == 0.5
    assert score_question(QuestionSpec("q"), Tally.of([3]), 0, 4).stdev == 0.0
    assert score_question(QuestionSpec("q"), Tally.of([3, 3, None]), 1, 5).stdev == 0.0
    spread = score_question(QuestionSpec("q"), Tally.of([1, 2, 3, 4, 5]), 1, 5).stdev
    assert spread == pytest.approx(math.sqrt(2) / 4)


def test_the_area_stdev_pools_every_value_of_the_area():
    result = score_campaign(model((area("a", "q1", "q2", "q3"),)), tallies(q1=[0], q2=[4]))

    assert result.area("a").stdev == 0.5
    assert [q.stdev for q in result.area("a").questions] == [0.0, 0.0, None]


def test_an_area_without_a_value_has_no_stdev():
    result = score_campaign(model((area("a", "q"),)), tallies(q=[None]))

    assert result.area("a").stdev is None


def test_a_stdev_at_the_threshold_is_a_disagreement():
    assert is_disagreement(0.25, 0.25)
    assert is_disagreement(0.25 - TOLERANCE / 10, 0.25)
    assert is_disagreement(0.3, 0.25)
    assert not is_disagreement(0.24, 0.25)
    assert not is_disagreement(None, 0.0)


# --- Tally and lookups --------------------------------------------------------------------


def test_a_tally_of_answers_sums_values_and_counts_n_a():
    assert Tally.of([1, None, 3, 4, None]) == Tally(count=3, total=8, total_squares=26, na=2)
    assert Tally.of([]) == Tally()


def test_tallies_merge_field_by_field():
    merged = Tally.of([1, None]) + Tally.of([3, 4, None])

    assert merged == Tally.of([1, None, 3, 4, None])
    assert Tally() + Tally.of([2]) == Tally.of([2])


def test_a_campaign_finds_its_levels_and_areas_by_number_and_key():
    result = score_campaign(FOUR_LEVELS, FOUR_LEVELS_ANSWERS)

    assert result.level(2).name == "Level 2"
    assert result.area("b2").name == "B2"
    assert result.level(9) is None
    assert result.area("nowhere") is None


def test_a_question_missing_from_the_tallies_has_no_answer():
    result = score_campaign(model((area("a", "q"),)), {})

    assert result.area("a").questions[0].answers == 0
    assert result.area("a").status == NOT_RATED


# --- Properties on random models ----------------------------------------------------------

# Strategies are built once: building them per example would dominate the run time.
SCALES = st.sampled_from([(0, 4), (1, 5), (1, 7)])
RULES = st.sampled_from([RULE_MEAN, RULE_EVERY])
# Any finite weight above 0 (CONTRACT.md section 4), down to the smallest subnormal.
ANY_WEIGHT = st.floats(min_value=5e-324, max_value=sys.float_info.max, allow_subnormal=True)
EXTREME_WEIGHTS = st.sampled_from([sys.float_info.max, 1e308, 1e300, 1e-300, 1e-320, 5e-324])
WEIGHTS = st.one_of(st.sampled_from([0.1, 0.2, 0.5, 1.0, 2.0, 3.0]), EXTREME_WEIGHTS, ANY_WEIGHT)
THRESHOLDS = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0.0, 1.0))
LEVEL_COUNTS = st.integers(1, 5)
AREA_COUNTS = st.integers(0, 3)
QUESTION_COUNTS = st.integers(1, 4)
ONLY_NA_AREA = st.integers(0, 3).map(lambda n: n == 0)  # so that some areas are not applicable
NA_COUNTS = st.integers(0, 2)
ANSWER_LISTS = {  # one integer per answer, the one below the scale standing for N/A
    (low, high): st.lists(st.integers(low - 1, high), max_size=4)
    for low, high in [(0, 4), (1, 5), (1, 7)]
}
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, database=None)


@st.composite
def models(draw):
    levels = []
    for number in range(1, draw(LEVEL_COUNTS) + 1):
        areas = []
        for index in range(draw(AREA_COUNTS)):
            key = f"L{number}A{index}"
            questions = tuple(
                QuestionSpec(f"{key}Q{q}", draw(WEIGHTS)) for q in range(draw(QUESTION_COUNTS))
            )
            areas.append(AreaSpec(key, key, draw(THRESHOLDS), questions))
        levels.append(LevelSpec(number, f"Level {number}", tuple(areas)))
    scale_min, scale_max = draw(SCALES)
    return ModelSpec(draw(RULES), scale_min, scale_max, tuple(levels))


@st.composite
def campaigns(draw):
    """A model with raw answers per question: lists of values or None (N/A)."""
    spec = draw(models())
    na = spec.scale_min - 1
    answer_lists = ANSWER_LISTS[(spec.scale_min, spec.scale_max)]
    answers = {}
    for level in spec.levels:
        for a in level.areas:
            only_na = draw(ONLY_NA_AREA)
            for question in a.questions:
                if only_na:
                    answers[question.key] = [None] * draw(NA_COUNTS)
                else:
                    codes = draw(answer_lists)
                    answers[question.key] = [None if c == na else c for c in codes]
    return spec, answers


def tally_all(answers):
    return {key: Tally.of(values) for key, values in answers.items()}


def naive_achieved_level(result):
    """Rules 5 and 6, recomputed from the statuses alone."""
    achieved = 0
    for level in result.levels:
        if any(a.status not in (SATISFIED, NOT_APPLICABLE) for a in level.areas):
            break
        achieved = level.number
    return achieved


@PROPERTY_SETTINGS
@given(campaigns(), st.data())
def test_raising_an_answer_never_lowers_the_achieved_level(campaign, data):
    spec, answers = campaign
    raisable = [
        (key, i)
        for key, values in answers.items()
        for i, value in enumerate(values)
        if value is not None and value < spec.scale_max
    ]
    if not raisable:
        return
    key, i = data.draw(st.sampled_from(raisable))
    raised = {k: list(values) for k, values in answers.items()}
    raised[key][i] = data.draw(st.integers(answers[key][i] + 1, spec.scale_max))

    before = score_campaign(spec, tally_all(answers))
    after = score_campaign(spec, tally_all(raised))

    assert after.achieved_level >= before.achieved_level


@PROPERTY_SETTINGS
@given(campaigns(), st.integers(0, 2**32))
def test_the_order_of_respondents_and_rows_never_changes_the_result(campaign, seed):
    spec, answers = campaign
    rng = random.Random(seed)
    reordered = {}
    for key in rng.sample(list(answers), len(answers)):  # rows in another order
        values = rng.sample(answers[key], len(answers[key]))  # respondents in another order
        reordered[key] = sum((Tally.of([value]) for value in values), Tally())

    assert score_campaign(spec, reordered) == score_campaign(spec, tally_all(answers))


@PROPERTY_SETTINGS
@given(campaigns())
def test_every_respondent_appearing_twice_changes_no_status(campaign):
    spec, answers = campaign
    doubled = {key: values + values for key, values in answers.items()}

    before = score_campaign(spec, tally_all(answers))
    after = score_campaign(spec, tally_all(doubled))

    assert statuses(after) == statuses(before)
    assert after.achieved_level == before.achieved_level


@PROPERTY_SETTINGS
@given(campaigns())
def test_a_respondent_answering_each_question_with_its_mean_changes_no_status(campaign):
    spec, answers = campaign
    with_mean = {}
    for key, values in answers.items():
        rated = [value for value in values if value is not None]
        # Only where the mean is a value of the scale, as when all answers to it are equal.
        if rated and sum(rated) % len(rated) == 0:
            with_mean[key] = [*values, sum(rated) // len(rated)]
        else:
            with_mean[key] = values  # the new respondent skips this question

    before = score_campaign(spec, tally_all(answers))
    after = score_campaign(spec, tally_all(with_mean))

    assert statuses(after) == statuses(before)
    assert after.achieved_level == before.achieved_level


@PROPERTY_SETTINGS
@given(campaigns())
def test_the_achieved_level_follows_from_the_statuses(campaign):
    spec, answers = campaign

    result = score_campaign(spec, tally_all(answers))

    assert result.achieved_level == naive_achieved_level(result)
    assert all(level.achieved == (level.number <= result.achieved_level) for level in result.levels)


@PROPERTY_SETTINGS
@given(campaigns(), st.one_of(st.none(), st.integers(0, 6)))
def test_every_gap_is_an_unsatisfied_or_unrated_area_above_the_achieved_level(campaign, target):
    spec, answers = campaign

    result = score_campaign(spec, tally_all(answers), target_level=target)

    top = spec.levels[-1].number if target is None else target
    expected = [
        (level.number, a.key)
        for level in result.levels
        for a in level.areas
        if result.achieved_level < level.number <= top and a.status in (NOT_SATISFIED, NOT_RATED)
    ]
    assert [(gap.level, gap.area.key) for gap in result.gaps] == expected
    for gap in result.gaps:
        assert gap.status in (NOT_SATISFIED, NOT_RATED)
        assert gap.level > result.achieved_level
        assert (gap.shortfall is None) == (gap.status == NOT_RATED)


def exact_weighted_mean(area_spec, area_score):
    """Rule 3 in exact fractions, from the question scores the core computed."""
    rated = [
        (Fraction(question.weight), Fraction(scored.score))
        for question, scored in zip(area_spec.questions, area_score.questions, strict=True)
        if scored.score is not None
    ]
    if not rated:
        return None
    return float(sum(w * s for w, s in rated) / sum(w for w, _ in rated))


@PROPERTY_SETTINGS
@given(campaigns())
def test_every_area_score_is_the_exact_weighted_mean_whatever_the_weights(campaign):
    spec, answers = campaign

    result = score_campaign(spec, tally_all(answers))

    for level_spec, level in zip(spec.levels, result.levels, strict=True):
        for area_spec, scored in zip(level_spec.areas, level.areas, strict=True):
            expected = exact_weighted_mean(area_spec, scored)
            if expected is None:
                assert scored.score is None
                continue
            assert math.isfinite(scored.score)
            assert scored.score == pytest.approx(expected, rel=1e-12, abs=1e-15)
            rated = [q.score for q in scored.questions if q.score is not None]
            assert min(rated) - 1e-15 <= scored.score <= max(rated) + 1e-15


def test_shuffled_tallies_of_a_fixed_example_give_the_same_result():
    answers = {"q1": [4, None, 2, 3], "q2": [0, 1, None], "q3": [None]}
    spec = model((area("a", "q1", "q2"),), (area("b", "q3"),))
    rng = random.Random(7)
    shuffled = {key: rng.sample(values, len(values)) for key, values in answers.items()}

    assert score_campaign(spec, tally_all(shuffled)) == score_campaign(spec, tally_all(answers))
