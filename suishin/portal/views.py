"""The shell's own pages: the home page (sections registered by the apps) and background-job status."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from suishin.core.jobs import job_check
from suishin.core.registry import home_sections, job_result_templates
from suishin.tenants.access import require_actor

from .access import access_job


@login_required
@require_safe
def home(request):
    actor = require_actor(request)
    sections = [{"template": s.template, "data": s.context(actor)} for s in home_sections]
    return render(request, "portal/home.html", {"sections": sections})


@login_required
@require_safe
def job_detail(request, job_id):
    """Show a background job's progress; htmx refreshes the status box until the job ends.

    Only the person who started the job and the secretariat see it. A job whose worker is gone is
    ended here too (the workers also do it), so the page never polls a dead job for long.
    """
    actor = require_actor(request)
    job = job_check(access_job(actor, job_id))
    template = "portal/_job_status.html" if request.headers.get("HX-Request") else "portal/job_detail.html"
    # How the result reads is the app's to say (registered per kind of job); the portal knows none.
    result_template = job_result_templates.get(job.kind, "")
    return render(request, template, {"job": job, "result_template": result_template})
