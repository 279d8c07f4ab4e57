"""Which units and roles may be shown apart without singling anybody out.

A group is broken out only when at least the campaign's anonymity minimum of people
answered in it. That alone is not enough, because the whole campaign is always shown:
take the groups shown away from the whole and what is left are the answers of everybody
else. So the people left out (those of smaller groups and those who named no group)
must number at least the minimum too, or none at all; until they do, the smallest group
shown joins them.
"""

from collections.abc import Mapping


def shown_groups(counts: Mapping[str, int], *, respondents: int, minimum: int) -> set[str]:
    """The groups that may be shown, given the respondents of each named group and of the
    whole campaign."""
    shown = sorted((count, name) for name, count in counts.items() if count >= minimum)
    left_out = respondents - sum(count for count, _ in shown)
    while shown and 0 < left_out < minimum:
        count, _ = shown.pop(0)
        left_out += count
    return {name for _, name in shown}
