"""The department tree shows each department's headcount (from the staff register, through the
registry) at a number of queries that does not grow with the tree."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.staff.models import Person
from suishin.tenants.models import Department


def cells_of(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


def test_the_tree_shows_current_staff_per_department(client, cast):
    town = cast.town
    first, second = town.departments[0], town.departments[1]
    Person.objects.bulk_create(
        Person(organization=town.organization, name=f"職員{i}", staff_number=str(i), department=first) for i in range(3)
    )
    Person.objects.create(
        organization=town.organization, name="退職", staff_number="x", department=first, left_on=dt.date(2024, 3, 31)
    )
    Person.objects.create(organization=town.organization, name="外部", kind=Person.Kind.EXTERNAL, department=second)
    Person.objects.create(organization=cast.other.organization, name="他町", staff_number="y")
    client.force_login(town.users["secretariat"])
    page = client.get(reverse("tenants_admin:department_tree")).content.decode()
    assert "職員数" in page
    assert '<td class="num">3</td>' in cells_of(page, first.name)
    assert '<td class="num">0</td>' in cells_of(page, second.name), "external people and leavers are not staff"


def add_tree(town, bureaus: int, per_bureau: int) -> None:
    start = Department.objects.for_organization(town.organization).filter(parent=None, code__startswith="B").count()
    for b in range(start, start + bureaus):
        bureau = Department.objects.create(organization=town.organization, code=f"B{b:03d}", name=f"第{b}局")
        children = Department.objects.bulk_create(
            Department(organization=town.organization, code=f"B{b:03d}-{c}", name=f"第{b}局{c}課", parent=bureau)
            for c in range(per_bureau)
        )
        Person.objects.bulk_create(
            Person(organization=town.organization, name=f"{d.name}職員", staff_number=d.code, department=d)
            for d in children
        )


def test_the_tree_costs_the_same_queries_for_a_small_and_a_large_tree(client, cast, django_assert_num_queries):
    client.force_login(cast.town.users["admin"])
    url = reverse("tenants_admin:department_tree")
    client.get(url)  # the session's first read, out of the count
    add_tree(cast.town, 1, 2)  # a small tree: the town's 3 課 and one 局 of 2 課
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_tree(cast.town, 20, 10)  # a large one: 20 more 局 of 10 課 each, with their staff
    assert Department.objects.for_organization(cast.town.organization).count() > 200
    with django_assert_num_queries(len(small)):
        page = client.get(url)
    assert page.status_code == 200 and "第20局9課" in page.content.decode()
    with django_assert_num_queries(len(small)):
        client.get(url + "?closed=1")


def test_a_bureau_shows_its_own_staff_and_the_total_with_those_under_it(client, cast):
    town = cast.town
    organization = town.organization
    bureau = Department.objects.create(organization=organization, code="K", name="健康局")
    section = Department.objects.create(organization=organization, code="K1", name="健康局保健課", parent=bureau)
    unit = Department.objects.create(organization=organization, code="K11", name="健康局保健課予防係", parent=section)
    empty = Department.objects.create(organization=organization, code="K2", name="健康局空課", parent=bureau)
    closed = Department.objects.create(
        organization=organization, code="K3", name="健康局旧課", parent=bureau, closed_on=dt.date(2024, 3, 31)
    )
    for department, n in ((bureau, 2), (section, 3), (unit, 4), (closed, 1)):
        Person.objects.bulk_create(
            Person(
                organization=organization,
                name=f"{department.code}職員{i}",
                staff_number=f"{department.code}-{i}",
                department=department,
            )
            for i in range(n)
        )
    Person.objects.create(
        organization=organization, name="退職", staff_number="x", department=unit, left_on=dt.date(2024, 3, 31)
    )
    client.force_login(town.users["secretariat"])
    page = client.get(reverse("tenants_admin:department_tree")).content.decode()
    assert "配下を含め" in page
    assert '<td class="num">2（配下を含め 10）</td>' in cells_of(page, "健康局</th>"), "2 + 3 + 4 + the closed 1"
    assert '<td class="num">3（配下を含め 7）</td>' in cells_of(page, section.name + "</th>")
    assert '<td class="num">4</td>' in cells_of(page, unit.name), "nothing under it: the count alone"
    assert '<td class="num">0</td>' in cells_of(page, empty.name)
    assert '<td class="num">0</td>' in cells_of(page, town.departments[0].name)
