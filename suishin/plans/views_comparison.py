"""The 新旧対照表 of a revision: its page (with the 改定の理由 of each change, editable while the
revision is a draft), and its Excel and PDF downloads (see comparison.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from suishin.core.downloads import file_response
from suishin.core.form_pages import form_errors_from
from suishin.core.forms import Form
from suishin.tenants.access import require_actor

from . import services
from .access import access_revision, can_edit_plan, require_plan_editor
from .comparison import (
    Comparison,
    comparison_filenames,
    comparison_pdf_bytes,
    comparison_xlsx_bytes,
    is_open,
    revision_comparison,
)
from .models import PlanRevision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChangeReasonsForm(Form):
    """One 改定の理由 per change of the 新旧対照表 (each optional)."""

    def __init__(self, *args, comparison: Comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = comparison.rows
        for row in self.rows:
            self.fields[row.field_name] = forms.CharField(
                label=_("改定の理由：%(item)s") % {"item": row.item.replace("\n", " ")},
                required=False,
                max_length=2000,
                initial=row.reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def reasons(self) -> dict[str, str]:
        return {row.key: self.cleaned_data.get(row.field_name, "") for row in self.rows}


def _comparison(request, revision: PlanRevision) -> Comparison:
    """The revision's 新旧対照表, against another version of the plan when `?old=<revision id>` names one."""
    old_id = request.GET.get("old")
    old = None
    if old_id:
        if not old_id.isdigit():
            raise Http404
        old = (
            PlanRevision.objects.for_organization(revision.organization_id)
            .filter(plan_id=revision.plan_id, pk=int(old_id))
            .exclude(pk=revision.pk)
            .first()
        )
        if old is None:
            raise Http404
    return revision_comparison(revision, old)


@login_required
def revision_comparison_page(request, revision_id):
    actor = require_actor(request)
    revision = access_revision(actor, revision_id)
    if request.method == "POST":
        require_plan_editor(actor, "plan_revision.reasons_update", revision)
    comparison = _comparison(request, revision)
    editable = is_open(revision) and can_edit_plan(actor, revision.plan)
    form = ChangeReasonsForm(request.POST or None, comparison=comparison) if editable else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("提出中または決定した改定の理由は変更できません。"))
            return redirect("plans:revision_comparison", revision_id=revision.pk)
        if form.is_valid():
            try:
                services.plan_revision_reasons_update(actor=actor, revision=revision, reasons=form.reasons())
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("改定の理由を保存しました。"))
                return redirect("plans:revision_comparison", revision_id=revision.pk)
    query = f"?old={comparison.old_revision.pk}" if comparison.old_revision and not comparison.against_previous else ""
    return render(
        request,
        "plans/revision_comparison.html",
        {
            "plan": revision.plan,
            "revision": revision,
            "comparison": comparison,
            "rows": [(row, form[row.field_name] if form else None) for row in comparison.rows],
            "form": form,
            "query": query,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def revision_comparison_xlsx(request, revision_id):
    actor = require_actor(request)
    comparison = _comparison(request, access_revision(actor, revision_id))
    filename, fallback = comparison_filenames(comparison, "xlsx")
    return file_response(comparison_xlsx_bytes(comparison), XLSX, filename=filename, ascii_fallback=fallback)


@login_required
@require_safe
def revision_comparison_pdf(request, revision_id):
    actor = require_actor(request)
    comparison = _comparison(request, access_revision(actor, revision_id))
    filename, fallback = comparison_filenames(comparison, "pdf")
    return file_response(
        comparison_pdf_bytes(comparison), "application/pdf", filename=filename, ascii_fallback=fallback
    )
