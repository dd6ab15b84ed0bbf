"""A reorganisation in a real browser: an admin prepares the new tree, names a successor, applies it now,
and reads the report; every page passes axe and none scrolls sideways at 360 px.

Run with: .venv/bin/python -m pytest -q -m browser tests/test_browser_reorganisation.py
"""

import os
import re

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from suishin.core.fiscal_year import fiscal_year_of
from suishin.plans.models import MeasureDepartment
from suishin.plans.tests.factories import make_plan
from suishin.reorganisation.models import Reorganisation
from suishin.tenants.models import Department
from suishin.tenants.tests.factories import PASSWORD
from tests.test_browser import BLOCKING_IMPACTS, browser, goto_ok, url  # noqa: F401  (browser: a fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def login_admin(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    device = TOTPDevice.objects.get(user=user)
    page.fill("#id_token", f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}")
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_an_admin_prepares_and_applies_a_reorganisation(live_server, transactional_db, cast, browser):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    year = fiscal_year_of(timezone.localdate())
    current = make_plan(cast.town, start_fy=year, end_fy=year + 4)
    first, second, third = cast.town.departments
    moving = MeasureDepartment.objects.filter(measure__plan=current, department=third).count()
    assert moving

    axe, failures, checked = Axe(), [], []
    context = browser.new_context(locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()

    def check(name):
        checked.append(name)
        for violation in axe.run(page).response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                failures.append(f"{name}: {violation['id']} {[n['target'] for n in violation['nodes']]}")

    try:
        login_admin(page, live_server, cast.town.users["admin"])
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="組織改編").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("組織改編")
        check("list (empty)")
        page.get_by_role("link", name="組織改編を作る").click()
        check("create")
        page.get_by_label("名称").fill("令和8年度組織改編")
        page.get_by_label("施行日").fill(f"{year}-04-01")
        page.get_by_role("button", name="保存する").click()
        expect(page.locator(".messages")).to_contain_text("下書きを作りました")
        check("draft")

        # Rename 第2課, add a new department under 第1課, close 第3課.
        page.get_by_role("link", name=re.compile(f"{second.name}を\\s*変更")).click()
        check("draft department edit")
        page.get_by_label("組織名").fill("デジタル推進課")
        page.get_by_role("button", name="保存する").click()
        page.get_by_role("link", name="課を加える").click()
        page.get_by_label("組織コード").fill("N01")
        page.get_by_label("組織名").fill("情報政策係")
        page.get_by_label("上位組織").select_option(label=first.name)
        page.get_by_role("button", name="保存する").click()
        expect(page.locator(".data-table").first).to_contain_text("情報政策係")
        page.get_by_role("button", name=re.compile(f"{third.name}を\\s*廃止")).click()
        expect(page.locator(".messages")).to_contain_text("引継ぎ先を選んでください")
        check("draft (a department closed)")

        page.get_by_role("link", name="廃止する課の引継ぎ先を選ぶ").click()
        check("successors")
        page.get_by_label(third.name).select_option(label="デジタル推進課")
        page.get_by_role("button", name="保存する").click()
        expect(page.locator(".messages")).to_contain_text("引継ぎ先を保存しました")
        expect(page.locator("main")).to_contain_text("施行できる状態です")
        check("detail (ready)")

        page.get_by_role("checkbox", name="施行する内容を確かめました").check()
        page.get_by_role("button", name="今すぐ施行する").click()
        expect(page.locator(".messages")).to_contain_text("組織改編を施行しました")
        expect(page.locator("main")).to_contain_text("施策の担当課")
        row = page.locator("table", has_text="廃止した課").locator("tbody tr").first
        expect(row).to_contain_text(third.name)
        expect(row).to_contain_text("デジタル推進課")
        expect(row).to_contain_text(str(moving))
        check("detail (report)")

        page.get_by_role("link", name="組織改編").first.click()
        page.get_by_role("link", name="年度ごとの組織を見る").click()
        page.get_by_label("年度").select_option(str(year - 1))
        page.get_by_role("button", name="表示する").click()
        expect(page.locator(".department-tree")).to_contain_text(third.name)
        expect(page.locator(".department-tree")).not_to_contain_text("デジタル推進課")
        check("tree (last year)")

        reorganisation = Reorganisation.objects.get(organization=cast.town.organization)
        assert reorganisation.is_applied
        assert Department.objects.get(pk=third.pk).is_closed
        assert not MeasureDepartment.objects.filter(measure__plan=current, department=third).exists()

        # The same pages on a 360 px wide phone.
        page.set_viewport_size({"width": 360, "height": 740})
        too_wide = {}
        for name, target in [
            ("list", url(live_server, "reorganisation:list")),
            ("detail", url(live_server, "reorganisation:detail", reorganisation.pk)),
            ("tree", url(live_server, "reorganisation:tree")),
        ]:
            goto_ok(page, target)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[name] = width
        assert not too_wide, f"pages wider than 360px: {too_wide}"
    finally:
        context.close()
    assert len(checked) >= 8
    assert not failures, "axe found serious/critical violations:\n" + "\n".join(failures)


def test_the_draft_pages_fit_a_phone(live_server, transactional_db, cast, browser):  # noqa: F811
    from suishin.reorganisation.tests.access_cases import draft_of

    reorganisation = draft_of(cast.town)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    try:
        page = context.new_page()
        login_admin(page, live_server, cast.town.users["admin"])
        too_wide = {}
        node = reorganisation.draft_departments.first()
        for name, target in [
            ("draft", url(live_server, "reorganisation:draft", reorganisation.pk)),
            ("detail", url(live_server, "reorganisation:detail", reorganisation.pk)),
            ("successors", url(live_server, "reorganisation:mapping", reorganisation.pk)),
            ("import", url(live_server, "reorganisation:import", reorganisation.pk)),
            ("node edit", url(live_server, "reorganisation:node_edit", node.pk)),
        ]:
            goto_ok(page, target)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[name] = width
        assert not too_wide, f"pages wider than 360px: {too_wide}"
    finally:
        context.close()
