"""Record logins, logouts and failed logins in the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from suishin.core.audit import audit_record, neutralise
from suishin.core.sessions import mark_session_start
from suishin.tenants.actor import actor_for_user


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_start(request)
    audit_record(actor=user, organization=actor_for_user(user).organization, verb="auth.login")


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, organization=actor_for_user(user).organization, verb="auth.logout")


@receiver(user_login_failed)
def record_login_failure(sender, credentials, request=None, **kwargs):
    audit_record(
        actor=None,
        organization=None,
        verb="auth.login_failed",
        data={"username": neutralise(credentials.get("username", ""), 150)},
    )


@receiver(user_locked_out)
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None, organization=None, verb="auth.locked_out", data={"username": neutralise(username or "", 150)}
    )
