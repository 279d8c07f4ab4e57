"""Members and staff status: a user is staff while they consult for an organization.

However a membership is given, changed or taken away (`add_member`, the admin's membership
pages, the organization page's members inline, an organization deleted), the staff flag
follows, so a former consultant no longer reaches the admin. Superusers keep their flag.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.management.commands import add_member as add_member_command
from assessments.models import Membership, Organization
from tests.config.processes import manage
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    admin_form_data,
    consultant_of,
)

pytestmark = pytest.mark.django_db

User = get_user_model()


def is_staff(user) -> bool:
    return User.objects.values_list("is_staff", flat=True).get(pk=user.pk)


def add_member(username: str, organization: Organization, role: str, **options) -> str:
    out = io.StringIO()
    call_command(
        "add_member", username, organization=organization.name, role=role, stdout=out, **options
    )
    return out.getvalue()


def reaches_the_admin(client, user) -> bool:
    client.force_login(user)
    return client.get(reverse("admin:index")).status_code == 200


# The command


def test_add_member_makes_a_consultant_staff_and_an_executive_not(client):
    acme = OrganizationFactory(name="Acme")

    consultant = add_member("ada", acme, "consultant", password="a-long-pass-2026")
    executive = add_member("grace", acme, "executive", password="a-long-pass-2026")

    assert consultant == "ada is consultant of Acme\n"
    assert executive == "grace is executive of Acme\n"
    assert is_staff(User.objects.get(username="ada"))
    assert not is_staff(User.objects.get(username="grace"))
    assert reaches_the_admin(client, User.objects.get(username="ada"))


def test_a_consultant_made_executive_of_their_only_organization_leaves_the_admin(client):
    acme = OrganizationFactory(name="Acme")
    add_member("ada", acme, "consultant", password="a-long-pass-2026")
    ada = User.objects.get(username="ada")
    assert reaches_the_admin(client, ada)

    add_member("ada", acme, "executive")

    assert not is_staff(ada)
    client.force_login(ada)
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:assessments_campaign_changelist")).status_code == 403


def test_a_consultant_of_another_organization_stays_staff(client):
    acme, globex = OrganizationFactory(name="Acme"), OrganizationFactory(name="Globex")
    ada = consultant_of(acme, globex)

    add_member(ada.username, acme, "executive")

    assert is_staff(ada)
    assert reaches_the_admin(client, ada)


def test_an_executive_made_consultant_becomes_staff():
    acme = OrganizationFactory(name="Acme")
    grace = MembershipFactory(organization=acme, role="executive").user
    assert not is_staff(grace)

    add_member(grace.username, acme, "consultant")

    assert is_staff(grace)


@pytest.mark.parametrize("flag", [True, False])
def test_superusers_keep_their_staff_flag(flag):
    acme = OrganizationFactory(name="Acme")
    root = UserFactory(is_staff=flag, is_superuser=True)

    add_member(root.username, acme, "consultant")
    assert is_staff(root) == flag
    add_member(root.username, acme, "executive")
    assert is_staff(root) == flag
    Membership.objects.filter(user=root).delete()
    assert is_staff(root) == flag


def test_a_failing_add_member_changes_nothing():
    acme = OrganizationFactory(name="Acme")
    add_member("ada", acme, "consultant", password="a-long-pass-2026")

    with pytest.raises(CommandError, match="organization 'Nowhere' does not exist"):
        call_command("add_member", "ada", organization="Nowhere", role="executive")

    assert is_staff(User.objects.get(username="ada"))


def test_add_member_never_creates_the_organization_nor_the_user():
    with pytest.raises(CommandError, match="organization 'Nowhere' does not exist"):
        call_command(
            "add_member", "bob", organization="Nowhere", role="executive", password="a-long-pass"
        )
    assert not Organization.objects.filter(name="Nowhere").exists()
    assert not User.objects.filter(username="bob").exists()


@pytest.fixture
def no_terminal(monkeypatch):
    """A run without a terminal: asking for a password fails the test."""

    def ask(prompt):
        pytest.fail("add_member asked for a password")

    monkeypatch.setattr(add_member_command, "getpass", ask)


def test_add_member_names_a_missing_organization_before_asking_for_a_password(no_terminal):
    with pytest.raises(CommandError, match="^organization 'Nowhere' does not exist$"):
        call_command("add_member", "bob", organization="Nowhere", role="executive")

    assert not User.objects.filter(username="bob").exists()


def test_add_member_refuses_an_unknown_role_before_asking_for_a_password(no_terminal):
    OrganizationFactory(name="Acme")

    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        call_command("add_member", "bob", organization="Acme", role="boss")

    assert not User.objects.filter(username="bob").exists()


@pytest.mark.parametrize(
    ("username", "why"),
    [
        ("bob smith", "Enter a valid username"),
        ("b" * 151, "at most 150 characters"),
        ("", "cannot be blank"),
    ],
)
def test_add_member_refuses_a_username_the_admin_would_refuse(no_terminal, username, why):
    OrganizationFactory(name="Acme")

    with pytest.raises(CommandError, match=f"^username {username!r}: .*{why}"):
        call_command("add_member", username, organization="Acme", role="executive")

    assert not User.objects.exists()


def test_add_member_refuses_a_username_that_differs_from_anothers_only_in_case(no_terminal):
    acme = OrganizationFactory(name="Acme")
    UserFactory(username="acme-exec")

    with pytest.raises(
        CommandError, match="^username 'ACME-EXEC': a user named 'acme-exec' exists"
    ):
        add_member("ACME-EXEC", acme, "executive", password="a-long-pass-2026")

    assert list(User.objects.values_list("username", flat=True)) == ["acme-exec"]


def test_add_member_finds_the_organization_as_import_responses_names_it():
    OrganizationFactory(name="Acme")

    out = io.StringIO()
    call_command(
        "add_member",
        "ada",
        organization=" Acme ",
        role="executive",
        password="a-long-pass-2026",
        stdout=out,
    )

    assert out.getvalue() == "ada is executive of Acme\n"


def test_add_member_refuses_an_empty_password_for_a_new_user():
    OrganizationFactory(name="Acme")

    with pytest.raises(CommandError, match="^the password must not be empty$"):
        call_command("add_member", "bob", organization="Acme", role="executive", password="")

    assert not User.objects.filter(username="bob").exists()


def test_add_member_keeps_the_password_an_existing_user_has():
    # A script granting roles passes the same --password for every organization.
    acme, globex = OrganizationFactory(name="Acme"), OrganizationFactory(name="Globex")
    add_member("ada", acme, "consultant", password="a-long-pass-2026")
    User.objects.filter(username="ada").update(password=make_password("ada-chose-this-one"))
    err = io.StringIO()

    out = add_member("ada", globex, "executive", password="a-long-pass-2026", stderr=err)

    assert out == "ada is executive of Globex\n"
    assert err.getvalue() == "note: ada already has a password, which was left as it is\n"
    ada = User.objects.get(username="ada")
    assert ada.check_password("ada-chose-this-one")
    assert not ada.check_password("a-long-pass-2026")


@pytest.mark.parametrize("made_with", ["no password", "an unusable password"])
def test_add_member_gives_a_password_to_an_existing_user_who_has_none(made_with):
    acme = OrganizationFactory(name="Acme")
    if made_with == "no password":
        User.objects.create(username="bob")
    else:
        User.objects.create_user("bob")  # no password given: an unusable one
    err = io.StringIO()

    add_member("bob", acme, "executive", password="a-long-pass-2026", stderr=err)

    assert User.objects.get(username="bob").check_password("a-long-pass-2026")
    assert err.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_add_member_asks_for_the_password_of_a_new_user_once_the_rest_is_checked(monkeypatch):
    OrganizationFactory(name="Acme")
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(add_member_command, "getpass", lambda prompt: "a-long-pass-2026")

    call_command("add_member", "bob", organization="Acme", role="executive", stdout=io.StringIO())

    assert User.objects.get(username="bob").check_password("a-long-pass-2026")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("84736291057", "This password is entirely numeric"),
        ("bob-the-member", "The password is too similar to the username"),
    ],
)
def test_add_member_holds_a_typed_password_to_the_sites_rules(monkeypatch, typed, why):
    OrganizationFactory(name="Acme")
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(add_member_command, "getpass", lambda prompt: typed)

    with pytest.raises(CommandError, match=f"^password: .*{why}"):
        call_command("add_member", "bob-the-member", organization="Acme", role="executive")

    assert not User.objects.exists()


@pytest.fixture
def own_database(tmp_path) -> dict[str, str]:
    """A migrated SQLite file for commands run in a child process, with the organization
    Acme."""
    database = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert manage("migrate", "--noinput", **database).returncode == 0
    created = manage(
        "shell",
        "-c",
        "from tests.factories import OrganizationFactory; OrganizationFactory(name='Acme')",
        **database,
    )
    assert created.returncode == 0, created.stderr
    return database


def test_without_a_terminal_add_member_names_the_missing_organization_in_one_line(own_database):
    result = manage(
        "add_member", "bob", "--organization=Nowhere", "--role=executive", **own_database
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == ["CommandError: organization 'Nowhere' does not exist"]


def test_without_a_terminal_add_member_asks_for_the_password_option_in_one_line(own_database):
    result = manage("add_member", "bob", "--organization=Acme", "--role=executive", **own_database)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "CommandError: no password given (use --password or a terminal)"
    ]


def test_the_membership_returned_carries_the_users_new_flag():
    from assessments.services import add_member as add_member_service

    acme = OrganizationFactory(name="Acme")
    membership = add_member_service(username="ada", organization_name="Acme", role="consultant")
    assert membership.user.is_staff

    membership = add_member_service(username="ada", organization_name=acme.name, role="executive")
    assert not membership.user.is_staff


# The admin


@pytest.fixture
def acme_consultant(db):
    return consultant_of(OrganizationFactory(name="Acme"))


def membership_of(user) -> Membership:
    return Membership.objects.get(user=user)


def test_a_superuser_making_a_consultant_an_executive_takes_the_admin_away(
    client, superuser, acme_consultant
):
    membership = membership_of(acme_consultant)
    client.force_login(superuser)
    url = reverse("admin:assessments_membership_change", args=[membership.pk])
    data = admin_form_data(client.get(url))
    data["role"] = "executive"

    response = client.post(url, data)

    assert response.status_code == 302
    assert not is_staff(acme_consultant)
    assert not reaches_the_admin(client, acme_consultant)


def test_a_superuser_deleting_a_consultants_membership_takes_the_admin_away(
    client, superuser, acme_consultant
):
    membership = membership_of(acme_consultant)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:assessments_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not is_staff(acme_consultant)


def test_the_delete_action_on_memberships_takes_the_admin_away(client, superuser, acme_consultant):
    client.force_login(superuser)

    client.post(
        reverse("admin:assessments_membership_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [membership_of(acme_consultant).pk],
            "post": "yes",
        },
    )

    assert not Membership.objects.filter(user=acme_consultant).exists()
    assert not is_staff(acme_consultant)


def organization_page(client, organization):
    url = reverse("admin:assessments_organization_change", args=[organization.pk])
    return url, admin_form_data(client.get(url))


def inline_row(data: dict, user) -> str:
    """The prefix of the members inline's row of this user."""
    return next(
        name.removesuffix("-user")
        for name, value in data.items()
        if name.startswith("memberships-") and name.endswith("-user") and value == user.username
    )


