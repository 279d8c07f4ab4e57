"""Inline rows on admin change pages refuse negative counts: a tampered page changes
nothing and says so (config/admin_formsets.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments.models import Action, Membership, Unit
from config.admin_formsets import CheckedFormsets
from tests.factories import UnitFactory, admin_form_data

pytestmark = pytest.mark.django_db
TAMPERED = "ManagementForm data is missing or has been tampered with"


@pytest.fixture
def pages(campaign, consultant):
    """Each change page with inline rows, each inline holding a row."""
    UnitFactory(organization=campaign.organization, name="Sales")
    Action.objects.create(campaign=campaign, title="Write down customer needs")
    return [
        reverse("admin:assessments_organization_change", args=[campaign.organization.pk]),
        reverse("admin:assessments_campaign_change", args=[campaign.pk]),
    ]


def rows() -> tuple:
    return (
        sorted(Unit.objects.values_list("organization_id", "name")),
        sorted(Membership.objects.values_list("organization_id", "user_id", "role")),
        sorted(Action.objects.values_list("campaign_id", "title")),
    )


@pytest.mark.parametrize("count", ["INITIAL_FORMS", "TOTAL_FORMS"])
def test_a_negative_count_is_refused_and_saves_nothing(client, superuser, pages, count):
    client.force_login(superuser)
    before = rows()
    tried = []
    for url in pages:
        data = admin_form_data(client.get(url))
        for name in [name for name in data if name.endswith("-INITIAL_FORMS")]:
            prefix = name.removesuffix("-INITIAL_FORMS")
            response = client.post(url, {**data, f"{prefix}-{count}": "-1"})
            assert response.status_code == 200, (url, prefix)
            assert TAMPERED in response.content.decode(), (url, prefix)
            tried.append(prefix)
    assert sorted(tried) == ["actions", "memberships", "units"]
    assert rows() == before


def test_the_same_page_as_shown_saves(client, superuser, pages):
    client.force_login(superuser)
    before = rows()
    for url in pages:
        assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    assert rows() == before


def test_every_registered_admin_checks_its_inline_rows():
    assert all(
        isinstance(model_admin, CheckedFormsets) for model_admin in admin.site._registry.values()
    )
