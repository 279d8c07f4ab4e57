"""The area page's read of a journey: one statement, written out once per process.

The area page is the product's hottest: each person opens and posts a dozen. Its journey
is one four-table join by token, which Django compiled afresh on every request at about
forty times the cost of running it (`make bench`). Here the statement is written once from
the models' own metadata, and each row becomes model instances through the ORM's own
converters and `Model.from_db`, as a queryset would make them: the same objects, with
their relations in place, for a fraction of the work.

PostgreSQL plans a statement each time it is sent, and planning this join cost more than
running it (0.3 ms of the server's 0.35 ms; psycopg2 prepares nothing). So on PostgreSQL
the same statement is a view, read through a PL/pgSQL function, whose plan each
connection makes once and keeps: the page's server work halves. It holds no session
state, so it is safe behind a pooler such as PgBouncer. `migrate` takes both down before
it alters tables and puts them back after (apps.py), as it does the answer guards; pages
served meanwhile read by the join itself.
"""

from dataclasses import dataclass
from functools import cache

from django.db import ProgrammingError, connections
from django.db.models import Field, Model

from assessments.models import Campaign, Invitation, Response
from models_catalog.models import MaturityModel


@dataclass(frozen=True)
class Part:
    """One model's columns in the row: where they start and how to read them."""

    model: type[Model]
    names: tuple[str, ...]
    converters: tuple[tuple, ...]  # per column, the ORM's converters for its value
    start: int

    def instance(self, row, alias: str) -> Model | None:
        values = list(row[self.start : self.start + len(self.names)])
        if values[0] is None:  # the primary key: no row joined (no response yet)
            return None
        connection = connections[alias]
        for index, (converters, expression) in enumerate(self.converters):
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(alias, self.names, values)


# (model, table alias, how it joins), in the order of the row.
TABLES = (
    (Invitation, "i", ""),
    (Campaign, "c", "JOIN {table} c ON c.id = i.campaign_id"),
    (MaturityModel, "m", "JOIN {table} m ON m.id = c.maturity_model_id"),
    (Response, "r", "LEFT JOIN {table} r ON r.invitation_id = i.id"),
)


@dataclass(frozen=True)
class Join:
    """The statement's parts: the columns in the row's order, each with a name of its own
    (the view's), the tables they come from, and how to read each model out of a row."""

    columns: tuple[str, ...]
    names: tuple[str, ...]
    tables: str
    parts: tuple[Part, ...]
    token: str  # the name of the invitation's token among them


@cache
def journey_join(alias: str) -> Join:
    connection = connections[alias]
    quote = connection.ops.quote_name
    parts, columns, names, joins, start = [], [], [], [], 0
    for model, table_alias, how in TABLES:
        fields: list[Field] = list(model._meta.concrete_fields)
        columns += [f"{table_alias}.{quote(field.column)}" for field in fields]
        names += [quote(f"{table_alias}_{field.column}") for field in fields]
        if how:
            joins.append(how.format(table=quote(model._meta.db_table)))
        parts.append(
            Part(
                model,
                tuple(f.attname for f in fields),
                converters(fields, table_alias, connection),
                start,
            )
        )
        start += len(fields)
    tables = f"{quote(Invitation._meta.db_table)} i {' '.join(joins)}"
    token = names[columns.index(f"i.{quote('token')}")]
    return Join(tuple(columns), tuple(names), tables, tuple(parts), token)


@cache
def statement(alias: str) -> tuple[str, tuple[Part, ...]]:
    """The statement that reads a journey by token, and how to read its row."""
    found = journey_join(alias)
    if connections[alias].vendor == "postgresql":
        return f"SELECT * FROM {FUNCTION}(%s)", found.parts
    return join_statement(alias), found.parts


@cache
def join_statement(alias: str) -> str:
    """The join itself: SQLite's statement, and PostgreSQL's while its function is away."""
    found = journey_join(alias)
    token = connections[alias].ops.quote_name("token")
    return f"SELECT {', '.join(found.columns)} FROM {found.tables} WHERE i.{token} = %s"


# PostgreSQL's plan-keeping form of the statement (see the module's docstring), put in
# place by journey_function.py.
VIEW = "assessments_journey"
FUNCTION = "assessments_journey_for"
UNDEFINED_FUNCTION = "42883"  # PostgreSQL's error code


def function_missing(error: ProgrammingError) -> bool:
    return getattr(error.__cause__, "pgcode", None) == UNDEFINED_FUNCTION


def converters(fields: list[Field], table_alias: str, connection) -> tuple[tuple, ...]:
    """What SQLCompiler.get_converters finds for each column: the backend's and the
    field's own (SQLite's dates arrive as text, its booleans as integers)."""
    result = []
    for field in fields:
        column = field.get_col(table_alias)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        result.append((tuple(found), column))
    return tuple(result)


def read_journey(token: str, alias: str = "default") -> tuple[Invitation, Response | None] | None:
    """The invitation with its campaign and model, and the person's response if any;
    None for an unknown token."""
    sql, parts = statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, [token])
        except ProgrammingError as error:
            # `migrate` takes the function down while it alters tables, and app servers
            # still serve meanwhile; outside a transaction the failed call spoils nothing.
            if not function_missing(error) or connection.in_atomic_block:
                raise
            cursor.execute(join_statement(alias), [token])
        row = cursor.fetchone()
    if row is None:
        return None
    invitation, campaign, maturity_model, response = (part.instance(row, alias) for part in parts)
    campaign.maturity_model = maturity_model
    invitation.campaign = campaign
    if response is None:
        # As select_related leaves it: asking for the response makes no query.
        Invitation.response.related.set_cached_value(invitation, None)
    else:
        response.invitation = invitation  # also caches it as invitation.response
        response.campaign = campaign
    return invitation, response
