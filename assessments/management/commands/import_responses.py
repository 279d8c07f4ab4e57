from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from assessments.models import Campaign
from assessments.responses_file import ResponsesFileError
from assessments.services import (
    CampaignError,
    ImportSummary,
    find_or_create_campaign,
    import_responses,
)
from config.commands import ProductCommand, version_name
from models_catalog.selectors import UnknownModelError


class Command(ProductCommand):
    help = "Import answers (CSV) into a campaign; prints the campaign's id on the last line."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--model", required=True, help="model slug")
        parser.add_argument("--model-version", dest="version", default=None, type=version_name)
        parser.add_argument("--organization", required=True)
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--target-level", type=int, default=None)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read the file ({error.strerror})") from None
        try:
            # One transaction, the report included (config/commands.py): a refused file
            # leaves no new organization or campaign behind.
            with transaction.atomic():
                campaign = find_or_create_campaign(
                    organization_name=options["organization"],
                    campaign_name=options["campaign"],
                    model_slug=options["model"],
                    model_version=options["version"],
                    target_level=options["target_level"],
                )
                summary = import_responses(campaign=campaign, data=data)
                self.report(summary, campaign)
        except ResponsesFileError as error:
            raise CommandError(f"{file}: {error}") from None
        except (CampaignError, UnknownModelError) as error:
            raise CommandError(str(error)) from None

    def report(self, summary: ImportSummary, campaign: Campaign):
        if summary.answers:
            self.stdout.write(f"imported {summary}")
        else:
            self.stdout.write("the file has no answer rows; nothing was imported")
        self.stdout.write(str(campaign.pk))
