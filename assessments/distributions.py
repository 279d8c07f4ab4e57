"""How many people chose each option of the scale, question by question.

Scores and spreads come from tallies (assessments/aggregates.py); a discussion needs the
shape behind them, e.g. two camps at the ends of the scale rather than everyone in the
middle. One GROUP BY returns a row per question and value, never one per answer, and its
result is cached with the campaign's results: it changes only when the answers do.
"""

from collections import defaultdict
from collections.abc import Collection

from django.core.cache import cache
from django.db.models import Count

from assessments.models import Answer, Campaign
from assessments.results import cache_key


def answer_counts(campaign: Campaign, question_ids: Collection[int]) -> dict[int, dict[int, int]]:
    """People per scale value, by question id, for the questions asked about only.

    N/A answers are left out: they are not on the scale (the question's tally counts them).
    A value nobody chose is absent from its question's counts.
    """
    if not question_ids:
        return {}
    every_question = all_answer_counts(campaign)
    return {pk: every_question[pk] for pk in question_ids if pk in every_question}


def all_answer_counts(campaign: Campaign) -> dict[int, dict[int, int]]:
    key = cache_key(campaign, "answer-counts")
    counts = cache.get(key)
    if counts is None:
        counts = count_answers(campaign.pk)
        cache.set(key, counts, timeout=None)
    return counts


def count_answers(campaign_id: int) -> dict[int, dict[int, int]]:
    rows = (
        Answer.objects.filter(response__campaign_id=campaign_id, value__isnull=False)
        .values("question_id", "value")
        .annotate(people=Count("id"))
        .order_by()
        .values_list("question_id", "value", "people")
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, value, people in rows:
        counts[question_id][value] = people
    return dict(counts)
