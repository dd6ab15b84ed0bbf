"""The production path of background work: the job is queued in the database and `db_worker` runs it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from suishin.core.models import Job
from suishin.plans.models import Measure
from suishin.plans.spreadsheets import FIRST_DATA_ROW, roadmap_columns, roadmap_workbook


@pytest.mark.django_db(transaction=True)
def test_import_is_queued_then_run_by_the_database_worker(client, cast, settings):
    from suishin.plans.tests.factories import make_plan

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = make_plan(cast.town)
    workbook = roadmap_workbook(plan)
    workbook.active.cell(FIRST_DATA_ROW, roadmap_columns(plan).title).value = "ワーカーが取り込んだ施策"
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


@pytest.mark.django_db
def test_the_task_runs_as_the_organization_the_job_was_queued_in(cast):
    """A prefecture officer seconded to a second town queues an import there: the task acts in that town,
    not in the user's first membership."""
    from django.contrib.auth import get_user_model

    from suishin.core.jobs import job_start
    from suishin.plans.tasks import roadmap_import_task
    from suishin.plans.tests.factories import make_plan
    from suishin.tenants.actor import actor_for_user
    from suishin.tenants.models import Membership, Role

    user = get_user_model().objects.create_user(username="seconded")
    for town in (cast.town, cast.other):
        Membership.objects.create(organization=town.organization, user=user, role=Role.COUNCIL)
    first = actor_for_user(user).organization  # where the user acts by default: a council member there
    second = cast.other if first == cast.town.organization else cast.town
    Membership.objects.filter(user=user, organization=second.organization).update(
        role=Role.SECRETARIAT, department=second.departments[0]
    )
    plan = make_plan(second)
    workbook = roadmap_workbook(plan)
    workbook.active.cell(FIRST_DATA_ROW, roadmap_columns(plan).title).value = "出向先で取り込んだ施策"
    upload = io.BytesIO()
    workbook.save(upload)
    actor = actor_for_user(user, organization_id=second.organization.pk)

    job = job_start(
        actor=actor,
        kind="roadmap_import",
        title="取込み",
        target=plan,
        task=roadmap_import_task,
        payload=upload.getvalue(),
    )
    assert (job.status, job.result) == (Job.Status.DONE, job.result) and "summary" in job.result
    assert Measure.objects.filter(plan=plan, title="出向先で取り込んだ施策").exists()
