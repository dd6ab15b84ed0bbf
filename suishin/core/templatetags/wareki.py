from django import template

from suishin.core.wareki import fiscal_year_label, wareki_date, wareki_fiscal_year

register = template.Library()


@register.filter
def fy_label(fiscal_year):
    """2023 → 「2023年度（令和5年度）」."""
    return fiscal_year_label(int(fiscal_year)) if fiscal_year not in (None, "") else ""


@register.filter
def fy_wareki(fiscal_year):
    """2023 → 「令和5年度」."""
    return wareki_fiscal_year(int(fiscal_year)) if fiscal_year not in (None, "") else ""


@register.filter
def date_wareki(day):
    """2019-05-01 → 「令和元年5月1日」."""
    return wareki_date(day) if day else ""
