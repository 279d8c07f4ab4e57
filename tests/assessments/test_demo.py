"""The demo that `make run` loads: full results at once, and loading it twice adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessments.demo import ORGANIZATION
from assessments.models import Answer, Campaign, Membership, Organization
from assessments.results import campaign_results
from models_catalog.services import load_shipped_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_shipped_models()
    call_command("load_demo", verbosity=0)


def test_the_demo_has_a_campaign_with_answers_on_each_shipped_model(demo):
    campaigns = Campaign.objects.filter(organization__name=ORGANIZATION)
    assert sorted(c.maturity_model.slug for c in campaigns) == [
        "customer-centricity-stages",
        "cx-journey",
        "smart-customer-management",
        "smart-customer-management",
    ]
    for campaign in campaigns:
        results = campaign_results(campaign)
        assert results.respondents >= 30
        assert results.score.gaps, "a demo should show something to work on"


def test_the_demo_executive_sees_progress_and_how_the_organization_compares(demo, client):
    latest = Campaign.objects.get(
        organization__name=ORGANIZATION, name="2026 H2 · Smart Customer Management"
    )
    client.force_login(get_user_model().objects.get(username="demo-executive"))
    html = client.get(f"/reports/campaigns/{latest.pk}/").content.decode()
    assert "Progress since the last campaign" in html
    assert "How you compare" in html
    assert "Benchmarking appears here once" not in html
    assert "Peer organization" not in html


def test_loading_the_demo_twice_adds_nothing(demo):
    counts = (Campaign.objects.count(), Answer.objects.count(), Membership.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Campaign.objects.count(), Answer.objects.count(), Membership.objects.count()) == counts


def test_the_demo_logins_work_and_have_their_roles(demo, client):
    users = get_user_model().objects
    assert Membership.objects.get(user__username="demo-executive").role == "executive"
    assert Membership.objects.get(user__username="demo-consultant").role == "consultant"
    assert users.get(username="demo-consultant").is_staff
    assert not users.get(username="demo-executive").is_staff
    assert users.get(username="demo-admin").is_superuser
    response = client.post(
        "/accounts/login/", {"username": "demo-executive", "password": "demo-executive-2026"}
    )
    assert response.status_code == 302


def test_the_logins_are_printed_for_make_run(demo, capsys):
    call_command("load_demo", "--print-logins")
    output = capsys.readouterr().out
    assert "demo-executive / demo-executive-2026" in output
    assert "demo-consultant / demo-consultant-2026" in output


def test_the_demo_without_the_shipped_models_says_to_load_them_first():
    with pytest.raises(
        CommandError,
        match=r"^model smart-customer-management does not exist: load the shipped models "
        r"first \(load_models\)$",
    ):
        call_command("load_demo", verbosity=0)

    assert not Organization.objects.exists()
    assert not get_user_model().objects.exists()
