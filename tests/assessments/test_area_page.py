"""Area pages come from a shell rendered once per model version and area, with each
person's own questions and CSRF token; the questions from fragments rendered once per
question and answer; pages with errors or messages are rendered in full."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory

from assessments import area_page, question_markup
from assessments.models import Answer
from config import page_shells
from models_catalog.models import Question
from tests.assessments.test_questionnaire_views import save, text, url
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

AREA = "customer-requirements"
TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def renders(monkeypatch):
    """What was rendered of what is shared: (shells, question fragments)."""
    question_markup.question_fragment.cache_clear()
    shells = []
    render_shell = area_page.render_shell

    def counting(*args):
        shells.append(1)
        return render_shell(*args)

    monkeypatch.setattr(area_page, "render_shell", counting)
    return lambda: (len(shells), question_markup.question_fragment.cache_info().misses)


def started_person(campaign) -> tuple[Client, object]:
    client = Client(enforce_csrf_checks=True)
    invitation = InvitationFactory(campaign=campaign)
    client.get(url("start", invitation))
    token = client.cookies["csrftoken"].value
    response = client.post(url("start", invitation), {"role": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    return client, invitation


def without_token(html: str) -> str:
    return TOKEN_FIELD.sub('name="csrfmiddlewaretoken" value=""', html)


def test_the_blank_page_is_rendered_once_for_everyone(campaign, renders):
    pages = []
    for _ in range(3):
        client, invitation = started_person(campaign)
        response = client.get(url("area", invitation, AREA))
        assert response.status_code == 200
        pages.append(response.content.decode())
    assert renders() == (1, 2)  # the area's shell and its two questions, once
    assert without_token(pages[0]) == without_token(pages[1]) == without_token(pages[2])


STORED_STATES = {
    "nothing stored": None,
    "a value": (3, ""),
    "N/A": (None, ""),
    "a comment with markup": (
        3,
        "Since <b>May</b> {{csrf-token-placeholder}} <!--area-questions-->",
    ),
    "a comment with quotes and a line break first": (
        0,
        "\n\"Soon\" & 'later' <!--stored-comment-->",
    ),
}


@pytest.mark.parametrize("stored", STORED_STATES.values(), ids=STORED_STATES.keys())
def test_the_page_from_the_shell_is_the_page_rendered_in_full(campaign, monkeypatch, stored):
    client, invitation = started_person(campaign)
    if stored:
        value, comment = stored
        Answer.objects.create(
            response=invitation.response,
            question=Question.objects.get(key="cr-1"),
            value=value,
            comment=comment,
        )
    shared = client.get(url("area", invitation, AREA)).content.decode()
    monkeypatch.setattr(area_page, "can_serve_as_stored", lambda request: False)
    full = client.get(url("area", invitation, AREA)).content.decode()
    assert without_token(shared) == without_token(full)
    assert "Save and continue" in shared
    assert "stored-comment-->" not in shared.replace("&lt;!--stored-comment--&gt;", "")


def test_each_person_gets_a_token_of_their_own_that_their_post_is_accepted_with(campaign):
    first, _ = started_person(campaign)
    first.get(url("area", InvitationFactory(campaign=campaign), AREA))
    client, invitation = started_person(campaign)
    page = client.get(url("area", invitation, AREA)).content.decode()
    (token,) = TOKEN_FIELD.findall(page)
    assert "placeholder" not in page
    response = client.post(
        url("area", invitation, AREA),
        {"action": "continue", "value-cr-1": "3", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Answer.objects.get(response__invitation=invitation).value == 3


def test_nothing_of_the_first_visitor_is_in_the_page_the_next_one_gets(campaign):
    client, first = started_person(campaign)
    client.get(url("area", first, AREA))
    other, second = started_person(campaign)
    page = other.get(url("area", second, AREA)).content.decode()
    assert first.token not in page
    assert client.cookies["csrftoken"].value not in page


def test_a_page_with_a_stored_answer_shows_it_in_the_same_shell(campaign, renders):
    client, invitation = started_person(campaign)
    client.get(url("area", invitation, AREA))
    Answer.objects.create(
        response=invitation.response, question=Question.objects.get(key="cr-1"), value=3
    )
    page = text(client.get(url("area", invitation, AREA)))
    assert re.search(r'name="value-cr-1" value="3"[^>]*checked', page)
    assert renders() == (1, 3)  # the first visit's, and cr-1 with 3 chosen


def test_a_page_with_errors_is_rendered_in_full(campaign, client, started_invitation, renders):
    response = save(client, started_invitation, AREA, cr_1="7")
    assert response.status_code == 200
    assert "is not one of the answers offered" in text(response)
    assert "Error: " in text(response)  # in the title, which the shell never has
    assert renders() == (0, 0)


def test_a_new_version_of_the_model_shows_at_once(campaign):
    client, invitation = started_person(campaign)
    client.get(url("area", invitation, AREA))
    question = Question.objects.get(key="cr-1")
    question.text = "We can say who our customers are, by name."
    question.save()
    assert "We can say who our customers are, by name." in text(
        client.get(url("area", invitation, AREA))
    )


def test_a_page_with_a_message_waiting_is_rendered_in_full():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert area_page.can_serve_as_stored(request)
    messages.error(request, "Nothing was changed.")
    assert not area_page.can_serve_as_stored(request)
    assert not page_shells.nothing_to_tell(request)
    assert not area_page.can_serve_as_stored(RequestFactory().post("/"))


@pytest.fixture
def started_invitation(client, campaign):
    invitation = InvitationFactory(campaign=campaign)
    assert client.post(url("start", invitation), {"role": ""}).status_code == 302
    return invitation
