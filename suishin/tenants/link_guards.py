"""The database refuses a link from one organization's row to another organization's row.

Django 5.2 has no composite foreign keys, so for every foreign key from a tenant-owned model to
another tenant-owned model a trigger compares the two rows' organization on insert and on every
update of the link (SQLite and PostgreSQL alike). A missing parent is left to the foreign key
(which PostgreSQL checks at commit), so rows can still be loaded in any order.

The triggers follow the models, not the migrations: before `migrate` they are dropped (SQLite
rebuilds a table for many schema changes and a trigger naming a table being rebuilt stops the
rebuild), and after it they are made again for every link the installed models have. A new app's
links are therefore guarded without it doing anything.
"""

from django.apps import apps
from django.db import DatabaseError, connections, transaction

SUFFIX = "_same_org"


def tenant_links():
    """Return (model, field) for every foreign key between two tenant-owned project models."""
    organization = apps.get_model("tenants", "Organization")

    def tenant_owned(model) -> bool:
        try:
            field = model._meta.get_field("organization")
        except Exception:
            return False
        return field.is_relation and field.related_model is organization and not field.null

    links = []
    for model in apps.get_models():
        if not tenant_owned(model):
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.name != "organization" and tenant_owned(field.related_model):
                links.append((model, field))
    return links


def trigger_name(table: str, column: str) -> str:
    return f"{table}_{column}{SUFFIX}"[:63]


def create_sql(vendor: str, table: str, column: str, parent: str) -> list[str]:
    name = trigger_name(table, column)
    condition = (
        f"NEW.{column} IS NOT NULL AND EXISTS (SELECT 1 FROM {parent} "  # noqa: S608 - names from the models
        f"WHERE id = NEW.{column} AND organization_id <> NEW.organization_id)"
    )
    message = f"cross-organization link: {table}.{column}"
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {column}, organization_id ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return [
        f"CREATE TRIGGER {name}_{event.split()[0].lower()} BEFORE {event} ON {table} FOR EACH ROW "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event in ("INSERT", f"UPDATE OF {column}, organization_id")
    ]


def existing_triggers(connection) -> list[tuple[str, str]]:
    """Return (trigger, table) for every link trigger in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
                [f"%{SUFFIX}"],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE %s OR name LIKE %s)",
                [f"%{SUFFIX}_insert", f"%{SUFFIX}_update"],
            )
        return list(cursor.fetchall())


def drop_link_triggers(using: str = "default", **kwargs) -> None:
    """Drop every link trigger (before `migrate`)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for name, table in existing_triggers(connection):
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                cursor.execute(f'DROP FUNCTION IF EXISTS "{name}"()')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def create_link_triggers(using: str = "default", **kwargs) -> None:
    """Make a trigger for every link of the installed models whose tables exist (after `migrate`)."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    tables = set(connection.introspection.table_names())
    drop_link_triggers(using)
    for model, field in tenant_links():
        table, parent = model._meta.db_table, field.related_model._meta.db_table
        if table not in tables or parent not in tables:
            continue
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                for statement in create_sql(connection.vendor, table, field.column, parent):
                    cursor.execute(statement)
        except DatabaseError:  # a column the model has but the database does not have yet (partial migrate)
            continue


_dropped_for: set[str] = set()


def before_migrate(sender, using="default", **kwargs) -> None:
    """pre_migrate is sent once per app: drop the triggers once per run."""
    if using not in _dropped_for:
        _dropped_for.add(using)
        drop_link_triggers(using)


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate is sent once per app: the last one leaves the triggers in place."""
    _dropped_for.discard(using)
    create_link_triggers(using)
