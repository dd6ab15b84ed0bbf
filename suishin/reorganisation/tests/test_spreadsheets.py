"""The new tree as Excel or CSV: exported as the template, read back, every problem by row and column."""

import io

import openpyxl

from suishin.reorganisation.models import DepartmentMapping, DraftDepartment
from suishin.reorganisation.services import reorganisation_create, reorganisation_import
from suishin.reorganisation.spreadsheets import draft_xlsx_bytes, parse_draft_file

APRIL = __import__("datetime").date(2026, 4, 1)


def csv_of(*rows: str) -> bytes:
    header = "組織コード,組織名,上位組織コード,引き継ぐ課の組織コード,統合する課の組織コード"
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()


def test_the_export_is_todays_tree_carried_on(cast):
    reorganisation = reorganisation_create(
        actor=cast.town.actor("admin"), organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    sheet = openpyxl.load_workbook(io.BytesIO(draft_xlsx_bytes(reorganisation))).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["組織コード", "組織名", "上位組織コード", "引き継ぐ課の組織コード", "統合する課の組織コード"]
    assert [row[0] for row in rows[1:]] == [d.code for d in cast.town.departments]
    assert [row[3] for row in rows[1:]] == [d.code for d in cast.town.departments]
    parsed = parse_draft_file(reorganisation, draft_xlsx_bytes(reorganisation))
    assert parsed.problems == []


def test_a_file_renames_merges_and_adds(cast):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    data = csv_of("D01,総務課,,D01,", "D02,デジタル推進課,,D02,D03", "N01,新設係,D01,,")
    imported = parse_draft_file(reorganisation, data)
    assert imported.problems == []
    reorganisation_import(actor=actor, reorganisation=reorganisation, imported=imported)
    nodes = DraftDepartment.objects.filter(reorganisation=reorganisation)
    assert sorted(nodes.values_list("code", "name")) == [
        ("D01", "総務課"),
        ("D02", "デジタル推進課"),
        ("N01", "新設係"),
    ]
    assert nodes.get(code="N01").parent.code == "D01"
    mapping = DepartmentMapping.objects.get(reorganisation=reorganisation)
    assert mapping.old_department == cast.town.departments[2] and mapping.successor.code == "D02"


def test_every_problem_is_named_and_nothing_changes(cast):
    actor = cast.town.actor("admin")
    reorganisation = reorganisation_create(
        actor=actor, organization=cast.town.organization, title="改編", effective_on=APRIL
    )
    before = list(DraftDepartment.objects.filter(reorganisation=reorganisation).values_list("code", "name"))
    data = csv_of("D01,総務課,X99,D01,", "D02,総務課,,D01,ZZZ", ",名無し,,,")
    problems = [str(p) for p in parse_draft_file(reorganisation, data).problems]
    text = "\n".join(problems)
    assert "X99" in text and "ZZZ" in text and "重複" in text and "2行目" in text
    assert any("組織コード" in p and "空" in p for p in problems), problems
    assert list(DraftDepartment.objects.filter(reorganisation=reorganisation).values_list("code", "name")) == before
