"""The 工程表 as a town files it: one sheet, Japanese headers, spans as merged cells.

Declared as a table of the tabular module (suishin/tabular/): 施策番号, 重点取組事項, 施策 and 担当課,
then one column per fiscal year of the plan (`RoadmapYears`, the custom part: a span is a merged run of
year cells on one row, a single cell a one-year span), then 参考・備考. A measure with overlapping spans
takes several rows (lanes) under one 施策番号. Export writes it; import reads the same layout back,
reports every problem by row and column, and changes nothing: `services.roadmap_import_apply` applies
a problem-free import in one transaction. Rows are matched to measures by 施策番号.
"""

import bisect
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from suishin.core.import_problems import ImportProblem, quoted
from suishin.core.spreadsheets import cell_text
from suishin.core.wareki import WarekiError, fiscal_year_label, parse_fiscal_year, wareki_fiscal_year
from suishin.tabular.columns import LookupColumn, TextColumn, text_of
from suishin.tabular.tables import (
    ColumnGroup,
    GroupReader,
    Table,
    TableRow,
    parse_table,
    table_workbook,
    workbook_bytes,
)
from suishin.tabular.xlsx_reader import SheetGrid
from suishin.tenants.columns import DepartmentColumn

from .forms import MeasureForm
from .models import Measure, Plan, RoadmapEntry
from .selectors import plan_outline, roadmap_lanes

FIXED_HEADERS = ["施策番号", "重点取組事項", "施策", "担当課"]
NOTE_HEADER = "参考・備考"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
FIRST_YEAR_COLUMN = len(FIXED_HEADERS) + 1
# The measure form's rule for 担当課 (required, with its message): a file and the form say the same.
OWNERS_FIELD = MeasureForm.base_fields["departments"]
SPAN_STYLES = {
    "工程表 年度": {},
    "工程表 取組": {
        "fill": PatternFill("solid", fgColor="C5D7FB"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    },
}


def year_header(fiscal_year: int) -> str:
    return f"{fiscal_year}年度\n（{wareki_fiscal_year(fiscal_year)}）"


@dataclass(frozen=True)
class RoadmapYears(ColumnGroup):
    """One column per fiscal year of the plan; a row's value is its spans, [(label, start_fy, end_fy)]."""

    plan: Plan
    key: str = "spans"
    styles = SPAN_STYLES  # noqa: RUF012

    def export_headers(self) -> list[str]:
        return [year_header(year) for year in self.plan.fiscal_years]

    def widths(self) -> list[float]:
        return [18] * len(self.plan.fiscal_years)

    def write(self, sheet, row: int, first: int, spans, table: Table) -> None:
        plan = self.plan
        for column in range(first, first + len(plan.fiscal_years)):
            sheet.cell(row, column).style = "工程表 年度"
        for label, start_fy, end_fy in spans or ():
            start = first + start_fy - plan.start_fy
            end = first + end_fy - plan.start_fy
            sheet.cell(row, start, cell_text(label)).style = "工程表 取組"
            if end > start:
                sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)

    def locate(self, headers, first, stop, header_row, problem) -> "_YearsReader":
        """Read the year headers from `first` until the 参考・備考 column (or the last header)."""
        plan = self.plan
        last_header = max((column for column, text in headers.items() if text), default=0)
        year_columns: dict[int, int] = {}
        unread: list[int] = []  # year columns whose header could not be read: their cells are not checked
        last = max(last_header, first - 1)
        for column in range(first, last_header + 1):
            header = headers.get(column, "")
            if header in stop:
                last = column - 1
                break
            unread.append(column)
            if not header:
                problem(header_row, column, _("年度の見出しが空です。"))
                continue
            try:
                year = parse_fiscal_year(header.replace("\n", ""))
            except WarekiError as error:
                problem(header_row, column, str(error.args[0]))
                continue
            if not plan.start_fy <= year <= plan.end_fy:
                problem(
                    header_row,
                    column,
                    _("「%(text)s」は計画期間（%(start)s〜%(end)s）の外です。")
                    % {
                        "text": quoted(header.replace("\n", "")),
                        "start": fiscal_year_label(plan.start_fy),
                        "end": fiscal_year_label(plan.end_fy),
                    },
                )
            elif year in year_columns.values():
                problem(header_row, column, _("%(year)s年度の列が重複しています。") % {"year": year})
            else:
                year_columns[column] = year
                unread.pop()
        return _YearsReader(last, year_columns, unread)


