"""Who may take a workflow transition now: the one rule the buttons, the to-do list and the
transition service all ask."""

from suishin.tenants.actor import Actor

from .definitions import Transition, Workflow, workflow_of
from .models import TransitionRecord


def _records(obj):
    return TransitionRecord.objects.for_organization(obj.organization_id).filter(kind=obj._meta.label, object_id=obj.pk)


def last_submitter_id(obj) -> int | None:
    """Return the user who last submitted `obj` (four eyes: they may not accept or approve it)."""
    record = _records(obj).filter(action="submit").order_by("-created_at", "-id").first()
    return record.actor_id if record else None


def step_right(workflow: Workflow, obj, transition: Transition) -> str:
    """Return the policy action `transition` asks for on `obj` (a chain step's own right by default)."""
    if transition.right:
        return transition.right
    for step in workflow.steps(obj):
        if step.key == obj.status:
            return step.right
    return ""


def may_take(actor: Actor, obj, transition: Transition, *, submitter_id=None, workflow=None) -> bool:
    """Return whether the actor may take `transition` on `obj` now (the buttons and the to-do list ask this)."""
    workflow = workflow or workflow_of(obj)
    right = step_right(workflow, obj, transition)
    if not right or not workflow.policy.user_has_permission_for_instance(actor, right, obj):
        return False
    if transition.four_eyes:
        submitter_id = last_submitter_id(obj) if submitter_id is None else submitter_id
        if submitter_id is not None and submitter_id == getattr(actor.user, "pk", None):
            return False
    return True
