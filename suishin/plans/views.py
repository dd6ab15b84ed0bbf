"""Plan pages. Each view: access check first, then a form or a selector, then a service."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from suishin.core.downloads import attachment_disposition
from suishin.core.jobs import job_start
from suishin.core.url_patterns import id_url
from suishin.tabular.uploads import UploadError, read_xlsx_upload
from suishin.tenants.access import require_actor

from . import services
from .access import (
    access_goal,
    access_measure,
    access_plan,
    access_priority_area,
    access_roadmap_entry,
    can_edit_measure,
    can_edit_plan,
    require_measure_editor,
    require_plan_editor,
)
from .file_names import roadmap_file_names
from .forms import (
    MEASURE_FIELDS,
    GoalForm,
    MeasureFilterForm,
    MeasureForm,
    PlanCreateForm,
    PlanForm,
    PriorityAreaForm,
    RevisionCompareForm,
    RoadmapEntryForm,
    RoadmapImportForm,
)
from .fragments import roadmap_rows_html
from .models import PlanRevision, stage_labels
from .selectors import departments_of, measure_page, plan_outline, plans_of
from .snapshots import plan_diff, plan_snapshot
from .spreadsheets import roadmap_xlsx_bytes
from .tasks import roadmap_import_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_errors_from(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _save_valid_form(request, form, save, *, success: str, then):
    """For a valid POST, call `save(**cleaned_data)`; on success flash `success` and redirect to `then`.

    A ValidationError from the service (a stale version, a rule) goes onto the form; None is returned
    whenever the form page should be shown again.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, success)
            return redirect(then)
    return None


def _form_page(request, form, *, plan, title, cancel_url, measure=None, delete=None):
    """Render the shared form page; `delete` is (url name, object id) to offer a delete button."""
    context = {"form": form, "plan": plan, "measure": measure, "title": title, "cancel_url": cancel_url}
    if delete:
        context["delete_url"], context["delete_id"] = delete
    return render(request, "plans/form_page.html", context)


