"""The admin's temporary password: generated, shown once, never logged; the user logs in with it and can
do nothing but change it (the second factor still asked first where the role requires it)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from suishin.core.models import AuditLog
from suishin.tenants.models import Membership, Role, TemporaryPassword
from suishin.tenants.services import (
    TEMPORARY_PASSWORD_ALPHABET,
    temporary_password,
    user_password_temporary_set,
)
from suishin.tenants.tests.factories import PASSWORD

User = get_user_model()
NEW = "my-own-good-pass"


def issue(client, cast, subject, admin=None):
    """Issue a temporary password as the admin and read it from the page it is shown on once (POST, then GET)."""
    client.force_login(admin or cast.town.users["admin"])
    response = client.post(reverse("tenants_admin:user_password_reset", args=[subject.pk]), {"method": "temporary"})
    shown = reverse("tenants_admin:user_temporary_password", args=[subject.pk])
    assert response.status_code == 302 and response["Location"] == shown
    page = client.get(shown)
    assert page.status_code == 200
    return re.search(r'id="temporary-password" type="text" readonly value="([^"]+)"', page.content.decode())[1]


def test_a_temporary_password_is_random_readable_and_valid():
    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert re.fullmatch(r"[^-]{4}-[^-]{4}-[^-]{4}", password)
        assert set(password.replace("-", "")) <= set(TEMPORARY_PASSWORD_ALPHABET)
        validate_password(password)


def test_the_reset_page_offers_both_ways(client, cast):
    client.force_login(cast.town.users["admin"])
    page = client.get(reverse("tenants_admin:user_password_reset", args=[cast.town.users["staff"].pk]))
    text = page.content.decode()
    assert 'value="link"' in text and 'value="temporary"' in text and "仮パスワード" in text


def test_the_admin_issues_one_shown_once_and_the_users_sessions_end(client, cast):
    staff = cast.town.users["staff"]
    victim = Client()
    victim.force_login(staff)
    password = issue(client, cast, staff)
    staff.refresh_from_db()
    assert staff.check_password(password)
    assert victim.get(reverse("home")).status_code == 302, "the old session ended"
    assert TemporaryPassword.objects.get(user=staff).organization == cast.town.organization
    entry = AuditLog.objects.get(verb="user.password_temporary_set")
    assert entry.target_id == str(staff.pk) and entry.actor == cast.town.users["admin"]
    assert password not in str(list(AuditLog.objects.values_list("data", "target_repr"))), "never in the log"


def test_the_user_must_change_it_before_anything_else(client, cast):
    staff = cast.town.users["staff"]
    password = issue(client, cast, staff)
    user = Client()
    user.post(reverse("login"), {"username": staff.username, "password": password})
    change = reverse("password_change")
    for url in (reverse("home"), reverse("staff:person_list"), reverse("audit_log")):
        response = user.get(url)
        assert response.status_code == 302 and response["Location"] == change, url
    page = user.get(change)
    assert page.status_code == 200 and "仮パスワードでログインしています" in page.content.decode()
    # A wrong current password, or a weak new one, is a form error; nothing changes.
    response = user.post(change, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 400
    response = user.post(change, {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 400
    assert TemporaryPassword.objects.filter(user=staff).exists()

    response = user.post(change, {"old_password": password, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert user.get(reverse("home")).status_code == 200, "the session goes on, free"
    assert not TemporaryPassword.objects.filter(user=staff).exists()
    staff.refresh_from_db()
    assert staff.check_password(NEW)
    assert AuditLog.objects.get(verb="user.password_change").data == {"temporary": True}
    assert "仮パスワードでログインしています" not in user.get(change).content.decode()


def test_the_second_factor_stays_required_and_comes_first(client, cast):
    admin = cast.town.users["admin"]
    second = User.objects.create_user(username="admin2", password="x-unused-pass")
    Membership.objects.create(organization=cast.town.organization, user=second, role=Role.ADMIN)
    TOTPDevice.objects.create(user=second, name="authenticator", confirmed=True)
    password = issue(client, cast, admin, admin=second)
    user = Client()
    user.post(reverse("login"), {"username": admin.username, "password": password})
    for url in (reverse("home"), reverse("password_change")):
        response = user.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify"), url
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_a_one_time_link_also_ends_the_temporary_password(client, cast):
    staff = cast.town.users["staff"]
    issue(client, cast, staff)
    response = client.post(reverse("tenants_admin:user_password_reset", args=[staff.pk]), {"method": "link"})
    link = re.search(r'value="http://testserver(/account/password/[^"]+)"', response.content.decode()).group(1)
    anonymous = Client()
    link = anonymous.get(link, follow=True).redirect_chain[-1][0]
    anonymous.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert not TemporaryPassword.objects.filter(user=staff).exists()
    anonymous.post(reverse("login"), {"username": staff.username, "password": NEW})
    assert anonymous.get(reverse("home")).status_code == 200


def test_any_user_may_change_their_own_password(client, cast):
    council = cast.town.users["council"]
    client.force_login(council)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.check_password(NEW)
    assert AuditLog.objects.get(verb="user.password_change").data == {"temporary": False}


def test_another_towns_user_is_refused(client, cast):
    theirs = cast.other.users["staff"]
    before = theirs.password
    client.force_login(cast.town.users["admin"])
    url = reverse("tenants_admin:user_password_reset", args=[theirs.pk])
    assert client.post(url, {"method": "temporary"}).status_code == 404
    with pytest.raises(Http404):
        user_password_temporary_set(actor=cast.town.actor("admin"), user=theirs)
    theirs.refresh_from_db()
    assert theirs.password == before
    assert not TemporaryPassword.objects.exists()


def test_only_the_admin_issues_one(client, cast):
    client.force_login(cast.town.users["secretariat"])
    url = reverse("tenants_admin:user_password_reset", args=[cast.town.users["staff"].pk])
    assert client.post(url, {"method": "temporary"}).status_code == 403
    assert not TemporaryPassword.objects.exists()


def log_in_with_it(cast, client, subject):
    password = issue(client, cast, subject)
    user = Client()
    response = user.post(reverse("login"), {"username": subject.username, "password": password})
    assert response.status_code == 302
    return user, password


def test_the_new_password_must_differ_from_the_temporary_one(client, cast):
    staff = cast.town.users["staff"]
    user, password = log_in_with_it(cast, client, staff)
    change = reverse("password_change")
    response = user.post(change, {"old_password": password, "new_password1": password, "new_password2": password})
    assert response.status_code == 400
    assert response.context["form"].errors["new_password1"] == ["仮パスワードとは別のパスワードを入力してください。"]
    assert "仮パスワードとは別のパスワードを入力してください。" in response.content.decode()
    assert TemporaryPassword.objects.filter(user=staff).exists(), "still to be changed"
    assert user.get(reverse("home"))["Location"] == change


def test_an_expired_temporary_password_does_not_log_in(client, cast, settings):
    staff = cast.town.users["staff"]
    password = issue(client, cast, staff)
    issued = TemporaryPassword.objects.get(user=staff)
    just_valid = timezone.now() - dt.timedelta(seconds=settings.TEMPORARY_PASSWORD_TIMEOUT - 60)
    TemporaryPassword.objects.filter(pk=issued.pk).update(created_at=just_valid)
    user = Client()
    assert user.post(reverse("login"), {"username": staff.username, "password": password}).status_code == 302
    user.post(reverse("logout"))

    expired = timezone.now() - dt.timedelta(seconds=settings.TEMPORARY_PASSWORD_TIMEOUT + 60)
    TemporaryPassword.objects.filter(pk=issued.pk).update(created_at=expired)
    user = Client()
    response = user.post(reverse("login"), {"username": staff.username, "password": password})
    assert response.status_code == 200, "the login page again"
    wrong = Client().post(reverse("login"), {"username": staff.username, "password": "not-the-password"})
    assert response.context["form"].non_field_errors() == wrong.context["form"].non_field_errors(), "as a wrong one"
    assert user.get(reverse("home")).status_code == 302 and "_auth_user_id" not in user.session

    # The admin issues another: it has its full validity.
    password = issue(client, cast, staff)
    assert TemporaryPassword.objects.get(user=staff).created_at > timezone.now() - dt.timedelta(minutes=1)
    assert Client().post(reverse("login"), {"username": staff.username, "password": password}).status_code == 302


def test_the_default_validity_is_seven_days():
    from config.settings import base

    assert base.TEMPORARY_PASSWORD_TIMEOUT == 7 * 24 * 60 * 60


def test_the_page_shows_it_once_and_a_refresh_issues_no_other(client, cast):
    staff = cast.town.users["staff"]
    password = issue(client, cast, staff)
    shown = reverse("tenants_admin:user_temporary_password", args=[staff.pk])
    again = client.get(shown)
    text = again.content.decode()
    assert again.status_code == 200 and "仮パスワードはもう表示できません" in text
    assert password not in text and 'id="temporary-password"' not in text
    assert AuditLog.objects.filter(verb="user.password_temporary_set").count() == 1, "nothing issued by the GET"
    staff.refresh_from_db()
    assert staff.check_password(password), "the one shown is still the one that works"
    assert "temporary_password_to_show" not in client.session, "no longer kept in the admin's session"


def test_the_page_of_another_user_does_not_show_it(client, cast):
    staff, council = cast.town.users["staff"], cast.town.users["council"]
    client.force_login(cast.town.users["admin"])
    client.post(reverse("tenants_admin:user_password_reset", args=[staff.pk]), {"method": "temporary"})
    page = client.get(reverse("tenants_admin:user_temporary_password", args=[council.pk])).content.decode()
    assert 'id="temporary-password"' not in page and "仮パスワードはもう表示できません" in page


def test_the_shown_page_gives_the_expiry(client, cast):
    client.force_login(cast.town.users["admin"])
    staff = cast.town.users["staff"]
    client.post(reverse("tenants_admin:user_password_reset", args=[staff.pk]), {"method": "temporary"})
    page = client.get(reverse("tenants_admin:user_temporary_password", args=[staff.pk])).content.decode()
    assert "この仮パスワードでログインできるのは" in page


def test_htmx_requests_are_sent_to_the_change_page_as_a_whole(client, cast):
    user, _password = log_in_with_it(cast, client, cast.town.users["staff"])
    response = user.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("password_change")
    assert "Location" not in response
    assert user.get(reverse("home")).status_code == 302, "an ordinary request is still redirected"


def test_htmx_requests_are_sent_to_the_second_factor_as_a_whole(client, cast):
    admin = cast.town.users["admin"]
    TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
    client.post(reverse("login"), {"username": admin.username, "password": PASSWORD})
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("accounts:mfa_verify")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa_verify")


def test_an_admin_cannot_give_themselves_a_temporary_password_and_stays_logged_in(client, cast):
    """Ending one's own sessions before the password is shown would lock the town's admin out."""
    admin = cast.town.users["admin"]
    client.force_login(admin)
    url = reverse("tenants_admin:user_password_reset", args=[admin.pk])
    assert 'value="temporary"' not in client.get(url).content.decode()
    response = client.post(url, {"method": "temporary"})
    assert response.status_code == 400
    assert not TemporaryPassword.objects.filter(user=admin).exists()
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert client.get(reverse("tenants_admin:user_list")).status_code == 200  # still logged in
    actor = cast.town.actor("admin")
    with pytest.raises(Exception, match="自分には仮パスワードを発行できません"):
        user_password_temporary_set(actor=actor, user=admin)


def test_a_temporary_password_not_shown_does_not_stay_in_the_admins_session(client, cast):
    from django.contrib.sessions.models import Session

    from suishin.tenants.views_admin import SESSION_TEMPORARY_PASSWORD

    staff = cast.town.users["staff"]
    client.force_login(cast.town.users["admin"])
    client.post(reverse("tenants_admin:user_password_reset", args=[staff.pk]), {"method": "temporary"})
    assert SESSION_TEMPORARY_PASSWORD in client.session
    client.get(reverse("tenants_admin:user_list"))  # the admin went elsewhere instead of following the redirect
    assert SESSION_TEMPORARY_PASSWORD not in client.session
    stored = [s.get_decoded() for s in Session.objects.all()]
    assert not any(SESSION_TEMPORARY_PASSWORD in data for data in stored)
    page = client.get(reverse("tenants_admin:user_temporary_password", args=[staff.pk])).content.decode()
    assert 'id="temporary-password"' not in page
