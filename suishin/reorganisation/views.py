"""Pages of reorganisations: the list, a reorganisation with its report, the draft editor, the
successors (mapping) form, the file import, and the department tree of a year.

Every view asks an access function first, then the policy (access.py); writes go to services.py.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from suishin.core.downloads import file_response
from suishin.core.fiscal_year import fiscal_year_of
from suishin.core.form_pages import form_errors_from
from suishin.tabular.uploads import UploadError, read_table_upload
from suishin.tenants.access import require_actor

from . import services
from .access import (
    access_draft_department,
    access_mapping,
    access_reorganisation,
    can_apply,
    can_edit,
    policy,
)
from .checks import reorganisation_problems
from .forms import ConfirmForm, DraftDepartmentForm, DraftImportForm, ReorganisationForm, SuccessorsForm, TreeYearForm
from .models import DepartmentMapping, Reorganisation
from .selectors import (
    as_tree,
    department_tree,
    draft_lines,
    in_preparation,
    nested,
    open_row_counts,
    reorganisations_of,
)
from .spreadsheets import DraftFileError, draft_xlsx_bytes, parse_draft_file

VIEW, EDIT, APPLY = "reorganisation.view", "reorganisation.edit", "reorganisation.apply"


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_page(request, form, *, title, cancel_url, reorganisation=None, status=None):
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reorganisation/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "reorganisation": reorganisation},
        status=status,
    )


@login_required
@require_safe
def reorganisation_list(request):
    actor = require_actor(request)
    policy.require(actor, VIEW)
    reorganisations = list(reorganisations_of(actor.organization))
    return render(
        request,
        "reorganisation/list.html",
        {
            "reorganisations": reorganisations,
            "can_create": can_edit(actor) and in_preparation(actor.organization) is None,
        },
    )


@login_required
def reorganisation_create(request):
    actor = require_actor(request)
    policy.require(actor, EDIT, audit_as="reorganisation.create")
    today = timezone.localdate()
    next_april = dt.date(fiscal_year_of(today) + 1, 4, 1)
    form = ReorganisationForm(request.POST or None, initial={"effective_on": next_april})
    if request.method == "POST" and form.is_valid():
        try:
            reorganisation = services.reorganisation_create(
                actor=actor, organization=actor.organization, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("下書きを作りました。いまの組織から改編後の組織を作ってください。"))
            return redirect("reorganisation:draft", reorganisation.pk)
    return _form_page(request, form, title=_("組織改編を作る"), cancel_url=reverse("reorganisation:list"))


@login_required
@require_safe
def reorganisation_detail(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, VIEW, reorganisation)
    context = {
        "reorganisation": reorganisation,
        "can_edit": can_edit(actor),
        "can_apply": can_apply(actor),
        "apply_form": ConfirmForm(prefix="apply"),
        "delete_form": ConfirmForm(prefix="delete"),
    }
    if reorganisation.is_applied:
        context["tree_before"] = nested(as_tree(reorganisation.tree_before))
        context["tree_after"] = nested(as_tree(reorganisation.tree_after))
        context["report"] = reorganisation.report
    else:
        context["problems"] = reorganisation_problems(reorganisation)
        context["lines"] = draft_lines(reorganisation)
        context["closing"] = _closing(reorganisation)
    return render(request, "reorganisation/detail.html", context)


def _closing(reorganisation: Reorganisation):
    """The departments the draft closes, each with its successor and what it owns of open years."""
    mappings = list(
        DepartmentMapping.objects.for_organization(reorganisation.organization_id)
        .filter(reorganisation=reorganisation)
        .select_related("old_department", "successor")
    )
    counts = open_row_counts(reorganisation.organization_id, [m.old_department_id for m in mappings])
    return [(m, counts.get(m.old_department_id, [])) for m in mappings]


@login_required
def reorganisation_edit(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.update")
    initial = {"title": reorganisation.title, "effective_on": reorganisation.effective_on, "note": reorganisation.note}
    form = ReorganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorganisation_update(actor=actor, reorganisation=reorganisation, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("保存しました。"))
            return redirect(reorganisation)
    return _form_page(
        request,
        form,
        title=_("組織改編を編集"),
        cancel_url=reorganisation.get_absolute_url(),
        reorganisation=reorganisation,
    )


def _confirmed_action(request, reorganisation_id, action: str, audit_as: str, run, done: str, prefix: str):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, action, reorganisation, audit_as=audit_as)
    form = ConfirmForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("確認のチェックを入れてから操作してください。"))
        return None, reorganisation
    try:
        result = run(actor, reorganisation)
    except ValidationError as error:
        _messages_from(request, error)
        return None, reorganisation
    messages.success(request, done)
    return result, reorganisation


@login_required
@require_POST
def reorganisation_delete(request, reorganisation_id):
    result, reorganisation = _confirmed_action(
        request,
        reorganisation_id,
        EDIT,
        "reorganisation.delete",
        lambda actor, r: services.reorganisation_delete(actor=actor, reorganisation=r) or True,
        _("下書きを削除しました。"),
        "delete",
    )
    return redirect("reorganisation:list") if result else redirect(reorganisation)


@login_required
@require_POST
def reorganisation_schedule(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.schedule")
    try:
        services.reorganisation_schedule(actor=actor, reorganisation=reorganisation)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("施行予定にしました。施行日に自動で施行されます。"))
    return redirect(reorganisation)


@login_required
@require_POST
def reorganisation_unschedule(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.unschedule")
    try:
        services.reorganisation_unschedule(actor=actor, reorganisation=reorganisation)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("施行予定を取り消し、下書きに戻しました。"))
    return redirect(reorganisation)


@login_required
@require_POST
def reorganisation_apply(request, reorganisation_id):
    _result, reorganisation = _confirmed_action(
        request,
        reorganisation_id,
        APPLY,
        "reorganisation.apply",
        lambda actor, r: services.reorganisation_apply(actor=actor, reorganisation=r),
        _("組織改編を施行しました。引き継いだものは下の報告のとおりです。"),
        "apply",
    )
    return redirect(reorganisation)


# --- the draft --------------------------------------------------------------------------------------


@login_required
@require_safe
def draft(request, reorganisation_id):
    """The draft editor: the new tree beside today's, and the departments it closes."""
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, VIEW, reorganisation)
    if reorganisation.is_applied:
        return redirect(reorganisation)
    return render(
        request,
        "reorganisation/draft.html",
        {
            "reorganisation": reorganisation,
            "lines": draft_lines(reorganisation),
            "closing": _closing(reorganisation),
            "editable": reorganisation.is_draft and can_edit(actor),
            "add_form": DraftDepartmentForm(reorganisation=reorganisation),
        },
    )


