"""Cells written to and read from spreadsheets users exchange."""

import re

from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
# Characters an XML 1.0 document cannot hold (a .xlsx is XML): C0 controls but tab, newline and CR,
# lone surrogates, U+FFFE and U+FFFF. openpyxl refuses them (IllegalCharacterError), so one stored
# value holding, say, the vertical tab Word uses for a line break would break the whole export.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape_formula(value):
    """Return `value` so that no spreadsheet program runs it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell_text(value):
    """Return `value` ready for an exported cell: without characters XML cannot hold, never a formula."""
    if isinstance(value, str):
        value = NOT_IN_XML.sub("", value)
    return escape_formula(value)


def unescape_formula(value):
    """Undo `escape_formula` on a value read back from a file."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def cell_name(row: int, column: int) -> str:
    """Return 「3行目 B列」 for row 3, column 2."""
    return f"{row}行目 {get_column_letter(column)}列"
