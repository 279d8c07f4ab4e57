import json

from django.core.management.base import CommandError

from config.commands import ProductCommand, version_name
from models_catalog.export import export_document
from models_catalog.selectors import UnknownModelError, resolve_model


class Command(ProductCommand):
    help = "Print a maturity model file (JSON) to stdout."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--model-version", dest="version", default=None, type=version_name)

    def handle(self, *args, slug: str, version: str | None, **options):
        try:
            maturity_model = resolve_model(slug, version)
        except UnknownModelError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(export_document(maturity_model), indent=2, ensure_ascii=False))
