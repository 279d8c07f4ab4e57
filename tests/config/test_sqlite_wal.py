"""On SQLite, app server processes keep the write-ahead log open between requests, so the
request that closes last no longer checkpoints and deletes it."""

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from config import sqlite_wal


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE answer (value INTEGER)")
    setup.close()
    return path


@pytest.fixture(autouse=True)
def nothing_held(monkeypatch):
    monkeypatch.setattr(sqlite_wal, "HELD", {})
    yield
    for held in sqlite_wal.HELD.values():
        held.close()


def django_connection(path, *, in_memory=False):
    """What the receiver reads of Django's connection."""
    return SimpleNamespace(
        vendor="sqlite", settings_dict={"NAME": path}, is_in_memory_db=lambda: in_memory
    )


def write_and_close(path: Path):
    """One request's connection: a write, then closed."""
    request = sqlite3.connect(path)
    with request:
        request.execute("INSERT INTO answer VALUES (3)")
    request.close()


def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_without_a_held_connection_the_last_close_deletes_the_log(database):
    write_and_close(database)
    assert not wal(database).exists()


def test_with_one_held_the_log_stays_and_every_write_is_there(database):
    sqlite_wal.hold_wal(None, django_connection(database))
    write_and_close(database)
    write_and_close(database)
    assert wal(database).exists()
    reader = sqlite3.connect(database)
    assert reader.execute("SELECT count(*) FROM answer").fetchone() == (2,)
    reader.close()


def test_the_held_connection_blocks_no_writer(database):
    sqlite_wal.hold_wal(None, django_connection(database))
    writer = sqlite3.connect(database, timeout=0, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO answer VALUES (1)")
    writer.execute("COMMIT")
    writer.close()


def test_one_per_process_and_file(database, monkeypatch):
    sqlite_wal.hold_wal(None, django_connection(database))
    sqlite_wal.hold_wal(None, django_connection(database))
    assert len(sqlite_wal.HELD) == 1
    monkeypatch.setattr(sqlite_wal.os, "getpid", lambda: 999_999)  # a forked worker
    sqlite_wal.hold_wal(None, django_connection(database))
    assert len(sqlite_wal.HELD) == 2


def test_nothing_is_held_for_an_in_memory_database_or_another_engine():
    sqlite_wal.hold_wal(None, django_connection(":memory:", in_memory=True))
    sqlite_wal.hold_wal(None, SimpleNamespace(vendor="postgresql"))
    assert sqlite_wal.HELD == {}


def test_the_app_server_entry_point_holds_the_log():
    from django.db.backends.signals import connection_created

    import config.wsgi  # noqa: F401  (connects the receiver)

    # disconnect() says whether the receiver was connected; put it back as it was.
    assert connection_created.disconnect(dispatch_uid="config.sqlite_wal.hold_wal")
    sqlite_wal.keep_wal_open()
