"""The data-side measures: import rate, results against a raw GROUP BY, 5,000 vs 50."""

import time

from django.db import connection

from assessments.results import campaign_results, compute_results
from assessments.services import import_responses
from bench.data import campaign, largest_shipped_model, responses_file
from bench.timing import median_seconds, paired_median_seconds

# The sums the results need, as the results query writes them (values widened before
# squaring: PostgreSQL's smallint product overflows past 181).
RAW_GROUP_BY = """
    SELECT a.question_id, COUNT(a.value), SUM(a.value),
           SUM(CAST(a.value AS integer) * CAST(a.value AS integer)),
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
    """Computing results (no cache) against the raw GROUP BY it rests on; then results as
    pages get them (cached per answer version), for 5,000 against 50 respondents."""
    computed, raw = paired_median_seconds(
        lambda: compute_results([big]), lambda: raw_group_by(big.pk)
    )
    # Served results take a fraction of a millisecond: many more runs, so that a moment's
    # noise on the machine cannot decide the ratio.
    served_big, served_small = paired_median_seconds(
        lambda: campaign_results(big), lambda: campaign_results(small), repeat=201
    )
    cold_small = median_seconds(lambda: compute_results([small]))
    against_raw = computed / raw
    against_small = served_big / served_small
    return [
        (
            "computing results of the large campaign vs one raw SQL GROUP BY",
            f"{computed * 1000:.1f} ms",
            f"{raw * 1000:.1f} ms",
            f"{against_raw:.2f}",
            "<= 2",
            verdict(against_raw <= 2),
        ),
        (
            "results as served (cached per answer version): large campaign vs 50 respondents",
            f"{served_big * 1000:.2f} ms",
            f"{served_small * 1000:.2f} ms",
            f"{against_small:.2f}",
            "<= 1.5",
            verdict(against_small <= 1.5),
        ),
        (
            "computing results uncached: large campaign vs 50 respondents (for the record)",
            f"{computed * 1000:.1f} ms",
            f"{cold_small * 1000:.1f} ms",
            f"{computed / cold_small:.2f}",
            "",
            "grows with answers: the GROUP BY reads each once",
        ),
    ]


def report_rows(big):
    """The PDF report in a fresh process: first render (starts Chromium) and a warm one."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    output = subprocess.run(
        [sys.executable, "-m", "bench.pdf_probe", str(big.pk)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    probe = json.loads(output.strip().splitlines()[-1])
    return [
        (
            "PDF report: warm render vs first (first starts the chart browser)",
            f"{probe['warm']:.2f} s",
            f"{probe['first']:.2f} s",
            f"{probe['warm'] / probe['first']:.2f}",
            "< 1",
            verdict(probe["warm"] < probe["first"]),
        ),
        (
            "PDF report: peak memory of the rendering process",
            f"{probe['peak_mb']:.0f} MB",
            "",
            "",
            "",
            f"{probe['bytes'] // 1024} KB PDF",
        ),
    ]
