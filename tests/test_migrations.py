"""Migrations apply forwards and backwards on the database under test (SQLite or PostgreSQL)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Every app of the project that has migrations, in INSTALLED_APPS order (which follows their
# dependencies): a new app is covered without an edit here.
PROJECT_APPS = [
    config.label
    for config in apps.get_app_configs()
    if config.name.startswith(("suishin.", "tests.")) and (Path(config.path) / "migrations").is_dir()
]


@pytest.mark.django_db(transaction=True)
def test_every_project_migration_is_reversible():
    executor = MigrationExecutor(connection)
    leaves = {app: executor.loader.graph.leaf_nodes(app) for app in PROJECT_APPS}
    for app in reversed(PROJECT_APPS):
        call_command("migrate", app, "zero", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert not any(t.startswith(tuple(f"{app}_" for app in PROJECT_APPS)) for t in tables)
    call_command("migrate", verbosity=0)
    executor = MigrationExecutor(connection)
    for nodes in leaves.values():
        for node in nodes:
            assert node in executor.loader.applied_migrations
    assert "plans_measure" in set(connection.introspection.table_names())
