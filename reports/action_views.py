"""A campaign's action plan on the site: read it, add to it, change it, download it.

Who: the people who see the campaign's results (the organization's executives and
consultants, superusers) read and change its plan; anyone else signed in gets 404, so the
campaign's existence is not revealed; visitors who are not signed in are sent to sign
in. While a campaign shows its results to executives only once reviewed, its executives
get the "being reviewed" page here as well, with status 200: the plan is drawn from the
results.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import action_plan
from assessments.models import Action
from assessments.results import campaign_results
from assessments.review import results_held_for_review
from assessments.services import plural
from reports.action_exports import actions_csv, actions_xlsx
from reports.action_forms import ActionForm
from reports.review_views import review_pending
from reports.selectors import visible_campaign
from reports.views import attachment, download_name

# What each download route serves: how to build it, its content type, its file name's end.
DOWNLOADS = {
    "csv": (actions_csv, "text/csv; charset=utf-8", "action-plan.csv"),
    "xlsx": (
        actions_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "action-plan.xlsx",
    ),
}


def plan_url(campaign, action: Action | None = None) -> str:
    url = reverse("reports:actions", args=[campaign.pk])
    return f"{url}#action-{action.pk}" if action else url


def plan_view(view):
    """Sign-in, the campaign (404 unless the user sees its results), and the "being
    reviewed" page for executives who wait for the review; the view gets the campaign."""

    @login_required
    @wraps(view)
    def with_campaign(request, campaign_id: int, **kwargs):
        campaign = visible_campaign(request.user, campaign_id)
        if results_held_for_review(request.user, campaign):
            return review_pending(request, campaign)
        return view(request, campaign, **kwargs)

    return with_campaign


@plan_view
@require_http_methods(["GET", "HEAD", "POST"])
def action_plan_page(request, campaign):
    """The plan with a form for each action and one to add an action (POST adds)."""
    outline = campaign_results(campaign).outline
    form = ActionForm(request.POST or None, outline=outline, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            action = action_plan.add_action(campaign=campaign, **form.cleaned_data)
        except action_plan.ActionPlanError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"Added “{action.title}” to the plan.")
            return redirect(plan_url(campaign, action))
    return plan_page(request, campaign, add_form=form)


@plan_view
@require_POST
def change_action(request, campaign, action_id: int):
    action = get_object_or_404(Action, campaign=campaign, pk=action_id)
    outline = campaign_results(campaign).outline
    form = ActionForm.for_action(action, outline=outline, data=request.POST)
    if form.is_valid():
        try:
            action_plan.change_action(action=action, **form.cleaned_data)
        except action_plan.ActionPlanError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"Saved “{action.title}”.")
            return redirect(plan_url(campaign, action))
    return plan_page(request, campaign, changed=(action.pk, form))


@plan_view
@require_POST
def remove_action(request, campaign, action_id: int):
    action = get_object_or_404(Action, campaign=campaign, pk=action_id)
    action_plan.remove_action(action=action)
    messages.success(request, f"Removed “{action.title}” from the plan.")
    return redirect(plan_url(campaign))


@plan_view
@require_POST
def start_from_gaps(request, campaign):
    added = action_plan.start_from_gaps(campaign=campaign)
    if added:
        count = len(added)
        messages.success(
            request,
            f"Added {plural(count, 'draft action')}, one for each process "
            "area to work on. Give each one an owner and a date.",
        )
    else:
        messages.info(request, "Every process area to work on has an action already.")
    return redirect(plan_url(campaign))


@plan_view
@require_safe
def download(request, campaign, export: str):
    build, content_type, suffix = DOWNLOADS[export]
    content = build(campaign)
    if isinstance(content, str):
        content = content.encode("utf-8")
    return attachment(content, content_type, download_name(campaign, suffix))


def plan_page(request, campaign, *, add_form=None, changed=None):
    """The page, with the add form and the form of one changed action as they were posted
    (their errors in place), every other action's form as stored."""
    results = campaign_results(campaign)
    outline = results.outline
    planned = action_plan.planned_actions(campaign)
    forms = {
        entry.action.pk: ActionForm.for_action(entry.action, outline=outline) for entry in planned
    }
    if changed is not None:
        forms[changed[0]] = changed[1]
    unplanned = action_plan.unplanned_gaps(results, {entry.action.area_key for entry in planned})
    return render(
        request,
        "reports/actions.html",
        {
            "campaign": campaign,
            "actions": [(entry, forms[entry.action.pk]) for entry in planned],
            "add_form": add_form or ActionForm(outline=outline, prefix="new"),
            "unplanned_gaps": unplanned,
            "has_answers": results.respondents > 0,
            "errors": any(form.errors for form in [add_form, *forms.values()] if form),
        },
    )
