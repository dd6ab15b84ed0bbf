"""Revisions, their comparison (新旧対照表), the roll-over and the templates follow a plan's levels: items are
compared at every level and named by their level, measures by their stable id or full number path (a
renumbered or moved measure is one change), revisions frozen before plans had levels still render and
compare, and a plan carried into the next period keeps its tree, numbers, level names and goal links."""

import copy
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.tests.pdf_checks import pdf_text
from suishin.plans import services
from suishin.plans.comparison import FIRST_DATA_ROW, STRUCTURE_ROW, comparison_pdf_bytes, revision_comparison
from suishin.plans.levels import walk_items
from suishin.plans.models import Measure, Plan, PlanItem
from suishin.plans.snapshots import plan_diff, plan_snapshot
from suishin.plans.tests.factories import decided_revision, leveled_structure, make_leveled_plan

FOUR = ["柱", "大項目", "中項目", "小項目"]
FIVE = [*FOUR, "細目"]
DEPTHS = {0: [], 4: FOUR, 5: FIVE}


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def old_shape(snapshot: dict) -> dict:
    """A snapshot as revisions were frozen before plans had levels: priority areas, no ids, no level names."""
    keep = ["number", "title", "problem", "causes", "actions", "expected_effects", "stage", "national_kpi_note"]
    return {
        **{k: snapshot[k] for k in ("title", "start_fy", "end_fy", "mission", "vision", "positioning")},
        "goals": [{"title": g["title"], "description": g["description"]} for g in snapshot["goals"]],
        "priority_areas": [
            {
                "title": area["title"],
                "description": area["description"],
                "cross_cutting": area["cross_cutting"],
                "measures": [
                    {**{k: m[k] for k in keep}, "departments": m["departments"], "roadmap": m["roadmap"]}
                    for m in area["measures"]
                ],
            }
            for area in snapshot["items"]
        ],
    }


def without_ids(structure: dict) -> dict:
    """A structure with its ids left out and its goals' links named by the items' full number paths."""
    paths = {}

    def strip(items, ancestors=()):
        out = []
        for item in items:
            path = " ".join(a["number"] for a in (*ancestors, item))
            paths[item["id"]] = path
            out.append(
                {
                    **{k: v for k, v in item.items() if k not in ("id", "items", "measures")},
                    "items": strip(item["items"], (*ancestors, item)),
                    "measures": [{k: v for k, v in m.items() if k != "id"} for m in item["measures"]],
                }
            )
        return out

    items = strip(structure["items"])
    return {
        **{k: v for k, v in structure.items() if k not in ("items", "measures", "goals")},
        "items": items,
        "measures": [{k: v for k, v in m.items() if k != "id"} for m in structure["measures"]],
        "goals": [{**g, "items": sorted(paths[i] for i in g["items"])} for g in structure["goals"]],
    }


def leaves(plan: Plan) -> list[PlanItem]:
    return list(plan.items.filter(level=plan.depth).order_by("parent__position", "position", "id"))


def first_at_level(plan: Plan, level: int) -> PlanItem:
    item = plan.items.get(parent=None, position=1)
    while item.level < level:
        item = item.children.get(position=1)
    return item


def rename(cast, item: PlanItem, title: str) -> PlanItem:
    return services.plan_item_update(
        actor=cast.town.actor("secretariat"),
        item=item,
        version=item.version,
        title=title,
        description=item.description,
        cross_cutting=item.cross_cutting,
        position=item.position,
    )


# --- revisions frozen before plans had levels ---------------------------------------------------------


def test_an_old_snapshot_renders_on_the_revision_page(secretariat, cast, plan):
    revision = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    revision.snapshot = old_shape(revision.snapshot)
    revision.save(update_fields=["snapshot"])

    page = secretariat.get(reverse("plans:revision_detail", args=[revision.pk])).content.decode()

    assert "計画の構成（重点取組事項 › 施策）" in page
    for measure in plan.measures.all():
        assert f"{measure.number} {measure.title}" in page
    assert "重点取組事項1" in page and "重点取組事項2" in page


