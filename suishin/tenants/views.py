"""Pages of the organization's administration."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from suishin.core.forms import AuditLogFilterForm
from suishin.core.models import AuditLog

from .access import require_role
from .models import Role


@login_required
@require_safe
def audit_log(request):
    """Let an admin search their organization's audit log."""
    actor = require_role(request, Role.ADMIN, action="audit_log.view")
    form = AuditLogFilterForm(request.GET or None)
    entries = AuditLog.objects.filter(organization=actor.organization)
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tenants/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
