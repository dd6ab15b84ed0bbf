"""A 工程表 of the layout before levels (施策番号 | 重点取組事項 | 施策 | 担当課 | years | 参考・備考), exported
before the plans had levels and edited offline, still imports into a plan of one level: measures found by
their number, 重点取組事項 cells resolved to the plan's items, 段階 left alone, problems named by that
layout's columns. A plan of any other depth refuses it, saying why."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl.utils import get_column_letter

from suishin.plans.models import Measure, PlanItem, Stage
from suishin.plans.roadmap_import import roadmap_import_apply
from suishin.plans.spreadsheets import HEADER_ROW, parse_roadmap_sheet, roadmap_workbook, year_header
from suishin.plans.tests.factories import make_leveled_plan, make_plan
from suishin.tabular.uploads import open_xlsx_upload

FIRST_ROW = 3  # data from row 3: the title row, then the header row


def previous_workbook(plan, rows: list[dict] | None = None) -> openpyxl.Workbook:
    """The 工程表 as the export before levels wrote it: a merged title row, the headers, one row per measure
    (its spans on one row: the factories' never overlap) with spans as merged year cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "工程表"
    headers = ["施策番号", "重点取組事項", "施策", "担当課", *map(year_header, plan.fiscal_years), "参考・備考"]
    sheet.cell(1, 1, f"{plan.title} 工程表")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for column, text in enumerate(headers, start=1):
        sheet.cell(HEADER_ROW, column, text)
    for row, values in enumerate(rows if rows is not None else previous_rows(plan), start=FIRST_ROW):
        write_row(plan, sheet, row, values)
    return workbook


def previous_rows(plan) -> list[dict]:
    rows = []
    for item in plan.items.filter(level=1).order_by("position", "id"):
        for measure in item.measures.order_by("position", "number"):
            rows.append(
                {
                    "number": measure.number,
                    "area": item.title,
                    "title": measure.title,
                    "departments": "、".join(d.name for d in measure.departments.order_by("position", "code")),
                    "spans": [(e.label, e.start_fy, e.end_fy) for e in measure.roadmap_entries.order_by("position")],
                    "note": measure.national_kpi_note,
                }
            )
    return rows


def write_row(plan, sheet, row: int, values: dict) -> None:
    for column, key in enumerate(("number", "area", "title", "departments"), start=1):
        sheet.cell(row, column, values.get(key) or None)
    first_year = 5
    for label, start_fy, end_fy in values.get("spans", ()):
        start, end = first_year + start_fy - plan.start_fy, first_year + end_fy - plan.start_fy
        sheet.cell(row, start, label)
        if end > start:
            sheet.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    sheet.cell(row, first_year + len(plan.fiscal_years), values.get("note") or None)


def parse(plan, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return parse_roadmap_sheet(plan, open_xlsx_upload(buffer))


def problems_of(plan, workbook) -> list[str]:
    return [str(p) for p in parse(plan, workbook).problems]


def apply(cast, plan, workbook) -> dict:
    imported = parse(plan, workbook)
    assert [str(p) for p in imported.problems] == []
    return roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)


def spans_of(measure) -> list[tuple]:
    return list(measure.roadmap_entries.order_by("position").values_list("label", "start_fy", "end_fy"))


def with_stages(plan) -> dict[int, str]:
    stages = {}
    for measure, stage in zip(
        plan.measures.order_by("pk"), [Stage.DIGITIZATION, Stage.TRANSFORMATION, ""], strict=False
    ):
        Measure.objects.filter(pk=measure.pk).update(stage=stage)
        stages[measure.pk] = stage
    return stages


def test_an_unchanged_file_changes_nothing(cast, plan):
    with_stages(plan)
    summary = apply(cast, plan, previous_workbook(plan))
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, plan.measures.count())
    assert (summary["items_created"], summary["items_renamed"]) == (0, 0)


def test_a_changed_title_and_span_are_imported_and_stages_left_alone(cast, plan):
    stages = with_stages(plan)
    rows = previous_rows(plan)
    first = plan.measures.get(number=rows[0]["number"])
    rows[0]["title"] = "窓口のオンライン化（改）"
    rows[0]["spans"] = [("準備", 2021, 2022), ("実施", 2023, 2025)]  # a span of two years, merged C:D of the years
    before = Measure.objects.get(pk=first.pk).version
    summary = apply(cast, plan, previous_workbook(plan, rows))
    assert (summary["created"], summary["updated"]) == (0, 1)
    first = Measure.objects.get(pk=first.pk)
    assert first.title == "窓口のオンライン化（改）"
    assert spans_of(first) == [("準備", 2021, 2022), ("実施", 2023, 2025)]
    assert first.version > before
    assert dict(plan.measures.values_list("pk", "stage")) == stages  # no 段階 column: every stage as it was


