"""An organization's departments (課・局) from a CSV file: parse, check every row, then one write.

The columns are 組織コード, 組織名 and 上位組織コード (the parent, which may be empty, in the file or
already registered). `parse_department_csv` reads and checks the whole file and names the row and
column of every problem; `departments_import` writes a problem-free file in one transaction. The
`import_departments` command uses both, and a page of the administration screens can do the same.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from suishin.core.import_problems import ImportProblem, ProblemCollector, quoted
from suishin.core.service import service
from suishin.core.text_input import clean_text
from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Organization, Role
from suishin.tenants.services import department_create

HEADER = ["組織コード", "組織名", "上位組織コード"]
CODE, NAME, PARENT = 1, 2, 3  # columns A, B, C
MAX_ROWS = 5_000  # a prefecture has some hundreds of departments
MAX_ROWS_NAMED = 5  # rows named in one message about a duplicate


class DepartmentFileError(ValueError):
    """The file cannot be read as a department list at all; the message says why, for the user."""


@dataclass
class DepartmentRow:
    row: int
    code: str
    name: str
    parent_code: str


@dataclass
class DepartmentImport:
    rows: list[DepartmentRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)  # at most MAX_PROBLEMS, then a count
    problem_count: int = 0


def decode_csv(data: bytes) -> str:
    """Return the text of a CSV as Excel and other tools save it: UTF-8 (with or without BOM) or CP932."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DepartmentFileError(_("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"))


