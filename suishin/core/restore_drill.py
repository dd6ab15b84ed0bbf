"""The restore drill: back up, restore into a scratch database, compare every table and every export.

A backup is only known to work once it has been restored. `manage.py restore_drill` does that on the
running system without touching it: the archive goes into a new database created for the drill (and
dropped after), the uploaded files into a temporary folder.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .backup import (
    database_wrapper,
    pg_connect,
)


@contextmanager
def scratch_database(source: BaseDatabaseWrapper | None = None) -> Iterator[BaseDatabaseWrapper]:
    """Yield a connection to a new, empty database beside `source`'s; drop it afterwards.

    PostgreSQL: `CREATE DATABASE suishin_drill_<random>` (the role needs CREATEDB); SQLite: a temporary file.
    """
    source = connections[DEFAULT_DB_ALIAS] if source is None else source
    if source.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="suishin-drill-") as folder:
            wrapper = database_wrapper({**source.settings_dict, "NAME": str(Path(folder) / "drill.sqlite3")})
            try:
                yield wrapper
            finally:
                wrapper.close()
        return
    from psycopg import sql

    name = f"suishin_drill_{secrets.token_hex(6)}"
    with pg_connect(source.settings_dict, dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    wrapper = database_wrapper({**source.settings_dict, "NAME": name})
    try:
        yield wrapper
    finally:
        wrapper.close()
        with pg_connect(source.settings_dict, dbname="postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
