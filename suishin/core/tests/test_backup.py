"""Backups with the database's own snapshot tools: restore checks the archive first and every table after."""

import gzip
import io
import json
import tarfile
import threading
import time

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, connections
from django.urls import reverse

from suishin.core.backup import (
    BackupError,
    RestoreError,
    as_default_database,
    backup_create,
    backup_restore,
    pg_tool,
)
from suishin.core.models import AuditLog
from suishin.core.restore_drill import scratch_database
from suishin.plans.models import RoadmapEntry
from suishin.plans.tests.factories import make_plan
from suishin.tenants.models import Organization
from suishin.tenants.tests.factories import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def table_count(wrapper) -> int:
    return len(wrapper.introspection.table_names())


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "note.txt").write_text("添付")
    return tmp_path / "media"


@pytest.fixture
def archive(tmp_path, media):
    cast = make_cast()
    make_plan(cast.town, measures=6)
    path = tmp_path / "backup.tar.gz"
    backup_create(path)
    return path


def test_backup_then_restore_command_into_an_empty_database(archive, tmp_path, settings):
    """`restore` fills a new database with exactly the snapshot and puts the uploaded files back."""
    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["tables"]["tenants_organization"]["rows"] == 3
    assert "media/uploads/note.txt" in manifest["files"]
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with scratch_database() as target, as_default_database(target):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "一致しています" in out.getvalue()
        assert Organization.objects.count() == 3
        new = Organization.objects.create(kind="municipality", local_government_code="131032", name="港区")
        assert new.pk > max(o.pk for o in Organization.objects.exclude(pk=new.pk))
    assert (tmp_path / "restored-media" / "uploads" / "note.txt").read_text() == "添付"


def test_restore_refuses_a_database_that_is_not_empty(archive):
    tables = table_count(connection)
    with pytest.raises(RestoreError, match="空ではありません"):
        backup_restore(archive)
    assert table_count(connection) == tables
    assert Organization.objects.count() == 3


def test_restore_refuses_a_backup_of_the_other_kind_of_database(archive, tmp_path):
    with tarfile.open(archive) as original, tarfile.open(tmp_path / "other.tar.gz", "w:gz") as other:
        for member in original.getmembers():
            content = original.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["database"]["engine"] = "sqlite" if connection.vendor == "postgresql" else "postgresql"
                content = json.dumps(manifest).encode()
            member.size = len(content)
            other.addfile(member, io.BytesIO(content))
    with scratch_database() as target, pytest.raises(RestoreError, match="export_portable"):
        backup_restore(tmp_path / "other.tar.gz", target=target)


def _rewrite(archive, target, change):
    """Copy `archive` to `target` with `change(name, content)` applied to each member's content."""
    with tarfile.open(archive) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            content = change(member.name, original.extractfile(member).read())
            if content is None:
                continue
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))


def _damage(kind, archive, path):
    data = archive.read_bytes()
    if kind == "cut in half":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "cut before the end":
        path.write_bytes(data[:-20])
    elif kind == "a byte flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "not an archive":
        path.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a backup")
    elif kind == "gzip of garbage":
        path.write_bytes(gzip.compress(b"\x00garbage" * 1000))
    elif kind == "manifest not JSON":
        _rewrite(archive, path, lambda name, c: b'{"kind": "native", "tabl' if name == "manifest.json" else c)
    elif kind == "manifest missing":
        _rewrite(archive, path, lambda name, c: None if name == "manifest.json" else c)
    elif kind == "database changed":
        _rewrite(archive, path, lambda name, c: c[:-10] + b"0123456789" if name.startswith("database.") else c)
    elif kind == "file added":
        with tarfile.open(archive) as original, tarfile.open(path, "w:gz") as copy:
            for member in original.getmembers():
                copy.addfile(member, original.extractfile(member))
            extra = tarfile.TarInfo("media/uploads/extra.txt")
            extra.size = 3
            copy.addfile(extra, io.BytesIO(b"bad"))
    elif kind == "path outside":
        with tarfile.open(archive) as original, tarfile.open(path, "w:gz") as copy:
            extra = tarfile.TarInfo("media/../../evil.txt")
            extra.size = 3
            copy.addfile(extra, io.BytesIO(b"bad"))
            for member in original.getmembers():
                copy.addfile(member, original.extractfile(member))


DAMAGE = [
    "cut in half",
    "cut before the end",
    "a byte flipped",
    "empty",
    "not an archive",
    "gzip of garbage",
    "manifest not JSON",
    "manifest missing",
    "database changed",
    "file added",
    "path outside",
]


