"""The results page's body is rendered once per state of what it shows (reports/results_page.py):
served again while nothing changes, rendered afresh after any change it shows, and never
handed from one kind of viewer to another."""

import re
from datetime import date, timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.invitations import create_invitations
from assessments.models import Invitation
from reports import results_page
from tests.factories import (
    AreaReviewFactory,
    CampaignFactory,
    InvitationFactory,
    UserFactory,
    respond,
)


def page_of(client, user, campaign) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:results", args=[campaign.pk]))
    assert response.status_code == 200
    return response.content.decode()


def main_of(page: str) -> str:
    """The page less its header, whose sign-out form carries a fresh CSRF token."""
    return page.split('<main id="main"')[1]


@pytest.fixture
def answered(campaign):
    respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 1})
    return campaign


@pytest.fixture
def renders(monkeypatch):
    """How many times the body was rendered."""
    calls = []
    render_body = results_page.render_body

    def counting(*args, **kwargs):
        calls.append(1)
        return render_body(*args, **kwargs)

    monkeypatch.setattr(results_page, "render_body", counting)
    return calls


def test_the_body_is_rendered_once_while_nothing_changes(client, executive, answered, renders):
    first = page_of(client, executive, answered)
    second = page_of(client, executive, answered)

    assert len(renders) == 1
    assert main_of(first) == main_of(second)
    assert "Respondents" in main_of(second)


def test_viewers_of_the_same_kind_share_the_body(client, executive, answered, renders):
    colleague = UserFactory()
    executive.memberships.get().organization.memberships.create(user=colleague, role="executive")

    page_of(client, executive, answered)
    page_of(client, colleague, answered)

    assert len(renders) == 1


def test_an_executive_never_gets_the_consultant_s_export_menu_or_review_link(
    client, consultant, executive, answered
):
    csv_url = reverse("reports:answers_csv", args=[answered.pk])
    review_url = reverse("admin:assessments_campaign_review", args=[answered.pk])
    consultant_page = page_of(client, consultant, answered)
    assert csv_url in consultant_page
    assert review_url in consultant_page

    executive_page = page_of(client, executive, answered)
    # Staff (a consultant elsewhere, say) but only an executive here: still no exports.
    executive.is_staff = True
    executive.save()
    staff_executive_page = page_of(client, executive, answered)

    assert csv_url not in executive_page
    assert review_url not in executive_page
    assert csv_url not in staff_executive_page


def test_a_consultant_without_admin_access_gets_no_admin_link(client, consultant, answered):
    review_url = reverse("admin:assessments_campaign_review", args=[answered.pk])
    assert review_url in page_of(client, consultant, answered)
    consultant.is_staff = False
    consultant.save()

    assert review_url not in page_of(client, consultant, answered)


def rename_campaign(campaign):
    campaign.name = "Spring survey, renamed"
    campaign.save()
    return "Spring survey, renamed"


def rename_organization(campaign):
    campaign.organization.name = "Northwind Holdings"
    campaign.organization.save()
    return "Northwind Holdings"


def answer_again(campaign):
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": 4})
    return '<p class="headline-value">2</p>'


def invite(campaign):
    InvitationFactory.create_batch(3, campaign=campaign)
    return "3 invitations"


def invite_in_bulk(campaign):
    create_invitations(campaign=campaign, count=4)
    return "4 invitations"


def withdraw_an_invitation(campaign):
    InvitationFactory.create_batch(2, campaign=campaign)
    # The page is served between the two changes, so the deletion alone must show.
    page_of(Client(), campaign.organization.memberships.get().user, campaign)
    Invitation.objects.filter(campaign=campaign).first().delete()
    return "1 invitation"


def observe(campaign):
    AreaReviewFactory(campaign=campaign, observation="Nobody reads the complaint log.")
    return "Nobody reads the complaint log."


def drop_target(campaign):
    campaign.target_level = None
    campaign.save()
    return "None set"


def rename_earlier_round(campaign):
    earlier = CampaignFactory(
        organization=campaign.organization,
        maturity_model=campaign.maturity_model,
        name="First round",
        opens_at=timezone.now() - timedelta(days=200),
    )
    respond(earlier, {"cr-1": 1, "cr-2": 1, "mo-1": 1})
    earlier.name = "The very first round"
    earlier.save()
    return "The very first round"


@pytest.mark.parametrize(
    "change",
    [
        rename_campaign,
        rename_organization,
        answer_again,
        invite,
        invite_in_bulk,
        withdraw_an_invitation,
        observe,
        drop_target,
        rename_earlier_round,
    ],
    ids=lambda change: change.__name__,
)
def test_every_change_the_page_shows_is_shown_at_once(client, executive, answered, change):
    page_of(client, executive, answered)

    expected = change(answered)

    assert expected in main_of(page_of(client, executive, answered))


def test_a_new_day_gives_a_page_as_of_that_day(client, executive, answered, monkeypatch):
    page_of(client, executive, answered)
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2031, 5, 17))

    assert "results as of 17 May 2031" in page_of(client, executive, answered)


@pytest.mark.parametrize("viewer", ["consultant", "executive"])
def test_a_served_page_costs_four_statements(client, answered, viewer, request):
    """Session, user, the campaign with the viewer's right to export its answers (one
    statement), and the body's key (one); nothing else while the body is kept, however
    many people were invited."""
    user = request.getfixturevalue(viewer)
    create_invitations(campaign=answered, count=30)
    page_of(client, user, answered)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:results", args=[answered.pk])).content.decode()
    assert len(queries) == 4, [query["sql"] for query in queries]
    assert not any(Invitation._meta.db_table in query["sql"] for query in queries)
    assert ("Export for analysis" in page) is (viewer == "consultant")


def sign_out_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_each_viewer_of_a_shared_page_sees_their_own_name_and_token(executive, answered):
    colleague = UserFactory(username="second&viewer")
    executive.memberships.get().organization.memberships.create(user=colleague, role="executive")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    mine = page_of(first, executive, answered)
    theirs = page_of(second, colleague, answered)

    assert f"Sign out ({executive.username})" in mine
    assert "Sign out (second&amp;viewer)" in theirs
    assert executive.username not in theirs
    assert "placeholder" not in mine + theirs
    # Each page's sign-out form carries a token its own viewer's browser can use.
    signed_out = second.post(reverse("logout"), {"csrfmiddlewaretoken": sign_out_token(theirs)})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in second.session
    assert "_auth_user_id" in first.session


def test_a_message_waiting_is_shown_on_the_page(rf, executive, answered):
    def request():
        made = rf.get(reverse("reports:results", args=[answered.pk]))
        made.user, made.session = executive, {}
        made._messages = FallbackStorage(made)
        return made

    results_page.results_page_html(request(), answered, can_export=False)  # the shell is kept
    waiting = request()
    messages.success(waiting, "Your action plan was saved.")

    page = results_page.results_page_html(waiting, answered, can_export=False)

    assert "Your action plan was saved." in page
    assert "Respondents" in main_of(page)
