"""Area pages without errors, from a shell rendered once per model version and area.

A person opens and posts a dozen area pages. Without errors to show, an area page is the
same for everyone but for the answers in its questions and the CSRF token: the rest
(layout, heading, progress, buttons) is rendered once per release, model version and area,
without the request, with placeholders where the questions and the token go. Each page
puts the person's token and questions (rendered by Jinja2, question_markup.py) into it.
The questions of an area with nothing stored are the same for everyone too, and kept as
well: people move forward through the questionnaire, so most pages they open are blank.
A page with errors or messages to show is rendered in full, as before.
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from assessments.forms import AreaForm
from assessments.question_markup import area_questions_html
from assessments.selectors import AreaPosition, Journey
from config.page_shells import CSRF_PLACEHOLDER, filled_in, nothing_to_tell
from models_catalog.outline import outline_key

# Raw markup, which no escaped text in the shell (an area's name, say) can ever equal.
QUESTIONS_PLACEHOLDER = "<!--area-questions-->"
TIMEOUT = 24 * 60 * 60


def can_serve_blank(request, stored: dict) -> bool:
    """Whether the page is the area's blank one: nothing stored, nothing posted."""
    return request.method == "GET" and not stored and nothing_to_tell(request)


def can_serve(request, form: AreaForm) -> bool:
    return not form.errors and nothing_to_tell(request)


def area_page(request, journey: Journey, position: AreaPosition, form: AreaForm | None):
    """The page from the shell, with the person's questions; `form` None for a blank page
    (its questions come from the cache)."""
    key = f"{outline_key(journey.campaign.maturity_model)}:{position.area.key}"
    shell = cache.get_or_set(f"area-shell:{key}", lambda: render_shell(position), TIMEOUT)
    if form is None:
        questions = cache.get_or_set(
            f"blank-questions:{key}", lambda: blank_questions(journey, position), TIMEOUT
        )
    else:
        questions = area_questions_html(form)
    # The token first: the questions hold what people typed, placeholder look-alikes too.
    html = filled_in(shell, request)
    return HttpResponse(html.replace(QUESTIONS_PLACEHOLDER, questions, 1))


def render_shell(position: AreaPosition) -> str:
    """The page as the area view renders it, with placeholders for what is the person's;
    no journey in the context, so nothing of the person can end up in the shared copy."""
    context = {
        "position": position,
        "form": None,
        "questions": mark_safe(QUESTIONS_PLACEHOLDER),
        "csrf_token": CSRF_PLACEHOLDER,
    }
    return render_to_string("questionnaire/area.html", context)


def blank_questions(journey: Journey, position: AreaPosition) -> str:
    form = AreaForm(None, area=position.area, scale=journey.outline.scale, stored={})
    return area_questions_html(form)
