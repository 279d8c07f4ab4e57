"""The area page's read of a journey: one statement, written out once per process.

The area page is the product's hottest: each person opens and posts a dozen. Its journey
is one four-table join by token, which Django compiled afresh on every request at about
forty times the cost of running it (`make bench`). Here the statement is written once from
the models' own metadata, and each row becomes model instances through the ORM's own
converters and `Model.from_db`, as a queryset would make them: the same objects, with
their relations in place, for a fraction of the work.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connections
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


@cache
def statement(alias: str) -> tuple[str, tuple[Part, ...]]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    parts, columns, joins, start = [], [], [], 0
    for model, table_alias, join in TABLES:
        fields: list[Field] = list(model._meta.concrete_fields)
        columns += [f"{table_alias}.{quote(field.column)}" for field in fields]
        if join:
            joins.append(join.format(table=quote(model._meta.db_table)))
        parts.append(
            Part(
                model,
                tuple(f.attname for f in fields),
                converters(fields, table_alias, connection),
                start,
            )
        )
        start += len(fields)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Invitation._meta.db_table)} i "
        f"{' '.join(joins)} WHERE i.{quote('token')} = %s"
    )
    return sql, tuple(parts)


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
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [token])
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
