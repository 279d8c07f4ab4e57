"""SQLite under an app server: one idle connection per process keeps the write-ahead log.

With a connection per request (SQLite's CONN_MAX_AGE is 0), the connection that closes
last checkpoints the whole write-ahead log into the database, syncs it and deletes the
log and its index (https://sqlite.org/wal.html). With one request at a time that is every
request that wrote: about 2 ms a save, most of its database time (`make bench`). One idle
connection per process, opened after the app server forks and never used for queries,
keeps the log in place: checkpoints run as SQLite schedules them (every 1,000 pages),
while `synchronous=FULL` (config/env.py) syncs each commit, so a saved answer is on disk
when the page says so. The connection holds no lock while idle: it blocks no writer and
no checkpoint.
"""

import os
import sqlite3

from django.db.backends.signals import connection_created

HELD: dict[tuple[int, str], sqlite3.Connection] = {}


def hold_wal(sender, connection, **kwargs):
    """On a process's first connection to a SQLite file, open the idle one beside it."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    path = str(connection.settings_dict["NAME"])
    key = (os.getpid(), path)  # a forked worker opens its own; SQLite's cannot be shared
    if key in HELD:
        return
    held = sqlite3.connect(path, check_same_thread=False)
    held.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # maps the log's index
    HELD[key] = held


def keep_wal_open():
    connection_created.connect(hold_wal, dispatch_uid="config.sqlite_wal.hold_wal")
