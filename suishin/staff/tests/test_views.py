"""The staff register's pages and services: personal data for admin and secretariat only, moves kept,
headcounts, query counts that do not grow with the register."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.core.registry import home_sections
from suishin.staff.models import Person, Rank
from suishin.staff.selectors import headcount_by_department, headcount_total, people_list
from suishin.staff.services import person_create, person_update, ranks_create_defaults
from suishin.tenants.models import Membership


def ranks(town):
    return {r.name: r for r in ranks_create_defaults(actor=town.actor("admin"), organization=town.organization)}


def add_staff(town, n, start=0):
    r = ranks(town)
    Person.objects.bulk_create(
        Person(
            organization=town.organization,
            name=f"職員{start + i}",
            staff_number=f"{start + i:05d}",
            department=town.departments[i % 3],
            rank=r["主事"],
        )
        for i in range(n)
    )


def test_create_and_move_keep_history_and_audit_no_personal_data(cast):
    town = cast.town
    r = ranks(town)
    actor = town.actor("admin")
    person = person_create(
        actor=actor,
        organization=town.organization,
        data={"name": "佐藤 一郎", "staff_number": "77777", "department": town.departments[0], "rank": r["主事"]},
        moved_on=dt.date(2022, 4, 1),
    )
    person_update(
        actor=actor,
        person=person,
        data={"department": town.departments[1], "rank": r["主任"]},
        moved_on=dt.date(2024, 4, 1),
    )
    person_update(actor=actor, person=person, data={"name": "佐藤 一朗"})
    assert person.moves.count() == 2
    assert "77777" not in str(
        list(AuditLog.objects.filter(verb__startswith="staff.").values_list("data", "target_repr"))
    )


def test_rank_order_answers_senior_or_above(cast):
    town = cast.town
    r = ranks(town)
    for name in ("課長", "主査", "主事"):
        Person.objects.create(organization=town.organization, name=name, staff_number=name, rank=r[name])
    above = people_list(town.organization, min_level=r["主査"].level)
    assert sorted(p.name for p in above) == ["主査", "課長"]


def test_headcount_per_department_and_in_total(cast):
    town = cast.town
    add_staff(town, 7)
    Person.objects.create(
        organization=town.organization,
        name="退職",
        staff_number="x",
        department=town.departments[0],
        left_on=dt.date(2024, 3, 31),
    )
    Person.objects.create(organization=town.organization, name="外部", kind=Person.Kind.EXTERNAL)
    assert headcount_by_department(town.organization) == {
        town.departments[0].pk: 3,
        town.departments[1].pk: 2,
        town.departments[2].pk: 2,
    }
    assert headcount_total(town.organization) == 7 and headcount_total(cast.other.organization) == 0


def test_staff_numbers_are_for_admin_and_secretariat_only(client, cast):
    add_staff(cast.town, 1, start=4242)
    for role, status in (("admin", 200), ("secretariat", 200), ("department", 403), ("staff", 403)):
        client.force_login(cast.town.users[role])
        response = client.get(reverse("staff:person_list"))
        assert response.status_code == status
        if status == 200:
            assert "04242" in response.content.decode()


def test_list_pages_cost_the_same_queries_for_10_and_200_staff(client, cast):
    client.force_login(cast.town.users["admin"])
    urls = [reverse("staff:person_list"), reverse("staff:headcount")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    add_staff(cast.town, 10)
    few = counts()
    add_staff(cast.town, 190, start=10)
    assert counts() == few


def test_person_pages_edit_and_create_a_login(client, cast):
    town = cast.town
    r = ranks(town)
    client.force_login(town.users["admin"])
    response = client.post(
        reverse("staff:person_new"),
        {
            "kind": "staff",
            "name": "新井 優子",
            "staff_number": "50001",
            "department": town.departments[1].pk,
            "rank": r["主任"].pk,
            "moved_on": "2024-04-01",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(staff_number="50001")
    assert "50001" not in response["Location"]
    detail = client.get(response["Location"]).content.decode()
    assert "新井 優子" in detail and "2024" in detail
    response = client.post(
        reverse("staff:person_edit", args=[person.pk]),
        {
            "kind": "staff",
            "name": "新井 優子",
            "staff_number": "50001",
            "department": town.departments[2].pk,
            "rank": r["主査"].pk,
            "moved_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    assert person.moves.count() == 2
    response = client.post(
        reverse("staff:person_login_new", args=[person.pk]),
        {"username": "arai", "roles": ["department"], "department": town.departments[2].pk},
    )
    assert response.status_code == 200 and "/account/password/" in response.content.decode()
    person.refresh_from_db()
    assert person.user.username == "arai" and person.user.first_name == "新井 優子"
    assert Membership.objects.get(user=person.user).department_id == town.departments[2].pk


def test_a_staff_member_needs_a_unique_staff_number(client, cast):
    client.force_login(cast.town.users["admin"])
    add_staff(cast.town, 1, start=1)
    response = client.post(reverse("staff:person_new"), {"kind": "staff", "name": "x", "staff_number": "00001"})
    assert response.status_code == 400 and "すでに登録されています" in response.content.decode()
    response = client.post(reverse("staff:person_new"), {"kind": "staff", "name": "x"})
    assert response.status_code == 400 and "職員番号が必要" in response.content.decode()


def test_another_towns_person_is_not_found(client, cast):
    add_staff(cast.other, 1)
    person = Person.objects.for_organization(cast.other.organization).get()
    client.force_login(cast.town.users["admin"])
    for name in ("staff:person_detail", "staff:person_edit", "staff:person_login_new"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404


def test_export_is_audited_as_personal_data(client, cast):
    client.force_login(cast.town.users["secretariat"])
    response = client.get(reverse("staff:staff_export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert AuditLog.objects.filter(verb="staff.export", actor=cast.town.users["secretariat"]).exists()


def test_onboarding_checklist_until_done(client, cast, plan):
    client.force_login(cast.town.users["admin"])
    page = client.get(reverse("home")).content.decode()
    assert "はじめの設定" in page and "職員名簿を登録する" in page
    add_staff(cast.town, 1)
    assert "はじめの設定" not in client.get(reverse("home")).content.decode()
    client.force_login(cast.town.users["secretariat"])
    assert "はじめの設定" not in client.get(reverse("home")).content.decode()
    assert any(s.template == "staff/_home_onboarding.html" for s in home_sections)
    assert Rank.objects.for_organization(cast.town.organization).count() == 6
