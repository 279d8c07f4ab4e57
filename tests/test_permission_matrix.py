"""Who may open what (issue 8): every page of ours against every kind of visitor.

Each row is a page; each column a visitor; each cell the outcome a visitor gets:
200, a redirect to sign in ("login"), 403 or 404. An employee has no account: their
invitation link is their only key, so on pages other than their own they are anonymous.
"""

import pytest
from django.test import Client

from assessments.models import Membership
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    respond,
)

VISITORS = (
    "anonymous",
    "employee",
    "executive",
    "other_executive",
    "consultant",
    "other_consultant",
    "superuser",
)
SIGN_IN = "login"
ADMIN_SIGN_IN = "admin-login"
ADMIN_SAYS_MISSING = "admin-missing"

# Staff pages: signed-in staff only; scoped ones show another organization to nobody.
STAFF_PAGE = (ADMIN_SIGN_IN,) * 4 + (200, 200, 200)
SCOPED_STAFF_PAGE = (ADMIN_SIGN_IN,) * 4 + (200, ADMIN_SAYS_MISSING, 200)

# page → outcome per visitor, in the order of VISITORS.
MATRIX = {
    "results page": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "pdf report": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "discussion agenda": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "answers csv": (SIGN_IN, SIGN_IN, 403, 404, 200, 404, 200),
    "answers xlsx": (SIGN_IN, SIGN_IN, 403, 404, 200, 404, 200),
    "results json": (SIGN_IN, SIGN_IN, 403, 404, 200, 404, 200),
    "action plan": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "action plan csv": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "action plan xlsx": (SIGN_IN, SIGN_IN, 200, 404, 200, 404, 200),
    "admin index": STAFF_PAGE,
    "admin campaign": SCOPED_STAFF_PAGE,
    "admin organization": SCOPED_STAFF_PAGE,
    "admin results review": (ADMIN_SIGN_IN,) * 4 + (200, 404, 200),
    "admin maturity models": STAFF_PAGE,
    "questionnaire": (200, 200, 200, 200, 200, 200, 200),
    "forged questionnaire link": (404, 404, 404, 404, 404, 404, 404),
    "home": (200, 200, 200, 200, 200, 200, 200),
    "health": (200, 200, 200, 200, 200, 200, 200),
}


@pytest.fixture
def world(campaign, monkeypatch):
    """One campaign with answers, its people, and people of another organization."""
    from reports import chart_images

    # Charts are not what this test is about; the PDF draws tables in their place.
    monkeypatch.setattr(chart_images, "svg_images", lambda figures: None)
    respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 4})
    elsewhere = CampaignFactory()
    people = {
        "executive": MembershipFactory(organization=campaign.organization).user,
        "other_executive": MembershipFactory(organization=elsewhere.organization).user,
        "consultant": UserFactory(is_staff=True),
        "other_consultant": UserFactory(is_staff=True),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    Membership.objects.create(
        user=people["consultant"], organization=campaign.organization, role="consultant"
    )
    Membership.objects.create(
        user=people["other_consultant"], organization=elsewhere.organization, role="consultant"
    )
    invitation = InvitationFactory(campaign=campaign)
    base = f"/reports/campaigns/{campaign.pk}/"
    pages = {
        "results page": base,
        "pdf report": f"{base}report.pdf",
        "discussion agenda": f"{base}discussion/",
        "answers csv": f"{base}answers.csv",
        "answers xlsx": f"{base}answers.xlsx",
        "results json": f"{base}results.json",
        "action plan": f"{base}actions/",
        "action plan csv": f"{base}actions.csv",
        "action plan xlsx": f"{base}actions.xlsx",
        "admin index": "/admin/",
        "admin campaign": f"/admin/assessments/campaign/{campaign.pk}/change/",
        "admin organization": f"/admin/assessments/organization/{campaign.organization_id}/change/",
        "admin results review": f"/admin/assessments/campaign/{campaign.pk}/review/",
        "admin maturity models": "/admin/models_catalog/maturitymodel/",
        "questionnaire": f"/respond/{invitation.token}/",
        "forged questionnaire link": f"/respond/{invitation.token[:-4]}abcd/",
        "home": "/",
        "health": "/healthz",
    }
    return people, pages


def outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith("/accounts/login/"):
        return SIGN_IN
    if location.startswith("/admin/login/"):
        return ADMIN_SIGN_IN
    if location.rstrip("/") == "/admin":
        return ADMIN_SAYS_MISSING
    return f"redirect to {location}"


@pytest.mark.parametrize("page", MATRIX)
@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_what_the_matrix_says(world, page, visitor):
    people, pages = world
    client = Client()
    if visitor in people:
        client.force_login(people[visitor])
    expected = MATRIX[page][VISITORS.index(visitor)]
    assert outcome(client.get(pages[page])) == expected
