"""What the benchmark requests: one definition used by the load run (bench/run.py) and by the test
that runs each scenario once (tests/test_bench.py), so the benchmark cannot rot."""

import io
from dataclasses import dataclass, field

import openpyxl

from suishin.demo.national import BENCH_PASSWORD, BENCH_PREFIX, bench_username
from suishin.plans.models import Measure, Plan
from suishin.plans.spreadsheets import FIRST_DATA_ROW, FIRST_YEAR_COLUMN, roadmap_workbook
from suishin.tenants.models import Organization, Role


@dataclass
class Town:
    """The town whose pages are measured, and who logs in."""

    code: str
    username: str
    password: str
    plan_id: int
    measure_ids: list[int] = field(default_factory=list)


def bench_town() -> Town:
    """Return the first generated municipality (the same one whether 1 or 1,788 are loaded)."""
    town = (
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY, name__startswith=BENCH_PREFIX)
        .order_by("local_government_code")
        .first()
    )
    plan = Plan.objects.filter(organization=town).first()
    measures = list(Measure.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True))
    return Town(
        code=town.local_government_code,
        username=bench_username(town.local_government_code, Role.SECRETARIAT),
        password=BENCH_PASSWORD,
        plan_id=plan.pk,
        measure_ids=measures,
    )


@dataclass(frozen=True)
class PageScenario:
    name: str
    path: str  # formatted with the Town's fields
    per_town: bool = True  # a town's own page: must not slow down as other towns are added

    def url(self, town: Town) -> str:
        return self.path.format(plan=town.plan_id, measure=town.measure_ids[0])


PAGES = [
    PageScenario("home", "/"),
    PageScenario("plan overview", "/plans/{plan}/"),
    PageScenario("工程表 page", "/plans/{plan}/roadmap/"),
    PageScenario("measure detail", "/plans/measures/{measure}/"),
    PageScenario("measure list", "/plans/{plan}/measures/"),
    PageScenario("工程表 Excel export", "/plans/{plan}/roadmap.xlsx"),
]
MEASURE_EDIT_PATH = "/plans/measures/{measure}/edit/"
IMPORT_PATH = "/plans/{plan}/roadmap/import/"
IMPORT_ROWS = 500


def measure_edit_form(measure: Measure, round_number: int) -> dict:
    """Return the POST data that saves `measure` with a changed text, from its current version."""
    return {
        "title": measure.title,
        "priority_area": measure.priority_area_id,
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
    measures = []
    for r in range(FIRST_DATA_ROW, exported.max_row + 1):
        values = [exported.cell(r, c).value for c in range(1, 5)]
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
        sheet.cell(row, FIRST_YEAR_COLUMN + lap % years, f"{label}{lap + 1}")
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
