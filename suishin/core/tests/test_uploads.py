"""Hostile and wrong files: each is refused with a clear Japanese message before any XML is parsed,
or by the reader, which refuses DTDs (suishin/core/xlsx.py), and nothing is saved."""

import io
import time
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from django.urls import reverse

from suishin.core.uploads import UploadError, open_xlsx_upload
from suishin.plans.snapshots import plan_snapshot

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
