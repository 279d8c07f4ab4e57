"""Numbers as the results page and the PDF show them: one formatting for both."""

from django import template

from reports import selectors

register = template.Library()

register.filter("percent", selectors.percent)
register.filter("points", selectors.points)


@register.filter
def score_of(unit, area_key: str) -> float | None:
    """A unit's score for one process area (templates cannot index a dict by a variable)."""
    return unit.scores.get(area_key)


@register.filter
def bar_width(share: float | None) -> str:
    """A share as a CSS width, for the score bars: 0.625 → "62.5%"."""
    return f"{min(max(share or 0.0, 0.0), 1.0) * 100:.2f}%"