def test_an_old_snapshot_compares_with_todays_shape_of_the_same_plan_without_changes(cast, plan):
    old = old_shape(plan_snapshot(plan))
    assert plan_diff(old, plan_snapshot(plan)) == []
    assert plan_diff(plan_snapshot(plan), old) == []


def test_changes_against_an_old_snapshot_keep_the_keys_stored_reasons_use(cast, plan):
    first = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    first.snapshot = old_shape(first.snapshot)
    first.save(update_fields=["snapshot"])
    measure = plan.measures.order_by("number").first()
    services.measure_update(
        actor=cast.town.actor("secretariat"), measure=measure, version=measure.version, data={"title": "改めた施策"}
    )
    rename(cast, plan.items.get(title="重点取組事項2"), "改めた重点取組事項")
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
    )

    changes = plan_diff(first.snapshot, plan_snapshot(plan))
    keys = {(c.kind, c.key) for c in changes}

    assert ("changed", f"measure:{measure.number}") in keys
    # Without ids on the old side, an item renamed is matched by its title: removed and added, as before,
    # and its measures say they are under another 重点取組事項.
    assert {("removed", "area:重点取組事項2"), ("added", "area:改めた重点取組事項")} <= keys
    under = plan.measures.filter(item__title="改めた重点取組事項")
    for other in under:
        change = next(c for c in changes if c.key == f"measure:{other.number}")
        assert change.fields == [("重点取組事項", "重点取組事項2", "改めた重点取組事項")]
    assert len(changes) == 3 + under.count()
    assert revision_comparison(revision).rows[0].key == "area:重点取組事項2"


def test_a_flat_plans_changes_keep_their_keys_between_states_of_todays_shape(cast, plan):
    old = plan_snapshot(plan)
    measure = plan.measures.order_by("number").first()
    services.measure_update(
        actor=cast.town.actor("secretariat"), measure=measure, version=measure.version, data={"problem": "新"}
    )
    rename(cast, plan.items.get(title="重点取組事項1"), "改めた重点取組事項")
    changes = plan_diff(old, plan_snapshot(plan))
    assert [(c.kind, c.item, c.key) for c in changes] == [
        ("changed", "重点取組事項", "area:改めた重点取組事項"),
        ("changed", "施策", f"measure:{measure.number}"),
    ]
    assert changes[0].fields == [("名称", "重点取組事項1", "改めた重点取組事項")]
    assert changes[1].fields == [("課題", "課題", "新")]


# --- plans of 0, 4 and 5 levels ------------------------------------------------------------------------


def change_everything(cast, plan: Plan) -> dict:
    """Rename an item at every level, renumber a measure, move one to another item, add an item and remove
    one; return what was done, to name the changes expected."""
    actor = cast.town.actor("secretariat")
    done: dict = {"renamed": []}
    for level in range(1, plan.depth + 1):
        item = first_at_level(plan, level)
        done["renamed"].append(rename(cast, item, f"改めた{item.title}"))
    first_leaf_measures = list(
        Measure.objects.filter(plan=plan, item=leaves(plan)[0] if plan.depth else None).order_by("position")
    )
    renumbered = first_leaf_measures[0]
    done["renumbered"] = (renumbered.number, renumbered.pk)
    services.measure_update(actor=actor, measure=renumbered, version=renumbered.version, data={"number": "⑨"})
    if plan.depth:
        moved = first_leaf_measures[1]
        target = leaves(plan)[1]
        services.measure_update(actor=actor, measure=moved, version=moved.version, data={"number": "⑤"}, item=target)
        done["moved"] = moved.pk
        done["added"] = services.plan_item_create(actor=actor, plan=plan, title="新しい柱", number="③")
        services.plan_item_delete(actor=actor, item=plan.items.get(title="廃止する柱"))
    else:
        done["added"] = services.measure_create(
            actor=actor, plan=plan, item=None, data={"title": "新しい個別項目"}, departments=[]
        )
    return done


