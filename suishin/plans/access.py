"""Who may read and change plans. Every plans view calls one of these first."""

from django.http import Http404

from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Role

from .models import Goal, Measure, Plan, PlanRevision, PriorityArea, RoadmapEntry

PLAN_EDITORS = (Role.SECRETARIAT,)


def _get(queryset, actor: Actor, object_id):
    try:
        return queryset.for_organization(actor.organization).get(pk=int(object_id))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_plan(actor: Actor, plan_id) -> Plan:
    """Return the plan of the actor's organization, or 404 (missing and another town's alike)."""
    return _get(Plan.objects.all(), actor, plan_id)


def access_goal(actor: Actor, goal_id) -> Goal:
    return _get(Goal.objects.select_related("plan"), actor, goal_id)


def access_priority_area(actor: Actor, area_id) -> PriorityArea:
    return _get(PriorityArea.objects.select_related("plan"), actor, area_id)


def access_measure(actor: Actor, measure_id) -> Measure:
    return _get(Measure.objects.select_related("plan", "priority_area"), actor, measure_id)


def access_roadmap_entry(actor: Actor, entry_id) -> RoadmapEntry:
    return _get(RoadmapEntry.objects.select_related("measure", "measure__plan"), actor, entry_id)


def access_revision(actor: Actor, revision_id) -> PlanRevision:
    return _get(PlanRevision.objects.select_related("plan"), actor, revision_id)


def _own(actor: Actor, obj) -> bool:
    return actor.organization is not None and obj.organization_id == actor.organization.pk


def can_edit_plan(actor: Actor, plan: Plan | None = None) -> bool:
    """Return whether the actor edits the whole plan: the secretariat of the plan's organization.

    Without `plan`, whether the actor edits the plans of their own organization.
    """
    if plan is not None and not _own(actor, plan):
        return False
    return actor.has_role(*PLAN_EDITORS)


def can_edit_measure(actor: Actor, measure: Measure, owner_ids: set[int] | None = None) -> bool:
    """Return whether the actor edits `measure`: the secretariat, or a department that owns it.

    `owner_ids` are the owning departments' ids when the caller has them already (list pages).
    """
    if not _own(actor, measure):
        return False
    if can_edit_plan(actor):
        return True
    if not actor.has_role(Role.DEPARTMENT):
        return False
    if owner_ids is None:
        owner_ids = set(measure.ownerships.values_list("department_id", flat=True))
    return bool(owner_ids & actor.department_ids)


def require_plan_editor(actor: Actor, action: str, *targets) -> None:
    """Refuse (and record) unless the actor edits the whole plan.

    Another organization's target is refused as not found, as its page would be; then the role is
    asked. Services call this as the authority for their write; views call it to show the form.
    """
    require_same_organization(actor, action, *targets)
    if not can_edit_plan(actor):
        raise deny(actor, action, targets[0] if targets else None)


def require_measure_editor(actor: Actor, measure: Measure, action: str, *others) -> None:
    """Refuse (and record) unless the actor may edit `measure` (another town's: not found)."""
    require_same_organization(actor, action, measure, *others)
    if not can_edit_measure(actor, measure):
        raise deny(actor, action, measure)
