"""Deleting invitations, responses and units raises their campaigns' versions once a
deletion, and not at all when the campaign itself goes (assessments/signals.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Campaign, Invitation, Response
from tests.factories import CampaignFactory, InvitationFactory, UnitFactory, respond

pytestmark = pytest.mark.django_db


def versions(campaign) -> tuple[int, int]:
    campaign.refresh_from_db()
    return campaign.answers_version, campaign.invitations_version


def campaign_updates(queries) -> list[str]:
    table = Campaign._meta.db_table
    # Raw statements name the table bare, the ORM's quote it.
    return [q["sql"] for q in queries if q["sql"].replace('"', "").startswith(f"UPDATE {table}")]


def test_one_invitation_deleted_raises_its_campaigns_invitation_version(campaign):
    invitation = InvitationFactory(campaign=campaign)
    answers, invitations = versions(campaign)

    invitation.delete()

    assert versions(campaign) == (answers, invitations + 1)


def test_many_invitations_deleted_at_once_raise_each_campaigns_version_once(campaign):
    other = CampaignFactory(organization=campaign.organization)
    for target in (campaign, other, campaign, other, campaign):
        InvitationFactory(campaign=target)
    before = versions(campaign), versions(other)

    with CaptureQueriesContext(connection) as queries:
        Invitation.objects.filter(campaign__in=[campaign, other]).delete()

    assert len(campaign_updates(queries)) == 2
    assert versions(campaign)[1] == before[0][1] + 1
    assert versions(other)[1] == before[1][1] + 1


def test_many_responses_deleted_at_once_raise_the_answer_version_once(campaign):
    for index in range(4):
        respond(campaign, {"cr-1": index})
    answers, invitations = versions(campaign)

    with CaptureQueriesContext(connection) as queries:
        Response.objects.filter(campaign=campaign).delete()

    assert len(campaign_updates(queries)) == 1
    assert versions(campaign) == (answers + 1, invitations)


def test_a_second_deletion_raises_the_versions_again(campaign):
    InvitationFactory.create_batch(2, campaign=campaign)
    _, invitations = versions(campaign)

    Invitation.objects.filter(pk=Invitation.objects.first().pk).delete()
    Invitation.objects.filter(campaign=campaign).delete()

    assert versions(campaign)[1] == invitations + 2


@pytest.mark.parametrize("start", ["campaign", "campaigns", "organization"])
def test_deleting_a_campaign_or_its_organization_updates_no_campaign(campaign, start):
    units = UnitFactory.create_batch(2, organization=campaign.organization)
    for index in range(3):
        response = respond(campaign, {"cr-1": index}, unit=units[index % 2])
        response.invitation = InvitationFactory(campaign=campaign)
        response.save()

    with CaptureQueriesContext(connection) as queries:
        if start == "campaign":
            campaign.delete()
        elif start == "campaigns":
            Campaign.objects.filter(pk=campaign.pk).delete()
        else:
            campaign.organization.delete()

    assert campaign_updates(queries) == []
    assert not Invitation.objects.exists()
    assert not Response.objects.exists()


def test_deleting_one_campaign_leaves_the_versions_of_another_alone(campaign):
    other = CampaignFactory(organization=campaign.organization)
    InvitationFactory(campaign=other)
    before = versions(other)

    campaign.delete()

    assert versions(other) == before


def test_units_deleted_at_once_raise_each_campaign_of_their_organization_once(campaign):
    other = CampaignFactory(organization=campaign.organization)
    elsewhere = CampaignFactory()
    UnitFactory.create_batch(3, organization=campaign.organization)
    before = versions(campaign), versions(other), versions(elsewhere)

    with CaptureQueriesContext(connection) as queries:
        campaign.organization.units.all().delete()

    assert len(campaign_updates(queries)) == 1
    (answers, invitations), (other_answers, other_invitations), untouched = before
    assert versions(campaign) == (answers + 1, invitations + 1)
    assert versions(other) == (other_answers + 1, other_invitations + 1)
    assert versions(elsewhere) == untouched


def test_a_new_unit_raises_no_version(campaign):
    before = versions(campaign)

    UnitFactory(organization=campaign.organization)

    assert versions(campaign) == before