def decided_plan(cast, level_names):
    plan = make_leveled_plan(cast.town, level_names)
    if level_names:
        services.plan_item_create(actor=cast.town.actor("secretariat"), plan=plan, title="廃止する柱", number="⑳")
    first = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    return plan, first


@pytest.mark.parametrize("depth", [0, 4, 5])
def test_a_revision_of_a_leveled_plan_compares_item_by_item_at_every_level(cast, depth):
    plan, first = decided_plan(cast, DEPTHS[depth])
    done = change_everything(cast, plan)
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
    )

    changes = plan_diff(first.snapshot, revision.snapshot)
    by_key = {c.key: c for c in changes}

    assert len(by_key) == len(changes)  # every change has a key of its own
    names = DEPTHS[depth]
    for level, item in enumerate(done["renamed"], start=1):
        path = " ".join(a.number for a in [*ancestors_of(item), item])
        change = by_key[f"item:{path}"]
        assert (change.kind, change.item) == ("changed", names[level - 1])
        assert change.fields == [("名称", item.title.removeprefix("改めた"), item.title)]
        assert change.name == f"{path} {item.title}"
    renumbered = Measure.objects.get(pk=done["renumbered"][1])
    new_path = full_path(renumbered)
    change = by_key[f"measure:{new_path}"]
    assert (change.kind, change.item) == ("changed", "個別項目")
    old_path = " ".join([*new_path.split(" ")[:-1], done["renumbered"][0]])
    assert ("個別項目番号", old_path, new_path) in change.fields
    measure_changes = [c for c in changes if c.item == "個別項目"]
    span_changes = [c for c in changes if c.item == "工程"]
    assert span_changes == []  # spans of a renumbered or moved measure are the same spans
    if depth:
        moved = Measure.objects.get(pk=done["moved"])
        change = by_key[f"measure:{full_path(moved)}"]
        assert change.kind == "changed"
        fields = {f[0]: f[1:] for f in change.fields}
        assert set(fields) == {"個別項目番号", names[-1]}
        assert fields[names[-1]][1] == " ".join([*(a.number for a in ancestors_of(moved.item)), moved.item.label])
        assert len(measure_changes) == 2  # renumbered and moved: one change each, nothing removed or added
        assert (by_key["item:③"].kind, by_key["item:③"].item) == ("added", "柱")
        assert (by_key["item:⑳"].kind, by_key["item:⑳"].name) == ("removed", "⑳ 廃止する柱")
        assert len(changes) == depth + 4
    else:
        assert [c.kind for c in measure_changes] == ["changed", "added"]
        assert len(changes) == 2


def ancestors_of(item: PlanItem) -> list[PlanItem]:
    chain = []
    while item.parent_id:
        item = item.parent
        chain.insert(0, item)
    return chain


def full_path(measure: Measure) -> str:
    items = [*ancestors_of(measure.item), measure.item] if measure.item_id else []
    return " ".join(n for n in [*(i.number for i in items), measure.number] if n)


