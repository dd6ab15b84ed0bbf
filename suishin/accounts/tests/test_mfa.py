import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.core.models import AuditLog
from suishin.tenants.tests.factories import PASSWORD


def current_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_admin_with_password_only_cannot_reach_any_page(cast, plan):
    client = password_login(cast.town.users["admin"])
    for url in (reverse("home"), reverse("audit_log"), reverse("plans:plan_detail", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")


def test_code_works_once(cast):
    admin = cast.town.users["admin"]
    device = TOTPDevice.objects.get(user=admin)
    code = current_code(device)
    client = password_login(admin)
    assert client.post(reverse("accounts:mfa_verify"), {"token": code}).status_code == 302
    assert client.get(reverse("audit_log")).status_code == 200
    replay = password_login(admin)
    response = replay.post(reverse("accounts:mfa_verify"), {"token": code})
    assert response.status_code == 200
    assert "すでに使われています" in response.content.decode()
    assert replay.get(reverse("home")).status_code == 302
    assert AuditLog.objects.filter(verb="mfa.failed", actor=admin).exists()


def test_enrolment_then_backup_code_works_once(cast, django_user_model, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    from suishin.tenants.models import Membership, Role

    admin = django_user_model.objects.create_user(username="new-admin", password=PASSWORD)
    Membership.objects.create(organization=cast.town.organization, user=admin, role=Role.ADMIN)
    client = password_login(admin)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    response = client.post(
        reverse("accounts:mfa_setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert "確認コードが正しくありません" in response.content.decode()
    response = client.post(reverse("accounts:mfa_setup"), {"token": current_code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200

    second = password_login(admin)
    assert second.post(reverse("accounts:mfa_verify"), {"token": codes[0]}).status_code == 302
    third = password_login(admin)
    assert third.post(reverse("accounts:mfa_verify"), {"token": codes[0]}).status_code == 200
    assert third.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("role", ["secretariat", "department", "staff"])
def test_roles_without_personal_data_need_no_second_factor(cast, role):
    client = password_login(cast.town.users[role])
    assert client.get(reverse("home")).status_code == 200


def test_verify_refuses_an_off_host_next(cast):
    admin = cast.town.users["admin"]
    client = password_login(admin)
    response = client.post(
        reverse("accounts:mfa_verify"), {"token": current_code(TOTPDevice.objects.get(user=admin)), "next": "//evil"}
    )
    assert response["Location"] == reverse("home")