def test_the_members_inline_gives_the_admin(client, superuser):
    acme = OrganizationFactory(name="Acme")
    grace = UserFactory(username="grace")
    client.force_login(superuser)
    url, data = organization_page(client, acme)
    index = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(index + 1)
    data.update({f"memberships-{index}-user": "grace", f"memberships-{index}-role": "consultant"})

    assert client.post(url, data).status_code == 302

    assert is_staff(grace)
    assert reaches_the_admin(client, grace)


@pytest.mark.parametrize("change", ["role", "delete"])
def test_the_members_inline_takes_the_admin_away(client, superuser, acme_consultant, change):
    acme = membership_of(acme_consultant).organization
    client.force_login(superuser)
    url, data = organization_page(client, acme)
    row = inline_row(data, acme_consultant)
    if change == "role":
        data[f"{row}-role"] = "executive"
    else:
        data[f"{row}-DELETE"] = "on"

    assert client.post(url, data).status_code == 302

    assert not is_staff(acme_consultant)
    assert not reaches_the_admin(client, acme_consultant)


def test_deleting_an_organization_takes_the_admin_from_its_only_consultants(
    client, superuser, acme_consultant
):
    acme = membership_of(acme_consultant).organization
    both = consultant_of(acme, OrganizationFactory(name="Globex"))
    client.force_login(superuser)

    response = client.post(
        reverse("admin:assessments_organization_delete", args=[acme.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not is_staff(acme_consultant)
    assert is_staff(both)


def test_a_consultant_adding_an_executive_leaves_the_flag_alone(client, acme_consultant):
    acme = membership_of(acme_consultant).organization
    UserFactory(username="grace")
    client.force_login(acme_consultant)

    client.post(
        reverse("admin:assessments_membership_add"),
        {"user": "grace", "organization": acme.pk, "role": "executive"},
    )

    assert Membership.objects.filter(user__username="grace", organization=acme).exists()
    assert not is_staff(User.objects.get(username="grace"))
    assert is_staff(acme_consultant)


def test_a_consultant_account_can_still_be_deleted(client, superuser, acme_consultant):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:auth_user_delete", args=[acme_consultant.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=acme_consultant.pk).exists()
    assert not Membership.objects.filter(user_id=acme_consultant.pk).exists()
