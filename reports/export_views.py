"""Consultants' downloads of a campaign's answers, as CSV or XLSX.

A campaign of up to settings.EXPORT_INLINE_MAX_ANSWERS answers gets its file built in the
request. A larger one is prepared on the queue (export_jobs.py): meanwhile the address
answers 202 with a page that looks again every few seconds, and once the file is ready
the same address streams it from storage. HEAD is answered as GET would be, but changes
nothing: it neither queues an export nor uses up the one showing of a failure.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from reports import export_jobs, exports, selectors
from reports.models import AnswerExport
from reports.views import attachment, download_name

REFRESH_SECONDS = 5


@login_required
@require_safe
def answers_download(request, campaign_id: int, kind: str):
    campaign = selectors.exportable_campaign(request.user, campaign_id)
    build, content_type, suffix = exports.ANSWER_FILES[kind]
    filename = download_name(campaign, suffix)
    try:
        queued = export_jobs.goes_through_the_queue(campaign=campaign, kind=kind)
    except exports.TooManyRowsError as error:
        return too_many_rows(request, error)
    if not queued:
        return attachment(build(campaign), content_type, filename)
    # HEAD answers as GET would, but queues, claims and marks nothing.
    changes = request.method != "HEAD"
    if changes:
        export = export_jobs.answer_export_for(
            campaign=campaign, kind=kind, requested_by=request.user
        )
    else:
        export = export_jobs.answer_export_as_it_stands(campaign=campaign, kind=kind)
    if export.status == AnswerExport.Status.READY:
        try:
            stored = export.file.storage.open(export.file.name, "rb")
        except OSError:
            export = export_jobs.file_lost(export, record=changes)
        else:
            response = FileResponse(
                stored, as_attachment=True, filename=filename, content_type=content_type
            )
            response["Cache-Control"] = "private, no-store"
            return response
    return export_status_page(request, campaign, export)


def export_status_page(request, campaign, export: AnswerExport):
    """202 while the file is being prepared, 503 when preparing it failed; neither page is
    kept by a cache, so that looking again asks again."""
    context = {"campaign": campaign, "export": export, "refresh_seconds": REFRESH_SECONDS}
    if export.status == AnswerExport.Status.FAILED:
        response = render(request, "reports/answer_export_failed.html", context, status=503)
    else:
        response = render(request, "reports/answer_export_pending.html", context, status=202)
    add_never_cache_headers(response)
    return response


def too_many_rows(request, error: exports.TooManyRowsError):
    context = {
        "error_code": 413,
        "error_title": "Too many answers for one spreadsheet",
        "error_text": f"{capfirst(str(error))}.",
    }
    return render(request, "error_page.html", context, status=413)
