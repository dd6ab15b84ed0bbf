"""One cleaner for every text the app stores, whether it came from a form or an import.

Browsers send CRLF line endings, Excel stores a vertical tab pasted from Word as `_x000B_`, and
such characters break the 工程表 export and backups later. Every text is cleaned before it is
validated: line endings become LF, and control characters other than tab and newline are removed.
"""

import re

# C0 controls except TAB (09) and LF (0A); CR is handled by the line-ending rule; DEL; C1 controls;
# and the Unicode non-characters U+FFFE/U+FFFF that XML (and so .xlsx) cannot hold.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_ENDINGS = re.compile("\r\n?")


def clean_text(value: str) -> str:
    """Return `value` with LF line endings and without control characters other than tab and newline."""
    return _CONTROL.sub("", _LINE_ENDINGS.sub("\n", value))


def has_control_characters(value: str) -> bool:
    """Return whether `value` holds a character that `clean_text` would remove (CR aside)."""
    return bool(_CONTROL.search(value.replace("\r", "")))
