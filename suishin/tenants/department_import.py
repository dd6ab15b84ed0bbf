"""An organization's departments (課・局) as a table: exported, templated, and imported from CSV or Excel.

The columns are 組織コード, 組織名 and 上位組織コード (the parent, which may be empty, in the file or
already registered), declared once in `DEPARTMENTS` (suishin/tabular/). `parse_department_file` reads
and checks a whole file (CSV in UTF-8 or Shift_JIS, or .xlsx) and names the row and column of every
problem; `departments_import` creates the departments of a problem-free file in one transaction. An
import adds departments: a code already registered, or the name of an open department, is refused
(a closed department keeps its name, which a new one may take). The `import_departments` command and
`department_import_task` (a job, for files sent from a page) use both.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.import_problems import ImportProblem, quoted
from suishin.core.service import service
from suishin.tabular.columns import TextColumn
from suishin.tabular.tables import Table, TableFileError, TableRow, parse_table, table_csv_bytes, table_xlsx_bytes
from suishin.tabular.uploads import MAX_SHEET_ROWS, UploadError, read_table_grid
from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department, Organization, Role
from suishin.tenants.services import department_create

CODE, NAME, PARENT = 1, 2, 3  # columns A, B, C
MAX_ROWS = MAX_SHEET_ROWS - 1  # rows below the header (a prefecture has some hundreds of departments)
MAX_ROWS_NAMED = 5  # rows named in one message about a cycle


class DepartmentFileError(TableFileError):
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


def _check_departments(rows: list[TableRow], problem, context: dict) -> list[DepartmentRow]:
    """Refuse codes and names already registered, parents that do not exist, and cycles of parents."""
    organization = context["organization"]
    departments_of = Department.objects.for_organization(organization)
    existing = set(departments_of.values_list("code", flat=True))
    # A closed department's name may be taken by a new one; codes stay unique for ever.
    existing_names = set(departments_of.filter(closed_on=None).values_list("name", flat=True))
    departments = []
    for parsed in rows:
        values = parsed.values
        code, name, parent = values["code"] or "", values["name"] or "", values["parent"] or ""
        departments.append(DepartmentRow(parsed.row, code, name, parent))
        if code in existing and "code" not in parsed.failed:
            problem(parsed.row, CODE, _("組織コード「%(code)s」はすでに登録されています。") % {"code": quoted(code)})
        if name in existing_names and "name" not in parsed.failed:
            problem(
                parsed.row, NAME, _("組織名「%(name)s」は現行の組織ですでに使われています。") % {"name": quoted(name)}
            )

    # Parents: registered already or in the file, and never a cycle.
    in_file = {}
    for row in departments:
        if row.code:
            in_file.setdefault(row.code, row)  # a duplicated code is reported by the table
    for row in departments:
        if row.parent_code and row.parent_code not in existing and row.parent_code not in in_file:
            problem(row.row, PARENT, _("上位組織コード「%(code)s」がありません。") % {"code": quoted(row.parent_code)})
    for cycle in _cycles(in_file):
        shown = [quoted(code) for code in cycle[:MAX_ROWS_NAMED]] + (["…"] if len(cycle) > MAX_ROWS_NAMED else [])
        path = " → ".join([*shown, quoted(cycle[0])])
        for code in sorted(cycle, key=lambda code: in_file[code].row):
            problem(in_file[code].row, PARENT, _("上位組織コードが循環しています（%(path)s）。") % {"path": path})
    return departments


DEPARTMENTS = Table(
    name="組織一覧",
    parts=(
        TextColumn(
            key="code",
            header=gettext_lazy("組織コード"),
            identifies=True,
            required=True,
            width=14,
            max_length=Department._meta.get_field("code").max_length,
            too_long=gettext_lazy("組織コードが長すぎます（%(n)s文字以内）。"),
        ),
        TextColumn(
            key="name",
            header=gettext_lazy("組織名"),
            unique=True,
            required=True,
            width=30,
            max_length=Department._meta.get_field("name").max_length,
        ),
        TextColumn(key="parent", header=gettext_lazy("上位組織コード"), width=16),
    ),
    check_rows=_check_departments,
)
HEADER = [str(column.header) for column in DEPARTMENTS.columns]


def department_rows(organization: Organization):
    """Yield the organization's departments as rows of DEPARTMENTS, parents' codes by one join."""
    departments = Department.objects.for_organization(organization).order_by("position", "code")
    for code, name, parent in departments.values_list("code", "name", "parent__code"):
        yield {"code": code, "name": name, "parent": parent}


def departments_xlsx_bytes(organization: Organization) -> bytes:
    return table_xlsx_bytes(DEPARTMENTS, department_rows(organization), {"organization": organization})


def departments_csv_bytes(organization: Organization) -> bytes:
    return table_csv_bytes(DEPARTMENTS, department_rows(organization))


def departments_template(kind: str = "xlsx") -> bytes:
    """Return an empty department list to fill in: the header row only."""
    return table_csv_bytes(DEPARTMENTS, []) if kind == "csv" else table_xlsx_bytes(DEPARTMENTS, [], {})


def parse_department_file(organization: Organization, data: bytes, progress=None) -> DepartmentImport:
    """Read a department list (CSV or .xlsx) for `organization`; return its rows and every problem.

    Raise DepartmentFileError when the file as a whole cannot be read (encoding, header, CSV syntax, size).
    """
    try:
        return parse_department_grid(organization, read_table_grid(data), progress)
    except UploadError as error:
        raise DepartmentFileError(str(error)) from None


def parse_department_grid(organization: Organization, grid, progress=None) -> DepartmentImport:
    """Check a grid already read (a job reads the file itself); raise TableFileError as above."""
    parsed = parse_table(DEPARTMENTS, grid, {"organization": organization}, progress)
    return DepartmentImport(parsed.result, parsed.problems, parsed.problem_count)


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
