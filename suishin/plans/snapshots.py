"""A plan as plain data, and the item-by-item difference between two such states.

The same structure serves three purposes: a frozen revision (改定), a template a new plan
starts from (national priority items or the previous plan), and the demo town's data.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.wareki import fiscal_year_label

from .models import (
    DEFAULT_LEAF_NAME,
    DEFAULT_LEVEL_NAMES,
    GoalItem,
    MeasureDepartment,
    Plan,
    PlanItem,
    RoadmapEntry,
    stage_labels,
)

MEASURE_KEYS = ["title", "problem", "causes", "actions", "expected_effects", "stage", "national_kpi_note"]


def plan_snapshot(plan: Plan) -> dict:
    """Return the whole plan as plain data, in a constant number of queries whatever its size or depth.

    Items nest as the plan's levels do (`items` in each item), measures hang under the items of the last
    level (or at the top, `measures`, in a plan without levels); items and measures keep their ids, the
    stable keys by which two states are compared and goals name the items they serve.
    """
    own = plan.organization_id
    measures = plan.measures.order_by("position", "number", "id").prefetch_related(
        Prefetch("ownerships", queryset=MeasureDepartment.objects.for_organization(own).select_related("department")),
        Prefetch(
            "roadmap_entries",
            queryset=RoadmapEntry.objects.for_organization(own).order_by("start_fy", "position", "id"),
        ),
    )
    by_item: dict[int | None, list[dict]] = {}
    for measure in measures:
        by_item.setdefault(measure.item_id, []).append(
            {
                "id": measure.pk,
                "number": measure.number,
                **{key: getattr(measure, key) for key in MEASURE_KEYS},
                "departments": [o.department.name for o in measure.ownerships.all()],
                "roadmap": [
                    {"label": e.label, "start_fy": e.start_fy, "end_fy": e.end_fy}
                    for e in measure.roadmap_entries.all()
                ],
            }
        )
    nodes: dict[int, dict] = {}
    children: dict[int | None, list[dict]] = {}
    for item in PlanItem.objects.for_organization(own).filter(plan=plan).order_by("level", "position", "id"):
        node = {
            "id": item.pk,
            "number": item.number,
            "title": item.title,
            "description": item.description,
            "cross_cutting": item.cross_cutting,
            "items": [],
            "measures": by_item.get(item.pk, []),
        }
        nodes[item.pk] = node
        children.setdefault(item.parent_id, []).append(node)
    for pk, node in nodes.items():
        node["items"] = children.get(pk, [])
    goal_items: dict[int, list[int]] = {}
    for goal_id, item_id in (
        GoalItem.objects.for_organization(own).filter(goal__plan=plan).values_list("goal_id", "item_id")
    ):
        goal_items.setdefault(goal_id, []).append(item_id)
    return {
        "title": plan.title,
        "start_fy": plan.start_fy,
        "end_fy": plan.end_fy,
        "mission": plan.mission,
        "vision": plan.vision,
        "positioning": plan.positioning,
        "level_names": list(plan.level_names),
        "leaf_name": plan.leaf_name,
        "goals": [
            {"title": g.title, "description": g.description, "items": goal_items.get(g.pk, [])}
            for g in plan.goals.all()
        ],
        "items": children.get(None, []),
        "measures": by_item.get(None, []),
    }


@dataclass
class Change:
    """One item that differs between two states of a plan.

    `key` names the item whatever its text says: a revision keeps its 改定の理由 for single changes by it
    (PlanRevision.change_reasons). A plan of one level whose items have no numbers keeps the keys revisions
    have always stored (「area:<title>」, 「measure:01-02」, 「span:01-02:研修」); otherwise an item is named
    by its full path (「item:① (1)」) and a measure by its full number path (「measure:① (1) ① ①」).
    """

    kind: str  # "added", "removed" or "changed"
    item: str  # what it is: 計画, 取組目標, a level's name (重点取組事項, 柱…), the plan's name of measures, 工程
    name: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    key: str = ""


PLAN_FIELD_LABELS = {
    "title": gettext_lazy("計画名"),
    "start_fy": gettext_lazy("開始年度"),
    "end_fy": gettext_lazy("終了年度"),
    "mission": gettext_lazy("計画の目的"),
    "vision": gettext_lazy("ビジョン"),
    "positioning": gettext_lazy("計画の位置づけ"),
}
MEASURE_FIELD_LABELS = {
    "title": gettext_lazy("施策名"),
    "problem": gettext_lazy("課題"),
    "causes": gettext_lazy("想定される要因・根拠"),
    "actions": gettext_lazy("具体的な取組内容"),
    "expected_effects": gettext_lazy("効果見込み・目標"),
    "stage": gettext_lazy("段階"),
    "national_kpi_note": gettext_lazy("国のKPI・参考"),
    "departments": gettext_lazy("担当課"),
}


def level_label(name: str) -> str:
    """Return a level's name as shown: the app's defaults (重点取組事項, 施策) translated, a town's as it wrote it."""
    return _(name) if name in (*DEFAULT_LEVEL_NAMES, DEFAULT_LEAF_NAME) else name


