"""The admin's journey in a real browser: create a user, who sets a password through the one-time link
and logs in; every admin and staff-register page passes axe and fits a 360 px phone.

Run with: .venv/bin/python -m pytest -q -m browser tests/test_browser_admin.py
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect, sync_playwright

from suishin.staff.models import Person
from suishin.tenants.tests.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the fixtures' ORM calls run beside Playwright's loop

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser():
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


def new_page(browser, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ja-JP")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def log_in_admin(page, live_server, admin):
    """Log in with the password and the second factor (a current TOTP code)."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('accounts:mfa_verify')}")
    device = TOTPDevice.objects.get(user=admin)
    page.fill("#id_token", f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}")
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def admin_pages(live_server, cast, person):
    u = live_server.url
    return [
        ("departments", u + reverse("tenants_admin:department_tree")),
        ("department new", u + reverse("tenants_admin:department_new")),
        ("department edit", u + reverse("tenants_admin:department_edit", args=[cast.town.departments[1].pk])),
        ("department close", u + reverse("tenants_admin:department_close", args=[cast.town.departments[2].pk])),
        ("department merge", u + reverse("tenants_admin:department_merge", args=[cast.town.departments[2].pk])),
        ("users", u + reverse("tenants_admin:user_list")),
        ("user new", u + reverse("tenants_admin:user_new")),
        ("user edit", u + reverse("tenants_admin:user_edit", args=[cast.town.users["staff"].pk])),
        ("password reset", u + reverse("tenants_admin:user_password_reset", args=[cast.town.users["staff"].pk])),
        ("mfa reset", u + reverse("tenants_admin:user_mfa_reset", args=[cast.town.users["staff"].pk])),
        ("settings", u + reverse("tenants_admin:organization_settings")),
        ("staff list", u + reverse("staff:person_list")),
        ("headcount", u + reverse("staff:headcount")),
        ("person", u + reverse("staff:person_detail", args=[person.pk])),
        ("person new", u + reverse("staff:person_new")),
        ("person edit", u + reverse("staff:person_edit", args=[person.pk])),
        ("person login", u + reverse("staff:person_login_new", args=[person.pk])),
        ("staff import", u + reverse("staff:staff_import")),
        ("home with checklist", u + "/"),
    ]


def make_person(cast):
    return Person.objects.create(
        organization=cast.town.organization, name="佐藤 一郎", staff_number="10001", department=cast.town.departments[1]
    )


def test_admin_creates_a_user_who_then_logs_in(live_server, transactional_db, cast, browser):
    context, page = new_page(browser)
    try:
        log_in_admin(page, live_server, cast.town.users["admin"])
        page.get_by_role("link", name="管理：ユーザー").click()
        page.get_by_role("link", name="ユーザーを登録する").click()
        page.fill("#id_username", "tanaka")
        page.fill("#id_full_name", "田中 恵")
        page.get_by_label("担当課").check()
        page.select_option(
            "#id_department", label=f"{cast.town.departments[1].name}（{cast.town.departments[1].code}）"
        )
        page.get_by_role("button", name="登録する").click()
        expect(page.get_by_role("heading", name="ユーザーを登録しました")).to_be_visible()
        link = page.input_value("#password-link")
    finally:
        context.close()

    context, page = new_page(browser)
    try:
        page.goto(link)
        expect(page.get_by_role("heading", name="パスワードを設定する")).to_be_visible()
        assert "/set/" in page.url
        page.fill("#id_new_password1", "a-long-fresh-pass")
        page.fill("#id_new_password2", "a-long-fresh-pass")
        page.get_by_role("button", name="設定する").click()
        page.fill("#id_username", "tanaka")
        page.fill("#id_password", "a-long-fresh-pass")
        page.get_by_role("button", name="ログイン", exact=True).click()
        expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
        assert page.url == f"{live_server.url}/"
    finally:
        context.close()


def test_admin_pages_pass_axe_and_fit_a_phone(live_server, transactional_db, cast, browser):
    person = make_person(cast)
    failures, too_wide = [], {}
    context, page = new_page(browser)
    try:
        log_in_admin(page, live_server, cast.town.users["admin"])
        axe = Axe()
        for name, target in admin_pages(live_server, cast, person):
            response = page.goto(target)
            assert response is not None and response.status == 200, (name, response and response.status)
            for violation in axe.run(page).response["violations"]:
                if violation.get("impact") in BLOCKING_IMPACTS:
                    failures.append(f"{name}: {violation['id']} {[n['target'] for n in violation['nodes']]}")
        page.set_viewport_size({"width": 360, "height": 740})
        for name, target in admin_pages(live_server, cast, person):
            page.goto(target)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[name] = width
    finally:
        context.close()
    assert not failures, "axe found serious/critical violations:\n" + "\n".join(failures)
    assert not too_wide, f"pages wider than 360px: {too_wide}"
