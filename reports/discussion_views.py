"""The discussion agenda page: for a workshop on a campaign's results, on screen or paper.

Whoever may see the results page may see the agenda, through the same gates (who sees the
campaign, and whether its executives wait for the consultant's review): the agenda shows
nothing the results do not already allow.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.review import results_held_for_review
from reports import selectors
from reports.discussion import discussion_agenda
from reports.review_views import review_pending


@login_required
@require_safe
def discussion_page(request, campaign_id: int):
    campaign = selectors.visible_campaign(request.user, campaign_id)
    if results_held_for_review(request.user, campaign):
        return review_pending(request, campaign)
    return render(request, "reports/discussion.html", {"agenda": discussion_agenda(campaign)})