def number_path(ancestors, number: str | None = "") -> str:
    """Return the full number path of an item or measure: its ancestors' numbers and its own, blanks left
    out (「① (1) ①」; 上里町's 「01-02」 under an unnumbered 重点取組事項)."""
    return " ".join(n for n in [*(a.get("number") or "" for a in ancestors), number or ""] if n)


def path_label(ancestors, node: dict) -> str:
    """Return an item or measure as the 新旧対照表 names it: its full number path and its title."""
    return " ".join(part for part in (number_path(ancestors, node.get("number", "")), node.get("title", "")) if part)


@dataclass
class _Node:
    """An item or measure of one state of a plan, with where it stands."""

    data: dict
    level: int  # 1.. for items, 0 for measures
    ancestors: tuple
    parent: dict | None  # the item it hangs under (the last ancestor)

    @property
    def id(self):
        return self.data.get("id")

    @property
    def path(self) -> str:
        """Its place by number, or by title where it has no number (an old revision's 重点取組事項)."""
        parts = [a.get("number") or a.get("title", "") for a in (*self.ancestors, self.data)]
        return " ".join(parts) if self.level else (number_path(self.ancestors, self.data.get("number", "")) or "")

    @property
    def label(self) -> str:
        return path_label(self.ancestors, self.data)


@dataclass
class _State:
    """One side of a comparison: the tree read from a structure, its items and measures in plan order."""

    level_names: list[str]
    leaf_name: str
    items: list[_Node]
    measures: list[_Node]
    empty: bool

    @classmethod
    def read(cls, structure: dict) -> "_State":
        from .levels import structure_tree, walk_items

        tree = structure_tree(structure)
        items = [
            _Node(item, level, ancestors, ancestors[-1] if ancestors else None)
            for item, level, ancestors in walk_items(tree.items)
        ]
        measures = [_Node(m, 0, (), None) for m in tree.measures]
        for node in items:
            chain = (*node.ancestors, node.data)
            measures += [_Node(m, 0, chain, node.data) for m in node.data.get("measures", [])]
        empty = not structure
        return cls(tree.level_names, tree.leaf_name, items, measures, empty)

    def level_name(self, level: int) -> str:
        return level_label(self.level_names[level - 1]) if 0 < level <= len(self.level_names) else _("項目")

    @property
    def flat_keys(self) -> bool:
        """Whether the plan keeps the keys stored before plans had levels: one level, items without numbers."""
        return len(self.level_names) <= 1 and not any(node.data.get("number") for node in self.items)

    def item_key(self, node: _Node) -> str:
        if self.flat_keys and node.level == 1:
            return f"area:{node.data.get('title', '')}"
        return f"item:{node.path}"

    def measure_path(self, node: _Node) -> str:
        return node.path or node.data.get("title", "")


def _match(olds: list[_Node], news: list[_Node], path_of_old, path_of_new) -> dict[int, int]:
    """Pair the nodes of two states (index in `olds` → index in `news`): by their stable id where both have
    one, then the rest by their path (an old revision's nodes have no ids)."""
    pairs: dict[int, int] = {}
    new_by_id = {node.id: j for j, node in enumerate(news) if node.id is not None}
    for i, node in enumerate(olds):
        if node.id is not None and node.id in new_by_id:
            pairs[i] = new_by_id[node.id]
    taken = set(pairs.values())
    new_by_path: dict = {}
    for j, node in enumerate(news):
        if j not in taken:
            new_by_path.setdefault(path_of_new(node), j)
    for i, node in enumerate(olds):
        if i not in pairs:
            path = path_of_old(node)
            if path in new_by_path:
                pairs[i] = new_by_path.pop(path)
    return pairs


