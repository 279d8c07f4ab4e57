from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from config.commands import ProductCommand
from models_catalog.file_format import ModelFileError
from models_catalog.services import import_model_file


class Command(ProductCommand):
    help = "Import a maturity model file (JSON); prints SLUG VERSION."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read the file ({error.strerror})") from None
        try:
            # The report is part of the transaction (config/commands.py).
            with transaction.atomic():
                maturity_model, _ = import_model_file(text)
                self.stdout.write(f"{maturity_model.slug} {maturity_model.version}")
        except ModelFileError as error:
            raise CommandError(f"{file}: {error}") from None
