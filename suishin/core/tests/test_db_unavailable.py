"""While the database is away: 503 with the Japanese system-error page and Retry-After; one log line per
kind of failure per interval, never a traceback per request."""

import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client, override_settings
from django.urls import path

from suishin.core import db_unavailable


def refused_view(request):
    raise OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )


def lost_view(request):
    raise InterfaceError("connection already closed")


urlpatterns = [path("refused/", refused_view), path("lost/", lost_view)]
handler500 = "suishin.core.views.server_error"


@pytest.fixture(autouse=True)
def fresh_log_window(monkeypatch):
    monkeypatch.setattr(db_unavailable, "_logged", {})


def request_logs(caplog):
    return [r for r in caplog.records if r.name in ("django.request", "suishin.database")]


@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_connection_in_a_view_is_a_503_logged_once(caplog, db):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        responses = [client.get("/refused/") for _ in range(20)]
    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == str(db_unavailable.RETRY_AFTER)
        assert "システムで問題が起きました" in response.content.decode()
    logs = request_logs(caplog)
    assert len(logs) == 1 and logs[0].exc_info is None
    assert "OperationalError: Connection refused" in logs[0].getMessage()


@override_settings(ROOT_URLCONF=__name__)
def test_each_kind_of_failure_gets_its_line_and_the_count_follows(caplog, db, monkeypatch):
    client = Client(raise_request_exception=False)
    clock = [100.0]
    monkeypatch.setattr(db_unavailable.time, "monotonic", lambda: clock[0])
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            client.get("/refused/")
            client.get("/lost/")
        clock[0] += db_unavailable.LOG_INTERVAL
        client.get("/refused/")
    lines = [r.getMessage() for r in request_logs(caplog)]
    assert len(lines) == 3
    assert "InterfaceError: connection already closed" in lines[1]
    assert "4 more request(s)" in lines[2]


def test_a_refusal_in_middleware_is_a_503_too(client, cast, caplog, monkeypatch):
    """The first query of a request is usually the session lookup, made in middleware, not in the view."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.town.users["staff"])

    def refused(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", refused)
    with caplog.at_level(logging.WARNING):
        responses = [client.get("/") for _ in range(5)]
    assert {r.status_code for r in responses} == {503}
    assert "システムで問題が起きました" in responses[0].content.decode()
    logs = request_logs(caplog)
    assert len(logs) == 1 and logs[0].exc_info is None
