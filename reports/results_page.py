"""The results page's body, rendered once for each state of everything it shows.

Rendering the body (some 120 KB: headline, gaps, charts with their tables, every area's
questions) cost about eight times the rest of the request. It is kept in the cache under
a key read in one small statement, without computing any results: every campaign on the
same model (the campaign itself, its earlier rounds and the other organizations it is
compared with: their answers versions, settings and dates) and the consultant's review
of this one; with the campaign's invitations version and the day it is as of. Of the
viewer only two things enter the key, and the body: whether they may export answers and
whether they may open the admin; it is rendered without the request, so nothing else of
theirs can end up in another viewer's page.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from assessments.models import AreaReview, Campaign, Organization
from assessments.review import campaign_review
from config.page_shells import CSRF_PLACEHOLDER, filled_in, nothing_to_tell, viewer_stand_in
from config.release import RELEASE
from models_catalog.models import MaturityModel
from reports.comparisons import comparisons_for
from reports.figures import report_figures
from reports.selectors import results_report

TEMPLATE = "reports/_results_body.html"
PAGE = "reports/results.html"
# Raw markup, which no escaped text in the layout (the campaign's name) can ever equal.
BODY_PLACEHOLDER = "<!--results-body-->"
# The key carries the day (the page says "results as of"); a day is all a body can live.
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class ResultsBody:
    html: str
    has_charts: bool


def results_page_html(request, campaign: Campaign, *, can_export: bool) -> str:
    """The whole page. The body is kept per state of what it shows; the layout around it
    (title, navigation, scripts) per body too, as a shell filled in with the viewer's
    name and CSRF token, unless a message waits to be shown."""
    is_staff = request.user.is_staff
    key = body_key(campaign, can_export=can_export, is_staff=is_staff)
    body = cache.get_or_set(
        key, lambda: render_body(campaign, can_export=can_export, is_staff=is_staff), TIMEOUT
    )
    if not nothing_to_tell(request):
        return render_to_string(PAGE, page_context(campaign, body, body.html), request=request)
    shell = cache.get_or_set(
        f"{key}:shell", lambda: render_shell(campaign, body, is_staff=is_staff), TIMEOUT
    )
    return filled_in(shell, request).replace(BODY_PLACEHOLDER, body.html, 1)


def page_context(campaign: Campaign, body: ResultsBody, html: str) -> dict:
    return {"campaign": campaign, "body": mark_safe(html), "has_charts": body.has_charts}


def render_shell(campaign: Campaign, body: ResultsBody, *, is_staff: bool) -> str:
    context = {
        **page_context(campaign, body, BODY_PLACEHOLDER),
        "user": viewer_stand_in(is_staff=is_staff),
        "csrf_token": CSRF_PLACEHOLDER,
        "messages": (),
    }
    return render_to_string(PAGE, context)


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
    "id",
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

    One statement written out once: Django took longer to build the queries this needs
    (the campaigns as the trend and the benchmark pick them, the review's counts) than the
    database takes to run them. The values only feed the digest, so they are taken as the
    database gives them. Invitations are not counted here (that would grow with the
    campaign): their version on the campaign moves whenever they do.
    """
    with connection.cursor() as cursor:
        cursor.execute(CAMPAIGNS_ON_MODEL_AND_REVIEW, [campaign.pk, campaign.maturity_model_id])
        campaigns = cursor.fetchall()
    parts = (
        RELEASE,
        campaign.pk,
        timezone.localdate(),
        campaign.invitations_version,
        can_export,
        is_staff,
        *campaigns,
    )
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return f"results-page:{digest}"


def column_names(model, names) -> str:
    return ", ".join("c." + model._meta.get_field(name).column for name in names)


# Every campaign on any version of the campaign's model, with its organization's name and
# its model version's last change; each row also carries the review of the campaign shown,
# an aggregate of one row: ids only grow, so a count and the newest id change whenever the
# set of area reviews does.
CAMPAIGNS_ON_MODEL_AND_REVIEW = (
    f"SELECT {column_names(Campaign, CAMPAIGN_STATE)}, o.name, m.updated_at, "
    "r.reviews, r.newest, r.changed "
    f"FROM {Campaign._meta.db_table} c "
    f"JOIN {MaturityModel._meta.db_table} m ON m.id = c.maturity_model_id "
    f"JOIN {Organization._meta.db_table} o ON o.id = c.organization_id "
    "CROSS JOIN (SELECT COUNT(id) AS reviews, MAX(id) AS newest, MAX(updated_at) AS changed "
    f"FROM {AreaReview._meta.db_table} WHERE campaign_id = %s) r "
    f"WHERE m.slug = (SELECT slug FROM {MaturityModel._meta.db_table} WHERE id = %s) "
    "ORDER BY c.id"
)
