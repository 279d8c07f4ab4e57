import json

from django.core.management.base import CommandError

from assessments.results import campaign_results, results_document
from assessments.selectors import campaign_for_results
from config.commands import ProductCommand


class Command(ProductCommand):
    help = "Print a campaign's results document (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--json", action="store_true", required=True)

    def handle(self, *args, campaign_id: int, **options):
        campaign = campaign_for_results(campaign_id)
        if campaign is None:
            raise CommandError(f"campaign {campaign_id} does not exist")
        document = results_document(campaign_results(campaign))
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
