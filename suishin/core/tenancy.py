"""The queryset every tenant-owned model uses: views narrow it to the user's organization."""

from django.db import models
from django.db.migrations.operations.base import Operation


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization) -> "TenantQuerySet":
        """Narrow to the rows of `organization` (an Organization or its id; None matches nothing)."""
        if organization is None:
            return self.none()
        return self.filter(organization_id=getattr(organization, "pk", organization))


TenantManager = models.Manager.from_queryset(TenantQuerySet)


def link_trigger_name(table: str, column: str) -> str:
    return f"{table}_{column}_same_org"[:63]


def link_trigger_sql(vendor: str, table: str, column: str, parent: str) -> list[str]:
    """Return the statements that make the database refuse a link from `table` to another organization's row.

    Django 5.2 has no composite foreign keys, so a trigger compares the two rows' organization on
    every insert and on every update of the link. A missing parent is left to the foreign key (which
    PostgreSQL checks at commit), so loading rows in any order still works.
    """
    name = link_trigger_name(table, column)
    condition = (
        f"NEW.{column} IS NOT NULL AND EXISTS (SELECT 1 FROM {parent} "  # noqa: S608 - names from the models
        f"WHERE id = NEW.{column} AND organization_id <> NEW.organization_id)"
    )
    message = f"cross-organization link: {table}.{column}"
    if vendor == "postgresql":
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            f"END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {column}, organization_id ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {name}_{event.split()[0].lower()} BEFORE {event} ON {table} FOR EACH ROW "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for event in ("INSERT", f"UPDATE OF {column}, organization_id")
        ]
    raise NotImplementedError(vendor)


def drop_link_trigger_sql(vendor: str, table: str, column: str) -> list[str]:
    name = link_trigger_name(table, column)
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return [f"DROP TRIGGER IF EXISTS {name}_insert", f"DROP TRIGGER IF EXISTS {name}_update"]


class SameOrganizationLinks(Operation):
    """Migration operation: the database refuses links from `model_name`'s `fields` to another organization.

    On SQLite, Django rebuilds a table for many schema changes and its triggers go with it: a
    migration that alters such a table adds this operation again (tests/test_tenant_schema.py
    fails while a link is unguarded).
    """

    reversible = True

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        pass

    def _links(self, app_label, state):
        model = state.apps.get_model(app_label, self.model_name)
        for field_name in self.fields:
            field = model._meta.get_field(field_name)
            yield model._meta.db_table, field.column, field.related_model._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        for table, column, parent in self._links(app_label, to_state):
            for statement in drop_link_trigger_sql(vendor, table, column) + link_trigger_sql(
                vendor, table, column, parent
            ):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        vendor = schema_editor.connection.vendor
        for table, column, _parent in self._links(app_label, from_state):
            for statement in drop_link_trigger_sql(vendor, table, column):
                schema_editor.execute(statement)

    def describe(self):
        return f"Refuse links from {self.model_name}.{', '.join(self.fields)} to another organization"