@login_required
def node_create(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="draft_department.create")
    form = DraftDepartmentForm(request.POST or None, reorganisation=reorganisation)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.draft_department_create(actor=actor, reorganisation=reorganisation, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("「%(name)s」を改編後の組織に加えました。") % {"name": node.name})
            return redirect("reorganisation:draft", reorganisation.pk)
    return _form_page(
        request,
        form,
        title=_("改編後の組織に課を加える"),
        cancel_url=reverse("reorganisation:draft", args=[reorganisation.pk]),
        reorganisation=reorganisation,
    )


@login_required
def node_edit(request, node_id):
    actor = require_actor(request)
    node = access_draft_department(actor, node_id)
    reorganisation = node.reorganisation
    policy.require(actor, EDIT, reorganisation, audit_as="draft_department.update")
    initial = {"code": node.code, "name": node.name, "parent": node.parent_id, "position": node.position}
    form = DraftDepartmentForm(request.POST or None, initial=initial, reorganisation=reorganisation, node=node)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.draft_department_update(
                actor=actor,
                node=node,
                code=data["code"],
                name=data["name"],
                parent=data["parent"],
                position=data["position"] if data["position"] is not None else node.position,
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("「%(name)s」を変更しました。") % {"name": node.name})
            return redirect("reorganisation:draft", reorganisation.pk)
    title = _("改編後の課を変更：%(name)s") % {"name": node.name}
    if node.continues is not None:
        title += _("（いまの「%(name)s」）") % {"name": node.continues.name}
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("reorganisation:draft", args=[reorganisation.pk]),
        reorganisation=reorganisation,
    )


@login_required
@require_POST
def node_close(request, node_id):
    actor = require_actor(request)
    node = access_draft_department(actor, node_id)
    reorganisation = node.reorganisation
    policy.require(actor, EDIT, reorganisation, audit_as="draft_department.close")
    name = node.name
    try:
        mapping = services.draft_department_close(actor=actor, node=node)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        if mapping is None:
            messages.success(request, _("新設する「%(name)s」を取りやめました。") % {"name": name})
        else:
            messages.success(
                request, _("「%(name)s」を廃止する課にしました。引継ぎ先を選んでください。") % {"name": name}
            )
    return redirect("reorganisation:draft", reorganisation.pk)


