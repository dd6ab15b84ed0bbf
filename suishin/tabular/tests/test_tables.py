"""A declared table drives its export (xlsx, CSV), its template and its import: typed cells, every problem
by row and column, headers in either language, CSV in UTF-8 or Shift_JIS, and no exported cell a formula."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.core.import_problems import MAX_PROBLEMS
from suishin.core.spreadsheets import FORMULA_PREFIXES
from suishin.tabular.columns import (
    ChoiceColumn,
    DateColumn,
    FiscalYearColumn,
    IntegerColumn,
    TextColumn,
)
from suishin.tabular.tables import Table, TableFileError, parse_table, table_csv_bytes, table_xlsx_bytes
from suishin.tabular.uploads import UploadError, read_csv_grid, read_table_grid
from suishin.tenants.columns import DepartmentColumn

STAGES = (("plan", gettext_lazy("計画")), ("doing", gettext_lazy("実施中")))
TABLE = Table(
    name="試験",
    parts=(
        TextColumn(key="code", header=gettext_lazy("組織コード"), identifies=True, required=True, max_length=5),
        TextColumn(key="name", header=gettext_lazy("組織名"), unique=True, max_length=10),
        IntegerColumn(key="count", header="件数", min_value=0, max_value=100),
        FiscalYearColumn(key="year", header="年度"),
        DateColumn(key="day", header="日付"),
        ChoiceColumn(key="stage", header="段階", choices=STAGES),
        DepartmentColumn(key="owners", header="担当課", many=True),
    ),
)
HEADER = "組織コード,組織名,件数,年度,日付,段階,担当課\r\n"


def parse_csv(text: str, context, encoding="utf-8"):
    return parse_table(TABLE, read_table_grid(text.encode(encoding)), context)


def problems(text: str, context, encoding="utf-8") -> list[str]:
    return [str(p) for p in parse_csv(text, context, encoding).problems]


@pytest.fixture
def context(cast):
    return {"organization": cast.town.organization}


def test_cells_are_read_by_their_column_type(cast, context):
    department = cast.town.departments[1].name
    imported = parse_csv(HEADER + f"A1,総務課,１２,令和5年度,2024/4/1,実施中,{department}\r\n", context)
    assert imported.problems == []
    assert imported.rows[0].values == {
        "code": "A1",
        "name": "総務課",
        "count": 12,
        "year": 2023,
        "day": dt.date(2024, 4, 1),
        "stage": "doing",
        "owners": [cast.town.departments[1].pk],
    }


def test_every_bad_cell_is_reported_by_row_and_column_in_japanese(context):
    found = problems(HEADER + "TOOLONG,,x,2023abc,2024-13-01,完了,ない課\r\n,名前,101,,,,\r\n", context)
    assert found == [
        "2行目 A列: 組織コードが長すぎます（5文字以内。7文字あります）。",
        "2行目 C列: 件数は整数で入力してください（「x」）。",
        "2行目 D列: 「2023abc」は年度として読めません。",
        "2行目 E列: 日付は日付（例: 2024-04-01）で入力してください（「2024-13-01」）。",
        "2行目 F列: 段階「完了」は選べません。計画、実施中 のどれかにしてください。",
        "2行目 G列: 担当課「ない課」は登録されていません。",
        "3行目 A列: 組織コードが空です。",
        "3行目 C列: 件数は 0〜100 の範囲で入力してください（「101」）。",
    ]


def test_a_duplicate_in_an_identifying_or_unique_column_names_every_row(context):
    found = problems(HEADER + "A1,課,,,,,\r\nA2,課,,,,,\r\nA1,別,,,,,\r\n", context)
    assert sorted(found) == [
        "2行目 A列: 組織コード「A1」が4行目と重複しています。",
        "2行目 B列: 組織名「課」が3行目と重複しています。",
        "3行目 B列: 組織名「課」が2行目と重複しています。",
        "4行目 A列: 組織コード「A1」が2行目と重複しています。",
    ]


def test_headers_are_read_in_either_language(context):
    with translation.override("en"):
        english = str(gettext_lazy("組織コード"))
    assert english != "組織コード"  # the catalogue translates it
    imported = parse_csv(HEADER.replace("組織コード", english, 1) + "A1,,,,,,\r\n", context)
    assert imported.problems == []


def test_a_file_that_names_none_of_the_columns_is_refused_as_a_whole(context):
    with pytest.raises(TableFileError, match="1行目の見出しは「組織コード、組織名、件数"):
        parse_csv("a,b,c\r\n1,2,3\r\n", context)


def test_a_wrong_header_is_reported_and_the_rows_are_still_checked(context):
    found = problems(HEADER.replace("件数", "数") + "A1,,x,,,,\r\n", context)
    assert found == [
        "1行目 C列: 見出しは「件数」のはずですが「数」です。",
        "2行目 C列: 件数は整数で入力してください（「x」）。",
    ]


def test_a_column_the_table_does_not_have_is_refused_naming_it(context):
    found = problems(HEADER.rstrip() + ",メモ\r\nA1,,,,,,,あ\r\n", context)
    assert found == ["1行目 H列: 見出し「メモ」の列（H列）はこの様式にない列です。取り込めるのはG列までです。"]


def test_shift_jis_and_utf8_with_bom_read_alike(context):
    text = HEADER + "A1,総務課,,,,計画,\r\n"
    utf8 = parse_csv(text, context, "utf-8-sig").rows
    sjis = parse_csv(text, context, "cp932").rows
    assert utf8[0].values == sjis[0].values and utf8[0].values["name"] == "総務課"


def test_csv_cells_with_line_breaks_keep_their_row_number(context):
    grid = read_csv_grid((HEADER + 'A1,"一行目\r\n二行目",,,,,\r\nA2,x,,,,,\r\n').encode())
    assert grid.value(2, 2) == "一行目\r\n二行目" and grid.value(3, 1) == "A2"
    imported = parse_table(TABLE, grid, context)
    assert imported.rows[0].values["name"] == "一行目\n二行目"


def test_problems_beyond_the_cap_are_counted(context):
    imported = parse_csv(HEADER + ",,x,,,,\r\n" * 150, context)
    assert imported.problem_count == 300 and len(imported.problems) == MAX_PROBLEMS + 1
    assert str(imported.problems[-1]).startswith("ほか 100 件の問題があります")


def test_formulas_and_merged_cells_are_refused_in_xlsx(context):
    workbook = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(TABLE, [], context)))
    sheet = workbook.active
    sheet["A2"], sheet["C2"] = "A1", "=1+1"
    sheet["A3"], sheet["B3"] = "A2", "結合"
    sheet.merge_cells("B3:C3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    found = [str(p) for p in parse_table(TABLE, read_table_grid(buffer.getvalue()), context).problems]
    assert "2行目 C列: 数式は取り込めません。値を入力してください。" in found
    assert any(p.startswith("3行目 B列: 結合されたセル（B3:C3）は取り込めません") for p in found)


ROWS = [
    {"code": "A1", "name": "総務課", "count": 3, "year": 2023, "day": dt.date(2024, 4, 1), "stage": "doing"},
    {"code": "A2", "name": "=SUM(A1)", "count": None, "year": None, "day": None, "stage": None},
]


def test_export_as_xlsx_reads_back_as_it_was_declared(context):
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(TABLE, ROWS, context))).active
    assert [c.value for c in sheet[1]] == ["組織コード", "組織名", "件数", "年度", "日付", "段階", "担当課"]
    assert [c.value for c in sheet[2]][:6] == ["A1", "総務課", 3, 2023, dt.datetime(2024, 4, 1), "実施中"]
    assert sheet["B3"].value == "'=SUM(A1)" and sheet.freeze_panes == "A2"
    imported = parse_table(TABLE, read_table_grid(table_xlsx_bytes(TABLE, ROWS, context)), context)
    assert imported.problems == [] and [r.values["name"] for r in imported.rows] == ["総務課", "=SUM(A1)"]


def test_export_as_csv_is_utf8_with_bom_and_reads_back(context):
    data = table_csv_bytes(TABLE, ROWS)
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["A1", "総務課", "3", "2023", "2024-04-01", "実施中", ""]
    assert rows[2][1] == "'=SUM(A1)"
    imported = parse_table(TABLE, read_table_grid(data), context)
    assert imported.problems == [] and imported.rows[1].values["name"] == "=SUM(A1)"


def test_the_template_is_the_header_row_alone(context):
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(TABLE, [], context))).active
    assert sheet.max_row == 1 and sheet["A1"].value == "組織コード"
    assert table_csv_bytes(TABLE, []).decode("utf-8-sig") == HEADER


def test_a_csv_that_is_not_text_is_refused_with_one_message():
    with pytest.raises(UploadError, match="文字コードを判別できません"):
        read_table_grid(b"\xff\xfe\x00\x81")
    with pytest.raises(UploadError, match="3行目をCSVとして読めません"):
        read_table_grid(b"a,b\nc,d\n" + b"x" * 200_000 + b",e\n")  # longer than the csv module reads


risky_text = st.one_of(
    st.text(min_size=1, max_size=40),
    st.builds(lambda p, t: p + t, st.sampled_from(FORMULA_PREFIXES), st.text(max_size=30)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=risky_text)
def test_no_exported_cell_starts_a_formula_and_no_value_breaks_an_export(text):
    """SECURITY #14 and #30, for every table: whatever a stored text holds (control characters, lone
    surrogates, a leading = + - @ tab or NUL), the xlsx and the CSV are written, and no cell is a formula."""
    rows = [{"code": text, "name": text}]
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(TABLE, rows, {}))).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)), cell.value
    data = table_csv_bytes(TABLE, rows).decode("utf-8-sig")
    for cells in csv.reader(io.StringIO(data, newline="")):
        assert not any(value.startswith(FORMULA_PREFIXES) for value in cells)


def test_rows_identified_by_two_columns_are_duplicates_only_when_both_match(context):
    table = Table(
        name="年度別",
        parts=(
            TextColumn(key="code", header=gettext_lazy("組織コード"), identifies=True),
            FiscalYearColumn(key="year", header="年度", identifies=True),
        ),
    )
    grid = read_table_grid("組織コード,年度\r\nA1,2023\r\nA1,2024\r\nA1,令和5年度\r\n".encode())
    found = [str(p) for p in parse_table(table, grid, context).problems]
    assert found == [
        "2行目 A列: 組織コード・年度「A1、2023」が4行目と重複しています。",
        "4行目 A列: 組織コード・年度「A1、2023」が2行目と重複しています。",
    ]
