"""No exported cell can run as a formula in a spreadsheet program (property-based)."""

import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.core.spreadsheets import FORMULA_PREFIXES, escape_formula, unescape_formula
from suishin.plans.models import RoadmapEntry
from suishin.plans.spreadsheets import roadmap_xlsx_bytes

risky_text = st.one_of(
    st.text(min_size=1, max_size=40),
    st.builds(lambda p, t: p + t, st.sampled_from(FORMULA_PREFIXES), st.text(max_size=30)),
)


@given(risky_text)
def test_escaped_values_never_start_a_formula_and_round_trip(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(FORMULA_PREFIXES)
    assert unescape_formula(escaped) == text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=risky_text.filter(lambda t: t.strip() and "\x00" not in t and not any(ord(c) < 32 for c in t)))
def test_no_cell_of_the_roadmap_export_starts_with_a_formula_character(plan, label):
    measure = plan.measures.first()
    entry = RoadmapEntry.objects.create(
        organization=plan.organization, measure=measure, label=label[:200], start_fy=2025, end_fy=2025
    )
    measure.title = label[:200]
    measure.save()
    workbook = openpyxl.load_workbook(io.BytesIO(roadmap_xlsx_bytes(plan)))
    for row in workbook.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_PREFIXES), cell.value
    entry.delete()
