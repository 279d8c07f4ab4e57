from django.core.management.base import CommandError
from django.db import transaction

from assessments.invitations import (
    InvitationError,
    closed_campaign_note,
    create_invitations,
    invitation_url,
)
from assessments.models import Campaign
from assessments.services import CampaignError, units_by_name
from config.commands import ProductCommand


class Command(ProductCommand):
    help = (
        "Create N invitation links for a campaign and print each absolute URL on its own line "
        "(base URL from the SITE_URL setting)."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--count", type=int, required=True, help="how many links")
        parser.add_argument(
            "--unit",
            default=None,
            help="unit of the organization the links are for; created when missing, "
            "as import_responses does",
        )

    def handle(self, *args, campaign_id: int, count: int, unit: str | None, **options):
        if count < 1:
            raise CommandError(f"--count must be at least 1, not {count}")
        if unit is not None and not unit.strip():
            raise CommandError("--unit must not be empty")
        campaign = Campaign.objects.select_related("organization").filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(f"campaign {campaign_id} does not exist")
        try:
            # One transaction, the links printed included (config/commands.py): a unit
            # created for links that then fail is not left behind, nor links nobody saw.
            with transaction.atomic():
                unit_of_links = None
                if unit is not None:
                    name = unit.strip()
                    unit_of_links = units_by_name(campaign.organization, {name})[name]
                invitations = create_invitations(campaign=campaign, count=count, unit=unit_of_links)
                for invitation in invitations:
                    self.stdout.write(invitation_url(invitation))
        except (InvitationError, CampaignError) as error:
            raise CommandError(str(error)) from None
        note = closed_campaign_note(campaign)
        if note:
            # On stderr: standard output holds the links alone, for scripts.
            self.stderr.write(f"note: {note}")