@login_required
@require_POST
def node_restore(request, mapping_id):
    actor = require_actor(request)
    mapping = access_mapping(actor, mapping_id)
    reorganisation = mapping.reorganisation
    policy.require(actor, EDIT, reorganisation, audit_as="draft_department.restore")
    try:
        node = services.draft_department_restore(actor=actor, mapping=mapping)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("「%(name)s」を廃止せずに残します。") % {"name": node.name})
    return redirect("reorganisation:draft", reorganisation.pk)


@login_required
def mapping(request, reorganisation_id):
    """Choose, for each department the draft closes, the department that takes over what it owns."""
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="department_mapping.update")
    closing = _closing(reorganisation)
    form = SuccessorsForm(request.POST or None, reorganisation=reorganisation, mappings=[m for m, _c in closing])
    if request.method == "POST" and form.is_valid():
        try:
            services.department_successors_set(actor=actor, reorganisation=reorganisation, successors=form.successors())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("引継ぎ先を保存しました。"))
            return redirect(reorganisation)
    rows = [(form[f"successor_{m.old_department_id}"], m, counts) for m, counts in closing]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reorganisation/mapping.html",
        {"reorganisation": reorganisation, "form": form, "rows": rows},
        status=status,
    )


@login_required
def draft_import(request, reorganisation_id):
    """Replace the draft with a new tree sent as Excel or CSV: every problem by row and column, or all of it."""
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, EDIT, reorganisation, audit_as="reorganisation.import")
    form = DraftImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = parse_draft_file(reorganisation, read_table_upload(form.cleaned_data["file"]))
        except (UploadError, DraftFileError) as error:
            form.add_error("file", str(error))
        else:
            if imported.problems:
                problems = [str(p) for p in imported.problems]
                form.add_error("file", _("ファイルに問題があるため、何も取り込んでいません。"))
            else:
                try:
                    summary = services.reorganisation_import(
                        actor=actor, reorganisation=reorganisation, imported=imported
                    )
                except ValidationError as error:
                    form_errors_from(form, error)
                else:
                    messages.success(
                        request,
                        _("改編後の組織 %(n)s 課を取り込みました。") % {"n": summary["departments"]},
                    )
                    return redirect("reorganisation:draft", reorganisation.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reorganisation/import.html",
        {"reorganisation": reorganisation, "form": form, "problems": problems},
        status=status,
    )


@login_required
@require_safe
def draft_export(request, reorganisation_id):
    actor = require_actor(request)
    reorganisation = access_reorganisation(actor, reorganisation_id)
    policy.require(actor, VIEW, reorganisation)
    assert actor.organization is not None  # require_actor refuses a user without an organization
    return file_response(
        draft_xlsx_bytes(reorganisation),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"{actor.organization.name}_{reorganisation.title}_改編後の組織.xlsx",
        ascii_fallback=f"reorganisation-{reorganisation.pk}.xlsx",
    )


# --- the tree of a year -------------------------------------------------------------------------------


def _year(request) -> int:
    form = TreeYearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["fiscal_year"]:
        return form.cleaned_data["fiscal_year"]
    return fiscal_year_of(timezone.localdate())


@login_required
@require_safe
def tree(request):
    """The department tree of a fiscal year (today's by default): a past year as it was."""
    actor = require_actor(request)
    assert actor.organization is not None  # require_actor refuses a user without an organization
    year = _year(request)
    current = fiscal_year_of(timezone.localdate())
    applied = (
        reorganisations_of(actor.organization).filter(applied_on__isnull=False).values_list("applied_on", flat=True)
    )
    years = {current, year}
    for day in applied:  # the years either side of each change
        years |= {fiscal_year_of(day), fiscal_year_of(day) - 1}
    return render(
        request,
        "reorganisation/tree.html",
        {
            "year": year,
            "years": sorted(years, reverse=True),
            "nodes": nested(department_tree(actor.organization, year)),
        },
    )


@login_required
@require_safe
def tree_json(request):
    """The department tree of a fiscal year as JSON, for other apps' pages and scripts."""
    actor = require_actor(request)
    assert actor.organization is not None  # require_actor refuses a user without an organization
    year = _year(request)
    nodes = department_tree(actor.organization, year)
    return JsonResponse(
        {
            "fiscal_year": year,
            "departments": [
                {"id": n.id, "code": n.code, "name": n.name, "parent_id": n.parent_id, "depth": n.depth} for n in nodes
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
