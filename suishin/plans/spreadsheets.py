"""The 工程表 as a town files it: one sheet, Japanese headers, spans as merged cells.

Export writes it; import reads the same layout back, reports every problem by row and column,
and changes nothing unless the whole file is right. Rows are matched to measures by 施策番号.
"""

import bisect
import io
import re
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from suishin.core.audit import audit_record
from suishin.core.bulk import bulk_insert
from suishin.core.import_problems import ImportProblem, ProblemCollector, quoted
from suishin.core.service import service
from suishin.core.spreadsheets import cell_text, unescape_formula
from suishin.core.text_input import clean_text
from suishin.core.wareki import WarekiError, fiscal_year_label, parse_fiscal_year, wareki_fiscal_year
from suishin.core.xlsx import SheetGrid
from suishin.tenants.access import require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Department

from .access import require_plan_editor
from .forms import MeasureForm
from .models import Measure, MeasureDepartment, Plan, RoadmapEntry
from .selectors import plan_outline, roadmap_lanes

FIXED_HEADERS = ["施策番号", "重点取組事項", "施策", "担当課"]
NOTE_HEADER = "参考・備考"
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3
FIRST_YEAR_COLUMN = len(FIXED_HEADERS) + 1
DEPARTMENT_SEPARATORS = re.compile(r"[、,，;；\n]+")
# The measure form's rule for 担当課 (required, with its message): a file and the form say the same.
OWNERS_FIELD = MeasureForm.base_fields["departments"]

_thin = Side(style="thin", color="666666")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
# Named once per workbook, then given to cells by name: far cheaper than setting fonts and borders cell by cell.
STYLES = {
    "工程表 見出し": {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="E8F1FE"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    },
    "工程表 項目": {"alignment": Alignment(vertical="top", wrap_text=True)},
    "工程表 年度": {},
    "工程表 取組": {
        "fill": PatternFill("solid", fgColor="C5D7FB"),
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    },
}


def _add_styles(workbook: Workbook) -> None:
    for name, parts in STYLES.items():
        workbook.add_named_style(NamedStyle(name=name, border=_border, **parts))


def year_header(fiscal_year: int) -> str:
    return f"{fiscal_year}年度\n（{wareki_fiscal_year(fiscal_year)}）"


def roadmap_workbook(plan: Plan) -> Workbook:
    """Return the plan's 工程表 as a workbook."""
    years = plan.fiscal_years
    note_column = FIRST_YEAR_COLUMN + len(years)
    workbook = Workbook()
    _add_styles(workbook)
    sheet = workbook.active
    sheet.title = "工程表"
    sheet.cell(TITLE_ROW, 1, cell_text(f"{plan.title} 工程表")).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=note_column)
    headers = FIXED_HEADERS + [year_header(y) for y in years] + [NOTE_HEADER]
    for column, text in enumerate(headers, start=1):
        sheet.cell(HEADER_ROW, column, cell_text(text)).style = "工程表 見出し"
    row = FIRST_DATA_ROW
    for area in plan_outline(plan):
        for measure in area.measures:
            departments = "、".join(measure.departments)
            for lane in roadmap_lanes(measure.entries):
                values = [measure.number, area.title, measure.title, departments]
                for column, value in enumerate(values, start=1):
                    sheet.cell(row, column, cell_text(value)).style = "工程表 項目"
                for column in range(FIRST_YEAR_COLUMN, note_column):
                    sheet.cell(row, column).style = "工程表 年度"
                for entry in lane:
                    first = FIRST_YEAR_COLUMN + entry.start_fy - plan.start_fy
                    last = FIRST_YEAR_COLUMN + entry.end_fy - plan.start_fy
                    sheet.cell(row, first, cell_text(entry.label)).style = "工程表 取組"
                    if last > first:
                        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
                sheet.cell(row, note_column, cell_text(measure.national_kpi_note)).style = "工程表 項目"
                row += 1
    widths = [10, 22, 30, 16] + [18] * len(years) + [28]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_YEAR_COLUMN)
    sheet.print_area = f"A1:{get_column_letter(note_column)}{max(row - 1, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def roadmap_xlsx_bytes(plan: Plan) -> bytes:
    buffer = io.BytesIO()
    roadmap_workbook(plan).save(buffer)
    return buffer.getvalue()


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


