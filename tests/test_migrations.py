"""Migrations apply forwards and backwards on the database under test (SQLite or PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PROJECT_APPS = ["core", "tenants", "plans", "notices"]


@pytest.mark.django_db(transaction=True)
def test_every_project_migration_is_reversible():
    executor = MigrationExecutor(connection)
    leaves = {app: executor.loader.graph.leaf_nodes(app) for app in PROJECT_APPS}
    for app in reversed(PROJECT_APPS):
        call_command("migrate", app, "zero", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert not any(t.startswith(("plans_", "tenants_", "core_")) for t in tables)
    call_command("migrate", verbosity=0)
    executor = MigrationExecutor(connection)
    for nodes in leaves.values():
        for node in nodes:
            assert node in executor.loader.applied_migrations
    assert "plans_measure" in set(connection.introspection.table_names())
