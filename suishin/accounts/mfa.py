"""Two-factor authentication with TOTP (works offline: the phone app and the server share a secret
and the clock) plus one-time backup codes. Required for the roles in settings.MFA_REQUIRED_ROLES."""

import base64
import io
import secrets

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.core.audit import audit_record
from suishin.tenants.actor import Actor

BACKUP_CODE_COUNT = 10


def mfa_required(actor: Actor) -> bool:
    """Return whether the actor's roles require a second factor: everywhere (settings.MFA_REQUIRED_ROLES)
    or in their organization (its settings may ask it of more roles)."""
    extra = getattr(actor.organization, "mfa_required_roles", None) or ()
    return actor.has_role(*settings.MFA_REQUIRED_ROLES, *extra)


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp_device(user) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a new secret if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """Return the device's provisioning URI as an inline SVG QR code (no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_for_manual_entry(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def mfa_enroll(*, actor: Actor, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm `device` with a first code; return new backup codes, or None if the code is wrong."""
    if not device.verify_token(token):
        audit_record(actor=actor.user, organization=actor.organization, verb="mfa.enroll_failed")
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=actor.user).exclude(pk=device.pk).delete()
    codes = backup_codes_renew(actor=actor)
    otp_login(request, device)
    audit_record(actor=actor.user, organization=actor.organization, verb="mfa.enrolled")
    return codes


def backup_codes_renew(*, actor: Actor) -> list[str]:
    """Replace the user's backup codes with new ones; each works once."""
    static, _ = StaticDevice.objects.get_or_create(user=actor.user, name="backup", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def mfa_verify(*, actor: Actor, request, token: str) -> bool:
    """Accept a current TOTP code or an unused backup code for this session; record the outcome."""
    device = match_token(actor.user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(actor=actor.user, organization=actor.organization, verb="mfa.failed")
        return False
    otp_login(request, device)
    audit_record(
        actor=actor.user, organization=actor.organization, verb="mfa.verified", data={"device": type(device).__name__}
    )
    return True
