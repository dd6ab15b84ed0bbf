"""A reorganisation's new tree as a table users exchange as Excel or CSV (the tabular module).

One row per department of the new tree: 組織コード, 組織名, 上位組織コード (in the new tree), 引き継ぐ課の
組織コード (today's department it carries on, renamed or moved; empty for a new one) and 統合する課の
組織コード (today's departments that close and merge into it, several separated by 「、」). A department
of today the file names in neither column is closed without a successor (the mapping page can give it
one). The export of a draft is the template: downloaded, edited in Excel and sent back.
"""

from dataclasses import dataclass, field
from typing import cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.import_problems import ImportProblem, quoted
from suishin.tabular.columns import LookupColumn, TextColumn
from suishin.tabular.tables import Table, TableFileError, TableRow, parse_table, table_csv_bytes, table_xlsx_bytes
from suishin.tabular.uploads import UploadError, read_table_grid
from suishin.tenants.models import Department

from .models import DepartmentMapping, DraftDepartment, Reorganisation

CODE, NAME, PARENT, CONTINUES, MERGED = 1, 2, 3, 4, 5  # columns A to E


class DraftFileError(TableFileError):
    """The file cannot be read as a new department tree at all; the message says why."""


@dataclass
class DraftRow:
    row: int
    code: str
    name: str
    parent_code: str
    continues_id: int | None
    merged_ids: list[int] = field(default_factory=list)


@dataclass
class DraftImport:
    rows: list[DraftRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0


def _open_departments(context: dict) -> dict:
    """Today's departments (closed ones left out) by code: what a row may carry on or merge."""
    organization = context["organization"]
    return dict(Department.objects.for_organization(organization).filter(closed_on=None).values_list("code", "pk"))


def _check_rows(rows: list[TableRow], problem, context: dict) -> list[DraftRow]:
    """Refuse parents the file does not have, cycles, and a department of today named twice."""
    drafts = []
    for parsed in rows:
        values = parsed.values
        drafts.append(
            DraftRow(
                parsed.row,
                values["code"] or "",
                values["name"] or "",
                values["parent"] or "",
                values["continues"],
                list(values["merged"] or []),
            )
        )
    codes = {row.code for row in drafts if row.code}
    for row in drafts:
        if row.parent_code and row.parent_code not in codes:
            problem(
                row.row,
                PARENT,
                _("上位組織コード「%(code)s」はこのファイルにありません。") % {"code": quoted(row.parent_code)},
            )
        if row.parent_code and row.parent_code == row.code:
            problem(row.row, PARENT, _("上位組織コードに自分自身の組織コードは書けません。"))
    by_code = {row.code: row for row in drafts if row.code}
    for row in drafts:  # a walk up the parents that comes back to the row is a cycle
        seen: set[str] = set()
        current: DraftRow | None = row
        while current is not None and current.parent_code and current.code not in seen:
            seen.add(current.code)
            current = by_code.get(current.parent_code)
            if current is row:
                problem(row.row, PARENT, _("上位組織コードが循環しています。"))
                break
    named: dict[int, int] = {}  # department of today -> the first row naming it
    for row in drafts:
        for column, department_id in [(CONTINUES, row.continues_id)] + [(MERGED, pk) for pk in row.merged_ids]:
            if department_id is None:
                continue
            if department_id in named:
                problem(
                    row.row,
                    column,
                    _("同じ課を%(first)s行目でも引き継いでいます。一つの課は一つの行にだけ書いてください。")
                    % {"first": named[department_id]},
                )
            else:
                named[department_id] = row.row
    return drafts


_missing = gettext_lazy("%(label)s「%(text)s」はいまの組織にありません。")

DRAFT_TABLE = Table(
    name="改編後の組織",
    parts=(
        TextColumn(
            key="code",
            header=gettext_lazy("組織コード"),
            identifies=True,
            required=True,
            width=14,
            max_length=DraftDepartment._meta.get_field("code").max_length,
        ),
        TextColumn(
            key="name",
            header=gettext_lazy("組織名"),
            unique=True,
            required=True,
            width=30,
            max_length=DraftDepartment._meta.get_field("name").max_length,
        ),
        TextColumn(key="parent", header=gettext_lazy("上位組織コード"), width=16),
        LookupColumn(
            key="continues",
            header=gettext_lazy("引き継ぐ課の組織コード"),
            find=_open_departments,
            missing=_missing,
            width=20,
        ),
        LookupColumn(
            key="merged",
            header=gettext_lazy("統合する課の組織コード"),
            find=_open_departments,
            many=True,
            missing=_missing,
            width=24,
        ),
    ),
    check_rows=_check_rows,
)


def draft_table_rows(reorganisation: Reorganisation):
    """Yield the draft as rows of DRAFT_TABLE (codes of today's departments, not ids)."""
    organization = reorganisation.organization_id
    merged: dict[int, list[str]] = {}
    for successor, code in (
        DepartmentMapping.objects.for_organization(organization)
        .filter(reorganisation=reorganisation, successor__isnull=False)
        .values_list("successor_id", "old_department__code")
    ):
        merged.setdefault(successor, []).append(code)
    nodes = (
        DraftDepartment.objects.for_organization(organization)
        .filter(reorganisation=reorganisation)
        .order_by("position", "code")
        .values_list("pk", "code", "name", "parent__code", "continues__code")
    )
    for pk, code, name, parent, continues in nodes:
        yield {"code": code, "name": name, "parent": parent, "continues": continues, "merged": merged.get(pk, [])}


def draft_xlsx_bytes(reorganisation: Reorganisation) -> bytes:
    return table_xlsx_bytes(
        DRAFT_TABLE, draft_table_rows(reorganisation), {"organization": reorganisation.organization}
    )


def draft_csv_bytes(reorganisation: Reorganisation) -> bytes:
    return table_csv_bytes(DRAFT_TABLE, draft_table_rows(reorganisation))


def parse_draft_file(reorganisation: Reorganisation, data: bytes) -> DraftImport:
    """Read a new tree (CSV or .xlsx); return its rows and every problem, by row and column.

    Raise DraftFileError when the file as a whole cannot be read.
    """
    try:
        parsed = parse_table(DRAFT_TABLE, read_table_grid(data), {"organization": reorganisation.organization})
    except UploadError as error:
        raise DraftFileError(str(error)) from None
    rows = cast(list[DraftRow], parsed.result or [])  # what DRAFT_TABLE's check_rows (_check_rows) returns
    return DraftImport(rows, parsed.problems, parsed.problem_count)
