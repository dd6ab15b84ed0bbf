"""Restore drill: a database that has lived is backed up, restored into an empty one, and compared in full."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from suishin.core.backup import as_default_database, backup_create, backup_restore
from suishin.core.restore_drill import current_fingerprints, restore_drill, scratch_database, workbook_differences
from suishin.core.tests.dataset import AWKWARD_LABEL, FAILED_TRACEBACK, every_kind_of_object, models_with_text
from suishin.plans.models import Plan, PlanRevision, RoadmapEntry
from suishin.plans.spreadsheets import roadmap_xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lived_in(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "工程表.xlsx").write_bytes(b"PK\x03\x04 upload")
    return every_kind_of_object()


def workbooks():
    return {p.pk: openpyxl.load_workbook(io.BytesIO(roadmap_xlsx_bytes(p))) for p in Plan.objects.order_by("pk")}


def test_the_drill_restores_every_table_export_and_file(lived_in, tmp_path):
    """The command backs up, restores into a scratch database, compares, and drops the scratch database."""
    out = io.StringIO()
    call_command("restore_drill", stdout=out)
    assert "問題ありません" in out.getvalue()
    exports = Plan.objects.count() + PlanRevision.objects.count()  # 工程表 and 新旧対照表, the registered Excel files
    assert f"ファイル 1 個、書き出し {exports} 件" in out.getvalue()
    assert "更新された" not in out.getvalue()


def test_the_drill_of_a_given_archive_notices_later_changes(lived_in, tmp_path):
    backup_create(tmp_path / "last-night.tar.gz")
    RoadmapEntry.objects.filter(label=AWKWARD_LABEL).update(label="夜のあとで変更")
    report = restore_drill(tmp_path / "last-night.tar.gz")
    assert report.ok
    assert report.changed_since_backup == ["plans_roadmapentry"]
    assert report.exports == 0


def test_the_restored_copy_equals_the_original_table_by_table_and_cell_by_cell(lived_in, tmp_path):
    """Checked here directly as well, so that the drill's own comparison is not the only witness."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    archive = tmp_path / "b.tar.gz"
    backup_create(archive)
    before = current_fingerprints(connection, tmp_path)
    assert all(before[m._meta.db_table]["rows"] for m in models_with_text())
    expected = workbooks()
    with scratch_database() as target:
        backup_restore(archive, target=target, media_root=tmp_path / "restored")
        assert current_fingerprints(target, tmp_path) == before
        with as_default_database(target):
            found = workbooks()
            assert DBTaskResult.objects.get().traceback == FAILED_TRACEBACK
            assert RoadmapEntry.objects.filter(label=AWKWARD_LABEL).exists()
    assert set(found) == set(expected)
    for pk, workbook in expected.items():
        assert workbook_differences(workbook, found[pk], f"plan {pk}") == []
        sheet = workbook.active
        assert sheet.merged_cells.ranges, "the 工程表 has spans as merged cells"
    assert (tmp_path / "restored" / "imports" / "工程表.xlsx").read_bytes() == b"PK\x03\x04 upload"


def test_the_drill_reports_a_difference_in_an_export(lived_in, monkeypatch):
    """A restored copy whose 工程表 differs fails the drill with the cell named."""
    import suishin.core.restore_drill as drill

    original = drill._exports
    calls = []

    def exports_with_one_change():
        result = original()
        calls.append(1)
        if len(calls) == 2:  # the restored copy's
            next(iter(result.values())).active["C3"] = "書き換え"
        return result

    monkeypatch.setattr(drill, "_exports", exports_with_one_change)
    with pytest.raises(CommandError, match="C3"):
        call_command("restore_drill", stdout=io.StringIO())