def _span_text(span: dict) -> str:
    return _("%(label)s（%(start)s〜%(end)s年度）") % {
        "label": span["label"],
        "start": span["start_fy"],
        "end": span["end_fy"],
    }


def _period_text(span: dict) -> str:
    """Return a span's years with their 和暦: 「2023年度（令和5年度）〜2024年度（令和6年度）」."""
    start, end = int(span["start_fy"]), int(span["end_fy"])
    if start == end:
        return fiscal_year_label(start)
    return f"{fiscal_year_label(start)}〜{fiscal_year_label(end)}"


def _field_text(key: str, value, labels: dict[str, str]) -> str:
    if key == "departments":
        return "、".join(value or [])
    if key == "stage":
        return labels.get(value or "", str(value))
    return str(value if value is not None else "")


def levels_text(level_names: list[str]) -> str:
    """Return a plan's levels as one line: 「柱 › 大項目 › 中項目」, or 「（階層なし）」."""
    return " › ".join(map(level_label, level_names)) if level_names else _("（階層なし）")


def structure_text(level_names: list[str], leaf_name: str) -> str:
    """Return a plan's levels and its measures' name as one line: 「柱 › 大項目 › 中項目 › 個別項目」."""
    return " › ".join(map(level_label, [*level_names, leaf_name]))


def span_changes(number: str, name: str, old_spans: list[dict], new_spans: list[dict]) -> list[Change]:
    """Return how a measure's spans changed: a span keeps its label when it moves, so spans are matched
    by label and one whose years changed is one change (期間), not a removal and an addition."""

    def by_label(spans):
        grouped: dict[str, list[tuple[int, int]]] = {}
        for span in spans:
            grouped.setdefault(span["label"], []).append((int(span["start_fy"]), int(span["end_fy"])))
        return {label: sorted(periods) for label, periods in grouped.items()}

    old_by_label, new_by_label = by_label(old_spans), by_label(new_spans)
    changes: list[Change] = []
    for label in sorted(old_by_label.keys() | new_by_label.keys()):
        old_periods, new_periods = list(old_by_label.get(label, [])), list(new_by_label.get(label, []))
        for period in list(old_periods):
            if period in new_periods:
                old_periods.remove(period)
                new_periods.remove(period)
        many = max(len(old_periods), len(new_periods)) > 1
        for index in range(max(len(old_periods), len(new_periods))):
            key = f"span:{number}:{label}" + (f"#{index + 1}" if many else "")
            old_period = old_periods[index] if index < len(old_periods) else None
            new_period = new_periods[index] if index < len(new_periods) else None
            old_span = old_period and {"label": label, "start_fy": old_period[0], "end_fy": old_period[1]}
            new_span = new_period and {"label": label, "start_fy": new_period[0], "end_fy": new_period[1]}
            if old_span and new_span:
                fields = [(_("期間"), _period_text(old_span), _period_text(new_span))]
                changes.append(Change("changed", _("工程"), f"{name}: {label}", fields, key=key))
            elif old_span:
                changes.append(Change("removed", _("工程"), f"{name}: {_span_text(old_span)}", key=key))
            else:
                changes.append(Change("added", _("工程"), f"{name}: {_span_text(new_span)}", key=key))
    return changes


def plan_diff(old: dict, new: dict) -> list[Change]:
    """Return what changed from `old` to `new`, in plan order: the plan, its goals, its items at every level
    (added, removed, renamed, renumbered, moved to another parent), its measures and their spans.

    Either state may be a snapshot of today's shape or one frozen before plans had levels (see
    levels.structure_tree). Items and measures are matched by their stable ids where both states have
    them, else by their full path, so that a renumbered or moved measure is one change.
    """
    before, after = _State.read(old), _State.read(new)
    changes = _plan_changes(old, new, before, after)
    item_pairs = _match(before.items, after.items, lambda n: (n.level, n.path), lambda n: (n.level, n.path))
    new_item_of = {id(before.items[i].data): after.items[j].data for i, j in item_pairs.items()}
    changes += _goal_changes(old, new, before, after, new_item_of)
    changes += _item_changes(before, after, item_pairs, new_item_of)
    changes += _measure_changes(before, after, new_item_of)
    return _unique_keys(changes)


