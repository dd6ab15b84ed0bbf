"""The 新旧対照表 of a revision: 項目 | 旧 | 新 | 改定の理由, with 和暦, as a page, Excel and PDF; a moved span
is one change; the reasons are the draft's to write and frozen with its decision."""

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.core.tests.pdf_checks import first_page_ink, pdf_fonts, pdf_text
from suishin.plans import services
from suishin.plans.comparison import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    REASON_ROW,
    comparison_pdf_bytes,
    reason_field_name,
    revision_comparison,
)
from suishin.plans.models import PlanRevision
from suishin.plans.snapshots import plan_diff, plan_snapshot
from suishin.plans.tests.factories import decided_revision, make_plan


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def move_span(cast, plan, label, start_fy, end_fy):
    entry = plan.measures.get(roadmap_entries__label=label).roadmap_entries.get(label=label)
    return services.roadmap_entry_update(
        actor=cast.town.actor("secretariat"),
        entry=entry,
        version=entry.version,
        label=label,
        start_fy=start_fy,
        end_fy=end_fy,
    )


def draft_after_a_move(cast, plan, note="国の計画改定に合わせた見直し"):
    """第1版 decided on 2023-04-01; then 実施1-1 moves a year later and 第2版 is proposed as a draft."""
    decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    move_span(cast, plan, "実施1-1", 2023, 2025)
    return services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1), note=note
    )


def span_key(plan, label):
    number = plan.measures.get(roadmap_entries__label=label).number
    return f"span:{number}:{label}"


