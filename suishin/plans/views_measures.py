"""Measure pages (施策・事業) and their 工程 (roadmap spans). Each view: access check first, then a form
or a selector, then a service."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from suishin.core.form_pages import form_errors_from, save_valid_form
from suishin.core.url_patterns import id_url
from suishin.tenants.access import require_actor

from . import services
from .access import (
    access_measure,
    access_plan,
    access_roadmap_entry,
    can_edit_measure,
    can_edit_plan,
    require_measure_editor,
    require_plan_editor,
)
from .forms import (
    MEASURE_FIELDS,
    MeasureFilterForm,
    MeasureForm,
    RoadmapEntryForm,
)
from .models import PlanRevision, stage_labels
from .pages import plan_confirm_delete, plan_form_page
from .selectors import departments_of, measure_item_path, measure_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- measures ---------------------------------------------------------------------------------


@login_required
@require_safe
def measure_list(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    filter_form = MeasureFilterForm(request.GET or None, departments=departments_of(actor))
    department = filter_form.cleaned_data["department"] if filter_form.is_valid() else None
    page = measure_page(plan, request.GET.get("page"), department)
    query = f"department={department.pk}" if department else ""
    rows_html = render_to_string(
        "plans/_measure_rows.html",
        {"rows": page.object_list, "measure_url": id_url("plans:measure_detail"), "stage_labels": stage_labels()},
        using="jinja2",
    )
    return render(
        request,
        "plans/measure_list.html",
        {
            "plan": plan,
            "page": page,
            "rows_html": mark_safe(rows_html) if page.object_list else "",  # noqa: S308 - Jinja2 autoescapes
            "query": query,
            "filter_form": filter_form,
            "department": department,
            "can_edit": can_edit_plan(actor),
        },
    )


@login_required
def measure_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "measure.create", plan)
    initial = {"stage": ""}  # 段階 is the town's to give, or not
    item_id = request.GET.get("item") or request.GET.get("area")  # 「area」: links made before plans had levels
    if item_id and item_id.isdigit():
        initial["item"] = item_id
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        plan=plan,
        departments=departments_of(actor),
        can_structure=True,
        is_new=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_create(
                actor=actor,
                plan=plan,
                item=data.get("item"),
                data={f: data[f] for f in [*MEASURE_FIELDS, "number"]},
                departments=data["departments"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("%(leaf)s「%(title)s」を追加しました（番号 %(number)s）。")
                % {"leaf": plan.leaf_name, "title": measure.title, "number": measure.number},
            )
            return redirect(measure)
    title = _("%(leaf)sを追加") % {"leaf": plan.leaf_name}
    return render(request, "plans/measure_form.html", {"form": form, "plan": plan, "title": title})


@login_required
@require_safe
def measure_detail(request, measure_id):
    actor = require_actor(request)
    measure = access_measure(actor, measure_id)
    ownerships = list(measure.ownerships.select_related("department"))
    owner_ids = {o.department_id for o in ownerships}
    entries = list(measure.roadmap_entries.all())
    return render(
        request,
        "plans/measure_detail.html",
        {
            "plan": measure.plan,
            "measure": measure,
            "departments": [o.department for o in ownerships],
            "entries": entries,
            "logic_model": [
                (_("課題"), measure.problem),
                (_("想定される要因・根拠"), measure.causes),
                (_("具体的な取組内容"), measure.actions),
                (_("効果見込み・目標"), measure.expected_effects),
            ],
            "item_path": measure_item_path(measure),
            "can_edit": can_edit_measure(actor, measure, owner_ids),
            "can_edit_plan": can_edit_plan(actor),
            "edition": _latest_edition(measure.plan),
        },
    )


def _latest_edition(plan) -> int | None:
    """Return the number of the plan's latest decided revision, for the printed header (None before one)."""
    decided = plan.revisions.filter(status=PlanRevision.Status.APPROVED)
    return decided.order_by("-number").values_list("number", flat=True).first()


