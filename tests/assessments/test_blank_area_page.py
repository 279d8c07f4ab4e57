"""A blank area page is rendered once per model version and area, and served to everyone
with their own CSRF token; any page with something of the person's is rendered for them."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory

from assessments import blank_area_page
from assessments.models import Answer
from models_catalog.models import Question
from tests.assessments.test_questionnaire_views import save, text, url
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

AREA = "customer-requirements"
TOKEN_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def renders(monkeypatch):
    """Counts the renders of the shared page."""
    calls = []
    original = blank_area_page.render_blank

    def counting(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(blank_area_page, "render_blank", counting)
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
    assert len(renders) == 1
    assert without_token(pages[0]) == without_token(pages[1]) == without_token(pages[2])


def test_the_shared_page_is_the_page_the_person_would_have_had(campaign, monkeypatch):
    client, invitation = started_person(campaign)
    shared = client.get(url("area", invitation, AREA)).content.decode()
    monkeypatch.setattr("assessments.views.can_serve_blank", lambda request, stored: False)
    own = client.get(url("area", invitation, AREA)).content.decode()
    assert without_token(shared) == without_token(own)
    assert "Save and continue" in shared


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


def test_a_page_with_a_stored_answer_is_rendered_for_the_person(campaign, renders):
    client, invitation = started_person(campaign)
    client.get(url("area", invitation, AREA))
    Answer.objects.create(
        response=invitation.response, question=Question.objects.get(key="cr-1"), value=3
    )
    page = text(client.get(url("area", invitation, AREA)))
    assert re.search(r'name="value-cr-1" value="3"[^>]*checked', page)
    assert len(renders) == 1  # only the first, blank visit


def test_a_page_with_errors_is_rendered_for_the_person(campaign, client, started_invitation):
    response = save(client, started_invitation, AREA, cr_1="7")
    assert response.status_code == 200
    assert "is not one of the answers offered" in text(response)


def test_a_new_version_of_the_model_shows_at_once(campaign):
    client, invitation = started_person(campaign)
    client.get(url("area", invitation, AREA))
    question = Question.objects.get(key="cr-1")
    question.text = "We can say who our customers are, by name."
    question.save()
    assert "We can say who our customers are, by name." in text(
        client.get(url("area", invitation, AREA))
    )


def test_a_page_with_a_message_waiting_is_not_the_shared_one():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert blank_area_page.can_serve(request, stored={})
    messages.error(request, "Nothing was changed.")
    assert not blank_area_page.can_serve(request, stored={})
    assert not blank_area_page.can_serve(RequestFactory().post("/"), stored={})


@pytest.fixture
def started_invitation(client, campaign):
    invitation = InvitationFactory(campaign=campaign)
    assert client.post(url("start", invitation), {"role": ""}).status_code == 302
    return invitation
