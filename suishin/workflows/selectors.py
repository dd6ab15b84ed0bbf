"""What the workflows show: an object's history, and what an actor may do next across every kind."""

from dataclasses import dataclass
from typing import Protocol

from django.apps import apps

from suishin.core.registry import TodoItem

from .definitions import APPROVED, workflows
from .models import TransitionRecord
from .rules import may_take


class WorkflowObject(Protocol):
    """What the to-do list needs of an object in a workflow (a model instance)."""

    def get_absolute_url(self) -> str: ...


@dataclass
class NextAction:
    obj: WorkflowObject
    state_label: str
    actions: list  # Transition


def timeline(obj) -> list[TransitionRecord]:
    """Return the object's history, oldest first, in one query."""
    return list(
        TransitionRecord.objects.for_organization(obj.organization_id)
        .filter(kind=obj._meta.label, object_id=obj.pk)
        .order_by("created_at", "id")
    )


def timeline_rows(obj) -> list[TransitionRecord]:
    """Return the history with the labels of its states and skipped steps, for `_timeline.html`."""
    workflow = workflows[obj._meta.label]
    rows = timeline(obj)
    for row in rows:
        row.action_label = workflow.action_label(row.action)
        row.from_label = workflow.label(row.from_state, obj)
        row.to_label = workflow.label(row.to_state, obj)
        row.skipped_labels = [workflow.label(key, obj) for key in row.data.get("skipped", [])]
    return rows


def available_transitions(actor, obj) -> list:
    """Return the transitions the actor may take on `obj` now (the buttons of its page)."""
    workflow = workflows[obj._meta.label]
    return [t for t in workflow.transitions_from(obj) if may_take(actor, obj, t, workflow=workflow)]


def next_actions(actor, limit: int = 50) -> list[NextAction]:
    """Return what the actor may do next, across every kind of workflow object of their organization.

    Two queries per registered kind, whatever the number of objects: the open objects, and the
    submitters they had (for four eyes).
    """
    if actor.organization is None:
        return []
    found: list[NextAction] = []
    for kind, workflow in workflows.items():
        model = apps.get_model(kind)
        open_objects = list(
            model.objects.for_organization(actor.organization).exclude(status=APPROVED).order_by("-updated_at")[:limit]
        )
        if not open_objects:
            continue
        submitters: dict[int, int | None] = {}
        records = (
            TransitionRecord.objects.for_organization(actor.organization)
            .filter(kind=kind, object_id__in=[o.pk for o in open_objects], action="submit")
            .order_by("created_at", "id")
            .values_list("object_id", "actor_id")
        )
        for object_id, actor_id in records:
            submitters[object_id] = actor_id
        for obj in open_objects:
            actions = [
                t
                for t in workflow.transitions_from(obj)
                if t.action != "reopen"
                and may_take(actor, obj, t, submitter_id=submitters.get(obj.pk), workflow=workflow)
            ]
            if actions:
                found.append(NextAction(obj, workflow.label(obj.status, obj), actions))
    return found


def workflow_todos(actor) -> list[TodoItem]:
    """The to-do provider of the workflows: every object whose next step is the actor's."""
    return [
        TodoItem(str(a.obj), a.obj.get_absolute_url(), a.state_label, tuple(str(t.label) for t in a.actions))
        for a in next_actions(actor, limit=20)
    ]
