"""Backups a town can restore: the database's own snapshot tools, uploaded files, and a manifest.

An archive (`.tar.gz`) holds
- `database.pgdump` (PostgreSQL: `pg_dump -Fc`) or `database.sqlite3` (SQLite: its online backup API),
- `media/…`, the uploaded files,
- `manifest.json`, last: the size and SHA-256 of every other member, and each table's row count and
  checksum, taken from the very snapshot that was dumped.

On PostgreSQL one REPEATABLE READ transaction exports its snapshot (`pg_export_snapshot()`), `pg_dump
--snapshot` dumps exactly that snapshot, and the counts and checksums are computed in the same
transaction while it is still open; on SQLite they are computed from the backup copy itself. So the
manifest describes the data in the archive even while people keep saving.

`restore` reads the whole archive and checks every member against the manifest before it touches the
target database, refuses a target that already has tables, restores (`pg_restore --single-transaction`,
or SQLite's backup API into the target), then compares every table with the manifest again.

Moving between SQLite and PostgreSQL is a different job: `export_portable` / `import_portable`
(`suishin/core/portable.py`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT = 2
MANIFEST = "manifest.json"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is for the operator, in Japanese."""


class RestoreError(BackupError):
    pass


# --- archives ------------------------------------------------------------------------------------


class _HashingReader:
    """A file wrapper that hashes what is read through it (tarfile reads exactly `size` bytes)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, name: str, source: Path, files: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = source.stat().st_size  # a file that grows while copied is cut at this size, and hashed as cut
    info.mtime = int(source.stat().st_mtime)
    info.mode = 0o600
    with source.open("rb") as raw:
        reader = _HashingReader(raw)
        archive.addfile(info, reader)
    files[name] = {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


def write_archive(path: Path, members: dict[str, Path], manifest: dict, media_root: Path | None) -> dict:
    """Write `members` (archive name → file), the files under `media_root`, then the manifest, to `path`.

    The archive is written beside `path` and renamed into place when complete, so a backup that fails
    half-way never leaves a file that looks like a backup.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    files: dict[str, dict] = {}
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            for name, source in members.items():
                _add_file(archive, name, source, files)
            if media_root is not None and media_root.is_dir():
                for source in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
                    _add_file(archive, "media/" + source.relative_to(media_root).as_posix(), source, files)
            manifest = {**manifest, "files": files}
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _member_path(name: str) -> PurePosixPath:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise RestoreError(f"バックアップファイルに不正なパスがあります: {name}")
    return relative


def read_archive(path: Path, workdir: Path, kind: str) -> dict:
    """Unpack the archive at `path` into `workdir` and check every member against its manifest.

    Return the manifest. Any damage (a cut-off or corrupted file, a member missing, changed or added)
    raises `RestoreError` with a plain message; nothing outside `workdir` is touched.
    """
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"バックアップファイルが見つかりません: {path}")
    found: dict[str, dict] = {}
    manifest_bytes = None
    try:
        # gzip itself, not tarfile, so that the CRC and length at the very end are checked too.
        with gzip.open(path, "rb") as compressed, tarfile.open(fileobj=compressed, mode="r|") as archive:
            for member in archive:
                relative = _member_path(member.name)
                if not member.isfile():
                    raise RestoreError(f"バックアップファイルに通常のファイルでない項目があります: {member.name}")
                source = archive.extractfile(member)
                assert source is not None  # a regular file (checked above) always has a stream
                if member.name == MANIFEST:
                    manifest_bytes = source.read()
                    continue
                target = workdir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
            while compressed.read(CHUNK):
                pass
    except RestoreError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise RestoreError(
            "バックアップファイルが壊れているか、途中で切れています（コピーや転送が最後まで終わっていない可能性があります）。"
            f"復元先には何もしていません。 ({type(error).__name__}: {error})"
        ) from None
    if manifest_bytes is None:
        raise RestoreError(
            "バックアップファイルに manifest.json がありません（途中で切れているか、別の種類のファイルです）。"
        )
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise RestoreError(f"バックアップファイルの manifest.json が読めません。 ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != kind or manifest.get("format") != FORMAT:
        other = {"native": "`restore`", "portable": "`import_portable`"}.get(
            manifest.get("kind", "") if isinstance(manifest, dict) else ""
        )
        hint = f"{other} で読み込むファイルです。" if other else "この版の Suishin のバックアップではありません。"
        raise RestoreError(f"バックアップファイルの種類が違います。{hint}")
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("tables"), dict):
        raise RestoreError("バックアップファイルの manifest.json が不完全です。")
    if found != manifest["files"]:
        expected = manifest["files"]
        differing = sorted(set(found) ^ set(expected) | {n for n in found if found[n] != expected.get(n)})
        raise RestoreError(
            "バックアップファイルの中身が manifest.json と合いません（壊れているか、書き換えられています）: "
            + ", ".join(differing[:10])
            + "。復元先には何もしていません。"
        )
    return manifest


