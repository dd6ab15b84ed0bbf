"""Update many rows by primary key in one statement: an import that rewrites rows in place.

A full rewrite of a table's rows (every span of a 工程表 changed) costs far less as an UPDATE of the
rows that stay than as a DELETE and an INSERT of them all: the rows keep their ids and their links,
so no foreign key is checked again at commit and no link trigger (tenants/link_guards.py) runs, and
PostgreSQL can update them in place. Like `core.bulk.bulk_insert` (its companion for new rows) it
takes plain values, sends them as query parameters (one array per column on PostgreSQL), and leaves
rights and the audit record to the calling service.
"""

from django.db import connection, models
from django.utils import timezone


def bulk_update_rows(
    model: type[models.Model], fields: list[str], rows: list[tuple], *, versioned: bool = False
) -> int:
    """Set `fields` (by attname) of each row given as (pk, *values); return the count.

    auto_now fields get the current time; with `versioned`, the row's `version` goes up by one, so that
    an edit form opened before the import must reload.
    """
    if not rows:
        return 0
    opts = model._meta
    quote = connection.ops.quote_name
    given = [_column_field(model, name) for name in fields]
    stamped = [f for f in opts.concrete_fields if getattr(f, "auto_now", False) and f not in given]
    now = timezone.now()
    table, pk = quote(opts.db_table), quote(_column(opts.pk))
    assignments = [f"{quote(_column(f))} = v.{quote(_column(f))}" for f in given]
    assignments += [f"{quote(_column(f))} = %s" for f in stamped]
    if versioned:
        assignments.append(f"{quote('version')} = {table}.{quote('version')} + 1")
    stamps = [f.get_db_prep_save(now, connection) for f in stamped]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join([pk, *(quote(_column(f)) for f in given)])
            arrays = ", ".join(f"%s::{_base_type(f)}[]" for f in [opts.pk, *given])
            sql = (
                f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 - names from the model
                f"FROM UNNEST({arrays}) AS v({names}) WHERE {table}.{pk} = v.{pk}"
            )
            cursor.execute(sql, [*stamps, *(list(column) for column in zip(*rows, strict=True))])
        else:
            sets = [f"{quote(_column(f))} = %s" for f in given] + assignments[len(given) :]
            sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s"  # noqa: S608
            cursor.executemany(sql, [(*row[1:], *stamps, row[0]) for row in rows])
    return len(rows)


def _column_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model._meta.label}.{name} is not a column of its table")
    return field


def _column(field) -> str:
    assert field.column is not None  # concrete fields only
    return field.column


def _base_type(field) -> str:
    # Without the length ("varchar", not "varchar(200)"): a cast to varchar(200) truncates, whereas
    # writing the column refuses a value that is too long.
    return field.db_type(connection).split("(")[0]