@login_required
def measure_edit(request, measure_id):
    actor = require_actor(request)
    measure = access_measure(actor, measure_id)
    require_measure_editor(actor, measure, "measure.update")
    can_structure = can_edit_plan(actor)
    initial = {f: getattr(measure, f) for f in MEASURE_FIELDS} | {
        "number": measure.number,
        "version": measure.version,
        "item": measure.item_id,
        "departments": list(measure.ownerships.values_list("department_id", flat=True)),
    }
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        plan=measure.plan,
        departments=departments_of(actor),
        can_structure=can_structure,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_update(
                actor=actor,
                measure=measure,
                version=data["version"],
                data={f: data[f] for f in MEASURE_FIELDS} | ({"number": data["number"]} if "number" in data else {}),
                departments=data.get("departments"),
                item=data.get("item"),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("施策を保存しました。"))
            return redirect(measure)
    return render(
        request,
        "plans/measure_form.html",
        {
            "form": form,
            "plan": measure.plan,
            "measure": measure,
            "title": _("%(leaf)sを編集") % {"leaf": measure.plan.leaf_name},
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_delete(request, measure_id):
    actor = require_actor(request)
    measure = access_measure(actor, measure_id)
    require_plan_editor(actor, "measure.delete", measure)
    if request.method != "POST":
        return plan_confirm_delete(
            request,
            plan=measure.plan,
            measure=measure,
            what=str(measure),
            cancel_url=measure.get_absolute_url(),
            warning=_("この施策の工程もすべて削除されます。公開済みの改定版には残ります。"),
        )
    services.measure_delete(actor=actor, measure=measure)
    messages.success(request, _("施策「%(title)s」を削除しました。") % {"title": measure.title})
    return redirect(measure.plan)


# --- roadmap ----------------------------------------------------------------------------------


@login_required
def roadmap_entry_create(request, measure_id):
    actor = require_actor(request)
    measure = access_measure(actor, measure_id)
    require_measure_editor(actor, measure, "roadmap_entry.create")
    plan = measure.plan
    form = RoadmapEntryForm(request.POST or None, plan=plan, initial={"start_fy": plan.start_fy, "end_fy": plan.end_fy})
    del form.fields["version"]
    save = partial(services.roadmap_entry_create, actor=actor, measure=measure)
    return save_valid_form(request, form, save, success=_("工程を追加しました。"), then=measure) or plan_form_page(
        request, form, plan=plan, measure=measure, title=_("工程を追加"), cancel_url=measure.get_absolute_url()
    )


@login_required
def roadmap_entry_edit(request, entry_id):
    actor = require_actor(request)
    entry = access_roadmap_entry(actor, entry_id)
    measure = entry.measure
    require_measure_editor(actor, measure, "roadmap_entry.update")
    fields = ["label", "start_fy", "end_fy", "version"]
    form = RoadmapEntryForm(request.POST or None, plan=measure.plan, initial={f: getattr(entry, f) for f in fields})
    save = partial(services.roadmap_entry_update, actor=actor, entry=entry)
    return save_valid_form(request, form, save, success=_("工程を保存しました。"), then=measure) or plan_form_page(
        request,
        form,
        plan=measure.plan,
        measure=measure,
        title=_("工程を編集"),
        cancel_url=measure.get_absolute_url(),
        delete=("plans:roadmap_entry_delete", entry.pk),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def roadmap_entry_delete(request, entry_id):
    actor = require_actor(request)
    entry = access_roadmap_entry(actor, entry_id)
    require_measure_editor(actor, entry.measure, "roadmap_entry.delete")
    if request.method != "POST":
        return plan_confirm_delete(
            request,
            plan=entry.measure.plan,
            measure=entry.measure,
            what=str(entry),
            cancel_url=entry.measure.get_absolute_url(),
        )
    services.roadmap_entry_delete(actor=actor, entry=entry)
    messages.success(request, _("工程を削除しました。"))
    return redirect(entry.measure)
