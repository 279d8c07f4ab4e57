"""What every command of the product promises (CONTRACT.md section 2): bad input is one
line on stderr and a non-zero exit, never a usage block or a traceback.

The product's commands subclass `ProductCommand` rather than Django's `BaseCommand`.
Each keeps its own transaction around what it writes and what it prints about it: a
command whose output cannot be written fails and leaves the database as it was, while a
command that only reads holds no transaction (on SQLite that would hold the write lock,
config/env.py) while it renders.
"""

import sys
from argparse import ArgumentTypeError

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    OutputWrapper,
)
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


class OneLineParser(CommandParser):
    def parse_args(self, args=None, namespace=None):
        options = super().parse_args(args, namespace)
        for action in self._actions:
            if action.nargs == 0:
                # Flags store no text; and Django's own --version shares its `dest` with
                # --model-version, whose value it must not be blamed for.
                continue
            value = getattr(options, action.dest, None)
            if isinstance(value, str) and not is_unicode(value):
                # Bytes of another encoding on the command line (a Latin-1 terminal)
                # arrive as lone surrogates, which no database stores.
                name = "/".join(action.option_strings) or action.dest
                self.error(f"argument {name}: {value!r} is not UTF-8 text")
        return options

    def error(self, message):
        if self.called_from_command_line:
            # argparse prints the whole usage before the error; --help still shows it.
            self.exit(2, f"{self.prog}: error: {message}\n")
        super().error(message)


class CheckedOutput(OutputWrapper):
    """Standard output whose failed write (a full disk, a closed pipe) is the command's
    error. Each line is flushed, so that it fails inside the command's transaction."""

    def write(self, msg="", style_func=None, ending=None):
        if self._out is None:  # started with its standard output closed (`>&-`)
            raise CommandError("cannot write the output (standard output is closed)")
        try:
            super().write(msg, style_func, ending)
            self.flush()
        except OSError as error:
            raise CommandError(f"cannot write the output ({error.strerror or error})") from None


class ProductCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser itself and takes no other class.
        parser.__class__ = OneLineParser
        return parser

    def execute(self, *args, **options):
        # Taken out of the options, or Django would wrap it in its own OutputWrapper.
        self.stdout = CheckedOutput(options.pop("stdout", None) or sys.stdout)
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if one_line(str(error)) == str(error):
                raise
            # A name from the command line or a file (`--model $'a\nb'`) may hold a line
            # break, and the error that names it must still be one line.
            raise CommandError(one_line(str(error)), returncode=error.returncode) from error
        except DatabaseError as error:
            # A database that is down or not migrated: the command's own transaction has
            # rolled back; say what to do rather than show the driver's traceback.
            raise CommandError(database_problem(error)) from error


def database_problem(error: DatabaseError) -> str:
    reason = first_line(error)
    try:
        pending = unapplied_migrations()
    except DatabaseError:
        return f"cannot reach the database ({reason})"
    if pending:
        return (
            f"the database is not set up: {pending} migrations to apply, "
            f"run python manage.py migrate ({reason})"
        )
    return f"the database refused the command ({reason})"


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> int:
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# Every character str.splitlines() breaks a line at.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def one_line(text: str) -> str:
    """The text with its line breaks written as escapes (`\\n`)."""
    return "".join(
        char.encode("unicode_escape").decode() if char in LINE_BREAKS else char for char in text
    )


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].strip() if lines else type(error).__name__


def version_name(text: str) -> str:
    """`--model-version`: an empty one (an unset shell variable, `--model-version "$V"`)
    must not quietly mean the newest version, which leaving the option out means."""
    if not text.strip():
        raise ArgumentTypeError("name a version, or leave the option out for the newest")
    return text


def is_unicode(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
