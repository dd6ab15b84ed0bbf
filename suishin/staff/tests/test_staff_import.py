"""The staff register's import: every bad row reported and nothing saved; a re-import updates by 職員番号
and keeps a move as history."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from suishin.core.models import AuditLog, Job
from suishin.staff.models import Person, Rank, StaffMove
from suishin.staff.services import staff_import_apply
from suishin.staff.staff_import import STAFF_TABLE, parse_staff_grid, staff_template, staff_xlsx_bytes
from suishin.tabular.tables import table_csv_bytes
from suishin.tabular.uploads import read_table_grid

HEADER = [str(c.header) for c in STAFF_TABLE.columns]


def csv_of(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def row(number, name, department, rank="主事", level="2", head="", moved="", email="", left=""):
    return [number, name, "", department, rank, level, head, moved, email, left]


def apply_file(town, data):
    imported = parse_staff_grid(town.organization, read_table_grid(data))
    assert imported.problems == [], [str(p) for p in imported.problems]
    return staff_import_apply(actor=town.actor("admin"), organization=town.organization, imported=imported)


def test_every_bad_row_is_reported_and_nothing_is_saved(cast):
    town = cast.town
    data = csv_of(
        [
            row("1001", "佐藤 一郎", "上里町第1課"),
            row("1002", "", "上里町第1課"),  # no name
            row("1003", "鈴木 花子", "存在しない課"),
            row("1004", "高橋 誠", "上里町第2課", rank="社長"),
            row("1005", "田中 恵", "上里町第2課", level="九"),
            row("1001", "重複 太郎", "上里町第2課"),
            row("1006", "伊藤 亮", "上里町第2課", head="たぶん", email="not-mail"),
            row("1007", "山田 彩", "美里町第1課"),  # another town's department
        ]
    )
    imported = parse_staff_grid(town.organization, read_table_grid(data))
    rows_with_problems = {p.row for p in imported.problems}
    assert rows_with_problems == {2, 3, 4, 5, 6, 7, 8, 9}
    text = "\n".join(str(p) for p in imported.problems)
    for expected in ("氏名が空です", "存在しない課", "社長", "九", "重複", "たぶん", "not-mail", "美里町第1課"):
        assert expected in text
    with pytest.raises(ValueError):
        staff_import_apply(actor=town.actor("admin"), organization=town.organization, imported=imported)
    assert Person.objects.count() == 0 and StaffMove.objects.count() == 0


def test_a_re_import_updates_by_staff_number_and_keeps_each_move(cast):
    town = cast.town
    first = apply_file(
        town,
        csv_of(
            [
                row("1001", "佐藤 一郎", "上里町第1課", "主任", "3", moved="2023-04-01"),
                row("1002", "鈴木 花子", "上里町第2課"),
            ]
        ),
    )
    assert first == {"created": 2, "updated": 0, "moves": 2, "unchanged": 0}
    assert set(Rank.objects.for_organization(town.organization).values_list("name", flat=True)) >= {"部長", "主事"}
    second = apply_file(
        town,
        csv_of(
            [
                row("1001", "佐藤 一郎", "上里町第2課", "主査", "4", head="○", moved="2024-04-01"),
                row("1002", "鈴木 花子", "上里町第2課"),
                row("1003", "高橋 誠", "上里町第3課"),
            ]
        ),
    )
    assert second == {"created": 1, "updated": 1, "moves": 2, "unchanged": 1}
    sato = Person.objects.get(staff_number="1001")
    assert (sato.department.name, sato.rank.name, sato.job_level, sato.is_head) == ("上里町第2課", "主査", 4, True)
    history = list(sato.moves.values_list("moved_on", "department__name", "rank__name"))
    assert history == [(dt.date(2024, 4, 1), "上里町第2課", "主査"), (dt.date(2023, 4, 1), "上里町第1課", "主任")]
    entry = AuditLog.objects.filter(verb="staff.import").order_by("-pk").first()
    assert entry.data == second and "1001" not in str(entry.data)


def test_the_export_reads_back_as_the_same_rows(cast):
    town = cast.town
    apply_file(town, csv_of([row("1001", "佐藤 一郎", "上里町第1課", "課長", "6", head="○")]))
    sheet = openpyxl.load_workbook(io.BytesIO(staff_xlsx_bytes(town.organization))).active
    values = [c.value for c in sheet[2]]
    assert [c.value for c in sheet[1]] == HEADER
    assert values[:7] == ["1001", "佐藤 一郎", None, "上里町第1課", "課長", 6, "○"]
    again = parse_staff_grid(town.organization, read_table_grid(staff_xlsx_bytes(town.organization)))
    assert again.problems == []
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(staff_template())).active[1]] == HEADER
    assert table_csv_bytes(STAFF_TABLE, []).startswith("\ufeff".encode())


def test_upload_from_the_page_runs_as_a_job_and_reports_problems(client, cast):
    client.force_login(cast.town.users["admin"])
    data = csv_of([row("1001", "佐藤 一郎", "上里町第1課"), row("1002", "", "なし課")])
    upload = io.BytesIO(data)
    upload.name = "staff.csv"
    response = client.post(reverse("staff:staff_import"), {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get(kind="staff_import")
    assert job.status == "failed" and len(job.result["problems"]) == 2
    assert Person.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "3行目" in page and "何も保存されていません" in page
    upload = io.BytesIO(csv_of([row("1001", "佐藤 一郎", "上里町第1課")]))
    upload.name = "staff.csv"
    response = client.post(reverse("staff:staff_import"), {"file": upload})
    assert "追加 1人" in client.get(response["Location"]).content.decode()
