"""The restore drill: back up, restore into a scratch database, compare every table and every export.

A backup is only known to work once it has been restored. `manage.py restore_drill` does that on the
running system without touching it: the archive goes into a new database created for the drill (and
dropped after), the uploaded files into a temporary folder.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .backup import (
    as_default_database,
    backup_create,
    backup_restore,
    database_wrapper,
    pg_connect,
    pg_fingerprints,
    sqlite_copy,
    sqlite_fingerprints,
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


def current_fingerprints(wrapper: BaseDatabaseWrapper, workdir: Path) -> dict[str, dict]:
    """Return every table's count and checksum as the manifest computes them, for the database now."""
    if wrapper.vendor == "sqlite":
        copy = workdir / f"now-{secrets.token_hex(4)}.sqlite3"
        wrapper.ensure_connection()
        sqlite_copy(wrapper.connection, copy)
        try:
            return sqlite_fingerprints(copy)
        finally:
            copy.unlink()
    with pg_connect(wrapper.settings_dict) as db:
        found = pg_fingerprints(db)
        db.rollback()
    return found


def workbook_differences(expected, found, where: str) -> list[str]:
    """Compare two openpyxl workbooks cell by cell: values, number formats, merged ranges, sheet names."""
    differences = []
    if expected.sheetnames != found.sheetnames:
        return [f"{where}: シート名 {expected.sheetnames} ≠ {found.sheetnames}"]
    for name in expected.sheetnames:
        a, b = expected[name], found[name]
        if {str(r) for r in a.merged_cells.ranges} != {str(r) for r in b.merged_cells.ranges}:
            differences.append(f"{where} {name}: 結合セルが違います")
        if (a.max_row, a.max_column) != (b.max_row, b.max_column):
            differences.append(f"{where} {name}: 大きさ {a.max_row}×{a.max_column} ≠ {b.max_row}×{b.max_column}")
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=False):
            for cell_a, cell_b in zip(row_a, row_b, strict=False):
                if (cell_a.value, cell_a.number_format) != (cell_b.value, cell_b.number_format):
                    differences.append(
                        f"{where} {name}!{cell_a.coordinate}: {cell_a.value!r} ({cell_a.number_format}) ≠ "
                        f"{cell_b.value!r} ({cell_b.number_format})"
                    )
    return differences


def _exports() -> dict[str, object]:
    """Return every registered Excel export of every object of the current default database, by name
    (the 工程表 of every plan, and whatever other apps register)."""
    import openpyxl
    from django.apps import apps

    from suishin.core.registry import exports

    found = {}
    for export in exports:
        if export.file_format != "xlsx" or export.render is None:
            continue
        for obj in apps.get_model(export.for_kind)._base_manager.order_by("pk"):
            found[f"{export.label} {export.for_kind} {obj.pk}"] = openpyxl.load_workbook(io.BytesIO(export.render(obj)))
    return found


def _files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@dataclass
class DrillReport:
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    exports: int = 0
    seconds: float = 0.0
    changed_since_backup: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def restore_drill(archive: Path | None = None) -> DrillReport:
    """Back up (or take `archive`), restore into a scratch database, and compare tables, exports and files.

    Raises BackupError when the restore itself fails; returns the report otherwise. When the live data
    changed after the backup (people saving), the tables that changed are listed and the exports are not
    compared, since they would differ for that reason alone.
    """
    started = time.monotonic()
    source = connections[DEFAULT_DB_ALIAS]
    report = DrillReport()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="suishin-drill-") as folder:
        work = Path(folder)
        if archive is None:
            archive = work / "drill.tar.gz"
            backup_create(archive, media_root=media_root)
        with scratch_database(source) as target:
            result = backup_restore(archive, target=target, media_root=work / "media")
            report.tables, report.rows, report.media_files = (
                len(result.manifest["tables"]),
                result.rows,
                result.media_files,
            )
            now = current_fingerprints(source, work)
            report.changed_since_backup = sorted(
                t for t in set(now) | set(result.manifest["tables"]) if now.get(t) != result.manifest["tables"].get(t)
            )
            expected_media = {
                name.removeprefix("media/"): entry["sha256"]
                for name, entry in result.manifest["files"].items()
                if name.startswith("media/")
            }
            if _files(work / "media") != expected_media:
                report.differences.append("アップロードされたファイルが復元後と一致しません")
            if not report.changed_since_backup:
                expected = _exports()
                with as_default_database(target):
                    found = _exports()
                report.exports = len(expected)
                if set(expected) != set(found):
                    report.differences.append(f"書き出しの数が違います: {sorted(expected)} ≠ {sorted(found)}")
                for name in sorted(set(expected) & set(found)):
                    report.differences += workbook_differences(expected[name], found[name], name)
    report.seconds = time.monotonic() - started
    return report