def reopen(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def plain(text: str) -> str:
    return "".join(text.split())


def test_a_moved_span_is_one_change_of_its_years(cast, plan):
    old = plan_snapshot(plan)
    move_span(cast, plan, "実施1-1", 2023, 2025)
    changes = plan_diff(old, plan_snapshot(plan))
    assert len(changes) == 1
    (change,) = changes
    assert (change.kind, change.item, change.key) == ("changed", "工程", span_key(plan, "実施1-1"))
    assert change.fields == [
        ("期間", "2022年度（令和4年度）〜2025年度（令和7年度）", "2023年度（令和5年度）〜2025年度（令和7年度）")
    ]


def test_spans_of_one_label_are_matched_unchanged_first(cast, plan):
    measure = plan.measures.get(roadmap_entries__label="実施1-1")
    actor = cast.town.actor("secretariat")
    services.roadmap_entry_create(actor=actor, measure=measure, label="研修", start_fy=2021, end_fy=2021)
    services.roadmap_entry_create(actor=actor, measure=measure, label="研修", start_fy=2023, end_fy=2023)
    old = plan_snapshot(plan)
    later = measure.roadmap_entries.get(label="研修", start_fy=2023)
    services.roadmap_entry_update(
        actor=actor, entry=later, version=later.version, label="研修", start_fy=2024, end_fy=2024
    )
    services.roadmap_entry_create(actor=actor, measure=measure, label="研修", start_fy=2025, end_fy=2025)

    changes = plan_diff(old, plan_snapshot(plan))

    assert [(c.kind, c.key) for c in changes] == [
        ("changed", f"span:{measure.number}:研修#1"),
        ("added", f"span:{measure.number}:研修#2"),
    ]
    assert changes[0].fields[0][1:] == ("2023年度（令和5年度）", "2024年度（令和6年度）")


def test_excel_has_the_four_columns_wareki_headings_and_a_moved_span_as_one_row(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    key = span_key(plan, "実施1-1")
    services.plan_revision_reasons_update(
        actor=cast.town.actor("secretariat"), revision=revision, reasons={key: "システム調達の時期に合わせるため"}
    )

    response = secretariat.get(reverse("plans:revision_comparison_xlsx", args=[revision.pk]))

    assert response.status_code == 200
    code, town = cast.town.organization.local_government_code, cast.town.organization.name
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"comparison-{code}-r2.xlsx\"; filename*=UTF-8''{quote(f'{town}_新旧対照表_第2版.xlsx')}"
    )
    sheet = reopen(response.content)
    assert "新旧対照表" in sheet.cell(1, 1).value
    assert sheet.cell(REASON_ROW, 1).value == "改定の理由（全体）：国の計画改定に合わせた見直し"
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 5)]
    assert headers == ["項目", "旧（第1版・令和5年4月1日）", "新（第2版（案）・令和6年4月1日）", "改定の理由"]
    rows = [[sheet.cell(r, c).value for c in range(1, 5)] for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    measure = plan.measures.get(roadmap_entries__label="実施1-1")
    assert rows == [
        [
            f"工程：{measure.number} {measure.title}: 実施1-1",
            "期間：2022年度（令和4年度）〜2025年度（令和7年度）",
            "期間：2023年度（令和5年度）〜2025年度（令和7年度）",
            "システム調達の時期に合わせるため",
        ]
    ]


def test_excel_cells_are_never_formulas(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan, note="=HYPERLINK(1)")
    sheet = reopen(secretariat.get(reverse("plans:revision_comparison_xlsx", args=[revision.pk])).content)
    assert sheet.cell(REASON_ROW, 1).data_type == "s"


def test_pdf_page_one_has_ink_the_font_embedded_and_the_reasons_as_typed(cast, plan, tmp_path):
    revision = draft_after_a_move(cast, plan, note='#import "x": * $a$')
    services.plan_revision_reasons_update(
        actor=cast.town.actor("secretariat"), revision=revision, reasons={span_key(plan, "実施1-1"): "時期の見直し"}
    )
    pdf = comparison_pdf_bytes(revision_comparison(revision), printed_on=dt.date(2024, 5, 1))

    assert first_page_ink(pdf, tmp_path) > 0.01
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all(font.embedded and "BIZUDPGothic" in font.name for font in fonts)
    text = plain(pdf_text(pdf, tmp_path))
    for expected in (
        "新旧対照表",
        "旧（第1版・令和5年4月1日）",
        "改定の理由",
        "時期の見直し",
        "令和5年度",
        '#import"x":*$a$',
    ):
        assert expected in text, expected


def test_pdf_download_is_named_for_people(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    response = secretariat.get(reverse("plans:revision_comparison_pdf", args=[revision.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert quote(f"{cast.town.organization.name}_新旧対照表_第2版.pdf") in response["Content-Disposition"]


def test_reasons_are_written_on_the_page_while_a_draft_and_audited(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    key = span_key(plan, "実施1-1")
    url = reverse("plans:revision_comparison", args=[revision.pk])
    page = secretariat.get(url).content.decode()
    assert f'name="{reason_field_name(key)}"' in page

    response = secretariat.post(url, {reason_field_name(key): "調達時期のため\r\n2行目"})

    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.change_reasons == {key: "調達時期のため\n2行目"}
    entry = AuditLog.objects.filter(verb="plan_revision.reasons_update").latest("pk")
    assert entry.data == {"reasons": 1} and entry.actor == cast.town.users["secretariat"]
    # Emptied, the reason goes.
    secretariat.post(url, {reason_field_name(key): ""})
    revision.refresh_from_db()
    assert revision.change_reasons == {}


def test_a_submitted_or_decided_revisions_reasons_cannot_change(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    key = span_key(plan, "実施1-1")
    actor = cast.town.actor("secretariat")
    services.plan_revision_reasons_update(actor=actor, revision=revision, reasons={key: "当初の理由"})
    revision = services.plan_revision_transition(actor=actor, revision=revision, action="submit")
    with pytest.raises(ValidationError):
        services.plan_revision_reasons_update(actor=actor, revision=revision, reasons={key: "後から"})
    revision = services.plan_revision_transition(actor=cast.town.actor("committee"), revision=revision, action="accept")
    with pytest.raises(ValidationError):
        services.plan_revision_reasons_update(actor=actor, revision=revision, reasons={key: "後から"})

    url = reverse("plans:revision_comparison", args=[revision.pk])
    page = secretariat.get(url).content.decode()
    assert "当初の理由" in page and "<textarea" not in page
    assert secretariat.post(url, {reason_field_name(key): "後から"}).status_code == 302
    assert PlanRevision.objects.get(pk=revision.pk).change_reasons == {key: "当初の理由"}


def test_a_decided_revision_compares_its_frozen_content_not_the_plan(cast, plan):
    revision = draft_after_a_move(cast, plan)
    actor = cast.town.actor("secretariat")
    revision = services.plan_revision_transition(actor=actor, revision=revision, action="submit")
    revision = services.plan_revision_transition(actor=cast.town.actor("committee"), revision=revision, action="accept")
    move_span(cast, plan, "実施1-1", 2024, 2025)  # after the decision: not part of 第2版
    (row,) = revision_comparison(revision).rows
    assert row.new == "期間：2023年度（令和5年度）〜2025年度（令和7年度）"
    assert revision_comparison(revision).new_heading == "新（第2版・令和6年4月1日）"


def test_another_version_can_be_the_old_side_and_names_the_file(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    first = plan.revisions.get(number=1)
    response = secretariat.get(reverse("plans:revision_comparison_xlsx", args=[revision.pk]), {"old": first.pk})
    assert response.status_code == 200  # the previous decided one: the default name
    assert "r2.xlsx" in response["Content-Disposition"]
    other = make_plan(cast.town)
    foreign = decided_revision(cast.town, other, dt.date(2023, 4, 1))
    url = reverse("plans:revision_comparison", args=[revision.pk])
    assert secretariat.get(url, {"old": foreign.pk}).status_code == 404
    assert secretariat.get(url, {"old": "x"}).status_code == 404


def test_the_first_revision_is_compared_with_nothing(cast, plan):
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2023, 4, 1)
    )
    comparison = revision_comparison(revision)
    assert comparison.old_heading == "旧（なし）"
    assert {row.old for row in comparison.rows if row.kind == "added"} == {"（なし）"}


def test_revision_and_compare_pages_link_to_the_comparison(secretariat, cast, plan):
    revision = draft_after_a_move(cast, plan)
    first = plan.revisions.get(number=1)
    detail = secretariat.get(reverse("plans:revision_detail", args=[revision.pk])).content.decode()
    assert reverse("plans:revision_comparison", args=[revision.pk]) in detail
    assert reverse("plans:revision_comparison_xlsx", args=[revision.pk]) in detail
    assert reverse("plans:revision_comparison_pdf", args=[revision.pk]) in detail
    compare = secretariat.get(
        reverse("plans:revision_compare", args=[plan.pk]), {"old": first.pk, "new": revision.pk}
    ).content.decode()
    assert reverse("plans:revision_comparison_xlsx", args=[revision.pk]) + f"?old={first.pk}" in compare


def test_old_snapshots_with_a_stage_everywhere_still_compare(cast, plan):
    first = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    snapshot = first.snapshot
    for area in snapshot["items"]:
        for measure in area["measures"]:
            measure["stage"] = "digitization"
    first.snapshot = snapshot
    first.save(update_fields=["snapshot"])
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
    )
    rows = revision_comparison(revision).rows
    assert len(rows) == plan.measures.count()
    assert {(row.old, row.new) for row in rows} == {("段階：デジタイゼーション", "段階：未設定")}


@pytest.mark.parametrize(
    "name", ["plans:revision_comparison", "plans:revision_comparison_xlsx", "plans:revision_comparison_pdf"]
)
def test_comparison_costs_the_same_queries_for_10_and_200_measures(secretariat, cast, name):
    counts = []
    for measures, areas in ((10, 3), (200, 8)):
        plan = make_plan(cast.town, measures=measures, areas=areas)
        decided_revision(cast.town, plan, dt.date(2023, 4, 1))
        for measure in plan.measures.all()[:3]:
            services.measure_update(
                actor=cast.town.actor("secretariat"), measure=measure, version=measure.version, data={"problem": "新"}
            )
        revision = services.plan_revision_create(
            actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
        )
        with CaptureQueriesContext(connection) as queries:
            assert secretariat.get(reverse(name, args=[revision.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