def _text(value) -> str:
    """Return a cell's text as the app stores text: through the one input cleaner (LF line endings, no
    control characters such as the vertical tab Word pastes, which the reader decodes from 「_x000B_」)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(unescape_formula(value))).strip()


def parse_roadmap_sheet(plan: Plan, sheet: SheetGrid, progress=None) -> RoadmapImport:
    """Read a 工程表 sheet against `plan`; return its rows and every problem found.

    `progress`, if given, is called now and then with the share of rows read (0.0–1.0). However many
    problems the sheet has, the first MAX_PROBLEMS are kept and the others counted (core/import_problems.py).
    """
    problems = ProblemCollector()
    problem = problems.add

    # Header: the fixed columns, then fiscal years, then the note column. A wrong header is reported and
    # the rows are still checked, by the columns that could be read.
    for column, expected in enumerate(FIXED_HEADERS, start=1):
        found = _text(sheet.value(HEADER_ROW, column))
        if found != expected:
            problem(
                HEADER_ROW,
                column,
                _("見出しは「%(expected)s」のはずですが「%(found)s」です。")
                % {"expected": expected, "found": quoted(found)},
            )
    headers = {column: _text(value) for (row, column), value in sheet.values.items() if row == HEADER_ROW}
    last_header = max((column for column, text in headers.items() if text), default=0)
    year_columns: dict[int, int] = {}
    unread_years: list[int] = []  # year columns whose header could not be read: their cells are not checked
    note_column = None
    for column in range(FIRST_YEAR_COLUMN, last_header + 1):
        header = headers.get(column, "")
        if header == NOTE_HEADER:
            note_column = column
            break
        unread_years.append(column)
        if not header:
            problem(HEADER_ROW, column, _("年度の見出しが空です。"))
        else:
            try:
                year = parse_fiscal_year(header.replace("\n", ""))
            except WarekiError as error:
                problem(HEADER_ROW, column, str(error.args[0]))
            else:
                if not plan.start_fy <= year <= plan.end_fy:
                    problem(
                        HEADER_ROW,
                        column,
                        _("「%(text)s」は計画期間（%(start)s〜%(end)s）の外です。")
                        % {
                            "text": quoted(header.replace("\n", "")),
                            "start": fiscal_year_label(plan.start_fy),
                            "end": fiscal_year_label(plan.end_fy),
                        },
                    )
                elif year in year_columns.values():
                    problem(HEADER_ROW, column, _("%(year)s年度の列が重複しています。") % {"year": year})
                else:
                    year_columns[column] = year
                    unread_years.pop()
    if note_column is None:
        problem(HEADER_ROW, None, _("見出し「%(header)s」の列がありません。") % {"header": NOTE_HEADER})
    last_column = note_column or max(last_header, FIRST_YEAR_COLUMN - 1)

    # Columns the layout does not have (a 柱 column after 参考・備考, text in K): refused, once per column,
    # at its first cell, for their content would otherwise be dropped without a word.
    unknown: dict[int, int] = {}  # column → the first row, from the header row on, with a value in it
    for (row, column), value in sheet.values.items():
        if column > last_column and row >= HEADER_ROW and row < unknown.get(column, row + 1) and _text(value):
            unknown[column] = row
    for column, row in sorted(unknown.items()):
        where = {"column": get_column_letter(column), "last": get_column_letter(last_column)}
        if row == HEADER_ROW:
            message = _(
                "見出し「%(header)s」の列（%(column)s列）はこの様式にない列です。取り込めるのは%(last)s列までです。"
            )
            where["header"] = quoted(headers[column])
        else:
            message = _("%(column)s列は見出しのない、この様式にない列です。値を入れられるのは%(last)s列までです。")
        problem(row, column, message % where)

    # Spans: merged cells across year columns on one row; a single cell is a one-year span.
    merged_tops: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for merged in sheet.merged:
        if merged.min_row < FIRST_DATA_ROW:
            continue
        if merged.min_row != merged.max_row:
            problem(
                merged.min_row,
                merged.min_col,
                _("縦に結合されたセルは使えません（%(range)s）。") % {"range": merged.coord},
            )
            continue
        later = bisect.bisect_left(unread_years, merged.min_col)
        if later < len(unread_years) and unread_years[later] <= merged.max_col:
            continue  # it spans a year column whose header is wrong, which is reported already
        if merged.min_col not in year_columns or merged.max_col not in year_columns:
            problem(
                merged.min_row,
                merged.min_col,
                _("年度の列の外にかかる結合セルがあります（%(range)s）。") % {"range": merged.coord},
            )
            continue
        merged_tops[(merged.min_row, merged.min_col)] = merged.max_col
        covered.update((merged.min_row, c) for c in range(merged.min_col + 1, merged.max_col + 1))

    areas = set(plan.priority_areas.values_list("title", flat=True))
    departments = dict(Department.objects.for_organization(plan.organization).values_list("name", "pk"))
    known_numbers = set(plan.measures.values_list("number", flat=True))
    formula_columns: dict[int, list[int]] = {}
    for row, column in sorted(sheet.formulas):
        if column <= last_column:
            formula_columns.setdefault(row, []).append(column)
    title_length = Measure._meta.get_field("title").max_length
    label_length = RoadmapEntry._meta.get_field("label").max_length
    cell = sheet.values.get
    columns = range(1, last_column + 1)
    by_key: dict[str, ImportedMeasure] = {}
    measures: list[ImportedMeasure] = []
    data_rows = sorted({row for row, _column in sheet.values if row >= FIRST_DATA_ROW})  # a file may skip rows
    for index, row in enumerate(data_rows):
        if progress is not None and index % 100 == 0:
            progress(index / len(data_rows))
        values = [cell((row, c)) for c in columns]
        if all(v is None or v == "" for v in values):
            continue
        for column in formula_columns.get(row, ()):
            problem(row, column, _("数式は取り込めません。値を入力してください。"))
        number, area_title, title, department_text = (_text(values[i]) for i in range(4))
        note = _text(values[note_column - 1]) if note_column else ""
        if number and number not in known_numbers:
            problem(
                row,
                1,
                _("施策番号「%(number)s」はこの計画にありません。新しい施策は番号を空欄にしてください。")
                % {"number": quoted(number)},
            )
        if area_title not in areas:
            problem(
                row,
                2,
                _("重点取組事項「%(title)s」はこの計画にありません。") % {"title": quoted(area_title)}
                if area_title
                else _("重点取組事項が空です。"),
            )
        if not title:
            problem(row, 3, _("施策名が空です。"))
        elif len(title) > title_length:
            problem(row, 3, _("施策名が長すぎます（200文字以内）。"))
        owners, unknown_owners = [], False
        for name in (n.strip() for n in DEPARTMENT_SEPARATORS.split(department_text)):
            if not name:
                continue
            if name in departments:
                owners.append(departments[name])
            else:
                unknown_owners = True
                problem(row, 4, _("担当課「%(name)s」は登録されていません。") % {"name": quoted(name)})
        spans = []
        for column, year in year_columns.items():
            if (row, column) in covered:
                continue
            label = _text(values[column - 1])
            if not label:
                continue
            if len(label) > label_length:
                problem(row, column, _("工程の内容が長すぎます（200文字以内）。"))
            spans.append(ImportedSpan(label, year, year_columns[merged_tops.get((row, column), column)]))
        key = number or f"new:{area_title}:{title}"
        existing = by_key.get(key)
        if existing is None:
            if OWNERS_FIELD.required and not owners and not unknown_owners:
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
    return RoadmapImport(measures, problems.result(), problems.count)


@service
def roadmap_import_apply(*, actor: Actor, plan: Plan, imported: RoadmapImport) -> dict:
    """Apply a problem-free import: update measures by 施策番号, add new ones, replace their owners and spans.

    Measures whose row says what the plan already says are left alone (an edited file usually changes a
    few rows); the others are written in bulk, in a fixed number of statements whatever the file's size.
    """
    from .services import MeasureNumbering

    require_same_organization(actor, "roadmap.import", plan)
    require_plan_editor(actor, "roadmap.import", plan)
    if imported.problems:
        raise ValueError("an import with problems is never applied")
    areas = {area.title: area for area in plan.priority_areas.all()}
    existing = {
        values[0]: values
        for values in plan.measures.values_list(
            "number", "pk", "priority_area_id", "position", "title", "national_kpi_note"
        )
    }
    current = _current_owners_and_spans([values[1] for values in existing.values()])
    numbering = MeasureNumbering((values[2], number) for number, values in existing.items())
    last_position: dict[int, int] = {}
    for _number, _pk, area_id, position, _title, _note in existing.values():
        last_position[area_id] = max(last_position.get(area_id, 0), position)
    now = timezone.now()
    created, updated, renamed = [], [], []
    new_owners, new_spans = [], []  # (measure, owner ids) and (measure, spans) to write in place of the old
    unchanged = 0
    for row in imported.measures:
        area = areas[row.area_title]
        owners, spans = _owners_and_spans(row)
        if row.number not in existing:
            last_position[area.pk] = last_position.get(area.pk, 0) + 1
            measure = Measure(
                organization=plan.organization,
                plan=plan,
                priority_area=area,
                number=numbering.next_for(area),
                position=last_position[area.pk],
                title=row.title,
                national_kpi_note=row.note,
            )
            created.append(measure)
            new_owners.append((measure, owners))
            new_spans.append((measure, spans))
            continue
        _number, pk, area_id, _position, title, note = existing[row.number]
        same_text = (title, area_id, note) == (row.title, area.pk, row.note)
        current_owners, current_spans = current[pk]
        same_spans = sorted(spans) == current_spans  # the file lists spans by lane, the plan by position
        if same_text and owners == current_owners and same_spans:
            unchanged += 1
            continue
        measure = Measure(pk=pk, title=row.title, priority_area=area, national_kpi_note=row.note)
        updated.append(measure)
        if not same_text:
            renamed.append(measure)
        if owners != current_owners:
            new_owners.append((measure, owners))
        if not same_spans:
            new_spans.append((measure, spans))
    Measure.objects.bulk_create(created)
    # A changed measure gets a new version: edit forms opened before the import must reload.
    Measure.objects.filter(pk__in=[m.pk for m in updated]).update(version=F("version") + 1, updated_at=now)
    Measure.objects.bulk_update(renamed, ["title", "priority_area", "national_kpi_note"])
    organization_id = plan.organization_id
    if new_owners:
        MeasureDepartment.objects.filter(measure_id__in=[m.pk for m, _owners in new_owners]).delete()
        bulk_insert(
            MeasureDepartment,
            ["organization_id", "measure_id", "department_id"],
            (
                (organization_id, measure.pk, department_id)
                for measure, owners in new_owners
                for department_id in owners
            ),
        )
    if new_spans:
        RoadmapEntry.objects.filter(measure_id__in=[m.pk for m, _spans in new_spans]).delete()
        bulk_insert(
            RoadmapEntry,
            ["organization_id", "measure_id", "label", "start_fy", "end_fy", "position"],
            (
                (organization_id, measure.pk, label, start_fy, end_fy, position)
                for measure, spans in new_spans
                for position, (label, start_fy, end_fy) in enumerate(spans, start=1)
            ),
        )
    summary = {"created": len(created), "updated": len(updated), "unchanged": unchanged}
    audit_record(actor=actor.user, organization=plan.organization, verb="roadmap.import", target=plan, data=summary)
    return summary


def _owners_and_spans(row: ImportedMeasure) -> tuple[list[int], list[tuple[str, int, int]]]:
    """Return a row's owners (department ids, sorted) and its spans as (label, start, end)."""
    return (
        sorted(set(row.department_ids)),
        [(span.label, span.start_fy, span.end_fy) for span in row.spans],
    )


def _current_owners_and_spans(measure_ids: list[int]) -> dict[int, tuple]:
    """Return each measure's owners and spans (both sorted), to compare with `_owners_and_spans` of a row."""
    owners: dict[int, set] = {pk: set() for pk in measure_ids}
    spans: dict[int, list] = {pk: [] for pk in measure_ids}
    for measure_id, department_id in MeasureDepartment.objects.filter(measure_id__in=measure_ids).values_list(
        "measure_id", "department_id"
    ):
        owners[measure_id].add(department_id)
    entries = RoadmapEntry.objects.filter(measure_id__in=measure_ids).order_by("measure_id", "position", "id")
    for measure_id, label, start_fy, end_fy in entries.values_list("measure_id", "label", "start_fy", "end_fy"):
        spans[measure_id].append((label, start_fy, end_fy))
    return {pk: (sorted(owners[pk]), sorted(spans[pk])) for pk in measure_ids}
