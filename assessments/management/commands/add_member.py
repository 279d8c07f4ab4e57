import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from assessments.models import Membership
from assessments.services import CampaignError, add_member, check_member, has_a_password
from config.commands import ProductCommand

NO_PASSWORD = "no password given (use --password or a terminal)"


class Command(ProductCommand):
    help = "Give a user (created when missing) a role in an organization."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organization", required=True)
        parser.add_argument("--role", required=True, choices=Membership.Role.values)
        parser.add_argument("--password", default=None)

    def handle(self, *args, username: str, organization: str, role: str, **options):
        password = options["password"]
        if password == "":
            raise CommandError("the password must not be empty")
        try:
            # Checked before the prompt: without a terminal the prompt fails, and its error
            # would hide a missing organization.
            check_member(username=username, organization_name=organization, role=role)
            existing = self.existing_user(username)
            if password is None and existing is None:
                password = self.prompt_password(username)
            keeps_password = password and existing and has_a_password(existing)
            # The report is part of the transaction (config/commands.py); the prompt is
            # not, or it would hold SQLite's write lock while someone types.
            with transaction.atomic():
                membership = add_member(
                    username=username, organization_name=organization, role=role, password=password
                )
                self.stdout.write(
                    f"{membership.user.username} is {membership.get_role_display().lower()} of "
                    f"{membership.organization.name}"
                )
                if keeps_password:
                    self.stderr.write(
                        f"note: {username} already has a password, which was left as it is"
                    )
        except CampaignError as error:
            raise CommandError(str(error)) from None

    def existing_user(self, username: str):
        return get_user_model().objects.filter(username=username).first()

    def prompt_password(self, username: str) -> str:
        """A password typed at the prompt meets the site's password rules, as Django's
        `createsuperuser` asks; one given with --password comes from a script and, as there,
        is taken as it is."""
        # Without a terminal, getpass warns over several lines and then reads nothing.
        if not sys.stdin.isatty():
            raise CommandError(NO_PASSWORD)
        try:
            password = getpass("Password: ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError(NO_PASSWORD) from None
        if not password:
            raise CommandError("the password must not be empty")
        try:
            validate_password(password, get_user_model()(username=username))
        except ValidationError as error:
            raise CommandError(f"password: {' '.join(error.messages)}") from None
        return password
