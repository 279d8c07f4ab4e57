"""Queue tasks for the PDF gap report and large answer exports, which take seconds to
minutes to build."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Campaign
from reports import export_files
from reports.pdf import render_report_pdf


@shared_task
def render_report_file(campaign_id: int) -> str:
    """Render a campaign's report into file storage; returns the stored file's name."""
    campaign = Campaign.objects.select_related("organization", "maturity_model").get(pk=campaign_id)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"reports/campaign-{campaign.pk}-{stamp}.pdf"
    return default_storage.save(name, ContentFile(render_report_pdf(campaign)))


@shared_task
def prepare_answer_export(export_id: int) -> str:
    """Write a queued answer export to storage (reports/export_files.py); returns its status."""
    return export_files.prepare(export_id)
