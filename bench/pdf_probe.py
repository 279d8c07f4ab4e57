"""Render one campaign's PDF report twice in a fresh process: first and warm time, memory.

Run by bench.measures in a subprocess, so the memory it reports is the report's own.
"""

import json
import resource
import sys
import time

import django


def main(campaign_id: int):
    django.setup()
    from assessments.selectors import campaign_for_results
    from reports.pdf import render_report_pdf

    campaign = campaign_for_results(campaign_id)
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        pdf = render_report_pdf(campaign)
        timings.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps({"first": timings[0], "warm": timings[1], "peak_mb": peak_mb, "bytes": len(pdf)})
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
