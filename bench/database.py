"""A database of the benchmark's own: never the one `make run` uses."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

OUT = Path(__file__).resolve().parent / "out"
BENCH_DATABASE = "maturity_bench"


def prepare_environment() -> str:
    """Point Django at a fresh benchmark database; returns a label for the report."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "0"  # production settings: DEBUG keeps every query in memory
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "k" * 48)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = fresh_postgres(url)
        return "PostgreSQL"
    OUT.mkdir(exist_ok=True)
    path = OUT / "bench.sqlite3"
    for leftover in OUT.glob("bench.sqlite3*"):
        leftover.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "SQLite"


def ready_database() -> str:
    """A fresh benchmark database, migrated and with the shipped models; Django set up on
    it. Returns the label for the report."""
    database = prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_models", verbosity=0)
    return database


def fresh_postgres(url: str) -> str:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        cursor.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    connection.close()
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
