"""A plan as plain data, and the item-by-item difference between two such states.

The same structure serves three purposes: a frozen revision (改定), a template a new plan
starts from (national priority items or the previous plan), and the demo town's data.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suishin.core.wareki import fiscal_year_label

from .models import GoalItem, MeasureDepartment, Plan, PlanItem, RoadmapEntry, stage_labels

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

    `key` names the item whatever its text says (「measure:01-02」, 「span:01-02:研修」): a revision
    keeps its 改定の理由 for single changes by it (PlanRevision.change_reasons).
    """

    kind: str  # "added", "removed" or "changed"
    item: str  # what it is: 計画, 取組目標, 重点取組事項, 施策, 工程
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
    "item": gettext_lazy("重点取組事項"),
    "problem": gettext_lazy("課題"),
    "causes": gettext_lazy("想定される要因・根拠"),
    "actions": gettext_lazy("具体的な取組内容"),
    "expected_effects": gettext_lazy("効果見込み・目標"),
    "stage": gettext_lazy("段階"),
    "national_kpi_note": gettext_lazy("国のKPI・参考"),
    "departments": gettext_lazy("担当課"),
}


def _measures(snapshot: dict) -> dict[str, dict]:
    from .levels import structure_measures

    return {
        " ".join([*(a["number"] for a in ancestors if a.get("number")), m["number"]]): {
            **m,
            "item": ancestors[-1]["title"] if ancestors else "",
        }
        for m, ancestors in structure_measures(snapshot)
    }


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
    """Return what changed from `old` to `new`, item by item, in plan order."""
    changes: list[Change] = []
    plan_fields = [
        (label, str(old.get(key, "")), str(new.get(key, "")))
        for key, label in PLAN_FIELD_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    if plan_fields:
        changes.append(Change("changed", _("計画"), new.get("title", ""), plan_fields, key="plan"))

    old_goals = [g["title"] for g in old.get("goals", [])]
    new_goals = [g["title"] for g in new.get("goals", [])]
    changes += [Change("removed", _("取組目標"), g, key=f"goal:{g}") for g in old_goals if g not in new_goals]
    changes += [Change("added", _("取組目標"), g, key=f"goal:{g}") for g in new_goals if g not in old_goals]

    from .levels import structure_tree

    old_areas = {a["title"]: a for a in structure_tree(old).items}
    new_areas = {a["title"]: a for a in structure_tree(new).items}
    changes += [Change("removed", _("重点取組事項"), t, key=f"area:{t}") for t in old_areas if t not in new_areas]
    changes += [Change("added", _("重点取組事項"), t, key=f"area:{t}") for t in new_areas if t not in old_areas]
    for title in new_areas.keys() & old_areas.keys():
        if old_areas[title].get("description") != new_areas[title].get("description"):
            changes.append(
                Change(
                    "changed",
                    _("重点取組事項"),
                    title,
                    [(_("説明"), old_areas[title].get("description", ""), new_areas[title].get("description", ""))],
                    key=f"area:{title}",
                )
            )

    stages = stage_labels()
    old_measures, new_measures = _measures(old), _measures(new)
    for number, measure in old_measures.items():
        if number not in new_measures:
            changes.append(Change("removed", _("施策"), f"{number} {measure['title']}", key=f"measure:{number}"))
    for number, measure in new_measures.items():
        name = f"{number} {measure['title']}"
        if number not in old_measures:
            changes.append(Change("added", _("施策"), name, key=f"measure:{number}"))
            continue
        before = old_measures[number]
        fields = []
        for key, label in MEASURE_FIELD_LABELS.items():
            old_value = _field_text(key, before.get(key, ""), stages)
            new_value = _field_text(key, measure.get(key, ""), stages)
            if old_value != new_value:
                fields.append((str(label), old_value, new_value))
        if fields:
            changes.append(Change("changed", _("施策"), name, fields, key=f"measure:{number}"))
        changes += span_changes(number, name, before.get("roadmap", []), measure.get("roadmap", []))
    return changes
