"""The workflow engine, through its first real user (the plan revision) and a chained test workflow."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from suishin.core import registry
from suishin.core.models import AuditLog
from suishin.plans.models import PlanRevision
from suishin.plans.services import plan_revision_create, plan_revision_transition, plan_revision_update
from suishin.plans.tests.factories import decided_revision, make_plan
from suishin.plans.workflows import REVISION_WORKFLOW
from suishin.tenants.models import Membership, Role
from suishin.workflows import definitions
from suishin.workflows.definitions import NEXT_STEP, Step, Transition, Workflow
from suishin.workflows.models import TransitionRecord
from suishin.workflows.selectors import available_transitions, next_actions, timeline_rows
from suishin.workflows.services import require_editable, transition


@pytest.fixture
def notices():
    sent = []
    registry.register_notice_hook(sent.append)
    yield sent
    registry.notice_hooks.remove(sent.append)


@pytest.fixture
def draft(cast, plan):
    return plan_revision_create(actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1))


def test_each_transition_writes_the_state_a_history_row_and_an_audit_entry(cast, draft):
    secretariat = cast.town.actor("secretariat")
    submitted = plan_revision_transition(actor=secretariat, revision=draft, action="submit", comment="確認お願いします")
    assert submitted.status == PlanRevision.Status.DECISION
    record = TransitionRecord.objects.get(kind="plans.PlanRevision", object_id=draft.pk)
    assert (record.action, record.from_state, record.to_state, record.comment) == (
        "submit",
        "draft",
        "decision",
        "確認お願いします",
    )
    assert record.actor == cast.town.users["secretariat"] and record.organization == cast.town.organization
    entry = AuditLog.objects.filter(verb="workflow.transition").latest("id")
    assert entry.data == {"action": "submit", "from": "draft", "to": "decision", "skipped": []}


def test_four_eyes_the_submitter_cannot_decide(cast, draft):
    secretariat = cast.town.actor("secretariat")
    plan_revision_transition(actor=secretariat, revision=draft, action="submit")
    assert "accept" not in [t.action for t in available_transitions(secretariat, draft)]
    denied = AuditLog.objects.filter(verb="authorization.denied").count()
    with pytest.raises(PermissionDenied):
        plan_revision_transition(actor=secretariat, revision=draft, action="accept")
    draft.refresh_from_db()
    assert draft.status == PlanRevision.Status.DECISION
    assert AuditLog.objects.filter(verb="authorization.denied").count() == denied + 1


def test_a_role_without_the_right_is_refused_and_nothing_changes(cast, draft):
    for role in ("department", "council", "staff", "admin"):
        with pytest.raises(PermissionDenied):
            plan_revision_transition(actor=cast.town.actor(role), revision=draft, action="submit")
    draft.refresh_from_db()
    assert draft.status == PlanRevision.Status.DRAFT
    assert not TransitionRecord.objects.exists()


def test_an_action_that_does_not_apply_now_is_refused_with_a_message(cast, draft):
    with pytest.raises(ValidationError) as refused:
        plan_revision_transition(actor=cast.town.actor("committee"), revision=draft, action="accept")
    assert refused.value.code == "transition_not_allowed"
    assert "下書き" in refused.value.messages[0]


def test_return_and_reopen_need_a_reason(cast, plan, draft):
    plan_revision_transition(actor=cast.town.actor("secretariat"), revision=draft, action="submit")
    with pytest.raises(ValidationError) as refused:
        plan_revision_transition(actor=cast.town.actor("committee"), revision=draft, action="return", comment="  ")
    assert refused.value.code == "comment"
    decided = decided_revision(cast.town, make_plan(cast.town), dt.date(2024, 4, 1))
    with pytest.raises(ValidationError):
        plan_revision_transition(actor=cast.town.actor("secretariat"), revision=decided, action="reopen")
    reopened = plan_revision_transition(
        actor=cast.town.actor("secretariat"), revision=decided, action="reopen", comment="日付の誤り"
    )
    assert reopened.status == PlanRevision.Status.DRAFT


def test_a_decided_revision_is_read_only_in_the_service_until_reopened(cast, plan):
    decided = decided_revision(cast.town, plan, dt.date(2024, 4, 1))
    secretariat = cast.town.actor("secretariat")
    with pytest.raises(ValidationError) as refused:
        plan_revision_update(
            actor=secretariat, revision=decided, published_on=dt.date(2024, 4, 2), decided_by="", note=""
        )
    assert refused.value.code == "read_only"
    with pytest.raises(ValidationError):
        require_editable(decided)
    plan_revision_transition(actor=secretariat, revision=decided, action="reopen", comment="概要の追記")
    decided.refresh_from_db()
    plan_revision_update(
        actor=secretariat, revision=decided, published_on=dt.date(2024, 4, 1), decided_by="", note="追記"
    )
    decided.refresh_from_db()
    assert decided.note == "追記"


def test_the_snapshot_is_the_plan_as_submitted(cast, plan, draft):
    from suishin.plans.models import Measure

    Measure.objects.filter(plan=plan).update(title="提出前に直した施策")
    plan_revision_transition(actor=cast.town.actor("secretariat"), revision=draft, action="submit")
    draft.refresh_from_db()
    titles = [m["title"] for area in draft.snapshot["items"] for m in area["measures"]]
    assert set(titles) == {"提出前に直した施策"}


def test_notices_go_to_whoever_it_concerns_and_say_only_what_and_where(cast, draft, notices):
    plan_revision_transition(actor=cast.town.actor("secretariat"), revision=draft, action="submit")
    (submitted,) = notices
    assert submitted.kind == "task" and submitted.url == draft.get_absolute_url()
    assert cast.town.users["committee"].pk in submitted.recipient_ids
    assert cast.town.users["secretariat"].pk not in submitted.recipient_ids, "not to the one who acted"
    assert cast.other.users["committee"].pk not in submitted.recipient_ids
    plan_revision_transition(actor=cast.town.actor("committee"), revision=draft, action="return", comment="秘密の理由")
    returned = notices[-1]
    assert returned.kind == "return" and returned.recipient_ids == (cast.town.users["secretariat"].pk,)
    assert "秘密の理由" not in returned.summary, "the reason is on the page, not in the notice"


def test_next_actions_lists_what_the_actor_may_do_across_kinds_in_fixed_queries(cast, django_assert_max_num_queries):
    plans = [make_plan(cast.town) for _ in range(2)]
    for plan in plans:
        revision = plan_revision_create(
            actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
        )
        plan_revision_transition(actor=cast.town.actor("secretariat"), revision=revision, action="submit")
    committee = cast.town.actor("committee")
    with django_assert_max_num_queries(4) as few:
        found = next_actions(committee)
    assert {a.obj.plan_id for a in found} == {p.pk for p in plans}
    assert all({t.action for t in a.actions} == {"accept", "return"} for a in found)
    more = [make_plan(cast.town) for _ in range(4)]
    for plan in more:
        revision = plan_revision_create(
            actor=cast.town.actor("secretariat"), plan=plan, published_on=dt.date(2024, 4, 1)
        )
        plan_revision_transition(actor=cast.town.actor("secretariat"), revision=revision, action="submit")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(next_actions(committee)) == 6
    # The submitter has nothing to decide (four eyes); another town's committee sees nothing.
    assert not [a for a in next_actions(cast.town.actor("secretariat")) if any(t.action == "accept" for t in a.actions)]
    assert next_actions(cast.other.actor("committee")) == []


def test_a_step_without_a_holder_is_skipped_and_the_skip_recorded(cast, draft, monkeypatch):
    """A chain: a bureau's ICT manager (no one holds it here), then the committee."""
    chained = Workflow(
        kind="plans.PlanRevision",
        policy=REVISION_WORKFLOW.policy,
        steps=lambda obj: [
            Step("bureau", "局の確認", "nobody.holds.this"),
            Step("decision", "決定待ち", "plan_revision.decide"),
        ],
        transitions=(
            Transition("submit", "提出する", ("draft", "returned"), NEXT_STEP, right="plan_revision.submit"),
            Transition("accept", "承認する", ("*step",), NEXT_STEP, four_eyes=True),
        ),
        state_labels={"approved": "決定"},
    )
    monkeypatch.setitem(definitions.workflows, "plans.PlanRevision", chained)
    submitted = transition(draft, "submit", actor=cast.town.actor("secretariat"))
    assert submitted.status == "decision"
    record = TransitionRecord.objects.get(object_id=draft.pk)
    assert record.data == {"skipped": ["bureau"]}
    (row,) = timeline_rows(draft)
    assert row.skipped_labels == ["局の確認"]
    assert transition(submitted, "accept", actor=cast.town.actor("committee")).status == "approved"


def test_a_second_secretariat_member_may_decide(cast, draft):
    from django.contrib.auth import get_user_model

    from suishin.tenants.actor import actor_for_user

    colleague = get_user_model().objects.create_user(username="secretariat-2", password="x-correct-horse")
    Membership.objects.create(organization=cast.town.organization, user=colleague, role=Role.SECRETARIAT)
    plan_revision_transition(actor=cast.town.actor("secretariat"), revision=draft, action="submit")
    decided = plan_revision_transition(
        actor=actor_for_user(colleague, cast.town.organization.pk), revision=draft, action="accept"
    )
    assert decided.status == PlanRevision.Status.APPROVED


def test_the_home_page_lists_the_actors_next_actions(client, cast, draft):
    plan_revision_transition(actor=cast.town.actor("secretariat"), revision=draft, action="submit")
    client.force_login(cast.town.users["committee"])
    page = client.get("/").content.decode()
    assert "あなたの作業" in page and draft.get_absolute_url() in page and "決定を記録する" in page
    client.force_login(cast.town.users["staff"])
    page = client.get("/").content.decode()
    assert "いま、あなたの番の作業はありません。" in page and draft.get_absolute_url() not in page
