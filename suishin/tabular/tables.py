"""A declared table: one list of columns drives the export, the import template, parsing and validation.

    DEPARTMENTS = Table(name="組織一覧", parts=(
        TextColumn(key="code", header=_("組織コード"), identifies=True, required=True, max_length=20),
        TextColumn(key="name", header=_("組織名"), unique=True, required=True, max_length=100),
        TextColumn(key="parent", header=_("上位組織コード")),
    ))
    table_xlsx_bytes(DEPARTMENTS, rows, context)         # export; rows are dicts by column key
    table_csv_bytes(DEPARTMENTS, rows, context)          # the same as CSV, UTF-8 with BOM
    table_xlsx_bytes(DEPARTMENTS, [], context)           # the import template: headers only
    parse_table(DEPARTMENTS, read_table_grid(data), context)  # every row, every problem

Columns sit where the template puts them: the header row must name them in that order (in any
configured language), and a cell's problems are reported by row and column. A `ColumnGroup` is a run
of columns the declaration cannot fix in advance (the 工程表's fiscal years, with spans as merged
cells); it reads and writes its own cells. Parsing changes nothing: the app's service applies a
problem-free import in one transaction (and a job does it for files sent from a page: `jobs.py`).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from suishin.core.import_problems import ImportProblem, ProblemCollector, quoted
from suishin.core.spreadsheets import cell_text

from .columns import CellProblem, Column, text_of
from .uploads import UploadError
from .xlsx_reader import SheetGrid

MAX_ROWS_NAMED = 5  # rows named in one message about a duplicate


class TableFileError(UploadError):
    """The file cannot be read as this table at all (its header row names none of the columns, say)."""


@dataclass
class TableRow:
    row: int  # the row of the sheet (or record of the CSV), as the user's program numbers it
    values: dict  # column key → value read (None for an empty cell)
    failed: set = field(default_factory=set)  # keys of the cells that had a problem


@dataclass
class TableImport:
    rows: list[TableRow]
    problems: list[ImportProblem]  # at most MAX_PROBLEMS, then one line with the number left out
    problem_count: int = 0  # every problem found, kept or not
    result: object = None  # what the table's `check_rows` returned (the rows grouped as the app needs)


Problem = Callable[[int | None, int | None, str], None]


class GroupReader:
    """A column group's reader for one file, made by `ColumnGroup.locate` once the header row is read."""

    last: int  # the group's last column (first - 1 when it has none)
    handles_merged = False  # whether it checks the merged ranges of the data rows itself

    def check_merged(self, grid: SheetGrid, first_data_row: int, problem: Problem) -> None:
        """Check the sheet's merged ranges (called only when `handles_merged`)."""

    def read(self, row: int, values: list, problem: Problem):
        """Return the group's value for a data row; `values[c - 1]` is column c's cell."""
        raise NotImplementedError


class ColumnGroup:
    """A run of columns whose number the declaration cannot fix (one per fiscal year of a plan, say)."""

    key: str
    styles: dict = {}  # named styles the group's cells use, as in Table.styles  # noqa: RUF012

    def export_headers(self) -> list[str]:
        raise NotImplementedError

    def widths(self) -> list[float]:
        raise NotImplementedError

    def locate(self, headers: dict[int, str], first: int, stop: frozenset, header_row: int, problem: Problem):
        """Return a GroupReader for the columns from `first` up to the one whose header is in `stop` (the
        next column's header) or the last header; report header problems."""
        raise NotImplementedError

    def write(self, sheet, row: int, first: int, value, table: "Table") -> None:
        """Write the group's cells of one exported row."""
        raise NotImplementedError


