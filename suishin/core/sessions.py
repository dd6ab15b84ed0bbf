"""Session lifetime: an idle timeout (SESSION_COOKIE_AGE, renewed on each request) and an absolute one."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.shortcuts import redirect
from django.utils import timezone

STARTED_AT = "auth_started_at"


def mark_session_start(request) -> None:
    """Remember when the user logged in (called on login)."""
    request.session[STARTED_AT] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    """Log the user out once SESSION_ABSOLUTE_AGE seconds have passed since login, however active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(STARTED_AT)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        return self.get_response(request)


def end_sessions_of(user) -> int:
    """Delete every live session of `user`; return how many ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