def _plan_changes(old: dict, new: dict, before: _State, after: _State) -> list[Change]:
    fields = [
        (str(label), str(old.get(key, "")), str(new.get(key, "")))
        for key, label in PLAN_FIELD_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    old_levels = "" if before.empty else levels_text(before.level_names)
    if old_levels != levels_text(after.level_names):
        fields.append((_("階層名"), old_levels, levels_text(after.level_names)))
    old_leaf = "" if before.empty else before.leaf_name
    if old_leaf != after.leaf_name:
        fields.append((_("施策の呼び方"), old_leaf, after.leaf_name))
    return [Change("changed", _("計画"), new.get("title", ""), fields, key="plan")] if fields else []


def _goal_changes(old: dict, new: dict, before: _State, after: _State, new_item_of: dict) -> list[Change]:
    old_goals = {g["title"]: g for g in map(_goal, old.get("goals", []))}
    new_goals = {g["title"]: g for g in map(_goal, new.get("goals", []))}
    changes = [Change("removed", _("取組目標"), t, key=f"goal:{t}") for t in old_goals if t not in new_goals]
    changes += [Change("added", _("取組目標"), t, key=f"goal:{t}") for t in new_goals if t not in old_goals]
    old_labels = {node.id: node.label for node in before.items if node.id is not None}
    new_labels = {node.id: node.label for node in after.items if node.id is not None}
    new_id_of_old = {
        node.id: new_item_of[id(node.data)].get("id") for node in before.items if id(node.data) in new_item_of
    }
    for title, goal in new_goals.items():
        previous = old_goals.get(title)
        if previous is None or "items" not in previous or "items" not in goal:
            continue  # a revision frozen before goals were linked to items says nothing of the links
        if {new_id_of_old.get(i) for i in previous["items"]} == set(goal["items"]):
            continue
        fields = [
            (
                _("対象の項目"),
                "、".join(old_labels.get(i, "") for i in previous["items"]),
                "、".join(new_labels.get(i, "") for i in goal["items"]),
            )
        ]
        changes.append(Change("changed", _("取組目標"), title, fields, key=f"goal:{title}"))
    return changes


def _goal(goal) -> dict:
    return {"title": goal} if isinstance(goal, str) else goal


def _yes_no(value) -> str:
    return _("はい") if value else _("いいえ")


def _item_changes(before: _State, after: _State, pairs: dict[int, int], new_item_of: dict) -> list[Change]:
    changes: list[Change] = []
    matched_new = set(pairs.values())
    for i, node in enumerate(before.items):
        if i not in pairs:
            changes.append(Change("removed", before.level_name(node.level), node.label, key=before.item_key(node)))
    old_of_new = {j: before.items[i] for i, j in pairs.items()}
    for j, node in enumerate(after.items):
        level_name, key = after.level_name(node.level), after.item_key(node)
        if j not in matched_new:
            changes.append(Change("added", level_name, node.label, key=key))
            continue
        previous = old_of_new[j]
        fields = []
        if (previous.data.get("number") or "") != (node.data.get("number") or ""):
            fields.append(
                (
                    _("番号"),
                    number_path(previous.ancestors, previous.data.get("number")) or "-",
                    number_path(node.ancestors, node.data.get("number")) or "-",
                )
            )
        if previous.data.get("title", "") != node.data.get("title", ""):
            fields.append((_("名称"), previous.data.get("title", ""), node.data.get("title", "")))
        if previous.parent is not None and new_item_of.get(id(previous.parent)) is not node.parent:
            parent_name = after.level_name(node.level - 1)
            fields.append((parent_name, path_label(previous.ancestors[:-1], previous.parent), _parent_label(node)))
        if (previous.data.get("description") or "") != (node.data.get("description") or ""):
            fields.append((_("説明"), previous.data.get("description") or "", node.data.get("description") or ""))
        if bool(previous.data.get("cross_cutting")) != bool(node.data.get("cross_cutting")):
            fields.append(
                (
                    _("全ての項目に共通する取組"),
                    _yes_no(previous.data.get("cross_cutting")),
                    _yes_no(node.data.get("cross_cutting")),
                )
            )
        if fields:
            changes.append(Change("changed", level_name, node.label, fields, key=key))
    return changes


def _parent_label(node: _Node) -> str:
    return path_label(node.ancestors[:-1], node.parent) if node.parent is not None else ""


def _measure_changes(before: _State, after: _State, new_item_of: dict) -> list[Change]:
    stages = stage_labels()
    pairs = _match(before.measures, after.measures, before.measure_path, after.measure_path)
    changes: list[Change] = []
    for i, node in enumerate(before.measures):
        if i not in pairs:
            path = before.measure_path(node)
            changes.append(Change("removed", level_label(before.leaf_name), node.label, key=f"measure:{path}"))
    old_of_new = {j: before.measures[i] for i, j in pairs.items()}
    leaf = level_label(after.leaf_name)
    for j, node in enumerate(after.measures):
        path = after.measure_path(node)
        if j not in old_of_new:
            changes.append(Change("added", leaf, node.label, key=f"measure:{path}"))
            continue
        previous = old_of_new[j]
        fields = []
        if (previous.data.get("number") or "") != (node.data.get("number") or ""):
            fields.append(
                (
                    _("施策番号") if after.leaf_name == DEFAULT_LEAF_NAME else _("%(name)s番号") % {"name": leaf},
                    number_path(previous.ancestors, previous.data.get("number")) or "-",
                    number_path(node.ancestors, node.data.get("number")) or "-",
                )
            )
        for key, label in MEASURE_FIELD_LABELS.items():
            old_value = _field_text(key, previous.data.get(key, ""), stages)
            new_value = _field_text(key, node.data.get(key, ""), stages)
            if old_value != new_value:
                fields.append((str(label), old_value, new_value))
            if key == "title":
                moved_from = new_item_of.get(id(previous.parent)) if previous.parent is not None else None
                if moved_from is not node.parent:
                    fields.append(
                        (
                            after.level_name(len(node.ancestors) or len(previous.ancestors)),
                            path_label(previous.ancestors[:-1], previous.parent) if previous.parent else "",
                            _parent_label(node),
                        )
                    )
        name = node.label
        if fields:
            changes.append(Change("changed", leaf, name, fields, key=f"measure:{path}"))
        changes += span_changes(path, name, previous.data.get("roadmap", []), node.data.get("roadmap", []))
    return changes


def _unique_keys(changes: list[Change]) -> list[Change]:
    """Give each change a key of its own. A change of the new state keeps its plain key; a removal whose key
    another change now holds (a measure removed where another stands, both 「measure:②」) takes a suffix."""
    taken = {change.key for change in changes if change.kind != "removed"}
    for change in changes:
        if change.kind == "removed":
            key, n = f"{change.key}#removed" if change.key in taken else change.key, 1
            while key in taken:
                n += 1
                key = f"{change.key}#removed{n}"
            change.key = key
            taken.add(key)
    return changes


def snapshot_outline(structure: dict) -> dict:
    """Return a structure (either shape, see levels.structure_tree) as its revision page shows it: items nested
    with their level's name, full number path and heading level, measures under the items of the last level,
    goals with the items they serve."""
    from .levels import structure_tree

    tree = structure_tree(structure)
    labels: dict = {}

    def outline(items: list[dict], ancestors: tuple) -> list[dict]:
        rows = []
        for item in items:
            level = len(ancestors) + 1
            label = path_label(ancestors, item)
            if item.get("id") is not None:
                labels[item["id"]] = label
            chain = (*ancestors, item)
            rows.append(
                {
                    "level_name": level_label(tree.level_names[level - 1]) if level <= len(tree.level_names) else "",
                    "label": label,
                    "description": item.get("description", ""),
                    "heading": min(level + 2, 6),
                    "items": outline(item.get("items", []), chain),
                    "measures": [_outline_measure(m, chain) for m in item.get("measures", [])],
                }
            )
        return rows

    items = outline(tree.items, ())
    goals = [
        {"title": g["title"], "items": [labels[i] for i in g.get("items", []) if i in labels]}
        for g in map(_goal, structure.get("goals", []))
    ]
    return {
        "level_names": tree.level_names,
        "leaf_name": tree.leaf_name,
        "structure": structure_text(tree.level_names, tree.leaf_name),
        "goals": goals,
        "items": items,
        "measures": [_outline_measure(m, ()) for m in tree.measures],
    }


def _outline_measure(measure: dict, ancestors: tuple) -> dict:
    return {
        "label": path_label(ancestors, measure),
        "departments": measure.get("departments", []),
        "roadmap": measure.get("roadmap", []),
    }
