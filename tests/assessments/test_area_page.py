"""Area pages come from a shell rendered once per model version and area, with each
person's own questions and CSRF token; blank questions are rendered once too; pages with
errors or messages are rendered in full."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory

from assessments import area_page
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
    """Counts the renders of what is shared: the shell and the blank questions."""
    calls = []
    for name in ("render_shell", "blank_questions"):
        original = getattr(area_page, name)

        def counting(*args, original=original, name=name):
            calls.append(name)
            return original(*args)

        monkeypatch.setattr(area_page, name, counting)
    return calls


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
    assert sorted(renders) == ["blank_questions", "render_shell"]
    assert without_token(pages[0]) == without_token(pages[1]) == without_token(pages[2])


@pytest.mark.parametrize("answered", [False, True])
def test_the_page_from_the_shell_is_the_page_rendered_in_full(campaign, monkeypatch, answered):
    client, invitation = started_person(campaign)
    if answered:
        Answer.objects.create(
            response=invitation.response,
            question=Question.objects.get(key="cr-1"),
            value=3,
            comment="Since <b>May</b> {{csrf-token-placeholder}} <!--area-questions-->",
        )
    shared = client.get(url("area", invitation, AREA)).content.decode()
    monkeypatch.setattr(area_page, "can_serve_blank", lambda request, stored: False)
    monkeypatch.setattr(area_page, "can_serve", lambda request, form: False)
    full = client.get(url("area", invitation, AREA)).content.decode()
    assert without_token(shared) == without_token(full)
    assert "Save and continue" in shared
    assert ("{{csrf-token-placeholder}} &lt;!--area-questions--&gt;" in shared) == answered


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
    assert sorted(renders) == ["blank_questions", "render_shell"]  # the first visit's


def test_a_page_with_errors_is_rendered_in_full(campaign, client, started_invitation, renders):
    response = save(client, started_invitation, AREA, cr_1="7")
    assert response.status_code == 200
    assert "is not one of the answers offered" in text(response)
    assert "Error: " in text(response)  # in the title, which the shell never has
    assert renders == []


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
    assert area_page.can_serve_blank(request, stored={})
    messages.error(request, "Nothing was changed.")
    assert not area_page.can_serve_blank(request, stored={})
    assert not page_shells.nothing_to_tell(request)
    assert not area_page.can_serve_blank(RequestFactory().post("/"), stored={})


@pytest.fixture
def started_invitation(client, campaign):
    invitation = InvitationFactory(campaign=campaign)
    assert client.post(url("start", invitation), {"role": ""}).status_code == 302
    return invitation
