"""The one way an uploaded spreadsheet is opened: checked before any parser sees it."""

import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
import openpyxl.xml
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.worksheet.cell_range import CellRange

XLSX_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 500
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MERGE_CELL_REF = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)[\"']"
)


class UploadError(ValueError):
    """Raised with a message for the user when an upload is refused."""


def _read_limited(uploaded_file, limit: int) -> bytes:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise UploadError(_("ファイルが大きすぎます（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)})
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise UploadError(_("ファイルが大きすぎます（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise UploadError(_("ファイルが空です。"))
    return data


def check_xlsx_container(data: bytes) -> None:
    """Refuse a file that is not a zip, or whose entries are too many or expand too far."""
    if not data.startswith(XLSX_MAGIC):
        raise UploadError(_("Excelファイル（.xlsx）ではありません。Excelで「.xlsx」形式で保存してください。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadError(_("Excelファイルが壊れているため読めません。")) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadError(_("Excelファイルの中身が多すぎるため読めません。"))
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadError(_("Excelファイルを展開すると大きすぎるため読めません。"))
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
            raise UploadError(_("Excelファイルの圧縮率が異常なため読めません。"))
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise UploadError(_("Excelファイル（.xlsx）ではありません。Excelで「.xlsx」形式で保存してください。"))


def read_xlsx_upload(uploaded_file) -> bytes:
    """Return the bytes of an uploaded .xlsx file after the checks that need no parsing."""
    data = _read_limited(uploaded_file, settings.UPLOAD_MAX_BYTES)
    check_xlsx_container(data)
    return data


@dataclass
class SheetGrid:
    """The first worksheet of an uploaded workbook: cell values, which cells hold formulas, merged ranges."""

    values: dict[tuple[int, int], object] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    merged: list[CellRange] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0

    def value(self, row: int, column: int):
        return self.values.get((row, column))

    def is_formula(self, row: int, column: int) -> bool:
        return (row, column) in self.formulas


def open_xlsx_upload(uploaded_file) -> SheetGrid:
    """Return the first sheet of an uploaded .xlsx file, or raise UploadError with a clear message."""
    return read_xlsx_grid(read_xlsx_upload(uploaded_file))


def read_xlsx_grid(data: bytes) -> SheetGrid:
    """Read checked .xlsx bytes with openpyxl's streaming reader (defusedxml guards the XML)."""
    if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - defusedxml is a pinned dependency
        raise RuntimeError("defusedxml must be installed so that openpyxl refuses XML bombs")
    check_xlsx_container(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # read every row, whatever size the file claims for its sheet
            grid = SheetGrid()
            for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for column_number, value in enumerate(row, start=1):
                    if value is None:
                        continue
                    grid.values[(row_number, column_number)] = value
                    # With data_only=False a formula cell reads as its formula text: 「=SUM(A1:A3)」.
                    if isinstance(value, str) and value.startswith("="):
                        grid.formulas.add((row_number, column_number))
                    grid.max_row = max(grid.max_row, row_number)
                    grid.max_column = max(grid.max_column, column_number)
            with sheet._get_source() as source:  # the streaming reader skips merged ranges: read them here
                grid.merged = _merged_ranges(source)
            return grid
        finally:
            workbook.close()
    except Exception:  # openpyxl and the XML parser raise many kinds for a broken file; all mean the same
        raise UploadError(_("Excelファイルとして読めません。ファイルが壊れていないか確認してください。")) from None


def _merged_ranges(source) -> list[CellRange]:
    # openpyxl has already parsed this part (with defusedxml) above: here the <mergeCell ref="A1:C1"/>
    # elements are only picked out of the raw bytes, which is several times faster than parsing again.
    return [CellRange(ref.decode()) for ref in MERGE_CELL_REF.findall(source.read())]
