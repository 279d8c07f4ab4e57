from argparse import ArgumentTypeError
from pathlib import Path

from django.core.management.base import CommandError

from assessments.selectors import campaign_for_results
from config.commands import ProductCommand
from reports.pdf import render_report_pdf


class Command(ProductCommand):
    help = "Write a campaign's PDF gap report."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)
        parser.add_argument("--out", required=True, type=file_path, help="where to write the PDF")

    def handle(self, *args, campaign_id: int, out: Path, **options):
        campaign = campaign_for_results(campaign_id)
        if campaign is None:
            raise CommandError(f"campaign {campaign_id} does not exist")
        # Checked before rendering, which takes seconds, and again when writing.
        check_out_path(out)
        pdf = render_report_pdf(campaign)
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror or error}") from None
        self.stdout.write(str(out))


def file_path(text: str) -> Path:
    """A path that names a file: Path() drops a trailing "/" or "/.", which would turn
    `--out reports/` (a folder not made yet) into a file named `reports`."""
    if text.endswith(("/", "/.", "/..")) or text in (".", ".."):
        raise ArgumentTypeError(f"{text!r} names a folder; give the PDF file's name")
    return Path(text)


def check_out_path(out: Path):
    if out.is_dir():
        raise CommandError(f"cannot write {out}: it is a folder")
    if not out.parent.exists():
        raise CommandError(f"cannot write {out}: the folder {out.parent} does not exist")
    if not out.parent.is_dir():
        raise CommandError(f"cannot write {out}: {out.parent} is not a folder")
