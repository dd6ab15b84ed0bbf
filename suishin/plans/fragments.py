"""The 工程表 table body, rendered once per version of the town's data and kept in the cache.

Everyone opens the 工程表 before a meeting, and it changes far less often than it is read. Its rows
are the same for every reader of the town, so the rendered rows are cached under the plan (id and
creation time), the organization's `content_version`, the department filter, the language and the fiscal
year (a plan that has just ended shows its owners by the names of its last year, see selectors). The
service frame bumps `content_version` in the transaction of every write of the town's data
(suishin.core.service), so no writer has to remember to invalidate: a measure edit, a department
rename or an indicator shown on a row all make the next read miss and render again. The cache is
each worker's memory (settings.CACHES["fragments"]), bounded in entries.
"""

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from suishin.core.url_patterns import id_url
from suishin.core.wareki import fiscal_year_label
from suishin.tenants.models import Department

from .models import MAX_LEVELS, Plan
from .selectors import current_fiscal_year, roadmap_rows

CACHE_SECONDS = 6 * 3600


def roadmap_rows_html(plan: Plan, department: Department | None = None, *, content_version: int) -> str:
    """Return the <tr> rows of the plan's 工程表 (only `department`'s measures, if given); "" when none.

    `content_version` is the organization's, as read with the request's actor.
    """
    key = ":".join(
        str(part)
        for part in (
            "roadmap",
            plan.pk,
            plan.created_at.timestamp(),
            content_version,
            department.pk if department else 0,
            get_language(),
            current_fiscal_year(),
        )
    )
    cache = caches["fragments"]
    html = cache.get(key)
    if html is None:
        html = _render_roadmap_rows(plan, department)
        cache.set(key, html, CACHE_SECONDS)
    return html


def cross_cutting_labels(plan: Plan) -> dict[int, str]:
    """Return what a cross-cutting item says at each depth: 「（全ての重点取組事項に共通する取組）」."""
    labels = {}
    for depth in range(1, MAX_LEVELS + 1):
        names = plan.level_names or []
        if depth <= len(names):
            labels[depth] = _("（全ての%(level)sに共通する取組）") % {"level": names[depth - 1]}
        else:
            labels[depth] = _("（全ての項目に共通する取組）")
    return labels


def _render_roadmap_rows(plan: Plan, department: Department | None) -> str:
    rows = roadmap_rows(plan, department)
    if not rows:
        return ""
    years = plan.fiscal_years
    return render_to_string(
        "plans/_roadmap_rows.html",
        {
            "rows": rows,
            "column_count": len(years) + 2,
            "measure_url": id_url("plans:measure_detail"),
            "cross_cutting_labels": cross_cutting_labels(plan),
            "year_labels": {year: fiscal_year_label(year) for year in years},
        },
        using="jinja2",
    )
