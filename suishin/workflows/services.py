"""Take a workflow transition: check the right, write the new state and its history row in one
transaction, audit it, and hand notices to the notice hook."""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from suishin.core.audit import audit_record
from suishin.core.registry import Notice, send_notice
from suishin.core.service import service
from suishin.tenants.access import deny, require_same_organization
from suishin.tenants.actor import Actor

from .definitions import APPROVED, DRAFT, NEXT_STEP, RETURNED, Transition, Workflow, workflow_of
from .models import TransitionRecord
from .rules import last_submitter_id, may_take


def _next_step(workflow: Workflow, obj) -> tuple[str, list[str]]:
    """Return the next step with a holder after the current state, and the steps skipped on the way."""
    steps = workflow.steps(obj)
    keys = [s.key for s in steps]
    start = keys.index(obj.status) + 1 if obj.status in keys else 0
    skipped: list[str] = []
    for step in steps[start:]:
        if workflow.policy.users_with_permission_for_instance(step.right, obj):
            return step.key, skipped
        skipped.append(step.key)
    return APPROVED, skipped


@service
def transition(obj, action: str, *, actor: Actor, comment: str = ""):
    """Take `action` on `obj` (提出, 決定, 差戻し, 再開…) and return `obj` in its new state.

    Refused as not found for another organization's object, as forbidden without the right (or for
    the submitter under four eyes), and with a ValidationError when the action does not apply now or
    needs a comment that is missing.
    """
    require_same_organization(actor, f"{obj._meta.label}.{action}", obj)
    workflow = workflow_of(obj)
    model = type(obj)
    obj = model._base_manager.select_for_update().get(pk=obj.pk)  # one transition at a time
    chosen = next((t for t in workflow.transitions_from(obj) if t.action == action), None)
    if chosen is None:
        raise ValidationError(
            _("「%(state)s」の状態では、この操作はできません。画面を開き直してください。")
            % {"state": workflow.label(obj.status, obj)},
            code="transition_not_allowed",
        )
    if not may_take(actor, obj, chosen, workflow=workflow):
        raise deny(actor, f"{workflow.kind}.{action}", obj)
    comment = comment.strip()
    if chosen.comment_required and not comment:
        raise ValidationError(_("「%(action)s」には理由を書いてください。") % {"action": chosen.label}, code="comment")
    from_state = obj.status
    skipped: list[str] = []
    to_state = chosen.target
    if to_state == NEXT_STEP:
        to_state, skipped = _next_step(workflow, obj)
    obj.status = to_state
    changed = ["status"]
    if workflow.on_transition is not None:
        changed += workflow.on_transition(obj, chosen, to_state, actor) or []
    if hasattr(obj, "version"):
        from django.db.models import F

        obj.version = F("version") + 1
        changed.append("version")
    obj.save(update_fields=changed)
    obj.refresh_from_db()
    name = getattr(actor.user, "get_full_name", lambda: "")() or getattr(actor.user, "username", "")
    TransitionRecord.objects.create(
        organization_id=obj.organization_id,
        kind=workflow.kind,
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor.user if isinstance(actor.user, User) and actor.user.pk else None,
        actor_name=name,
        comment=comment,
        data={"skipped": skipped} if skipped else {},
    )
    audit_record(
        actor=actor.user,
        organization=actor.organization,
        verb="workflow.transition",
        target=obj,
        data={"action": action, "from": from_state, "to": to_state, "skipped": skipped},
    )
    _send_notices(workflow, obj, chosen, to_state, actor)
    return obj


def _send_notices(workflow: Workflow, obj, chosen: Transition, to_state: str, actor: Actor) -> None:
    """Tell whoever it concerns now: the holders of the next step, or the submitter when returned."""
    recipients: Sequence[int | None]
    if to_state in (RETURNED, DRAFT) or to_state == APPROVED:
        recipients = [last_submitter_id(obj)]
        kind = "return" if to_state == RETURNED else "info"
    else:
        right = next((s.right for s in workflow.steps(obj) if s.key == to_state), "")
        recipients = workflow.policy.users_with_permission_for_instance(right, obj) if right else []
        kind = chosen.notice_kind
    own = getattr(actor.user, "pk", None)
    recipient_ids = tuple(sorted({r for r in recipients if r is not None and r != own}))
    if not recipient_ids:
        return
    summary = (
        workflow.notice_summary(obj, chosen, to_state)
        if workflow.notice_summary
        else _("%(object)s：%(state)s") % {"object": obj, "state": workflow.label(to_state, obj)}
    )
    send_notice(
        Notice(
            organization_id=obj.organization_id,
            recipient_ids=recipient_ids,
            kind=kind,
            verb=f"{workflow.kind}.{chosen.action}",
            summary=str(summary),
            url=obj.get_absolute_url(),
            target_type=workflow.kind,
            target_id=str(obj.pk),
            actor_id=own,
        )
    )


def require_editable(obj) -> None:
    """Refuse a change to an approved object: it is read-only until reopened (再開)."""
    workflow = workflow_of(obj)
    if workflow.is_read_only(obj):
        raise ValidationError(
            _("「%(state)s」のものは変更できません。変更するには、先に再開してください。")
            % {"state": workflow.label(obj.status, obj)},
            code="read_only",
        )