_thin = Side(style="thin", color="666666")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="E8F1FE"),
    "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
}
ITEM_STYLE = {"alignment": Alignment(vertical="top", wrap_text=True)}


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table as users exchange it: `parts` are Columns and ColumnGroups, left to right.

    `title` (from the context) puts a title row above the header row. `one_row_per_key`: two rows with
    the same identifying values are refused (the 工程表 instead writes a measure's lanes on several rows
    and groups them in `check_rows`). `check_rows(rows, problem, context)` checks across rows and may
    return the rows grouped as the app's service takes them (`TableImport.result`).
    """

    name: str  # the sheet's name, and the prefix of its named styles
    parts: tuple
    title: Callable[[dict], str] | None = None
    frozen_columns: int = 0  # columns that stay in view when scrolling right
    landscape: bool = False
    header_height: float | None = None
    one_row_per_key: bool = True
    check_rows: Callable | None = None

    @property
    def header_row(self) -> int:
        return 2 if self.title is not None else 1

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def columns(self) -> list[Column]:
        return [part for part in self.parts if isinstance(part, Column)]

    def style(self, kind: str) -> str:
        return f"{self.name} {kind}"


# --- export -----------------------------------------------------------------------------------------


def table_workbook(table: Table, rows: Iterable[dict], context: dict) -> Workbook:
    """Return a workbook of one sheet: the title row if any, the header row, then one row per dict of `rows`."""
    workbook = Workbook()
    styles = {table.style("見出し"): HEADER_STYLE, table.style("項目"): ITEM_STYLE}
    for part in table.parts:
        if isinstance(part, ColumnGroup):
            styles.update(part.styles)
    for name, parts in styles.items():
        workbook.add_named_style(NamedStyle(name=name, border=BORDER, **parts))
    sheet = workbook.active
    sheet.title = table.name
    headers: list[str] = []
    widths: list[float] = []
    for part in table.parts:
        if isinstance(part, ColumnGroup):
            headers += part.export_headers()
            widths += part.widths()
        else:
            headers.append(str(part.header))
            widths.append(part.width)
    last_column = len(headers)
    header_row = table.header_row
    if table.title is not None:
        sheet.cell(1, 1, cell_text(table.title(context))).font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    header_style, item_style = table.style("見出し"), table.style("項目")
    for column, text in enumerate(headers, start=1):
        sheet.cell(header_row, column, cell_text(text)).style = header_style
    row = table.first_data_row
    for values in rows:
        column = 1
        for part in table.parts:
            if isinstance(part, ColumnGroup):
                part.write(sheet, row, column, values.get(part.key), table)
                column += len(part.export_headers())
            else:
                written = sheet.cell(row, column, cell_text(part.export_value(values.get(part.key))))
                written.style = item_style
                if part.number_format is not None:
                    written.number_format = part.number_format
                column += 1
        row += 1
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if table.header_height is not None:
        sheet.row_dimensions[header_row].height = table.header_height
    sheet.freeze_panes = sheet.cell(table.first_data_row, table.frozen_columns + 1)
    sheet.print_area = f"A1:{get_column_letter(last_column)}{max(row - 1, header_row)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_xlsx_bytes(table: Table, rows: Iterable[dict], context: dict) -> bytes:
    """Return the table as a .xlsx file; with no rows, the import template."""
    return workbook_bytes(table_workbook(table, rows, context))


def table_csv_bytes(table: Table, rows: Iterable[dict]) -> bytes:
    """Return the table as CSV: UTF-8 with a BOM (so that Excel reads it as UTF-8), CRLF line endings.

    Every cell is written as an exported cell is (`cell_text`: never a formula). With no rows, the template.
    """
    if any(isinstance(part, ColumnGroup) for part in table.parts):
        raise ValueError(f"{table.name}: a table with column groups is exchanged as .xlsx only")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = table.columns
    writer.writerow([cell_text(str(column.header)) for column in columns])
    for values in rows:
        writer.writerow([_csv_cell(column.export_value(values.get(column.key))) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return str(cell_text(value if isinstance(value, str) else str(value)))


# --- import -----------------------------------------------------------------------------------------


def parse_table(table: Table, grid: SheetGrid, context: dict, progress=None) -> TableImport:
    """Read `grid` as `table`; return every row and every problem, by row and column. Change nothing.

    `progress`, if given, is called now and then with the share of rows read (0.0–1.0). The first
    MAX_PROBLEMS problems are kept and the others counted (core/import_problems.py). Raise TableFileError
    when the header row names none of the table's columns: the file is not this table.
    """
    problems = ProblemCollector()
    problem = problems.add
    header_row, first_data_row = table.header_row, table.first_data_row
    values = grid.values
    # One pass over the cells (a sheet of 500 rows holds thousands): the header row's, and the data rows.
    headers: dict[int, str] = {}
    data_rows: set[int] = set()
    for cell_position in values:
        row = cell_position[0]
        if row >= first_data_row:
            data_rows.add(row)
        elif row == header_row:
            headers[cell_position[1]] = text_of(values[cell_position])

    # Where each part is: the columns in the declared order, a group as wide as its headers say.
    layout: list[tuple] = []  # (part, first column, group reader or None)
    position, matched, missing = 1, 0, set()
    parts = table.parts
    for index, part in enumerate(parts):
        if isinstance(part, ColumnGroup):
            following = parts[index + 1] if index + 1 < len(parts) else None
            stop = following.accepted_headers() if isinstance(following, Column) else frozenset()
            reader = part.locate(headers, position, stop, header_row, problem)
            layout.append((part, position, reader))
            position = reader.last + 1
            if following is not None and headers.get(position, "") not in stop:
                problem(header_row, None, _("見出し「%(header)s」の列がありません。") % {"header": following.header})
                missing.add(index + 1)
            continue
        if index in missing:
            continue
        found = headers.get(position, "")
        if found in part.accepted_headers():
            matched += 1
        else:
            problem(
                header_row,
                position,
                _("見出しは「%(expected)s」のはずですが「%(found)s」です。")
                % {"expected": part.header, "found": quoted(found)},
            )
        layout.append((part, position, None))
        position += 1
    if not matched and table.columns:
        raise TableFileError(
            _("%(row)s行目の見出しは「%(header)s」にしてください。")
            % {"row": header_row, "header": "、".join(str(column.header) for column in table.columns)}
        )
    last_column = position - 1

    # Columns the table does not have (text in a column after the last, or a column added there): refused,
    # once per column, at its first cell, for their content would otherwise be dropped without a word.
    unknown: dict[int, int] = {}  # column → the first row, from the header row on, with a value in it
    if grid.max_column > last_column:  # else no cell lies beyond the table
        for (row, column), value in values.items():
            if column > last_column and row >= header_row and row < unknown.get(column, row + 1) and text_of(value):
                unknown[column] = row
    for column, row in sorted(unknown.items()):
        where = {"column": get_column_letter(column), "last": get_column_letter(last_column)}
        if row == header_row:
            message = _(
                "見出し「%(header)s」の列（%(column)s列）はこの様式にない列です。取り込めるのは%(last)s列までです。"
            )
            where["header"] = quoted(headers[column])
        else:
            message = _("%(column)s列は見出しのない、この様式にない列です。値を入れられるのは%(last)s列までです。")
        problem(row, column, message % where)

    groups = [reader for _part, _first, reader in layout if reader is not None]
    if any(reader.handles_merged for reader in groups):
        for reader in groups:
            if reader.handles_merged:
                reader.check_merged(grid, first_data_row, problem)
    else:
        for merged in grid.merged:
            if merged.min_row >= first_data_row:
                problem(
                    merged.min_row,
                    merged.min_col,
                    _("結合されたセル（%(range)s）は取り込めません。結合を解除して、値を一つのセルに入れてください。")
                    % {"range": merged.coord},
                )

    formula_columns: dict[int, list[int]] = {}
    for row, column in sorted(grid.formulas):
        if column <= last_column:
            formula_columns.setdefault(row, []).append(column)

    # (key, column index, column or None, prepared, cells read, group reader or None), left to right. A file
    # repeats its values (an area on every row, a measure's name on each of its lanes): a cell read well
    # once is not read again. Cells with a problem are read each time, so that each row reports it.
    readers: list[tuple] = []
    for part, first, reader in layout:
        if reader is None:
            readers.append((part.key, first, part, part.prepare(context), {}, None))
        else:
            readers.append((part.key, first, None, None, None, reader))
    cell = values.get
    columns = range(1, last_column + 1)
    rows: list[TableRow] = []
    ordered_rows = sorted(data_rows)  # a file may skip rows
    for index, row in enumerate(ordered_rows):
        if progress is not None and index % 100 == 0:
            progress(index / len(ordered_rows))
        cells = [cell((row, c)) for c in columns]
        if all(v is None or v == "" for v in cells):
            continue
        for column in formula_columns.get(row, ()):
            problem(row, column, _("数式は取り込めません。値を入力してください。"))
        parsed: dict = {}
        failed: set = set()
        for key, first, column, prepared, read, reader in readers:
            if reader is not None:
                parsed[key] = reader.read(row, cells, problem)
                continue
            raw = cells[first - 1]
            seen = (type(raw), raw)  # True and 1 are equal, but not the same text
            if seen in read:
                value = read[seen]
                if type(value) is list:
                    value = list(value)  # each row keeps its own
            else:
                try:
                    value = column.read(raw, prepared)
                except CellProblem as error:
                    for message in error.messages:
                        problem(row, first, message)
                    parsed[key] = error.value
                    failed.add(key)
                    continue
                read[seen] = list(value) if type(value) is list else value
            if column.required and (value is None or value == []):
                problem(row, first, column.required_text())
                failed.add(key)
            parsed[key] = value
        rows.append(TableRow(row, parsed, failed))

    _check_duplicates(table, layout, rows, problem)
    result = table.check_rows(rows, problem, context) if table.check_rows is not None else None
    return TableImport(rows, problems.result(), problems.count, result)


def rows_named(rows: list[int]) -> str:
    """Return 「2行目、5行目」, naming at most MAX_ROWS_NAMED rows and counting the rest."""
    named = "、".join(f"{row}行目" for row in rows[:MAX_ROWS_NAMED])
    if len(rows) > MAX_ROWS_NAMED:
        named += _("ほか%(n)s行") % {"n": len(rows) - MAX_ROWS_NAMED}
    return named


def _check_duplicates(table: Table, layout: list, rows: list[TableRow], problem: Problem) -> None:
    """Refuse a value that two rows share in a unique column, and identifying values that two rows share
    when the table has one row per object (several identifying columns together: reported at the first);
    every row of a duplicate names the others."""
    columns = [(part, first) for part, first, reader in layout if reader is None]
    checks = [([part], first) for part, first in columns if part.unique and not part.identifies]
    keys = [(part, first) for part, first in columns if part.identifies]
    if keys and table.one_row_per_key:
        checks.insert(0, ([part for part, _first in keys], keys[0][1]))
    elif keys:
        checks += [([part], first) for part, first in keys if part.unique]
    for parts, first in checks:
        by_value: dict[tuple, list[int]] = {}
        for row in rows:
            value = tuple(row.values.get(part.key) for part in parts)
            if all(value):
                by_value.setdefault(value, []).append(row.row)
        label = "・".join(part.name() for part in parts)
        for value, numbers in by_value.items():
            for number in numbers if len(numbers) > 1 else ():
                others = [n for n in numbers if n != number]
                problem(
                    number,
                    first,
                    _("%(label)s「%(value)s」が%(others)sと重複しています。")
                    % {"label": label, "value": quoted("、".join(map(str, value))), "others": rows_named(others)},
                )
