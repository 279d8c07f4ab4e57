"""An area's page before any of its questions is answered, rendered once per model version.

People move forward through the questionnaire, so most area pages they open are blank.
A blank page differs from one person to the next only by the CSRF token: it is rendered
once per release, model version and area, without the request and with a placeholder
where the token goes, then served from the cache with the person's own token put in.
Pages with answers, errors or messages to show are rendered for the person as before.
"""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from assessments.forms import AreaForm
from assessments.selectors import AreaPosition, Journey
from models_catalog.outline import outline_key

# Characters no CSRF token contains, so only the placeholder is ever replaced.
CSRF_PLACEHOLDER = "{{csrf-token-placeholder}}"
TIMEOUT = 24 * 60 * 60


def can_serve(request, stored: dict) -> bool:
    """Whether the shared page is the person's page: nothing stored, nothing posted and no
    message waiting to be shown on it."""
    return request.method == "GET" and not stored and not len(messages.get_messages(request))


def blank_area_page(request, journey: Journey, position: AreaPosition) -> HttpResponse:
    key = f"blank-area:{outline_key(journey.campaign.maturity_model)}:{position.area.key}"
    html = cache.get(key)
    if html is None:
        html = render_blank(journey, position)
        cache.set(key, html, TIMEOUT)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def render_blank(journey: Journey, position: AreaPosition) -> str:
    """The page as the area view renders it for a person with nothing stored; no journey
    in the context, so nothing of the person can end up in the shared copy."""
    form = AreaForm(None, area=position.area, scale=journey.outline.scale, stored={})
    context = {"position": position, "form": form, "csrf_token": CSRF_PLACEHOLDER}
    return render_to_string("questionnaire/area.html", context)
