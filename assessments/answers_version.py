"""Marking a campaign's answers as changed, so that its cached results are not used again.

Services call `answers_changed` in the transaction that changes answers; deletions made
anywhere (the admin, a cascade) are caught by the receiver in signals.py.
"""

from assessments.answer_statements import bump_answers_version


def answers_changed(campaign_id: int):
    bump_answers_version(campaign_id)
