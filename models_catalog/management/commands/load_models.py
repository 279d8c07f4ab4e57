from django.core.management.base import CommandError
from django.db import transaction

from config.commands import ProductCommand
from models_catalog.file_format import ModelFileError
from models_catalog.services import load_shipped_models


class Command(ProductCommand):
    help = "Load or update the three shipped maturity models (idempotent)."

    def handle(self, *args, **options):
        try:
            # The report is part of the transaction (config/commands.py).
            with transaction.atomic():
                for maturity_model, changed in load_shipped_models():
                    state = "loaded" if changed else "unchanged"
                    self.stdout.write(f"{maturity_model.slug} {maturity_model.version} {state}")
        except ModelFileError as error:
            raise CommandError(str(error)) from None
