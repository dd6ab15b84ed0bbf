import datetime as dt

from django import template
from django.utils import timezone

from suishin.core.wareki import fiscal_year_label, wareki_date, wareki_fiscal_year

register = template.Library()

# These filters print stored values, including those of frozen snapshots (plain JSON): whatever
# they are given, they return text and never raise, so one odd value cannot break a page.


def _fiscal_year(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


@register.filter
def fy_label(fiscal_year):
    """2023 → 「2023年度（令和5年度）」."""
    if fiscal_year in (None, ""):
        return ""
    year = _fiscal_year(fiscal_year)
    return fiscal_year_label(year) if year is not None else str(fiscal_year)


@register.filter
def fy_wareki(fiscal_year):
    """2023 → 「令和5年度」."""
    if fiscal_year in (None, ""):
        return ""
    year = _fiscal_year(fiscal_year)
    return wareki_fiscal_year(year) if year is not None else str(fiscal_year)


@register.filter
def date_wareki(day):
    """2019-05-01 → 「令和元年5月1日」; a date before 昭和 in Western form."""
    if not day:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
        return wareki_date(day.date())
    if isinstance(day, dt.date):
        return wareki_date(day)
    try:
        return wareki_date(dt.date.fromisoformat(str(day)))
    except ValueError:
        return str(day)


@register.filter
def datetime_wareki(moment):
    """An aware datetime → 「令和8年12月1日 20:51:53」 in the current time zone."""
    if not isinstance(moment, dt.datetime):
        return date_wareki(moment)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{wareki_date(moment.date())} {moment:%H:%M:%S}"
