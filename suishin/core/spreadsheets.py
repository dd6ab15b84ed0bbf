"""Cells written to and read from spreadsheets users exchange."""

from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def escape_formula(value):
    """Return `value` so that no spreadsheet program runs it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo `escape_formula` on a value read back from a file."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def cell_name(row: int, column: int) -> str:
    """Return 「3行目 B列」 for row 3, column 2."""
    return f"{row}行目 {get_column_letter(column)}列"
