"""Campaigns in the admin: the list, the form, invitations, imports and exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.invitations import invitation_url
from assessments.models import Answer, Campaign, Invitation, Response
from models_catalog.models import MaturityModel
from models_catalog.services import create_new_version, retire
from reports import exports
from reports.models import AnswerExport
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    ResponseFactory,
    UnitFactory,
    admin_form_data,
    consultant_of,
    respond,
)

CHANGELIST = reverse("admin:assessments_campaign_changelist")
ADD = reverse("admin:assessments_campaign_add")
INVITATIONS = reverse("admin:assessments_invitation_changelist")


def change_url(campaign) -> str:
    return reverse("admin:assessments_campaign_change", args=[campaign.pk])


def invitations_url(campaign) -> str:
    return reverse("admin:assessments_campaign_create_invitations", args=[campaign.pk])


def import_url(campaign) -> str:
    return reverse("admin:assessments_campaign_import_responses", args=[campaign.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def action(client, name: str, *objects, url=CHANGELIST, follow=False):
    return client.post(
        url, {"action": name, "_selected_action": [obj.pk for obj in objects]}, follow=follow
    )


@pytest.fixture
def consulting(client, consultant):
    client.force_login(consultant)
    return client


# The list


def test_the_list_counts_invited_started_and_submitted(consulting, campaign):
    invitations = InvitationFactory.create_batch(3, campaign=campaign)
    respond(campaign, {"cr-1": 3}, invitation=invitations[0])
    ResponseFactory(campaign=campaign, invitation=invitations[1])

    response = consulting.get(CHANGELIST)

    (row,) = response.context["cl"].result_list
    assert (row.invited, row.started, row.submitted) == (3, 2, 1)
    assert row.maturity_model.version in response.content.decode()


def test_the_list_needs_the_same_queries_for_3_or_30_campaigns(
    consulting, campaign, django_assert_max_num_queries
):
    for count in (3, 30):
        while Campaign.objects.count() < count:
            other = CampaignFactory(organization=campaign.organization)
            InvitationFactory.create_batch(2, campaign=other)
            respond(other, {"cr-1": 2})
        with django_assert_max_num_queries(12):
            response = consulting.get(CHANGELIST)
        assert len(response.context["cl"].result_list) == count


# The form


def test_new_campaigns_choose_among_published_versions(consulting, campaign):
    draft = create_new_version(maturity_model=campaign.maturity_model)

    response = consulting.get(ADD)

    choices = response.context["adminform"].form.fields["maturity_model"].queryset
    assert campaign.maturity_model in choices
    assert draft not in choices


def test_a_consultant_creates_a_campaign(consulting, campaign):
    data = admin_form_data(consulting.get(ADD))
    data.update(
        {
            "organization": campaign.organization.pk,
            "name": "Second wave",
            "maturity_model": campaign.maturity_model.pk,
            "target_level": "2",
        }
    )

    response = consulting.post(ADD, data)

    assert response.status_code == 302
    created = Campaign.objects.get(name="Second wave")
    assert (created.organization, created.target_level) == (campaign.organization, 2)


def test_a_target_level_beyond_the_versions_levels_is_an_error_on_that_field(consulting, campaign):
    data = admin_form_data(consulting.get(change_url(campaign)))
    data["target_level"] = "9"

    response = consulting.post(change_url(campaign), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target_level"] == [
        "Target level 9 is not a level of small-model 1.0 (1-3)."
    ]
    campaign.refresh_from_db()
    assert campaign.target_level == 3


def test_closing_before_opening_is_an_error_on_the_closing_date(consulting, campaign):
    data = admin_form_data(consulting.get(change_url(campaign)))
    data.update(
        {
            "opens_at_0": "2026-03-10",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2026-03-01",
            "closes_at_1": "09:00:00",
        }
    )

    response = consulting.post(change_url(campaign), data)

    assert response.context["adminform"].form.errors["closes_at"] == [
        "A campaign closes after it opens."
    ]


def test_a_name_used_by_another_campaign_of_the_organization_is_an_error(consulting, campaign):
    CampaignFactory(organization=campaign.organization, name="Taken")
    data = admin_form_data(consulting.get(change_url(campaign)))
    data["name"] = "Taken"

    response = consulting.post(change_url(campaign), data)

    assert response.context["adminform"].form.errors["name"] == [
        "This organization has a campaign with this name already."
    ]


def test_the_version_cannot_change_once_the_campaign_has_responses(consulting, campaign):
    respond(campaign, {"cr-1": 3})
    pinned = campaign.maturity_model
    newer = create_new_version(maturity_model=campaign.maturity_model)
    newer.status = MaturityModel.Status.PUBLISHED
    newer.save()
    page = consulting.get(change_url(campaign))
    data = admin_form_data(page)
    data.update({"maturity_model": newer.pk, "anonymous": "", "name": "Renamed"})

    response = consulting.post(change_url(campaign), data)

    assert "maturity_model" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.maturity_model, campaign.anonymous) == (
        "Renamed",
        pinned,
        True,
    )


def test_a_campaign_keeps_its_retired_version(consulting, campaign):
    retire(maturity_model=campaign.maturity_model)
    page = consulting.get(change_url(campaign))
    data = admin_form_data(page)
    data["name"] = "Still on 1.0"

    response = consulting.post(change_url(campaign), data)

    assert (
        campaign.maturity_model in page.context["adminform"].form.fields["maturity_model"].queryset
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.maturity_model.version) == ("Still on 1.0", "1.0")


def test_the_change_page_links_to_results_exports_and_tools(consulting, campaign):
    page = consulting.get(change_url(campaign)).content.decode()

    for url in (
        f"/reports/campaigns/{campaign.pk}/",
        f"/reports/campaigns/{campaign.pk}/report.pdf",
        f"/reports/campaigns/{campaign.pk}/answers.csv",
        f"/reports/campaigns/{campaign.pk}/answers.xlsx",
        f"/reports/campaigns/{campaign.pk}/results.json",
        invitations_url(campaign),
        import_url(campaign),
    ):
        assert f'href="{url}"' in page


# Invitations


def test_the_invitation_action_opens_the_form_for_one_campaign(consulting, campaign):
    other = CampaignFactory(organization=campaign.organization)

    one = action(consulting, "create_invitation_links", campaign)
    two = action(consulting, "create_invitation_links", campaign, other, follow=True)

    assert one.status_code == 302
    assert one.url == invitations_url(campaign)
    assert messages_of(two) == ["Choose exactly one campaign to create its invitation links."]


def test_creating_links_for_a_number_of_people_and_addresses(consulting, campaign):
    unit = UnitFactory(organization=campaign.organization, name="Sales")

    response = consulting.post(
        invitations_url(campaign),
        {
            "count": "2",
            "emails": "ada@example.com, grace@example.com\nada@example.com",
            "unit": unit.pk,
            "role": "manager",
        },
    )

    created = list(Invitation.objects.filter(campaign=campaign))
    assert len(created) == 4
    assert {invitation.unit for invitation in created} == {unit}
    assert sorted(invitation.email for invitation in created) == [
        "",
        "",
        "ada@example.com",
        "grace@example.com",
    ]
    page = response.content.decode()
    for invitation in created:
        assert invitation_url(invitation) in page
    assert messages_of(response) == ["Created 4 invitation links."]


@pytest.mark.parametrize(
    "closing", [{"status": Campaign.Status.CLOSED}, {"closes_at": timezone.now() - timedelta(1)}]
)
def test_links_made_for_a_closed_campaign_come_with_a_warning(consulting, campaign, closing):
    Campaign.objects.filter(pk=campaign.pk).update(**closing)

    response = consulting.post(invitations_url(campaign), {"count": "1", "emails": ""})

    assert campaign.invitations.count() == 1
    assert messages_of(response) == [
        "Created 1 invitation link.",
        f"Campaign {campaign.name!r} is closed: its links show that it is closed until it is "
        "reopened.",
    ]


def test_asking_for_no_link_is_a_form_error(consulting, campaign):
    response = consulting.post(invitations_url(campaign), {"count": "0", "emails": ""})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Ask for at least one link: a number of links or e-mail addresses."
    ]
    assert not Invitation.objects.exists()


def test_addresses_alone_with_the_number_of_links_left_empty_make_one_link_each(
    consulting, campaign
):
    # A browser posts the emptied "Number of links" box as "".
    response = consulting.post(
        invitations_url(campaign), {"count": "", "emails": "ada@example.com\ngrace@example.com"}
    )

    assert response.status_code == 200
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ada@example.com",
        "grace@example.com",
    ]
    assert messages_of(response) == ["Created 2 invitation links."]


def test_a_pasted_list_with_a_bad_address_is_an_error_on_that_field(consulting, campaign):
    response = consulting.post(
        invitations_url(campaign), {"emails": "ada@example.com\nnot-an-address"}
    )

    assert response.context["form"].errors["emails"] == ["Not e-mail addresses: not-an-address."]
    assert not Invitation.objects.exists()


def test_another_organizations_unit_is_not_a_choice(consulting, campaign):
    elsewhere = UnitFactory()

    response = consulting.post(invitations_url(campaign), {"count": "1", "unit": elsewhere.pk})

    assert "unit" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_new_links_page_downloads_and_sends_what_it_shows(consulting, campaign, mailoutbox):
    consulting.post(invitations_url(campaign), {"count": "1", "emails": "ada@example.com"})
    created = list(Invitation.objects.filter(campaign=campaign))
    filtered = f"{INVITATIONS}?campaign__id__exact={campaign.pk}"

    download = action(consulting, "export_links_csv", *created, url=filtered)
    sent = action(consulting, "send_invitation_emails", *created, url=filtered, follow=True)

    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert download["Content-Disposition"] == 'attachment; filename="invitation-links.csv"'
    assert sorted(row["url"] for row in rows) == sorted(invitation_url(i) for i in created)
    ada = Invitation.objects.get(email="ada@example.com")
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
    assert invitation_url(ada) in mailoutbox[0].body
    assert messages_of(sent) == [
        "Sent 1 invitation e-mail; links without an address, or sent already, were left out."
    ]


def test_campaign_actions_send_invitations_then_reminders_to_who_has_not_submitted(
    consulting, campaign, mailoutbox
):
    ada = InvitationFactory(campaign=campaign, email="ada@example.com")
    grace = InvitationFactory(campaign=campaign, email="grace@example.com")
    InvitationFactory(campaign=campaign)

    invited = action(consulting, "send_invitation_emails", campaign, follow=True)
    again = action(consulting, "send_invitation_emails", campaign, follow=True)
    respond(campaign, {"cr-1": 3}, invitation=grace)
    reminded = action(consulting, "send_reminders", campaign, follow=True)

    assert messages_of(invited)[0].startswith("Sent 2 invitation e-mails")
    assert messages_of(again)[0].startswith("Sent 0 invitation e-mails")
    assert messages_of(reminded) == [
        "Sent 1 reminder; people who submitted, or have no address, were left out."
    ]
    assert [message.to for message in mailoutbox] == [
        ["ada@example.com"],
        ["grace@example.com"],
        ["ada@example.com"],
    ]
    ada.refresh_from_db()
    assert ada.sent_at is not None
    assert ada.reminded_at is not None


def test_the_campaign_action_exports_its_invitation_links(consulting, campaign):
    invitation = InvitationFactory(campaign=campaign, email="ada@example.com")
    InvitationFactory(campaign=CampaignFactory(), email="elsewhere@example.com")

    response = action(consulting, "export_invitation_links", campaign)

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["email"], row["url"]) for row in rows] == [
        ("ada@example.com", invitation_url(invitation))
    ]


def test_a_consultant_of_another_organization_cannot_create_links_or_import(client, campaign):
    client.force_login(consultant_of(CampaignFactory().organization))

    create = client.post(invitations_url(campaign), {"count": "3"})
    upload = client.post(import_url(campaign), {"file": responses_file("cr-1,3")})

    assert (create.status_code, upload.status_code) == (404, 404)
    assert not Invitation.objects.exists()
    assert not Response.objects.exists()


# Importing responses


def responses_file(*rows: str) -> SimpleUploadedFile:
    lines = ["respondent,question,value,unit,role,comment"]
    lines += [f"r-{number},{row},Sales,employee," for number, row in enumerate(rows, 1)]
    return SimpleUploadedFile("answers.csv", "\n".join(lines).encode(), "text/csv")


def test_importing_a_good_responses_file_reports_the_counts(consulting, campaign):
    response = consulting.post(
        import_url(campaign), {"file": responses_file("cr-1,3", "cr-2,NA")}, follow=True
    )

    assert messages_of(response) == ["Imported 2 answers from 2 respondents."]
    assert Answer.objects.filter(response__campaign=campaign).count() == 2


def test_a_responses_file_with_no_rows_says_that_nothing_was_in_it(consulting, campaign):
    response = consulting.post(import_url(campaign), {"file": responses_file()}, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"/{campaign.pk}/change/")
    assert messages_of(response) == ["The file has no answer rows; nothing was imported."]
    assert not Response.objects.exists()


def test_a_bad_responses_file_names_its_lines_and_writes_nothing(consulting, campaign):
    response = consulting.post(
        import_url(campaign), {"file": responses_file("cr-1,3", "cr-2,9", "nope,1")}
    )

    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("Nothing was imported: line 3: ")
    assert "line 4: " in error
    assert not Response.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=10)
def test_a_responses_file_above_the_size_limit_is_refused(consulting, campaign):
    response = consulting.post(import_url(campaign), {"file": responses_file("cr-1,3")})

    (error,) = response.context["form"].errors["file"]
    assert "files up to 10\xa0bytes are accepted" in error
    assert not Response.objects.exists()


# Exporting answers


def test_exporting_one_campaigns_answers_as_csv_and_xlsx(consulting, campaign):
    campaign.anonymous = False
    campaign.save()
    respond(campaign, {"cr-1": 3, "cr-2": None}, respondent="r-001")

    as_csv = action(consulting, "export_answers_csv", campaign)
    as_xlsx = action(consulting, "export_answers_xlsx", campaign)

    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert [(row["respondent"], row["question"], row["value"]) for row in rows] == [
        ("r-001", "cr-1", "3"),
        ("r-001", "cr-2", "NA"),
    ]
    assert as_csv["Content-Disposition"] == (
        f'attachment; filename="campaign-{campaign.pk}-answers.csv"'
    )
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet.max_row == 3


def test_answers_beyond_one_sheets_rows_are_refused_with_the_csv_offered(
    consulting, campaign, monkeypatch
):
    respond(campaign, {"cr-1": 3, "cr-2": 1})
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)  # the header and one answer

    response = action(consulting, "export_answers_xlsx", campaign, follow=True)

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert messages_of(response) == [
        "2 rows do not fit one spreadsheet sheet (at most 1): download the CSV instead."
    ]


def test_exporting_answers_asks_for_exactly_one_campaign(consulting, campaign):
    other = CampaignFactory(organization=campaign.organization)

    response = action(consulting, "export_answers_csv", campaign, other, follow=True)

    assert messages_of(response) == ["Choose exactly one campaign to export its answers."]


def test_a_campaign_whose_dates_are_set_keeps_them_through_the_form(consulting, campaign):
    campaign.opens_at = timezone.now().replace(microsecond=0)
    campaign.closes_at = campaign.opens_at + timedelta(days=14)
    campaign.save()
    data = admin_form_data(consulting.get(change_url(campaign)))

    response = consulting.post(change_url(campaign), data)

    assert response.status_code == 302
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.opens_at, saved.closes_at) == (campaign.opens_at, campaign.closes_at)


@override_settings(EXPORT_INLINE_MAX_ANSWERS=1)
@pytest.mark.parametrize(("extension", "label"), [("csv", "CSV"), ("xlsx", "Excel")])
def test_exporting_a_large_campaign_says_it_is_being_prepared_and_links_the_download(
    consulting, consultant, campaign, extension, label
):
    respond(campaign, {"cr-1": 3, "cr-2": 1})

    response = action(consulting, f"export_answers_{extension}", campaign, follow=True)

    assert "Content-Disposition" not in response
    url = reverse(f"reports:answers_{extension}", args=[campaign.pk])
    assert messages_of(response) == [
        f"The answers of {campaign.name} ({label}) are being prepared: "
        f'<a href="{url}">this link</a> downloads them once they are ready.'
    ]
    export = AnswerExport.objects.get()
    assert (export.kind, export.status, export.requested_by) == (extension, "pending", consultant)


@override_settings(EXPORT_INLINE_MAX_ANSWERS=1)
def test_a_large_export_already_prepared_is_linked_as_ready(
    consulting, campaign, django_capture_on_commit_callbacks
):
    respond(campaign, {"cr-1": 3, "cr-2": 1})
    with django_capture_on_commit_callbacks(execute=True):
        action(consulting, "export_answers_csv", campaign, follow=True)

    response = action(consulting, "export_answers_csv", campaign, follow=True)

    url = reverse("reports:answers_csv", args=[campaign.pk])
    assert messages_of(response) == [
        f'The answers of {campaign.name} (CSV) are ready: <a href="{url}">download them</a>.'
    ]


@override_settings(EXPORT_INLINE_MAX_ANSWERS=1)
def test_a_large_export_that_failed_says_why_and_offers_to_try_again(
    consulting, campaign, monkeypatch, django_capture_on_commit_callbacks
):
    respond(campaign, {"cr-1": 3, "cr-2": 1})

    def disk_full(rows, out):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "write_answers_csv", disk_full)
    with django_capture_on_commit_callbacks(execute=True):
        action(consulting, "export_answers_csv", campaign, follow=True)

    failed = action(consulting, "export_answers_csv", campaign, follow=True)
    again = action(consulting, "export_answers_csv", campaign, follow=True)

    url = reverse("reports:answers_csv", args=[campaign.pk])
    assert messages_of(failed) == [
        f"The answers of {campaign.name} (CSV) could not be prepared: The file could not be "
        f'written or stored (No space left on device). <a href="{url}">Try again</a>.'
    ]
    assert "are being prepared" in messages_of(again)[0]


@override_settings(EXPORT_INLINE_MAX_ANSWERS=1)
def test_a_large_xlsx_beyond_one_sheet_is_refused_before_anything_is_queued(
    consulting, campaign, monkeypatch
):
    respond(campaign, {"cr-1": 3, "cr-2": 1})
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)

    response = action(consulting, "export_answers_xlsx", campaign, follow=True)

    assert messages_of(response) == [
        "2 rows do not fit one spreadsheet sheet (at most 1): download the CSV instead."
    ]
    assert not AnswerExport.objects.exists()
