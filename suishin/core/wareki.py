"""Japanese era (和暦) labels for display, and their parsing on input.

Western years are stored; the era is derived for display only.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Era:
    name: str
    romaji: str
    initial: str
    start: dt.date


# Newest first.
ERAS = (
    Era("令和", "Reiwa", "R", dt.date(2019, 5, 1)),
    Era("平成", "Heisei", "H", dt.date(1989, 1, 8)),
    Era("昭和", "Showa", "S", dt.date(1926, 12, 25)),
)
LAST_YEAR = {"平成": 31, "昭和": 64}


class WarekiError(ValueError):
    """Raised when a text is not a year this module understands."""


def era_of_date(day: dt.date) -> tuple[Era, int]:
    """Return the era in force on `day` and the year within it."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise WarekiError(_("昭和より前の日付は扱えません。"))


def era_of_fiscal_year(fiscal_year: int) -> tuple[Era, int]:
    """Return the era that names `fiscal_year` and the year within it.

    A fiscal year takes the era of the calendar year it starts in, so FY2019 is 令和元年度
    even though 令和 began on 1 May 2019.
    """
    for era in ERAS:
        if fiscal_year >= era.start.year:
            return era, fiscal_year - era.start.year + 1
    raise WarekiError(_("昭和より前の年度は扱えません。"))


def era_year_text(year_in_era: int) -> str:
    """Return the year within an era as printed: 元 for the first year."""
    return "元" if year_in_era == 1 else str(year_in_era)


def can_name_date(day: dt.date) -> bool:
    """Return whether 和暦 display can name `day` (from 昭和 on)."""
    return day >= ERAS[-1].start


def can_name_fiscal_year(fiscal_year: int) -> bool:
    """Return whether 和暦 display can name `fiscal_year` (from 昭和 on)."""
    return fiscal_year >= ERAS[-1].start.year


@lru_cache(maxsize=1024)
def wareki_fiscal_year(fiscal_year: int) -> str:
    """Return 「令和5年度」 for 2023, and 「1900年度」 for a year no era here names.

    Display never raises: a stored year outside the eras is shown in Western form.
    """
    if not can_name_fiscal_year(fiscal_year):
        return f"{fiscal_year}年度"
    era, year = era_of_fiscal_year(fiscal_year)
    return f"{era.name}{era_year_text(year)}年度"


def fiscal_year_label(fiscal_year: int) -> str:
    """Return 「2023年度（令和5年度）」 for 2023."""
    return _fiscal_year_label(fiscal_year, get_language())


@lru_cache(maxsize=1024)
def _fiscal_year_label(fiscal_year: int, language: str | None) -> str:
    # Pages print the same few years many times: the label is cached per language.
    if not can_name_fiscal_year(fiscal_year):
        return _("%(year)s年度") % {"year": fiscal_year}
    return _("%(year)s年度（%(wareki)s）") % {
        "year": fiscal_year,
        "wareki": wareki_fiscal_year(fiscal_year),
    }


def wareki_date(day: dt.date) -> str:
    """Return 「令和元年5月1日」 for 2019-05-01, and 「226年4月1日」 for a date no era here names.

    Display never raises: a stored date before 昭和 (a mistyped year, say) is shown in Western form.
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    if not can_name_date(day):
        return f"{day.year}年{day.month}月{day.day}日"
    era, year = era_of_date(day)
    return f"{era.name}{era_year_text(year)}年{day.month}月{day.day}日"


_ERA_BY_NAME = {era.name: era for era in ERAS} | {era.initial: era for era in ERAS}
_ERA_PART = r"(?P<era{n}>令和|平成|昭和|R|H|S)(?P<era_year{n}>元|\d{{1,2}})(?:年度?)?"
_WESTERN_PART = r"(?:FY)?(?P<western{n}>\d{{1,8}})(?:年度?)?"
# The whole text must be a year: 「2023」, 「2023年度」, 「2023年度（令和5年度）」, 「2023（令和5）年度」,
# 「令和5年度」, 「令和5年度（2023年度）」; anything before or after (「20234」, 「2023abc」) is refused.
_FISCAL_YEAR = re.compile(
    "|".join(
        (
            _WESTERN_PART.format(n=1) + r"(?:\(" + _ERA_PART.format(n=1) + r"\)(?:年度?)?)?",
            _ERA_PART.format(n=2) + r"(?:\(" + _WESTERN_PART.format(n=2) + r"\)(?:年度?)?)?",
        )
    )
)


def parse_fiscal_year(text: object) -> int:
    """Return the fiscal year written in `text`.

    Accepts 2023, 「2023」, 「2023年度」, 「2023年度（令和5年度）」, 「令和5年度」, 「令和元年度」,
    「令和1年」 and 「平成31年度」 (FY2019). Full-width digits are fine. When a text gives both
    a Western year and an era year, they must agree. The whole text must be a year; errors
    quote the text as it was typed.
    """
    if isinstance(text, bool):
        raise WarekiError(_("年度として読めません。"))
    if isinstance(text, int):
        return _check_range(text, str(text))
    if isinstance(text, float) and text.is_integer():
        return _check_range(int(text), str(int(text)))
    typed = str(text or "").strip()
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", typed)).upper()
    if not value:
        raise WarekiError(_("年度が空です。"))
    match = _FISCAL_YEAR.fullmatch(value)
    if match is None:
        raise WarekiError(_("「%(text)s」は年度として読めません。") % {"text": typed})
    parts = match.groupdict()
    western = parts["western1"] or parts["western2"]
    era_name = parts["era1"] or parts["era2"]
    from_era = None
    if era_name:
        era = _ERA_BY_NAME[era_name]
        year_text = parts["era_year1"] or parts["era_year2"]
        year = 1 if year_text == "元" else int(year_text)
        last = LAST_YEAR.get(era.name)
        if year < 1 or (last is not None and year > last):
            raise WarekiError(_("「%(text)s」は存在しない和暦の年です。") % {"text": typed})
        from_era = era.start.year + year - 1
    from_western = int(western) if western else None
    if from_era is not None and from_western is not None and from_era != from_western:
        raise WarekiError(_("「%(text)s」は西暦と和暦が一致しません。") % {"text": typed})
    fiscal_year = from_western if from_western is not None else from_era
    assert fiscal_year is not None  # the pattern matches a western year, an era year or both
    return _check_range(fiscal_year, typed)


FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 1927, 2200


def _check_range(year: int, typed: str) -> int:
    if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
        raise WarekiError(
            _("「%(text)s」は年度として扱える範囲（%(first)s年度〜%(last)s年度）の外です。")
            % {"text": typed, "first": FIRST_FISCAL_YEAR, "last": LAST_FISCAL_YEAR}
        )
    return year
