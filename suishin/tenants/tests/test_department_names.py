"""A closed department keeps its name, and a new department may take it again: names are unique among
open departments only; lookups by name find the open one; a taken name is a form error, never a 500."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from suishin.tenants.columns import departments_by
from suishin.tenants.department_import import departments_import, parse_department_file
from suishin.tenants.models import Department
from suishin.tenants.services import department_create, department_reopen, department_update

CLOSED_ON = dt.date(2024, 3, 31)


def closed(department):
    Department.objects.filter(pk=department.pk).update(closed_on=CLOSED_ON)
    department.refresh_from_db()
    return department


def test_a_new_department_may_take_the_name_of_a_closed_one(client, cast):
    old = closed(cast.town.departments[2])
    client.force_login(cast.town.users["secretariat"])
    response = client.post(reverse("tenants_admin:department_new"), {"code": "N01", "name": old.name, "position": 9})
    assert response.status_code == 302
    new = Department.objects.for_organization(cast.town.organization).get(code="N01")
    assert new.name == old.name and not new.is_closed
    old.refresh_from_db()
    assert old.name == new.name and old.is_closed, "the closed department keeps its name for history"


def test_the_name_of_an_open_department_is_a_form_error(client, cast):
    taken = cast.town.departments[0]
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("tenants_admin:department_new"), {"code": "N01", "name": taken.name})
    assert response.status_code == 400
    assert "この組織名は現行の組織ですでに使われています。" in response.content.decode()
    second = cast.town.departments[1]
    response = client.post(
        reverse("tenants_admin:department_edit", args=[second.pk]), {"code": second.code, "name": taken.name}
    )
    assert response.status_code == 400
    assert "この組織名は現行の組織ですでに使われています。" in response.content.decode()
    assert Department.objects.for_organization(cast.town.organization).filter(name=taken.name).count() == 1


def test_the_services_refuse_a_taken_open_name_on_the_name_field(cast):
    actor = cast.town.actor("admin")
    taken = cast.town.departments[0]
    with pytest.raises(ValidationError) as error:
        department_create(actor=actor, organization=cast.town.organization, code="N01", name=taken.name)
    assert error.value.message_dict == {"name": ["この組織名は現行の組織ですでに使われています。"]}
    with pytest.raises(ValidationError):
        department_update(actor=actor, department=cast.town.departments[1], code="D02", name=taken.name)
    # Another town's names are theirs.
    department_create(actor=actor, organization=cast.town.organization, code="N02", name="美里町第1課")


def test_the_database_holds_names_unique_among_open_departments(cast):
    organization = cast.town.organization
    taken = cast.town.departments[0]
    Department.objects.create(organization=organization, code="C1", name=taken.name, closed_on=CLOSED_ON)
    Department.objects.create(organization=organization, code="C2", name=taken.name, closed_on=CLOSED_ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(organization=organization, code="C3", name=taken.name)


def test_reopening_a_department_whose_name_was_taken_is_refused_with_a_message(client, cast):
    old = closed(cast.town.departments[2])
    department_create(actor=cast.town.actor("admin"), organization=cast.town.organization, code="N01", name=old.name)
    with pytest.raises(ValidationError, match="同じ名前「上里町第3課」の現行の組織があるため"):
        department_reopen(actor=cast.town.actor("admin"), department=old)
    client.force_login(cast.town.users["admin"])
    response = client.post(reverse("tenants_admin:department_reopen", args=[old.pk]), follow=True)
    assert "先にどちらかの名前を変えてください" in response.content.decode()
    old.refresh_from_db()
    assert old.is_closed


def test_a_name_means_the_open_department_in_lookups(cast):
    old = closed(cast.town.departments[2])
    new = department_create(
        actor=cast.town.actor("admin"), organization=cast.town.organization, code="N01", name=old.name
    )
    found = departments_by("name")({"organization": cast.town.organization})
    assert found[old.name] == new.pk
    assert departments_by("code")({"organization": cast.town.organization})[old.code] == old.pk


def test_a_name_closed_twice_means_the_one_closed_last(cast):
    organization = cast.town.organization
    first = Department.objects.create(organization=organization, code="C1", name="旧課", closed_on=dt.date(2020, 3, 31))
    last = Department.objects.create(organization=organization, code="C2", name="旧課", closed_on=dt.date(2023, 3, 31))
    assert first.pk < last.pk
    assert departments_by("name")({"organization": organization})["旧課"] == last.pk


def test_the_import_takes_a_closed_departments_name_and_refuses_an_open_one(cast):
    organization = cast.town.organization
    old = closed(cast.town.departments[2])
    taken = cast.town.departments[0]
    body = f"組織コード,組織名,上位組織コード\nN01,{old.name},\nN02,{taken.name},\n"
    imported = parse_department_file(organization, body.encode())
    assert [str(p) for p in imported.problems] == [
        f"3行目 B列: 組織名「{taken.name}」は現行の組織ですでに使われています。"
    ]
    imported = parse_department_file(organization, f"組織コード,組織名,上位組織コード\nN01,{old.name},\n".encode())
    assert imported.problems == []
    [created] = departments_import(actor=cast.town.actor("admin"), organization=organization, imported=imported)
    assert created.name == old.name and not created.is_closed
