"""Pages of the organization's administration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from suishin.core.audit import audit_record
from suishin.core.forms import AuditLogFilterForm
from suishin.core.models import AuditLog

from .access import require_role
from .actor import actor_for_user
from .middleware import ORGANIZATION_SESSION_KEY
from .models import Role


@login_required
@require_safe
def audit_log(request):
    """Let an admin search their organization's audit log."""
    actor = require_role(request, Role.ADMIN, action="audit_log.view")
    form = AuditLogFilterForm(request.GET or None)
    entries = AuditLog.objects.for_organization(actor.organization)
    if form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "tenants/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_POST
def choose_organization(request):
    """Let a user who belongs to several organizations choose the one they act in."""
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        return HttpResponseBadRequest(_("団体を選んでください。"))
    actor = actor_for_user(request.user, organization_id)
    if actor.organization is None:
        raise Http404
    request.session[ORGANIZATION_SESSION_KEY] = organization_id
    audit_record(actor=request.user, organization=actor.organization, verb="organization.choose")
    messages.success(request, _("%(name)sとして操作します。") % {"name": actor.organization.name})
    return redirect("home")
