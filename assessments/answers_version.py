"""Marking a campaign's answers as changed, so that its cached results are not used again.

Services call `answers_changed` in the transaction that changes answers; deletions made
anywhere (the admin, a cascade) are caught by the receiver in signals.py.
"""

from django.db.models import F

from assessments.models import Campaign


def answers_changed(campaign_id: int):
    Campaign.objects.filter(pk=campaign_id).update(answers_version=F("answers_version") + 1)
