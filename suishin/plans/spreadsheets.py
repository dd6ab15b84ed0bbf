"""The 工程表 as a town files it: one sheet, Japanese headers, spans as merged cells, the plan's levels as columns.

Declared as a table of the tabular module (suishin/tabular/): a narrow ID (the measure's stable id), one
column per level of the plan headed by the level's name (柱, 大項目, 中項目; 上里町: 重点取組事項; none in a
flat plan), each cell the item as the plan prints it (「① 市民サービス改革」), then 施策番号, the leaf's name
(施策, 個別項目), 担当課 and 段階, one column per fiscal year of the plan (`RoadmapYears`, the custom part: a
span is a merged run of year cells on one row, a single cell a one-year span), then 参考・備考. A measure
with overlapping spans takes several rows (lanes) with the same ID.

Export writes it; import reads the same layout back, reports every problem by row and column, and
changes nothing: `roadmap_import.roadmap_import_apply` applies a problem-free import in one transaction.
The import resolves each row's level cells top down into items (`_ItemResolver`: by label, else by
number then renamed, else by title then renumbered, else a new item) and its measure by ID, else by its
number under its item, else as a new measure.

A plan of one level also takes a file of the layout before levels (`previous_roadmap_table`: 施策番号,
重点取組事項, 施策, 担当課, the years, 参考・備考; no ID, no 段階), exported before the plans had levels and
edited since: its rows are resolved the same way into the same structures, each measure found by its
number (under its item, else anywhere in the plan), its 段階 left as the plan has it.
"""

import bisect
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from suishin.core.import_problems import ImportProblem, quoted
from suishin.core.spreadsheets import cell_text
from suishin.core.wareki import WarekiError, fiscal_year_label, parse_fiscal_year, wareki_fiscal_year
from suishin.tabular.columns import ChoiceColumn, LookupColumn, TextColumn, headers_in_every_language, text_of
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
from .models import DEFAULT_LEAF_NAME, Measure, MeasureDepartment, Plan, PlanItem, RoadmapEntry, Stage, item_label
from .numbering import CIRCLED, Numbered, PlanNumbers, path_text
from .selectors import roadmap_lanes

