import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from suishin.core.models import AuditLog
from suishin.plans import services
from suishin.plans.models import PlanRevision
from suishin.plans.revision_dates import check_revision_date, last_allowed_date
from suishin.plans.snapshots import plan_snapshot
from suishin.plans.tests.factories import decided_revision


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def stored_revision(plan, published_on: dt.date) -> PlanRevision:
    """A revision as an older version of the app stored it, without checking its date."""
    return PlanRevision.objects.create(
        organization=plan.organization,
        plan=plan,
        number=1,
        published_on=published_on,
        snapshot=plan_snapshot(plan),
        status=PlanRevision.Status.APPROVED,
    )


@pytest.mark.parametrize("role", ["secretariat", "committee", "staff"])
def test_plan_pages_show_a_stored_revision_date_before_showa_in_western_form(client, cast, plan, role):
    """A stored 0226-04-01 (a mistyped 2026) no longer breaks the plan's pages for everyone."""
    revision = stored_revision(plan, dt.date(226, 4, 1))
    client.force_login(cast.town.users[role])
    for url in (
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:revision_list", args=[plan.pk]),
        reverse("plans:revision_detail", args=[revision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "226年4月1日" in response.content.decode(), url
    compare = client.get(reverse("plans:revision_compare", args=[plan.pk]), {"old": revision.pk, "new": "current"})
    assert compare.status_code == 200


def test_the_town_can_publish_again_after_a_stored_typo(secretariat, plan):
    """The next revision's date only has to follow the stored one, so the plan is not stuck."""
    stored_revision(plan, dt.date(226, 4, 1))
    response = secretariat.post(reverse("plans:revision_create", args=[plan.pk]), {"published_on": "2024-04-01"})
    assert response.status_code == 302
    assert plan.revisions.count() == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0226-04-01", "改定日「0226-04-01」は和暦で表せない日付です。1926-12-25（昭和元年12月25日）以降"),
        ("1926-12-24", "改定日「1926-12-24」は和暦で表せない日付です。"),
        ("9999-12-31", "改定日「9999-12-31（令和7981年12月31日）」は先すぎます。今日から2年後の"),
    ],
)
def test_publish_form_refuses_a_date_wareki_cannot_name_or_far_ahead(secretariat, plan, typed, message):
    response = secretariat.post(reverse("plans:revision_create", args=[plan.pk]), {"published_on": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not plan.revisions.exists()
    assert not AuditLog.objects.filter(verb="plan_revision.create").exists()


def test_publish_form_refuses_a_date_before_the_previous_revision(secretariat, cast, plan):
    decided_revision(cast.town, plan, dt.date(2024, 4, 1))
    url = reverse("plans:revision_create", args=[plan.pk])
    response = secretariat.post(url, {"published_on": "2024-03-31"})
    assert response.status_code == 200
    assert "前の版の改定日2024-04-01（令和6年4月1日）より前です" in response.content.decode()
    assert plan.revisions.count() == 1
    assert secretariat.post(url, {"published_on": "2024-04-01"}).status_code == 302
    assert plan.revisions.count() == 2


@pytest.mark.parametrize(
    ("published_on", "code"),
    [
        (dt.date(226, 4, 1), "revision_date_too_early"),
        (dt.date(1, 1, 1), "revision_date_too_early"),
        (dt.date(2023, 3, 31), "revision_date_before_previous"),
        (dt.date(9999, 12, 31), "revision_date_too_late"),
    ],
)
def test_publish_service_applies_the_same_rule(cast, plan, published_on, code):
    """Whoever calls the service (a task, a command, an API) meets the form's rule."""
    actor = cast.town.actor("secretariat")
    decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.plan_revision_create(actor=actor, plan=plan, published_on=published_on)
    assert caught.value.code == code
    assert plan.revisions.count() == 1


def test_revision_date_bounds(plan):
    today = dt.date(2026, 12, 1)
    check_revision_date(plan, dt.date(1926, 12, 25), today=today)
    check_revision_date(plan, dt.date(2028, 12, 1), today=today)
    with pytest.raises(ValidationError):
        check_revision_date(plan, dt.date(2028, 12, 2), today=today)
    assert last_allowed_date(dt.date(2024, 2, 29)) == dt.date(2026, 2, 28)
    check_revision_date(plan, timezone.localdate())
