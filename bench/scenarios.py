"""What the benchmark requests: one definition used by the load run (bench/run.py) and by the test
that runs each scenario once (tests/test_bench.py), so the benchmark cannot rot."""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl

from suishin.demo.national import BENCH_PASSWORD, BENCH_PREFIX, bench_username
from suishin.plans.bench_seed import LEVELED_SUFFIX
from suishin.plans.models import Measure, Plan
from suishin.plans.spreadsheets import FIRST_DATA_ROW, roadmap_columns, roadmap_workbook
from suishin.tenants.models import Organization, Role


@dataclass
class Town:
    """The town whose pages are measured, and who logs in."""

    code: str
    username: str
    password: str
    plan_id: int
    measure_ids: list[int] = field(default_factory=list)
    leveled_plan_id: int | None = None  # the same 80 measures under 3 levels of items (柱 → 大項目 → 中項目)


def bench_town() -> Town:
    """Return the first generated municipality (the same one whether 1 or 1,788 are loaded)."""
    town = (
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY, name__startswith=BENCH_PREFIX)
        .order_by("local_government_code")
        .first()
    )
    plans = Plan.objects.filter(organization=town)
    plan = plans.exclude(title__endswith=LEVELED_SUFFIX).first()
    leveled = plans.filter(title__endswith=LEVELED_SUFFIX).first()
    if leveled is None:
        raise SystemExit("the bench data predates the plan of 4 levels: drop the suishin_bench_* databases")
    measures = list(Measure.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True))
    return Town(
        code=town.local_government_code,
        username=bench_username(town.local_government_code, Role.SECRETARIAT),
        password=BENCH_PASSWORD,
        plan_id=plan.pk,
        measure_ids=measures,
        leveled_plan_id=leveled.pk,
    )


@dataclass(frozen=True)
class PageScenario:
    name: str
    path: str  # formatted with the Town's fields
    per_town: bool = True  # a town's own page: must not slow down as other towns are added

    def url(self, town: Town) -> str:
        return self.path.format(plan=town.plan_id, measure=town.measure_ids[0], leveled_plan=town.leveled_plan_id)


PAGES = [
    PageScenario("home", "/"),
    PageScenario("plan overview", "/plans/{plan}/"),
    PageScenario("工程表 page", "/plans/{plan}/roadmap/"),
    PageScenario("工程表 page, 4 levels", "/plans/{leveled_plan}/roadmap/"),
    PageScenario("measure detail", "/plans/measures/{measure}/"),
    PageScenario("measure list", "/plans/{plan}/measures/"),
    PageScenario("工程表 Excel export", "/plans/{plan}/roadmap.xlsx"),
]
# The 工程表 of a plan of 4 levels (3 of items + the measures, 80 measures) against today's page of 2 (1 level
# of items + the measures, 80 measures, 上里町's shape), timed in turn in the same run: rate ÷ rate ≥ 0.8.
LEVELS_PAGES = ("工程表 page", "工程表 page, 4 levels")
LEVELS_TARGET = 0.8
MEASURE_EDIT_PATH = "/plans/measures/{measure}/edit/"
IMPORT_PATH = "/plans/{plan}/roadmap/import/"
IMPORT_ROWS = 500


def measure_edit_form(measure: Measure, round_number: int) -> dict:
    """Return the POST data that saves `measure` with a changed text, from its current version."""
    return {
        "title": measure.title,
        "item": measure.item_id,
        "departments": [o.department_id for o in measure.ownerships.all()],
        "problem": measure.problem,
        "causes": measure.causes,
        "actions": f"具体的な取組内容（第{round_number}回の見直し）",
        "expected_effects": measure.expected_effects,
        "stage": measure.stage,
        "national_kpi_note": measure.national_kpi_note,
        "version": measure.version,
    }