class _YearsReader(GroupReader):
    handles_merged = True

    def __init__(self, last: int, year_columns: dict[int, int], unread: list[int]):
        self.last, self.year_columns, self.unread = last, year_columns, unread
        self.merged_ends: dict[tuple[int, int], int] = {}  # (row, first column) → last column of its span
        self.covered: set[tuple[int, int]] = set()  # cells inside a span but its first
        self.label_length = RoadmapEntry._meta.get_field("label").max_length

    def check_merged(self, grid: SheetGrid, first_data_row: int, problem) -> None:
        """Spans: merged cells across year columns on one row."""
        for merged in grid.merged:
            if merged.min_row < first_data_row:
                continue
            if merged.min_row != merged.max_row:
                problem(
                    merged.min_row,
                    merged.min_col,
                    _("縦に結合されたセルは使えません（%(range)s）。") % {"range": merged.coord},
                )
                continue
            later = bisect.bisect_left(self.unread, merged.min_col)
            if later < len(self.unread) and self.unread[later] <= merged.max_col:
                continue  # it spans a year column whose header is wrong, which is reported already
            if merged.min_col not in self.year_columns or merged.max_col not in self.year_columns:
                problem(
                    merged.min_row,
                    merged.min_col,
                    _("年度の列の外にかかる結合セルがあります（%(range)s）。") % {"range": merged.coord},
                )
                continue
            self.merged_ends[(merged.min_row, merged.min_col)] = merged.max_col
            self.covered.update((merged.min_row, c) for c in range(merged.min_col + 1, merged.max_col + 1))

    def read(self, row: int, values: list, problem) -> list[tuple[str, int, int]]:
        spans = []
        year_columns, covered, ends = self.year_columns, self.covered, self.merged_ends
        for column, year in year_columns.items():
            value = values[column - 1]
            if value is None or (row, column) in covered:
                continue
            label = text_of(value)
            if not label:
                continue
            if len(label) > self.label_length:
                problem(row, column, _("工程の内容が長すぎます（200文字以内）。"))
            spans.append((label, year, year_columns[ends.get((row, column), column)]))
        return spans


def roadmap_table(plan: Plan) -> Table:
    """Return the 工程表's declaration for `plan` (its year columns follow the plan's period)."""
    return Table(
        name="工程表",
        title=lambda context: f"{plan.title} 工程表",
        frozen_columns=len(FIXED_HEADERS),
        landscape=True,
        header_height=32,
        one_row_per_key=False,  # a measure's lanes share its number: grouped in `_measures_of`
        check_rows=_measures_of,
        parts=(
            LookupColumn(
                key="number",
                header=gettext_lazy("施策番号"),
                identifies=True,
                width=10,
                find=lambda context: {
                    number: number for number in context["plan"].measures.values_list("number", flat=True)
                },
                missing=gettext_lazy(
                    "施策番号「%(text)s」はこの計画にありません。新しい施策は番号を空欄にしてください。"
                ),
            ),
            LookupColumn(
                key="area",
                header=gettext_lazy("重点取組事項"),
                required=True,
                width=22,
                find=lambda context: {t: t for t in context["plan"].items.values_list("title", flat=True)},
                missing=gettext_lazy("重点取組事項「%(text)s」はこの計画にありません。"),
            ),
            TextColumn(
                key="title",
                header=gettext_lazy("施策"),
                label=gettext_lazy("施策名"),
                required=True,
                width=30,
                max_length=Measure._meta.get_field("title").max_length,
                too_long=gettext_lazy("施策名が長すぎます（%(n)s文字以内）。"),
            ),
            # Required for a measure's first row only (the form's rule, checked in `_measures_of`).
            DepartmentColumn(key="departments", header=gettext_lazy("担当課"), by="name", many=True, width=16),
            RoadmapYears(plan),
            TextColumn(key="note", header=gettext_lazy("参考・備考"), width=28),
        ),
    )


