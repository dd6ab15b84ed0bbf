"""Hostile and wrong files: each is refused with a clear Japanese message before any XML is parsed,
or by the reader, which refuses DTDs (suishin/tabular/xlsx_reader.py), and nothing is saved."""

import io
import json
import re
import time
import tracemalloc
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from django.urls import reverse

from suishin.core.models import Job
from suishin.plans.snapshots import plan_snapshot
from suishin.tabular.uploads import MAX_SHEET_ROWS, UploadError, open_xlsx_upload, read_xlsx_grid

MINIMAL_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
}


def xlsx_with(parts: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {name: source.read(name) for name in source.namelist()}
    levels = (f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    entities = '<!ENTITY a0 "lol">' + "".join(levels)
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE workbook [{entities}]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
        '<sheet name="&a9;" sheetId="1" r:id="rId1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>'
    )
    return xlsx_with(parts)


NOT_XLSX = "Excelファイル（.xlsx）ではありません"
HOSTILE = {
    "empty": (b"", "空"),
    "pdf": (b"%PDF-1.7\n...", NOT_XLSX),
    "shift_jis_csv": ("施策番号,施策,担当課\n01-01,標準化,総務課\n".encode("cp932"), NOT_XLSX),
    "zip_without_workbook": (xlsx_with({"hello.txt": "hi"}), NOT_XLSX),
    "zip_bomb": (xlsx_with(MINIMAL_PARTS | {"xl/big.xml": b"0" * (70 * 1024 * 1024)}), "展開すると大きすぎる"),
    "high_ratio": (xlsx_with(MINIMAL_PARTS | {"xl/a.xml": b"0" * (5 * 1024 * 1024)}), "圧縮率が異常"),
    "many_entries": (xlsx_with(MINIMAL_PARTS | {f"x/{i}.xml": "x" for i in range(600)}), "中身が多すぎる"),
    "truncated": (b"PK\x03\x04" + b"\0" * 64, "壊れて"),
    "bzip2_entry": (
        xlsx_with(MINIMAL_PARTS | {"xl/a.xml": b"<a/>"}, zipfile.ZIP_BZIP2),
        "Excelファイルとして読めません",
    ),
    "entity_expansion": (billion_laughs(), "Excelファイルとして読めません"),
}


def test_defusedxml_guards_openpyxl():
    assert openpyxl.xml.DEFUSEDXML is True


def test_start_up_check_fails_without_defusedxml(monkeypatch):
    from suishin.core.checks import openpyxl_is_defused

    assert openpyxl_is_defused(None) == []
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    assert [e.id for e in openpyxl_is_defused(None)] == ["suishin.E001"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_quickly_with_a_message(name):
    content, message = HOSTILE[name]
    started = time.perf_counter()
    with pytest.raises(UploadError, match=message):
        open_xlsx_upload(io.BytesIO(content))
    assert time.perf_counter() - started < 1.0


def test_oversize_file_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(UploadError, match="大きすぎます"):
        open_xlsx_upload(io.BytesIO(b"PK\x03\x04" + b"0" * 2048))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_import_page_shows_the_message_and_saves_nothing(client, cast, plan, name):
    content, message = HOSTILE[name]
    client.force_login(cast.town.users["secretariat"])
    before = plan_snapshot(plan)
    upload = io.BytesIO(content)
    upload.name = "roadmap.xlsx"
    response = client.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": upload}, follow=True)
    html = response.content.decode()
    if response.redirect_chain:  # passed the container checks: the parser refused it in the background job
        assert response.redirect_chain[-1][0].startswith("/jobs/")
        assert "取り込みませんでした" in html
    else:
        assert response.status_code == 400
        assert "入力内容を確認してください" in html
    assert message in html
    assert plan_snapshot(plan) == before


def peak_traced_bytes(function) -> tuple[int, object]:
    """Call `function`; return the peak of memory Python allocated meanwhile, and what it raised or returned."""
    tracemalloc.start()
    try:
        try:
            outcome = function()
        except Exception as error:  # noqa: BLE001 - the caller asserts which
            outcome = error
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def test_340000_rows_stop_at_the_row_limit_and_cost_little_memory():
    from bench.scenarios import many_rows_file

    data = many_rows_file(340_000)
    assert len(data) < 2 * 1024 * 1024
    peak, outcome = peak_traced_bytes(lambda: read_xlsx_grid(data))
    assert isinstance(outcome, UploadError)
    assert f"{MAX_SHEET_ROWS + 1:,}行目で読むのをやめました" in str(outcome)
    assert f"{MAX_SHEET_ROWS:,} 行まで" in str(outcome)
    assert peak < 30 * 1024 * 1024  # every row kept would be some 100 MB


def test_a_million_merged_ranges_are_refused_and_cost_little_memory():
    from bench.scenarios import many_merged_ranges_file

    data = many_merged_ranges_file(1_000_000)
    peak, outcome = peak_traced_bytes(lambda: read_xlsx_grid(data))
    assert isinstance(outcome, UploadError) and "結合セルが多すぎる" in str(outcome)
    assert peak < 30 * 1024 * 1024  # every range kept would be some 200 MB


def test_a_sheet_at_the_row_limit_is_read_whole():
    from bench.scenarios import many_rows_file

    assert len(read_xlsx_grid(many_rows_file(MAX_SHEET_ROWS)).values) == MAX_SHEET_ROWS


def test_oversized_import_ends_its_job_with_one_short_message(client, cast, plan):
    from bench.scenarios import many_rows_file

    client.force_login(cast.town.users["secretariat"])
    before = plan_snapshot(plan)
    upload = io.BytesIO(many_rows_file(340_000))
    upload.name = "roadmap.xlsx"
    response = client.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": upload}, follow=True)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert len(job.result["problems"]) == 1 and "5,000 行まで" in job.result["problems"][0]
    assert len(json.dumps(job.result, ensure_ascii=False).encode()) < 1_000
    assert "5,000 行まで" in response.content.decode()
    assert plan_snapshot(plan) == before


def exported_workbook_with(extra_parts: dict[str, bytes]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return xlsx_with({name: source.read(name) for name in source.namelist()} | extra_parts)


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("xl/vbaProject.bin", "マクロ（xl/vbaProject.bin）を含むExcelファイルは取り込めません"),
        ("xl/externalLinks/externalLink1.xml", "外部リンク（xl/externalLinks/externalLink1.xml）を含む"),
        (
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            "外部リンク（xl/externalLinks/_rels/externalLink1.xml.rels）",
        ),
    ],
)
def test_macros_and_external_links_are_refused_by_name(part, message):
    data = exported_workbook_with({part: b"<x/>" if part.endswith("rels") or part.endswith("xml") else b"\xd0\xcf"})
    with pytest.raises(UploadError, match=re.escape(message)):
        open_xlsx_upload(io.BytesIO(data))
