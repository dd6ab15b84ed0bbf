"""The upload reader gives what openpyxl gives (read-only, formulas as their text), and refuses DTDs."""

import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.tabular.uploads import UploadError, read_xlsx_grid
from suishin.tabular.xlsx_reader import SheetLimits, SheetTooLarge, XmlDeclarationRefused, read_first_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def ours(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return read_first_sheet(archive)


def openpyxl_view(data: bytes):
    """The reference: openpyxl's read-only values and its formula texts, and its merged ranges."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    values = {}
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        for column_number, value in enumerate(row, start=1):
            if value is not None:
                values[(row_number, column_number)] = value
    workbook.close()
    full = openpyxl.load_workbook(io.BytesIO(data))
    merged = sorted(str(r) for r in full.worksheets[0].merged_cells.ranges)
    return values, merged


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")) | st.sampled_from("施策番号工程表令和\n "),
    max_size=12,
)
cell_values = st.one_of(
    texts,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(["=SUM(A1:A3)", '=IF(B2="",1,2)', '=A1&"年度"']),
)
cells = st.dictionaries(
    st.tuples(st.integers(min_value=1, max_value=25), st.integers(min_value=1, max_value=10)), cell_values, max_size=60
)
merges = st.lists(
    st.tuples(st.integers(30, 40), st.integers(1, 6), st.integers(1, 4)), max_size=4, unique_by=lambda m: m[0]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=cells, merges=merges)
def test_reader_gives_what_openpyxl_gives(cells, merges):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for (row, column), value in cells.items():
        sheet.cell(row, column, value)
    for row, column, width in merges:
        sheet.cell(row, column, f"期間{row}")
        sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + width)
    data = saved(workbook)
    values, merged = openpyxl_view(data)
    grid = ours(data)
    assert grid.values == values
    assert grid.formulas == {k for k, v in values.items() if isinstance(v, str) and v.startswith("=")}
    assert sorted(r.coord for r in grid.merged) == merged
    assert grid.max_row == max((r for r, _c in values), default=0)
    assert grid.max_column == max((c for _r, c in values), default=0)


def test_the_first_sheet_is_the_first_in_the_workbook():
    workbook = openpyxl.Workbook()
    workbook.active.title = "後"
    workbook.active["A1"] = "二枚目"
    first = workbook.create_sheet("工程表", 0)
    first["A1"] = "一枚目"
    assert ours(saved(workbook)).value(1, 1) == "一枚目"


def handmade(
    sheet_data: str,
    *,
    shared_strings: str | None = None,
    namespace: str = MAIN,
    workbook_pr: str = "",
    prolog: str = "",
    absolute_targets: bool = False,
    merge_cells: str = "",
) -> bytes:
    """A minimal workbook written by hand, for what openpyxl never writes but Excel and others do."""
    prefix = "/xl/" if absolute_targets else ""
    relationships = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="{prefix}worksheets/sheet1.xml"/>']
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared_strings is not None
                else ""
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{namespace}" xmlns:r="{REL}">{workbook_pr}'
            '<sheets><sheet name="工程表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{namespace}">'
            f"<sheetData>{sheet_data}</sheetData>{merge_cells}</worksheet>"
        ),
    }
    if shared_strings is not None:
        relationships.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="{prefix}sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{namespace}">{shared_strings}</sst>'
        )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{"".join(relationships)}'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_shared_strings_with_runs_and_furigana_read_as_the_text_shown():
    # Japanese Excel keeps the reading of a string (<rPh>) beside it; only the shown text counts.
    strings = (
        '<si><t>総務課</t><rPh sb="0" eb="3"><t>ソウムカ</t></rPh><phoneticPr fontId="1"/></si>'
        '<si><r><rPr><b/></rPr><t>行政手続の</t></r><r><t xml:space="preserve"> オンライン化</t></r></si>'
    )
    data = handmade('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>', shared_strings=strings)
    grid = ours(data)
    assert grid.values == {(1, 1): "総務課", (1, 2): "行政手続の オンライン化"}
    assert grid.values == openpyxl_view(data)[0]


def test_cells_and_rows_without_references_follow_on():
    data = handmade(
        '<row><c t="inlineStr"><is><t>一</t></is></c><c><v>2</v></c></row>'
        '<row r="4"><c r="C4"><v>3.5</v></c><c><v>1E3</v></c></row>'
        '<row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>一</v></c></row>'
    )
    grid = ours(data)
    assert grid.values == {
        (1, 1): "一",
        (1, 2): 2,
        (4, 3): 3.5,
        (4, 4): 1000.0,
        (5, 1): True,
        (5, 2): "#N/A",
        (5, 3): "=A1",
    }
    assert grid.formulas == {(5, 3)}
    assert grid.values == openpyxl_view(data)[0]


def test_strict_namespace_and_absolute_targets_are_read():
    data = handmade(
        '<row r="2"><c r="B2" t="s"><v>0</v></c></row>',
        shared_strings="<si><t>デジタル推進課</t></si>",
        namespace=STRICT,
        absolute_targets=True,
        merge_cells='<mergeCells count="1"><mergeCell ref="B2:D2"/></mergeCells>',
    )
    grid = ours(data)
    assert grid.values == {(2, 2): "デジタル推進課"}
    assert [(m.min_row, m.min_col, m.max_row, m.max_col) for m in grid.merged] == [(2, 2, 2, 4)]


def test_iso_dates_and_1904_serial_dates():
    styles_free = handmade('<row r="1"><c r="A1" t="d"><v>2026-04-01T00:00:00</v></c></row>')
    assert ours(styles_free).value(1, 1) == datetime(2026, 4, 1)
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    workbook.active["A1"] = datetime(2026, 4, 1, 9, 30)
    data = saved(workbook)
    assert ours(data).value(1, 1) == datetime(2026, 4, 1, 9, 30) == openpyxl_view(data)[0][(1, 1)]


@pytest.mark.parametrize(
    "prolog",
    [
        "<!DOCTYPE worksheet>",
        '<!DOCTYPE worksheet [<!ENTITY a "lol">]>',
        '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE worksheet SYSTEM "http://example.invalid/evil.dtd">',
    ],
)
def test_any_document_type_declaration_is_refused(prolog):
    data = handmade('<row r="1"><c r="A1"><v>1</v></c></row>', prolog=prolog)
    with pytest.raises(XmlDeclarationRefused):
        ours(data)
    with pytest.raises(UploadError, match="Excelファイルとして読めません"):
        read_xlsx_grid(data)


def test_a_far_cell_costs_what_its_cells_cost():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.active["XFD1048576"] = "y"
    started = time.perf_counter()
    grid = read_xlsx_grid(saved(workbook))
    assert time.perf_counter() - started < 0.5
    assert grid.values == {(1, 1): "x", (1048576, 16384): "y"}
    assert (grid.max_row, grid.max_column) == (1048576, 16384)


@pytest.mark.parametrize(
    "sheet_data",
    [
        '<row r="1"><c r="A1" t="s"><v>7</v></c></row>',  # a shared string that does not exist
        '<row r="1"><c r="1A"><v>1</v></c></row>',  # a reference that is not a cell
        '<row r="1"><c r="A1"><v>abc</v></c></row>',  # a number that is not one
        '<row r="1"><c r="A1"><v>1</v></row>',  # broken XML
    ],
)
def test_broken_sheets_get_the_plain_message(sheet_data):
    with pytest.raises(UploadError, match="Excelファイルとして読めません"):
        read_xlsx_grid(handmade(sheet_data, shared_strings="<si><t>一</t></si>"))


def test_a_long_comment_costs_linear_time():
    # expat 2.5 re-scans an unfinished token with every piece it is fed: pieces must be large.
    comment = "<!--" + "x" * (12 * 1024 * 1024) + "-->"
    data = handmade(f'<row r="1"><c r="A1"><v>1</v></c></row>{comment}')
    started = time.perf_counter()
    assert ours(data).values == {(1, 1): 1}
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("reference", ["F:G", "3:4", "I3:F3", "F4:F3"])
def test_a_merged_range_that_is_not_a_block_of_cells_is_refused(reference):
    data = handmade(
        '<row r="3"><c r="F3"><v>1</v></c></row>',
        merge_cells=f'<mergeCells count="1"><mergeCell ref="{reference}"/></mergeCells>',
    )
    with pytest.raises(UploadError, match="Excelファイルとして読めません"):
        read_xlsx_grid(data)


def test_many_styles_with_a_huge_format_are_read_quickly():
    formats = f'<numFmts count="1"><numFmt numFmtId="200" formatCode="{"y" * 200_000}"/></numFmts>'
    xfs = '<xf numFmtId="200"/>' * 2000
    styles = f'<styleSheet xmlns="{MAIN}">{formats}<cellXfs count="2000">{xfs}</cellXfs></styleSheet>'
    source = zipfile.ZipFile(io.BytesIO(handmade('<row r="1"><c r="A1" s="5"><v>45000</v></c></row>')))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/styles.xml"] = styles.encode()
    parts["xl/_rels/workbook.xml.rels"] = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>", f'<Relationship Id="rId9" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
        )
        .encode()
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    started = time.perf_counter()
    assert ours(buffer.getvalue()).value(1, 1) == 45000  # a format longer than Excel allows is not a date
    assert time.perf_counter() - started < 1


def test_excel_escapes_are_decoded():
    """Excel writes a carriage return in a string as 「_x000D_」 and a typed 「_x000D_」 as 「_x005F_x000D_」.
    openpyxl only drops 「x005F_」; the reader decodes both, as the format defines them."""
    data = handmade(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>二行_x000D_目</t></is></c></row>',
        shared_strings="<si><t>一行目_x000D_、文字どおり_x005F_x000D_</t></si>",
    )
    assert ours(data).values == {(1, 1): "一行目\r、文字どおり_x000D_", (1, 2): "二行\r目"}


def test_lowercase_references_and_a_true_1904_flag_read_as_openpyxl_reads_them():
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    workbook.active["A1"] = datetime(2026, 4, 1)
    source = zipfile.ZipFile(io.BytesIO(saved(workbook)))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b'r="A1"', b'r="a1"')
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'date1904="1"', b'date1904="True"')
    assert b'date1904="True"' in parts["xl/workbook.xml"] and b'r="a1"' in parts["xl/worksheets/sheet1.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert ours(buffer.getvalue()).values == {(1, 1): datetime(2026, 4, 1)}


def test_the_reader_stops_after_its_row_limit():
    from bench.scenarios import many_rows_file

    with zipfile.ZipFile(io.BytesIO(many_rows_file(50))) as archive:
        assert len(read_first_sheet(archive, SheetLimits(max_rows=50)).values) == 50
        with pytest.raises(SheetTooLarge) as error:
            read_first_sheet(archive, SheetLimits(max_rows=10))
    assert (error.value.what, error.value.limit, error.value.row) == ("rows", 10, 11)


def test_rows_without_values_do_not_count_towards_the_row_limit():
    rows = (
        "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(1, 100))
        + '<row r="100"><c r="A100"><v>1</v></c></row>'
    )
    with zipfile.ZipFile(io.BytesIO(handmade(rows))) as archive:
        assert read_first_sheet(archive, SheetLimits(max_rows=1)).values == {(100, 1): 1}


def test_the_reader_stops_after_its_cell_limit():
    row = '<row r="1">' + "".join(f'<c r="{c}1"><v>1</v></c>' for c in "ABCDEFGH") + "</row>"
    with zipfile.ZipFile(io.BytesIO(handmade(row))) as archive:
        with pytest.raises(SheetTooLarge) as error:
            read_first_sheet(archive, SheetLimits(max_cells=5))
    assert (error.value.what, error.value.limit) == ("cells", 5)


def test_merged_ranges_are_bounded_by_the_cells_holding_values():
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>2</v></c></row>'

    def merges(count):
        ranges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, count + 1))
        return handmade(cells, merge_cells=f'<mergeCells count="{count}">{ranges}</mergeCells>')

    limits = SheetLimits(merged_allowance=3)
    assert len(ours_with(merges(5), limits).merged) == 5  # two cells with values, three more allowed
    with pytest.raises(SheetTooLarge) as error:
        ours_with(merges(6), limits)
    assert (error.value.what, error.value.limit) == ("merged", 5)


def test_shared_strings_are_bounded_by_the_cell_limit():
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(10))
    data = handmade('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared_strings=strings)
    assert ours_with(data, SheetLimits(max_cells=10)).values == {(1, 1): "0"}
    with pytest.raises(SheetTooLarge) as error:
        ours_with(data, SheetLimits(max_cells=9))
    assert error.value.what == "strings"


def test_a_far_cell_allocates_nothing_for_the_rectangle_it_claims():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.active["XFD1048576"] = "y"
    data = saved(workbook)
    tracemalloc.start()
    try:
        grid = read_xlsx_grid(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data) < 6_000 and len(grid.values) == 2
    assert peak < 2 * 1024 * 1024


def ours_with(data: bytes, limits):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return read_first_sheet(archive, limits)
