"""Deleting a campaign or an organization in the admin: a confirmation that counts what
goes, whatever its size (assessments/admin_deletion.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer, Campaign, Invitation, Organization, Response
from reports.models import AnswerExport
from tests.factories import AnswerExportFactory, InvitationFactory, respond

pytestmark = pytest.mark.django_db


def answered(campaign, people: int):
    for index in range(people):
        response = respond(campaign, {"cr-1": index % 5, "cr-2": 1})
        response.invitation = InvitationFactory(campaign=campaign)
        response.save()


def summary(page) -> dict[str, int]:
    return dict(page.context["model_count"])


def test_the_confirmation_counts_what_the_campaign_takes_with_it(client, superuser, campaign):
    answered(campaign, 3)
    client.force_login(superuser)

    page = client.get(reverse("admin:assessments_campaign_delete", args=[campaign.pk]))

    assert page.status_code == 200
    assert summary(page) == {"campaigns": 1, "invitations": 3, "responses": 3, "answers": 6}
    assert page.context["perms_lacking"] == set()
    assert "Answers: 6" in page.content.decode()


def test_the_confirmation_counts_answers_without_loading_them(client, superuser, campaign):
    answered(campaign, 3)
    client.force_login(superuser)
    table = Answer._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:assessments_campaign_delete", args=[campaign.pk]))

    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    assert reads
    assert all(sql.startswith("SELECT COUNT(*)") for sql in reads)


def test_a_consultant_may_not_delete_a_campaign_with_responses(client, consultant, campaign):
    answered(campaign, 1)
    client.force_login(consultant)
    url = reverse("admin:assessments_campaign_delete", args=[campaign.pk])

    page = client.get(url)
    refused = client.post(url, {"post": "yes"})

    assert page.context["perms_lacking"] == {"response"}
    assert refused.status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_a_consultant_deletes_a_campaign_nobody_answered(client, consultant, campaign):
    InvitationFactory.create_batch(2, campaign=campaign)
    client.force_login(consultant)

    done = client.post(
        reverse("admin:assessments_campaign_delete", args=[campaign.pk]), {"post": "yes"}
    )

    assert done.status_code == 302
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    assert not Invitation.objects.exists()


def test_the_confirmation_reads_as_many_queries_for_30_people_as_for_3(
    client, superuser, campaign, django_assert_max_num_queries
):
    client.force_login(superuser)
    url = reverse("admin:assessments_campaign_delete", args=[campaign.pk])
    answered(campaign, 3)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    answered(campaign, 27)

    with django_assert_max_num_queries(len(few)):
        page = client.get(url)

    assert summary(page)["answers"] == 60


def test_confirming_deletes_the_campaign_and_all_it_holds(client, superuser, campaign):
    answered(campaign, 3)
    client.force_login(superuser)

    done = client.post(
        reverse("admin:assessments_campaign_delete", args=[campaign.pk]), {"post": "yes"}
    )

    assert done.status_code == 302
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    assert not Invitation.objects.exists()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_an_organization_is_counted_with_its_campaigns(client, superuser, campaign):
    answered(campaign, 2)
    client.force_login(superuser)
    url = reverse("admin:assessments_organization_delete", args=[campaign.organization.pk])

    page = client.get(url)
    client.post(url, {"post": "yes"})

    assert summary(page)["campaigns"] == 1
    assert summary(page)["answers"] == 4
    assert not Organization.objects.filter(pk=campaign.organization.pk).exists()


def test_a_consultant_may_not_delete_an_organization(client, consultant, campaign):
    client.force_login(consultant)
    url = reverse("admin:assessments_organization_delete", args=[campaign.organization.pk])

    client.post(url, {"post": "yes"})

    assert Organization.objects.filter(pk=campaign.organization.pk).exists()


def test_deleting_selected_campaigns_counts_them_too(client, superuser, campaign):
    answered(campaign, 2)
    client.force_login(superuser)

    page = client.post(
        reverse("admin:assessments_campaign_changelist"),
        {"action": "delete_selected", "_selected_action": [campaign.pk]},
    )

    assert page.status_code == 200
    assert summary(page) == {"campaigns": 1, "invitations": 2, "responses": 2, "answers": 4}


def test_deleting_a_campaign_deletes_its_prepared_exports_and_their_files(
    client, superuser, campaign, django_capture_on_commit_callbacks
):
    answered(campaign, 2)
    prepared = [
        AnswerExportFactory(campaign=campaign),
        AnswerExportFactory(campaign=campaign, kind="xlsx", status="failed", file=""),
    ]
    elsewhere = AnswerExportFactory()
    client.force_login(superuser)
    url = reverse("admin:assessments_campaign_delete", args=[campaign.pk])

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"post": "yes"})

    assert summary(page)["answer exports"] == 2
    assert list(AnswerExport.objects.all()) == [elsewhere]
    storage = elsewhere.file.storage
    assert not storage.exists(prepared[0].file.name)
    assert storage.exists(elsewhere.file.name)


def test_deleting_an_organization_deletes_its_campaigns_prepared_files(
    client, superuser, campaign, django_capture_on_commit_callbacks
):
    prepared = AnswerExportFactory(campaign=campaign)
    client.force_login(superuser)
    url = reverse("admin:assessments_organization_delete", args=[campaign.organization_id])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"post": "yes"})

    assert not AnswerExport.objects.exists()
    assert not prepared.file.storage.exists(prepared.file.name)
