"""The staff register as a table (職員名簿): exported, templated, and imported from the personnel Excel/CSV.

Declared once in `STAFF_TABLE` with the tabular module's columns; parsing reads every row and names
every problem by row and column, and `services.staff_import_apply` writes a problem-free file in one
transaction (re-import updates by 職員番号; a move is kept as history). A file sent from a page runs
as a job (`tasks.staff_import_task`).

The tabular module has no yes/no column: `FlagColumn` below reads 所属長 (○, 1, はい, TRUE …).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.import_problems import quoted
from suishin.tabular.columns import CellProblem, Column, DateColumn, IntegerColumn, LookupColumn, TextColumn
from suishin.tabular.tables import Table, TableImport, parse_table, table_csv_bytes, table_xlsx_bytes
from suishin.tenants.models import Department

from .models import Person
from .selectors import rank_names

YES = {"○", "〇", "◯", "1", "はい", "yes", "y", "true", "TRUE", "True", "所属長", "✓"}
NO = {"", "×", "-", "－", "0", "いいえ", "no", "n", "false", "FALSE", "False"}


@dataclass(frozen=True, kw_only=True)
class FlagColumn(Column):
    """Yes or no: 「○」 when yes and empty when no, as personnel lists mark it; 1/0, はい/いいえ, TRUE/FALSE too."""

    def read(self, value, prepared):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = str(int(value)) if float(value).is_integer() else text
        if text in YES:
            return True
        if text in NO:
            return False
        raise CellProblem(
            _("%(label)sは「○」か空欄にしてください（「%(text)s」）。") % {"label": self.name(), "text": quoted(text)}
        )

    def export_value(self, value):
        return "○" if value else ""


def _open_departments(context: dict) -> dict:
    departments = Department.objects.for_organization(context["organization"]).filter(closed_on=None)
    return dict(departments.values_list("name", "pk"))


def _ranks(context: dict) -> dict:
    return {name: name for name in rank_names(context["organization"])}


EMAIL = 9  # column I


def _check_staff(rows, problem, context: dict) -> list[dict]:
    """Check what one cell cannot: mail addresses; return the rows as the service takes them."""
    for parsed in rows:
        email = parsed.values.get("email")
        if email and "email" not in parsed.failed:
            try:
                validate_email(email)
            except ValidationError:
                problem(
                    parsed.row, EMAIL, _("メールアドレス「%(text)s」の形が正しくありません。") % {"text": quoted(email)}
                )
    return [parsed.values for parsed in rows]


STAFF_TABLE = Table(
    name="職員名簿",
    parts=(
        TextColumn(
            key="staff_number",
            header=gettext_lazy("職員番号"),
            identifies=True,
            required=True,
            width=12,
            max_length=Person._meta.get_field("staff_number").max_length,
        ),
        TextColumn(key="name", header=gettext_lazy("氏名"), required=True, width=16, max_length=100),
        TextColumn(key="name_kana", header=gettext_lazy("ふりがな"), width=18, max_length=100),
        LookupColumn(
            key="department",
            header=gettext_lazy("所属課"),
            width=18,
            find=_open_departments,
            missing=gettext_lazy("%(label)s「%(text)s」はこの団体の組織にありません（廃止された組織も選べません）。"),
        ),
        LookupColumn(
            key="rank",
            header=gettext_lazy("職位"),
            width=10,
            find=_ranks,
            missing=gettext_lazy("%(label)s「%(text)s」は登録されていません。"),
        ),
        IntegerColumn(key="job_level", header=gettext_lazy("級"), width=6, min_value=1, max_value=20),
        FlagColumn(key="is_head", header=gettext_lazy("所属長"), width=8),
        DateColumn(key="moved_on", header=gettext_lazy("発令日"), width=12),
        TextColumn(key="email", header=gettext_lazy("メールアドレス"), width=26, max_length=254),
        DateColumn(key="left_on", header=gettext_lazy("退職日"), width=12),
    ),
    check_rows=_check_staff,
)


def staff_rows(organization):
    """Yield the organization's staff as rows of STAFF_TABLE (the export), in one query."""
    people = (
        Person.objects.for_organization(organization)
        .filter(kind=Person.Kind.STAFF)
        .select_related("department", "rank")
        .order_by("staff_number")
    )
    for person in people:
        yield {
            "staff_number": person.staff_number,
            "name": person.name,
            "name_kana": person.name_kana,
            "department": person.department.name if person.department_id else None,
            "rank": person.rank.name if person.rank_id else None,
            "job_level": person.job_level,
            "is_head": person.is_head,
            "moved_on": None,
            "email": person.email,
            "left_on": person.left_on,
        }


def staff_xlsx_bytes(organization) -> bytes:
    return table_xlsx_bytes(STAFF_TABLE, staff_rows(organization), {"organization": organization})


def staff_csv_bytes(organization) -> bytes:
    return table_csv_bytes(STAFF_TABLE, staff_rows(organization))


def staff_template(kind: str = "xlsx") -> bytes:
    return table_csv_bytes(STAFF_TABLE, []) if kind == "csv" else table_xlsx_bytes(STAFF_TABLE, [], {})


def parse_staff_grid(organization, grid, progress=None) -> TableImport:
    """Read a staff list already read into a grid; every problem by row and column. Change nothing."""
    return parse_table(STAFF_TABLE, grid, {"organization": organization}, progress)
