"""The 工程表 as an A4 landscape PDF, grouped as on its page: a heading for each item at every level (柱,
大項目, 中項目…), the measures of the last level, and each measure's spans over the plan's fiscal years
(和暦 in the headers).

The rows come from `roadmap_rows` (built on `plan_outline`): the same few queries whatever the
plan's size, and the same grouping and lanes as the page. The layout is `typst/plans/roadmap.typ`.
"""

import datetime as dt

from django.utils.translation import gettext as _

from suishin.core.pdf import render_pdf
from suishin.core.wareki import wareki_fiscal_year
from suishin.tenants.models import Department

from .fragments import cross_cutting_labels
from .models import Plan
from .selectors import roadmap_rows


def roadmap_pdf_title(plan: Plan, department: Department | None = None) -> str:
    """Return 「第2期DX推進計画 工程表」, with the department in brackets when filtered."""
    title = f"{plan.title} {_('工程表')}"
    return f"{title}（{department.name}）" if department else title


def roadmap_document(plan: Plan, department: Department | None = None) -> dict:
    """Return the data of `plans/roadmap.typ`: labels (translated here), years and rows."""
    years = plan.fiscal_years
    rows: list[dict] = []
    cross_cutting = cross_cutting_labels(plan)
    for row in roadmap_rows(plan, department):
        if row.item is not None:
            item = row.item
            title = f"{item.level_name} {item.label}" if item.level_name else item.label
            if item.cross_cutting:
                title += cross_cutting.get(item.depth, "")
            rows.append({"kind": "item", "level": item.depth, "title": title})
            continue
        measure = row.measure
        rows.append(
            {
                "kind": "lane",
                "first": row.first,
                "lanes": row.lane_count,
                "measure": measure.label,
                "note": measure.national_kpi_note,
                "cells": [
                    {"label": cell.entry.label if cell.entry else None, "span": cell.colspan} for cell in row.cells
                ],
            }
        )
    return {
        "heading": roadmap_pdf_title(plan, department),
        "organization": plan.organization.name,
        "period": _("計画期間：%(start)s〜%(end)s")
        % {"start": wareki_fiscal_year(plan.start_fy), "end": wareki_fiscal_year(plan.end_fy)},
        "labels": {
            "measure": plan.leaf_name,
            "note": _("参考・備考"),
            "empty": _("該当する施策はありません。"),
        },
        # As on the page: 「2023年度」 over 「（令和5年度）」.
        "years": [{"year": _("%(year)s年度") % {"year": year}, "wareki": wareki_fiscal_year(year)} for year in years],
        "rows": rows,
    }


def roadmap_pdf_bytes(plan: Plan, department: Department | None = None, *, printed_on: dt.date | None = None) -> bytes:
    """Return the plan's 工程表 (only `department`'s measures, if given) as an A4 landscape PDF."""
    return render_pdf(
        "plans/roadmap.typ",
        roadmap_document(plan, department),
        title=roadmap_pdf_title(plan, department),
        landscape=True,
        printed_on=printed_on,
    )
