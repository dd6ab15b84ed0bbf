"""Workflows as data: each kind of object declares, in one place, its states and the transitions
between them, each with the right that may take it (asked of the app's policy).

A workflow may have a review chain: an ordered list of steps, each taken by the holders of a right
(configured per plan where DESIGN.md says so). `submit` and `accept` move to the next step that has
a holder; a step without one is skipped and the skip recorded. After the last step the object is
approved. States of a chained workflow are therefore DRAFT, RETURNED, each step's key, and APPROVED.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from suishin.tenants.policy import Policy

DRAFT = "draft"
RETURNED = "returned"
APPROVED = "approved"
NEXT_STEP = "__next_step__"  # a transition's target: the next step with a holder, or APPROVED


@dataclass(frozen=True)
class Step:
    """One step of a review chain: its state key, its label, and the right that takes it."""

    key: str
    label: str
    right: str


@dataclass(frozen=True)
class Transition:
    action: str  # submit, accept, return, reopen
    label: str  # the button: 提出する, 決定する, 差し戻す, 再開する
    sources: tuple[str, ...]  # states it may be taken from; "*step" means every step of the chain
    target: str  # a state, or NEXT_STEP
    right: str = ""  # the policy action asked; "" means the current step's right
    comment_required: bool = False
    four_eyes: bool = False  # the person who submitted may not take it
    notice_kind: str = "task"  # for the people it concerns next: task (their turn) or return
    done_label: str = ""  # how the history names it once taken: 提出, 決定, 差戻し, 再開


@dataclass(frozen=True)
class Workflow:
    """The workflow of one kind of object (a model with a `status` field and an `organization`)."""

    kind: str  # the model's label, e.g. "plans.PlanRevision"
    policy: Policy  # the app's Policy
    steps: Callable  # (obj) -> list[Step], the review chain for this object
    transitions: tuple[Transition, ...]
    state_labels: dict[str, str] = field(default_factory=dict)
    on_transition: Callable | None = None  # (obj, transition, to_state, actor) -> fields it changed
    notice_summary: Callable | None = None  # (obj, transition, to_state) -> text every recipient may read

    def states(self, obj) -> list[str]:
        return [DRAFT, RETURNED, *[s.key for s in self.steps(obj)], APPROVED]

    def label(self, state: str, obj=None) -> str:
        if state in self.state_labels:
            return str(self.state_labels[state])
        for step in self.steps(obj) if obj is not None else ():
            if step.key == state:
                return str(step.label)
        return str(DEFAULT_LABELS.get(state, state))

    def is_read_only(self, obj) -> bool:
        """Return whether `obj` is approved: nothing may change it until it is reopened."""
        return obj.status == APPROVED

    def action_label(self, action: str) -> str:
        for t in self.transitions:
            if t.action == action:
                return str(t.done_label or t.label)
        return action

    def transitions_from(self, obj) -> list[Transition]:
        step_keys = {s.key for s in self.steps(obj)}
        found = []
        for t in self.transitions:
            if obj.status in t.sources or ("*step" in t.sources and obj.status in step_keys):
                found.append(t)
        return found


DEFAULT_LABELS = {DRAFT: _("下書き"), RETURNED: _("差戻し"), APPROVED: _("承認済み")}

workflows: dict[str, Workflow] = {}


def register_workflow(workflow: Workflow) -> None:
    """Declare the workflow of a kind of object; apps call this from AppConfig.ready()."""
    workflows[workflow.kind] = workflow


def workflow_of(obj) -> Workflow:
    return workflows[obj._meta.label]
