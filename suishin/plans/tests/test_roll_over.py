"""Rolling a plan over into the next period: what overlaps is carried (spans clipped to the new period),
what lies outside is not, and the new plan keeps a report of both until it is dismissed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.plans import services
from suishin.plans.models import Measure, Plan, RoadmapEntry, Stage
from suishin.plans.tests.factories import make_plan
from suishin.tenants.models import Department


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def roll_over(cast, plan, start_fy, end_fy, title="第3期DX推進計画"):
    return services.plan_roll_over(
        actor=cast.town.actor("secretariat"), plan=plan, title=title, start_fy=start_fy, end_fy=end_fy
    )


def test_items_measures_owners_and_overlapping_spans_are_carried(cast, plan):
    measure = plan.measures.order_by("number").first()
    services.measure_update(
        actor=cast.town.actor("secretariat"),
        measure=measure,
        version=measure.version,
        data={"stage": Stage.DIGITIZATION},
    )
    new = roll_over(cast, plan, 2024, 2028)

    assert (new.start_fy, new.end_fy, new.based_on_id) == (2024, 2028, plan.pk)
    assert list(new.goals.values_list("title", flat=True)) == list(plan.goals.values_list("title", flat=True))
    assert list(new.items.values_list("title", flat=True)) == list(plan.items.values_list("title", flat=True))
    fields = ("number", "title", "stage", "ownerships__department__name")
    assert list(new.measures.order_by("number").values_list(*fields)) == list(
        plan.measures.order_by("number").values_list(*fields)
    )
    # 実施 (2022–2025) is clipped to 2024–2025; 準備 (2021) lies wholly before the new period.
    spans = RoadmapEntry.objects.filter(measure__plan=new).values_list("label", "start_fy", "end_fy")
    assert sorted(spans) == [("実施1-1", 2024, 2025), ("実施1-2", 2024, 2025), ("実施2-1", 2024, 2025)]


def test_the_report_lists_clipped_and_dropped_spans_per_measure(cast, plan):
    new = roll_over(cast, plan, 2024, 2028)

    report = new.carry_report
    assert report["from"] == {"id": plan.pk, "title": plan.title, "start_fy": 2021, "end_fy": 2025}
    assert (report["start_fy"], report["end_fy"]) == (2024, 2028)
    assert (report["measures"], report["spans"], report["clipped"], report["dropped"]) == (3, 3, 3, 3)
    first = next(m for m in report["by_measure"] if m["title"] == "施策1-1")
    assert first["clipped"] == [{"label": "実施1-1", "before": [2022, 2025], "after": [2024, 2025]}]
    assert first["dropped"] == [{"label": "準備1-1", "start_fy": 2021, "end_fy": 2021}]
    assert first["owners_dropped"] == [] and first["number"] == plan.measures.get(title="施策1-1").number


def test_spans_wholly_outside_are_all_reported_dropped(cast, plan):
    new = roll_over(cast, plan, 2026, 2030)
    assert RoadmapEntry.objects.filter(measure__plan=new).count() == 0
    assert (new.carry_report["spans"], new.carry_report["dropped"], new.carry_report["clipped"]) == (0, 6, 0)
    assert all(len(m["dropped"]) == 2 for m in new.carry_report["by_measure"])


def test_an_owner_closed_before_the_new_period_is_not_carried_and_reported(cast, plan):
    closed = cast.town.departments[1]
    Department.objects.filter(pk=closed.pk).update(closed_on=dt.date(2026, 3, 31))
    new = roll_over(cast, plan, 2026, 2030)
    assert not Measure.objects.filter(plan=new, ownerships__department=closed).exists()
    lost = [m for m in new.carry_report["by_measure"] if m["owners_dropped"]]
    assert lost and all(m["owners_dropped"] == [closed.name] for m in lost)
    assert new.carry_report["owners_dropped"] == len(lost)
    # A department closing later still owns the measures of a plan starting before.
    earlier = roll_over(cast, plan, 2025, 2029, title="途中から")
    assert Measure.objects.filter(plan=earlier, ownerships__department=closed).exists()


def test_the_roll_over_is_audited_with_its_report(cast, plan):
    new = roll_over(cast, plan, 2024, 2028)
    entry = AuditLog.objects.get(verb="plan.roll_over")
    assert entry.target_id == str(new.pk) and entry.data["based_on"] == plan.pk
    assert entry.data["carry_report"] == new.carry_report


def test_the_page_proposes_the_next_period_and_shows_the_report_on_the_new_plan(secretariat, cast, plan):
    url = reverse("plans:plan_roll_over", args=[plan.pk])
    form = secretariat.get(url).content.decode()
    assert 'value="2026"' in form and 'value="2030"' in form

    response = secretariat.post(url, {"title": "第3期DX推進計画", "start_fy": 2024, "end_fy": 2028})

    new = Plan.objects.get(title="第3期DX推進計画")
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    page = secretariat.get(new.get_absolute_url()).content.decode()
    assert "引き継ぎの報告" in page
    assert "施策 3 件と工程 3 件を引き継ぎました。" in page
    assert "うち工程 3 件は計画期間に合わせて期間を縮めました。" in page
    assert "工程 3 件は計画期間の外のため引き継いでいません。" in page
    assert (
        "実施1-1：2022年度（令和4年度）〜2025年度（令和7年度） → 2024年度（令和6年度）〜2025年度（令和7年度）" in page
    )
    assert "準備1-1：2021年度（令和3年度）〜2021年度（令和3年度）" in page


def test_a_bad_period_is_refused_on_the_form(secretariat, plan):
    response = secretariat.post(
        reverse("plans:plan_roll_over", args=[plan.pk]), {"title": "x", "start_fy": 2030, "end_fy": 2026}
    )
    assert response.status_code == 400
    assert not Plan.objects.filter(title="x").exists()


def test_the_report_stays_until_dismissed_and_the_audit_log_keeps_it(secretariat, cast, plan):
    new = roll_over(cast, plan, 2024, 2028)
    report = new.carry_report
    assert "引き継ぎの報告" in secretariat.get(new.get_absolute_url()).content.decode()

    response = secretariat.post(reverse("plans:carry_report_dismiss", args=[new.pk]))

    assert response.status_code == 302
    new.refresh_from_db()
    assert new.carry_report == {}
    assert "carry-report-heading" not in secretariat.get(new.get_absolute_url()).content.decode()
    assert AuditLog.objects.filter(verb="plan.carry_report_dismiss", target_id=str(new.pk)).exists()
    assert AuditLog.objects.get(verb="plan.roll_over").data["carry_report"] == report


def test_a_copy_from_the_create_page_keeps_the_same_report(secretariat, cast, plan):
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "写した計画", "start_fy": 2023, "end_fy": 2027, "template": "copy", "copy_from": plan.pk},
    )
    assert response.status_code == 302
    new = Plan.objects.get(title="写した計画")
    assert (new.carry_report["clipped"], new.carry_report["dropped"]) == (3, 3)
    assert AuditLog.objects.get(verb="plan.create", target_id=str(new.pk)).data["carry_report"] == new.carry_report


def test_a_plan_not_made_from_another_has_no_report(cast):
    assert make_plan(cast.town).carry_report == {}


@pytest.mark.parametrize("page", ["roll_over", "new_plan"])
def test_pages_cost_the_same_queries_for_10_and_200_measures(secretariat, cast, page):
    counts = []
    for measures, areas in ((10, 3), (200, 8)):
        plan = make_plan(cast.town, measures=measures, areas=areas)
        if page == "roll_over":
            url = reverse("plans:plan_roll_over", args=[plan.pk])
        else:
            url = roll_over(cast, plan, 2024, 2028, title=f"次期{measures}").get_absolute_url()
        with CaptureQueriesContext(connection) as queries:
            assert secretariat.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
