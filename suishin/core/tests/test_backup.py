"""Backup and restore drill: dump, empty the database, restore, compare row counts and checksums."""

import pytest
from django.core.management import call_command

from suishin.core.backup import RestoreError, backup_create, backup_restore, table_fingerprints
from suishin.plans.models import Measure
from suishin.tenants.models import Organization


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database(tmp_path, settings):
    from suishin.plans.tests.factories import make_plan
    from suishin.tenants.tests.factories import make_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "note.txt").write_text("添付")
    cast = make_cast()
    make_plan(cast.town, measures=6)
    before = table_fingerprints()
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)

    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "uploads" / "note.txt").unlink()
    assert not Organization.objects.exists()

    call_command("restore", str(archive), verbosity=0)
    assert table_fingerprints() == before
    assert Measure.objects.count() == 6
    assert (tmp_path / "media" / "uploads" / "note.txt").read_text() == "添付"
    new = Organization.objects.create(kind="municipality", local_government_code="131032", name="港区")
    assert new.pk > max(o.pk for o in Organization.objects.exclude(pk=new.pk))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    from suishin.tenants.tests.factories import make_cast

    make_cast()
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    with pytest.raises(RestoreError):
        backup_restore(archive)


@pytest.mark.django_db(transaction=True)
def test_times_keep_their_microseconds(tmp_path):
    """Django's JSON keeps only milliseconds; a backup must give back exactly what it took."""
    import datetime as dt

    from suishin.core.models import AuditLog

    entry = AuditLog.objects.create(verb="x")
    AuditLog._base_manager.filter(pk=entry.pk).update(created_at=dt.datetime(2024, 5, 1, 9, 0, 0, 512, tzinfo=dt.UTC))
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    call_command("flush", interactive=False, verbosity=0)
    backup_restore(archive)
    assert AuditLog.objects.get(pk=entry.pk).created_at.microsecond == 512
