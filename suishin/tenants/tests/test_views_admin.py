"""The administration pages: departments, users, organization settings, and the one-time link."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.core.models import AuditLog
from suishin.plans.models import MeasureDepartment
from suishin.staff.models import Person
from suishin.tenants.models import Department, Membership, Role
from suishin.tenants.tests.factories import PASSWORD

User = get_user_model()


def login(client, cast, role="admin"):
    client.force_login(cast.town.users[role])
    return cast.town.users[role]


def link_in(response) -> str:
    return re.search(r'value="(http://testserver(/account/password/[^"]+))"', response.content.decode()).group(2)


# --- departments ------------------------------------------------------------------------------------


def test_tree_shows_departments_nested_and_hides_closed_ones(client, cast):
    town = cast.town
    bureau = Department.objects.create(organization=town.organization, code="B1", name="総務局", position=0)
    Department.objects.filter(pk=town.departments[0].pk).update(parent=bureau)
    Department.objects.filter(pk=town.departments[2].pk).update(closed_on=dt.date(2024, 3, 31))
    login(client, cast, "secretariat")
    page = client.get(reverse("tenants_admin:department_tree")).content.decode()
    assert page.index("総務局") < page.index("上里町第1課")
    assert "上里町第3課" not in page and "美里町" not in page
    assert "上里町第3課" in client.get(reverse("tenants_admin:department_tree") + "?closed=1").content.decode()


def test_secretariat_moves_a_department_and_cannot_make_a_cycle(client, cast):
    first, second = cast.town.departments[0], cast.town.departments[1]
    login(client, cast, "secretariat")
    url = reverse("tenants_admin:department_edit", args=[second.pk])
    response = client.post(url, {"code": second.code, "name": "新課名", "parent": first.pk, "position": 5})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.name, second.parent_id, second.position) == ("新課名", first.pk, 5)
    assert AuditLog.objects.filter(verb="department.move", target_id=str(second.pk)).exists()
    url = reverse("tenants_admin:department_edit", args=[first.pk])
    response = client.post(url, {"code": first.code, "name": first.name, "parent": second.pk, "position": 0})
    assert response.status_code == 400
    assert "下位の組織の下には移せません" in response.content.decode()
    first.refresh_from_db()
    assert first.parent_id is None


def test_close_is_refused_while_staff_remain_and_keeps_the_row(client, cast):
    department = cast.town.departments[2]
    Person.objects.create(organization=cast.town.organization, name="職員", staff_number="1", department=department)
    login(client, cast)
    url = reverse("tenants_admin:department_close", args=[department.pk])
    response = client.post(url, {"closed_on": "2025-03-31"})
    assert response.status_code == 400 and "職員の所属" in response.content.decode()
    Person.objects.filter(department=department).update(left_on=dt.date(2025, 3, 1))  # who left stays as was
    Membership.objects.filter(department=department).delete()
    assert client.post(url, {"closed_on": "2025-03-31"}).status_code == 302
    department.refresh_from_db()
    assert department.closed_on == dt.date(2025, 3, 31)
    assert client.post(reverse("tenants_admin:department_reopen", args=[department.pk])).status_code == 302
    department.refresh_from_db()
    assert department.closed_on is None


def test_merge_moves_every_registered_row_and_closes_the_source(client, cast, plan):
    town = cast.town
    source, target = town.departments[2], town.departments[1]
    person = Person.objects.create(organization=town.organization, name="職員", staff_number="1", department=source)
    type(plan).objects.filter(pk=plan.pk).update(end_fy=2099)  # an open plan: its measures follow
    measures = list(plan.measures.order_by("pk")[:2])
    MeasureDepartment.objects.filter(measure__in=measures).delete()
    MeasureDepartment.objects.create(organization=town.organization, measure=measures[0], department=source)
    MeasureDepartment.objects.create(organization=town.organization, measure=measures[1], department=source)
    MeasureDepartment.objects.create(organization=town.organization, measure=measures[1], department=target)
    login(client, cast)
    url = reverse("tenants_admin:department_merge", args=[source.pk])
    response = client.post(url, {"target": target.pk, "closed_on": "2025-04-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "職員の所属" in page and "施策の担当課" in page and "ユーザーの所属" in page
    person.refresh_from_db()
    source.refresh_from_db()
    assert person.department_id == target.pk
    assert source.closed_on == dt.date(2025, 4, 1)
    assert not MeasureDepartment.objects.filter(department=source).exists()
    assert MeasureDepartment.objects.filter(measure=measures[1], department=target).count() == 1
    assert Membership.objects.get(user=town.users["department2"]).department_id == target.pk
    entry = AuditLog.objects.get(verb="department.merge")
    assert entry.data["target"] == target.name


def test_merge_into_another_towns_department_is_refused(client, cast):
    login(client, cast)
    url = reverse("tenants_admin:department_merge", args=[cast.town.departments[2].pk])
    response = client.post(url, {"target": cast.other.departments[0].pk, "closed_on": "2025-04-01"})
    assert response.status_code == 400  # not a choice of the form
    assert Department.objects.get(pk=cast.town.departments[2].pk).closed_on is None


# --- users ------------------------------------------------------------------------------------------


def test_user_list_filters_and_shows_only_this_towns_users(client, cast):
    login(client, cast)
    url = reverse("tenants_admin:user_list")
    page = client.get(url).content.decode()
    assert "113859-staff" in page and cast.other.users["staff"].username not in page
    page = client.get(url, {"role": Role.DEPARTMENT}).content.decode()
    assert "113859-department" in page and "113859-council" not in page
    page = client.get(url, {"department": cast.town.departments[2].pk}).content.decode()
    assert "113859-department2" in page and "113859-department<" not in page
    User.objects.filter(pk=cast.town.users["council"].pk).update(is_active=False)
    page = client.get(url, {"active": "no"}).content.decode()
    assert "113859-council" in page and "113859-staff" not in page
    assert "113859-admin" in client.get(url, {"q": "admin"}).content.decode()


def test_user_list_costs_the_same_queries_for_10_and_200_users(client, cast):
    login(client, cast)
    url = reverse("tenants_admin:user_list")

    def add_users(n):
        for i in range(n):
            user = User.objects.create(username=f"bulk-{User.objects.count()}-{i}")
            Membership.objects.create(organization=cast.town.organization, user=user, role=Role.STAFF)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_users(3)
    few = count()
    add_users(190)
    assert count() == few


def test_admin_creates_a_user_who_sets_a_password_and_logs_in(client, cast):
    login(client, cast)
    response = client.post(
        reverse("tenants_admin:user_new"),
        {
            "username": "new-user",
            "full_name": "新人 太郎",
            "email": "new@example.jp",
            "roles": [Role.DEPARTMENT],
            "department": cast.town.departments[1].pk,
        },
    )
    assert response.status_code == 200
    link = link_in(response)
    assert link in mail.outbox[0].body
    user = User.objects.get(username="new-user")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).department_id == cast.town.departments[1].pk
    anonymous = Client()
    page = anonymous.get(link, follow=True)
    assert page.status_code == 200 and "パスワードを設定する" in page.content.decode()
    assert "/set/" in page.redirect_chain[-1][0], "the token leaves the address bar (and any Referer)"
    link = page.redirect_chain[-1][0]
    response = anonymous.post(link, {"new_password1": "a-long-fresh-pass", "new_password2": "a-long-fresh-pass"})
    assert response.status_code == 302
    assert "このリンクは使えません" in anonymous.get(link, follow=True).content.decode(), "the link works once"
    anonymous.post(reverse("login"), {"username": "new-user", "password": "a-long-fresh-pass"})
    assert anonymous.get(reverse("home")).status_code == 200


def test_a_new_user_needs_a_free_username_and_a_department_for_the_department_role(client, cast):
    login(client, cast)
    url = reverse("tenants_admin:user_new")
    response = client.post(url, {"username": "113859-staff", "full_name": "x", "roles": [Role.DEPARTMENT]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "すでに使われています" in page and "所属課が必要です" in page


def test_password_reset_ends_sessions_and_keeps_the_second_factor_required(client, cast):
    admin_subject = cast.town.users["admin"]
    other_admin = User.objects.create_user(username="admin2", password=PASSWORD)
    Membership.objects.create(organization=cast.town.organization, user=other_admin, role=Role.ADMIN)
    TOTPDevice.objects.create(user=other_admin, name="authenticator", confirmed=True)
    victim = Client()
    victim.force_login(admin_subject)
    client.force_login(other_admin)
    response = client.post(reverse("tenants_admin:user_password_reset", args=[admin_subject.pk]))
    assert response.status_code == 200
    link = link_in(response)
    admin_subject.refresh_from_db()
    assert not admin_subject.has_usable_password()
    assert victim.get(reverse("home")).status_code == 302, "the old session ended"
    fresh = Client()
    link = fresh.get(link, follow=True).redirect_chain[-1][0]
    fresh.post(link, {"new_password1": "another-good-pass", "new_password2": "another-good-pass"})
    fresh.post(reverse("login"), {"username": admin_subject.username, "password": "another-good-pass"})
    response = fresh.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")
    assert TOTPDevice.objects.filter(user=admin_subject, confirmed=True).exists()


def test_deactivating_a_user_ends_their_sessions(client, cast):
    staff = cast.town.users["staff"]
    other = Client()
    other.force_login(staff)
    login(client, cast)
    response = client.post(reverse("tenants_admin:user_deactivate", args=[staff.pk]))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(staff.pk)]
    assert other.get(reverse("home")).status_code == 302
    assert AuditLog.objects.get(verb="user.deactivate").data["sessions_ended"] == 1
    client.post(reverse("tenants_admin:user_reactivate", args=[staff.pk]))
    staff.refresh_from_db()
    assert staff.is_active


def test_the_last_admin_cannot_be_locked_out(client, cast):
    admin = login(client, cast)
    second = User.objects.create_user(username="admin2", password=PASSWORD)
    Membership.objects.create(organization=cast.town.organization, user=second, role=Role.ADMIN)
    url = reverse("tenants_admin:user_edit", args=[second.pk])
    assert client.post(url, {"full_name": "x", "roles": [Role.STAFF]}).status_code == 302
    assert not Membership.objects.filter(user=second, role=Role.ADMIN).exists()
    # Now `admin` is the last one: another admin's page cannot take their role, nor deactivate them.
    from suishin.tenants.actor import actor_for_user
    from suishin.tenants.services import user_deactivate, user_update

    actor = actor_for_user(admin, cast.town.organization.pk)
    with pytest.raises(Exception, match="最後の管理者"):
        user_update(actor=actor, user=admin, full_name="x", email="", roles={Role.STAFF})
    Membership.objects.create(organization=cast.town.organization, user=second, role=Role.ADMIN)
    User.objects.filter(pk=second.pk).update(is_active=False)  # an inactive admin does not count
    with pytest.raises(Exception, match="最後の管理者"):
        user_update(actor=actor, user=admin, full_name="x", email="", roles={Role.STAFF})
    User.objects.filter(pk=second.pk).update(is_active=True)
    second_actor = actor_for_user(second, cast.town.organization.pk)
    user_update(actor=second_actor, user=admin, full_name="x", email="", roles={Role.STAFF})
    with pytest.raises(Exception, match="自分自身"):
        user_deactivate(actor=second_actor, user=second)
    assert Membership.objects.filter(user=admin, role=Role.ADMIN).count() == 0


def test_mfa_reset_needs_the_admins_own_code_and_is_audited(client, cast):
    admin = login(client, cast)
    subject = cast.town.users["secretariat"]
    TOTPDevice.objects.create(user=subject, name="authenticator", confirmed=True)
    static = StaticDevice.objects.create(user=admin, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token="12345678")
    url = reverse("tenants_admin:user_mfa_reset", args=[subject.pk])
    response = client.post(url, {"confirmation_code": "99999999"})
    assert response.status_code == 400 and "確認コードが正しくない" in response.content.decode()
    assert TOTPDevice.objects.filter(user=subject).exists()
    assert client.post(url, {"confirmation_code": "12345678"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=subject).exists()
    assert AuditLog.objects.filter(verb="user.mfa_reset", target_id=str(subject.pk)).exists()
    response = client.post(url, {"confirmation_code": "12345678"})
    assert response.status_code == 400, "a backup code works once"


def test_mfa_reset_needs_a_verified_session(cast):
    plain = Client()  # logs in without confirming the second factor
    plain.force_login(cast.town.users["admin"])
    response = plain.get(reverse("tenants_admin:user_mfa_reset", args=[cast.town.users["staff"].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_another_towns_user_is_not_found(client, cast):
    login(client, cast)
    for name in ("tenants_admin:user_edit", "tenants_admin:user_password_reset", "tenants_admin:user_mfa_reset"):
        assert client.get(reverse(name, args=[cast.other.users["staff"].pk])).status_code == 404


def test_a_broken_or_foreign_link_is_refused(client, cast):
    page = Client().get("/account/password/xx/yy/").content.decode()
    assert "このリンクは使えません" in page
    foreign = Client()
    foreign.force_login(cast.town.users["staff"])
    session = foreign.session
    session["password_set_token"] = "forged"
    session.save()
    from suishin.tenants.services import password_link

    set_url = password_link(cast.town.users["staff"]).rsplit("/", 2)[0] + "/set/"
    assert "このリンクは使えません" in Client().get(set_url).content.decode()


# --- settings -----------------------------------------------------------------------------------------


def test_settings_are_saved_and_extra_mfa_roles_apply(client, cast):
    login(client, cast)
    url = reverse("tenants_admin:organization_settings")
    response = client.post(
        url,
        {
            "name": "上里町",
            "population": "30000",
            "plan_level_names": "柱、大項目、中項目",
            "mail_sender": "上里町DX <dx@town.example.lg.jp>",
            "mfa_required_roles": [Role.SECRETARIAT],
        },
    )
    assert response.status_code == 302
    organization = cast.town.organization
    organization.refresh_from_db()
    assert organization.plan_level_names == ["柱", "大項目", "中項目"]
    assert organization.population == 30000 and organization.mfa_required_roles == [Role.SECRETARIAT]
    secretariat = Client()
    secretariat.force_login(cast.town.users["secretariat"])
    response = secretariat.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_setup")
    assert client.post(url, {"name": "上里町", "mail_sender": "not an address"}).status_code == 400
