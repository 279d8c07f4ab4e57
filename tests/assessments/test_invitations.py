import csv
import io
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone

from assessments.invitations import (
    CSV_COLUMNS,
    MOST_LINKS,
    InvitationError,
    campaign_progress,
    create_invitations,
    invitation_url,
    invitations_csv,
    send_invitations,
    send_reminders,
)
from assessments.models import Campaign, Invitation, Unit
from tests.factories import InvitationFactory, ResponseFactory, UnitFactory, respond

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://survey.example.org"
    return settings.SITE_URL


def started(invitation):
    return ResponseFactory(campaign=invitation.campaign, invitation=invitation)


def submitted(invitation):
    return ResponseFactory(
        campaign=invitation.campaign, invitation=invitation, submitted_at=timezone.now()
    )


class TestCreateInvitations:
    def test_each_link_gets_its_own_256_bit_token(self, campaign):
        invitations = create_invitations(campaign=campaign, count=50)
        tokens = {invitation.token for invitation in invitations}
        assert len(tokens) == 50
        # 32 random bytes, URL-safe base64 without padding: 43 characters.
        assert all(TOKEN.match(token) for token in tokens)
        assert Invitation.objects.filter(campaign=campaign).count() == 50

    def test_one_link_per_address_plus_the_anonymous_links(self, campaign):
        invitations = create_invitations(
            campaign=campaign, count=2, emails=["ana@example.com", "bo@example.com"]
        )
        assert [invitation.email for invitation in invitations] == [
            "ana@example.com",
            "bo@example.com",
            "",
            "",
        ]
        assert all(invitation.pk for invitation in invitations)

    def test_an_address_given_twice_or_already_invited_gets_no_second_link(self, campaign):
        create_invitations(campaign=campaign, emails=["ana@example.com"])
        invitations = create_invitations(
            campaign=campaign,
            emails=["ANA@example.com", "bo@example.com", " bo@example.com ", "Bo@Example.com"],
        )
        assert [invitation.email for invitation in invitations] == ["bo@example.com"]
        assert campaign.invitations.count() == 2

    def test_the_same_address_may_be_invited_to_another_campaign(self, campaign):
        other = InvitationFactory(email="ana@example.com").campaign
        assert other != campaign
        assert len(create_invitations(campaign=campaign, emails=["ana@example.com"])) == 1

    def test_a_bad_address_is_named_and_nothing_is_created(self, campaign):
        with pytest.raises(InvitationError, match="'not-an-address' is not a valid e-mail"):
            create_invitations(
                campaign=campaign, count=3, emails=["ana@example.com", "not-an-address"]
            )
        assert not Invitation.objects.exists()

    def test_a_negative_count_is_refused(self, campaign):
        with pytest.raises(InvitationError, match="0 or more, not -1"):
            create_invitations(campaign=campaign, count=-1)

    def test_asking_for_nothing_is_refused(self, campaign):
        with pytest.raises(InvitationError, match="at least one link"):
            create_invitations(campaign=campaign, emails=["", "  "])

    def test_links_carry_the_unit_and_role_they_fix(self, campaign):
        unit = UnitFactory(organization=campaign.organization, name="Sales")
        invitations = create_invitations(campaign=campaign, count=2, unit=unit, role="manager")
        assert {(i.unit, i.role) for i in invitations} == {(unit, "manager")}

    def test_a_unit_of_another_organization_is_refused(self, campaign):
        with pytest.raises(InvitationError, match="is not a unit of"):
            create_invitations(campaign=campaign, count=1, unit=UnitFactory(name="Elsewhere"))
        assert not Invitation.objects.exists()


def test_the_invitation_url_is_absolute_from_site_url(campaign, site_url):
    invitation = InvitationFactory(campaign=campaign)
    assert invitation_url(invitation) == f"{site_url}/respond/{invitation.token}/"


def test_under_a_path_prefix_links_made_in_a_request_are_those_a_command_makes(campaign, settings):
    settings.SITE_URL = "https://example.org/assess"
    invitation = InvitationFactory(campaign=campaign)
    from_a_command = invitation_url(invitation)
    set_script_prefix("/assess/")  # as Django sets it for a request served under /assess
    try:
        from_a_request = invitation_url(invitation)
    finally:
        clear_script_prefix()

    expected = f"https://example.org/assess/respond/{invitation.token}/"
    assert (from_a_command, from_a_request) == (expected, expected)


