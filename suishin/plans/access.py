"""Who may read and change plans. Every plans view calls one of these first."""

from django.db.models import OuterRef, Q, Subquery

from suishin.tenants.access import get_in_organization
from suishin.tenants.actor import Actor
from suishin.tenants.models import Role
from suishin.tenants.policy import OWN_DEPARTMENTS, Policy, RoleRight

from .models import Goal, Measure, Plan, PlanItem, PlanRevision, RoadmapEntry


def access_plan(actor: Actor, plan_id) -> Plan:
    """Return the plan of the actor's organization, or 404 (missing and another town's alike).

    The plan carries `latest_edition` and `latest_edition_on`, the number and 改定日 of its latest
    decided revision (None before the first), for printed pages and file names, in the same query.
    """
    decided = PlanRevision.objects.filter(
        plan=OuterRef("pk"), organization=OuterRef("organization"), status=PlanRevision.Status.APPROVED
    ).order_by("-number")
    return get_in_organization(
        Plan.objects.annotate(
            latest_edition=Subquery(decided.values("number")[:1]),
            latest_edition_on=Subquery(decided.values("published_on")[:1]),
        ),
        actor,
        plan_id,
    )


def access_goal(actor: Actor, goal_id) -> Goal:
    return get_in_organization(Goal.objects.select_related("plan"), actor, goal_id)


def access_plan_item(actor: Actor, area_id) -> PlanItem:
    return get_in_organization(PlanItem.objects.select_related("plan"), actor, area_id)


def access_measure(actor: Actor, measure_id) -> Measure:
    return get_in_organization(Measure.objects.select_related("plan", "item"), actor, measure_id)


def access_roadmap_entry(actor: Actor, entry_id) -> RoadmapEntry:
    return get_in_organization(RoadmapEntry.objects.select_related("measure", "measure__plan"), actor, entry_id)


def access_revision(actor: Actor, revision_id) -> PlanRevision:
    return get_in_organization(PlanRevision.objects.select_related("plan"), actor, revision_id)


class PlansPolicy(Policy):
    """Rights over plans: the secretariat edits the whole plan; a department edits the measures it owns.

    A plan revision is proposed and submitted by the secretariat; its decision is recorded by
    another secretariat member or a committee member until the governance app lets the deciding
    body's chair take it.
    """

    model = Measure
    roles = {
        "plan.edit": (RoleRight(Role.SECRETARIAT),),
        "measure.edit": (RoleRight(Role.SECRETARIAT), RoleRight(Role.DEPARTMENT, OWN_DEPARTMENTS)),
        "plan_revision.submit": (RoleRight(Role.SECRETARIAT),),
        # Recorded on the deciding body's behalf: by another member of the secretariat (four eyes)
        # or by a committee member (the CIO, say).
        "plan_revision.decide": (RoleRight(Role.SECRETARIAT), RoleRight(Role.COMMITTEE)),
        "plan_revision.return": (RoleRight(Role.SECRETARIAT), RoleRight(Role.COMMITTEE)),
        "plan_revision.reopen": (RoleRight(Role.SECRETARIAT),),
    }
    grants: dict[str, str] = {}  # the governance app's appointments will give rights here

    def departments_of(self, instance) -> set[int]:
        if isinstance(instance, Measure):
            return set(instance.ownerships.values_list("department_id", flat=True))
        if isinstance(instance, RoadmapEntry):
            return set(instance.measure.ownerships.values_list("department_id", flat=True))
        return set()

    def departments_q(self, department_ids) -> Q:
        return Q(ownerships__department__in=list(department_ids))


policy = PlansPolicy()


def can_edit_plan(actor: Actor, plan: Plan | None = None) -> bool:
    """Return whether the actor edits the whole plan: the secretariat of the plan's organization.

    Without `plan`, whether the actor edits the plans of their own organization.
    """
    if plan is None:
        return policy.user_has_permission(actor, "plan.edit")
    return policy.user_has_permission_for_instance(actor, "plan.edit", plan)


def can_edit_measure(actor: Actor, measure: Measure, owner_ids: set[int] | None = None) -> bool:
    """Return whether the actor edits `measure`: the secretariat, or a department that owns it.

    `owner_ids` are the owning departments' ids when the caller has them already (list pages).
    """
    return policy.user_has_permission_for_instance(actor, "measure.edit", measure, department_ids=owner_ids)


def editable_measures(actor: Actor):
    """Return the measures the actor may edit (the same rule as `can_edit_measure`)."""
    return policy.instances_user_has_permission_for(actor, "measure.edit")


def require_plan_editor(actor: Actor, action: str, *targets) -> None:
    """Refuse (and record) unless the actor edits the whole plan.

    Another organization's target is refused as not found, as its page would be; then the right is
    asked. Services call this as the authority for their write; views call it to show the form.
    """
    first = targets[0] if targets else None
    policy.require(actor, "plan.edit", first, *targets[1:], audit_as=action)


def require_measure_editor(actor: Actor, measure: Measure, action: str, *others) -> None:
    """Refuse (and record) unless the actor may edit `measure` (another town's: not found)."""
    policy.require(actor, "measure.edit", measure, *others, audit_as=action)
