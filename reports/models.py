"""Answer exports prepared on the queue: too large to build while a consultant waits."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models import Campaign


def answer_export_storage():
    """Their own storage, not MEDIA_ROOT's: raw answers must never be one URL away."""
    return storages["answer_exports"]


class AnswerExport(models.Model):
    """One campaign's answers as a CSV or XLSX file, prepared by a worker.

    It is built from the answers as they were at one version of them, under one anonymity
    minimum (which decides the units and roles left blank); once either changes, it is
    never served again and a new one is prepared.
    """

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answer_exports")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    answers_version = models.PositiveIntegerField()
    anonymity_minimum = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=answer_export_storage, upload_to="answers/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the queue: long enough ago, and it is handed over again.
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A failure is shown once; the request after that prepares the export again.
    failure_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Concurrent requests for the same file queue it once.
            models.UniqueConstraint(
                fields=["campaign", "kind", "answers_version", "anonymity_minimum"],
                condition=Q(status="pending"),
                name="one_pending_answer_export",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["csv", "xlsx"]), name="answer_export_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ready", "failed"]),
                name="answer_export_status_is_known",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}: answers ({self.get_kind_display()}), {self.status}"
