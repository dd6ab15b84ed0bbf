"""The department list on the tabular module: exported as .xlsx and CSV, read back from either (and from
Shift_JIS), the template, and the import run as a job by the person who queued it."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from suishin.core.jobs import job_start
from suishin.core.models import Job
from suishin.tenants.department_import import (
    HEADER,
    DepartmentFileError,
    departments_csv_bytes,
    departments_import,
    departments_template,
    departments_xlsx_bytes,
    parse_department_file,
)
from suishin.tenants.models import Department, Organization
from suishin.tenants.services import system_actor
from suishin.tenants.tasks import department_import_task
from suishin.tenants.tests.factories import code_for


def test_export_lists_every_department_with_its_parent_code(cast):
    organization = cast.town.organization
    departments = list(Department.objects.for_organization(organization).select_related("parent"))
    sheet = openpyxl.load_workbook(io.BytesIO(departments_xlsx_bytes(organization))).active
    assert [c.value for c in sheet[1]] == HEADER == ["組織コード", "組織名", "上位組織コード"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(departments)
    for department in departments:
        assert rows[department.code] == (
            department.code,
            department.name,
            department.parent.code if department.parent else None,
        )
    csv_text = departments_csv_bytes(organization).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "組織コード,組織名,上位組織コード"
    assert len(csv_text.splitlines()) == len(departments) + 1


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_one_towns_export_imports_into_another_town_as_it_was(cast, kind):
    source = cast.town.organization
    target = Organization.objects.create(
        kind=Organization.Kind.MUNICIPALITY, local_government_code=code_for(11, 999), name="新しい町"
    )
    data = departments_xlsx_bytes(source) if kind == "xlsx" else departments_csv_bytes(source)
    imported = parse_department_file(target, data)
    assert imported.problems == []
    departments_import(actor=system_actor(target), organization=target, imported=imported)

    def tree(organization):
        return sorted(Department.objects.for_organization(organization).values_list("code", "name", "parent__code"))

    assert tree(target) == tree(source)


def test_a_shift_jis_csv_saved_by_excel_is_read(cast):
    data = "組織コード,組織名,上位組織コード\r\nN01,新しい局,\r\nN02,新しい課,N01\r\n".encode("cp932")
    imported = parse_department_file(cast.town.organization, data)
    assert imported.problems == [] and [r.name for r in imported.rows] == ["新しい局", "新しい課"]


def test_an_xlsx_with_problems_names_row_and_column(cast):
    sheet = openpyxl.load_workbook(io.BytesIO(departments_template())).active
    sheet.append(["N01", "課" * 101, "ZZ"])
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    problems = [str(p) for p in parse_department_file(cast.town.organization, buffer.getvalue()).problems]
    assert problems == [
        "2行目 B列: 組織名が長すぎます（100文字以内。101文字あります）。",
        "2行目 C列: 上位組織コード「ZZ」がありません。",
    ]


def test_the_templates_hold_the_header_row_only():
    assert departments_template("csv").decode("utf-8-sig") == "組織コード,組織名,上位組織コード\r\n"
    sheet = openpyxl.load_workbook(io.BytesIO(departments_template())).active
    assert sheet.max_row == 1 and [c.value for c in sheet[1]] == HEADER


def test_a_file_that_is_not_a_department_list_is_one_message(cast):
    with pytest.raises(DepartmentFileError, match="1行目の見出し"):
        parse_department_file(cast.town.organization, b"a,b\r\n1,2\r\n")


def test_the_command_reads_an_xlsx_file(cast, tmp_path):
    sheet = openpyxl.load_workbook(io.BytesIO(departments_template())).active
    sheet.append(["X01", "取込局", None])
    sheet.append(["X02", "取込課", "X01"])
    path = tmp_path / "departments.xlsx"
    sheet.parent.save(path)
    out = io.StringIO()
    call_command("import_departments", str(path), organization=cast.town.organization.local_government_code, stdout=out)
    assert "2件の組織を登録しました" in out.getvalue()
    assert Department.objects.get(organization=cast.town.organization, code="X02").parent.code == "X01"


def test_the_import_job_runs_as_the_admin_who_queued_it(cast):
    organization = cast.town.organization
    data = "組織コード,組織名,上位組織コード\r\nJ01,ジョブ局,\r\n".encode()
    job = job_start(
        actor=cast.town.actor("admin"),
        kind="department_import",
        title="組織",
        target=organization,
        task=department_import_task,
        payload=data,
    )
    assert job.status == Job.Status.DONE and job.result == {"summary": {"created": 1}}
    assert Department.objects.filter(organization=organization, code="J01").exists()


def test_a_failed_import_job_lists_the_problems_and_saves_nothing(cast):
    organization = cast.town.organization
    data = "組織コード,組織名,上位組織コード\r\n,名無し,\r\n".encode()
    job = job_start(
        actor=cast.town.actor("admin"),
        kind="department_import",
        title="組織",
        target=organization,
        task=department_import_task,
        payload=data,
    )
    assert job.status == Job.Status.FAILED and job.result == {"problems": ["2行目 A列: 組織コードが空です。"]}
    assert not Department.objects.filter(organization=organization, name="名無し").exists()
