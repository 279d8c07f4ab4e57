"""The statements of an area page and its save, written out once.

Each person opens and posts a dozen area pages. Django's query builder made each of their
statements afresh on every request, at ten times the cost of running it (`make bench`,
docs/benchmarks.md); these are the same statements as plain SQL that SQLite and
PostgreSQL both run (`INSERT … ON CONFLICT`). The database's constraints and triggers
check every row as before, and their errors arrive as Django's own (IntegrityError).

A save's writes are built as statements first and run together by `run_as_one`: on
PostgreSQL that is one message and one round trip for the whole transaction.
"""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Answer, Campaign, Response

ANSWER = Answer._meta.db_table
RESPONSE = Response._meta.db_table
CAMPAIGN = Campaign._meta.db_table
UPSERTED = ("value", "comment")
# An answer's columns as rows to insert give them, the time of writing last.
ANSWER_COLUMNS = "response_id, question_id, value, comment, updated_at"
AREA_ANSWER_FIELDS = ("id", "question_id", "value", "comment")

Statement = tuple[str, list]  # SQL with %s placeholders, and its parameters


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def db_time(moment: datetime | None = None):
    """A time as the database takes it in a statement (SQLite: text); now by default."""
    return connection.ops.adapt_datetimefield_value(moment or timezone.now())


def area_answers(response_id: int, question_ids: list[int]) -> list[Answer]:
    """The stored answers of some questions: question, value and comment (the rest of an
    answer is loaded only if asked for). No column needs converting on either database."""
    if not question_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(AREA_ANSWER_FIELDS)} FROM {ANSWER} WHERE response_id = %s "
            f"AND question_id IN ({placeholders(len(question_ids))})",
            [response_id, *question_ids],
        )
        rows = cursor.fetchall()
    return [Answer.from_db(connection.alias, AREA_ANSWER_FIELDS, row) for row in rows]


def touch_pending_response(response_id: int, now: datetime) -> Statement:
    """Move the response's `updated_at`; on PostgreSQL this also locks the row until the
    transaction ends. A submitted response refuses: its `updated_at` would become NULL,
    which the column forbids, so the statement fails with an IntegrityError and takes the
    rest of its transaction with it. (A response deleted meanwhile is not matched; the
    answers written for it then fail the database's guards.)"""
    return (
        f"UPDATE {RESPONSE} SET updated_at = CASE WHEN submitted_at IS NULL THEN %s END "
        "WHERE id = %s",
        [db_time(now), response_id],
    )


def upsert_answers(
    rows: list[tuple[int, int, int | None, str]], columns: tuple[str, ...]
) -> Statement:
    """Insert (response_id, question_id, value, comment) rows; where the question already
    has an answer, overwrite only `columns` of it (a subset of value and comment)."""
    if not rows:
        raise ValueError("an upsert needs rows")
    if not set(columns) <= set(UPSERTED):
        raise ValueError(f"only {UPSERTED} can be overwritten, not {columns}")
    now = db_time()
    overwrite = ", ".join(f"{column} = excluded.{column}" for column in (*columns, "updated_at"))
    sql = (
        f"INSERT INTO {ANSWER} ({ANSWER_COLUMNS}) "
        f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(rows))} "
        f"ON CONFLICT (response_id, question_id) DO UPDATE SET {overwrite}"
    )
    return sql, [value for row in rows for value in (*row, now)]


def delete_answers(response_id: int, question_ids: list[int]) -> Statement:
    """Remove the stored answers of some questions."""
    return (
        f"DELETE FROM {ANSWER} WHERE response_id = %s "
        f"AND question_id IN ({placeholders(len(question_ids))})",
        [response_id, *question_ids],
    )


def update_comment(response_id: int, question_id: int, comment: str) -> bool:
    """Overwrite the comment of a stored answer; False when there is no answer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ANSWER} SET comment = %s, updated_at = %s "
            "WHERE response_id = %s AND question_id = %s",
            [comment, db_time(), response_id, question_id],
        )
        return cursor.rowcount == 1


# The campaign's counters that cached pages and results carry (campaign_versions.py).
VERSIONS = ("answers_version", "invitations_version")


def bump_campaign_version(column: str, campaign_id: int) -> Statement:
    if column not in VERSIONS:
        raise ValueError(f"{column!r} is not one of the campaign's versions {VERSIONS}")
    return f"UPDATE {CAMPAIGN} SET {column} = {column} + 1 WHERE id = %s", [campaign_id]


def run(statement: Statement):
    with connection.cursor() as cursor:
        cursor.execute(*statement)


def run_as_one(*statements: Statement):
    """Run the statements as one transaction: all of them, or none if one fails.

    On PostgreSQL, outside a transaction, they go as one message, which the server runs
    as one transaction: one round trip, where one a statement and two more for BEGIN and
    COMMIT cost a save 13 % more CPU (docs/benchmarks.md, twelfth round). On SQLite,
    which runs in the process, and inside a transaction already open, they run one by
    one in a transaction of their own (a savepoint inside another)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                ";\n".join(sql for sql, _ in statements),
                [value for _, params in statements for value in params],
            )
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
