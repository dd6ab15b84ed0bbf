"""Insert many rows in a few statements, for imports where the ORM's per-value work costs more than the SQL.

Django's bulk_create prepares every value of every row through its field (about 40 µs a row for a
工程表 span); `bulk_insert` takes values that are already plain ints and strings, fills the row
times and defaults once per call, and sends multi-row INSERTs sized to the database's parameter
limit (on PostgreSQL, one INSERT … SELECT FROM UNNEST of one array per column). Values always
travel as query parameters; only quoted table and column names and column types enter the SQL.
The caller is a service that has checked the actor's right; it writes the audit record.
"""

from collections.abc import Iterable
from itertools import chain

from django.db import connection, models
from django.utils import timezone


def bulk_insert(model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples of plain values, in the order of `fields`) into `model`'s table; return the count.

    Fields left out get their default, and auto_now / auto_now_add times get the same current time.
    Give foreign keys by their attname (`measure_id`). No signals are sent and no primary keys returned.
    """
    given = [_concrete_field(model, name) for name in fields]
    filled: list[models.Field] = []
    fill_values = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key or field in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        else:
            continue
        filled.append(field)
        fill_values.append(field.get_db_prep_save(value, connection))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(_column(f)) for f in given + filled)
    rows = list(rows)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement whatever the count: each column travels as one array, as Django's own bulk_create does.
            # Types without their length ("varchar", not "varchar(200)"): PostgreSQL truncates on a cast to
            # varchar(200), whereas inserting into the column refuses a value that is too long.
            arrays = ", ".join(f"%s::{_base_type(f)}[]" for f in given)
            constants = "".join(f", %s::{_base_type(f)}" for f in filled)
            sql = f"INSERT INTO {table} ({columns}) SELECT *{constants} FROM UNNEST({arrays})"  # noqa: S608
            cursor.execute(sql, [*fill_values, *(list(column) for column in zip(*rows, strict=True))])
        else:
            width = len(given) + len(filled)
            placeholders = "(" + ", ".join(["%s"] * width) + ")"
            limit = connection.features.max_query_params  # None: no limit
            batch_size = max(limit // width, 1) if limit else len(rows)
            fill = tuple(fill_values)
            for start in range(0, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                values = ", ".join([placeholders] * len(batch))
                sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
                cursor.execute(sql, list(chain.from_iterable(row + fill for row in batch)))
    return len(rows)


def _concrete_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model._meta.label}.{name} is not a column of its table")
    return field


def _column(field: models.Field) -> str:
    assert field.column is not None  # concrete fields only (see _concrete_field)
    return field.column


def _base_type(field) -> str:
    return field.db_type(connection).split("(")[0]
