from django.urls import reverse

from tests.factories import CampaignFactory, respond


def test_signed_out_visitors_see_the_product_and_a_sign_in_link(client, db):
    html = client.get(reverse("home")).content.decode()

    assert "How customer-centric is your organization?" in html
    assert reverse("login") in html


def test_executives_see_their_campaigns_with_achieved_and_target_level(client, executive, campaign):
    respond(campaign, {"cr-1": 1, "cr-2": 1, "mo-1": 1})
    client.force_login(executive)

    html = client.get(reverse("home")).content.decode()

    assert reverse("reports:results", args=[campaign.pk]) in html
    assert "1 · Initial" in html
    assert "3 · Organizational" in html


def test_a_campaign_without_answers_is_listed_as_such(client, executive, campaign):
    client.force_login(executive)

    html = client.get(reverse("home")).content.decode()

    assert "No answers yet" in html


def test_campaigns_of_other_organizations_are_not_listed(client, outsider, campaign):
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert reverse("reports:results", args=[campaign.pk]) not in html
    assert "There is no campaign for you to look at yet" in html


def test_home_page_queries_do_not_grow_with_respondents(
    client, executive, campaign, django_assert_max_num_queries
):
    CampaignFactory(organization=campaign.organization, maturity_model=campaign.maturity_model)
    for value in range(5):
        respond(campaign, {"cr-1": value % 5, "cr-2": 2, "mo-1": 3})
    client.force_login(executive)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200


def test_home_page_queries_do_not_grow_with_campaigns(
    client, consultant, campaign, django_assert_max_num_queries
):
    """A consultant of dozens of organizations: scored together, not one by one."""
    from django.core.cache import cache

    from assessments.models import Membership

    for number in range(12):
        other = CampaignFactory(maturity_model=campaign.maturity_model)
        Membership.objects.create(
            user=consultant, organization=other.organization, role="consultant"
        )
        respond(other, {"cr-1": number % 5, "mo-1": 3})
    client.force_login(consultant)
    cache.clear()

    with django_assert_max_num_queries(12):
        html = client.get(reverse("home")).content.decode()
    assert html.count("/reports/campaigns/") >= 13
