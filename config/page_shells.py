"""Pages rendered once for everyone who sees them alike, filled in for each request.

A shell is a page rendered without the request, with placeholders where the CSRF token
and the viewer's name go. The questionnaire's area pages and the results page are served
from shells; a page with messages to show is rendered in full instead, since messages
belong to one person and one request.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.middleware.csrf import get_token
from django.utils.html import escape

# Characters no CSRF token or escaped name contains; escaping leaves them as they are, so
# they pass through a template's variables unchanged.
CSRF_PLACEHOLDER = "{{csrf-token-placeholder}}"
NAME_PLACEHOLDER = "{{viewer-name-placeholder}}"


def nothing_to_tell(request) -> bool:
    """No message waits to be shown: messages appear in the page's layout."""
    return not len(messages.get_messages(request))


def filled_in(shell: str, request) -> str:
    """The shell with this request's CSRF token and, where it has one, the viewer's name."""
    html = shell.replace(CSRF_PLACEHOLDER, get_token(request))
    if NAME_PLACEHOLDER in html:
        html = html.replace(NAME_PLACEHOLDER, escape(request.user.get_username()))
    return html


def viewer_stand_in(*, is_staff: bool) -> SimpleNamespace:
    """What the layout reads of a signed-in viewer, the name left as a placeholder: a
    shell for several viewers must hold nothing of any one of them."""
    return SimpleNamespace(
        is_authenticated=True, is_staff=is_staff, get_username=lambda: NAME_PLACEHOLDER
    )