def restore_media(workdir: Path, media_root: Path) -> int:
    """Copy the unpacked `media/` files into `media_root`; return how many."""
    source_root = workdir / "media"
    if not source_root.is_dir():
        return 0
    count = 0
    for source in source_root.rglob("*"):
        if source.is_file():
            target = media_root / source.relative_to(source_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            count += 1
    return count


# --- the database ---------------------------------------------------------------------------------


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"このデータベース ({connection.vendor}) のバックアップには対応していません。")
    return connection.vendor


def database_wrapper(settings_dict: dict, alias: str = DEFAULT_DB_ALIAS) -> BaseDatabaseWrapper:
    """Return a new Django connection (not registered anywhere) to the database of `settings_dict`."""
    from django.db.utils import load_backend

    backend = load_backend(settings_dict["ENGINE"])
    full = {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {},
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {"CHARSET": None, "COLLATION": None, "MIGRATE": True, "MIRROR": None, "NAME": None},
        **settings_dict,
    }
    return backend.DatabaseWrapper(full, alias)


@contextmanager
def as_default_database(wrapper: BaseDatabaseWrapper) -> Iterator[None]:
    """Run the ORM against `wrapper` for the duration (this thread only), e.g. to export from a restored copy."""
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = original


# SQLite ---------------------------------------------------------------------------------------------


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows]


def sqlite_fingerprints(file: Path) -> dict[str, dict]:
    """Return each table's row count and checksum, read from the SQLite file `file` with plain sqlite3.

    A checksum is over the sorted hashes of the rows' values as stored, so it does not depend on the
    order rows come in, nor on the type converters a Django connection adds.
    """
    db = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        result = {}
        for table in _sqlite_tables(db):
            quoted = '"' + table.replace('"', '""') + '"'
            hashes = sorted(
                hashlib.sha256(repr(tuple(row)).encode("utf-8", "surrogatepass")).hexdigest()
                # A table name read from sqlite_master, quoted: not user input.
                for row in db.execute(f"SELECT * FROM {quoted}")  # noqa: S608  # nosec B608
            )
            result[table] = {"rows": len(hashes), "sha256": hashlib.sha256("".join(hashes).encode()).hexdigest()}
        return result
    finally:
        db.close()


def sqlite_copy(source: sqlite3.Connection, file: Path) -> None:
    """Copy the database behind `source` into `file` in one step of the online backup API (one snapshot)."""
    target = sqlite3.connect(file)
    try:
        source.backup(target)
    finally:
        target.close()


def _sqlite_table_count(connection: BaseDatabaseWrapper) -> int:
    return len(connection.introspection.table_names())


# PostgreSQL -------------------------------------------------------------------------------------

PG_OPTION_KEYS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslpassword",
    "connect_timeout",
    "options",
    "service",
    "passfile",
    "application_name",
    "target_session_attrs",
}


def pg_conninfo(settings_dict: dict, dbname: str | None = None) -> tuple[str, dict]:
    """Return a libpq connection string without the password, and the environment that carries it."""
    from psycopg.conninfo import make_conninfo

    params = {
        "dbname": dbname or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    params.update({k: str(v) for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in PG_OPTION_KEYS})
    env = dict(os.environ)  # libpq's own variables (PGSSLROOTCERT, …) apply to the tools as to the app
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return make_conninfo(**{k: v for k, v in params.items() if v is not None}), env


def pg_connect(settings_dict: dict, dbname: str | None = None, **kwargs):
    import psycopg

    conninfo, _env = pg_conninfo(settings_dict, dbname)
    return psycopg.connect(conninfo, password=settings_dict.get("PASSWORD") or None, **kwargs)


# Fix how rows turn into text, so that a checksum taken on one server is the one found on another.
PG_STABLE_OUTPUT = [
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 3",
    "SET bytea_output = 'hex'",
]


def pg_fingerprints(db) -> dict[str, dict]:
    """Return each table's row count and checksum, computed by the server in `db`'s current transaction."""
    from psycopg import sql

    for statement in PG_STABLE_OUTPUT:
        db.execute(statement)
    tables = db.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' ORDER BY 1, 2"
    ).fetchall()
    result = {}
    for schema, table in tables:
        query = sql.SQL(
            "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '')"
            " FROM (SELECT md5(t::text) AS h FROM {} t) s"
        ).format(sql.Identifier(schema, table))
        rows, digest = db.execute(query).fetchone()
        result[table if schema == "public" else f"{schema}.{table}"] = {"rows": rows, "md5": digest}
    return result


