"""Which groups may be shown apart (assessments/anonymity.py): never one small enough to
single people out, directly or by taking the groups shown away from the whole."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.anonymity import shown_groups

group_sizes = st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(1, 12), max_size=7)


def test_a_group_below_the_minimum_is_not_shown():
    # Ops and one person who named no unit are three: enough to hide among.
    assert shown_groups({"Sales": 5, "Ops": 2, "Support": 3}, respondents=11, minimum=3) == {
        "Sales",
        "Support",
    }


def test_when_the_rest_is_too_few_the_smallest_group_shown_joins_them():
    # Ops (1) alone would be the whole less Sales and Support.
    shown = shown_groups({"Sales": 5, "Support": 3, "Ops": 1}, respondents=9, minimum=3)

    assert shown == {"Sales"}


def test_people_who_named_no_group_count_among_the_rest():
    assert shown_groups({"Sales": 4}, respondents=5, minimum=3) == set()
    assert shown_groups({"Sales": 4}, respondents=7, minimum=3) == {"Sales"}
    assert shown_groups({"Sales": 4, "Ops": 3}, respondents=7, minimum=3) == {"Sales", "Ops"}


@given(sizes=group_sizes, unnamed=st.integers(0, 6), minimum=st.integers(1, 6))
def test_nobody_can_be_singled_out_by_the_groups_shown_or_by_the_rest(sizes, unnamed, minimum):
    respondents = sum(sizes.values()) + unnamed

    shown = shown_groups(sizes, respondents=respondents, minimum=minimum)

    assert all(sizes[name] >= minimum for name in shown)
    rest = respondents - sum(sizes[name] for name in shown)
    # With no group shown there is nothing to take away from the whole.
    assert not shown or rest == 0 or rest >= minimum


@given(sizes=group_sizes, unnamed=st.integers(0, 6), minimum=st.integers(1, 6))
def test_groups_are_left_out_only_as_far_as_needed(sizes, unnamed, minimum):
    respondents = sum(sizes.values()) + unnamed
    large = {name for name, size in sizes.items() if size >= minimum}

    shown = shown_groups(sizes, respondents=respondents, minimum=minimum)

    rest_of_large = respondents - sum(sizes[name] for name in large)
    if rest_of_large == 0 or rest_of_large >= minimum:
        assert shown == large
    else:
        assert len(shown) < len(large) or not large
