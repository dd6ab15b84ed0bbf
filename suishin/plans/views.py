"""Plan pages: the plans, their goals and priority areas. Each view: access check first, then a form or
a selector, then a service. Measures are in views_measures.py, the 工程表 in views_roadmap.py, revisions
in views_revisions.py, PDFs in views_pdf.py."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from suishin.core.form_pages import form_errors_from, save_valid_form
from suishin.core.url_patterns import id_url
from suishin.tenants.access import require_actor

from . import services
from .access import (
    access_goal,
    access_plan,
    access_plan_item,
    can_edit_plan,
    require_plan_editor,
)
from .forms import (
    GoalForm,
    PlanCreateForm,
    PlanForm,
    PlanItemForm,
)
from .levels import structure_measures
from .models import PlanRevision, stage_labels
from .pages import plan_confirm_delete, plan_form_page
from .selectors import plan_outline, plans_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- plans ------------------------------------------------------------------------------------


@login_required
@require_safe
def plan_list(request):
    actor = require_actor(request)
    return render(request, "plans/plan_list.html", {"plans": plans_of(actor), "can_edit": can_edit_plan(actor)})


@login_required
def plan_create(request):
    actor = require_actor(request)
    require_plan_editor(actor, "plan.create")
    plans = plans_of(actor)
    form = PlanCreateForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        based_on = data["copy_from"] if data["template"] == "copy" else None
        structure = services.starting_structure(data["template"], based_on) | {
            "title": data["title"],
            "start_fy": data["start_fy"],
            "end_fy": data["end_fy"],
        }
        try:
            plan = services.plan_create(actor=actor, structure=structure, based_on=based_on)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("計画「%(title)s」を作りました。") % {"title": plan.title})
            if based_on is not None:
                _report_copy(request, structure, plan)
            return redirect(plan)
    return render(request, "plans/plan_create.html", {"form": form})


def _report_copy(request, structure: dict, plan) -> None:
    """Say what a copy carried into the new plan: its measures, and which 工程 the new period holds.

    The copy keeps a span's part inside the new period (see services.plan_create): a span partly
    outside it is shortened, one wholly outside it is not copied (carrying spans over comes with the
    roll-over of a plan into the next period).
    """
    measures = [m for m, _ancestors in structure_measures(structure)]
    kept = shortened = dropped = 0
    for span in (s for m in measures for s in m.get("roadmap", [])):
        start_fy, end_fy = int(span["start_fy"]), int(span["end_fy"])
        if end_fy < plan.start_fy or start_fy > plan.end_fy:
            dropped += 1
        elif start_fy < plan.start_fy or end_fy > plan.end_fy:
            shortened += 1
        else:
            kept += 1
    text = _("施策 %(measures)s 件と工程 %(spans)s 件を写しました。") % {
        "measures": len(measures),
        "spans": kept + shortened,
    }
    if shortened:
        text += _("うち工程 %(n)s 件は新しい計画期間に合わせて期間を縮めました。") % {"n": shortened}
    messages.info(request, text)
    if dropped:
        period = {"n": dropped, "start": plan.start_fy, "end": plan.end_fy}
        messages.warning(
            request, _("工程 %(n)s 件は新しい計画期間（%(start)s〜%(end)s年度）の外のため写していません。") % period
        )


@login_required
@require_safe
def plan_detail(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    can_edit = can_edit_plan(actor)
    areas_html = render_to_string(
        "plans/_plan_areas.html",
        {
            "areas": plan_outline(plan, with_roadmap=False),
            "plan_id": plan.pk,
            "can_edit": can_edit,
            "measure_url": id_url("plans:measure_detail"),
            "stage_labels": stage_labels(),
            "labels": {
                "common": _("共通"),
                "edit": _("編集"),
                "add_measure": _("施策を追加"),
                "no_measures": _("施策はまだありません。"),
            },
        },
        using="jinja2",
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "goals": plan.goals.all(),
            "areas_html": mark_safe(areas_html),  # noqa: S308 - rendered by Jinja2 with autoescape on
            "can_edit": can_edit,
            "latest_revision": plan.revisions.filter(status=PlanRevision.Status.APPROVED).first(),
        },
    )


@login_required
def plan_edit(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan.update", plan)
    initial = {f: getattr(plan, f) for f in services.PLAN_FIELDS} | {"version": plan.version}
    form = PlanForm(request.POST or None, initial=initial)

    def save(version, **data):
        services.plan_update(actor=actor, plan=plan, version=version, data=data)

    return save_valid_form(request, form, save, success=_("計画を保存しました。"), then=plan) or plan_form_page(
        request, form, plan=plan, title=_("計画の基本事項を編集"), cancel_url=plan.get_absolute_url()
    )


# --- goals and priority areas -----------------------------------------------------------------


@login_required
def goal_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "goal.create", plan)
    form = GoalForm(request.POST or None)
    del form.fields["position"], form.fields["version"]
    save = partial(services.goal_create, actor=actor, plan=plan)
    return save_valid_form(request, form, save, success=_("取組目標を追加しました。"), then=plan) or plan_form_page(
        request, form, plan=plan, title=_("取組目標を追加"), cancel_url=plan.get_absolute_url()
    )


@login_required
def goal_edit(request, goal_id):
    actor = require_actor(request)
    goal = access_goal(actor, goal_id)
    require_plan_editor(actor, "goal.update", goal)
    initial = {"title": goal.title, "description": goal.description, "position": goal.position, "version": goal.version}
    form = GoalForm(request.POST or None, initial=initial)
    save = partial(services.goal_update, actor=actor, goal=goal)
    return save_valid_form(
        request, form, save, success=_("取組目標を保存しました。"), then=goal.plan
    ) or plan_form_page(
        request,
        form,
        plan=goal.plan,
        title=_("取組目標を編集"),
        cancel_url=goal.plan.get_absolute_url(),
        delete=("plans:goal_delete", goal.pk),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goal_delete(request, goal_id):
    actor = require_actor(request)
    goal = access_goal(actor, goal_id)
    require_plan_editor(actor, "goal.delete", goal)
    if request.method != "POST":
        return plan_confirm_delete(request, plan=goal.plan, what=goal.title, cancel_url=goal.plan.get_absolute_url())
    services.goal_delete(actor=actor, goal=goal)
    messages.success(request, _("取組目標を削除しました。"))
    return redirect(goal.plan)


@login_required
def item_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan_item.create", plan)
    form = PlanItemForm(request.POST or None, plan=plan)
    del form.fields["position"], form.fields["version"]
    save = partial(services.plan_item_create, actor=actor, plan=plan)
    return save_valid_form(request, form, save, success=_("重点取組事項を追加しました。"), then=plan) or plan_form_page(
        request, form, plan=plan, title=_("重点取組事項を追加"), cancel_url=plan.get_absolute_url()
    )


@login_required
def item_edit(request, area_id):
    actor = require_actor(request)
    area = access_plan_item(actor, area_id)
    require_plan_editor(actor, "plan_item.update", area)
    fields = ["title", "description", "cross_cutting", "position", "version"]
    form = PlanItemForm(request.POST or None, initial={f: getattr(area, f) for f in fields}, plan=area.plan, area=area)
    save = partial(services.plan_item_update, actor=actor, area=area)
    return save_valid_form(
        request, form, save, success=_("重点取組事項を保存しました。"), then=area.plan
    ) or plan_form_page(
        request,
        form,
        plan=area.plan,
        title=_("重点取組事項を編集"),
        cancel_url=area.plan.get_absolute_url(),
        delete=("plans:item_delete", area.pk),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_delete(request, area_id):
    actor = require_actor(request)
    area = access_plan_item(actor, area_id)
    require_plan_editor(actor, "plan_item.delete", area)
    if request.method != "POST":
        return plan_confirm_delete(
            request,
            plan=area.plan,
            what=area.title,
            cancel_url=reverse("plans:item_edit", args=[area.pk]),
            blocked=_("施策がある重点取組事項は削除できません。先に施策を移すか削除してください。")
            if area.measures.exists()
            else "",
        )
    try:
        services.plan_item_delete(actor=actor, area=area)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("plans:item_edit", area_id=area.pk)
    messages.success(request, _("重点取組事項を削除しました。"))
    return redirect(area.plan)
