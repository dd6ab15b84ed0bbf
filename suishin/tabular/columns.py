"""The columns of a declared table: what a cell holds, how it is read from a file and written to one.

A column reads one cell: the engine (`tables.py`) hands it the cell's value as the reader gave it,
and the column returns the value for the row or raises CellProblem with the message for the user.
Messages name the column by its `label` (its header unless told otherwise) and quote what was typed.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.import_problems import quoted
from suishin.core.spreadsheets import unescape_formula
from suishin.core.text_input import clean_text
from suishin.core.wareki import WarekiError, parse_fiscal_year

# What `clean_text` would change (CR, control characters): most cells hold none, and skip the cleaner.
_NEEDS_CLEANING = re.compile("[\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


class CellProblem(ValueError):
    """A cell cannot be read as its column says: `messages` say why; `value` is what the row keeps anyway
    (the row is checked further, so that one bad cell does not hide the others' problems)."""

    def __init__(self, *messages: str, value=None):
        super().__init__(*messages)
        self.messages, self.value = messages, value


def text_of(value) -> str:
    """Return a cell's value as the app stores text: through the one input cleaner, formula escape undone."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        value = str(value)
    if value.startswith("'"):
        value = unescape_formula(value)
    if _NEEDS_CLEANING.search(value):
        value = clean_text(value)
    return value.strip()


def headers_in_every_language(text: "str | Promise") -> frozenset[str]:
    """Return `text` (a lazy translation) as each configured language gives it: a file exported in English
    is read back in Japanese, and the other way round."""
    found = {str(text)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return frozenset(found)


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column: `key` names the value in a row; `header` is the header cell's text (a lazy translation).

    `identifies`: part of what identifies a row (the object it stands for); `unique`: no two rows may
    share the value. `label` names the column in messages when the header would read badly there.
    """

    key: str
    header: "str | Promise"
    label: "str | Promise | None" = None
    required: bool = False
    required_message: "str | Promise | None" = None  # instead of 「<label>が空です。」
    identifies: bool = False
    unique: bool = False
    width: float = 16
    number_format: str | None = None  # of the exported cells (a named style would show a date as a number)

    def name(self) -> str:
        return str(self.label or self.header)

    def accepted_headers(self) -> frozenset[str]:
        return headers_in_every_language(self.header)

    def required_text(self) -> str:
        if self.required_message is not None:
            return str(self.required_message)
        return _("%(label)sが空です。") % {"label": self.name()}

    def prepare(self, context: dict):
        """Return what reading needs once per file (objects to find, say): handed to `read` for each cell."""
        return None

    def read(self, value, prepared):
        """Return the row's value for a cell (None when the cell is empty), or raise CellProblem.

        It depends on `value` and `prepared` only: the engine reads each distinct value of a column once.
        """
        text = text_of(value)
        return self.read_text(text, prepared) if text else None

    def read_text(self, text: str, prepared):
        return text

    def export_value(self, value):
        """Return what the exported cell holds for the row's value."""
        return value


@dataclass(frozen=True, kw_only=True)
class TextColumn(Column):
    max_length: int | None = None
    too_long: "str | Promise | None" = None  # with %(label)s, %(n)s (the limit) and %(length)s

    def read_text(self, text: str, prepared):
        if self.max_length is not None and len(text) > self.max_length:
            message = self.too_long or gettext_lazy("%(label)sが長すぎます（%(n)s文字以内。%(length)s文字あります）。")
            raise CellProblem(
                str(message) % {"label": self.name(), "n": self.max_length, "length": len(text)}, value=text
            )
        return text


@dataclass(frozen=True, kw_only=True)
class IntegerColumn(Column):
    min_value: int | None = None
    max_value: int | None = None

    def read(self, value, prepared):
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return self._in_range(int(value), str(int(value)))
        text = text_of(value)
        if not text:
            return None
        normalized = text.translate(_FULL_WIDTH_DIGITS).replace(",", "")
        if not re.fullmatch(r"[+-]?[0-9]+", normalized):
            raise CellProblem(
                _("%(label)sは整数で入力してください（「%(text)s」）。") % {"label": self.name(), "text": quoted(text)}
            )
        return self._in_range(int(normalized), text)

    def _in_range(self, number: int, text: str) -> int:
        low, high = self.min_value, self.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellProblem(
                _("%(label)sは %(low)s〜%(high)s の範囲で入力してください（「%(text)s」）。")
                % {
                    "label": self.name(),
                    "low": low if low is not None else "",
                    "high": high if high is not None else "",
                    "text": quoted(text),
                }
            )
        return number


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９，－＋", "0123456789,-+")


@dataclass(frozen=True, kw_only=True)
class FiscalYearColumn(Column):
    """A fiscal year as an int, typed as 2023, 「2023年度」 or 「令和5年度」 (see core/wareki.py)."""

    def read(self, value, prepared):
        if value is None or value == "":
            return None
        try:
            return parse_fiscal_year(value if isinstance(value, int | float) else text_of(value))
        except WarekiError as error:
            raise CellProblem(str(error.args[0])) from None


_DATE_TEXT = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")


@dataclass(frozen=True, kw_only=True)
class DateColumn(Column):
    """A date: a date cell, or text such as 2024-04-01, 2024/4/1 or 2024年4月1日."""

    number_format: str | None = "yyyy-mm-dd"

    def read(self, value, prepared):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = text_of(value)
        if not text:
            return None
        match = _DATE_TEXT.fullmatch(text.translate(_FULL_WIDTH_DIGITS))
        try:
            if match is None:
                raise ValueError
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellProblem(
                _("%(label)sは日付（例: 2024-04-01）で入力してください（「%(text)s」）。")
                % {"label": self.name(), "text": quoted(text)}
            ) from None


@dataclass(frozen=True, kw_only=True)
class ChoiceColumn(Column):
    """One of `choices` ((value, label) pairs, as Django's TextChoices.choices): the label is written, and
    either the label (in any language) or the value is read."""

    choices: tuple = ()

    def prepare(self, context: dict):
        by_text = {}
        for value, label in self.choices:
            by_text[str(value)] = value
            for text in headers_in_every_language(label):
                by_text[text] = value
        return by_text

    def read_text(self, text: str, prepared):
        if text not in prepared:
            shown = "、".join(str(label) for _value, label in self.choices)
            raise CellProblem(
                _("%(label)s「%(text)s」は選べません。%(choices)s のどれかにしてください。")
                % {"label": self.name(), "text": quoted(text), "choices": shown}
            )
        return prepared[text]

    def export_value(self, value):
        return str(dict(self.choices).get(value, value)) if value is not None else None


@dataclass(frozen=True, kw_only=True)
class LookupColumn(Column):
    """Finds objects by the text in the cell: `find(context)` returns {text: what the row keeps}, once a file.

    With `many`, a cell lists several, separated by 「、」, commas, semicolons or line breaks, and the row
    keeps the list; each text not found is a problem of its own. `missing` is the message for a text not
    found, with %(label)s and %(text)s.
    """

    find: Callable[[dict], dict] = dict
    many: bool = False
    missing: "str | Promise | None" = None
    export_separator: str = "、"

    def prepare(self, context: dict):
        return self.find(context)

    def read(self, value, prepared):
        text = text_of(value)
        if not text:
            return [] if self.many else None
        if not self.many:
            if text not in prepared:
                raise CellProblem(self._missing(text), value=text)
            return prepared[text]
        found, problems = [], []
        for name in LIST_SEPARATORS.split(text):
            name = name.strip()
            if not name:
                continue
            if name in prepared:
                found.append(prepared[name])
            else:
                problems.append(self._missing(name))
        if problems:
            raise CellProblem(*problems, value=found)
        return found

    def _missing(self, text: str) -> str:
        message = self.missing or gettext_lazy("%(label)s「%(text)s」は登録されていません。")
        return str(message) % {"label": self.name(), "text": quoted(text)}

    def export_value(self, value):
        if isinstance(value, list | tuple):
            return self.export_separator.join(str(v) for v in value)
        return value
