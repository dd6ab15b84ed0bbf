"""Session lifetime: an idle timeout (SESSION_COOKIE_AGE, renewed on each request) and an absolute one."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.shortcuts import redirect
from django.utils import timezone

STARTED_AT = "auth_started_at"
RENEWED_AT = "renewed_at"


def mark_session_start(request) -> None:
    """Remember when the user logged in (called on login)."""
    request.session[STARTED_AT] = request.session[RENEWED_AT] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    """Log the user out once SESSION_ABSOLUTE_AGE seconds have passed since login, however active;
    renew the idle expiry when the session was last renewed over SESSION_RENEW_AFTER seconds ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED_AT)
            if started is None or now - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if now - request.session.get(RENEWED_AT, 0) > settings.SESSION_RENEW_AFTER:
                request.session[RENEWED_AT] = now  # a change: the session is saved with a new expiry
        return self.get_response(request)


def end_sessions_of(user) -> int:
    """Delete every live session of `user`; return how many ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
