"""While the database is away: answer 503 with the system-error page, and log a line, not a traceback.

A refused or lost database connection is not a bug in the page: every request fails the same way until
the database is back. So the answer is 503 with a `Retry-After`, and the log gets one line per kind of
failure per LOG_INTERVAL (with the count of the requests it stands for) instead of ~8 KB of traceback
per request. Views' errors are caught by the middleware; errors raised in other middleware (the session
or user lookup, usually the first query of a request) reach the 500 handler, which asks this module too.
"""

import logging
import sys
import threading
import time
from typing import TypeGuard

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("suishin.database")

RETRY_AFTER = 10  # seconds a browser or client is asked to wait
LOG_INTERVAL = 10.0  # seconds: at most one line per kind of failure in this time

_lock = threading.Lock()
_logged: dict[str, tuple[float, int]] = {}  # kind → (when it was last written, requests not written since)


def is_connection_error(error: BaseException | None) -> TypeGuard[OperationalError | InterfaceError]:
    return isinstance(error, (OperationalError, InterfaceError))


def failure_kind(error: BaseException) -> str:
    """Name a failure by its class and the end of its first line ("OperationalError: Connection refused")."""
    lines = str(error).strip().splitlines()
    reason = lines[0].rsplit(": ", 1)[-1].strip() if lines else ""
    return f"{type(error).__name__}: {reason[:120]}"


def log_unavailable(error: BaseException, path: str = "") -> None:
    """Log `error` once per kind per LOG_INTERVAL, counting the requests in between."""
    kind = failure_kind(error)
    now = time.monotonic()
    with _lock:
        last, skipped = _logged.get(kind, (None, 0))
        if last is not None and now - last < LOG_INTERVAL:
            _logged[kind] = (last, skipped + 1)
            return
        _logged[kind] = (now, 0)
    logger.error("database unavailable (%s); %d more request(s) since the last line; e.g. %s", kind, skipped, path)


def database_unavailable_response(request, error: BaseException) -> HttpResponse:
    """Return the Japanese system-error page as a 503 (logged here, once per kind per interval)."""
    log_unavailable(error, getattr(request, "path", ""))
    response = HttpResponse(loader.get_template("core/500.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # Django's request logger would add the traceback again (a private flag the stubs do not know).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def unavailable_response_for_current_error(request) -> HttpResponse | None:
    """In the 500 handler: the 503 answer if the error being handled is a lost database connection."""
    error = sys.exc_info()[1]
    return database_unavailable_response(request, error) if is_connection_error(error) else None


class DatabaseUnavailableMiddleware:
    """Answer a view's lost or refused database connection with 503 and Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_connection_error(exception):
            return database_unavailable_response(request, exception)
        return None
