"""Fiscal years (年度): 1 April to 31 March, named by the calendar year they start in."""

import datetime as dt


def fiscal_year_of(day: dt.date) -> int:
    """Return the fiscal year that contains `day`."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """Return the first and the last day of `fiscal_year`."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_years(start: int, end: int) -> list[int]:
    """Return the fiscal years from `start` to `end`, both included."""
    return list(range(start, end + 1))
