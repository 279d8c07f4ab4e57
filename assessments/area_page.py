"""Area pages as stored, from a shell rendered once per model version and area.

A person opens and posts a dozen area pages. Opened (not posted) with no message to
show, an area page is the same for everyone but for the answers in its questions and the
CSRF token: the rest (layout, heading, progress, buttons) is rendered once per release,
model version and area, without the request, with placeholders where the questions and
the token go. Each page puts the person's token and questions into it; the questions are
put together from fragments rendered once per question and answer (question_markup.py).
A page with errors or messages to show is rendered in full.
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from assessments.question_markup import stored_questions_html
from assessments.selectors import AreaPosition, Journey
from config.page_shells import CSRF_PLACEHOLDER, filled_in, nothing_to_tell
from models_catalog.outline import outline_key

# Raw markup, which no escaped text in the shell (an area's name, say) can ever equal.
QUESTIONS_PLACEHOLDER = "<!--area-questions-->"
TIMEOUT = 24 * 60 * 60


def can_serve_as_stored(request) -> bool:
    """Whether the page shows the area as stored: opened, not posted, nothing to tell."""
    return request.method in ("GET", "HEAD") and nothing_to_tell(request)


def area_page(request, journey: Journey, position: AreaPosition, stored: dict):
    """The page from the shell, with the person's stored answers (by question id)."""
    key = f"{outline_key(journey.campaign.maturity_model)}:{position.area.key}"
    shell = cache.get_or_set(f"area-shell:{key}", lambda: render_shell(position), TIMEOUT)
    questions = stored_questions_html(position.area, journey.outline.scale, stored)
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