def _read_rows(text: str) -> list[tuple[int, list[str]]]:
    """Return (line number, cells) of every row after the header, or raise DepartmentFileError."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        header = next(reader, None)
        if header is None or [clean_text(cell).strip() for cell in header[:3]] != HEADER:
            raise DepartmentFileError(
                _("1行目の見出しは「%(header)s」にしてください。") % {"header": "、".join(HEADER)}
            )
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                raise DepartmentFileError(
                    _("行が多すぎるため、%(row)s行目で読むのをやめました（読めるのは %(limit)s 行までです）。")
                    % {"row": f"{reader.line_num:,}", "limit": f"{MAX_ROWS:,}"}
                )
            rows.append((reader.line_num, cells))
    except csv.Error:  # a NUL byte, an unclosed quote at the end, a field longer than the csv module allows
        raise DepartmentFileError(
            _("%(row)s行目をCSVとして読めません。Excelで「CSV（コンマ区切り）」として保存し直してください。")
            % {"row": f"{reader.line_num:,}"}
        ) from None
    return rows


def _rows_named(rows: list[int]) -> str:
    named = "、".join(f"{row}行目" for row in rows[:MAX_ROWS_NAMED])
    return named + (_("ほか%(n)s行") % {"n": len(rows) - MAX_ROWS_NAMED} if len(rows) > MAX_ROWS_NAMED else "")


def parse_department_csv(organization: Organization, data: bytes) -> DepartmentImport:
    """Read a department CSV for `organization`; return its rows and every problem, by row and column.

    Raise DepartmentFileError when the file as a whole cannot be read (encoding, header, CSV syntax, size).
    """
    lines = _read_rows(decode_csv(data))
    problems = ProblemCollector()
    problem = problems.add
    code_length = Department._meta.get_field("code").max_length
    name_length = Department._meta.get_field("name").max_length
    existing = dict(Department.objects.for_organization(organization).values_list("code", "name"))
    existing_names = set(existing.values())

    rows: list[DepartmentRow] = []
    for number, cells in lines:
        cells = [clean_text(cell).strip() for cell in cells]
        if not any(cells):
            continue
        code, name, parent = [*cells, "", "", ""][:3]
        rows.append(DepartmentRow(number, code, name, parent))
        if not code:
            problem(number, CODE, _("組織コードが空です。"))
        elif len(code) > code_length:
            problem(number, CODE, _("組織コードが長すぎます（%(n)s文字以内）。") % {"n": code_length})
        elif code in existing:
            problem(number, CODE, _("組織コード「%(code)s」はすでに登録されています。") % {"code": quoted(code)})
        if not name:
            problem(number, NAME, _("組織名が空です。"))
        elif len(name) > name_length:
            problem(
                number,
                NAME,
                _("組織名が長すぎます（%(n)s文字以内。%(length)s文字あります）。")
                % {"n": name_length, "length": len(name)},
            )
        elif name in existing_names:
            problem(number, NAME, _("組織名「%(name)s」はすでに登録されています。") % {"name": quoted(name)})

    # Duplicates within the file: every row of a duplicate names the others.
    for column, label, key in ((CODE, _("組織コード"), "code"), (NAME, _("組織名"), "name")):
        by_value: dict[str, list[int]] = {}
        for row in rows:
            value = getattr(row, key)
            if value:
                by_value.setdefault(value, []).append(row.row)
        for value, numbers in by_value.items():
            for number in numbers if len(numbers) > 1 else ():
                others = [n for n in numbers if n != number]
                problem(
                    number,
                    column,
                    _("%(label)s「%(value)s」が%(others)sと重複しています。")
                    % {"label": label, "value": quoted(value), "others": _rows_named(others)},
                )

    # Parents: registered already or in the file, and never a cycle.
    in_file = {}
    for row in rows:
        if row.code:
            in_file.setdefault(row.code, row)  # a duplicated code is reported above
    for row in rows:
        if row.parent_code and row.parent_code not in existing and row.parent_code not in in_file:
            problem(row.row, PARENT, _("上位組織コード「%(code)s」がありません。") % {"code": quoted(row.parent_code)})
    for cycle in _cycles(in_file):
        shown = [quoted(code) for code in cycle[:MAX_ROWS_NAMED]] + (["…"] if len(cycle) > MAX_ROWS_NAMED else [])
        path = " → ".join([*shown, quoted(cycle[0])])
        for code in sorted(cycle, key=lambda code: in_file[code].row):
            problem(in_file[code].row, PARENT, _("上位組織コードが循環しています（%(path)s）。") % {"path": path})
    return DepartmentImport(rows, problems.result(), problems.count)


def _cycles(in_file: dict[str, DepartmentRow]) -> list[list[str]]:
    """Return each cycle of parent links among the file's rows, as its codes in order (each once)."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles = []
    for start in in_file:
        path = []
        code = start
        while code in in_file and code not in state:
            state[code] = 1
            path.append(code)
            code = in_file[code].parent_code
        if state.get(code) == 1:  # the walk came back to its own path
            cycles.append(path[path.index(code) :])
        for walked in path:
            state[walked] = 2
    return cycles


def _parents_first(rows: list[DepartmentRow]) -> list[DepartmentRow]:
    """Return the rows ordered so that a parent in the file comes before its children (no cycles)."""
    in_file = {row.code: row for row in rows}
    placed: set[str] = set()
    ordered = []
    for row in rows:
        chain = []
        current = row
        while current is not None and current.code not in placed:
            chain.append(current)
            placed.add(current.code)
            current = in_file.get(current.parent_code)
        ordered.extend(reversed(chain))
    return ordered


@service
def departments_import(*, actor: Actor, organization: Organization, imported: DepartmentImport) -> list[Department]:
    """Create the departments of a problem-free import, parents first, in one transaction."""
    require_same_organization(actor, "department.import", organization)
    if not actor.has_role(Role.ADMIN):
        raise deny(actor, "department.import")
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    departments = {d.code: d for d in Department.objects.for_organization(organization)}
    position = max((d.position for d in departments.values()), default=0)
    created = []
    for row in _parents_first(imported.rows):
        position += 1
        departments[row.code] = department_create(
            actor=actor,
            organization=organization,
            code=row.code,
            name=row.name,
            parent=departments[row.parent_code] if row.parent_code else None,
            position=position,
        )
        created.append(departments[row.code])
    return created