def test_a_damaged_archive_gives_a_plain_message_and_leaves_the_target_as_it_was(archive, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with scratch_database() as target, as_default_database(target):
        for kind in DAMAGE:
            damaged = tmp_path / f"damaged-{kind}.tar.gz"
            _damage(kind, archive, damaged)
            with pytest.raises(CommandError) as raised:
                call_command("restore", str(damaged))
            assert table_count(target) == 0, kind
            message = str(raised.value)
            assert message.startswith("復元できませんでした: "), (kind, message)
            assert "Traceback" not in message
            assert any(word in message for word in ("壊れて", "manifest.json", "不正なパス", "合いません")), message
            assert not (tmp_path / "restored-media").exists(), kind
            assert not (tmp_path / "evil.txt").exists(), kind
        call_command("restore", str(archive), "--no-migrate", verbosity=0)  # the undamaged one still restores
        assert Organization.objects.count() == 3


def test_a_backup_that_fails_leaves_no_archive(tmp_path, monkeypatch):
    """A half-written archive is never left under the real name."""
    import suishin.core.backup as backup

    def broken(*args, **kwargs):
        raise BackupError("テスト用の失敗")

    monkeypatch.setattr(backup, "sqlite_fingerprints" if connection.vendor == "sqlite" else "pg_fingerprints", broken)
    with pytest.raises(BackupError):
        backup_create(tmp_path / "b.tar.gz")
    assert list(tmp_path.iterdir()) == []


def test_a_pg_client_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    tool = tmp_path / "pg_dump"
    tool.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.11'\n")
    tool.chmod(0o755)
    monkeypatch.setenv("POSTGRES_BIN_DIR", str(tmp_path))
    with pytest.raises(BackupError, match="postgresql-client-15"):
        pg_tool("pg_dump", "15.20")
    assert pg_tool("pg_dump", "14.2") == (str(tool), "14.11")


def _retrying(query):
    """Run `query`, again while SQLite's shared in-memory test database says a table is locked."""
    for _ in range(1000):
        try:
            return query()
        except OperationalError:
            time.sleep(0.002)
    return query()


def test_a_backup_taken_while_people_save_is_one_snapshot(tmp_path, media):
    """Rows written during the backup are either all in it or not at all: the restore verifies."""
    cast = make_cast()
    make_plan(cast.town, measures=3)
    stop = threading.Event()
    written = []
    errors = []

    def save_continuously():
        try:
            while not stop.is_set():
                try:
                    AuditLog.objects.create(organization=cast.town.organization, verb="concurrent.save")
                    written.append(1)
                except Exception as error:  # SQLite's shared in-memory test database locks tables  # noqa: BLE001
                    errors.append(error)
                    time.sleep(0.001)
        finally:
            connections.close_all()

    writer = threading.Thread(target=save_continuously)
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        before = _retrying(AuditLog.objects.count)
        manifest = backup_create(tmp_path / "during.tar.gz")
        after = _retrying(AuditLog.objects.count)
        time.sleep(0.05)
    finally:
        stop.set()
        writer.join()
    assert before <= manifest["tables"]["core_auditlog"]["rows"] <= after
    assert len(written) > 20
    with scratch_database() as target:
        result = backup_restore(tmp_path / "during.tar.gz", target=target, media_root=tmp_path / "m2")
    assert result.manifest["tables"]["core_auditlog"] == manifest["tables"]["core_auditlog"]


def test_a_stored_control_character_breaks_neither_the_roadmap_export_nor_the_backup(client, tmp_path, media):
    """A span label stored with a vertical tab (as Word pastes a line break) exports and backs up."""
    cast = make_cast()
    plan = make_plan(cast.town, measures=2)
    measure = plan.measures.first()
    RoadmapEntry.objects.create(
        organization=plan.organization,
        measure=measure,
        label="窓口\x0b予約\x01 ",
        start_fy=plan.start_fy,
        end_fy=plan.start_fy,
    )
    measure.title = "=HYPERLINK(\x0c)"
    measure.save()
    client.force_login(cast.town.users["secretariat"])
    response = client.get(reverse("plans:roadmap_export", args=[plan.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "窓口予約 " in values
    assert "'=HYPERLINK()" in values
    path = tmp_path / "backup.tar.gz"
    backup_create(path)
    with scratch_database() as target:
        backup_restore(path, target=target, media_root=tmp_path / "m2")
        with as_default_database(target):
            assert RoadmapEntry.objects.filter(label="窓口\x0b予約\x01 ").exists()
