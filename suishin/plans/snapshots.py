"""A plan as plain data, and the item-by-item difference between two such states.

The same structure serves three purposes: a frozen revision (改定), a template a new plan
starts from (national priority items or the previous plan), and the demo town's data.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MeasureDepartment, Plan, RoadmapEntry

MEASURE_KEYS = ["title", "problem", "causes", "actions", "expected_effects", "stage", "national_kpi_note"]


def plan_snapshot(plan: Plan) -> dict:
    """Return the whole plan as plain data, in a constant number of queries."""
    own = plan.organization_id
    measures = plan.measures.prefetch_related(
        Prefetch("ownerships", queryset=MeasureDepartment.objects.for_organization(own).select_related("department")),
        Prefetch(
            "roadmap_entries",
            queryset=RoadmapEntry.objects.for_organization(own).order_by("start_fy", "position", "id"),
        ),
    )
    by_area: dict[int, list[dict]] = {}
    for measure in measures:
        by_area.setdefault(measure.priority_area_id, []).append(
            {
                "number": measure.number,
                **{key: getattr(measure, key) for key in MEASURE_KEYS},
                "departments": [o.department.name for o in measure.ownerships.all()],
                "roadmap": [
                    {"label": e.label, "start_fy": e.start_fy, "end_fy": e.end_fy}
                    for e in measure.roadmap_entries.all()
                ],
            }
        )
    return {
        "title": plan.title,
        "start_fy": plan.start_fy,
        "end_fy": plan.end_fy,
        "mission": plan.mission,
        "vision": plan.vision,
        "positioning": plan.positioning,
        "goals": [{"title": g.title, "description": g.description} for g in plan.goals.all()],
        "priority_areas": [
            {
                "title": area.title,
                "description": area.description,
                "cross_cutting": area.cross_cutting,
                "measures": by_area.get(area.pk, []),
            }
            for area in plan.priority_areas.all()
        ],
    }


@dataclass
class Change:
    """One item that differs between two states of a plan."""

    kind: str  # "added", "removed" or "changed"
    item: str  # what it is: 計画, 取組目標, 重点取組事項, 施策, 工程
    name: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


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
    "priority_area": gettext_lazy("重点取組事項"),
    "problem": gettext_lazy("課題"),
    "causes": gettext_lazy("想定される要因・根拠"),
    "actions": gettext_lazy("具体的な取組内容"),
    "expected_effects": gettext_lazy("効果見込み・目標"),
    "stage": gettext_lazy("段階"),
    "national_kpi_note": gettext_lazy("国のKPI・参考"),
    "departments": gettext_lazy("担当課"),
}


def _measures(snapshot: dict) -> dict[str, dict]:
    return {
        m["number"]: {**m, "priority_area": area["title"]}
        for area in snapshot.get("priority_areas", [])
        for m in area.get("measures", [])
    }


def _span_text(span: dict) -> str:
    return _("%(label)s（%(start)s〜%(end)s年度）") % {
        "label": span["label"],
        "start": span["start_fy"],
        "end": span["end_fy"],
    }


def plan_diff(old: dict, new: dict) -> list[Change]:
    """Return what changed from `old` to `new`, item by item, in plan order."""
    changes: list[Change] = []
    plan_fields = [
        (label, str(old.get(key, "")), str(new.get(key, "")))
        for key, label in PLAN_FIELD_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    if plan_fields:
        changes.append(Change("changed", _("計画"), new.get("title", ""), plan_fields))

    old_goals = [g["title"] for g in old.get("goals", [])]
    new_goals = [g["title"] for g in new.get("goals", [])]
    changes += [Change("removed", _("取組目標"), g) for g in old_goals if g not in new_goals]
    changes += [Change("added", _("取組目標"), g) for g in new_goals if g not in old_goals]

    old_areas = {a["title"]: a for a in old.get("priority_areas", [])}
    new_areas = {a["title"]: a for a in new.get("priority_areas", [])}
    changes += [Change("removed", _("重点取組事項"), t) for t in old_areas if t not in new_areas]
    changes += [Change("added", _("重点取組事項"), t) for t in new_areas if t not in old_areas]
    for title in new_areas.keys() & old_areas.keys():
        if old_areas[title].get("description") != new_areas[title].get("description"):
            changes.append(
                Change(
                    "changed",
                    _("重点取組事項"),
                    title,
                    [(_("説明"), old_areas[title].get("description", ""), new_areas[title].get("description", ""))],
                )
            )

    old_measures, new_measures = _measures(old), _measures(new)
    for number, measure in old_measures.items():
        if number not in new_measures:
            changes.append(Change("removed", _("施策"), f"{number} {measure['title']}"))
    for number, measure in new_measures.items():
        name = f"{number} {measure['title']}"
        if number not in old_measures:
            changes.append(Change("added", _("施策"), name))
            continue
        before = old_measures[number]
        fields = []
        for key, label in MEASURE_FIELD_LABELS.items():
            old_value, new_value = before.get(key, ""), measure.get(key, "")
            if key == "departments":
                old_value, new_value = "、".join(old_value or []), "、".join(new_value or [])
            if old_value != new_value:
                fields.append((label, str(old_value), str(new_value)))
        if fields:
            changes.append(Change("changed", _("施策"), name, fields))
        old_spans = {_span_text(s) for s in before.get("roadmap", [])}
        new_spans = {_span_text(s) for s in measure.get("roadmap", [])}
        changes += [Change("removed", _("工程"), f"{name}: {s}") for s in sorted(old_spans - new_spans)]
        changes += [Change("added", _("工程"), f"{name}: {s}") for s in sorted(new_spans - old_spans)]
    return changes
