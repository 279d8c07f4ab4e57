"""The consultant's word on a process area, looked up by the report's templates."""

from django import template

register = template.Library()


@register.filter
def verdict_for(review, area_key: str):
    """The consultant's verdict on one area, or None (templates cannot call with an argument)."""
    return review.of(area_key) if review else None
