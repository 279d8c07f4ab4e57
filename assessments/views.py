"""The questionnaire journey a person takes through their invitation link.

Thin views: reading goes through `assessments.selectors`, every change through
`assessments.questionnaire`. The whole journey works without JavaScript; the area page
also answers `Accept: application/json` posts, which static/js/questionnaire.js sends to
save as the person goes.
"""

from functools import partial, wraps

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments import area_page
from assessments.forms import AreaForm, StartForm
from assessments.questionnaire import (
    AlreadySubmittedError,
    QuestionnaireError,
    save_area_answers,
    start_response,
    submit_response,
)
from assessments.selectors import (
    CampaignState,
    Journey,
    answered_in_order,
    answered_question_ids,
    answers_by_question,
    area_position,
    area_summaries,
    given_answers,
    journey_for_token,
    minutes_needed,
    question_count,
    resume_area,
    unanswered_areas,
)

UNKNOWN_LINK = (
    "This link does not lead to a questionnaire. Check that you copied the whole link "
    "from your invitation."
)
UNKNOWN_AREA = "This questionnaire has no such page. Use your invitation link to start again."


def journey_view(view=None, *, names: bool = True):
    """Find the journey behind the link's token; an unknown token gets a 404 page.
    `names=False` for a view that names neither the organization nor the unit."""
    if view is None:
        return partial(journey_view, names=names)

    @wraps(view)
    def wrapper(request, token, **kwargs):
        journey = journey_for_token(token, names=names)
        if journey is None:
            return not_found(request, UNKNOWN_LINK)
        return view(request, journey, **kwargs)

    # HEAD as GET, without the body: mail scanners and link previews ask it of the links.
    return require_http_methods(["GET", "HEAD", "POST"])(never_cache(wrapper))


def not_found(request, message: str):
    return render(request, "questionnaire/not_found.html", {"message": message}, status=404)


def posted(request):
    """The posted data, or None for a GET: an empty post still counts as a post."""
    return request.POST if request.method == "POST" else None


def wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def start_url(journey: Journey) -> str:
    return reverse("questionnaire:start", args=[journey.invitation.token])


def area_url(journey: Journey, area_key: str) -> str:
    return reverse("questionnaire:area", args=[journey.invitation.token, area_key])


def review_url(journey: Journey) -> str:
    return reverse("questionnaire:review", args=[journey.invitation.token])


def unavailable(request, journey: Journey):
    """Before the campaign opens or after it closes: an explanation, no form."""
    closed = journey.state == CampaignState.CLOSED
    status = 403 if request.method == "POST" else 200
    if wants_json(request):
        message = (
            "This questionnaire is closed." if closed else "This questionnaire is not open yet."
        )
        return JsonResponse({"errors": [{"message": message}]}, status=status)
    context = {"journey": journey, "closed": closed}
    return render(request, "questionnaire/unavailable.html", context, status=status)


def read_only(request, journey: Journey):
    answers = answers_by_question(journey.response)
    context = {"journey": journey, "areas": given_answers(journey.outline, answers)}
    return render(request, "questionnaire/answers.html", context)


def resume_url(journey: Journey, answered_order: list[int]) -> str:
    last = answered_order[-1] if answered_order else None
    area = resume_area(journey.outline, set(answered_order), last)
    return area_url(journey, area.key) if area else review_url(journey)


@journey_view
def start(request, journey: Journey):
    if journey.submitted:
        return read_only(request, journey)
    if journey.state != CampaignState.OPEN:
        return unavailable(request, journey)
    answered = answered_in_order(journey.response)
    if journey.response is not None:
        if request.method == "POST":
            return redirect(resume_url(journey, answered))
        form = None
    else:
        form = StartForm(posted(request), invitation=journey.invitation)
        if form.is_valid():
            try:
                start_response(
                    invitation=journey.invitation,
                    unit=form.cleaned_data.get("unit"),
                    role=form.cleaned_data.get("role", ""),
                )
            except QuestionnaireError as error:
                form.add_error(None, f"{capfirst(str(error))}.")
            else:
                return redirect(resume_url(journey, answered))
    outline = journey.outline
    context = {
        "journey": journey,
        "form": form,
        "areas": len(outline.areas),
        "questions": question_count(outline),
        "minutes": minutes_needed(outline),
        "answered": len(answered),
        "resume_url": resume_url(journey, answered),
        "first_area_url": area_url(journey, outline.areas[0].key) if outline.areas else None,
    }
    return render(request, "questionnaire/start.html", context)


