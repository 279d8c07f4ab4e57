"""Inserting many answers at once, for imports of 100,000 rows.

`bulk_create` builds and prepares a model instance per answer, which costs more than the
database does; imports write plain tuples instead (issue 9 measures 20,000 answers/s).
The database's constraints and triggers still check every row.
"""

from django.db import connection

from assessments.answer_statements import ANSWER_COLUMNS, db_time
from assessments.models import Answer

PAGE_SIZE = 5000


def insert_answers(rows: list[tuple[int, int, int | None, str]]):
    """Insert (response_id, question_id, value, comment) rows in one pass."""
    table = connection.ops.quote_name(Answer._meta.db_table)
    now = db_time()
    values = [(*row, now) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            # The raw cursor's errors become Django's (IntegrityError …), as elsewhere.
            with connection.wrap_database_errors:
                execute_values(
                    cursor.cursor,
                    f"INSERT INTO {table} ({ANSWER_COLUMNS}) VALUES %s",
                    values,
                    page_size=PAGE_SIZE,
                )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({ANSWER_COLUMNS}) VALUES (%s, %s, %s, %s, %s)", values
            )
