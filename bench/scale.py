"""Every consultant's and executive's page of one large campaign, timed: `python -m
bench.scale [--people 10000]` (PostgreSQL with DATABASE_URL, as `make bench`).

Not a ratio and not in `make bench`: it answers "how long does a consultant wait on a
campaign of 10,000 people", page by page, with its statement count, and ends by deleting
the campaign in the admin. docs/benchmarks.md keeps what it printed.
"""

import argparse
import sys
import time

from bench.database import prepare_environment


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--people", type=int, default=10_000)
    options = parser.parse_args(argv)
    database = prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_models", verbosity=0)
    print(f"{database}, a campaign of {options.people:,} people")
    for line in timed_pages(options.people):
        print(line)
    return 0


def timed_pages(people: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.invitations import create_invitations
    from assessments.models import Invitation, Response
    from bench.measures import build_campaign

    started = time.perf_counter()
    campaign = build_campaign("scale", people)
    create_invitations(campaign=campaign, count=people)
    yield f"built in {time.perf_counter() - started:.0f} s"
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.create_superuser("bench-scale"))
    pk = campaign.pk
    response = Response.objects.filter(campaign=campaign).first()
    invitation = Invitation.objects.filter(campaign=campaign).first()
    pages = {
        "admin: campaigns": "/admin/assessments/campaign/",
        "admin: the campaign": f"/admin/assessments/campaign/{pk}/change/",
        "admin: review of results": f"/admin/assessments/campaign/{pk}/review/",
        "admin: invitations": f"/admin/assessments/invitation/?campaign__id__exact={pk}",
        "admin: an invitation": f"/admin/assessments/invitation/{invitation.pk}/change/",
        "admin: responses": f"/admin/assessments/response/?campaign__id__exact={pk}",
        "admin: a response": f"/admin/assessments/response/{response.pk}/change/",
        "results page": reverse("reports:results", args=[pk]),
        "discussion agenda": reverse("reports:discussion", args=[pk]),
        "action plan": reverse("reports:actions", args=[pk]),
        "results document (JSON)": reverse("reports:results_json", args=[pk]),
        "answers (CSV)": reverse("reports:answers_csv", args=[pk]),
        "answers (XLSX)": reverse("reports:answers_xlsx", args=[pk]),
        "admin: confirm deleting the campaign": f"/admin/assessments/campaign/{pk}/delete/",
    }
    yield "| page | status | time | statements | size |"
    yield "|---|---|---|---|---|"
    for name, url in pages.items():
        client.get(url)  # the second visit is timed: caches warm, as people find them
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            page = client.get(url)
            seconds = time.perf_counter() - started
        # Prepared exports are streamed from storage.
        body = b"".join(page.streaming_content) if page.streaming else page.content
        size = len(body) / 1024
        yield f"| {name} | {page.status_code} | {seconds:.2f} s | {len(queries)} | {size:,.0f} KB |"
    started = time.perf_counter()
    page = client.post(f"/admin/assessments/campaign/{pk}/delete/", {"post": "yes"})
    seconds = time.perf_counter() - started
    yield f"| admin: delete the campaign | {page.status_code} | {seconds:.2f} s | | |"


if __name__ == "__main__":
    sys.exit(main())
