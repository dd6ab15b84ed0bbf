"""The home page and the error pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from suishin.core.forms import AuditLogFilterForm
from suishin.core.jobs import access_job
from suishin.core.models import AuditLog
from suishin.plans.selectors import plans_of
from suishin.tenants.access import require_actor, require_role
from suishin.tenants.models import Role


@login_required
@require_safe
def home(request):
    actor = require_actor(request)
    return render(request, "core/home.html", {"plans": plans_of(actor)[:10]})


def page_not_found(request, exception):
    return render(request, "core/error.html", {"status": 404, "message": _("ページが見つかりません。")}, status=404)


def permission_denied(request, exception):
    return render(
        request, "core/error.html", {"status": 403, "message": _("この操作を行う権限がありません。")}, status=403
    )


def server_error(request):
    """Render the 500 page without touching the database, which may be the thing that failed."""
    return HttpResponseServerError(loader.get_template("core/500.html").render({}))


def bad_request(request, exception):
    return render(
        request, "core/error.html", {"status": 400, "message": _("リクエストの内容が正しくありません。")}, status=400
    )


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
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_safe
def job_detail(request, job_id):
    """Show a background job's progress; htmx refreshes the status box until the job ends."""
    actor = require_actor(request)
    job = access_job(actor, job_id)
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job})
