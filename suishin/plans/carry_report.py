"""What a plan started from another (a copy, or the roll-over into the next period) carried and what not.

Goals (with the items they serve), the items of every level with their numbers, the level names and the
measures are carried whole. A span (工程) is carried where it overlaps the new period: one partly outside
is clipped to it, one wholly outside is dropped. An owner (担当課) is carried unless its department has
closed before the new period starts. The report lists, per measure (by its full number path), the spans
clipped and dropped and the owners left behind; `services.plan_create` stores it
on the new plan (`Plan.carry_report`, shown on its page until dismissed) and in its audit entry.
"""

from .levels import structure_measures
from .models import Plan
from .snapshots import number_path


def clip_span(span: dict, start_fy: int, end_fy: int) -> tuple[int, int] | None:
    """Return the span's years inside start_fy..end_fy, or None when it lies wholly outside."""
    start, end = max(int(span["start_fy"]), start_fy), min(int(span["end_fy"]), end_fy)
    return (start, end) if start <= end else None


def carry_report(structure: dict, based_on: Plan, owner_names: set[str]) -> dict:
    """Return what carrying `structure` (a snapshot of `based_on`, with the new period) into a plan keeps.

    `owner_names` are the names of the departments that may own the new plan's measures.
    """
    start_fy, end_fy = int(structure["start_fy"]), int(structure["end_fy"])
    measures = spans = clipped_count = dropped_count = owners_dropped = 0
    by_measure = []
    for measure, ancestors in structure_measures(structure):
        if measure:
            measures += 1
            clipped, dropped = [], []
            for span in measure.get("roadmap", []):
                old = [int(span["start_fy"]), int(span["end_fy"])]
                kept = clip_span(span, start_fy, end_fy)
                if kept is None:
                    dropped.append({"label": span["label"], "start_fy": old[0], "end_fy": old[1]})
                    continue
                spans += 1
                if list(kept) != old:
                    clipped.append({"label": span["label"], "before": old, "after": list(kept)})
            lost_owners = [name for name in measure.get("departments", []) if name not in owner_names]
            clipped_count, dropped_count = clipped_count + len(clipped), dropped_count + len(dropped)
            owners_dropped += len(lost_owners)
            if clipped or dropped or lost_owners:
                by_measure.append(
                    {
                        "number": number_path(ancestors, measure.get("number", "")),  # 「① (1) ① ②」
                        "title": measure["title"],
                        "clipped": clipped,
                        "dropped": dropped,
                        "owners_dropped": lost_owners,
                    }
                )
    return {
        "from": {"id": based_on.pk, "title": based_on.title, "start_fy": based_on.start_fy, "end_fy": based_on.end_fy},
        "start_fy": start_fy,
        "end_fy": end_fy,
        "measures": measures,
        "spans": spans,
        "clipped": clipped_count,
        "dropped": dropped_count,
        "owners_dropped": owners_dropped,
        "by_measure": by_measure,
    }


def carry_summary(report: dict) -> dict:
    """Return the report's counts (for the audit log's list of what a plan's creation did)."""
    return {key: report[key] for key in ("measures", "spans", "clipped", "dropped", "owners_dropped")}
