"""The action plan on the site (issue 10): executives and consultants of the organization
keep it; nobody else even learns it exists."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from assessments.models import Action, Campaign
from tests.factories import ActionFactory, CampaignFactory, respond


@pytest.fixture
def answered(campaign):
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 1})
    return campaign


def plan_url(campaign) -> str:
    return reverse("reports:actions", args=[campaign.pk])


def change_url(action) -> str:
    return reverse("reports:action_change", args=[action.campaign_id, action.pk])


def new_action(**fields) -> dict:
    data = {"new-title": "Track complaints weekly", "new-status": "open"}
    data.update({f"new-{name}": value for name, value in fields.items()})
    return data


def edit_data(action, **fields) -> dict:
    values = {
        "title": action.title,
        "area_key": action.area_key,
        "description": action.description,
        "owner": action.owner,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "status": action.status,
    }
    values.update(fields)
    return {f"action-{action.pk}-{name}": value for name, value in values.items()}


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# --- Who may keep the plan -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["executive", "consultant", "superuser"])
def test_the_organizations_people_read_and_add_to_the_plan(client, answered, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(plan_url(answered))
    added = client.post(plan_url(answered), new_action(owner="Service desk"))

    assert page.status_code == 200
    assert added.status_code == 302
    action = Action.objects.get()
    assert added["Location"] == f"{plan_url(answered)}#action-{action.pk}"
    assert (action.title, action.owner) == ("Track complaints weekly", "Service desk")


def test_executives_of_another_organization_get_not_found_and_change_nothing(
    client, answered, outsider
):
    action = ActionFactory(campaign=answered, title="Ours")
    client.force_login(outsider)

    responses = [
        client.get(plan_url(answered)),
        client.post(plan_url(answered), new_action()),
        client.post(change_url(action), edit_data(action, title="Theirs")),
        client.post(reverse("reports:action_remove", args=[answered.pk, action.pk])),
        client.post(reverse("reports:actions_start", args=[answered.pk])),
        client.get(reverse("reports:actions_csv", args=[answered.pk])),
    ]

    assert [response.status_code for response in responses] == [404] * 6
    assert list(Action.objects.values_list("title", flat=True)) == ["Ours"]


def test_consultants_of_another_organization_get_not_found(client, answered, outside_consultant):
    client.force_login(outside_consultant)

    assert client.get(plan_url(answered)).status_code == 404
    assert client.post(plan_url(answered), new_action()).status_code == 404
    assert not Action.objects.exists()


def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(client, answered):
    for response in (client.get(plan_url(answered)), client.post(plan_url(answered), new_action())):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Action.objects.exists()


def test_an_action_of_another_campaign_cannot_be_changed_through_this_one(
    client, answered, executive
):
    elsewhere = ActionFactory(campaign=CampaignFactory(), title="Theirs")
    client.force_login(executive)

    url = reverse("reports:action_change", args=[answered.pk, elsewhere.pk])
    response = client.post(url, edit_data(elsewhere, title="Ours now"))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Theirs"


def test_posting_without_the_csrf_token_is_refused(answered, executive):
    client = Client(enforce_csrf_checks=True)
    client.force_login(executive)

    response = client.post(plan_url(answered), new_action())

    assert response.status_code == 403
    assert not Action.objects.exists()


# --- Using the page --------------------------------------------------------------------------


def test_the_results_page_leads_to_the_action_plan(client, answered, executive):
    client.force_login(executive)

    page = client.get(reverse("reports:results", args=[answered.pk])).content.decode()

    assert f'href="{plan_url(answered)}"' in page


def test_the_page_offers_to_start_from_the_gaps_and_does_it(client, answered, executive):
    client.force_login(executive)

    before = text_of(client.get(plan_url(answered)))
    started = client.post(reverse("reports:actions_start", args=[answered.pk]), follow=True)

    assert "2 process areas to work on without an action" in before
    assert "Added 2 draft actions" in text_of(started)
    assert "without an action" not in text_of(started)
    assert list(Action.objects.order_by("title").values_list("title", flat=True)) == [
        "Monitoring",
        "Standard processes",
    ]


def test_an_action_without_a_title_is_refused_naming_the_field(client, answered, executive):
    client.force_login(executive)

    response = client.post(plan_url(answered), new_action(title="", owner="Service desk"))

    assert response.status_code == 200
    assert response.context["add_form"].errors == {"title": ["This field is required."]}
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="Service desk"' in page  # what was typed is kept
    assert not Action.objects.exists()


def test_changing_an_action_saves_it_and_a_bad_date_is_named_in_its_own_form(
    client, answered, executive
):
    action = ActionFactory(campaign=answered, title="Track complaints")
    other = ActionFactory(campaign=answered, title="Interview customers")
    client.force_login(executive)

    saved = client.post(change_url(action), edit_data(action, owner="Ops", status="in_progress"))
    refused = client.post(change_url(action), edit_data(action, due_date="next Tuesday"))

    assert saved.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.status) == ("Ops", "in_progress")
    assert refused.status_code == 200
    forms = {entry.action.pk: form for entry, form in refused.context["actions"]}
    assert "due_date" in forms[action.pk].errors
    assert not forms[other.pk].errors
    assert re.search(r"<details open>\s*<summary[^>]*>Change this action", text_of(refused))


def test_an_action_can_be_removed(client, answered, executive):
    action = ActionFactory(campaign=answered, title="Track complaints")
    client.force_login(executive)

    response = client.post(
        reverse("reports:action_remove", args=[answered.pk, action.pk]), follow=True
    )

    assert "Removed “Track complaints” from the plan." in response.content.decode()
    assert not Action.objects.exists()


def test_the_page_runs_no_inline_script_and_labels_every_field(client, answered, executive):
    ActionFactory(campaign=answered, title="Track complaints")
    client.force_login(executive)

    page = client.get(plan_url(answered)).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    field_ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert field_ids
    for field_id in field_ids:
        assert f'for="{field_id}"' in page, field_id
    assert page.count('name="csrfmiddlewaretoken"') >= 4


# --- Downloads -------------------------------------------------------------------------------


def test_the_plan_downloads_as_csv_and_xlsx_named_after_the_campaign(client, answered, executive):
    ActionFactory(campaign=answered, title="=cmd|' /C calc'!A0")
    client.force_login(executive)
    stem = slugify(f"{answered.organization.name} {answered.name}")

    as_csv = client.get(reverse("reports:actions_csv", args=[answered.pk]))
    as_xlsx = client.get(reverse("reports:actions_xlsx", args=[answered.pk]))

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"] == f'attachment; filename="{stem}-action-plan.csv"'
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert as_xlsx["Content-Disposition"] == f'attachment; filename="{stem}-action-plan.xlsx"'
    assert as_xlsx.content.startswith(b"PK")


# --- While the results wait for review --------------------------------------------------------


def test_executives_wait_for_the_review_on_the_plan_too(client, answered, executive, consultant):
    Campaign.objects.filter(pk=answered.pk).update(executives_see="reviewed")
    ActionFactory(campaign=answered, title="Track complaints")

    client.force_login(executive)
    for url in (plan_url(answered), reverse("reports:actions_csv", args=[answered.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "Your consultant is reviewing these results" in response.content.decode()
        assert "Track complaints" not in response.content.decode()
    client.post(plan_url(answered), new_action())
    assert Action.objects.count() == 1

    client.force_login(consultant)
    assert "Track complaints" in client.get(plan_url(answered)).content.decode()


# --- Queries ----------------------------------------------------------------------------------


def test_the_page_queries_do_not_grow_with_the_number_of_actions(
    client, answered, executive, django_assert_max_num_queries
):
    other = CampaignFactory(
        organization=answered.organization, maturity_model=answered.maturity_model
    )
    respond(other, {"cr-1": 3, "cr-2": 3, "mo-1": 1})
    ActionFactory(campaign=answered)
    for _ in range(15):
        ActionFactory(campaign=other)
    client.force_login(executive)
    client.get(plan_url(answered))  # results cached for both, as after any first visit
    client.get(plan_url(other))

    with CaptureQueriesContext(connection) as one_action:
        client.get(plan_url(answered))
    with django_assert_max_num_queries(len(one_action.captured_queries)):
        page = client.get(plan_url(other))
    assert len(page.context["actions"]) == 15
