"""Plan pages: the plans, their levels, goals and items. Each view: access check first, then a form or
a selector, then a service. Measures are in views_measures.py, the 工程表 in views_roadmap.py, revisions
in views_revisions.py, PDFs in views_pdf.py."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
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
    PlanLevelsForm,
)
from .levels import structure_measures
from .models import DEFAULT_LEVEL_NAMES, PlanRevision, stage_labels
from .numbering import PlanNumbers
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
    default_levels = actor.organization.plan_level_names or DEFAULT_LEVEL_NAMES
    form = PlanCreateForm(request.POST or None, plans=plans, level_names=default_levels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        based_on = data["copy_from"] if data["template"] == "copy" else None
        structure = services.starting_structure(data["template"], based_on) | {
            "title": data["title"],
            "start_fy": data["start_fy"],
            "end_fy": data["end_fy"],
        }
        if data["template"] == "blank":
            structure["level_names"] = data["level_names"]
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
    outline = plan_outline(plan, with_roadmap=False, with_goals=True)
    outline_html = render_to_string(
        "plans/_plan_outline.html",
        {
            "outline": outline,
            "depth": plan.depth,
            "plan_id": plan.pk,
            "can_edit": can_edit,
            "measure_url": id_url("plans:measure_detail"),
            "stage_labels": stage_labels(),
            "labels": {
                "common": _("共通"),
                "edit": _("編集"),
                "add_measure": _("%(leaf)sを追加") % {"leaf": plan.leaf_name},
                "no_measures": _("%(leaf)sはまだありません。") % {"leaf": plan.leaf_name},
                "goals": _("取組目標："),
                # 「大項目を追加」 under a 柱: by the depth of the item the child goes under (1 for the top level).
                "add_child": {
                    depth: _("%(level)sを追加") % {"level": name}
                    for depth, name in enumerate(plan.level_names[1:], start=1)
                },
            },
        },
        using="jinja2",
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "goals": outline.goals,
            "outline_html": mark_safe(outline_html),  # noqa: S308 - rendered by Jinja2 with autoescape on
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


# --- levels and goals -------------------------------------------------------------------------


@login_required
def plan_levels(request, plan_id):
    """Name the plan's levels (柱 / 大項目 / 中項目) and its measures (個別項目)."""
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan.levels_update", plan)
    initial = {"level_names": "、".join(plan.level_names), "leaf_name": plan.leaf_name, "version": plan.version}
    form = PlanLevelsForm(request.POST or None, initial=initial)
    save = partial(services.plan_levels_update, actor=actor, plan=plan)
    return save_valid_form(request, form, save, success=_("階層名を保存しました。"), then=plan) or plan_form_page(
        request, form, plan=plan, title=_("計画の階層"), cancel_url=plan.get_absolute_url()
    )


@login_required
def goal_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "goal.create", plan)
    form = GoalForm(request.POST or None, plan=plan)
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
    initial = {
        "title": goal.title,
        "description": goal.description,
        "position": goal.position,
        "version": goal.version,
        "items": list(goal.item_links.values_list("item_id", flat=True)),
    }
    form = GoalForm(request.POST or None, initial=initial, plan=goal.plan)
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


# --- items of the plan's levels ---------------------------------------------------------------


def _level_name(plan, level: int) -> str:
    return plan.level_names[level - 1] if 0 < level <= plan.depth else _("項目")


@login_required
def item_create(request, plan_id):
    """Add an item at the top level, or under `?parent=<id>` at the next level, numbered as proposed."""
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "plan_item.create", plan)
    parent_id = request.GET.get("parent", "")
    parent = access_plan_item(actor, parent_id) if parent_id else None
    if parent is not None and parent.plan_id != plan.pk:
        raise Http404
    level = parent.level + 1 if parent else 1
    if not plan.depth or level > plan.depth:
        messages.error(request, _("この計画にはこれより下の階層がありません。「計画の階層」で階層を設けてください。"))
        return redirect(plan)
    proposal = PlanNumbers.for_plan(plan).propose_item(parent.pk if parent else None, level)
    form = PlanItemForm(request.POST or None, initial={"number": proposal}, plan=plan, level=level)
    del form.fields["position"], form.fields["version"]
    save = partial(services.plan_item_create, actor=actor, plan=plan, parent=parent)
    name = _level_name(plan, level)
    title = _("%(level)sを追加") % {"level": name}
    if parent is not None:
        title = _("%(parent)sの下に%(level)sを追加") % {"parent": parent.label, "level": name}
    return save_valid_form(
        request, form, save, success=_("%(level)sを追加しました。") % {"level": name}, then=plan
    ) or plan_form_page(request, form, plan=plan, title=title, cancel_url=plan.get_absolute_url())


@login_required
def item_edit(request, item_id):
    actor = require_actor(request)
    item = access_plan_item(actor, item_id)
    require_plan_editor(actor, "plan_item.update", item)
    fields = ["number", "title", "description", "cross_cutting", "position", "version"]
    form = PlanItemForm(
        request.POST or None,
        initial={f: getattr(item, f) for f in fields},
        plan=item.plan,
        level=item.level,
        item=item,
    )
    save = partial(_item_update, actor=actor, item=item)
    name = _level_name(item.plan, item.level)
    return save_valid_form(
        request, form, save, success=_("%(level)sを保存しました。") % {"level": name}, then=item.plan
    ) or plan_form_page(
        request,
        form,
        plan=item.plan,
        title=_("%(level)sを編集") % {"level": name},
        cancel_url=item.plan.get_absolute_url(),
        delete=("plans:item_delete", item.pk),
    )


def _item_update(*, actor, item, cross_cutting: bool = False, **data):
    # A lower level's form has no 「全てに共通」 box: the item keeps what it has.
    cross_cutting = cross_cutting if item.level == 1 else item.cross_cutting
    return services.plan_item_update(actor=actor, item=item, cross_cutting=cross_cutting, **data)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_delete(request, item_id):
    actor = require_actor(request)
    item = access_plan_item(actor, item_id)
    require_plan_editor(actor, "plan_item.delete", item)
    name = _level_name(item.plan, item.level)
    if request.method != "POST":
        return plan_confirm_delete(
            request,
            plan=item.plan,
            what=item.label,
            cancel_url=reverse("plans:item_edit", args=[item.pk]),
            blocked=_("下に項目や施策がある項目は削除できません。先に移すか削除してください。")
            if item.measures.exists() or item.children.exists()
            else "",
        )
    try:
        services.plan_item_delete(actor=actor, item=item)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("plans:item_edit", item_id=item.pk)
    messages.success(request, _("%(level)sを削除しました。") % {"level": name})
    return redirect(item.plan)
