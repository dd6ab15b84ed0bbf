"""The second demo organization, 神戸市, shaped like its 働き方改革（業務改革）ロードマップ2.0 (seed 003)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from suishin.demo.towns import DEMO_PASSWORD
from suishin.plans.models import Measure, Plan, PlanItem, RoadmapEntry
from suishin.tenants.local_government_code import is_valid_local_government_code
from suishin.tenants.models import Department, Membership, Organization, Role

KOBE = "281000"


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def kobe_plan() -> Plan:
    return Plan.objects.get(organization__local_government_code=KOBE)


def test_kobe_has_a_valid_code():
    assert is_valid_local_government_code(KOBE)
    assert is_valid_local_government_code("280003")  # 兵庫県


@pytest.mark.django_db
def test_load_demo_makes_kobe_with_its_levels_and_numbers():
    load()
    kobe = Organization.objects.get(local_government_code=KOBE)
    assert (kobe.name, kobe.prefecture.name) == ("神戸市", "兵庫県")
    assert kobe.plan_level_names == ["柱", "大項目", "中項目"]
    plan = kobe_plan()
    assert (plan.start_fy, plan.end_fy) == (2021, 2025)
    assert plan.level_names == ["柱", "大項目", "中項目"] and plan.leaf_name == "個別項目"
    assert plan.vision.startswith("ヒューマンで優しいスマートシティ神戸")
    assert [g.title for g in plan.goals.order_by("position")] == [
        "市民目線で行政サービスを質的に向上",
        "事務の飛躍的効率化、生産性向上",
        "職員は職員でなければできない高付加価値業務に専念",
    ]
    items = list(PlanItem.objects.filter(plan=plan).select_related("parent"))
    by_level = {level: [i for i in items if i.level == level] for level in (1, 2, 3)}
    assert [len(by_level[level]) for level in (1, 2, 3)] == [2, 6, 12]
    assert len(items) == 20
    assert [(p.number, p.title) for p in sorted(by_level[1], key=lambda i: i.position)] == [
        ("①", "市民サービス改革"),
        ("②", "職員の新しい働き方と組織風土改革"),
    ]
    for pillar in by_level[1]:
        children = sorted((i for i in by_level[2] if i.parent_id == pillar.pk), key=lambda i: i.position)
        assert [c.number for c in children] == ["(1)", "(2)", "(3)"]
        for large in children:
            middles = sorted((i for i in by_level[3] if i.parent_id == large.pk), key=lambda i: i.position)
            assert [m.number for m in middles] == ["①", "②"]
            assert all(m.description for m in middles)  # the 概要
    middle = {(i.parent.parent.number, i.parent.number, i.number): i for i in by_level[3]}
    assert middle["①", "(1)", "①"].title == "行政手続きの電子化"
    assert middle["②", "(3)", "②"].title == "現場発イノベーション促進"
    assert "市民の時間、手間、コストを省力化" in middle["①", "(1)", "①"].description

    measures = Measure.objects.filter(plan=plan)
    assert measures.count() == 46
    assert all(m.item.level == 3 for m in measures.select_related("item"))
    numbers = lambda key: list(  # noqa: E731
        measures.filter(item=middle[key]).order_by("position").values_list("number", flat=True)
    )
    assert numbers(("①", "(3)", "①")) == ["①", "②", "④"]  # the seed's gap kept
    assert numbers(("②", "(3)", "②")) == ["③", "④"]
    assert numbers(("①", "(2)", "②")) == ["①", "②", "③", "④", "⑤"]
    assert (
        measures.get(item=middle["①", "(1)", "①"], number="①").title == "電子申請（スマート手続）プラットフォーム構築"
    )
    assert set(measures.values_list("stage", flat=True)) == {""}  # Kobe gives no 段階
    spans = RoadmapEntry.objects.filter(measure__plan=plan)
    assert spans.count() == 92
    assert {(e.start_fy, e.label) for e in spans if e.position == 1} <= {(2021, "構築・導入"), (2021, "集中実施")}
    assert {(e.end_fy, e.label) for e in spans if e.position == 2} == {(2025, "活用・拡大")}
    assert all(m.ownerships.exists() for m in measures)  # every 個別項目 has an owner
    assert Department.objects.filter(organization__local_government_code=KOBE, parent__isnull=False).exists()
    assert plan.revisions.count() == 1


@pytest.mark.django_db
def test_kobe_has_its_own_logins_and_its_plan_page_shows_the_levels():
    out = load()
    assert "kobe-secretariat" in out and "kobe-admin" in out
    kobe = Organization.objects.get(local_government_code=KOBE)
    roles = set(Membership.objects.filter(organization=kobe).values_list("role", flat=True))
    assert {Role.ADMIN, Role.SECRETARIAT} <= roles
    client = Client()
    response = client.post("/login/", {"username": "kobe-secretariat", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    plan = kobe_plan()
    for path in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/roadmap/"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "柱" in page and "市民サービス改革" in page, path
    assert "働き方改革（業務改革）ロードマップ2.0" in client.get("/").content.decode()


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load()
    counts = {
        model.__name__: model.objects.count()  # scoped: every demo town's rows
        for model in (Organization, Department, Membership, Plan, PlanItem, Measure, RoadmapEntry)
    }
    out = load()
    assert "loaded." not in out
    assert counts == {
        model.__name__: model.objects.count()  # scoped: every demo town's rows
        for model in (Organization, Department, Membership, Plan, PlanItem, Measure, RoadmapEntry)
    }


@pytest.mark.django_db
def test_a_database_with_only_kamisato_gets_kobe_added():
    """A database loaded before 神戸市 was added gets it on the next `load_demo`; 上里町 stays as it was."""
    from suishin.demo.management.commands.load_demo import load_demo

    load_demo()
    assert not Organization.objects.filter(local_government_code=KOBE).exists()
    kamisato_measures = Measure.objects.filter(organization__local_government_code="113859").count()
    out = load()
    assert "神戸市" in out and "上里町 loaded" not in out
    assert Organization.objects.filter(local_government_code=KOBE).exists()
    assert Measure.objects.filter(organization__local_government_code="113859").count() == kamisato_measures


@pytest.mark.django_db
def test_a_database_with_other_organizations_is_left_alone():
    from suishin.tenants.services import organization_create, system_actor

    organization_create(
        actor=system_actor(None), kind=Organization.Kind.PREFECTURE, local_government_code="130001", name="東京都"
    )
    assert "demo not loaded" in load()
    assert Organization.objects.count() == 1