class TestSendInvitations:
    def test_only_addresses_not_sent_yet_get_an_e_mail(self, campaign, mailoutbox, site_url):
        create_invitations(campaign=campaign, count=1, emails=["ana@example.com", "bo@example.com"])
        InvitationFactory(campaign=campaign, email="cy@example.com", sent_at=timezone.now())
        sent = send_invitations(invitations=campaign.invitations.all())
        assert sent == 2
        assert sorted(message.to[0] for message in mailoutbox) == [
            "ana@example.com",
            "bo@example.com",
        ]
        assert set(campaign.invitations.filter(sent_at__isnull=True).values_list("email")) == {
            ("",)
        }

    def test_the_e_mail_has_the_link_in_plain_text_and_html(self, campaign, mailoutbox, site_url):
        (invitation,) = create_invitations(campaign=campaign, emails=["ana@example.com"])
        send_invitations(invitations=[invitation])
        (message,) = mailoutbox
        url = invitation_url(invitation)
        assert campaign.organization.name in message.subject
        assert "\n" not in message.subject
        assert url in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert f'href="{url}"' in html
        assert "anonymous" in message.body

    def test_sending_again_sends_nothing(self, campaign, mailoutbox):
        create_invitations(campaign=campaign, emails=["ana@example.com"])
        send_invitations(invitations=campaign.invitations.all())
        assert send_invitations(invitations=campaign.invitations.all()) == 0
        assert len(mailoutbox) == 1

    def test_a_mail_server_failure_keeps_the_ones_already_sent_marked(
        self, campaign, mailoutbox, monkeypatch
    ):
        from django.core.mail import EmailMultiAlternatives

        create_invitations(campaign=campaign, emails=["ana@example.com", "bo@example.com"])
        real_send = EmailMultiAlternatives.send

        def send_once(message, *args, **kwargs):
            if message.to == ["bo@example.com"]:
                raise OSError("mail server went away")
            return real_send(message, *args, **kwargs)

        monkeypatch.setattr(EmailMultiAlternatives, "send", send_once)
        with pytest.raises(OSError):
            send_invitations(invitations=campaign.invitations.all())
        assert list(campaign.invitations.filter(sent_at__isnull=False).values_list("email")) == [
            ("ana@example.com",)
        ]


class TestSendReminders:
    def test_only_people_who_have_not_submitted_are_reminded(self, campaign, mailoutbox):
        waiting = InvitationFactory(campaign=campaign, email="ana@example.com")
        halfway = InvitationFactory(campaign=campaign, email="bo@example.com")
        done = InvitationFactory(campaign=campaign, email="cy@example.com")
        InvitationFactory(campaign=campaign)  # no address: nobody to remind
        started(halfway)
        submitted(done)
        assert send_reminders(invitations=campaign.invitations.all()) == 2
        assert sorted(message.to[0] for message in mailoutbox) == [
            "ana@example.com",
            "bo@example.com",
        ]
        assert "Reminder" in mailoutbox[0].subject
        waiting.refresh_from_db()
        done.refresh_from_db()
        assert waiting.reminded_at is not None
        assert done.reminded_at is None


def test_the_csv_lists_each_link_with_its_status(campaign, site_url):
    unit = UnitFactory(organization=campaign.organization, name="Sales")
    waiting = InvitationFactory(campaign=campaign, email="ana@example.com", unit=unit)
    halfway = InvitationFactory(campaign=campaign, role="manager")
    done = InvitationFactory(campaign=campaign)
    started(halfway)
    submitted(done)
    rows = list(csv.reader(io.StringIO(invitations_csv(campaign.invitations.all()))))
    assert tuple(rows[0]) == CSV_COLUMNS == ("email", "unit", "role", "url", "status")
    assert rows[1:] == [
        ["ana@example.com", "Sales", "", invitation_url(waiting), "invited"],
        ["", "", "manager", invitation_url(halfway), "started"],
        ["", "", "", invitation_url(done), "submitted"],
    ]


