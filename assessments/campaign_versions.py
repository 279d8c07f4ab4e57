"""Marking what of a campaign changed, so that results and pages cached for it are not
used again.

Services call these in the transaction that makes the change; deletions made anywhere
(the admin, a cascade) are caught by the receivers in signals.py.
"""

from django.db.models import F

from assessments.answer_statements import bump_campaign_version, run
from assessments.models import Campaign


def answers_changed(campaign_id: int):
    run(bump_campaign_version("answers_version", campaign_id))


def invitations_changed(campaign_id: int):
    """Invitations were added or removed: the results page's response rate moves."""
    run(bump_campaign_version("invitations_version", campaign_id))


def units_changed(organization_id: int):
    """A unit was renamed or removed: every campaign of the organization breaks its results,
    response rates and exports down by unit names."""
    Campaign.objects.filter(organization_id=organization_id).update(
        answers_version=F("answers_version") + 1,
        invitations_version=F("invitations_version") + 1,
    )
