"""The one way an uploaded table is opened: checked before any parser sees it.

A .xlsx file is checked as a container (size, entries, expansion, macros, external links) and then
read by the streaming reader (`xlsx_reader.py`); a CSV file (UTF-8 with or without BOM, or Shift_JIS as
Excel saves it) is decoded and read into the same SheetGrid, within the same bounds on rows and cells.
"""

import csv
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from .xlsx_reader import SheetGrid, SheetLimits, SheetTooLarge, read_first_sheet

XLSX_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 500
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# What an uploaded sheet may hold: work is bounded, not only bytes (a 1 MB file can hold 340,000 rows).
# A town's 工程表 has a few hundred rows of some 30 columns; these are ten times any real one.
MAX_SHEET_ROWS = 5_000  # rows holding a value, title and header rows included
MAX_SHEET_CELLS = 100_000  # cells holding a value (each costs some 250 bytes kept)
MERGED_RANGE_ALLOWANCE = 1_000  # merged ranges beyond one per cell holding a value
UPLOAD_LIMITS = SheetLimits(max_rows=MAX_SHEET_ROWS, max_cells=MAX_SHEET_CELLS, merged_allowance=MERGED_RANGE_ALLOWANCE)
MACRO_PART = "vbaprojectbin"  # a file name, lowercased, dots dropped: xl/vbaProject.bin
EXTERNAL_LINKS_FOLDER = "xl/externallinks/"


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
    if any(entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for entry in entries):
        # Excel only stores or deflates. Other methods (bzip2, LZMA) would be expanded without a limit,
        # whatever size the entry declares.
        raise UploadError(_("Excelファイルとして読めません。ファイルが壊れていないか確認してください。"))
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadError(_("Excelファイルを展開すると大きすぎるため読めません。"))
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO:
            raise UploadError(_("Excelファイルの圧縮率が異常なため読めません。"))
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise UploadError(_("Excelファイル（.xlsx）ではありません。Excelで「.xlsx」形式で保存してください。"))
    for name in sorted(names):
        folded = name.lower()
        if folded.rpartition("/")[2].replace(".", "") == MACRO_PART:
            raise UploadError(
                _(
                    "マクロ（%(part)s）を含むExcelファイルは取り込めません。マクロを含まない「.xlsx」形式で保存し直してください。"
                )
                % {"part": name}
            )
        if folded.startswith(EXTERNAL_LINKS_FOLDER):
            raise UploadError(
                _(
                    "他のファイルへの外部リンク（%(part)s）を含むExcelファイルは取り込めません。リンクを解除して保存し直してください。"
                )
                % {"part": name}
            )


def read_xlsx_upload(uploaded_file) -> bytes:
    """Return the bytes of an uploaded .xlsx file after the checks that need no parsing."""
    data = _read_limited(uploaded_file, settings.UPLOAD_MAX_BYTES)
    check_xlsx_container(data)
    return data


def read_table_upload(uploaded_file) -> bytes:
    """Return the bytes of an uploaded .xlsx or CSV file after the checks that need no parsing."""
    data = _read_limited(uploaded_file, settings.UPLOAD_MAX_BYTES)
    if data.startswith(XLSX_MAGIC):
        check_xlsx_container(data)
    return data


def read_table_grid(data: bytes) -> SheetGrid:
    """Read checked .xlsx or CSV bytes (told apart by their first bytes) into a SheetGrid, or raise UploadError."""
    if data.startswith(XLSX_MAGIC):
        return read_xlsx_grid(data)
    return read_csv_grid(data)


def decode_csv(data: bytes) -> str:
    """Return the text of a CSV as Excel and other tools save it: UTF-8 (with or without BOM) or Shift_JIS (CP932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(_("文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"))


def read_csv_grid(data: bytes, limits: SheetLimits = UPLOAD_LIMITS) -> SheetGrid:
    """Read CSV bytes into a SheetGrid within `limits`: record n of the file is row n of the grid, as
    Excel shows it (a quoted cell may hold line breaks). Every value is text, as typed; a CSV holds no
    formulas and no merged cells.
    """
    if not data:
        raise UploadError(_("ファイルが空です。"))
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""))
    grid = SheetGrid()
    values = grid.values
    rows = 0
    try:
        for row, cells in enumerate(reader, start=1):
            kept = False
            for column, text in enumerate(cells, start=1):
                if not text:
                    continue
                if limits.max_cells is not None and len(values) >= limits.max_cells:
                    raise UploadError(_too_large_message(SheetTooLarge("cells", limits.max_cells, row)))
                if not kept:
                    kept = True
                    rows += 1
                    if limits.max_rows is not None and rows > limits.max_rows:
                        raise UploadError(_too_large_message(SheetTooLarge("rows", limits.max_rows, row)))
                values[(row, column)] = text
                if column > grid.max_column:
                    grid.max_column = column
            if kept:
                grid.max_row = row
    except csv.Error:  # a NUL byte, an unclosed quote at the end, a field longer than the csv module allows
        raise UploadError(
            _("%(row)s行目をCSVとして読めません。Excelで「CSV（コンマ区切り）」として保存し直してください。")
            % {"row": f"{reader.line_num:,}"}
        ) from None
    return grid


def open_xlsx_upload(uploaded_file) -> SheetGrid:
    """Return the first sheet of an uploaded .xlsx file, or raise UploadError with a clear message."""
    return read_xlsx_grid(read_xlsx_upload(uploaded_file))


def read_xlsx_grid(data: bytes) -> SheetGrid:
    """Read the first worksheet of checked .xlsx bytes (see `xlsx.py`), or raise UploadError."""
    check_xlsx_container(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return read_first_sheet(archive, UPLOAD_LIMITS)
    except SheetTooLarge as error:
        raise UploadError(_too_large_message(error)) from None
    except Exception:  # a broken or hostile file fails in many ways (zip, XML, DTD, references); all mean the same
        raise UploadError(_("Excelファイルとして読めません。ファイルが壊れていないか確認してください。")) from None


def _too_large_message(error: SheetTooLarge) -> str:
    values = {"limit": f"{error.limit:,}", "row": f"{error.row:,}"}
    if error.what == "rows":
        return (
            _("値の入った行が多すぎるため、%(row)s行目で読むのをやめました（読めるのは %(limit)s 行までです）。")
            % values
        )
    if error.what == "cells":
        return (
            _("値の入ったセルが多すぎるため、%(row)s行目で読むのをやめました（読めるのは %(limit)s セルまでです）。")
            % values
        )
    if error.what == "merged":
        return (
            _("結合セルが多すぎるため読めません（値の入ったセルの数に対して %(limit)s か所を超えています）。") % values
        )
    return _("文字列が多すぎるため読めません（読めるのは %(limit)s 個までです）。") % values
