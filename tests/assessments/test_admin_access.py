"""Who sees what in the assessments admin (issue 8): membership decides, page by page."""

import pytest
from django.urls import reverse

from assessments.models import Campaign, Membership, Organization, Unit
from tests.factories import (
    CampaignFactory,
    InvitationFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
    admin_form_data,
    consultant_of,
    respond,
)

MODELS = ("organization", "membership", "campaign", "invitation", "response")


def changelist(model: str) -> str:
    return reverse(f"admin:assessments_{model}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:assessments_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def objects_of(campaign) -> dict:
    """One object of each of our models, all in the campaign's organization."""
    invitation = InvitationFactory(campaign=campaign, email="ada@example.com")
    return {
        "organization": campaign.organization,
        "membership": MembershipFactory(organization=campaign.organization),
        "campaign": campaign,
        "invitation": invitation,
        "response": respond(campaign, {"cr-1": 3}, invitation=invitation),
    }


@pytest.fixture
def ours(campaign):
    return objects_of(campaign)


@pytest.fixture
def theirs(maturity_model):
    return objects_of(CampaignFactory(maturity_model=maturity_model))


@pytest.fixture
def other_consultant(theirs):
    """A consultant of the other organization only."""
    return consultant_of(theirs["organization"])


def listed(client, model: str) -> set:
    response = client.get(changelist(model))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


# The permission matrix


@pytest.mark.parametrize("model", MODELS)
def test_anonymous_visitors_are_sent_to_the_admin_login(client, ours, model):
    for url in (changelist(model), change_url(ours[model])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def no_admin_access(response) -> bool:
    """The project's 403 page for a signed-in user without admin access (config/admin_site.py)."""
    templates = [template.name for template in response.templates]
    return (
        response.status_code == 403
        and "admin_no_access.html" in templates
        and "You have no access to the administration" in response.content.decode()
    )


@pytest.mark.parametrize("model", MODELS)
def test_signed_in_users_who_are_not_consultants_get_a_403_page(client, ours, executive, model):
    staff_executive = MembershipFactory(organization=ours["organization"]).user
    staff_executive.is_staff = True  # by hand: no consultant membership behind it
    staff_executive.save()
    visitors = (executive, UserFactory(), staff_executive)

    for visitor in visitors:
        client.force_login(visitor)
        for url in (reverse("admin:index"), changelist(model), change_url(ours[model])):
            response = client.get(url)
            assert no_admin_access(response), (visitor, url)
            assert "no-store" in response["Cache-Control"]


def test_a_post_without_admin_access_changes_nothing(client, executive, campaign):
    client.force_login(executive)
    name = campaign.name

    response = client.post(change_url(campaign), {"name": "Hijacked", "status": "closed"})

    assert no_admin_access(response)
    campaign.refresh_from_db()
    assert campaign.name == name


def test_the_admin_sign_in_page_stays_open(client, executive, consultant):
    login = reverse("admin:login")
    assert client.get(login).status_code == 200

    client.force_login(executive)
    page = client.get(login)  # "signed in as ..., not authorized": sign in as someone else
    assert page.status_code == 200
    assert "form" in page.context

    client.force_login(consultant)
    assert client.get(login).url == reverse("admin:index")


def test_a_consultant_signs_in_through_the_admin(client, consultant):
    consultant.set_password("s3cret-enough-2026")
    consultant.save()

    response = client.post(
        f"{reverse('admin:login')}?next=/admin/",
        {"username": consultant.username, "password": "s3cret-enough-2026"},
    )

    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signing_out_from_the_admin_works_with_or_without_access(client, consultant, executive):
    for user in (consultant, executive):
        client.force_login(user)

        response = client.post(reverse("admin:logout"))

        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


def test_signing_out_from_the_admin_still_needs_the_csrf_token(executive):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(executive)

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("model", MODELS)
def test_a_consultant_sees_the_pages_and_only_the_objects_of_their_organizations(
    client, consultant, ours, theirs, model
):
    client.force_login(consultant)

    objects = listed(client, model)

    assert ours[model] in objects
    assert theirs[model] not in objects
    assert client.get(change_url(ours[model])).status_code == 200


def object_pages(obj, pk=None) -> list[str]:
    name = f"admin:assessments_{obj._meta.model_name}"
    pk = obj.pk if pk is None else pk
    return [reverse(f"{name}_{page}", args=[pk]) for page in ("change", "delete", "history")]


@pytest.mark.parametrize("model", MODELS)
def test_another_organizations_objects_are_not_found_for_a_consultant(
    client, other_consultant, ours, model
):
    client.force_login(other_consultant)

    assert ours[model] not in listed(client, model)
    for url in object_pages(ours[model]):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("model", MODELS)
def test_a_missing_object_is_not_found_either(client, consultant, superuser, ours, model):
    pages = object_pages(ours[model], pk=ours[model].pk + 1000)  # was never, or was deleted

    for user in (consultant, superuser):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)


def test_a_crafted_delete_of_another_organizations_object_deletes_nothing(
    client, other_consultant, ours
):
    client.force_login(other_consultant)

    for model in ("membership", "invitation", "campaign"):
        url = reverse(f"admin:assessments_{model}_delete", args=[ours[model].pk])
        assert client.post(url, {"post": "yes"}).status_code == 404
        assert type(ours[model]).objects.filter(pk=ours[model].pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_superusers_see_every_organizations_objects(client, superuser, ours, theirs, model):
    client.force_login(superuser)

    objects = listed(client, model)

    assert {ours[model], theirs[model]} <= objects
    assert client.get(change_url(theirs[model])).status_code == 200


def test_staff_without_a_consultant_membership_see_nothing_of_ours(client, ours):
    staff = MembershipFactory(organization=ours["organization"], role="executive").user
    staff.is_staff = True  # by hand: no consultant membership behind it
    staff.save()
    client.force_login(staff)

    assert no_admin_access(client.get(reverse("admin:index")))
    for model in MODELS:
        assert no_admin_access(client.get(changelist(model)))
        assert no_admin_access(client.get(change_url(ours[model])))


def test_a_crafted_post_to_another_organizations_campaign_changes_nothing(
    client, other_consultant, campaign
):
    client.force_login(other_consultant)
    name = campaign.name

    response = client.post(
        change_url(campaign),
        {"name": "Hijacked", "status": "closed", "anonymity_minimum": "1"},
    )

    assert response.status_code == 404
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == (name, "open")


def test_actions_only_reach_the_consultants_organizations(
    client, other_consultant, campaign, mailoutbox
):
    client.force_login(other_consultant)
    InvitationFactory(campaign=campaign, email="ada@example.com")

    client.post(
        changelist("campaign"),
        {"action": "send_invitation_emails", "_selected_action": [campaign.pk]},
    )
    client.post(
        changelist("campaign"),
        {"action": "delete_selected", "_selected_action": [campaign.pk], "post": "yes"},
    )

    assert mailoutbox == []
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_foreign_key_choices_offer_only_the_consultants_organizations(
    client, consultant, campaign, theirs
):
    client.force_login(consultant)

    response = client.get(reverse("admin:assessments_campaign_add"))

    choices = response.context["adminform"].form.fields["organization"].queryset
    assert list(choices) == [campaign.organization]


def test_filters_offer_only_the_consultants_organizations(client, consultant, ours, theirs):
    client.force_login(consultant)

    page = client.get(changelist("membership")).content.decode()

    assert ours["organization"].name in page
    assert theirs["organization"].name not in page


# Organizations


def test_consultants_cannot_create_or_delete_organizations(client, consultant, campaign):
    client.force_login(consultant)

    add = client.post(reverse("admin:assessments_organization_add"), {"name": "New Co"})
    delete = client.post(
        reverse("admin:assessments_organization_delete", args=[campaign.organization.pk]),
        {"post": "yes"},
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert not Organization.objects.filter(name="New Co").exists()
    assert Organization.objects.filter(pk=campaign.organization.pk).exists()


def test_a_consultant_renames_their_organization_and_adds_a_unit(client, consultant, campaign):
    client.force_login(consultant)
    organization = campaign.organization
    data = admin_form_data(client.get(change_url(organization)))
    data.update({"name": "Acme Renamed", "units-TOTAL_FORMS": "1", "units-0-name": "Sales"})

    response = client.post(change_url(organization), data)

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Acme Renamed"
    assert list(organization.units.values_list("name", flat=True)) == ["Sales"]


def test_superusers_create_organizations(client, superuser, db):
    client.force_login(superuser)
    page = client.get(reverse("admin:assessments_organization_add"))
    data = admin_form_data(page)
    data["name"] = "New Co"

    response = client.post(reverse("admin:assessments_organization_add"), data)

    assert response.status_code == 302
    assert Organization.objects.filter(name="New Co").exists()


def test_a_duplicate_unit_name_is_a_form_error(client, consultant, campaign):
    client.force_login(consultant)
    UnitFactory(organization=campaign.organization, name="Sales")
    data = admin_form_data(client.get(change_url(campaign.organization)))
    data.update({"units-TOTAL_FORMS": "2", "units-1-name": "Sales"})

    response = client.post(change_url(campaign.organization), data)

    assert response.status_code == 200
    assert Unit.objects.filter(organization=campaign.organization).count() == 1


# Memberships


def membership_inline_post(client, organization, **row) -> tuple:
    data = admin_form_data(client.get(change_url(organization)))
    index = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(index + 1)
    data.update({f"memberships-{index}-{name}": value for name, value in row.items()})
    return client.post(change_url(organization), data), index


def test_a_consultant_adds_an_executive_by_username(client, consultant, campaign):
    client.force_login(consultant)
    UserFactory(username="grace")

    response, _ = membership_inline_post(
        client, campaign.organization, user="grace", role="executive"
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user__username="grace")
    assert (membership.organization, membership.role) == (campaign.organization, "executive")


def test_a_consultant_cannot_give_consultant_access(client, consultant, campaign):
    client.force_login(consultant)
    UserFactory(username="grace")

    response, index = membership_inline_post(
        client, campaign.organization, user="grace", role="consultant"
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.forms[index].errors["role"] == [
        "Only a superuser can give or change consultant access."
    ]
    assert not Membership.objects.filter(user__username="grace").exists()


def test_an_unknown_username_is_a_form_error(client, consultant, campaign):
    client.force_login(consultant)

    response, index = membership_inline_post(
        client, campaign.organization, user="nobody", role="executive"
    )

    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.forms[index].errors["user"] == [
        "No account has this username; a superuser creates accounts."
    ]


def test_a_consultant_cannot_take_away_consultant_access(client, consultant, campaign):
    client.force_login(consultant)
    data = admin_form_data(client.get(change_url(campaign.organization)))
    row = next(
        name.removesuffix("-role")
        for name, value in data.items()
        if name.startswith("memberships-") and value == "consultant"
    )
    data[f"{row}-DELETE"] = "on"

    response = client.post(change_url(campaign.organization), data)

    assert response.status_code == 200
    assert "Only a superuser can take away consultant access." in response.content.decode()
    assert Membership.objects.filter(user=consultant, role="consultant").exists()


def test_superusers_give_consultant_access(client, superuser, campaign):
    client.force_login(superuser)
    UserFactory(username="grace")

    response, _ = membership_inline_post(
        client, campaign.organization, user="grace", role="consultant"
    )

    assert response.status_code == 302
    assert Membership.objects.get(user__username="grace").role == "consultant"


def test_the_membership_list_adds_executives_only_in_the_consultants_organizations(
    client, consultant, campaign, theirs
):
    client.force_login(consultant)
    UserFactory(username="grace")
    add_url = reverse("admin:assessments_membership_add")

    elsewhere = client.post(
        add_url, {"user": "grace", "organization": theirs["organization"].pk, "role": "executive"}
    )
    here = client.post(
        add_url, {"user": "grace", "organization": campaign.organization.pk, "role": "executive"}
    )

    assert "organization" in elsewhere.context["adminform"].form.errors
    assert here.status_code == 302
    assert list(Membership.objects.filter(user__username="grace")) == [
        Membership.objects.get(user__username="grace", organization=campaign.organization)
    ]


def test_a_consultants_membership_is_read_only_for_other_consultants(client, consultant, ours):
    colleague = consultant_of(ours["organization"])
    membership = Membership.objects.get(user=colleague)
    client.force_login(consultant)

    page = client.get(change_url(membership))
    post = client.post(change_url(membership), {"user": colleague.username, "role": "executive"})
    delete = client.post(
        reverse("admin:assessments_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert post.status_code == 403
    assert delete.status_code == 403
    membership.refresh_from_db()
    assert membership.role == "consultant"


def test_a_consultant_removes_an_executive(client, consultant, ours):
    client.force_login(consultant)
    membership = ours["membership"]

    response = client.post(
        reverse("admin:assessments_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_organization_page_needs_the_same_queries_for_few_or_many_members(
    client, consultant, campaign, django_assert_max_num_queries
):
    client.force_login(consultant)
    for count in (3, 30):
        while campaign.organization.memberships.count() < count:
            MembershipFactory(organization=campaign.organization)
            UnitFactory(organization=campaign.organization)
        with django_assert_max_num_queries(10):
            page = client.get(change_url(campaign.organization))
        assert len(page.context["inline_admin_formsets"][1].formset.forms) == count