NOTE_HEADER = "参考・備考"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
# Columns before the levels (ID) and after them (施策番号, the leaf, 担当課, 段階) up to the first year.
COLUMNS_BEFORE_LEVELS, COLUMNS_AFTER_LEVELS = 1, 4
FIRST_YEAR_COLUMN = COLUMNS_BEFORE_LEVELS + 1 + COLUMNS_AFTER_LEVELS + 1  # of a plan with one level (上里町)
ITEM_NUMBER_LENGTH = PlanItem._meta.get_field("number").max_length
ITEM_TITLE_LENGTH = PlanItem._meta.get_field("title").max_length
MEASURE_NUMBER_LENGTH = Measure._meta.get_field("number").max_length
# The measure form's rule for 担当課 (required, with its message): a file and the form say the same.
OWNERS_FIELD = MeasureForm.base_fields["departments"]
SPAN_STYLES = {
    "工程表 年度": {},
    "工程表 取組": {
        "fill": PatternFill("solid", fgColor="C5D7FB"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    },
}
# What a level cell's leading number may look like (「①」「(1)」「（1）」「1」「1-2-3」「Ⅳ」): the text before
# the first space is read as the item's number only when it does.
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_NUMBER_TOKEN = re.compile(rf"(?:[0-9０-９]+(?:[-－‐][0-9０-９]+)*|[{CIRCLED}]|[(（][0-9０-９]+[)）]|[{_ROMAN}])")


def level_keys(depth: int) -> list[str]:
    return [f"level{level}" for level in range(1, depth + 1)]


@dataclass(frozen=True)
class RoadmapColumns:
    """Where each column of a plan's 工程表 sits (1-based), given the plan's number of levels."""

    depth: int

    @property
    def id(self) -> int:
        return 1

    def level(self, level: int) -> int:
        return COLUMNS_BEFORE_LEVELS + level

    @property
    def number(self) -> int:
        return COLUMNS_BEFORE_LEVELS + self.depth + 1

    @property
    def title(self) -> int:
        return self.number + 1

    @property
    def departments(self) -> int:
        return self.number + 2

    @property
    def stage(self) -> int:
        return self.number + 3

    @property
    def first_year(self) -> int:
        return self.number + COLUMNS_AFTER_LEVELS


def roadmap_columns(plan: Plan) -> RoadmapColumns:
    return RoadmapColumns(plan.depth)


class PreviousRoadmapColumns:
    """Where each column sits in a 工程表 of the layout before levels (施策番号 | 重点取組事項 | 施策 | 担当課 |
    years | 参考・備考): no ID, no 段階, one level."""

    id = None
    stage = None
    number = 1
    title = 3
    departments = 4
    first_year = 5
    depth = 1

    def level(self, level: int) -> int:
        return 2


PREVIOUS_COLUMNS = PreviousRoadmapColumns()
# The headers of that layout, before the years (as it wrote them, in any configured language).
PREVIOUS_HEADERS = (
    gettext_lazy("施策番号"),
    gettext_lazy("重点取組事項"),
    gettext_lazy("施策"),
    gettext_lazy("担当課"),
)


def split_label(text: str) -> tuple[str, str]:
    """Read a level cell as (number, title): 「① 市民サービス改革」 → ("①", "市民サービス改革"); a text whose first
    word is not a number, or that has no space, is a title alone."""
    parts = re.split(r"[ \u3000]", text, maxsplit=1)
    if len(parts) == 2 and parts[1].strip() and _NUMBER_TOKEN.fullmatch(parts[0]):
        return parts[0], parts[1].strip()
    return "", text


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


def leaf_label(plan: Plan) -> str:
    """The leaf column's name in messages: 「施策名」, 「個別項目名」."""
    return _("%(leaf)s名") % {"leaf": plan.leaf_name}


def roadmap_table(plan: Plan) -> Table:
    """Return the 工程表's declaration for `plan`: its level columns follow its levels, its year columns its period."""
    levels = tuple(
        TextColumn(
            key=key,
            header=name,
            required=True,
            required_message=_("%(level)sを入力してください。") % {"level": name},
            width=24,
            max_length=ITEM_NUMBER_LENGTH + 1 + ITEM_TITLE_LENGTH,
        )
        for key, name in zip(level_keys(plan.depth), plan.level_names, strict=True)
    )
    return Table(
        name="工程表",
        title=lambda context: f"{plan.title} 工程表",
        frozen_columns=roadmap_columns(plan).title,
        landscape=True,
        header_height=32,
        one_row_per_key=False,  # a measure's lanes share its ID: grouped in `_resolve_rows`
        check_rows=_resolve_rows,
        parts=(
            LookupColumn(
                key="id",
                header=gettext_lazy("ID"),
                identifies=True,
                width=7,
                find=lambda context: {str(pk): pk for pk in context["state"].measures},
                missing=gettext_lazy(
                    "ID「%(text)s」はこの計画の施策ではありません。新しい施策はIDを空欄にしてください。"
                ),
            ),
            *levels,
            TextColumn(
                key="number",
                # 神戸市's 「個別項目番号」; today's plans keep 「施策番号」 (translated with the rest of the headers).
                header=gettext_lazy("施策番号") if plan.leaf_name == DEFAULT_LEAF_NAME else f"{plan.leaf_name}番号",
                width=10,
                max_length=MEASURE_NUMBER_LENGTH,
            ),
            TextColumn(
                key="title",
                header=plan.leaf_name,
                label=leaf_label(plan),
                required=True,
                width=30,
                max_length=Measure._meta.get_field("title").max_length,
                too_long=gettext_lazy("%(label)sが長すぎます（%(n)s文字以内）。"),
            ),
            # Required for a measure's first row only (the form's rule, checked in `_resolve_rows`).
            DepartmentColumn(key="departments", header=gettext_lazy("担当課"), by="name", many=True, width=16),
            ChoiceColumn(key="stage", header=gettext_lazy("段階"), choices=tuple(Stage.choices), width=14),
            RoadmapYears(plan),
            TextColumn(key="note", header=gettext_lazy("参考・備考"), width=28),
        ),
    )


def previous_roadmap_table(plan: Plan) -> Table:
    """Return the 工程表's declaration in the layout before levels, for reading a file of that layout back into
    a plan of one level: its one level is the 重点取組事項 column, its measures found by 施策番号."""
    (level_name,) = plan.level_names
    return Table(
        name="工程表",
        title=lambda context: f"{plan.title} 工程表",
        one_row_per_key=False,  # a measure's lanes share its number: grouped in `_resolve_rows`
        check_rows=_resolve_rows,
        parts=(
            TextColumn(key="number", header=PREVIOUS_HEADERS[0], max_length=MEASURE_NUMBER_LENGTH),
            TextColumn(
                key="level1",
                header=PREVIOUS_HEADERS[1],
                required=True,
                required_message=_("%(level)sを入力してください。") % {"level": level_name},
                max_length=ITEM_NUMBER_LENGTH + 1 + ITEM_TITLE_LENGTH,
            ),
            TextColumn(
                key="title",
                header=PREVIOUS_HEADERS[2],
                label=gettext_lazy("施策名"),
                required=True,
                max_length=Measure._meta.get_field("title").max_length,
                too_long=gettext_lazy("%(label)sが長すぎます（%(n)s文字以内）。"),
            ),
            DepartmentColumn(key="departments", header=PREVIOUS_HEADERS[3], by="name", many=True),
            RoadmapYears(plan),
            TextColumn(key="note", header=gettext_lazy("参考・備考")),
        ),
    )


def is_previous_layout(plan: Plan, grid: SheetGrid) -> bool:
    """Whether the sheet's header row is exactly the layout before levels for the plan's years: 施策番号,
    重点取組事項, 施策, 担当課, one column per fiscal year of the plan in order, 参考・備考."""
    headers = [text_of(grid.value(HEADER_ROW, column)) for column in range(1, len(PREVIOUS_HEADERS) + 1)]
    if any(text not in headers_in_every_language(name) for text, name in zip(headers, PREVIOUS_HEADERS, strict=True)):
        return False
    first_year = PREVIOUS_COLUMNS.first_year
    for offset, year in enumerate(plan.fiscal_years):
        try:
            found = parse_fiscal_year(text_of(grid.value(HEADER_ROW, first_year + offset)).replace("\n", ""))
        except WarekiError:
            return False
        if found != year:
            return False
    note = text_of(grid.value(HEADER_ROW, first_year + len(plan.fiscal_years)))
    return note in headers_in_every_language(gettext_lazy("参考・備考"))


@dataclass(slots=True)
class _Span:
    id: int
    label: str
    start_fy: int
    end_fy: int
    position: int


def roadmap_rows(plan: Plan):
    """Yield the 工程表's rows: one per lane of each measure, items (top down) and measures in their order.

    Four queries whatever the plan's size or depth: its items, measures, owners and spans.
    """
    own = plan.organization_id
    depth = plan.depth
    keys = level_keys(depth)
    items = {
        pk: (parent_id, level, item_label(number, title))
        for pk, parent_id, level, number, title in PlanItem.objects.for_organization(own)
        .filter(plan=plan)
        .order_by("level", "position", "id")
        .values_list("pk", "parent_id", "level", "number", "title")
    }
    children: dict[int | None, list[int]] = {}
    for pk, (parent_id, _level, _label) in items.items():
        children.setdefault(parent_id if parent_id in items else None, []).append(pk)
    measures: dict[int | None, list[tuple]] = {}
    for values in (
        Measure.objects.for_organization(own)
        .filter(plan=plan)
        .order_by("position", "number", "id")
        .values_list("pk", "item_id", "number", "title", "stage", "national_kpi_note")
    ):
        measures.setdefault(values[1] if values[1] in items else None, []).append(values)
    measure_ids = [values[0] for group in measures.values() for values in group]
    owners: dict[int, list[str]] = {pk: [] for pk in measure_ids}
    for measure_id, name in (
        MeasureDepartment.objects.for_organization(own)
        .filter(measure_id__in=measure_ids)
        .order_by("measure_id", "department__position", "department__code")
        .values_list("measure_id", "department__name")
    ):
        owners[measure_id].append(name)
    spans: dict[int, list[_Span]] = {pk: [] for pk in measure_ids}
    for pk, measure_id, label, start_fy, end_fy, position in (
        RoadmapEntry.objects.for_organization(own)
        .filter(measure_id__in=measure_ids)
        .values_list("pk", "measure_id", "label", "start_fy", "end_fy", "position")
    ):
        spans[measure_id].append(_Span(pk, label, start_fy, end_fy, position))

    def rows_of(item_id: int | None, cells: dict):
        for pk, _item_id, number, title, stage, note in measures.get(item_id, ()):
            for lane in roadmap_lanes(spans[pk]):
                yield {
                    "id": pk,
                    **cells,
                    "number": number,
                    "title": title,
                    "departments": owners[pk],
                    "stage": stage or None,
                    "spans": [(span.label, span.start_fy, span.end_fy) for span in lane],
                    "note": note,
                }

    yield from rows_of(None, {})  # a flat plan's measures (or any not under an item of the plan)
    stack = [(pk, {}) for pk in reversed(children.get(None, []))]
    while stack:
        pk, above = stack.pop()
        _parent_id, level, label = items[pk]
        cells = {**above, keys[level - 1]: label} if level <= depth else above
        yield from rows_of(pk, cells)
        stack.extend((child, cells) for child in reversed(children.get(pk, [])))


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
class ImportedItem:
    """An item as the file leaves it: an existing one (`pk`) or a new one, by `key` (the pk, or a negative
    number for a new item) under its parent's key."""

    key: int
    pk: int | None
    parent_key: int | None
    level: int
    number: str
    title: str
    position: int
    row: int | None = None  # where the file first names it
    column: int | None = None
    text: str | None = None  # how it names it
    stored: tuple[str, str] | None = None  # (number, title) as the plan has them, for an existing item

    @property
    def changed(self) -> bool:
        return self.stored is not None and self.stored != (self.number, self.title)


@dataclass
class ImportedMeasure:
    row: int
    pk: int | None  # None: a new measure
    item_key: int | None  # the key of its ImportedItem; None in a plan without levels
    number: str
    title: str
    department_ids: list[int]
    stage: str
    note: str
    spans: list[ImportedSpan] = field(default_factory=list)


@dataclass
class RoadmapImport:
    measures: list[ImportedMeasure]
    problems: list[ImportProblem]  # at most MAX_PROBLEMS, then one line with the number left out
    problem_count: int = 0  # every problem found, kept or not
    items: list[ImportedItem] = field(default_factory=list)  # the new and the changed items, parents first


@dataclass
class _PlanState:
    """The plan's items and measures as the import reads them against (two queries)."""

    items: dict[int, tuple]  # pk → (parent_id, level, number, title, position)
    measures: dict[int, tuple]  # pk → (item_id, number)
    stages: dict[int, str] = field(default_factory=dict)  # pk → 段階, kept by a file without the column

    @classmethod
    def load(cls, plan: Plan) -> "_PlanState":
        own = plan.organization_id
        items = {
            values[0]: values[1:]
            for values in PlanItem.objects.for_organization(own)
            .filter(plan=plan)
            .order_by("level", "position", "id")
            .values_list("pk", "parent_id", "level", "number", "title", "position")
        }
        measures, stages = {}, {}
        for pk, item_id, number, stage in (
            Measure.objects.for_organization(own).filter(plan=plan).values_list("pk", "item_id", "number", "stage")
        ):
            measures[pk], stages[pk] = (item_id, number), stage
        return cls(items, measures, stages)


def parse_roadmap_sheet(plan: Plan, sheet: SheetGrid, progress=None) -> RoadmapImport:
    """Read a 工程表 sheet against `plan`; return its items and measures and every problem found.

    A wrong header is reported and the rows are still checked, by the columns that could be read.
    `progress`, if given, is called now and then with the share of rows read (0.0–1.0). However many
    problems the sheet has, the first MAX_PROBLEMS are kept and the others counted (core/import_problems.py).
    """
    table, columns = roadmap_table(plan), roadmap_columns(plan)
    if is_previous_layout(plan, sheet):
        if plan.depth != 1:
            message = _(
                "この工程表は計画に階層ができる前の様式（施策番号・重点取組事項・施策・担当課…）で、"
                "この様式で取り込めるのは階層が一つの計画だけです。"
                "この計画の工程表をダウンロードし直し、その様式に入力してください。"
            )
            return RoadmapImport([], [ImportProblem(HEADER_ROW, None, message)], 1)
        table, columns = previous_roadmap_table(plan), PREVIOUS_COLUMNS
    state = _PlanState.load(plan)
    # The organization as an id: lookups narrow by it, no query.
    context = {"plan": plan, "organization": plan.organization_id, "state": state, "columns": columns}
    parsed = parse_table(table, sheet, context, progress=progress)
    items, measures = parsed.result or ([], [])
    return RoadmapImport(measures, parsed.problems, parsed.problem_count, items)


class _ItemResolver:
    """Finds or makes the item a level cell names under its parent: the child whose label is the text; else
    the child with the text's leading number, renamed; else the child with its title, renumbered; else a new
    item numbered as written. Each item may be named one way only in a file."""

    def __init__(self, plan: Plan, state: _PlanState, problem, keep_numbers: bool = False):
        # keep_numbers: a cell without a number found by its title leaves the item's number (the layout before
        # levels wrote titles alone).
        self.plan, self.problem, self.keep_numbers = plan, problem, keep_numbers
        self.nodes: dict[int, ImportedItem] = {}
        self.by_label: dict[tuple, int] = {}
        self.by_number: dict[tuple, int] = {}
        self.by_title: dict[tuple, int] = {}
        self.last_position: dict[int | None, int] = {}
        self.resolved: dict[tuple, int] = {}  # (parent key, text) → key
        self.new: list[ImportedItem] = []
        for pk, (parent_id, level, number, title, position) in state.items.items():
            self._index(ImportedItem(pk, pk, parent_id, level, number, title, position, stored=(number, title)))

    def _index(self, node: ImportedItem) -> None:
        self.nodes[node.key] = node
        parent = node.parent_key
        self.by_label.setdefault((parent, item_label(node.number, node.title)), node.key)
        if node.number:
            self.by_number.setdefault((parent, node.number), node.key)
        self.by_title.setdefault((parent, node.title), node.key)
        self.last_position[parent] = max(self.last_position.get(parent, 0), node.position)

    def resolve(self, parent: int | None, level: int, text: str, row: int, column: int) -> int:
        known = self.resolved.get((parent, text))
        if known is not None:
            return known
        number, title = split_label(text)
        key = self.by_label.get((parent, text))
        if key is None:
            by_number = self.by_number.get((parent, number)) if number else None
            by_title = self.by_title.get((parent, title))
            # A title names an item better than a number, which follows the order: 「② 柱1」 where 柱1 is ① and
            # 柱2 is ② is 柱1 renumbered (two items swapping numbers), not 柱2 renamed.
            if by_title is not None and self.nodes[by_title].text is None:
                key = by_title
                if number or not self.keep_numbers:
                    self.nodes[key].number = number  # renumbered
            elif by_number is not None and self.nodes[by_number].text is None:
                key = by_number
                self.nodes[key].title = title  # renamed
            else:
                key = by_title if by_title is not None else by_number  # named twice: reported below
        if key is None:
            self._check_lengths(level, number, title, row, column)
            position = self.last_position.get(parent, 0) + 1
            key = -(len(self.new) + 1)
            node = ImportedItem(key, None, parent, level, number, title, position)
            self.new.append(node)
            self._index(node)
        node = self.nodes[key]
        if node.text is None:
            node.row, node.column, node.text = row, column, text
            self._check_lengths(level, node.number, node.title, row, column)
        elif node.text != text:
            self.problem(
                row,
                column,
                _(
                    "%(level)s「%(text)s」は%(row)s行目の「%(other)s」と同じ項目です。同じ項目は同じ書き方にしてください。"
                )
                % {
                    "level": self.plan.level_names[level - 1],
                    "text": quoted(text),
                    "row": node.row,
                    "other": quoted(node.text),
                },
            )
        self.resolved[(parent, text)] = key
        return key

    def _check_lengths(self, level: int, number: str, title: str, row: int, column: int) -> None:
        name = self.plan.level_names[level - 1]
        if len(number) > ITEM_NUMBER_LENGTH:
            message = _("%(level)sの番号が長すぎます（%(n)s文字以内）。")
            self.problem(row, column, message % {"level": name, "n": ITEM_NUMBER_LENGTH})
        if len(title) > ITEM_TITLE_LENGTH:
            message = _("%(level)sの名前が長すぎます（%(n)s文字以内）。")
            self.problem(row, column, message % {"level": name, "n": ITEM_TITLE_LENGTH})

    def check_titles(self) -> None:
        """Refuse two children of one parent with one title, where the file named or renamed one of them."""
        by_title: dict[tuple, list[ImportedItem]] = {}
        for node in self.nodes.values():
            by_title.setdefault((node.parent_key, node.title), []).append(node)
        for (_parent, title), nodes in by_title.items():
            if len(nodes) < 2:
                continue
            for node in nodes:
                if node.row is not None and (node.pk is None or node.changed):
                    self.problem(
                        node.row,
                        node.column,
                        _("%(level)s「%(title)s」と同じ名前の項目が同じ上位の項目の下にあります。")
                        % {"level": self.plan.level_names[node.level - 1], "title": quoted(title)},
                    )

    def touched(self) -> list[ImportedItem]:
        """The new and the changed items, parents before children."""
        return sorted((n for n in self.nodes.values() if n.pk is None or n.changed), key=lambda n: n.level)


def _resolve_rows(rows: list[TableRow], problem, context: dict):
    """Resolve the rows into items and measures: rows of one measure (by ID, or by number under one item) are
    its lanes. Return (the new and changed items, the measures).

    A file of the layout before levels (`context["columns"]` is PREVIOUS_COLUMNS) has no ID: a number names a
    measure of the plan (under the row's item, else anywhere in the plan: moved), and an unknown one is
    refused as it was then; with no 段階 column, a measure keeps its stage and a new one has none."""
    plan, state = context["plan"], context["state"]
    columns = context.get("columns") or roadmap_columns(plan)
    previous = columns.id is None
    keys = level_keys(plan.depth)
    resolver = _ItemResolver(plan, state, problem, keep_numbers=previous)
    by_path = {(item_id, number): pk for pk, (item_id, number) in state.measures.items() if number}
    by_number: dict[str, list[int]] = {}
    if previous:
        for pk, (_item_id, number) in state.measures.items():
            if number:
                by_number.setdefault(number, []).append(pk)
    groups: dict[tuple, ImportedMeasure] = {}
    measures: list[ImportedMeasure] = []
    what = "・".join([leaf_label(plan), *plan.level_names])
    for parsed in rows:
        values, row = parsed.values, parsed.row
        if any(not values.get(key) for key in keys):
            continue  # a level left blank, reported by its column: the row belongs nowhere
        item_key = None
        for level, key in enumerate(keys, start=1):
            item_key = resolver.resolve(item_key, level, values[key], row, columns.level(level))
        number, title = values["number"] or "", values["title"] or ""
        spans = [ImportedSpan(*span) for span in values["spans"]]
        note = values["note"] or ""
        pk = values.get("id") if "id" not in parsed.failed else None
        if pk is None and number and (item_key is None or item_key > 0):
            pk = by_path.get((item_key, number))
        if previous and pk is None and number:
            if "number" in parsed.failed:
                continue  # a number too long, reported by its column
            found = by_number.get(number, [])
            if len(found) != 1:
                if found:
                    message = _(
                        "施策番号「%(text)s」の施策がこの計画に%(n)s件あり、どれか決まりません。"
                        "%(level)sをその施策のものにしてください。"
                    ) % {"text": quoted(number), "n": len(found), "level": plan.level_names[0]}
                else:
                    message = _(
                        "施策番号「%(text)s」はこの計画にありません。新しい施策は番号を空欄にしてください。"
                    ) % {"text": quoted(number)}
                problem(row, columns.number, message)
                continue
            pk = found[0]
        if "stage" in values:
            stage = values["stage"] or ""
        else:  # no 段階 column: a measure keeps its stage, a new one has none
            stage = state.stages.get(pk, "") if pk is not None else ""
        group = ("measure", pk) if pk is not None else ("path", item_key, number or None, None if number else title)
        existing = groups.get(group)
        if existing is None:
            owners = values["departments"]
            if OWNERS_FIELD.required and not owners and "departments" not in parsed.failed:
                problem(row, columns.departments, str(OWNERS_FIELD.error_messages["required"]))
            imported = ImportedMeasure(row, pk, item_key, number, title, owners, stage, note, spans)
            groups[group] = imported
            measures.append(imported)
            continue
        if (existing.item_key, existing.title, existing.number) != (item_key, title, number):
            # Rows of one measure are its lanes; another 施策名 or item makes it a second measure where one is.
            if previous:
                message = _(
                    "施策番号「%(number)s」が重複しています（%(first)s行目の施策と施策名・重点取組事項が違います）。"
                    "同じ施策の工程を複数の行に書くときは、施策番号・重点取組事項・施策名をそろえてください。"
                ) % {"number": quoted(number), "first": existing.row}
                problem(row, columns.number, message)
            elif values["id"] is not None and "id" not in parsed.failed:
                message = _(
                    "ID「%(id)s」の施策が%(first)s行目にもあり、%(what)s・施策番号が違います。"
                    "同じ施策の工程を複数の行に書くときは、これらをそろえてください。"
                ) % {"id": pk, "first": existing.row, "what": what}
                problem(row, columns.id, message)
            else:
                message = _(
                    "施策番号「%(number)s」が重複しています（%(first)s行目の施策と%(what)sが違います）。"
                    "同じ施策の工程を複数の行に書くときは、ID・施策番号・%(what)sをそろえてください。"
                ) % {"number": quoted(number), "first": existing.row, "what": what}
                problem(row, columns.number, message)
        existing.spans.extend(spans)
        if note and not existing.note:
            existing.note = note
    resolver.check_titles()
    _check_paths(state, resolver, measures, problem, columns)
    return resolver.touched(), measures


def _check_paths(state: _PlanState, resolver: _ItemResolver, measures: list, problem, columns) -> None:
    """Refuse numbers taken twice as a full path once the file is applied; propose numbers for new measures
    left without one (numbering.py, in the style of their siblings). `columns`: where the file's columns sit."""
    items = {
        key: Numbered(key, node.parent_key, node.number, node.level, node.position)
        for key, node in resolver.nodes.items()
    }
    in_file = {m.pk for m in measures if m.pk is not None}
    kept = [(pk, item_id, number) for pk, (item_id, number) in state.measures.items() if pk not in in_file]
    numbers = PlanNumbers(items, [*kept, *((m.pk or 0, m.item_key, m.number) for m in measures)])
    holders: dict[tuple, list] = {}  # full path → what holds it: an ImportedItem, an ImportedMeasure or None
    for node in resolver.nodes.values():
        if node.number:
            holders.setdefault(numbers.item_path(node.key), []).append(node)
    for _pk, item_id, number in kept:
        if number:
            holders.setdefault(numbers.path(item_id, number), []).append(None)
    for imported in measures:
        if imported.number:
            holders.setdefault(numbers.path(imported.item_key, imported.number), []).append(imported)
    # What the file places anew: a new or changed item, a new measure or one renumbered or moved.
    anew = {id(node) for node in resolver.nodes.values() if node.pk is None or node.changed}
    anew.update(id(m) for m in measures if m.pk is None or state.measures[m.pk] != (m.item_key, m.number))
    for path, found in holders.items():
        numbers.taken_paths[path] = len(found)
        if len(found) > 1:
            _report_taken(path, found, anew, columns, problem)
    for imported in measures:
        if imported.pk is None and not imported.number:
            imported.number = numbers.propose_measure(imported.item_key)


def _report_taken(path: tuple, found: list, anew: set, columns, problem) -> None:
    """Report a full path held twice at each row of the file that places a holder anew (or, when none
    does, an ancestor renumbered, at the first row that holds it)."""
    in_file = [holder for holder in found if holder is not None and holder.row is not None]
    rows = sorted({holder.row for holder in in_file})
    for holder in [h for h in in_file if id(h) in anew] or in_file[:1]:
        is_item = isinstance(holder, ImportedItem)
        others = [str(row) for row in rows if row != holder.row]
        where = _("（%(rows)s行目にもあります）") % {"rows": "、".join(others)} if others else ""
        values = {"number": path_text(path), "where": where}
        if is_item:
            message = _("番号「%(number)s」はこの計画で既に使われています%(where)s。")
            problem(holder.row, holder.column, message % values)
        else:
            message = _("施策番号「%(number)s」はこの計画で既に使われています%(where)s。")
            problem(holder.row, columns.number, message % values)