@pytest.mark.parametrize("depth", [0, 4, 5])
def test_the_compare_page_and_the_revision_page_show_a_leveled_plan(secretariat, cast, depth):
    plan, first = decided_plan(cast, DEPTHS[depth])
    change_everything(cast, plan)
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
    )

    detail = secretariat.get(reverse("plans:revision_detail", args=[revision.pk]))
    compare = secretariat.get(reverse("plans:revision_compare", args=[plan.pk]), {"old": first.pk, "new": revision.pk})
    table = secretariat.get(reverse("plans:revision_comparison", args=[revision.pk]))

    assert detail.status_code == compare.status_code == table.status_code == 200
    page = detail.content.decode()
    structure = " › ".join([*DEPTHS[depth], "個別項目"])
    assert f"計画の構成（{structure}）" in page
    assert f"計画の構成：{structure}" in table.content.decode()
    for name in DEPTHS[depth]:
        assert f'<span class="tag">{name}</span>' in page
    deepest = max(walk_items(revision.snapshot["items"]), key=lambda row: row[1], default=None)
    if deepest:
        item, level, ancestors = deepest
        assert f"<h{min(level + 2, 6)}>" in page
        measure = item["measures"][0]
        path = " ".join([*(a["number"] for a in (*ancestors, item)), measure["number"]])
        assert f"{path} {measure['title']}" in page
    else:
        measure = revision.snapshot["measures"][0]
        assert f"{measure['number']} {measure['title']}" in page
    assert "個別項目番号" in compare.content.decode()


def test_renamed_levels_are_a_change_of_the_plan(cast):
    plan = make_leveled_plan(cast.town, FOUR, fanout=1, measures=1)
    old = plan_snapshot(plan)
    services.plan_levels_update(
        actor=cast.town.actor("secretariat"),
        plan=plan,
        version=plan.version,
        level_names=["基本方針", "大項目", "中項目", "小項目"],
        leaf_name="事業",
    )
    (change,) = plan_diff(old, plan_snapshot(Plan.objects.get(pk=plan.pk)))
    assert (change.kind, change.item, change.key) == ("changed", "計画", "plan")
    assert change.fields == [
        ("階層名", "柱 › 大項目 › 中項目 › 小項目", "基本方針 › 大項目 › 中項目 › 小項目"),
        ("施策の呼び方", "個別項目", "事業"),
    ]


def test_a_measure_removed_where_another_now_stands_keeps_a_key_of_its_own(cast):
    plan = make_leveled_plan(cast.town, [], measures=2)
    old = plan_snapshot(plan)
    actor = cast.town.actor("secretariat")
    second = plan.measures.get(number="②")
    services.measure_delete(actor=actor, measure=second)
    first = plan.measures.get(number="①")
    services.measure_update(actor=actor, measure=first, version=first.version, data={"number": "②"})
    changes = plan_diff(old, plan_snapshot(plan))
    assert sorted((c.kind, c.key) for c in changes) == [("changed", "measure:②"), ("removed", "measure:②#removed")]


def test_goal_links_to_items_are_compared(cast):
    structure = linked_structure(cast)
    plan = services.plan_create(actor=cast.town.actor("secretariat"), structure=structure)
    old = plan_snapshot(plan)
    goal = plan.goals.get(title="市民目線で行政サービスを質的に向上")
    other = plan.items.get(parent=None, position=2)
    services.goal_update(
        actor=cast.town.actor("secretariat"),
        goal=goal,
        version=goal.version,
        title=goal.title,
        description=goal.description,
        position=goal.position,
        items=[other],
    )
    (change,) = plan_diff(old, plan_snapshot(plan))
    assert (change.kind, change.item, change.key) == ("changed", "取組目標", f"goal:{goal.title}")
    assert change.fields[0][0] == "対象の項目"
    assert change.fields[0][2] == other.label


# --- the 新旧対照表 as Excel and PDF -----------------------------------------------------------------


def four_level_draft(cast):
    plan, first = decided_plan(cast, FOUR)
    change_everything(cast, plan)
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1), note="階層の見直し"
    )
    return plan, revision


