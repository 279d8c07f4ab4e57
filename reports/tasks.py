"""Queue task for the PDF gap report, which takes seconds to render."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Campaign
from reports.pdf import render_report_pdf


@shared_task
def render_report_file(campaign_id: int) -> str:
    """Render a campaign's report into file storage; returns the stored file's name."""
    campaign = Campaign.objects.select_related("organization", "maturity_model").get(pk=campaign_id)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"reports/campaign-{campaign.pk}-{stamp}.pdf"
    return default_storage.save(name, ContentFile(render_report_pdf(campaign)))
