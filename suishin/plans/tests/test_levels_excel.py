"""The 工程表 Excel follows the plan's levels: one column per level, an ID column, 段階; the import creates,
renames and renumbers items at every level, moves measures, or refuses with row and column."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suishin.plans import services
from suishin.plans.models import Measure, Stage
from suishin.plans.roadmap_import import roadmap_import_apply
from suishin.plans.snapshots import plan_snapshot
from suishin.plans.spreadsheets import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    parse_roadmap_sheet,
    roadmap_columns,
    roadmap_workbook,
    roadmap_xlsx_bytes,
    split_label,
)
from suishin.plans.tests.factories import leveled_structure, make_leveled_plan
from suishin.tabular.uploads import open_xlsx_upload

KOBE = ["柱", "大項目", "中項目"]
FOUR = ["柱", "大項目", "中項目", "小項目"]
FIVE = ["第1階層", "第2階層", "第3階層", "第4階層", "第5階層"]


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


def replace_everywhere(sheet, column: int, old: str, new):
    """Write `new` wherever the column says `old` (an item is named on each row of its measures)."""
    rows = [row for row in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(row, column).value == old]
    assert rows, old
    for row in rows:
        sheet.cell(row, column).value = new
    return rows


def rows_of(sheet, measure) -> list[int]:
    return [row for row in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(row, 1).value == measure.pk]


def add_row(sheet, values: dict) -> int:
    row = sheet.max_row + 1
    for column, value in values.items():
        sheet.cell(row, column, value)
    return row


@pytest.fixture
def kobe(cast):
    return make_leveled_plan(cast.town, KOBE)


def test_the_export_has_an_id_a_column_per_level_and_stage(kobe):
    sheet = openpyxl.load_workbook(io.BytesIO(roadmap_xlsx_bytes(kobe))).active
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, sheet.max_column + 1)]
    assert headers[:8] == ["ID", "柱", "大項目", "中項目", "個別項目番号", "個別項目", "担当課", "段階"]
    assert headers[8] == "2021年度\n（令和3年度）" and headers[-1] == "参考・備考"
    first = kobe.measures.get(pk=sheet.cell(FIRST_DATA_ROW, 1).value)
    middle = first.item
    assert [sheet.cell(FIRST_DATA_ROW, c).value for c in range(2, 7)] == [
        middle.parent.parent.label,
        middle.parent.label,
        middle.label,
        first.number,
        first.title,
    ]
    assert sheet.cell(FIRST_DATA_ROW, 2).value == "① 柱1"
    assert sheet.cell(FIRST_DATA_ROW, 3).value == "(1) 大項目1-1"
    assert sheet.cell(FIRST_DATA_ROW, 8).value is None  # 段階 not given
    # Every measure is there, under its items, in the plan's order, each of its lanes a row with its ID.
    ids = {sheet.cell(r, 1).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert ids == set(kobe.measures.values_list("pk", flat=True))


@pytest.mark.parametrize("names", [KOBE, FOUR], ids=["3 levels and the leaf", "4 levels and the leaf"])
def test_an_unchanged_export_reimports_as_a_no_op(cast, names):
    plan = make_leveled_plan(cast.town, names)
    before = plan_snapshot(plan)
    versions = dict(Measure.objects.filter(plan=plan).values_list("pk", "version"))
    item_versions = dict(plan.items.values_list("pk", "version"))
    summary = apply(cast, plan, roadmap_workbook(plan))
    assert summary == {
        "created": 0,
        "updated": 0,
        "unchanged": plan.measures.count(),
        "items_created": 0,
        "items_renamed": 0,
    }
    assert plan_snapshot(plan) == before
    assert dict(Measure.objects.filter(plan=plan).values_list("pk", "version")) == versions
    assert dict(plan.items.values_list("pk", "version")) == item_versions


@pytest.mark.parametrize("names", [[], FIVE], ids=["flat", "5 levels"])
def test_flat_and_five_level_plans_export_and_import(cast, names):
    plan = make_leveled_plan(cast.town, names, fanout=2, measures=2)
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, 2 + len(names) + 4)]
    assert headers == ["ID", *names, "個別項目番号", "個別項目", "担当課", "段階"]
    before = plan_snapshot(plan)
    assert apply(cast, plan, roadmap_workbook(plan))["unchanged"] == plan.measures.count()
    assert plan_snapshot(plan) == before
    # A new measure under the last item, its number left to the plan's proposal (the style of its siblings).
    columns = roadmap_columns(plan)
    last = sheet.max_row
    values = {column: sheet.cell(last, column).value for column in range(2, columns.number)}
    values |= {columns.title: "追加した個別項目", columns.departments: cast.town.departments[1].name}
    add_row(sheet, values)
    summary = apply(cast, plan, workbook)
    assert (summary["created"], summary["items_created"]) == (1, 0)
    added = plan.measures.get(title="追加した個別項目")
    sibling = plan.measures.get(pk=sheet.cell(last, 1).value)
    assert added.item_id == sibling.item_id
    assert added.number == "③"  # after ① and ②
    assert added.stage == ""


@pytest.mark.parametrize("level", [1, 2, 3])
def test_renaming_an_item_at_each_level_keeps_it(cast, kobe, level):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    column = roadmap_columns(kobe).level(level)
    old = sheet.cell(FIRST_DATA_ROW, column).value
    number, title = split_label(old)
    item = next(i for i in kobe.items.filter(level=level) if (i.number, i.title) == (number, title))
    replace_everywhere(sheet, column, old, f"{number}\u3000新しい名前")  # a full-width space, as typed in Japanese
    count = kobe.items.count()
    summary = apply(cast, kobe, workbook)
    assert (summary["items_renamed"], summary["items_created"], summary["updated"]) == (1, 0, 0)
    assert kobe.items.count() == count
    renamed = kobe.items.get(title="新しい名前")
    assert (renamed.pk, renamed.level, renamed.number) == (item.pk, level, number)
    assert apply(cast, kobe, roadmap_workbook(kobe))["items_renamed"] == 0  # and exported so


def test_renumbering_items_by_title_and_measures_by_id(cast, kobe):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    pillar = kobe.items.get(level=1, number="②")
    replace_everywhere(sheet, 2, "② 柱2", "Ⅱ 柱2")
    measure = kobe.measures.get(pk=sheet.cell(FIRST_DATA_ROW, 1).value)
    for row in rows_of(sheet, measure):
        sheet.cell(row, 5).value = "⑨"
    summary = apply(cast, kobe, workbook)
    assert (summary["items_renamed"], summary["updated"], summary["created"]) == (1, 1, 0)
    pillar.refresh_from_db()
    assert (pillar.number, pillar.title) == ("Ⅱ", "柱2")
    measure.refresh_from_db()
    assert measure.number == "⑨"


def test_two_items_swapping_numbers_keep_their_identity(cast, kobe):
    """「① 柱1」 and 「② 柱2」 written as 「② 柱1」 and 「① 柱2」: each 柱 is renumbered (its goals and measures stay
    with it), not renamed into the other."""
    first, second = kobe.items.get(level=1, number="①"), kobe.items.get(level=1, number="②")
    goal = services.goal_create(actor=cast.town.actor("secretariat"), plan=kobe, title="目標", items=[first])
    measures_of_first = set(Measure.objects.filter(item__parent__parent=first).values_list("pk", flat=True))
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    column = roadmap_columns(kobe).level(1)
    rows_first = replace_everywhere(sheet, column, "① 柱1", "PLACEHOLDER")
    replace_everywhere(sheet, column, "② 柱2", "① 柱2")
    for row in rows_first:
        sheet.cell(row, column).value = "② 柱1"
    summary = apply(cast, kobe, workbook)
    assert summary["items_renamed"] == 2 and summary["items_created"] == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, first.title, second.number, second.title) == ("②", "柱1", "①", "柱2")
    assert list(goal.items.all()) == [first]
    assert set(Measure.objects.filter(item__parent__parent=first).values_list("pk", flat=True)) == measures_of_first


def test_new_items_at_every_level_and_a_new_measure_under_them(cast, kobe):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    columns = roadmap_columns(kobe)
    owner = cast.town.departments[1].name
    first = add_row(sheet, {2: "③ 新しい柱", 3: "(1) 新しい大項目", 4: "① 新しい中項目", 6: "新1", 7: owner})
    add_row(sheet, {2: "③ 新しい柱", 3: "(1) 新しい大項目", 4: "② 次の中項目", 5: "①", 6: "新2", 7: owner})
    add_row(sheet, {2: "① 柱1", 3: "新しい大項目（番号なし）", 4: "① 中項目", 6: "新3", 7: owner})
    sheet.cell(first, columns.first_year, "検討")
    summary = apply(cast, kobe, workbook)
    assert (summary["items_created"], summary["created"]) == (6, 3)
    pillar = kobe.items.get(title="新しい柱")
    assert (pillar.level, pillar.number, pillar.parent, pillar.position) == (1, "③", None, 3)
    area = pillar.children.get()
    assert (area.level, area.number, area.title) == (2, "(1)", "新しい大項目")
    assert [(c.number, c.title, c.level) for c in area.children.order_by("position")] == [
        ("①", "新しい中項目", 3),
        ("②", "次の中項目", 3),
    ]
    new1 = kobe.measures.get(title="新1")
    assert new1.item.title == "新しい中項目" and new1.number == "①"  # proposed: Kobe's ① under each 中項目
    assert [(e.label, e.start_fy) for e in new1.roadmap_entries.all()] == [("検討", 2021)]
    unnumbered = kobe.items.get(title="新しい大項目（番号なし）")
    assert unnumbered.number == "" and unnumbered.parent.label == "① 柱1"
    before = plan_snapshot(kobe)
    assert apply(cast, kobe, roadmap_workbook(kobe))["unchanged"] == kobe.measures.count()
    assert plan_snapshot(kobe) == before


def test_changing_a_measures_level_cells_moves_it(cast, kobe):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    measure = kobe.measures.get(pk=sheet.cell(FIRST_DATA_ROW, 1).value)
    target = kobe.items.filter(level=3).exclude(pk=measure.item_id).order_by("-id").first()
    labels = [target.parent.parent.label, target.parent.label, target.label]
    for row in rows_of(sheet, measure):
        for offset, label in enumerate(labels):
            sheet.cell(row, 2 + offset).value = label
        sheet.cell(row, 5).value = "⑤"
    summary = apply(cast, kobe, workbook)
    assert (summary["updated"], summary["created"], summary["items_created"]) == (1, 0, 0)
    moved = Measure.objects.get(pk=measure.pk)
    assert (moved.item_id, moved.number, moved.title) == (target.pk, "⑤", measure.title)
    assert moved.position > max(m.position for m in target.measures.exclude(pk=measure.pk))


def test_refusals_name_row_and_column_and_save_nothing(cast, kobe):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    sheet.cell(FIRST_DATA_ROW, 3).value = None  # blank 大項目
    sheet.cell(FIRST_DATA_ROW + 1, 1).value = 999999  # not a measure of this plan
    sheet.cell(FIRST_DATA_ROW + 1, 8).value = "DX化"  # not a 段階
    before = plan_snapshot(kobe)
    problems = problems_of(kobe, workbook)
    assert f"{FIRST_DATA_ROW}行目 C列: 大項目を入力してください。" in problems
    unknown = "ID「999999」はこの計画の施策ではありません。新しい施策はIDを空欄にしてください。"
    assert f"{FIRST_DATA_ROW + 1}行目 A列: {unknown}" in problems
    assert any(p.startswith(f"{FIRST_DATA_ROW + 1}行目 H列: 段階「DX化」は選べません") for p in problems)
    assert plan_snapshot(kobe) == before


def test_one_item_named_two_ways_is_refused_naming_both_rows(cast, kobe):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    rows = replace_everywhere(sheet, 2, "① 柱1", "① 柱1（改）")
    sheet.cell(rows[-1], 2).value = "① 柱1（別名）"
    before = plan_snapshot(kobe)
    problems = problems_of(kobe, workbook)
    assert problems == [
        f"{rows[-1]}行目 B列: 柱「① 柱1（別名）」は{rows[0]}行目の「① 柱1（改）」と同じ項目です。"
        "同じ項目は同じ書き方にしてください。"
    ]
    assert plan_snapshot(kobe) == before


def test_a_number_taken_as_a_full_path_is_refused(cast, kobe, plan):
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    first = kobe.measures.get(pk=sheet.cell(FIRST_DATA_ROW, 1).value)
    sibling = first.item.measures.exclude(pk=first.pk).get()
    for row in rows_of(sheet, first):
        sheet.cell(row, 5).value = sibling.number
    problems = problems_of(kobe, workbook)
    sibling_row = rows_of(sheet, sibling)[0]
    path = f"① (1) ① {sibling.number}"
    taken = f"施策番号「{path}」はこの計画で既に使われています（{sibling_row}行目にもあります）。"
    assert f"{FIRST_DATA_ROW}行目 E列: {taken}" in problems
    # An item given a number another holds as a full path (上里町: its measures' 「01-01」) is refused at its column.
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    taken = sheet.cell(FIRST_DATA_ROW, 3).value
    row = add_row(sheet, {2: f"{taken} 新しい重点取組事項", 4: "新しい施策", 5: cast.town.departments[1].name})
    problems = problems_of(plan, workbook)
    assert problems == [
        f"{row}行目 B列: 番号「{taken}」はこの計画で既に使われています（{FIRST_DATA_ROW}行目にもあります）。"
    ]


def test_stage_round_trips_and_unset_stays_unset(cast, kobe):
    measure = kobe.measures.order_by("pk").first()
    services.measure_update(
        actor=cast.town.actor("secretariat"),
        measure=measure,
        version=measure.version,
        data={"stage": Stage.TRANSFORMATION},
    )
    workbook = roadmap_workbook(kobe)
    sheet = workbook.active
    stages = {sheet.cell(r, 1).value: sheet.cell(r, 8).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert stages[measure.pk] == "DX"
    assert {v for k, v in stages.items() if k != measure.pk} == {None}
    before = plan_snapshot(kobe)
    assert apply(cast, kobe, workbook)["updated"] == 0
    assert plan_snapshot(kobe) == before
    other = kobe.measures.exclude(pk=measure.pk).order_by("pk").first()
    for row in rows_of(sheet, other):
        sheet.cell(row, 8).value = "デジタイゼーション"
    for row in rows_of(sheet, measure):
        sheet.cell(row, 8).value = None
    assert apply(cast, kobe, workbook)["updated"] == 2
    assert dict(kobe.measures.filter(pk__in=[measure.pk, other.pk]).values_list("pk", "stage")) == {
        measure.pk: "",
        other.pk: Stage.DIGITIZATION,
    }


def test_a_one_level_file_matches_a_row_without_id_by_its_number(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    measure = plan.measures.get(pk=sheet.cell(FIRST_DATA_ROW, 1).value)
    for row in rows_of(sheet, measure):
        sheet.cell(row, 1).value = None
        sheet.cell(row, 4).value = "番号で見つけた施策"
    summary = apply(cast, plan, workbook)
    assert (summary["created"], summary["updated"]) == (0, 1)
    assert Measure.objects.get(pk=measure.pk).title == "番号で見つけた施策"


def _every_title_changed_and_new_items(plan, workbook, owner: str):
    sheet = workbook.active
    columns = roadmap_columns(plan)
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        sheet.cell(row, columns.title).value = f"{sheet.cell(row, columns.title).value}（改）"
    values = {columns.level(level): f"新しい{name}" for level, name in enumerate(plan.level_names, start=1)}
    add_row(sheet, values | {columns.title: "新しい施策", columns.departments: owner})
    return workbook


def sized_plan(town, names, measures: int, fanout: int = 1):
    """A plan of `names` levels; a flat one numbered 1, 2, 3… (the factory's ① stops at ⑳)."""
    structure = leveled_structure(town, names, fanout=fanout, measures=measures if names else 1)
    if not names:
        model = structure["measures"][0]
        structure["measures"] = [model | {"number": str(n), "title": f"施策{n}"} for n in range(1, measures + 1)]
    return services.plan_create(actor=town.actor("secretariat"), structure=structure)


@pytest.mark.parametrize(
    ("names", "small", "large"),
    [
        ([], {"measures": 10}, {"measures": 500}),
        (["重点取組事項"], {"fanout": 2, "measures": 5}, {"fanout": 20, "measures": 25}),
        (KOBE, {"fanout": 2, "measures": 1}, {"fanout": 4, "measures": 8}),
        (FIVE, {"fanout": 1, "measures": 10}, {"fanout": 2, "measures": 16}),
    ],
    ids=["flat", "1 level", "3 levels", "5 levels"],
)
def test_export_and_import_cost_the_same_queries_at_any_size(cast, names, small, large):
    counts = []
    owner = cast.town.departments[1].name
    for shape in (small, large):
        plan = sized_plan(cast.town, names, **shape)
        with CaptureQueriesContext(connection) as export:
            workbook = roadmap_workbook(plan)
        with CaptureQueriesContext(connection) as unchanged:
            apply(cast, plan, workbook)
        workbook = _every_title_changed_and_new_items(plan, roadmap_workbook(plan), owner)
        with CaptureQueriesContext(connection) as changed:
            summary = apply(cast, plan, workbook)
        assert summary["updated"] == plan.measures.count() - 1
        assert summary["items_created"] == len(names)
        counts.append((len(export), len(unchanged), len(changed)))
    assert counts[0] == counts[1], counts
