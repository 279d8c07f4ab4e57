"""Invitations and responses in the admin: read-only where answers are, anonymous where
promised, and lists whose queries do not grow with their rows."""

import pytest
from django.urls import reverse

from assessments.invitations import invitation_url
from assessments.models import Invitation, Response
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    OrganizationFactory,
    ResponseFactory,
    UnitFactory,
    admin_form_data,
    respond,
)

RESPONSES = reverse("admin:assessments_response_changelist")
INVITATIONS = reverse("admin:assessments_invitation_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:assessments_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def consulting(client, consultant):
    client.force_login(consultant)
    return client


def invited_response(campaign, email="ada@example.com"):
    unit = UnitFactory(organization=campaign.organization, name="Sales")
    invitation = InvitationFactory(campaign=campaign, email=email, unit=unit, role="manager")
    return respond(
        campaign, {"cr-1": 3, "cr-2": None}, invitation=invitation, unit=unit, role="manager"
    )


# Responses


def test_a_response_of_an_anonymous_campaign_names_nobody(consulting, campaign):
    response = invited_response(campaign)

    listing = consulting.get(RESPONSES).content.decode()
    page = consulting.get(change_url(response))
    history = consulting.get(
        reverse("admin:assessments_response_history", args=[response.pk])
    ).content.decode()

    content = page.content.decode()
    for text in (listing, content, history):
        assert "ada@example.com" not in text
        assert response.respondent not in text
    assert "anonymous " in listing
    assert "Sales" in content
    assert "manager" in content


def test_a_response_of_a_named_campaign_shows_who_was_invited(consulting, campaign):
    campaign.anonymous = False
    campaign.save()
    response = invited_response(campaign)

    page = consulting.get(change_url(response)).content.decode()

    assert "ada@example.com" in page
    assert response.respondent in page


def test_searching_responses_never_finds_an_anonymous_respondent(consulting, campaign):
    anonymous = invited_response(campaign)
    named_campaign = CampaignFactory(organization=campaign.organization, anonymous=False)
    named = respond(named_campaign, {"cr-1": 1}, respondent="r-named")

    found_anonymous = consulting.get(RESPONSES, {"q": anonymous.respondent})
    found_named = consulting.get(RESPONSES, {"q": "r-named"})

    assert list(found_anonymous.context["cl"].result_list) == []
    assert list(found_named.context["cl"].result_list) == [named]


@pytest.mark.parametrize("lookup", ["respondent", "respondent__startswith", "invitation"])
def test_a_filter_the_list_does_not_offer_never_singles_out_an_anonymous_response(
    consulting, campaign, lookup
):
    anonymous = invited_response(campaign)
    respond(campaign, {"cr-1": 1})
    value = anonymous.invitation_id if lookup == "invitation" else anonymous.respondent

    crafted = consulting.get(RESPONSES, {lookup: value})

    # Django's answer to lookups it cannot use: the whole list, unfiltered.
    assert crafted.status_code == 302
    assert crafted.url == f"{RESPONSES}?e=1"
    assert len(consulting.get(crafted.url).context["cl"].result_list) == 2


def test_the_list_still_filters_by_the_filters_it_offers(consulting, campaign):
    submitted = invited_response(campaign)
    ResponseFactory(campaign=campaign)
    elsewhere = respond(CampaignFactory(organization=campaign.organization), {"cr-1": 1})

    by_campaign = consulting.get(
        RESPONSES, {"campaign__id__exact": campaign.pk, "submitted": "yes"}
    )
    by_other = consulting.get(RESPONSES, {"campaign__id__exact": elsewhere.campaign_id})

    assert list(by_campaign.context["cl"].result_list) == [submitted]
    assert list(by_other.context["cl"].result_list) == [elsewhere]


def test_a_response_is_read_only_with_its_answers(consulting, campaign):
    response = invited_response(campaign)

    page = consulting.get(change_url(response))
    post = consulting.post(change_url(response), {"role": "changed"})
    delete = consulting.post(
        reverse("admin:assessments_response_delete", args=[response.pk]), {"post": "yes"}
    )

    assert not page.context["has_change_permission"]
    (answers,) = page.context["inline_admin_formsets"]
    assert [form.original.question.key for form in answers] == ["cr-1", "cr-2"]
    assert "We know who our target customers are." in page.content.decode()
    assert (post.status_code, delete.status_code) == (403, 403)
    response.refresh_from_db()
    assert response.role == "manager"
    assert response.answers.count() == 2


def test_the_response_list_counts_answers_and_filters_by_submission(consulting, campaign):
    submitted = invited_response(campaign)
    unsubmitted = Response.objects.create(campaign=campaign, respondent="r-open")

    every = consulting.get(RESPONSES)
    not_submitted = consulting.get(RESPONSES, {"submitted": "no"})

    counts = {row.pk: row.answer_count for row in every.context["cl"].result_list}
    assert counts == {submitted.pk: 2, unsubmitted.pk: 0}
    assert list(not_submitted.context["cl"].result_list) == [unsubmitted]


def test_the_response_list_needs_the_same_queries_for_3_or_30_responses(
    consulting, campaign, django_assert_max_num_queries
):
    unit = UnitFactory(organization=campaign.organization)
    for count in (3, 30):
        while Response.objects.count() < count:
            in_campaign = CampaignFactory(organization=campaign.organization)
            invitation = InvitationFactory(campaign=in_campaign, email="ada@example.com")
            respond(in_campaign, {"cr-1": 2}, unit=unit, role="employee", invitation=invitation)
        with django_assert_max_num_queries(12):
            page = consulting.get(RESPONSES)
        assert len(page.context["cl"].result_list) == count


def test_a_response_page_needs_the_same_queries_for_few_or_many_answers(
    consulting, campaign, django_assert_max_num_queries
):
    few = respond(campaign, {"cr-1": 2})
    many = respond(campaign, {"cr-1": 2, "cr-2": 3, "mo-1": 1, "sp-1": 0, "sp-2": None})

    for response in (few, many):
        with django_assert_max_num_queries(14):
            assert consulting.get(change_url(response)).status_code == 200


# Invitations


def test_the_invitation_list_shows_each_link(consulting, campaign):
    invitation = InvitationFactory(campaign=campaign, email="ada@example.com")

    page = consulting.get(INVITATIONS, {"campaign__id__exact": campaign.pk})

    assert list(page.context["cl"].result_list) == [invitation]
    assert invitation_url(invitation) in page.content.decode()


def test_the_invitation_list_needs_the_same_queries_for_3_or_30_invitations(
    consulting, campaign, django_assert_max_num_queries
):
    unit = UnitFactory(organization=campaign.organization)
    for count in (3, 30):
        while Invitation.objects.count() < count:
            in_campaign = CampaignFactory(organization=campaign.organization)
            invitation = InvitationFactory(campaign=in_campaign, unit=unit)
            respond(in_campaign, {"cr-1": 2}, invitation=invitation)
        with django_assert_max_num_queries(12):
            page = consulting.get(INVITATIONS)
        assert len(page.context["cl"].result_list) == count


def test_an_invitations_token_is_read_only_and_its_unit_stays_in_the_organization(
    consulting, campaign
):
    invitation = InvitationFactory(campaign=campaign, email="ada@example.com")
    token = invitation.token
    unit = UnitFactory(organization=campaign.organization, name="Sales")
    UnitFactory(organization=OrganizationFactory(), name="Elsewhere")
    page = consulting.get(change_url(invitation))
    data = admin_form_data(page)
    data.update({"token": "guessable", "email": "grace@example.com", "unit": unit.pk})

    response = consulting.post(change_url(invitation), data)

    assert "token" not in page.context["adminform"].form.fields
    assert list(page.context["adminform"].form.fields["unit"].queryset) == [unit]
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.token, invitation.email, invitation.unit) == (
        token,
        "grace@example.com",
        unit,
    )


def test_invitations_are_created_from_their_campaign_not_one_by_one(consulting, campaign):
    assert consulting.get(reverse("admin:assessments_invitation_add")).status_code == 403
