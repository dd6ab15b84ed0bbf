"""新旧対照表: what a revision changes, as the 本部 meeting that decides it reads it.

Four columns: 項目 | 旧（第n版・改定日） | 新 | 改定の理由, one row per change of `snapshots.plan_diff` (a
moved span is one row). The 旧 side is the revision decided before this one; the 新 side is the
revision's content: the plan as it stands while the revision is a draft (submitting freezes exactly
that), its frozen snapshot once submitted. 改定の理由 is the revision's own reason for a change
(`PlanRevision.change_reasons`, by the change's key); the revision's 概要 (`note`) is the reason for
the whole revision, above the table. Dates are 和暦. The plan's structure (its level names and the name of
its measures, 「柱 › 大項目 › 中項目 › 個別項目」) heads the table; each row names its item by its level and
its full number path (「中項目：① (1) ① 窓口改革」).

The same rows give the page (views_comparison.py), the Excel file and the PDF (`typst/plans/comparison.typ`).
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from suishin.core.pdf import render_pdf
from suishin.core.spreadsheets import cell_text
from suishin.core.wareki import wareki_date

from .file_names import file_name_safe
from .levels import structure_tree
from .models import PlanRevision
from .snapshots import Change, plan_diff, plan_snapshot, structure_text

OPEN_STATES = (PlanRevision.Status.DRAFT, PlanRevision.Status.RETURNED)
TITLE_ROW, STRUCTURE_ROW, REASON_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5


@dataclass
class ComparisonRow:
    key: str
    kind: str  # "added", "removed" or "changed" (see snapshots.Change)
    item: str
    old: str
    new: str
    reason: str = ""

    @property
    def field_name(self) -> str:
        """The name of this row's reason in a form: the key may hold any text, a field name may not."""
        return reason_field_name(self.key)


@dataclass
class Comparison:
    revision: PlanRevision
    old_revision: PlanRevision | None
    title: str
    old_heading: str
    new_heading: str
    overall_reason: str
    structure: str = ""  # the new side's levels and name of measures: 「柱 › 大項目 › 中項目 › 個別項目」
    rows: list[ComparisonRow] = field(default_factory=list)
    against_previous: bool = True  # 旧 is the version decided before this one

    @property
    def headers(self) -> list[str]:
        return [_("項目"), self.old_heading, self.new_heading, _("改定の理由")]


def reason_field_name(key: str) -> str:
    return "reason_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def is_open(revision: PlanRevision) -> bool:
    """Return whether the revision is still a draft (or returned to one): its content is the plan's."""
    return revision.status in OPEN_STATES


def previous_decided(revision: PlanRevision) -> PlanRevision | None:
    """Return the revision decided before `revision` (the highest decided number below its own)."""
    return (
        PlanRevision.objects.for_organization(revision.organization_id)
        .filter(plan_id=revision.plan_id, number__lt=revision.number, status=PlanRevision.Status.APPROVED)
        .order_by("-number")
        .first()
    )


def revision_content(revision: PlanRevision) -> dict:
    """Return what the revision decides: the plan as it stands while a draft, else its frozen snapshot."""
    return plan_snapshot(revision.plan) if is_open(revision) else revision.snapshot


def side_heading(side: str, revision: PlanRevision | None) -> str:
    """Return 「旧（第1版・令和5年4月1日）」, 「新（第2版（案）・令和6年4月1日）」 or 「旧（なし）」."""
    if revision is None:
        return _("%(side)s（なし）") % {"side": side}
    edition = _("第%(n)s版") % {"n": revision.number}
    if is_open(revision):
        edition = _("%(edition)s（案）") % {"edition": edition}
    return _("%(side)s（%(edition)s・%(date)s）") % {
        "side": side,
        "edition": edition,
        "date": wareki_date(revision.published_on),
    }


def _field_lines(change: Change, index: int) -> str:
    return "\n".join(_("%(field)s：%(value)s") % {"field": f[0], "value": f[index] or "-"} for f in change.fields)


def comparison_row(change: Change, reasons: dict) -> ComparisonRow:
    reason = str(reasons.get(change.key, ""))
    if change.kind == "added":
        return ComparisonRow(change.key, change.kind, change.item, _("（なし）"), change.name, reason)
    if change.kind == "removed":
        return ComparisonRow(change.key, change.kind, change.item, change.name, _("（削除）"), reason)
    item = _("%(item)s：%(name)s") % {"item": change.item, "name": change.name}
    return ComparisonRow(change.key, change.kind, item, _field_lines(change, 1), _field_lines(change, 2), reason)


