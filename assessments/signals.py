"""A deleted response changes its campaign's results, wherever it is deleted from.

There is deliberately no receiver on Answer: one would stop Django from deleting a
response's answers in one statement. Services that delete single answers call
`answers_changed` themselves.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from assessments.answers_version import answers_changed
from assessments.models import Response


@receiver(post_delete, sender=Response, dispatch_uid="response_deleted")
def response_deleted(sender, instance: Response, **kwargs):
    answers_changed(instance.campaign_id)
