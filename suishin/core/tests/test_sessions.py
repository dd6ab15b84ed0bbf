import datetime as dt
import time

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from suishin.core.sessions import RENEWED_AT, STARTED_AT
from suishin.tenants.tests.factories import PASSWORD


def login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_login_rotates_the_session_key(client, cast):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    login(client, cast.town.users["staff"])
    assert client.session.session_key != before


def test_cookie_replayed_after_logout_is_refused(client, cast):
    login(client, cast.town.users["staff"])
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("home")).status_code == 302


def test_session_expires_after_the_absolute_lifetime(client, cast, settings):
    login(client, cast.town.users["staff"])
    session = client.session
    session[STARTED_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_AGE - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


def test_idle_timeout_is_thirty_minutes_renewed_by_activity(client, cast, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(client, cast.town.users["staff"])
    session = Session.objects.get(session_key=client.session.session_key)
    first_expiry = session.expire_date
    client.get(reverse("home"))
    assert Session.objects.get(pk=session.pk).expire_date == first_expiry  # renewed at most once a minute
    stale = client.session
    stale[RENEWED_AT] = int(time.time()) - settings.SESSION_RENEW_AFTER - 1
    stale.save()
    time.sleep(1)
    client.get(reverse("home"))
    assert Session.objects.get(pk=session.pk).expire_date > first_expiry


def test_idle_session_expires(client, cast):
    login(client, cast.town.users["staff"])
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("home")).status_code == 302


def test_deactivated_user_is_logged_out_on_the_next_request(client, cast):
    user = cast.town.users["staff"]
    login(client, user)
    assert client.get(reverse("home")).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(reverse("home")).status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
