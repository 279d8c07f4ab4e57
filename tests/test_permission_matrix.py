"""Who may open what (issue 8): every page of ours against every kind of visitor.

Each row is a page; each column a visitor; each cell the outcome a visitor gets: 200, a
redirect to sign in ("login", or "admin-login" for the admin's own), 403 or 404. An
employee has no account: their invitation link is their only key, so on pages other than
their own they are anonymous.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from assessments.models import Membership
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    consultant_of,
    respond,
)

User = get_user_model()

VISITORS = (
    "anonymous",
    "employee",
    "executive",
    "other_executive",
    "roleless_member",
    "no_membership",
    "staff_executive",
    "consultant",
    "other_consultant",
    "superuser",
)
SIGN_IN = "login"
ADMIN_SIGN_IN = "admin-login"
ADMIN_INDEX = "admin-index"

# Columns, in the order of VISITORS:
#  anonymous, employee, executive, other_executive, roleless_member, no_membership,
#  staff_executive, consultant, other_consultant, superuser
# Results: the organization's executives and consultants, superusers.
RESULTS_PAGE = (SIGN_IN, SIGN_IN, 200, 404, 404, 404, 200, 200, 404, 200)
# Raw answers: for the consultants; the organization's executives get 403.
CONSULTANTS_EXPORT = (SIGN_IN, SIGN_IN, 403, 404, 404, 404, 403, 200, 404, 200)
# The same, for a campaign whose answers are prepared on the queue: 202 while they are.
QUEUED_EXPORT = (SIGN_IN, SIGN_IN, 403, 404, 404, 404, 403, 202, 404, 202)
# The admin (CONTRACT.md section 3): consultants and superusers. Signed out, the admin's
# sign-in page; signed in without access, 403: an executive, a member without a role, a
# user without any membership, a staff flag without a consultant membership.
NO_ADMIN = (ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 403, 403, 403, 403)
STAFF_PAGE = (*NO_ADMIN, 200, 200, 200)
# An organization's object: a 404 to another organization's consultant (its existence is
# not revealed), as a missing object is to everyone.
SCOPED_STAFF_PAGE = (*NO_ADMIN, 200, 404, 200)
# Only superusers delete these: Django's 403 to a consultant of the organization.
SUPERUSERS_PAGE = (*NO_ADMIN, 403, 404, 200)
NOT_FOUND_IN_THE_ADMIN = (*NO_ADMIN, 404, 404, 404)
EVERYONE = (200,) * len(VISITORS)

# page → outcome per visitor, in the order of VISITORS.
MATRIX = {
    "results page": RESULTS_PAGE,
    "pdf report": RESULTS_PAGE,
    "discussion agenda": RESULTS_PAGE,
    "answers csv": CONSULTANTS_EXPORT,
    "answers xlsx": CONSULTANTS_EXPORT,
    "answers csv on the queue": QUEUED_EXPORT,
    "answers xlsx on the queue": QUEUED_EXPORT,
    "results json": CONSULTANTS_EXPORT,
    "action plan": RESULTS_PAGE,
    "action plan csv": RESULTS_PAGE,
    "action plan xlsx": RESULTS_PAGE,
    "admin index": STAFF_PAGE,
    "admin campaigns": STAFF_PAGE,
    "admin campaign": SCOPED_STAFF_PAGE,
    "admin campaign delete": SCOPED_STAFF_PAGE,
    "admin campaign history": SCOPED_STAFF_PAGE,
    "admin missing campaign": NOT_FOUND_IN_THE_ADMIN,
    "admin organization": SCOPED_STAFF_PAGE,
    "admin organization delete": SUPERUSERS_PAGE,
    "admin organization history": SCOPED_STAFF_PAGE,
    "admin membership": SCOPED_STAFF_PAGE,
    "admin membership delete": SCOPED_STAFF_PAGE,
    "admin invitation": SCOPED_STAFF_PAGE,
    "admin response": SCOPED_STAFF_PAGE,
    "admin response delete": SUPERUSERS_PAGE,
    "admin response history": SCOPED_STAFF_PAGE,
    "admin results review": SCOPED_STAFF_PAGE,
    "admin maturity models": STAFF_PAGE,
    "admin unknown page": NOT_FOUND_IN_THE_ADMIN,
    # Open to everyone; signed in with access, it goes on to the admin.
    "admin sign-in": (200,) * 7 + (ADMIN_INDEX,) * 3,
    "questionnaire": EVERYONE,
    "forged questionnaire link": (404,) * len(VISITORS),
    "home": EVERYONE,
    "health": EVERYONE,
}


@pytest.fixture
def world(campaign, monkeypatch):
    """One campaign with answers, its people, and people of another organization."""
    from reports import chart_images

    # Charts are not what this test is about; the PDF draws tables in their place.
    monkeypatch.setattr(chart_images, "svg_images", lambda figures: None)
    response = respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 4})
    elsewhere = CampaignFactory()
    organization = campaign.organization
    people = {
        "executive": MembershipFactory(organization=organization).user,
        "other_executive": MembershipFactory(organization=elsewhere.organization).user,
        # A membership row without a role (the database allows one): not an executive.
        "roleless_member": MembershipFactory(organization=organization, role="").user,
        "no_membership": UserFactory(),
        "staff_executive": MembershipFactory(organization=organization).user,
        "consultant": consultant_of(organization),
        "other_consultant": consultant_of(elsewhere.organization),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    # A staff flag with no consultant membership behind it (ticked by hand, say).
    User.objects.filter(pk=people["staff_executive"].pk).update(is_staff=True)
    people["staff_executive"].refresh_from_db()
    invitation = InvitationFactory(campaign=campaign)
    membership = Membership.objects.get(user=people["executive"])
    base = f"/reports/campaigns/{campaign.pk}/"
    campaign_admin = f"/admin/assessments/campaign/{campaign.pk}/"
    organization_admin = f"/admin/assessments/organization/{organization.pk}/"
    response_admin = f"/admin/assessments/response/{response.pk}/"
    pages = {
        "results page": base,
        "pdf report": f"{base}report.pdf",
        "discussion agenda": f"{base}discussion/",
        "answers csv": f"{base}answers.csv",
        "answers xlsx": f"{base}answers.xlsx",
        "answers csv on the queue": f"{base}answers.csv",
        "answers xlsx on the queue": f"{base}answers.xlsx",
        "results json": f"{base}results.json",
        "action plan": f"{base}actions/",
        "action plan csv": f"{base}actions.csv",
        "action plan xlsx": f"{base}actions.xlsx",
        "admin index": "/admin/",
        "admin campaigns": "/admin/assessments/campaign/",
        "admin campaign": f"{campaign_admin}change/",
        "admin campaign delete": f"{campaign_admin}delete/",
        "admin campaign history": f"{campaign_admin}history/",
        "admin missing campaign": f"/admin/assessments/campaign/{elsewhere.pk + 1000}/change/",
        "admin organization": f"{organization_admin}change/",
        "admin organization delete": f"{organization_admin}delete/",
        "admin organization history": f"{organization_admin}history/",
        "admin membership": f"/admin/assessments/membership/{membership.pk}/change/",
        "admin membership delete": f"/admin/assessments/membership/{membership.pk}/delete/",
        "admin invitation": f"/admin/assessments/invitation/{invitation.pk}/change/",
        "admin response": f"{response_admin}change/",
        "admin response delete": f"{response_admin}delete/",
        "admin response history": f"{response_admin}history/",
        "admin results review": f"{campaign_admin}review/",
        "admin maturity models": "/admin/models_catalog/maturitymodel/",
        "admin unknown page": "/admin/no-such-page/",
        "admin sign-in": "/admin/login/",
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
        return ADMIN_INDEX
    return f"redirect to {location}"


@pytest.mark.parametrize("page", MATRIX)
@pytest.mark.parametrize("visitor", VISITORS)
def test_each_visitor_gets_what_the_matrix_says(world, page, visitor, settings):
    people, pages = world
    if page.endswith("on the queue"):
        settings.EXPORT_INLINE_MAX_ANSWERS = 0
    client = Client()
    if visitor in people:
        client.force_login(people[visitor])
    expected = MATRIX[page][VISITORS.index(visitor)]
    assert outcome(client.get(pages[page])) == expected
