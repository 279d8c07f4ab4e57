"""Marking what of a campaign changed, so that results and pages cached for it are not
used again.

Services call these in the transaction that makes the change; deletions made anywhere
(the admin, a cascade) are caught by the receivers in signals.py.
"""

from assessments.answer_statements import bump_campaign_version


def answers_changed(campaign_id: int):
    bump_campaign_version("answers_version", campaign_id)


def invitations_changed(campaign_id: int):
    """Invitations were added or removed: the results page's response rate moves."""
    bump_campaign_version("invitations_version", campaign_id)
