"""What an executive meets while their campaign's results wait for the consultant's review."""

from django.shortcuts import render

from assessments.models import Campaign


def review_pending(request, campaign: Campaign):
    """A plain page, status 200: nothing is wrong, the results are simply not out yet.

    The results page, the PDF report's address and the action plan's pages all answer with
    it, so a bookmarked or forwarded link explains itself instead of failing.
    """
    return render(request, "reports/review_pending.html", {"campaign": campaign})
