"""The data-side measures: import rate, results against a raw GROUP BY, 5,000 vs 50."""

import time

from django.db import connection

from assessments.results import campaign_results
from assessments.services import import_responses
from bench.data import campaign, largest_shipped_model, responses_file
from bench.timing import median_seconds

RAW_GROUP_BY = """
    SELECT a.question_id, COUNT(a.value), SUM(a.value), SUM(a.value * a.value),
           COUNT(*) - COUNT(a.value)
    FROM assessments_answer a JOIN assessments_response r ON r.id = a.response_id
    WHERE r.campaign_id = %s
    GROUP BY a.question_id
"""


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def build_campaign(name: str, respondents: int):
    target = campaign(name, largest_shipped_model())
    import_responses(campaign=target, data=responses_file(target, respondents))
    return target


def import_rate(respondents: int):
    target = campaign(f"{respondents} respondents", largest_shipped_model())
    data = responses_file(target, respondents)
    started = time.perf_counter()
    summary = import_responses(campaign=target, data=data)
    seconds = time.perf_counter() - started
    rate = summary.answers / seconds
    row = (
        f"answers imported per second ({summary.answers} answers)",
        f"{rate:,.0f}/s",
        "20,000/s",
        f"{rate / 20_000:.2f}",
        ">= 1",
        verdict(rate >= 20_000),
    )
    return target, row


def raw_group_by(campaign_id: int):
    with connection.cursor() as cursor:
        cursor.execute(RAW_GROUP_BY, [campaign_id])
        cursor.fetchall()


def results_rows(big, small):
    results_big = median_seconds(lambda: campaign_results(big))
    raw = median_seconds(lambda: raw_group_by(big.pk))
    results_small = median_seconds(lambda: campaign_results(small))
    against_raw = results_big / raw
    against_small = results_big / results_small
    return [
        (
            "results of the large campaign vs one raw SQL GROUP BY",
            f"{results_big * 1000:.1f} ms",
            f"{raw * 1000:.1f} ms",
            f"{against_raw:.2f}",
            "<= 2",
            verdict(against_raw <= 2),
        ),
        (
            "results of the large campaign vs 50 respondents",
            f"{results_big * 1000:.1f} ms",
            f"{results_small * 1000:.1f} ms",
            f"{against_small:.2f}",
            "<= 1.5",
            verdict(against_small <= 1.5),
        ),
    ]


def report_rows(big):
    return []
