"""Every page follows the plan's levels: the overview as nested headings, the 工程表 (page and PDF) with a
heading row per item at every level, the measure list with each measure's item path; 0 to 5 levels, the
same queries for 10 and 500 measures at every depth."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.tests.pdf_checks import pdf_text
from suishin.plans import selectors
from suishin.plans.models import GoalItem, Measure, PlanItem
from suishin.plans.roadmap_pdf import roadmap_document, roadmap_pdf_bytes
from suishin.plans.services import plan_create
from suishin.plans.tests.factories import leveled_structure, make_leveled_plan
from suishin.reorganisation.services import reorganisation_apply
from suishin.reorganisation.tests.factories import merge_reorganisation

LEVELS = {
    0: [],
    1: ["重点取組事項"],
    2: ["柱", "大項目"],
    3: ["柱", "大項目", "中項目"],
    4: ["柱", "大項目", "中項目", "小項目"],
    5: ["柱", "大項目", "中項目", "小項目", "細目"],
}
# (fanout, measures under each item of the last level): about 10 and about 500 measures at each depth.
SMALL = {0: (1, 10), 1: (1, 10), 2: (1, 10), 3: (1, 10), 4: (1, 10), 5: (1, 10)}
LARGE = {0: (1, 500), 1: (5, 100), 2: (5, 20), 3: (5, 4), 4: (4, 2), 5: (3, 2)}
# The first branch as the factory numbers it (神戸市's style): the top item, then each level below.
FIRST_BRANCH = {
    1: ["① 重点取組事項1"],
    4: ["① 柱1", "(1) 大項目1-1", "① 中項目1-1-1", "① 小項目1-1-1-1"],
    5: ["① 柱1", "(1) 大項目1-1", "① 中項目1-1-1", "① 小項目1-1-1-1", "① 細目1-1-1-1-1"],
}


def measure_number(depth: int) -> str:
    """The first measure's own number under an item (the factory's style for the leaf at that depth)."""
    return "(1)" if depth == 1 else "①"


def first_measure(depth: int) -> str:
    path = FIRST_BRANCH[depth][-1].split(" ", 1)[1].removeprefix(LEVELS[depth][-1])
    return f"{measure_number(depth)} 個別項目{path}-1"


def page(client, name, plan, **params) -> str:
    response = client.get(reverse(name, args=[plan.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def plain(text: str) -> str:
    return "".join(text.split())


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) :].split(end, 1)[0]


@pytest.fixture(params=["secretariat", "department"])
def reader(request, client, cast):
    """The secretariat and a department's user read the same pages."""
    client.force_login(cast.town.users[request.param])
    return client


# --- each page at 0, 1, 4 and 5 levels --------------------------------------------------------


@pytest.mark.parametrize("depth", [1, 4, 5])
def test_overview_nests_a_heading_per_level_with_its_name_and_number(reader, cast, depth):
    plan = make_leveled_plan(cast.town, LEVELS[depth])
    html = page(reader, "plans:plan_detail", plan)

    outline = section(html, 'class="stack plan-outline"', "</section>")
    positions = []
    for level, (name, label) in enumerate(zip(LEVELS[depth], FIRST_BRANCH[depth], strict=True), start=1):
        heading = min(level + 2, 6)  # h2 is the section's; capped at h6, the level beyond told by aria-level
        aria = f' aria-level="{level + 2}"' if level + 2 > 6 else ""
        text = f'<h{heading} class="plan-item-heading"{aria}><span class="plan-level-name">{name}</span> {label}'
        assert text in outline
        positions.append(outline.index(text))
    positions.append(outline.index(first_measure(depth)))
    assert positions == sorted(positions)
    assert "概要" in outline  # the items' descriptions
    assert "<h7" not in outline
    assert "button" not in outline.split('class="plan-item-heading"', 1)[1].split("</h", 1)[0]  # actions follow it


def test_overview_of_a_plan_without_levels_lists_its_measures_under_the_plan(reader, cast):
    plan = make_leveled_plan(cast.town, [], measures=3)
    html = page(reader, "plans:plan_detail", plan)

    outline = section(html, 'class="stack plan-outline"', "</section>")
    assert "<h2>個別項目</h2>" in outline and "plan-tree" not in outline
    assert all(f"{n} 個別項目-{i}" in outline for i, n in enumerate("①②③", start=1))
    assert "/items/new/" not in html  # no level to add an item to


