"""The production path of background work: the job is queued in the database and `db_worker` runs it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from suishin.core.models import Job
from suishin.plans.models import Measure
from suishin.plans.spreadsheets import FIRST_DATA_ROW, roadmap_workbook


@pytest.mark.django_db(transaction=True)
def test_import_is_queued_then_run_by_the_database_worker(client, cast, settings):
    from suishin.plans.tests.factories import make_plan

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = make_plan(cast.town)
    workbook = roadmap_workbook(plan)
    workbook.active.cell(FIRST_DATA_ROW, 3).value = "ワーカーが取り込んだ施策"
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "roadmap.xlsx"
    client.force_login(cast.town.users["secretariat"])

    response = client.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": upload})
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).content.decode()

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Measure.objects.filter(plan=plan, title="ワーカーが取り込んだ施策").exists()


@pytest.mark.django_db
def test_an_unexpected_error_ends_the_job_as_failed(client, cast, monkeypatch):
    from suishin.plans import tasks
    from suishin.plans.tests.factories import make_plan

    plan = make_plan(cast.town)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(tasks, "parse_roadmap_sheet", broken)
    upload = io.BytesIO()
    roadmap_workbook(plan).save(upload)
    upload.seek(0)
    upload.name = "roadmap.xlsx"
    client.force_login(cast.town.users["secretariat"])
    response = client.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": upload})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "システムで問題が起きました" in page and "a bug" not in page
