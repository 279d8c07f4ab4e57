"""Queue tasks for invitation e-mails: the same services the admin calls, by id."""

from celery import shared_task

from assessments.invitations import send_invitations, send_reminders
from assessments.models import Invitation


@shared_task
def send_invitation_emails(invitation_ids: list[int]) -> int:
    return send_invitations(invitations=Invitation.objects.filter(pk__in=invitation_ids))


@shared_task
def send_reminder_emails(invitation_ids: list[int]) -> int:
    return send_reminders(invitations=Invitation.objects.filter(pk__in=invitation_ids))
