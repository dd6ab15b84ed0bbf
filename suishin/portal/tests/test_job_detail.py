"""The job page: who may open it, what a failed job says, the way back to the form, stuck jobs ended."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from suishin.core.models import AuditLog, Job


def job_of(cast, plan, user_key="department", **fields) -> Job:
    return Job.objects.create(
        organization=cast.town.organization,
        created_by=cast.town.users[user_key],
        kind="roadmap_import",
        title="工程表の取込み",
        target_id=plan.pk,
        start_url=reverse("plans:roadmap_import", args=[plan.pk]),
        **fields,
    )


def test_only_the_owner_and_the_secretariat_open_a_job(client, cast, plan):
    """The person who started a job and the town's secretariat see it; other roles of the town are
    refused (audited), another town gets 404."""
    job = job_of(cast, plan, user_key="department")
    url = reverse("job_detail", args=[job.pk])
    for key in ("department", "secretariat"):
        client.force_login(cast.town.users[key])
        assert client.get(url).status_code == 200, key
    for key in ("council", "committee", "department2", "staff"):
        client.force_login(cast.town.users[key])
        before = AuditLog.objects.filter(verb="authorization.denied").count()
        assert client.get(url).status_code == 403, key
        assert AuditLog.objects.filter(verb="authorization.denied").count() == before + 1
    client.force_login(cast.other.users["secretariat"])
    assert client.get(url).status_code == 404


def test_a_system_failure_says_it_was_the_system_and_offers_the_form_again(client, cast, plan):
    job = job_of(
        cast,
        plan,
        status=Job.Status.FAILED,
        failure=Job.Failure.SYSTEM,
        progress=20,
        result={"problems": ["システムで問題が起きました（ファイルの内容の問題ではありません）。"]},
    )
    client.force_login(cast.town.users["department"])
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "システムの問題で、処理を終えられませんでした" in page
    assert "ファイルを直して" not in page
    assert "<progress" not in page and "100%" not in page
    assert f'href="{reverse("plans:roadmap_import", args=[plan.pk])}"' in page


def test_a_failed_import_links_back_to_the_import_form(client, cast, plan):
    job = job_of(
        cast,
        plan,
        status=Job.Status.FAILED,
        failure=Job.Failure.INPUT,
        result={"problems": ["3行目: 施策名がありません"]},
    )
    client.force_login(cast.town.users["department"])
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "ファイルを直してから" in page and "<progress" not in page
    assert f'href="{reverse("plans:roadmap_import", args=[plan.pk])}"' in page


def test_a_running_job_shows_its_phase(client, cast, plan):
    job = job_of(
        cast, plan, status=Job.Status.RUNNING, progress=40, phase=Job.Phase.CHECKING, heartbeat_at=timezone.now()
    )
    client.force_login(cast.town.users["department"])
    page = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "確認" in page and 'hx-trigger="every 1s"' in page


def test_polling_a_job_whose_worker_is_gone_ends_it(client, cast, plan):
    """The page itself ends a job not heard from for over a minute: it stops polling and says why."""
    old = timezone.now() - dt.timedelta(minutes=2)
    job = job_of(cast, plan, status=Job.Status.RUNNING, progress=5, heartbeat_at=old, worker_id="gone:1:x")
    client.force_login(cast.town.users["department"])
    page = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page and "システムの問題" in page
    job.refresh_from_db()
    assert (job.status, job.failure) == (Job.Status.FAILED, Job.Failure.SYSTEM)
