"""The results page, the PDF gap report and the consultants' exports of a campaign.

Who sees what: the organization's executives and consultants and superusers see the
results page and the PDF; anyone else signed in gets 404, so a campaign's existence is
not revealed. The raw exports (the results document here, the answers in export_views.py)
are for consultants and superusers only: an executive, who may see the campaign anyway,
gets 403 (a plain "not for you") rather than a 404 that would pretend the campaign is not
there. A campaign may show its results to executives only once a consultant has reviewed
them: until then its executives get a "being reviewed" page (status 200) in place of the
results page and the PDF.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessments.review import results_held_for_review
from reports import exports, selectors
from reports.pdf import render_report_pdf
from reports.results_page import results_page_html
from reports.review_views import review_pending


@login_required
@require_safe
def results_page(request, campaign_id: int):
    campaign, can_export = selectors.campaign_and_export_right(request.user, campaign_id)
    if results_held_for_review(request.user, campaign):
        return review_pending(request, campaign)
    return HttpResponse(results_page_html(request, campaign, can_export=can_export))


@login_required
@require_safe
def report_pdf(request, campaign_id: int):
    """The PDF; while the campaign's results wait for the consultant's review, an executive
    gets the same "being reviewed" page as on the results page (HTML, status 200), so a
    forwarded link explains itself."""
    campaign = selectors.visible_campaign(request.user, campaign_id)
    if results_held_for_review(request.user, campaign):
        return review_pending(request, campaign)
    return attachment(
        render_report_pdf(campaign), "application/pdf", download_name(campaign, "gap-report.pdf")
    )


@login_required
@require_safe
def results_json(request, campaign_id: int):
    campaign = selectors.exportable_campaign(request.user, campaign_id)
    content = exports.results_json(campaign).encode("utf-8")
    return attachment(content, "application/json", download_name(campaign, "results.json"))


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(campaign, suffix: str) -> str:
    """A file name people recognise: "acme-2026-h2-answers.csv"."""
    stem = slugify(f"{campaign.organization.name} {campaign.name}") or f"campaign-{campaign.pk}"
    return f"{stem}-{suffix}"
