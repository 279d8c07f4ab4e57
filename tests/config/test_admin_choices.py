"""A crafted many-to-many key on an admin change page is a form error on every database
(config/admin_choices.py)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import UserFactory, admin_form_data

pytestmark = pytest.mark.django_db
BEYOND_64_BITS = str(2**70)


@pytest.mark.parametrize(
    "crafted", [[BEYOND_64_BITS], ["1", BEYOND_64_BITS], ["-" + BEYOND_64_BITS]]
)
def test_a_key_beyond_64_bits_is_not_one_of_the_choices(client, superuser, crafted):
    editors = Group.objects.create(name="editors")
    someone = UserFactory(username="someone")
    someone.groups.add(editors)
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[someone.pk])
    data = admin_form_data(client.get(url))

    response = client.post(url, {**data, "groups": crafted})

    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert list(someone.groups.all()) == [editors]


def test_the_groups_chosen_are_saved(client, superuser):
    editors = Group.objects.create(name="editors")
    someone = UserFactory(username="someone")
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[someone.pk])
    data = admin_form_data(client.get(url))

    assert client.post(url, {**data, "groups": [str(editors.pk)]}).status_code == 302
    assert list(someone.groups.all()) == [editors]
