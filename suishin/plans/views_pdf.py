"""The plans app's PDF downloads (the HTML pages are in views.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from suishin.core.downloads import file_response
from suishin.tenants.access import require_actor

from .access import access_plan
from .file_names import roadmap_file_names
from .forms import MeasureFilterForm
from .roadmap_pdf import roadmap_pdf_bytes
from .selectors import departments_of


@login_required
@require_safe
def roadmap_pdf(request, plan_id):
    """Download the 工程表 as an A4 landscape PDF, filtered by department as the page is."""
    actor = require_actor(request)
    plan = access_plan(actor, plan_id)
    filter_form = MeasureFilterForm(request.GET or None, departments=departments_of(actor))
    department = filter_form.cleaned_data["department"] if filter_form.is_valid() else None
    filename, fallback = roadmap_file_names(plan, "pdf", department)
    return file_response(
        roadmap_pdf_bytes(plan, department), "application/pdf", filename=filename, ascii_fallback=fallback
    )
