"""The reorganisation pages through HTTP: prepare, map, apply now, read the report and a past year."""

import datetime as dt

import pytest
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.reorganisation.models import DepartmentMapping, Reorganisation
from suishin.reorganisation.services import reorganisation_apply
from suishin.tenants.models import Department

from .factories import merge_reorganisation, node_of


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.town.users["admin"])
    return client


def test_an_admin_prepares_and_applies_a_reorganisation_through_the_pages(admin, cast):
    response = admin.post(
        reverse("reorganisation:create"), {"title": "令和8年度組織改編", "effective_on": "2026-04-01", "note": ""}
    )
    reorganisation = Reorganisation.objects.get(organization=cast.town.organization)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reorganisation:draft", args=[reorganisation.pk]
    )

    page = admin.get(reverse("reorganisation:draft", args=[reorganisation.pk])).content.decode()
    assert cast.town.departments[2].name in page

    response = admin.post(
        reverse("reorganisation:node_create", args=[reorganisation.pk]), {"code": "N01", "name": "デジタル推進課"}
    )
    assert response.status_code == 302
    third = node_of(reorganisation, cast.town.departments[2])
    assert admin.post(reverse("reorganisation:node_close", args=[third.pk])).status_code == 302
    mapping = DepartmentMapping.objects.get(reorganisation=reorganisation)
    new = reorganisation.draft_departments.get(code="N01")
    response = admin.post(
        reverse("reorganisation:mapping", args=[reorganisation.pk]),
        {f"successor_{cast.town.departments[2].pk}": new.pk},
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.successor == new

    detail = reverse("reorganisation:detail", args=[reorganisation.pk])
    assert "施行できる状態です" in admin.get(detail).content.decode()
    admin.post(reverse("reorganisation:apply", args=[reorganisation.pk]), {})
    assert Reorganisation.objects.get(pk=reorganisation.pk).status == Reorganisation.Status.DRAFT, "not confirmed"
    response = admin.post(reverse("reorganisation:apply", args=[reorganisation.pk]), {"apply-confirm": "on"})
    assert response.status_code == 302
    assert Reorganisation.objects.get(pk=reorganisation.pk).is_applied
    assert Department.objects.get(pk=cast.town.departments[2].pk).is_closed

    page = admin.get(detail).content.decode()
    assert "引き継いだもの" in page and "デジタル推進課" in page
    assert "2026-04-01（令和8年4月1日）" in page


def test_the_report_page_shows_each_kind_from_and_to(admin, cast, plan):
    from suishin.plans.tests.factories import make_plan

    make_plan(cast.town, start_fy=2026, end_fy=2030)
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation)
    page = admin.get(reverse("reorganisation:detail", args=[reorganisation.pk])).content.decode()
    assert "施策の担当課" in page
    assert f"<td>{cast.town.departments[2].name}</td><td>デジタル推進課</td>" in page
    assert "施行前の組織" in page and "施行後の組織" in page


def test_the_tree_of_a_past_year_shows_the_names_of_then(client, cast):
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    reorganisation_apply(actor=cast.town.actor("admin"), reorganisation=reorganisation, today=dt.date(2026, 4, 1))
    client.force_login(cast.town.users["staff"])
    past = client.get(reverse("reorganisation:tree"), {"fiscal_year": 2025}).content.decode()
    assert cast.town.departments[2].name in past and "デジタル推進課" not in past
    assert "2025年度（令和7年度）" in past
    now = client.get(reverse("reorganisation:tree"), {"fiscal_year": 2026}).content.decode()
    assert "デジタル推進課" in now and cast.town.departments[2].name not in now

    data = client.get(reverse("reorganisation:tree_json"), {"fiscal_year": 2025}).json()
    assert data["fiscal_year"] == 2025
    assert [d["name"] for d in data["departments"]] == [d.name for d in cast.town.departments]


def test_the_list_costs_the_same_queries_for_one_and_many(admin, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(reverse("reorganisation:list")).status_code == 200
        return len(captured)

    def add(n: int, first: int) -> None:
        for year in range(first, first + n):
            Reorganisation.objects.create(
                organization=cast.town.organization,
                title=f"{year}年度改編",
                effective_on=dt.date(year, 4, 1),
                status="applied",
            )

    add(1, 2000)
    few = queries()
    add(20, 2001)
    assert queries() == few


def test_a_page_refused_to_the_committee_is_audited(client, cast):
    client.force_login(cast.town.users["committee"])
    assert client.get(reverse("reorganisation:list")).status_code == 403
    assert AuditLog.objects.filter(verb="authorization.denied", data__action="reorganisation.view").exists()


def test_the_draft_file_downloads_with_its_name(admin, cast):
    reorganisation = merge_reorganisation(cast.town, dt.date(2026, 4, 1))
    response = admin.get(reverse("reorganisation:export", args=[reorganisation.pk]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
