"""Sign-in hardening: lockout after repeated failures, CSRF on the form."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_correct_password_signs_in():
    UserFactory(username="ada")
    response = sign_in(Client(), "ada", PASSWORD)
    assert response.status_code == 302


def test_a_wrong_password_shows_the_form_again_with_an_error():
    UserFactory(username="ada")
    response = sign_in(Client(), "ada", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_five_failures_lock_the_account_even_for_the_right_password():
    UserFactory(username="ada")
    client = Client()
    for _ in range(5):
        sign_in(client, "ada", "wrong")
    response = sign_in(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_account_leaves_others_alone():
    UserFactory(username="ada")
    UserFactory(username="grace")
    client = Client()
    for _ in range(5):
        sign_in(client, "ada", "wrong")
    assert sign_in(client, "grace", PASSWORD).status_code == 302


def test_the_sign_in_form_refuses_a_post_without_csrf_token():
    UserFactory(username="ada")
    response = sign_in(Client(enforce_csrf_checks=True), "ada", PASSWORD)
    assert response.status_code == 403
    assert b"This form has expired" in response.content


@pytest.mark.parametrize("sign_in_page", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_account_is_refused_naming_the_field(sign_in_page):
    """The form checks the length its field promises: a longer name reached the lockout's
    record of failures, whose column PostgreSQL refused with a 500."""
    from axes.models import AccessAttempt

    response = Client().post(sign_in_page, {"username": "a" * 300, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Ensure this value has at most 150 characters (it has 300)."
    ]
    assert not AccessAttempt.objects.exists()
