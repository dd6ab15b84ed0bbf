import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from suishin.core.models import AuditLog
from suishin.tenants.tests.factories import PASSWORD


def test_login_and_logout_are_audited(client, cast):
    user = cast.town.users["secretariat"]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditLog.objects.filter(verb="auth.login", actor=user, organization=cast.town.organization).exists()
    client.post(reverse("logout"))
    assert AuditLog.objects.filter(verb="auth.logout", actor=user).exists()
    assert client.get(reverse("home")).status_code == 302


def test_failed_login_is_audited_with_a_neutralised_username(client, cast):
    response = client.post(reverse("login"), {"username": "evil\r\nforged", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()
    entry = AuditLog.objects.get(verb="auth.login_failed")
    assert entry.data["username"] == "evil forged"  # CRLF became LF in the form, then a space


@pytest.mark.parametrize("password", ["short7!", "password123", "12345678901"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_long_passphrases_are_accepted():
    validate_password("長い合言葉でも大丈夫 correct horse battery staple 64 characters okay!!")
    with pytest.raises(ValidationError):
        validate_password("x" * 129)


OFF_HOST = ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("next_url", OFF_HOST)
def test_login_never_redirects_off_host(client, cast, next_url):
    user = cast.town.users["staff"]
    response = client.post(
        reverse("login") + "?next=" + next_url, {"username": user.username, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_english_is_available(client, cast):
    client.force_login(cast.town.users["staff"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html
    assert "Home" in html


def test_user_without_organization_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password=PASSWORD)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 403


def test_audit_log_is_append_only(cast):
    entry = AuditLog.objects.create(verb="x")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(verb="y")


def test_japanese_is_the_default_whatever_the_browser_says(client, cast):
    client.force_login(cast.town.users["staff"])
    html = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="ja"' in html
    assert 'lang="en">English</button>' in html  # the switch names the other language in itself


def test_repeated_failures_lock_out_and_are_logged(client, cast, settings):
    user = cast.town.users["staff"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert AuditLog.objects.filter(verb="auth.locked_out", data__username=user.username).exists()
    assert client.get(reverse("home")).status_code == 302
