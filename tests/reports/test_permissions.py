"""Who may open each reports address (CONTRACT.md section 3).

Results page and PDF: the organization's executives and consultants, and superusers.
Exports: its consultants and superusers; an executive, who can see the campaign anyway,
gets 403. Anyone else signed in gets 404, so a campaign's existence is not revealed.
"""

import pytest
from django.urls import reverse

VIEWS = ("results", "report_pdf")
EXPORTS = ("answers_csv", "answers_xlsx", "results_json")
ROUTES = VIEWS + EXPORTS


@pytest.fixture(autouse=True)
def _quick_pdfs(no_chromium):
    """Permissions do not depend on charts; tables keep the PDF quick."""


def get(client, user, route, campaign_id):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"reports:{route}", args=[campaign_id]))


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, campaign, route):
    url = reverse(f"reports:{route}", args=[campaign.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("route", VIEWS)
def test_executives_of_the_organization_see_results_and_report(client, executive, campaign, route):
    assert get(client, executive, route, campaign.pk).status_code == 200


@pytest.mark.parametrize("route", EXPORTS)
def test_executives_of_the_organization_may_not_export_answers(client, executive, campaign, route):
    assert get(client, executive, route, campaign.pk).status_code == 403


@pytest.mark.parametrize("route", ROUTES)
def test_consultants_of_the_organization_may_open_everything(client, consultant, campaign, route):
    assert get(client, consultant, route, campaign.pk).status_code == 200


@pytest.mark.parametrize("route", ROUTES)
def test_superusers_may_open_everything(client, superuser, campaign, route):
    assert get(client, superuser, route, campaign.pk).status_code == 200


@pytest.mark.parametrize("route", ROUTES)
def test_executives_of_another_organization_get_not_found(client, outsider, campaign, route):
    assert get(client, outsider, route, campaign.pk).status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_consultants_of_another_organization_get_not_found(
    client, outside_consultant, campaign, route
):
    assert get(client, outside_consultant, route, campaign.pk).status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_a_campaign_that_does_not_exist_is_not_found(client, superuser, route):
    assert get(client, superuser, route, 987654).status_code == 404


def test_a_signed_in_user_without_any_membership_gets_not_found(client, campaign):
    from tests.factories import UserFactory

    assert get(client, UserFactory(), "results", campaign.pk).status_code == 404


def test_a_deactivated_executive_no_longer_sees_results(client, executive, campaign):
    client.force_login(executive)
    executive.is_active = False
    executive.save()

    response = client.get(reverse("reports:results", args=[campaign.pk]))

    assert response.status_code in (302, 404)