def revision_comparison(revision: PlanRevision, old_revision: PlanRevision | None = None) -> Comparison:
    """Return the 新旧対照表 of `revision` against `old_revision` (by default the one decided before it).

    A fixed number of queries whatever the plan's size (one snapshot at most).
    """
    previous = previous_decided(revision)
    against_previous = old_revision is None or old_revision == previous
    if old_revision is None:
        old_revision = previous
    old = old_revision.snapshot if old_revision is not None else {}
    new = revision_content(revision)
    reasons = revision.change_reasons or {}
    title = _("%(plan)s 新旧対照表") % {"plan": new.get("title") or revision.plan.title}
    return Comparison(
        revision=revision,
        old_revision=old_revision,
        title=title,
        old_heading=side_heading(_("旧"), old_revision),
        new_heading=side_heading(_("新"), revision),
        overall_reason=revision.note,
        structure=structure_line(old, new),
        rows=[comparison_row(change, reasons) for change in plan_diff(old, new)],
        against_previous=against_previous,
    )


def structure_line(old: dict, new: dict) -> str:
    """Return 「計画の構成：柱 › 大項目 › 中項目 › 個別項目」, with the old one where the levels changed."""
    after = structure_tree(new)
    text = structure_text(after.level_names, after.leaf_name)
    if old:
        before = structure_tree(old)
        old_text = structure_text(before.level_names, before.leaf_name)
        if old_text != text:
            text = _("%(old)s → %(new)s") % {"old": old_text, "new": text}
    return _("計画の構成：%(structure)s") % {"structure": text}


# --- Excel ------------------------------------------------------------------------------------


def comparison_workbook(comparison: Comparison) -> Workbook:
    """Return the 新旧対照表 as one sheet: title, overall reason, the four columns, a row per change."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("新旧対照表")
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.cell(TITLE_ROW, 1, cell_text(comparison.title)).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=4)
    sheet.cell(STRUCTURE_ROW, 1, cell_text(comparison.structure))
    sheet.merge_cells(start_row=STRUCTURE_ROW, start_column=1, end_row=STRUCTURE_ROW, end_column=4)
    overall = _("改定の理由（全体）：%(reason)s") % {"reason": comparison.overall_reason or "-"}
    sheet.cell(REASON_ROW, 1, cell_text(overall)).alignment = wrap
    sheet.merge_cells(start_row=REASON_ROW, start_column=1, end_row=REASON_ROW, end_column=4)
    sheet.row_dimensions[REASON_ROW].height = 15 * min(6, 1 + comparison.overall_reason.count("\n"))
    header_fill = PatternFill("solid", fgColor="D9E2F3")
    for column, header in enumerate(comparison.headers, start=1):
        cell = sheet.cell(HEADER_ROW, column, cell_text(header))
        cell.font, cell.fill, cell.border = Font(bold=True), header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = FIRST_DATA_ROW
    for item in comparison.rows:
        for column, value in enumerate((item.item, item.old, item.new, item.reason), start=1):
            cell = sheet.cell(row, column, cell_text(value))
            cell.alignment, cell.border = wrap, border
        row += 1
    if not comparison.rows:
        sheet.cell(row, 1, _("違いはありません。"))
        row += 1
    for letter, width in zip("ABCD", (30, 48, 48, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:D{row - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def comparison_xlsx_bytes(comparison: Comparison) -> bytes:
    buffer = io.BytesIO()
    comparison_workbook(comparison).save(buffer)
    return buffer.getvalue()


def revision_comparison_xlsx(revision: PlanRevision) -> bytes:
    """The registered export: the 新旧対照表 of `revision` against the one decided before it."""
    return comparison_xlsx_bytes(revision_comparison(revision))


# --- PDF --------------------------------------------------------------------------------------


def comparison_document(comparison: Comparison) -> dict:
    """Return the data of `plans/comparison.typ` (labels translated here)."""
    return {
        "heading": comparison.title,
        "organization": comparison.revision.organization.name,
        "overall_reason": comparison.overall_reason,
        "structure": comparison.structure,
        "labels": {
            "headers": comparison.headers,
            "overall": _("改定の理由（全体）"),
            "empty": _("違いはありません。"),
        },
        "rows": [
            {"item": row.item, "old": row.old, "new": row.new, "reason": row.reason, "kind": row.kind}
            for row in comparison.rows
        ],
    }


def comparison_pdf_bytes(comparison: Comparison, *, printed_on: dt.date | None = None) -> bytes:
    """Return the 新旧対照表 as an A4 landscape PDF (its header row repeats on every page)."""
    return render_pdf(
        "plans/comparison.typ",
        comparison_document(comparison),
        title=comparison.title,
        landscape=True,
        printed_on=printed_on,
    )


def comparison_filenames(comparison: Comparison, extension: str) -> tuple[str, str]:
    """Return 「上里町_新旧対照表_第2版.xlsx」 (「…_第2版_第1版と対照.xlsx」 against another than the
    previous decided version) and an ASCII fallback, 「comparison-113859-r2.xlsx」."""
    revision, old = comparison.revision, comparison.old_revision
    parts = [revision.organization.name, _("新旧対照表"), _("第%(n)s版") % {"n": revision.number}]
    fallback = f"comparison-{revision.organization.local_government_code}-r{revision.number}"
    if old is not None and not comparison.against_previous:
        parts.append(_("第%(n)s版と対照") % {"n": old.number})
        fallback += f"-r{old.number}"
    name = file_name_safe("_".join(parts))
    return f"{name}.{extension}", f"{fallback}.{extension}"
