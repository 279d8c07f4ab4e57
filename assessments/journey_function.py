"""PostgreSQL's journey read as the database keeps it: a view of the journey's join, read
through a PL/pgSQL function whose plan each connection makes once (journey_read.py says
why). `migrate` takes both down before it alters the tables they read and puts them back
after (apps.py); both are built from the same columns and joins as the read itself.
"""

from assessments.journey_read import FUNCTION, TABLES, VIEW, journey_join


def postgres_objects(alias: str) -> list[str]:
    found = journey_join(alias)
    selected = ", ".join(f"{c} AS {n}" for c, n in zip(found.columns, found.names, strict=True))
    return [
        f"CREATE VIEW {VIEW} AS SELECT {selected} FROM {found.tables}",
        f"""CREATE FUNCTION {FUNCTION}(wanted text) RETURNS SETOF {VIEW} AS $$
        BEGIN
            RETURN QUERY SELECT * FROM {VIEW} WHERE {found.token} = wanted;
        END $$ LANGUAGE plpgsql STABLE""",
    ]


def remove_journey_function(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")
            cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")


def install_journey_function(connection):
    """Put the view and function in place, unless the tables lack a column the models
    have (a migration back to an earlier state): the pages cannot run on those anyway."""
    if connection.vendor != "postgresql" or not has_every_column(connection):
        return
    remove_journey_function(connection)
    with connection.cursor() as cursor:
        for sql in postgres_objects(connection.alias):
            cursor.execute(sql)


def has_every_column(connection) -> bool:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model, _, _ in TABLES:
            if model._meta.db_table not in tables:
                return False
            present = {
                column.name
                for column in connection.introspection.get_table_description(
                    cursor, model._meta.db_table
                )
            }
            if not {field.column for field in model._meta.concrete_fields} <= present:
                return False
    return True
