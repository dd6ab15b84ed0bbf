"""Copying a plan into another period says what it carried and what it left behind."""

from django.contrib.messages import get_messages
from django.urls import reverse

from suishin.plans.models import Plan, RoadmapEntry


def copy_plan(client, plan, start_fy, end_fy):
    response = client.post(
        reverse("plans:plan_create"),
        {"title": "次期DX推進計画", "start_fy": start_fy, "end_fy": end_fy, "template": "copy", "copy_from": plan.pk},
    )
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)], Plan.objects.get(title="次期DX推進計画")


def test_a_copy_into_a_later_period_says_which_spans_it_did_not_carry(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    messages, new = copy_plan(client, plan, 2026, 2030)
    assert RoadmapEntry.objects.filter(measure__plan=new).count() == 0
    assert "施策 3 件と工程 0 件を写しました。" in messages
    assert "工程 6 件は新しい計画期間（2026〜2030年度）の外のため写していません。" in messages


def test_a_copy_into_an_overlapping_period_says_which_spans_it_shortened(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    messages, new = copy_plan(client, plan, 2023, 2027)
    assert RoadmapEntry.objects.filter(measure__plan=new).count() == 3
    assert "施策 3 件と工程 3 件を写しました。うち工程 3 件は新しい計画期間に合わせて期間を縮めました。" in messages
    assert "工程 3 件は新しい計画期間（2023〜2027年度）の外のため写していません。" in messages


def test_a_copy_into_the_same_period_reports_everything_carried(client, cast, plan):
    client.force_login(cast.town.users["secretariat"])
    messages, _new = copy_plan(client, plan, 2021, 2025)
    assert "施策 3 件と工程 6 件を写しました。" in messages
    assert not any("写していません" in m for m in messages)


def test_a_plan_from_a_national_template_gets_no_copy_report(client, cast):
    client.force_login(cast.town.users["secretariat"])
    response = client.post(
        reverse("plans:plan_create"), {"title": "新計画", "start_fy": 2026, "end_fy": 2030, "template": "mic_2024"}
    )
    assert response.status_code == 302
    assert not any("写しました" in str(m) for m in get_messages(response.wsgi_request))
