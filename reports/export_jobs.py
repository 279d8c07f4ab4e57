"""Answer exports too large to build while a consultant waits: found, or queued.

A request gets the export built from the campaign's answers as they are now. Ready, it is
served; being prepared, the consultant is told so; failed, they are told why, once, and
the request after that prepares it again. Where requests race, the database decides: one
pending export per campaign, kind, answers version and anonymity minimum (a unique
constraint), and one request re-queues an export whose worker went silent (a conditional
update).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from assessments.models import Answer, Campaign
from reports import export_files, exports, tasks
from reports.models import AnswerExport

PENDING = AnswerExport.Status.PENDING
READY = AnswerExport.Status.READY
FAILED = AnswerExport.Status.FAILED


def goes_through_the_queue(*, campaign: Campaign, kind: str) -> bool:
    """Whether the campaign's answers are too many to export in the request. An XLSX of
    more than one sheet holds raises TooManyRowsError, before anything is queued. One
    statement, whatever the number of answers."""
    answers = Answer.objects.filter(response__campaign=campaign).count()
    if kind == AnswerExport.Kind.XLSX:
        exports.refuse_beyond_one_sheet(answers)
    return answers > settings.EXPORT_INLINE_MAX_ANSWERS


def latest_export(*, campaign: Campaign, kind: str) -> AnswerExport | None:
    """The newest export of this kind for the campaign's answers as they are now, if any."""
    return (
        AnswerExport.objects.filter(
            campaign=campaign,
            kind=kind,
            answers_version=campaign.answers_version,
            anonymity_minimum=campaign.anonymity_minimum,
        )
        .order_by("-pk")
        .first()
    )


def answer_export_for(*, campaign: Campaign, kind: str, requested_by) -> AnswerExport:
    """The campaign's export of this kind for its answers as they are now: the ready one,
    the one being prepared, a failure not shown yet; otherwise a new one, queued."""
    latest = latest_export(campaign=campaign, kind=kind)
    if latest is None or (latest.status == FAILED and not show_failure_once(latest)):
        return queue_new(campaign=campaign, kind=kind, requested_by=requested_by)
    if latest.status == PENDING and claim_stalled(latest):
        queue(latest)
    return latest


def answer_export_as_it_stands(*, campaign: Campaign, kind: str) -> AnswerExport:
    """What answer_export_for would show, with nothing queued, claimed or marked as shown:
    for HEAD, which mail scanners, link checkers and browsers' prefetching send and which
    must change nothing. Where a request would queue an export, an unsaved pending one."""
    latest = latest_export(campaign=campaign, kind=kind)
    if latest is None or (latest.status == FAILED and latest.failure_shown_at is not None):
        return AnswerExport(campaign=campaign, kind=kind, status=PENDING)
    return latest


def queue_new(*, campaign: Campaign, kind: str, requested_by) -> AnswerExport:
    export, created = AnswerExport.objects.get_or_create(
        campaign=campaign,
        kind=kind,
        answers_version=campaign.answers_version,
        anonymity_minimum=campaign.anonymity_minimum,
        status=PENDING,
        defaults={"requested_by": requested_by},
    )
    if created:
        queue(export)
    return export


def claim_stalled(export: AnswerExport) -> bool:
    """Whether this request is the one to queue an export pending for too long again (its
    worker died, or its message was lost)."""
    now = timezone.now()
    stalled = now - timedelta(seconds=settings.EXPORT_RETRY_AFTER)
    if export.queued_at >= stalled:
        return False  # no write on each look of the waiting page
    claimed = AnswerExport.objects.filter(
        pk=export.pk, status=PENDING, queued_at__lt=stalled
    ).update(queued_at=now)
    return bool(claimed)


def show_failure_once(export: AnswerExport) -> bool:
    """Whether this request is the one to show the failure; the next one tries again."""
    shown = AnswerExport.objects.filter(pk=export.pk, failure_shown_at__isnull=True).update(
        failure_shown_at=timezone.now()
    )
    return bool(shown)


def queue(export: AnswerExport):
    """Hand the export to a worker once it is committed. Without a broker the worker is
    this process, and the export is finished when this returns (outside a transaction)."""

    def send():
        try:
            tasks.prepare_answer_export.delay(export.pk)
        except OperationalError as error:  # kombu's: the broker does not answer
            export_files.fail(export.pk, f"The task queue could not be reached ({error}).")

    transaction.on_commit(send)
    export.refresh_from_db()


FILE_LOST = "The prepared file is no longer in storage."


def file_lost(export: AnswerExport, *, record: bool = True) -> AnswerExport:
    """A ready export whose file storage no longer has: failed, said once, prepared again
    on the next request. `record=False` (for HEAD) says so without writing it down."""
    lost = {"status": FAILED, "file": "", "error": FILE_LOST, "failure_shown_at": timezone.now()}
    if not record:
        return AnswerExport(pk=export.pk, campaign_id=export.campaign_id, kind=export.kind, **lost)
    AnswerExport.objects.filter(pk=export.pk).update(**lost)
    export.refresh_from_db()
    return export
