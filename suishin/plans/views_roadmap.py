"""The 工程表 page, its Excel export and its import."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from suishin.core.downloads import attachment_disposition
from suishin.core.jobs import job_start
from suishin.tabular.uploads import UploadError, read_xlsx_upload
from suishin.tenants.access import require_actor

from .access import (
    access_plan,
    can_edit_plan,
    require_plan_editor,
)
from .file_names import roadmap_file_names
from .forms import (
    MeasureFilterForm,
    RoadmapImportForm,
)
from .fragments import roadmap_rows_html
from .selectors import departments_of
from .spreadsheets import roadmap_xlsx_bytes
from .tasks import roadmap_import_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
