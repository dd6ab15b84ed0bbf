import io

import pytest
from django.core.management import call_command
from django.test import Client

from suishin.plans.models import Plan
from suishin.tenants.models import Department, Membership, Organization, Role


@pytest.mark.django_db
def test_demo_town_has_the_plan_of_seed_001():
    call_command("load_demo", stdout=io.StringIO())
    town = Organization.objects.get(local_government_code="113859")
    assert town.name == "上里町"
    assert town.prefecture.name == "埼玉県"
    assert Department.objects.filter(organization=town).count() == 17
    assert {m.role for m in Membership.objects.filter(organization=town)} == set(Role.values)
    plan = Plan.objects.get(organization=town)
    assert (plan.start_fy, plan.end_fy) == (2021, 2025)
    assert "誰一人取り残さない" in plan.vision
    assert plan.goals.count() == 3
    areas = list(plan.items.all())
    assert len([a for a in areas if not a.cross_cutting]) == 8
    assert [a.title for a in areas if not a.cross_cutting][0] == "情報システムの標準化・共通化"
    my_number = next(a for a in areas if "マイナンバーカード" in a.title)
    labels = [e.label for m in my_number.measures.all() for e in m.roadmap_entries.all()]
    assert "マイナンバーカードの交付促進" in labels
    assert plan.revisions.count() == 1


@pytest.mark.django_db
def test_demo_is_loaded_once_and_logins_work():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    assert Organization.objects.filter(local_government_code="113859").count() == 1
    assert "kamisato-secretariat" in out.getvalue()
    client = Client()
    response = client.post("/login/", {"username": "kamisato-secretariat", "password": "suishin-demo-2023"})
    assert response.status_code == 302
    assert "上里町DX推進計画" in client.get("/").content.decode()