def test_the_csv_reads_a_list_of_invitations_in_a_constant_number_of_queries(
    campaign, django_assert_max_num_queries
):
    invitations = create_invitations(campaign=campaign, count=30)
    for invitation in invitations[:10]:
        started(invitation)
    with django_assert_max_num_queries(1):
        text = invitations_csv(invitations)
    assert len(text.splitlines()) == 31


def test_progress_counts_invited_started_and_submitted_in_one_query(
    campaign, django_assert_max_num_queries
):
    invitations = create_invitations(campaign=campaign, count=5)
    started(invitations[0])
    submitted(invitations[1])
    submitted(invitations[2])
    respond(campaign, {"cr-1": 3})  # imported, not through a link: not counted here
    with django_assert_max_num_queries(1):
        progress = campaign_progress(campaign)
    assert progress == {"invited": 5, "started": 3, "submitted": 2}


class TestCreateInvitationsCommand:
    def run(self, *args) -> list[str]:
        out = io.StringIO()
        call_command("create_invitations", *map(str, args), stdout=out)
        return out.getvalue().splitlines()

    def test_prints_one_absolute_url_per_link(self, campaign, site_url):
        lines = self.run(campaign.pk, "--count", 3)
        assert len(lines) == 3
        tokens = set(campaign.invitations.values_list("token", flat=True))
        assert {line.removeprefix(f"{site_url}/respond/").rstrip("/") for line in lines} == tokens
        assert all(line.startswith(site_url + "/respond/") for line in lines)

    def test_links_of_an_open_campaign_come_without_a_note(self, campaign, capsys):
        self.run(campaign.pk, "--count", 1)
        assert capsys.readouterr().err == ""

    def test_links_of_a_closed_campaign_come_with_a_note_on_stderr(self, campaign, capsys):
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)

        lines = self.run(campaign.pk, "--count", 2)

        assert [line.split("/respond/")[0] for line in lines] == [settings.SITE_URL] * 2
        assert capsys.readouterr().err == (
            f"note: campaign {campaign.name!r} is closed: its links show that it is closed "
            "until it is reopened\n"
        )

    def test_the_unit_is_created_in_the_organization_when_missing(self, campaign):
        self.run(campaign.pk, "--count", 2, "--unit", "Field service")
        unit = Unit.objects.get(organization=campaign.organization, name="Field service")
        assert set(campaign.invitations.values_list("unit", flat=True)) == {unit.pk}

    def test_an_existing_unit_is_reused(self, campaign):
        unit = UnitFactory(organization=campaign.organization, name="Sales")
        self.run(campaign.pk, "--count", 1, "--unit", "Sales")
        assert campaign.invitations.get().unit == unit
        assert Unit.objects.count() == 1

    def test_an_unknown_campaign_is_one_line_error(self, db):
        with pytest.raises(CommandError, match="^campaign 999 does not exist$"):
            self.run(999, "--count", 1, "--unit", "Sales")
        assert not Unit.objects.exists()

    @pytest.mark.parametrize("count", [0, -2])
    def test_fewer_than_one_link_is_refused(self, campaign, count):
        with pytest.raises(CommandError, match=f"at least 1, not {count}"):
            self.run(campaign.pk, "--count", count, "--unit", "Sales")
        assert not Invitation.objects.exists()
        assert not Unit.objects.exists()

    def test_a_unit_name_longer_than_its_column_is_refused_on_every_database(self, campaign):
        with pytest.raises(
            CommandError, match="^the unit name is 201 characters long; at most 200 are allowed$"
        ):
            self.run(campaign.pk, "--count", 1, "--unit", "u" * 201)
        assert not Invitation.objects.exists()
        assert not Unit.objects.exists()

    @pytest.mark.parametrize("count", [MOST_LINKS + 1, 10**20])
    def test_more_links_than_the_admin_allows_at_a_time_are_refused(self, campaign, count):
        with pytest.raises(
            CommandError, match=f"^at most {MOST_LINKS} links at a time, not {count}$"
        ):
            self.run(campaign.pk, "--count", count, "--unit", "Sales")
        assert not Invitation.objects.exists()
        assert not Unit.objects.exists()

    def test_an_empty_unit_name_is_refused(self, campaign):
        with pytest.raises(CommandError, match="--unit must not be empty"):
            self.run(campaign.pk, "--count", 1, "--unit", " ")
        assert not Invitation.objects.exists()
