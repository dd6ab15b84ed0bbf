import datetime as dt

import pytest

from suishin.core.fiscal_year import fiscal_year_bounds, fiscal_year_of
from suishin.core.wareki import (
    WarekiError,
    fiscal_year_label,
    parse_fiscal_year,
    wareki_date,
    wareki_fiscal_year,
)


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (dt.date(2019, 3, 31), 2018),
        (dt.date(2019, 4, 1), 2019),
        (dt.date(2020, 3, 31), 2019),
        (dt.date(2024, 1, 15), 2023),
        (dt.date(2023, 12, 31), 2023),
    ],
)
def test_fiscal_year_starts_on_1_april(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2023) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))


def test_era_changes_on_1_may_2019():
    assert wareki_date(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki_date(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki_date(dt.date(1989, 1, 7)) == "昭和64年1月7日"
    assert wareki_date(dt.date(1989, 1, 8)) == "平成元年1月8日"


def test_fiscal_year_2019_is_reiwa_gannen():
    assert wareki_fiscal_year(2019) == "令和元年度"
    assert wareki_fiscal_year(2018) == "平成30年度"
    assert wareki_fiscal_year(2020) == "令和2年度"


def test_label_shows_western_year_with_wareki():
    assert fiscal_year_label(2023) == "2023年度（令和5年度）"
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"


@pytest.mark.parametrize(
    ("text", "fiscal_year"),
    [
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("令和1年", 2019),
        ("令和5年度", 2023),
        ("令和５年度", 2023),
        ("2023", 2023),
        ("２０２３年度", 2023),
        ("2023年度（令和5年度）", 2023),
        ("2023(令和5)年度", 2023),
        ("2023年度\n（令和5年度）", 2023),
        ("R5", 2023),
        ("H30年度", 2018),
        (2023, 2023),
        (2023.0, 2023),
    ],
)
def test_parse_fiscal_year_accepts_common_forms(text, fiscal_year):
    assert parse_fiscal_year(text) == fiscal_year


@pytest.mark.parametrize("text", ["", "来年度", "平成32年度", "令和0年度", "2023年度（令和4年度）", "12", True])
def test_parse_fiscal_year_refuses_nonsense(text):
    with pytest.raises(WarekiError):
        parse_fiscal_year(text)