@journey_view(names=False)
def area(request, journey: Journey, area_key: str):
    position = area_position(journey.outline, area_key)
    if position is None:
        return not_found(request, UNKNOWN_AREA)
    if journey.submitted:
        return refuse_after_submit(request, journey)
    if journey.state != CampaignState.OPEN:
        return unavailable(request, journey)
    if journey.response is None:
        return redirect(start_url(journey))
    stored = stored_answers(request, journey, position)
    if area_page.can_serve_as_stored(request):
        return area_page.area_page(request, journey, position, stored)
    form = AreaForm(posted(request), area=position.area, scale=journey.outline.scale, stored=stored)
    if form.is_bound and form.is_valid():
        try:
            save_area_answers(
                invitation=journey.invitation,
                area_key=area_key,
                answers=form.edits(),
                outline=journey.outline,
                response=journey.response,
            )
        except AlreadySubmittedError:
            return refuse_after_submit(request, journey)
        except QuestionnaireError as error:
            form.add_error(None, f"Nothing on this page was saved: {error}.")
        else:
            if wants_json(request):
                return JsonResponse({"saved": sorted(form.edits())})
            return redirect(after_save_url(request, journey, position))
    if form.is_bound and wants_json(request):
        return JsonResponse({"errors": form_errors(form)}, status=400)
    context = {"journey": journey, "position": position, "form": form}
    return render(request, "questionnaire/area.html", context)


def stored_answers(request, journey: Journey, position):
    """The area's stored answers by question id. A post reads them only if the form needs
    them (a comment without an answer, a cleared answer, errors to show): a page whose
    every answer was chosen anew is saved without reading them first."""
    if request.method == "POST":
        return SimpleLazyObject(lambda: answers_by_question(journey.response, position.area))
    return answers_by_question(journey.response, position.area)


def refuse_after_submit(request, journey: Journey):
    message = "You have already submitted your answers, so they can no longer be changed."
    if request.method == "POST":
        if wants_json(request):
            return JsonResponse({"errors": [{"message": message}]}, status=409)
        messages.error(request, message + " Nothing was changed.")
    return redirect(start_url(journey))


def after_save_url(request, journey: Journey, position) -> str:
    """Where the button the person pressed leads: back, to the review, to the same page
    after clearing an answer, or on to the next area."""
    action = request.POST.get("action", "continue")
    cleared = request.POST.get("clear")
    if cleared:
        return area_url(journey, position.area.key) + f"#question-{cleared}"
    if action == "back":
        return area_url(journey, position.previous.key) if position.previous else start_url(journey)
    if action == "review" or position.next is None:
        return review_url(journey)
    return area_url(journey, position.next.key)


def form_errors(form: AreaForm) -> list[dict]:
    errors = [{"message": message} for message in form.non_field_errors()]
    for fields in form.questions:
        errors += [{"question": fields.question.key, "message": m} for m in fields.errors]
    return errors


@journey_view
def review(request, journey: Journey):
    if journey.submitted:
        return redirect(start_url(journey))
    if journey.state != CampaignState.OPEN:
        return unavailable(request, journey)
    if journey.response is None:
        return redirect(start_url(journey))
    answered = answered_question_ids(journey.response)
    outline = journey.outline
    context = {
        "journey": journey,
        "unanswered": unanswered_areas(outline, answered),
        "summaries": area_summaries(outline, answered),
        "answered": len(answered),
        "questions": question_count(outline),
        "last_area_url": area_url(journey, outline.areas[-1].key) if outline.areas else None,
    }
    return render(request, "questionnaire/review.html", context)


@journey_view
def submit(request, journey: Journey):
    if journey.submitted:
        return redirect("questionnaire:thanks", journey.invitation.token)
    if journey.state != CampaignState.OPEN:
        return unavailable(request, journey)
    if request.method != "POST":
        return redirect(review_url(journey))
    try:
        submit_response(invitation=journey.invitation)
    except QuestionnaireError as error:
        messages.error(request, f"Your answers were not submitted: {error}.")
        return redirect(review_url(journey))
    return redirect("questionnaire:thanks", journey.invitation.token)


@journey_view
def thanks(request, journey: Journey):
    if not journey.submitted:
        return redirect(start_url(journey))
    return render(request, "questionnaire/thanks.html", {"journey": journey})
