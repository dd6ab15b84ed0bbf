"""The plan revision's workflow: 下書き → 提出 → 決定 (by the body that decides revisions), with
差戻し and 再開. A decided revision is read-only until it is reopened."""

from django.utils.translation import gettext_lazy as _

from suishin.workflows.definitions import APPROVED, DRAFT, NEXT_STEP, RETURNED, Step, Transition, Workflow

from .access import policy
from .models import PlanRevision
from .snapshots import plan_snapshot

DECISION = PlanRevision.Status.DECISION


def revision_steps(revision) -> list[Step]:
    """The review chain of a revision: one step, the decision (recorded by the secretariat or a
    committee member on the deciding body's behalf until the governance app names the body)."""
    return [Step(DECISION, _("決定待ち"), "plan_revision.decide")]


def revision_transition_applied(revision, transition, to_state, actor) -> list[str]:
    """Freeze what is decided: the plan as it stands when the revision is submitted."""
    if transition.action == "submit":
        revision.snapshot = plan_snapshot(revision.plan)
        revision.published_by = actor.user if getattr(actor.user, "pk", None) else None
        return ["snapshot", "published_by"]
    return []


def revision_notice_summary(revision, transition, to_state) -> str:
    return _("%(plan)s 第%(n)s版の改定案：%(state)s") % {
        "plan": revision.plan.title,
        "n": revision.number,
        "state": PlanRevision.Status(to_state).label,
    }


REVISION_WORKFLOW = Workflow(
    kind="plans.PlanRevision",
    policy=policy,
    steps=revision_steps,
    transitions=(
        Transition(
            "submit", _("提出する"), (DRAFT, RETURNED), NEXT_STEP, right="plan_revision.submit", done_label=_("提出")
        ),
        Transition("accept", _("決定を記録する"), ("*step",), NEXT_STEP, four_eyes=True, done_label=_("決定")),
        Transition(
            "return",
            _("差し戻す"),
            ("*step",),
            RETURNED,
            right="plan_revision.return",
            comment_required=True,
            notice_kind="return",
            done_label=_("差戻し"),
        ),
        Transition(
            "reopen",
            _("再開する"),
            (APPROVED,),
            DRAFT,
            right="plan_revision.reopen",
            comment_required=True,
            done_label=_("再開"),
        ),
    ),
    state_labels=dict(PlanRevision.Status.choices),
    on_transition=revision_transition_applied,
    notice_summary=revision_notice_summary,
)