def test_a_row_without_number_is_a_new_measure_without_stage(cast, plan):
    with_stages(plan)
    rows = previous_rows(plan)
    owner = cast.town.departments[1].name
    rows.append({"area": rows[0]["area"], "title": "新しい施策", "departments": owner, "spans": [("試行", 2024, 2025)]})
    summary = apply(cast, plan, previous_workbook(plan, rows))
    assert (summary["created"], summary["updated"]) == (1, 0)
    new = plan.measures.get(title="新しい施策")
    assert new.stage == ""
    assert new.number  # proposed, as a new measure of today's file gets one
    assert new.item.title == rows[0]["area"]
    assert spans_of(new) == [("試行", 2024, 2025)]
    assert list(new.departments.values_list("name", flat=True)) == [owner]


def test_area_cells_move_rename_and_create_items_as_todays_import_does(cast, plan):
    rows = previous_rows(plan)
    areas = list(plan.items.filter(level=1).order_by("position"))
    for area, number in zip(areas, ["①", "②"], strict=True):
        PlanItem.objects.filter(pk=area.pk).update(number=number)  # numbered since the file was exported
    moved = plan.measures.get(number=rows[0]["number"])
    rows[0]["area"] = areas[1].title  # a measure under the other area: moved
    rows.append({"area": "新しい重点取組事項", "title": "新しい施策", "departments": cast.town.departments[1].name})
    summary = apply(cast, plan, previous_workbook(plan, rows))
    assert (summary["created"], summary["items_created"], summary["items_renamed"]) == (1, 1, 0)
    assert Measure.objects.get(pk=moved.pk).item_id == areas[1].pk
    # The old layout wrote titles alone: a title names its item and leaves its number.
    assert list(plan.items.order_by("position").values_list("number", flat=True))[:2] == ["①", "②"]
    assert plan.measures.get(title="新しい施策").item.title == "新しい重点取組事項"

    rows = previous_rows(plan)
    for values in rows:
        if values["area"] == areas[1].title:
            values["area"] = "② 改めた重点取組事項"
    summary = apply(cast, plan, previous_workbook(plan, rows))
    assert summary["items_renamed"] == 1
    renamed = PlanItem.objects.get(pk=areas[1].pk)
    assert (renamed.number, renamed.title) == ("②", "改めた重点取組事項")


def at(column: str, row: int) -> str:
    return f"{row}行目 {column}列: "


def test_bad_rows_are_reported_by_the_columns_of_that_layout(cast, plan):
    rows = previous_rows(plan)
    owner = cast.town.departments[1].name
    area = rows[0]["area"]
    bad = [
        rows[1] | {"title": "同じ番号で別の施策名"},  # the number of the second row, another name
        {"number": "99", "area": area, "title": "番号違い", "departments": owner},
        {"area": "", "title": "重点取組事項なし", "departments": owner},
        {"area": area, "title": "", "departments": owner},
        {"area": area, "title": "担当課なし"},
        {"area": area, "title": "長い工程", "departments": owner, "spans": [("あ" * 201, 2023, 2023)]},
        {"area": area, "title": "知らない課", "departments": "存在しない課"},
    ]
    first_bad = FIRST_ROW + len(rows)
    twice, unknown, no_area, no_title, no_owner, long_span, bad_owner = range(first_bad, first_bad + len(bad))
    year_2023 = get_column_letter(5 + 2023 - plan.start_fy)
    assert year_2023 == "G"
    problems = problems_of(plan, previous_workbook(plan, rows + bad))
    assert sorted(problems) == sorted(
        [
            at("A", twice) + f"施策番号「{rows[1]['number']}」が重複しています（{FIRST_ROW + 1}行目の施策と"
            "施策名・重点取組事項が違います）。"
            "同じ施策の工程を複数の行に書くときは、施策番号・重点取組事項・施策名をそろえてください。",
            at("A", unknown) + "施策番号「99」はこの計画にありません。新しい施策は番号を空欄にしてください。",
            at("B", no_area) + "重点取組事項を入力してください。",
            at("C", no_title) + "施策名が空です。",
            at("D", no_owner) + "担当課を1つ以上選んでください。",
            at(year_2023, long_span) + "工程の内容が長すぎます（200文字以内）。",
            at("D", bad_owner) + "担当課「存在しない課」は登録されていません。",
        ]
    )