def _confirm_delete(request, *, plan, what, cancel_url, measure=None, warning="", blocked=""):
    """Ask before deleting: a GET of a delete URL shows this page, its POST deletes.

    `blocked` says why the object cannot be deleted: the page then offers no delete button.
    """
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "plan": plan,
            "measure": measure,
            "what": what,
            "cancel_url": cancel_url,
            "warning": warning,
            "blocked": blocked,
        },
    )


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
            _form_errors_from(form, error)
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
    measures = [m for area in structure.get("priority_areas", []) for m in area.get("measures", [])]
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

    return _save_valid_form(request, form, save, success=_("計画を保存しました。"), then=plan) or _form_page(
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
    return _save_valid_form(request, form, save, success=_("取組目標を追加しました。"), then=plan) or _form_page(
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
    return _save_valid_form(request, form, save, success=_("取組目標を保存しました。"), then=goal.plan) or _form_page(
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
        return _confirm_delete(request, plan=goal.plan, what=goal.title, cancel_url=goal.plan.get_absolute_url())
    services.goal_delete(actor=actor, goal=goal)
    messages.success(request, _("取組目標を削除しました。"))
    return redirect(goal.plan)


@login_required
def area_create(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "priority_area.create", plan)
    form = PriorityAreaForm(request.POST or None, plan=plan)
    del form.fields["position"], form.fields["version"]
    save = partial(services.priority_area_create, actor=actor, plan=plan)
    return _save_valid_form(request, form, save, success=_("重点取組事項を追加しました。"), then=plan) or _form_page(
        request, form, plan=plan, title=_("重点取組事項を追加"), cancel_url=plan.get_absolute_url()
    )


@login_required
def area_edit(request, area_id):
    actor = require_actor(request)
    area = access_priority_area(actor, area_id)
    require_plan_editor(actor, "priority_area.update", area)
    fields = ["title", "description", "cross_cutting", "position", "version"]
    form = PriorityAreaForm(
        request.POST or None, initial={f: getattr(area, f) for f in fields}, plan=area.plan, area=area
    )
    save = partial(services.priority_area_update, actor=actor, area=area)
    return _save_valid_form(
        request, form, save, success=_("重点取組事項を保存しました。"), then=area.plan
    ) or _form_page(
        request,
        form,
        plan=area.plan,
        title=_("重点取組事項を編集"),
        cancel_url=area.plan.get_absolute_url(),
        delete=("plans:area_delete", area.pk),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_delete(request, area_id):
    actor = require_actor(request)
    area = access_priority_area(actor, area_id)
    require_plan_editor(actor, "priority_area.delete", area)
    if request.method != "POST":
        return _confirm_delete(
            request,
            plan=area.plan,
            what=area.title,
            cancel_url=reverse("plans:area_edit", args=[area.pk]),
            blocked=_("施策がある重点取組事項は削除できません。先に施策を移すか削除してください。")
            if area.measures.exists()
            else "",
        )
    try:
        services.priority_area_delete(actor=actor, area=area)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("plans:area_edit", area_id=area.pk)
    messages.success(request, _("重点取組事項を削除しました。"))
    return redirect(area.plan)


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
    area_id = request.GET.get("area")
    if area_id and area_id.isdigit():
        initial["priority_area"] = area_id
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
        measure = services.measure_create(
            actor=actor,
            plan=plan,
            priority_area=data["priority_area"],
            data={f: data[f] for f in MEASURE_FIELDS},
            departments=data["departments"],
        )
        messages.success(
            request,
            _("施策「%(title)s」を追加しました（施策番号 %(number)s）。")
            % {"title": measure.title, "number": measure.number},
        )
        return redirect(measure)
    return render(request, "plans/measure_form.html", {"form": form, "plan": plan, "title": _("施策を追加")})


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
        "version": measure.version,
        "priority_area": measure.priority_area_id,
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
                data={f: data[f] for f in MEASURE_FIELDS},
                departments=data.get("departments"),
                priority_area=data.get("priority_area"),
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("施策を保存しました。"))
            return redirect(measure)
    return render(
        request,
        "plans/measure_form.html",
        {"form": form, "plan": measure.plan, "measure": measure, "title": _("施策を編集")},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def measure_delete(request, measure_id):
    actor = require_actor(request)
    measure = access_measure(actor, measure_id)
    require_plan_editor(actor, "measure.delete", measure)
    if request.method != "POST":
        return _confirm_delete(
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
    return _save_valid_form(request, form, save, success=_("工程を追加しました。"), then=measure) or _form_page(
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
    return _save_valid_form(request, form, save, success=_("工程を保存しました。"), then=measure) or _form_page(
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
        return _confirm_delete(
            request,
            plan=entry.measure.plan,
            measure=entry.measure,
            what=str(entry),
            cancel_url=entry.measure.get_absolute_url(),
        )
    services.roadmap_entry_delete(actor=actor, entry=entry)
    messages.success(request, _("工程を削除しました。"))
    return redirect(entry.measure)


@login_required
@require_safe
def roadmap(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    filter_form = MeasureFilterForm(request.GET or None, departments=departments_of(actor))
    department = filter_form.cleaned_data["department"] if filter_form.is_valid() else None
    years = plan.fiscal_years
    rows_html = roadmap_rows_html(plan, department, content_version=actor.organization.content_version)
    return render(
        request,
        "plans/roadmap.html",
        {
            "plan": plan,
            "years": years,
            "has_rows": bool(rows_html),
            "rows_html": mark_safe(rows_html),  # noqa: S308 - rendered by Jinja2 with autoescape on
            "filter_form": filter_form,
            "department": department,
            "column_count": len(years) + 2,
            "can_edit": can_edit_plan(actor),
        },
    )


@login_required
@require_safe
def roadmap_export(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    response = HttpResponse(roadmap_xlsx_bytes(plan), content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(*roadmap_file_names(plan, "xlsx"))
    return response


@login_required
def roadmap_import(request, plan_id):
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    require_plan_editor(actor, "roadmap.import", plan)
    form = RoadmapImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = read_xlsx_upload(form.cleaned_data["file"])
        except UploadError as error:
            form.add_error("file", str(error))
        else:
            job = job_start(
                actor=actor,
                kind="roadmap_import",
                title=_("工程表の取込み（%(plan)s）") % {"plan": plan.title},
                target=plan,
                task=roadmap_import_task,
                payload=data,
                result_url=reverse("plans:roadmap", args=[plan.pk]),
                start_url=request.path,
            )
            return redirect("job_detail", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/roadmap_import.html", {"form": form, "plan": plan}, status=status)


# --- revisions: see views_revisions.py; the compare page reads snapshots ---------------------


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
