from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from assessments.demo import LOGINS, ORGANIZATION, load_demo
from assessments.services import CampaignError
from config.commands import ProductCommand
from models_catalog.selectors import UnknownModelError


class Command(ProductCommand):
    help = "Load the demo organization with a campaign and answers on each shipped model."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins", action="store_true", help="only print the demo sign-ins"
        )

    def handle(self, *args, print_logins: bool = False, **options):
        if print_logins:
            self.print_logins()
        else:
            self.load()

    def load(self):
        try:
            # The report is part of the transaction (config/commands.py).
            with transaction.atomic():
                campaigns = load_demo()
                self.stdout.write(f"{ORGANIZATION}: {len(campaigns)} campaigns ready")
        except UnknownModelError as error:
            raise CommandError(f"{error}: load the shipped models first (load_models)") from None
        except CampaignError as error:
            raise CommandError(str(error)) from None

    def print_logins(self):
        self.stdout.write("  Demo sign-ins (user / password):")
        for login in LOGINS:
            self.stdout.write(f"    {login.role:<11} {login.username} / {login.password}")
        self.stdout.write(f"  Results: {settings.SITE_URL}/  (sign in as the executive)")