def test_a_span_outside_the_year_columns_is_reported_there(cast, plan):
    workbook = previous_workbook(plan)
    workbook.active.merge_cells(start_row=FIRST_ROW, start_column=3, end_row=FIRST_ROW, end_column=5)
    assert at("C", FIRST_ROW) + "年度の列の外にかかる結合セルがあります（C3:E3）。" in problems_of(plan, workbook)


def test_a_number_repeated_under_two_items_is_found_under_the_rows_item(cast):
    plan = make_leveled_plan(cast.town, ["重点取組事項"])  # measures (1), (2) under each of two items
    rows = previous_rows(plan)
    second = plan.items.order_by("position")[1]
    target = second.measures.get(number="(1)")
    for values in rows:
        if values["number"] == "(1)" and values["area"] == second.title:
            values["title"] = "二つ目の(1)"
    assert apply(cast, plan, previous_workbook(plan, rows))["updated"] == 1
    assert Measure.objects.get(pk=target.pk).title == "二つ目の(1)"

    rows = previous_rows(plan)
    rows[0]["area"] = "新しい重点取組事項"  # (1) under no item that has one: which (1)?
    assert problems_of(plan, previous_workbook(plan, rows)) == [
        at("A", FIRST_ROW) + "施策番号「(1)」の施策がこの計画に2件あり、どれか決まりません。"
        "重点取組事項をその施策のものにしてください。"
    ]


def test_a_plan_of_three_levels_refuses_the_file_and_says_why(cast):
    kobe = make_leveled_plan(cast.town, ["柱", "大項目", "中項目"])
    rows = [{"number": "①", "area": "柱1", "title": "個別項目1-1-1-1", "departments": cast.town.departments[1].name}]
    imported = parse(kobe, previous_workbook(kobe, rows))
    assert (imported.measures, imported.items) == ([], [])
    assert [str(p) for p in imported.problems] == [
        "2行目: この工程表は計画に階層ができる前の様式（施策番号・重点取組事項・施策・担当課…）で、"
        "この様式で取り込めるのは階層が一つの計画だけです。"
        "この計画の工程表をダウンロードし直し、その様式に入力してください。"
    ]


def test_the_refusal_reads_whole_in_english(cast):
    kobe = make_leveled_plan(cast.town, ["柱", "大項目", "中項目"])
    with translation.override("en"):
        problems = problems_of(kobe, previous_workbook(kobe, []))
    assert problems == [
        "2行目: This roadmap has the layout from before plans had levels (measure no., priority area, measure, "
        "department…): only a one-level plan imports it. Download this plan's roadmap again and use its layout."
    ]


def test_a_flat_plan_refuses_it_too(cast):
    flat = make_leveled_plan(cast.town, [], measures=2)
    assert problems_of(flat, previous_workbook(flat, []))[0].startswith("2行目: この工程表は計画に階層ができる前の様式")


def test_headers_of_another_period_are_not_that_layout(cast, plan):
    workbook = previous_workbook(plan)
    workbook.active.cell(HEADER_ROW, 5).value = year_header(plan.start_fy - 1)
    problems = problems_of(plan, workbook)
    assert problems and all("階層ができる前" not in problem for problem in problems)
    assert problems[0] == at("A", HEADER_ROW) + "見出しは「ID」のはずですが「施策番号」です。", problems


def test_todays_file_still_reads_as_before(cast, plan):
    summary = apply(cast, plan, roadmap_workbook(plan))
    assert summary["unchanged"] == plan.measures.count()


@pytest.mark.parametrize("sizes", [(10, 200)])
def test_parse_and_apply_cost_the_same_queries_for_10_or_200_measures(cast, sizes):
    counts = []
    owner = cast.town.departments[1].name
    for size in sizes:
        plan = make_plan(cast.town, measures=size, areas=2)
        with_stages(plan)
        rows = previous_rows(plan)
        for values in rows:
            values["title"] += "（改）"
        rows.append({"area": "新しい重点取組事項", "title": "新しい施策", "departments": owner})
        workbook = previous_workbook(plan, rows)
        with CaptureQueriesContext(connection) as queries:
            summary = apply(cast, plan, workbook)
        assert (summary["created"], summary["updated"], summary["items_created"]) == (1, size, 1)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
