"""Preparing a queued answer export: its rows written one by one to a temporary file,
which is then saved to the exports' storage (reports.models.answer_export_storage).

Memory holds the answers of a few hundred respondents at a time, whatever the size of
the campaign. The file is kept only if the campaign's answers did not change while it was
written: the version read before and after the rows is the same.
"""

import io
import logging
import tempfile

from django.core.files import File
from django.db import DatabaseError
from django.db.models import Subquery
from django.utils import timezone
from django.utils.text import capfirst

from assessments.models import Campaign
from reports import exports
from reports.models import AnswerExport

logger = logging.getLogger(__name__)

PENDING = AnswerExport.Status.PENDING
READY = AnswerExport.Status.READY
FAILED = AnswerExport.Status.FAILED
SUPERSEDED = "The answers changed while the file was being prepared; a newer export replaces it."


def prepare(export_id: int) -> str:
    """Write a pending export's file and mark it ready; returns its status. An export that
    is gone (its campaign deleted) or finished already (by an earlier run) is left alone."""
    pending = AnswerExport.objects.filter(pk=export_id, status=PENDING)
    export = pending.select_related("campaign__maturity_model").first()
    if export is None:
        return "gone"
    if not still_current(export):
        return fail(export.pk, SUPERSEDED)
    try:
        stored = write_file(export)
    # Any storage back end raises errors of its own; whatever it is, the export must end
    # failed with the reason, not stay pending, and the traceback goes to the log.
    except Exception as error:
        logger.exception("Answer export %s of campaign %s failed", export.pk, export.campaign_id)
        return fail(export.pk, reason(error))
    return finish(export, stored)


def still_current(export: AnswerExport) -> bool:
    """Whether the campaign's answers and anonymity minimum are those the export is for."""
    return Campaign.objects.filter(
        pk=export.campaign_id,
        answers_version=export.answers_version,
        anonymity_minimum=export.anonymity_minimum,
    ).exists()


def write_file(export: AnswerExport) -> str:
    """The export written and saved to storage; returns the stored file's name."""
    rows = exports.streamed_answer_rows(export.campaign)
    with (
        tempfile.TemporaryDirectory(prefix="answer-export-") as workdir,
        tempfile.TemporaryFile(dir=workdir) as out,
    ):
        if export.kind == AnswerExport.Kind.CSV:
            text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            exports.write_answers_csv(rows, text)
            text.detach()  # flushes, and leaves `out` open
        else:
            exports.write_answers_xlsx(rows, out, workdir=workdir)
        out.seek(0)
        # Its own name per export: deleting another export's file never touches this one.
        name = f"campaign-{export.campaign_id}-answers-{export.pk}.{export.kind}"
        export.file.save(name, File(out, name=name), save=False)
    return export.file.name


def finish(export: AnswerExport, stored: str) -> str:
    """Ready, unless the answers changed meanwhile or another run finished it first: then
    the file just written goes. A ready export replaces the campaign's older ones."""
    if not still_current(export):
        export.file.storage.delete(stored)
        return fail(export.pk, SUPERSEDED)
    finished = AnswerExport.objects.filter(pk=export.pk, status=PENDING).update(
        status=READY, file=stored, finished_at=timezone.now()
    )
    if not finished:
        export.file.storage.delete(stored)
        return "gone"
    remove_replaced(export)
    return READY


def remove_replaced(export: AnswerExport):
    """The campaign's finished exports of the same kind older than its newest ready one,
    with their files (signals.py deletes those)."""
    same_kind = AnswerExport.objects.filter(campaign_id=export.campaign_id, kind=export.kind)
    newest = same_kind.filter(status=READY).order_by("-pk").values("pk")[:1]
    same_kind.filter(pk__lt=Subquery(newest)).exclude(status=PENDING).delete()


def fail(export_id: int, message: str) -> str:
    AnswerExport.objects.filter(pk=export_id, status=PENDING).update(
        status=FAILED, error=message, finished_at=timezone.now()
    )
    return FAILED


def reason(error: Exception) -> str:
    """What went wrong, in one line a consultant can pass on; never a traceback."""
    if isinstance(error, exports.TooManyRowsError):
        return f"{capfirst(str(error))}."
    if isinstance(error, OSError):
        return f"The file could not be written or stored ({error.strerror or error})."
    if isinstance(error, DatabaseError):
        return f"The answers could not be read from the database ({first_line(error)})."
    return f"The file could not be prepared ({type(error).__name__}: {first_line(error)})."


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0]
