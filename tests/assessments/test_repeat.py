"""Repeating a campaign for the next round: the service and the admin's action and page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Campaign, Invitation
from assessments.repeat import RepeatError, repeat_campaign
from models_catalog.models import MaturityModel
from models_catalog.services import create_new_version
from tests.assessments.test_admin_campaigns import action, change_url, messages_of
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    UnitFactory,
    consultant_of,
    import_document,
    model_document,
    respond,
)


def repeat_url(campaign) -> str:
    return reverse("admin:assessments_campaign_repeat", args=[campaign.pk])


@pytest.fixture
def last_round(campaign):
    """A campaign that ran: dates, its own settings, people invited with and without an
    address, and answers."""
    campaign.name = "2026 H1"
    campaign.status = Campaign.Status.CLOSED
    campaign.opens_at = timezone.now() - timedelta(days=200)
    campaign.closes_at = timezone.now() - timedelta(days=170)
    campaign.anonymous = False
    campaign.anonymity_minimum = 5
    campaign.disagreement_threshold = 0.3
    campaign.executives_see = Campaign.ExecutivesSee.REVIEWED
    campaign.results_reviewed_at = timezone.now()
    campaign.save()
    sales = UnitFactory(organization=campaign.organization, name="Sales")
    sent = timezone.now() - timedelta(days=199)
    InvitationFactory(campaign=campaign, email="ana@example.com", unit=sales, role="manager")
    InvitationFactory(campaign=campaign, email="bo@example.com", sent_at=sent)
    InvitationFactory(campaign=campaign, email="", unit=sales)
    answered = InvitationFactory(campaign=campaign, email="cy@example.com", unit=sales)
    respond(campaign, {"cr-1": 3}, invitation=answered)
    return campaign


# The service


def test_repeating_copies_the_settings_as_a_draft_without_dates(last_round):
    repeat = repeat_campaign(campaign=last_round)

    assert repeat.pk != last_round.pk
    assert repeat.name == "2026 H1 (repeat)"
    assert repeat.organization == last_round.organization
    assert repeat.maturity_model == last_round.maturity_model
    assert repeat.target_level == 3
    assert (repeat.anonymous, repeat.anonymity_minimum, repeat.disagreement_threshold) == (
        False,
        5,
        0.3,
    )
    assert repeat.executives_see == Campaign.ExecutivesSee.REVIEWED
    assert repeat.results_reviewed_at is None
    assert repeat.status == Campaign.Status.DRAFT
    assert (repeat.opens_at, repeat.closes_at) == (None, None)
    assert not repeat.responses.exists()


def test_repeating_invites_again_everyone_who_had_an_address(last_round):
    old_tokens = set(last_round.invitations.values_list("token", flat=True))

    repeat = repeat_campaign(campaign=last_round)

    invited = {
        (invitation.email, invitation.unit.name if invitation.unit else None, invitation.role)
        for invitation in repeat.invitations.select_related("unit")
    }
    assert invited == {
        ("ana@example.com", "Sales", "manager"),
        ("bo@example.com", None, ""),
        ("cy@example.com", "Sales", ""),
    }
    new_tokens = set(repeat.invitations.values_list("token", flat=True))
    assert not new_tokens & old_tokens
    assert not repeat.invitations.filter(sent_at__isnull=False).exists()
    assert last_round.invitations.count() == 4


def test_a_given_name_is_used(last_round):
    assert repeat_campaign(campaign=last_round, name="  2026 H2 ").name == "2026 H2"


def test_a_name_the_organization_uses_already_is_refused(last_round):
    CampaignFactory(organization=last_round.organization, name="2026 H2")

    with pytest.raises(RepeatError, match="has a campaign named '2026 H2' already"):
        repeat_campaign(campaign=last_round, name="2026 H2")
    assert Campaign.objects.filter(organization=last_round.organization).count() == 2


def test_repeating_twice_numbers_the_names(last_round):
    repeat_campaign(campaign=last_round)

    assert repeat_campaign(campaign=last_round).name == "2026 H1 (repeat 2)"


def test_the_repeat_uses_the_newest_published_version_of_the_model(last_round):
    newer = import_document(model_document(version="1.2"))
    import_document(model_document(version="1.1"))
    create_new_version(maturity_model=newer)  # 1.3, a draft: not for campaigns yet

    repeat = repeat_campaign(campaign=last_round)

    assert repeat.maturity_model == newer


def test_the_repeat_keeps_the_version_when_none_is_newer(campaign):
    newest = import_document(model_document(version="2.0"))
    retired = import_document(model_document(version="3.0"))
    retired.status = MaturityModel.Status.RETIRED
    retired.save()
    on_newest = CampaignFactory(organization=campaign.organization, maturity_model=newest)

    assert repeat_campaign(campaign=on_newest).maturity_model == newest


def test_a_target_level_the_newest_version_lacks_is_refused_and_nothing_is_created(
    last_round,
):
    document = model_document(version="2.0")
    document["levels"] = document["levels"][:2]
    import_document(document)

    with pytest.raises(RepeatError, match="target level 3 is not a level of small-model 2.0"):
        repeat_campaign(campaign=last_round)
    assert Campaign.objects.count() == 1
    assert Invitation.objects.count() == 4


# The admin


@pytest.fixture
def consulting(client, consultant):
    client.force_login(consultant)
    return client


def test_the_change_page_has_the_repeat_button(consulting, last_round):
    html = consulting.get(change_url(last_round)).content.decode()

    assert f'href="{repeat_url(last_round)}">Repeat this campaign</a>' in html


def test_the_repeat_action_opens_the_page_for_one_campaign(consulting, last_round):
    response = action(consulting, "repeat_this_campaign", last_round)

    assert response.status_code == 302
    assert response["Location"] == repeat_url(last_round)


def test_the_repeat_action_asks_for_exactly_one_campaign(consulting, last_round):
    other = CampaignFactory(organization=last_round.organization)

    response = action(consulting, "repeat_this_campaign", last_round, other, follow=True)

    assert messages_of(response) == ["Choose exactly one campaign to repeat."]
    assert Campaign.objects.count() == 2


def test_the_repeat_page_suggests_a_name_and_creates_the_draft(consulting, last_round):
    page = consulting.get(repeat_url(last_round))
    assert page.context["form"]["name"].value() == "2026 H1 (repeat)"

    response = consulting.post(repeat_url(last_round), {"name": "2026 H2"}, follow=True)

    repeat = Campaign.objects.get(name="2026 H2")
    assert response.redirect_chain[-1][0] == change_url(repeat)
    assert messages_of(response) == [
        "Created 2026 H2 as a draft with 3 invitation links for the people invited by "
        "e-mail last time. Set its dates, open it and send the invitations when the "
        "round begins."
    ]


def test_a_taken_name_is_an_error_on_the_name_field(consulting, last_round):
    response = consulting.post(repeat_url(last_round), {"name": last_round.name})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        f"{last_round.organization.name} has a campaign named '2026 H1' already."
    ]
    assert Campaign.objects.count() == 1


def test_an_empty_name_is_an_error_on_the_name_field(consulting, last_round):
    response = consulting.post(repeat_url(last_round), {"name": ""})

    assert response.context["form"].errors["name"] == ["This field is required."]
    assert Campaign.objects.count() == 1


def test_a_consultant_of_another_organization_cannot_repeat_it(client, last_round):
    client.force_login(consultant_of(CampaignFactory().organization))

    assert client.get(repeat_url(last_round)).status_code == 404
    assert client.post(repeat_url(last_round), {"name": "Stolen"}).status_code == 404
    response = action(client, "repeat_this_campaign", last_round, follow=True)
    assert messages_of(response) == ["Choose exactly one campaign to repeat."]
    assert not Campaign.objects.filter(name="Stolen").exists()
    assert Campaign.objects.filter(organization=last_round.organization).count() == 1


def test_an_executive_cannot_repeat_a_campaign(client, executive, last_round):
    client.force_login(executive)

    response = client.get(repeat_url(last_round))

    assert response.status_code == 403