def test_overview_shows_empty_items_and_the_goals_an_item_serves(client, cast):
    client.force_login(cast.town.users["secretariat"])
    plan = make_leveled_plan(cast.town, LEVELS[3], fanout=1, measures=1)
    big = plan.items.get(level=2)
    empty = PlanItem.objects.create(
        organization=plan.organization, plan=plan, parent=big, level=3, number="②", title="空の中項目", position=9
    )
    goal = plan.goals.get()
    GoalItem.objects.create(organization=plan.organization, goal=goal, item=big)

    outline = section(page(client, "plans:plan_detail", plan), 'class="stack plan-outline"', "</section>")
    assert "② 空の中項目" in outline and "個別項目はまだありません。" in outline
    serving = section(outline, "(1) 大項目1-1", "</ol>")
    assert f'<p class="plan-item-goals"><span class="muted">取組目標：</span>{goal.title}</p>' in serving
    assert f"/plans/{plan.pk}/measures/new/?item={empty.pk}" in outline  # measures go under the last level
    assert f"/plans/{plan.pk}/measures/new/?item={big.pk}" not in outline
    roadmap = page(client, "plans:roadmap", plan)
    assert "空の中項目" not in roadmap  # an item without measures is not drawn on the 工程表


@pytest.mark.parametrize("depth", [1, 4, 5])
def test_roadmap_has_a_heading_row_per_item_at_every_level_then_the_measures(reader, cast, depth):
    plan = make_leveled_plan(cast.town, LEVELS[depth])
    html = page(reader, "plans:roadmap", plan)

    assert '<th scope="col">個別項目</th>' in html  # the plan's name for its measures
    positions = []
    for level, (name, label) in enumerate(zip(LEVELS[depth], FIRST_BRANCH[depth], strict=True), start=1):
        row = f'class="roadmap-item roadmap-item--{level}"><span class="roadmap-level-name">{name}</span> {label}</th>'
        assert row in html
        positions.append(html.index(row))
    positions.append(html.index('class="roadmap-measure"'))
    positions.append(html.index("② 柱2" if depth > 1 else "② 重点取組事項2"))
    assert positions == sorted(positions)
    items = PlanItem.objects.filter(plan=plan).count()
    assert html.count('<tr class="roadmap-heading">') == items
    assert html.count('class="roadmap-measure"') == plan.measures.count()


def test_roadmap_of_a_plan_without_levels_lists_its_measures_without_headings(reader, cast):
    plan = make_leveled_plan(cast.town, [], measures=3)
    html = page(reader, "plans:roadmap", plan)

    assert "roadmap-heading" not in html
    assert html.count('class="roadmap-measure"') == 3 and "① 個別項目-1" in html
    assert '<th scope="col">個別項目</th>' in html
    assert [row["kind"] for row in roadmap_document(plan)["rows"]] == ["lane"] * 3


