"""Revision pages: the history, a proposed revision (改定案) and its way to the decision.

A revision is proposed as a draft, submitted, and its decision recorded (決定) on behalf of the body
that decides revisions; it may be returned (差戻し) with a reason, and a decided one reopened (再開).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from suishin.core.form_pages import form_errors_from
from suishin.tenants.access import require_actor
from suishin.workflows.selectors import available_transitions, timeline_rows

from . import services
from .access import access_plan, access_revision, can_edit_plan, require_plan_editor
from .forms import RevisionCompareForm, RevisionForm, RevisionTransitionForm
from .models import PlanRevision
from .pages import plan_form_page
from .snapshots import plan_diff, plan_snapshot, snapshot_outline


@login_required
@require_safe
def revision_list(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    revisions = list(plan.revisions.all())
    can_edit = can_edit_plan(actor, plan)
    return render(
        request,
        "plans/revision_list.html",
        {
            "plan": plan,
            "revisions": revisions,
            "can_edit": can_edit,
            "create_form": RevisionForm(initial={"published_on": timezone.localdate()}, plan=plan)
            if can_edit
            else None,
            "compare_form": RevisionCompareForm(revisions=revisions),
        },
    )


@login_required
def revision_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan_revision.create", plan)
    form = RevisionForm(request.POST or None, initial={"published_on": timezone.localdate()}, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.plan_revision_create(actor=actor, plan=plan, **form.cleaned_data)
        except ValidationError as error:  # a revision decided meanwhile with a later date
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("第%(n)s版の改定案を作りました。内容を確かめて提出してください。") % {"n": revision.number}
            )
            return redirect(revision)
    return plan_form_page(request, form, plan=plan, title=_("改定案を作る"), cancel_url=plan.get_absolute_url())


@login_required
def revision_edit(request, revision_id):
    actor = require_actor(request)
    revision = access_revision(actor, revision_id)
    require_plan_editor(actor, "plan_revision.update", revision)
    initial = {"published_on": revision.published_on, "decided_by": revision.decided_by, "note": revision.note}
    form = RevisionForm(request.POST or None, initial=initial, plan=revision.plan, revision=revision)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_revision_update(actor=actor, revision=revision, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("改定案を保存しました。"))
            return redirect(revision)
    return plan_form_page(
        request,
        form,
        plan=revision.plan,
        title=_("第%(n)s版の改定案を編集") % {"n": revision.number},
        cancel_url=revision.get_absolute_url(),
    )


@login_required
@require_safe
def revision_detail(request, revision_id):
    actor = require_actor(request)
    revision = access_revision(actor, revision_id)
    transitions = available_transitions(actor, revision)
    editable = revision.status in (PlanRevision.Status.DRAFT, PlanRevision.Status.RETURNED) and can_edit_plan(
        actor, revision.plan
    )
    return render(
        request,
        "plans/revision_detail.html",
        {
            "plan": revision.plan,
            "revision": revision,
            "snapshot": revision.snapshot,
            "outline": snapshot_outline(revision.snapshot),
            "transitions": transitions,
            "editable": editable,
            "records": timeline_rows(revision),
        },
    )


@login_required
@require_POST
def revision_transition(request, revision_id):
    """Take one workflow action on a revision; a refusal comes back as a message on its page."""
    actor = require_actor(request)
    revision = access_revision(actor, revision_id)
    transitions = available_transitions(actor, revision)
    form = RevisionTransitionForm(request.POST, transitions=transitions)
    if not transitions:
        require_plan_editor(actor, "plan_revision.transition", revision)  # no right at all: 403, audited
    if not form.is_valid():
        messages.error(request, _("この操作はいまはできません。画面を開き直してください。"))
        return redirect(revision)
    try:
        revision = services.plan_revision_transition(
            actor=actor, revision=revision, action=form.cleaned_data["action"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("第%(n)s版：%(state)sにしました。") % {"n": revision.number, "state": revision.get_status_display()},
        )
    return redirect(revision)


@login_required
@require_safe
def revision_compare(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    revisions = list(plan.revisions.all())
    form = RevisionCompareForm(request.GET or None, revisions=revisions)
    changes, labels, comparison = None, {}, {}
    if form.is_valid():
        by_id = {str(r.pk): r for r in revisions}

        def state(key):
            if key == "current":
                return plan_snapshot(plan), _("編集中の内容")
            revision = by_id.get(key)
            if revision is None:
                raise Http404
            return revision.snapshot, _("第%(n)s版") % {"n": revision.number}

        (old, labels["old"]), (new, labels["new"]) = state(form.cleaned_data["old"]), state(form.cleaned_data["new"])
        changes = plan_diff(old, new)
        # The 新旧対照表 of the newer version chosen, against the older one chosen (see views_comparison.py).
        old_revision, new_revision = by_id.get(form.cleaned_data["old"]), by_id.get(form.cleaned_data["new"])
        if new_revision is not None and new_revision != old_revision:
            comparison["comparison_revision"] = new_revision
            comparison["comparison_query"] = f"?old={old_revision.pk}" if old_revision is not None else ""
    return render(
        request,
        "plans/revision_compare.html",
        {"plan": plan, "form": form, "changes": changes, "labels": labels, **comparison},
    )
