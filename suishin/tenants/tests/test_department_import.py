"""Departments from a CSV: every problem by row and column (both rows of a duplicate), nothing half-saved,
and the write refused to another organization's actor."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from suishin.core.models import AuditLog
from suishin.tenants.department_import import (
    MAX_ROWS,
    DepartmentFileError,
    departments_import,
    parse_department_file,
)
from suishin.tenants.models import Department
from suishin.tenants.services import system_actor

HEADER = "組織コード,組織名,上位組織コード\n"


def problems_of(organization, body: str, encoding: str = "utf-8") -> list[str]:
    return [str(p) for p in parse_department_file(organization, (HEADER + body).encode(encoding)).problems]


def test_a_name_too_long_is_a_row_problem(cast):
    problems = problems_of(cast.town.organization, f"K01,{'課' * 101},\nK02,{'課' * 100},\n")
    assert problems == ["2行目 B列: 組織名が長すぎます（100文字以内。101文字あります）。"]


def test_a_code_too_long_is_a_row_problem(cast):
    assert problems_of(cast.town.organization, f"{'K' * 21},長い課,\n") == [
        "2行目 A列: 組織コードが長すぎます（20文字以内）。"
    ]


def test_a_duplicate_names_both_rows(cast):
    problems = problems_of(cast.town.organization, "K01,総務課,\nK02,税務課,\nK01,重複課,\nK04,税務課,\n")
    assert "2行目 A列: 組織コード「K01」が4行目と重複しています。" in problems
    assert "4行目 A列: 組織コード「K01」が2行目と重複しています。" in problems
    assert "3行目 B列: 組織名「税務課」が5行目と重複しています。" in problems
    assert "5行目 B列: 組織名「税務課」が3行目と重複しています。" in problems
    assert len(problems) == 4


def test_a_code_or_name_already_registered_is_refused(cast):
    existing = cast.town.departments[0]
    problems = problems_of(cast.town.organization, f"{existing.code},新しい課,\nN01,{existing.name},\n")
    assert problems == [
        f"2行目 A列: 組織コード「{existing.code}」はすでに登録されています。",
        f"3行目 B列: 組織名「{existing.name}」は現行の組織ですでに使われています。",
    ]


def test_a_cycle_names_every_row_in_it(cast):
    problems = problems_of(
        cast.town.organization, "K01,総務局,K03\nK02,総務課,K01\nK03,秘書課,K02\nK04,自分課,K04\nK05,正しい課,K01\n"
    )
    assert [p.split(":")[0] for p in problems] == ["2行目 C列", "3行目 C列", "4行目 C列", "5行目 C列"]
    assert all("上位組織コードが循環しています" in p for p in problems)
    assert "（K01 → K03 → K02 → K01）" in problems[0]
    assert "（K04 → K04）" in problems[3]


def test_a_missing_parent_and_empty_cells(cast):
    problems = problems_of(cast.town.organization, ",名無し,\nK02,,\nK03,税務課,ZZ\n\n")
    assert problems == [
        "2行目 A列: 組織コードが空です。",
        "3行目 B列: 組織名が空です。",
        "4行目 C列: 上位組織コード「ZZ」がありません。",
    ]


def test_control_characters_are_cleaned(cast):
    imported = parse_department_file(cast.town.organization, (HEADER + "K01,総務\x0b課,\n").encode())
    assert imported.problems == [] and imported.rows[0].name == "総務課"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00\x81", "文字コードを判別できません"),
        ("コード,名前\nK01,課\n".encode(), "1行目の見出し"),
        ((HEADER + "K01,総務課,\nK02," + "x" * 200_000 + ",\n").encode(), "3行目をCSVとして読めません"),
        ((HEADER + "K01,課,\n" * (MAX_ROWS + 1)).encode(), f"{MAX_ROWS + 2:,}行目で読むのをやめました"),
    ],
)
def test_files_that_cannot_be_read_get_one_message(cast, data, message):
    with pytest.raises(DepartmentFileError, match=message):
        parse_department_file(cast.town.organization, data)


def test_problems_beyond_the_first_200_are_counted(cast):
    imported = parse_department_file(cast.town.organization, (HEADER + ",,x\n" * 300).encode())
    assert imported.problem_count == 900 and len(imported.problems) == 201  # three a row
    assert str(imported.problems[-1]).startswith("ほか 700 件の問題があります")


def test_a_deep_tree_in_any_order_is_written_parents_first(cast):
    organization = cast.town.organization
    rows = "".join(f"T{i:04d},課{i},{f'T{i - 1:04d}' if i else ''}\n" for i in reversed(range(300)))
    imported = parse_department_file(organization, (HEADER + rows).encode())
    assert imported.problems == []
    created = departments_import(actor=system_actor(organization), organization=organization, imported=imported)
    assert len(created) == 300
    assert Department.objects.get(organization=organization, code="T0299").parent.code == "T0298"
    assert AuditLog.objects.filter(organization=organization, verb="department.create").count() == 300


def test_another_towns_actor_is_refused_as_not_found_and_audited(cast):
    organization = cast.town.organization
    imported = parse_department_file(organization, (HEADER + "N01,新しい課,\n").encode())
    with pytest.raises(Http404):
        departments_import(actor=cast.other.actor("secretariat"), organization=organization, imported=imported)
    assert not Department.objects.filter(code="N01").exists()
    refusal = AuditLog.objects.get(verb="authorization.denied")
    assert refusal.data["action"] == "department.import" and refusal.organization == cast.other.organization


def test_only_an_admin_imports_departments(cast):
    organization = cast.town.organization
    imported = parse_department_file(organization, (HEADER + "N01,新しい課,\n").encode())
    with pytest.raises(PermissionDenied):
        departments_import(actor=cast.town.actor("secretariat"), organization=organization, imported=imported)
    assert not Department.objects.filter(code="N01").exists()
    assert AuditLog.objects.filter(verb="authorization.denied", data__action="department.import").exists()
