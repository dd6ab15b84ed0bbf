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


def test_a_date_before_showa_is_shown_in_western_form():
    """Display never raises on a stored date: 0226-04-01 (a mistyped 2026) reads 「226年4月1日」."""
    assert wareki_date(dt.date(226, 4, 1)) == "226年4月1日"
    assert wareki_date(dt.date(1926, 12, 24)) == "1926年12月24日"
    assert wareki_date(dt.date(1926, 12, 25)) == "昭和元年12月25日"
    assert wareki_date(dt.date(1, 1, 1)) == "1年1月1日"


def test_a_fiscal_year_before_showa_is_shown_in_western_form():
    assert wareki_fiscal_year(1900) == "1900年度"
    assert fiscal_year_label(1900) == "1900年度"
    assert fiscal_year_label(1) == "1年度"
    assert wareki_fiscal_year(1926) == "昭和元年度"


def test_template_filters_never_raise_on_odd_values():
    from django.template import Context, Template

    template = Template(
        "{% load wareki %}{{ day|date_wareki }}|{{ year|fy_label }}|{{ year|fy_wareki }}|{{ text|date_wareki }}"
        "|{{ odd|fy_label }}|{{ moment|date_wareki }}"
    )
    html = template.render(
        Context(
            {
                "day": dt.date(226, 4, 1),
                "year": 1800,
                "text": "0226-04-01",
                "odd": "来年",
                "moment": dt.datetime(2019, 5, 1, 12, tzinfo=dt.UTC),
            }
        )
    )
    assert html == "226年4月1日|1800年度|1800年度|226年4月1日|来年|令和元年5月1日"


@pytest.mark.parametrize(
    ("text", "fiscal_year"),
    [
        ("FY2023", 2023),
        ("2023年", 2023),
        ("令和5年度（2023年度）", 2023),
        ("  2023年度 ", 2023),
    ],
)
def test_parse_fiscal_year_accepts_both_orders_and_spaces(text, fiscal_year):
    assert parse_fiscal_year(text) == fiscal_year


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("20234", "「20234」"),
        ("2023abc", "「2023abc」"),
        ("99999", "「99999」"),
        ("令和5年度x", "「令和5年度x」"),
        ("x2023", "「x2023」"),
        ("2023年度2024", "「2023年度2024」"),
        ("1" * 5000, "「" + "1" * 5000 + "」"),
        (99999, "「99999」"),
    ],
)
def test_parse_fiscal_year_refuses_what_is_not_a_whole_year_quoting_it(text, quoted):
    """The whole text must be a year; the message quotes what was typed (「99999」, not 「9999」)."""
    with pytest.raises(WarekiError) as caught:
        parse_fiscal_year(text)
    assert quoted in str(caught.value)