def roadmap_rows(plan: Plan):
    """Yield the 工程表's rows: one per lane of each measure, areas and measures in their order."""
    for area in plan_outline(plan):
        for measure in area.measures:
            for lane in roadmap_lanes(measure.entries):
                yield {
                    "number": measure.number,
                    "area": area.title,
                    "title": measure.title,
                    "departments": measure.departments,
                    "spans": [(entry.label, entry.start_fy, entry.end_fy) for entry in lane],
                    "note": measure.national_kpi_note,
                }


def roadmap_workbook(plan: Plan) -> Workbook:
    """Return the plan's 工程表 as a workbook."""
    return table_workbook(roadmap_table(plan), roadmap_rows(plan), {"plan": plan})


def roadmap_xlsx_bytes(plan: Plan) -> bytes:
    return workbook_bytes(roadmap_workbook(plan))


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportedSpan:
    label: str
    start_fy: int
    end_fy: int


@dataclass
class ImportedMeasure:
    row: int
    number: str
    area_title: str
    title: str
    department_ids: list[int]
    note: str
    spans: list[ImportedSpan] = field(default_factory=list)


@dataclass
class RoadmapImport:
    measures: list[ImportedMeasure]
    problems: list[ImportProblem]  # at most MAX_PROBLEMS, then one line with the number left out
    problem_count: int = 0  # every problem found, kept or not


def parse_roadmap_sheet(plan: Plan, sheet: SheetGrid, progress=None) -> RoadmapImport:
    """Read a 工程表 sheet against `plan`; return its measures and every problem found.

    A wrong header is reported and the rows are still checked, by the columns that could be read.
    `progress`, if given, is called now and then with the share of rows read (0.0–1.0). However many
    problems the sheet has, the first MAX_PROBLEMS are kept and the others counted (core/import_problems.py).
    """
    context = {"plan": plan, "organization": plan.organization_id}  # an id: lookups narrow by it, no query
    parsed = parse_table(roadmap_table(plan), sheet, context, progress=progress)
    return RoadmapImport(parsed.result, parsed.problems, parsed.problem_count)


def _measures_of(rows: list[TableRow], problem, context: dict) -> list[ImportedMeasure]:
    """Group the rows into measures: rows with one 施策番号 are the lanes of one measure."""
    by_key: dict[str, ImportedMeasure] = {}
    measures: list[ImportedMeasure] = []
    for parsed in rows:
        values, row = parsed.values, parsed.row
        number = values["number"] or ""
        area_title, title = values["area"] or "", values["title"] or ""
        spans = [ImportedSpan(*span) for span in values["spans"]]
        note = values["note"] or ""
        key = number or f"new:{area_title}:{title}"
        existing = by_key.get(key)
        if existing is None:
            owners = values["departments"]
            if OWNERS_FIELD.required and not owners and "departments" not in parsed.failed:
                problem(row, 4, str(OWNERS_FIELD.error_messages["required"]))
            imported = ImportedMeasure(row, number, area_title, title, owners, note, spans)
            by_key[key] = imported
            measures.append(imported)
            continue
        if (existing.area_title, existing.title) != (area_title, title):
            # Rows with one number are the lanes of one measure; another 施策名 or area makes it a second
            # measure under a number already taken.
            problem(
                row,
                1,
                _(
                    "施策番号「%(number)s」が重複しています（%(first)s行目の施策と施策名・重点取組事項が違います）。"
                    "同じ施策の工程を複数の行に書くときは、施策番号・重点取組事項・施策名をそろえてください。"
                )
                % {"number": quoted(number), "first": existing.row},
            )
        existing.spans.extend(spans)
        if note and not existing.note:
            existing.note = note
    return measures