def pg_server_version(db) -> str:
    return db.execute("SHOW server_version").fetchone()[0].split()[0]


def _major(version: str) -> int:
    found = re.match(r"\d+", version)
    if found is None:
        raise ValueError(f"not a version: {version!r}")
    return int(found.group())


def pg_tool(name: str, server_version: str) -> tuple[str, str]:
    """Return the path of `name` (pg_dump, pg_restore) and its version, preferring the server's major.

    Looks in `POSTGRES_BIN_DIR` (environment or setting), then Debian's /usr/lib/postgresql/<major>/bin,
    then PATH. A tool older than the server cannot read it, so that is refused with what to install.
    """
    major = _major(server_version)
    candidates = []
    bin_dir = os.environ.get("POSTGRES_BIN_DIR") or getattr(settings, "POSTGRES_BIN_DIR", None)
    if bin_dir:
        candidates.append(Path(bin_dir) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            output = subprocess.run(  # noqa: S603  # nosec B603
                [str(candidate), "--version"], capture_output=True, text=True, check=False
            ).stdout
            match = re.search(r"(\d+(?:\.\d+)*)", output)
            if not match:
                continue
            version = match.group(1)
            if _major(version) < major:
                raise BackupError(
                    f"{name} {version} はデータベースサーバー {server_version} より古く使えません。"
                    f"PostgreSQL {major} 以上のクライアント（Debian: postgresql-client-{major}）を入れるか、"
                    "POSTGRES_BIN_DIR でその bin ディレクトリを指定してください。"
                )
            return str(candidate), version
    raise BackupError(
        f"{name} が見つかりません。PostgreSQL {major} のクライアント（Debian: postgresql-client-{major}）を入れるか、"
        "POSTGRES_BIN_DIR でその bin ディレクトリを指定してください。"
    )


def _run_tool(arguments: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    # A list built here (the tool found by pg_tool, fixed options, our own paths), never a shell.
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{what} が失敗しました (終了コード {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _pg_user_table_count(db) -> int:
    return db.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
    ).fetchone()[0]


# --- backup and restore ----------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")


def backup_create(path: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None) -> dict:
    """Write a backup of database `using` and the uploaded files to `path`; return its manifest."""
    connection = connections[using]
    engine = engine_of(connection)
    media = Path(settings.MEDIA_ROOT) if media_root is None else media_root
    with tempfile.TemporaryDirectory(prefix="suishin-backup-") as workdir:
        dump = Path(workdir) / DUMP_NAMES[engine]
        if engine == "sqlite":
            connection.ensure_connection()
            sqlite_copy(connection.connection, dump)
            manifest = {"tables": sqlite_fingerprints(dump), "database": {"engine": engine}}
        else:
            tables: dict[str, dict] = {}
            database = _pg_dump(connection.settings_dict, dump, tables)
            manifest = {"tables": tables, "database": database}
        manifest = {"kind": "native", "format": FORMAT, "created_at": _now(), **manifest}
        return write_archive(path, {DUMP_NAMES[engine]: dump}, manifest, media)


def _pg_dump(settings_dict: dict, dump: Path, tables: dict) -> dict:
    """Dump one snapshot into `dump` (custom format) and fill `tables` from that same snapshot."""
    from psycopg import IsolationLevel

    with pg_connect(settings_dict) as db:
        db.isolation_level = IsolationLevel.REPEATABLE_READ
        db.read_only = True
        server_version = pg_server_version(db)
        tool, tool_version = pg_tool("pg_dump", server_version)
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        conninfo, env = pg_conninfo(settings_dict)
        # While this transaction stays open, pg_dump can adopt its snapshot.
        _run_tool(
            [tool, "--format=custom", f"--snapshot={snapshot}", "--no-sync", f"--file={dump}", f"--dbname={conninfo}"],
            env,
            "pg_dump",
        )
        tables.update(pg_fingerprints(db))
        db.rollback()
    return {"engine": "postgresql", "server_version": server_version, "pg_dump_version": tool_version}


@dataclass
class RestoreResult:
    manifest: dict
    media_files: int

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def backup_restore(
    path: Path, *, target: BaseDatabaseWrapper | None = None, media_root: Path | None = None
) -> RestoreResult:
    """Restore the archive at `path` into the empty database `target` (default: the configured one).

    Checks the archive before touching anything, and every table's count and checksum after.
    """
    target = connections[DEFAULT_DB_ALIAS] if target is None else target
    engine = engine_of(target)
    media = Path(settings.MEDIA_ROOT) if media_root is None else media_root
    with tempfile.TemporaryDirectory(prefix="suishin-restore-") as workdir:
        work = Path(workdir)
        manifest = read_archive(path, work, "native")
        source_engine = (manifest.get("database") or {}).get("engine")
        if source_engine != engine:
            raise RestoreError(
                f"このバックアップは {source_engine} のもので、復元先は {engine} です。"
                "データベースの種類を移るときは export_portable / import_portable を使ってください。"
            )
        dump = work / DUMP_NAMES[engine]
        if engine == "sqlite":
            if sqlite_fingerprints(dump) != manifest["tables"]:
                raise RestoreError(
                    "バックアップ内のデータベースが manifest.json と合いません。復元先には何もしていません。"
                )
            _refuse_unless_empty(_sqlite_table_count(target), target.settings_dict)
            target.ensure_connection()
            source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            try:
                source.backup(target.connection)
            finally:
                source.close()
            check = work / "restored.sqlite3"
            sqlite_copy(target.connection, check)
            found = sqlite_fingerprints(check)
        else:
            found = _pg_restore(manifest, dump, target.settings_dict)
        _compare(manifest["tables"], found)
        media_files = restore_media(work, media)
    return RestoreResult(manifest, media_files)


def _refuse_unless_empty(tables: int, settings_dict: dict) -> None:
    if tables:
        raise RestoreError(
            f"復元先のデータベース {settings_dict['NAME']} は空ではありません"
            f"（テーブルが {tables} 個あります）。新しい空のデータベースを作り（PostgreSQL: createdb）、"
            "migrate をせずに restore してください。何も変更していません。"
        )


def _pg_restore(manifest: dict, dump: Path, settings_dict: dict) -> dict:
    database = manifest.get("database") or {}
    with pg_connect(settings_dict, autocommit=True) as db:
        server_version = pg_server_version(db)
        if _major(server_version) < _major(database.get("server_version", "0")):
            raise RestoreError(
                f"復元先のサーバー {server_version} はバックアップ元 {database['server_version']} より古く、"
                "復元できません。同じか新しい版の PostgreSQL に復元してください。"
            )
        needed = max(server_version, database.get("pg_dump_version", "0"), key=_major)
        tool, tool_version = pg_tool("pg_restore", needed)
        conninfo, env = pg_conninfo(settings_dict)
        _run_tool([tool, "--list", str(dump)], env, "pg_restore --list（バックアップの目録の確認）")
        _refuse_unless_empty(_pg_user_table_count(db), settings_dict)
    _run_tool(
        [
            tool,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env,
        f"pg_restore {tool_version}（失敗したので復元先は変わっていません）",
    )
    with pg_connect(settings_dict) as db:
        found = pg_fingerprints(db)
        db.rollback()
    return found


def _compare(expected: dict, found: dict) -> None:
    if found == expected:
        return
    differing = [
        f"{table}（バックアップ {expected.get(table, {}).get('rows', 'なし')} 行、"
        f"復元後 {found.get(table, {}).get('rows', 'なし')} 行）"
        for table in sorted(set(expected) | set(found))
        if found.get(table) != expected.get(table)
    ]
    raise RestoreError(
        "復元したデータがバックアップと一致しません: "
        + "、".join(differing[:10])
        + "。この復元先は使わず、削除してください。"
    )
