"""The results page's body, rendered once for each state of everything it shows.

Rendering the body (some 120 KB: headline, gaps, charts with their tables, every area's
questions) cost about eight times the rest of the request. It is kept in the cache under
a key read in three small queries, without computing any results: every campaign on the
same model (the campaign itself, its earlier rounds and the other organizations it is
compared with: their answers versions, settings and dates), the campaign's invitations
and the consultant's review, and the day it is as of. Of the viewer only two things
enter the key, and the body: whether they may export answers and whether they may open
the admin; it is rendered without the request, so nothing else of theirs can end up in
another viewer's page.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.models import AreaReview, Campaign, Invitation
from assessments.review import campaign_review
from config.release import RELEASE
from reports.comparisons import comparisons_for
from reports.figures import report_figures
from reports.selectors import results_report

TEMPLATE = "reports/_results_body.html"
# The key carries the day (the page says "results as of"); a day is all a body can live.
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class ResultsBody:
    html: str
    has_charts: bool


def results_body(campaign: Campaign, *, can_export: bool, is_staff: bool) -> ResultsBody:
    key = body_key(campaign, can_export=can_export, is_staff=is_staff)
    body = cache.get(key)
    if body is None:
        body = render_body(campaign, can_export=can_export, is_staff=is_staff)
        cache.set(key, body, timeout=TIMEOUT)
    return body


def render_body(campaign: Campaign, *, can_export: bool, is_staff: bool) -> ResultsBody:
    report = results_report(campaign)
    figures = report_figures(report)
    context = {
        "report": report,
        "figures": figures,
        "can_export": can_export,
        "is_staff": is_staff,
        "review": campaign_review(campaign),
        "comparisons": comparisons_for(campaign),
    }
    return ResultsBody(html=render_to_string(TEMPLATE, context), has_charts=bool(figures))


# What the results, the trend and the benchmark read of each campaign on the same model.
CAMPAIGN_STATE = (
    "pk",
    "organization_id",
    "maturity_model_id",
    "name",
    "status",
    "opens_at",
    "closes_at",
    "created_at",
    "target_level",
    "anonymity_minimum",
    "disagreement_threshold",
    "answers_version",
    "executives_see",
    "results_reviewed_at",
    "results_reviewed_by_id",
    "results_reviewed_version",
)


def body_key(campaign: Campaign, *, can_export: bool, is_staff: bool) -> str:
    """Everything the body shows depends on one of these; a change to any is a new key.

    The campaigns are read plainly rather than as the trend and the benchmark pick them:
    Django takes longer to compile those queries than the database takes to run them.
    """
    model = campaign.maturity_model
    campaigns = Campaign.objects.filter(maturity_model__slug=model.slug).order_by("pk")
    invitations = Invitation.objects.filter(campaign=campaign).aggregate(
        count=Count("id"), newest=Max("id")
    )
    reviews = AreaReview.objects.filter(campaign=campaign).aggregate(
        count=Count("id"), newest=Max("id"), changed=Max("updated_at")
    )
    parts = (
        RELEASE,
        campaign.pk,
        campaign.organization.name,
        model.updated_at,
        timezone.localdate(),
        # Ids only grow: a count and the newest id change whenever the set changes.
        *invitations.values(),
        *reviews.values(),
        can_export,
        is_staff,
        *campaigns.values_list(*CAMPAIGN_STATE),
    )
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return f"results-page:{digest}"