@pytest.mark.parametrize("depth", [0, 1, 4, 5])
def test_roadmap_pdf_has_a_heading_per_item_at_every_level(client, cast, depth, tmp_path):
    plan = make_leveled_plan(cast.town, LEVELS[depth], measures=1)
    document = roadmap_document(plan)
    items = [row for row in document["rows"] if row["kind"] == "item"]
    assert document["labels"]["measure"] == "個別項目"
    assert len(items) == PlanItem.objects.filter(plan=plan).count()
    assert {row["level"] for row in items} == set(range(1, depth + 1))
    for level, (name, label) in enumerate(zip(LEVELS[depth], FIRST_BRANCH.get(depth, []), strict=True), start=1):
        assert {"kind": "item", "level": level, "title": f"{name} {label}"} in items

    text = plain(pdf_text(roadmap_pdf_bytes(plan, printed_on=dt.date(2024, 5, 1)), tmp_path))
    assert "個別項目" in text and "準備" in text
    if depth:
        names = [plain(f"{n} {label}") for n, label in zip(LEVELS[depth], FIRST_BRANCH[depth], strict=True)]
        positions = [text.index(name) for name in names]
        assert positions == sorted(positions)
    client.force_login(cast.town.users["department"])
    assert client.get(reverse("plans:roadmap_pdf", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("depth", [1, 4, 5])
def test_measure_list_shows_each_measures_item_under_its_path_and_its_full_number(reader, cast, depth):
    plan = make_leveled_plan(cast.town, LEVELS[depth])
    html = page(reader, "plans:measure_list", plan)

    assert "<h1>個別項目の一覧</h1>" in html
    assert f'<th scope="col">{LEVELS[depth][-1]}</th>' in html  # the last level's name heads the item column
    *ancestors, item = FIRST_BRANCH[depth]
    numbers = " ".join(label.split(" ", 1)[0] for label in FIRST_BRANCH[depth])
    row = section(html, f"<td>{numbers} {measure_number(depth)}</td>", "</tr>")
    assert item in row
    if ancestors:
        assert " › ".join(ancestors) in row


def test_measure_list_of_a_plan_without_levels_has_no_item_column(reader, cast):
    plan = make_leveled_plan(cast.town, [], measures=3)
    html = page(reader, "plans:measure_list", plan)

    header = section(html, "<thead>", "</thead>")
    assert header.count("<th ") == 4 and "個別項目" in header
    row = section(html, "<td>①</td>", "</tr>")
    assert row.count("<td") == 4 and "個別項目-1" in row


def test_measure_detail_names_its_item_by_the_level(reader, cast):
    plan = make_leveled_plan(cast.town, LEVELS[4], fanout=1, measures=1)
    measure = plan.measures.get()
    html = reader.get(measure.get_absolute_url()).content.decode()

    assert "<dt>小項目</dt><dd>① 小項目1-1-1-1</dd>" in html


# --- the department filter, and a finished plan's owners ----------------------------------------


def test_department_filter_keeps_only_the_branches_with_its_measures(client, cast, tmp_path):
    client.force_login(cast.town.users["secretariat"])
    plan = make_leveled_plan(cast.town, LEVELS[4], fanout=2, measures=1)
    department = cast.town.departments[1]
    owned_leaves = set(
        Measure.objects.filter(plan=plan, ownerships__department=department).values_list("item_id", flat=True)
    )
    leaves = PlanItem.objects.filter(plan=plan, level=4)
    assert 0 < len(owned_leaves) < leaves.count()

    html = page(client, "plans:roadmap", plan, department=department.pk)
    for leaf in leaves:
        shown = f'roadmap-item--4"><span class="roadmap-level-name">小項目</span> {leaf.label}</th>'
        assert (leaf.title in html) == (leaf.pk in owned_leaves), leaf.title
        if leaf.pk in owned_leaves:
            assert shown in html
    assert html.count('class="roadmap-measure"') == len(owned_leaves)
    assert "柱1" in html  # the branches leading to its measures stay, with their headings
    outline = selectors.plan_outline(plan, department)
    assert all(node.measure_count for node, _ancestors in outline.walk())
    document = roadmap_document(plan, department)
    assert sum(row["kind"] == "item" and row["level"] == 4 for row in document["rows"]) == len(owned_leaves)
    overview = page(client, "plans:plan_detail", plan)
    assert all(leaf.title in overview for leaf in leaves)  # the overview shows every item


def test_a_finished_plan_names_its_owners_as_they_were_in_its_last_year(client, cast, monkeypatch):
    """After a reorganisation renamed 第2課 and merged 第3課 into it, the plan that ended before it still
    shows 第2課 and 第3課; a plan still open shows the new name."""
    client.force_login(cast.town.users["secretariat"])
    monkeypatch.setattr(selectors, "current_fiscal_year", lambda: 2026)
    finished = make_leveled_plan(cast.town, LEVELS[2], start_fy=2021, end_fy=2025)
    open_plan = make_leveled_plan(cast.town, LEVELS[2], start_fy=2026, end_fy=2030)
    second, third = cast.town.departments[1], cast.town.departments[2]
    old = (second.name, third.name)
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation, today=dt.date(2026, 4, 1))

    overview = section(page(client, "plans:plan_detail", finished), 'class="stack plan-outline"', "</section>")
    rows = section(page(client, "plans:measure_list", finished), "<tbody>", "</tbody>")
    for shown in (overview, rows):
        assert old[0] in shown and old[1] in shown and "デジタル推進課" not in shown
    open_rows = section(page(client, "plans:measure_list", open_plan), "<tbody>", "</tbody>")
    assert "デジタル推進課" in open_rows and old[0] not in open_rows


# --- queries --------------------------------------------------------------------------------------


def large_structure(town, depth: int) -> dict:
    """About 500 measures at `depth`; a flat plan's numbered 1 to 500 (circled numbers stop at ⑳)."""
    fanout, measures = LARGE[depth]
    if depth:
        return leveled_structure(town, LEVELS[depth], fanout=fanout, measures=measures)
    structure = leveled_structure(town, [], measures=1)
    model = structure["measures"][0]
    owners = [d.name for d in town.departments[1:]]
    structure["measures"] = [
        model | {"number": str(n), "title": f"個別項目{n}", "departments": [owners[n % 2]]}
        for n in range(1, measures + 1)
    ]
    return structure


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("depth", sorted(LEVELS))
def test_pages_cost_the_same_queries_for_10_and_500_measures_at_every_depth(client, cast, depth):
    client.force_login(cast.town.users["secretariat"])
    department = cast.town.departments[1]
    small = make_leveled_plan(cast.town, LEVELS[depth], fanout=SMALL[depth][0], measures=SMALL[depth][1])
    large = plan_create(actor=cast.town.actor("secretariat"), structure=large_structure(cast.town, depth))
    assert small.measures.count() == 10 and large.measures.count() >= 480
    for name, params in (
        ("plans:plan_detail", None),
        ("plans:roadmap", None),
        ("plans:roadmap", {"department": department.pk}),
        ("plans:measure_list", None),
        ("plans:measure_list", {"department": department.pk, "page": 2}),
    ):
        counts = [count_queries(client, reverse(name, args=[p.pk]), params) for p in (small, large)]
        assert counts[0] == counts[1], (name, params, counts)
        assert counts[0] <= 14, (name, counts)