def import_file(plan: Plan, rows: int = IMPORT_ROWS, label: str = "取組") -> bytes:
    """Return a 工程表 file of `rows` data rows for `plan`: each measure on several rows, one span each.

    It has the exported file's title and header rows. Importing it again gives the same plan; files
    with another `label` change every span, so alternating two of them rewrites all 500 each time.
    """
    exported = roadmap_workbook(plan).active
    columns = exported.max_column
    first_year = roadmap_columns(plan).first_year
    measures = []
    for r in range(FIRST_DATA_ROW, exported.max_row + 1):
        values = [exported.cell(r, c).value for c in range(1, first_year)]
        if values[0] not in {m[0] for m in measures}:
            measures.append(values)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r in range(1, FIRST_DATA_ROW):
        for c in range(1, columns + 1):
            sheet.cell(r, c, exported.cell(r, c).value)
    years = len(plan.fiscal_years)
    for i in range(rows):
        row = FIRST_DATA_ROW + i
        for column, value in enumerate(measures[i % len(measures)], start=1):
            sheet.cell(row, column, value)
        lap = i // len(measures)
        sheet.cell(row, first_year + lap % years, f"{label}{lap + 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def openpyxl_read_only_rows(data: bytes) -> int:
    """Parse `data` the fastest way openpyxl can (read-only), touching every cell: the floor to compare with."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = 0
    for row in workbook.active.iter_rows(values_only=True):
        count += sum(1 for value in row if value is not None)
    workbook.close()
    return count


# --- oversized import: files that cost nothing to upload and, unbounded, gigabytes to read ------------

OVERSIZED_ROWS = 340_000
OVERSIZED_MERGED_RANGES = 1_000_000
_SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_from_sheet_xml(sheet_data: str, merge_cells: str = "") -> bytes:
    """Return a minimal one-sheet workbook around `sheet_data` (the <row>s) and `merge_cells`, written by hand:
    openpyxl takes minutes to write what these files hold."""
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_SPREADSHEETML}" xmlns:r="{_RELATIONSHIPS}">'
            '<sheets><sheet name="工程表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SPREADSHEETML}">'
            f"<sheetData>{sheet_data}</sheetData>{merge_cells}</worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def many_rows_file(rows: int = OVERSIZED_ROWS) -> bytes:
    """Return a workbook whose sheet holds `rows` rows of `1` (about 1.5 MB for 340,000)."""
    return xlsx_from_sheet_xml("".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, rows + 1)))


def many_merged_ranges_file(count: int = OVERSIZED_MERGED_RANGES) -> bytes:
    """Return a workbook of one cell and `count` one-cell merged ranges."""
    ranges = "".join(f'<mergeCell ref="A{r}:A{r}"/>' for r in range(1, count + 1))
    return xlsx_from_sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row>', f'<mergeCells count="{count}">{ranges}</mergeCells>'
    )


def time_import_in_process(plan: Plan, actor, runs: int = 5) -> dict:
    """Time the 500-row import in this process beside openpyxl's read-only parse of the same file.

    "rewrite": files that change every span, alternated; "unchanged": the file the plan already matches.
    Each run reads, checks and applies in one transaction, as the import job does.
    """
    import statistics
    import time

    from django.db import transaction

    from suishin.plans.roadmap_import import roadmap_import_apply
    from suishin.plans.spreadsheets import parse_roadmap_sheet
    from suishin.tabular.uploads import read_xlsx_grid

    files = [import_file(plan, label="取組"), import_file(plan, label="見直し")]

    def apply(content) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            imported = parse_roadmap_sheet(plan, read_xlsx_grid(content))
            assert not imported.problems, imported.problems[:3]
            roadmap_import_apply(actor=actor, plan=plan, imported=imported)
        return time.perf_counter() - started

    floor, rewrite = [], []
    for run in range(runs):
        started = time.perf_counter()
        openpyxl_read_only_rows(files[0])
        floor.append(time.perf_counter() - started)
        rewrite.append(apply(files[run % 2]))  # every span differs from the plan's
    apply(files[0])
    same = [apply(files[0]) for _ in range(runs)]  # the plan already says what the file says
    return {
        "rows": IMPORT_ROWS,
        "files": files,
        "openpyxl_ms": statistics.median(floor) * 1000,
        "in_process_ms": statistics.median(rewrite) * 1000,
        "unchanged_ms": statistics.median(same) * 1000,
        "ratios": [r / f for r, f in zip(rewrite, floor, strict=True)],
    }