def test_the_comparison_excel_of_a_four_level_plan_names_levels_and_full_paths(secretariat, cast):
    plan, revision = four_level_draft(cast)
    response = secretariat.get(reverse("plans:revision_comparison_xlsx", args=[revision.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(STRUCTURE_ROW, 1).value == "計画の構成：柱 › 大項目 › 中項目 › 小項目 › 個別項目"
    items = [sheet.cell(r, 1).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    assert "柱：① 改めた柱1" in items
    assert "大項目：① (1) 改めた大項目1-1" in items
    assert "中項目：① (1) ① 改めた中項目1-1-1" in items
    assert "小項目：① (1) ① ① 改めた小項目1-1-1-1" in items
    assert "個別項目：① (1) ① ① ⑨ 個別項目1-1-1-1-1" in items
    assert "柱" in items  # the added and the removed 柱: the level in the first column, the item beside it
    rows = {sheet.cell(r, 1).value: sheet.cell(r, 3).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    assert rows["個別項目：① (1) ① ① ⑨ 個別項目1-1-1-1-1"] == "個別項目番号：① (1) ① ① ⑨"


def test_the_comparison_pdf_of_a_four_level_plan_names_levels_and_full_paths(cast, tmp_path):
    _plan, revision = four_level_draft(cast)
    pdf = comparison_pdf_bytes(revision_comparison(revision), printed_on=dt.date(2024, 5, 1))
    text = "".join(pdf_text(pdf, tmp_path).split())
    for expected in ("計画の構成：柱", "大項目", "中項目", "小項目", "個別項目番号", "①(1)①①⑨", "改めた中項目1-1-1"):
        assert expected in text, expected


# --- roll-over, copy and templates -----------------------------------------------------------------


def linked_structure(cast) -> dict:
    """A 4-level plan whose goals name the items they serve (by the structure's own keys)."""
    structure = leveled_structure(cast.town, FOUR)
    for n, (item, _level, _ancestors) in enumerate(walk_items(structure["items"])):
        item["id"] = f"k{n}"
    first, second = structure["items"][0], structure["items"][0]["items"][1]
    structure["goals"] = [
        {"title": "市民目線で行政サービスを質的に向上", "description": "", "items": [first["id"], second["id"]]},
        {"title": "職員の働き方改革", "description": "", "items": []},
    ]
    return structure


def test_the_roll_over_of_a_four_level_plan_keeps_its_tree_numbers_level_names_and_goal_links(cast):
    plan = services.plan_create(actor=cast.town.actor("secretariat"), structure=linked_structure(cast))
    before = plan_snapshot(plan)

    new_plan = services.plan_roll_over(
        actor=cast.town.actor("secretariat"), plan=plan, title="次期DX推進計画", start_fy=2021, end_fy=2025
    )

    after = plan_snapshot(new_plan)
    assert (new_plan.level_names, new_plan.leaf_name) == (FOUR, "個別項目")
    assert without_ids(after) == without_ids(before) | {"title": "次期DX推進計画"}
    assert without_ids(after)["goals"][0]["items"] == ["①", "① (2)"]
    assert new_plan.carry_report["measures"] == 2**4 * 2
    (change,) = plan_diff(before, after)  # only the title differs, though every id is new
    assert change.fields == [("計画名", before["title"], "次期DX推進計画")]


def test_the_carry_report_names_measures_by_their_full_number_path(cast):
    plan = make_leveled_plan(cast.town, FOUR, fanout=1, measures=1)
    new_plan = services.plan_roll_over(
        actor=cast.town.actor("secretariat"), plan=plan, title="次期", start_fy=2026, end_fy=2030
    )
    assert new_plan.carry_report["measures"] == 1
    (row,) = new_plan.carry_report["by_measure"]
    assert row["number"] == "① (1) ① ① ①"


def test_the_roll_over_page_names_the_plans_levels(secretariat, cast):
    plan = make_leveled_plan(cast.town, FOUR, fanout=1, measures=1)
    page = secretariat.get(reverse("plans:plan_roll_over", args=[plan.pk])).content.decode()
    assert "取組目標、柱、大項目、中項目、小項目、個別項目と担当課" in page


def test_a_copy_from_the_create_page_keeps_the_tree(secretariat, cast):
    plan = services.plan_create(actor=cast.town.actor("secretariat"), structure=linked_structure(cast))
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "写した計画", "start_fy": 2021, "end_fy": 2025, "template": "copy", "copy_from": plan.pk},
    )
    assert response.status_code == 302
    copied = Plan.objects.get(title="写した計画")
    assert without_ids(plan_snapshot(copied)) == without_ids(plan_snapshot(plan)) | {"title": "写した計画"}


def test_a_plan_from_a_national_template_has_one_level_whatever_the_default(secretariat, cast):
    organization = cast.town.organization
    organization.plan_level_names = ["柱", "大項目"]
    organization.save(update_fields=["plan_level_names"])
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "国の項目から", "start_fy": 2026, "end_fy": 2030, "template": "mic_2024"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(title="国の項目から")
    assert plan.level_names == ["重点取組事項"] and plan.leaf_name == "施策"
    assert plan.items.filter(level=1).count() == 7 and not plan.items.exclude(level=1).exists()


def test_a_blank_plan_takes_the_organizations_default_levels(cast):
    """A structure that names no levels (a blank plan; the create page sends the ones chosen, from this default)."""
    organization = cast.town.organization
    organization.plan_level_names = ["柱", "大項目"]
    organization.save(update_fields=["plan_level_names"])
    structure = {"title": "白紙から", "start_fy": 2026, "end_fy": 2030}
    plan = services.plan_create(actor=cast.town.actor("secretariat"), structure=structure)
    assert (plan.level_names, plan.leaf_name) == (["柱", "大項目"], "施策")


def test_a_plan_copied_from_an_old_revisions_snapshot_gets_its_one_level(cast, plan):
    revision = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    structure = old_shape(copy.deepcopy(revision.snapshot)) | {"title": "古い版から"}
    copied = services.plan_create(actor=cast.town.actor("secretariat"), structure=structure, based_on=plan)
    assert copied.level_names == ["重点取組事項"]
    assert plan_diff(plan_snapshot(plan), plan_snapshot(copied))[0].fields == [("計画名", plan.title, "古い版から")]
    assert len(plan_diff(plan_snapshot(plan), plan_snapshot(copied))) == 1


# --- cost --------------------------------------------------------------------------------------------


def chain_structure(cast, depth: int, items: int) -> dict:
    """A plan of `depth` levels with about `items` items (chains of one child each, a measure under each leaf),
    or `items` measures when it has no levels."""
    names = ["柱", "大項目", "中項目", "小項目", "細目"][:depth]
    owner = cast.town.departments[1].name

    def measure(n):
        return {
            "number": f"{n:03d}",
            "title": f"個別項目{n}",
            "departments": [owner],
            "roadmap": [{"label": "実施", "start_fy": 2021, "end_fy": 2022}],
        }

    def chain(n, level):
        return {
            "number": f"{n:03d}" if level == 1 else "1",
            "title": f"{names[level - 1]}{n}",
            "items": [chain(n, level + 1)] if level < depth else [],
            "measures": [measure(1)] if level == depth else [],
        }

    return {
        "title": f"{depth}階層{items}",
        "start_fy": 2021,
        "end_fy": 2025,
        "level_names": names,
        "goals": [{"title": "目標", "description": "", "items": []}],
        "items": [chain(n, 1) for n in range(1, -(-items // depth) + 1)] if depth else [],
        "measures": [] if depth else [measure(n) for n in range(1, items + 1)],
    }


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4, 5])
def test_a_snapshot_costs_the_same_queries_for_10_and_500_items_at_every_depth(cast, depth):
    counts = []
    for items in (10, 500):
        plan = services.plan_create(actor=cast.town.actor("secretariat"), structure=chain_structure(cast, depth, items))
        plan = Plan.objects.get(pk=plan.pk)
        with CaptureQueriesContext(connection) as queries:
            snapshot = plan_snapshot(plan)
        counts.append(len(queries))
        assert sum(1 for _ in walk_items(snapshot["items"])) + len(snapshot["measures"]) >= items
    assert counts[0] == counts[1] <= 6, counts
