"""Plans of 0 to 5 levels and the new admin pages in a real browser: the 神戸市-shaped plan's pages with 4 levels,
the levels and item forms, a temporary password the user must change; every page passes axe and fits 360 px.

Run with: .venv/bin/python -m pytest -q -m browser tests/test_browser_levels.py
"""

import datetime as dt
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from suishin.plans.models import PlanItem
from suishin.plans.services import plan_revision_create
from suishin.plans.tests.factories import make_leveled_plan
from suishin.staff.models import Person, Rank
from suishin.tenants.tests.factories import PASSWORD
from tests.test_browser_admin import BLOCKING_IMPACTS, browser, log_in_admin, new_page  # noqa: F401 - a fixture

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the fixtures' ORM calls run beside Playwright's loop

pytestmark = pytest.mark.browser

KOBE = ["柱", "大項目", "中項目"]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def check_pages(page, pages):
    """Return the axe violations (serious, critical) and the pages wider than 360 px."""
    failures, too_wide = [], {}
    axe = Axe()
    page.set_viewport_size({"width": 1280, "height": 800})
    for name, target in pages:
        response = page.goto(target)
        assert response is not None and response.status == 200, (name, response and response.status)
        for violation in axe.run(page).response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                failures.append(f"{name}: {violation['id']} {[n['target'] for n in violation['nodes']]}")
    page.set_viewport_size({"width": 360, "height": 740})
    for name, target in pages:
        page.goto(target)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    return failures, too_wide


def test_plan_pages_of_every_shape_pass_axe_and_fit_a_phone(live_server, transactional_db, cast, browser):  # noqa: F811
    kobe = make_leveled_plan(cast.town, KOBE, fanout=2, measures=2)
    flat = make_leveled_plan(cast.town, [], measures=3)
    deep = make_leveled_plan(cast.town, ["一", "二", "三", "四", "五"], fanout=1, measures=2)
    revision = plan_revision_create(actor=cast.town.actor("secretariat"), plan=kobe, published_on=dt.date(2023, 4, 1))
    middle = PlanItem.objects.filter(plan=kobe, level=3).first()
    u = live_server.url
    pages = [
        (f"{plan.depth} levels: {name}", u + reverse(url, args=[plan.pk]))
        for plan in (kobe, flat, deep)
        for name, url in [
            ("overview", "plans:plan_detail"),
            ("roadmap", "plans:roadmap"),
            ("measures", "plans:measure_list"),
            ("levels", "plans:plan_levels"),
            ("new measure", "plans:measure_create"),
        ]
    ] + [
        ("new 柱", u + reverse("plans:item_create", args=[kobe.pk])),
        ("new 中項目", u + reverse("plans:item_create", args=[kobe.pk]) + f"?parent={middle.parent_id}"),
        ("edit 中項目", u + reverse("plans:item_edit", args=[middle.pk])),
        ("new goal", u + reverse("plans:goal_create", args=[kobe.pk])),
        ("measure", u + reverse("plans:measure_detail", args=[middle.measures.first().pk])),
        ("revision", u + reverse("plans:revision_detail", args=[revision.pk])),
        ("comparison", u + reverse("plans:revision_comparison", args=[revision.pk])),
        ("roll-over", u + reverse("plans:plan_roll_over", args=[kobe.pk])),
    ]
    context, page = new_page(browser)
    try:
        log_in(page, live_server, cast.town.users["secretariat"])
        failures, too_wide = check_pages(page, pages)
    finally:
        context.close()
    assert not failures, "axe found serious/critical violations:\n" + "\n".join(failures)
    assert not too_wide, f"pages wider than 360px: {too_wide}"


def test_the_secretariat_adds_an_item_with_the_proposed_number_from_the_keyboard(
    live_server,
    transactional_db,
    cast,
    browser,  # noqa: F811
):
    plan = make_leveled_plan(cast.town, KOBE, fanout=2, measures=1)
    pillar = plan.items.get(level=1, number="①")
    context, page = new_page(browser, width=360)
    try:
        log_in(page, live_server, cast.town.users["secretariat"])
        page.goto(live_server.url + reverse("plans:item_create", args=[plan.pk]) + f"?parent={pillar.pk}")
        expect(page.locator("#id_number")).to_have_value("(3)")
        page.focus("#id_title")
        page.keyboard.type("新しい大項目")
        page.keyboard.press("Enter")  # the form submits from the keyboard
        expect(page.get_by_text("大項目を追加しました。")).to_be_visible()
        expect(page.get_by_text("(3) 新しい大項目").first).to_be_visible()
    finally:
        context.close()
    assert plan.items.get(title="新しい大項目").parent == pillar


def test_a_user_given_a_temporary_password_must_change_it_first(live_server, transactional_db, cast, browser):  # noqa: F811
    staff = cast.town.users["staff"]
    context, page = new_page(browser)
    try:
        log_in_admin(page, live_server, cast.town.users["admin"])
        page.goto(live_server.url + reverse("tenants_admin:user_password_reset", args=[staff.pk]))
        page.get_by_label("仮パスワード（次のログインで本人が変更します）").check()
        page.locator("main form button[type=submit]").first.click()
        temporary = page.input_value("#temporary-password")
        assert len(temporary) >= 12
    finally:
        context.close()

    context, page = new_page(browser, width=360)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", staff.username)
        page.fill("#id_password", temporary)
        page.get_by_role("button", name="ログイン", exact=True).click()
        expect(page).to_have_url(live_server.url + reverse("password_change"))
        page.goto(live_server.url + reverse("plans:plan_list"))  # nothing else opens until it is changed
        expect(page).to_have_url(live_server.url + reverse("password_change"))
        blocking = [v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        assert blocking == []
        page.locator("input[type=password]").nth(0).fill(temporary)
        page.locator("input[type=password]").nth(1).fill("a-new-long-pass-2026")
        page.locator("input[type=password]").nth(2).fill("a-new-long-pass-2026")
        page.locator("main form button[type=submit]").first.click()
        expect(page.get_by_text("パスワードを変更しました。")).to_be_visible()
        page.goto(live_server.url + reverse("plans:plan_list"))
        expect(page).to_have_url(live_server.url + reverse("plans:plan_list"))
    finally:
        context.close()


def test_new_staff_pages_pass_axe_and_fit_a_phone(live_server, transactional_db, cast, browser):  # noqa: F811
    rank = Rank.objects.create(organization=cast.town.organization, name="主査", level=40)
    person = Person.objects.create(
        organization=cast.town.organization, name="佐藤 一郎", staff_number="10001", department=cast.town.departments[1]
    )
    u = live_server.url
    pages = [
        ("ranks", u + reverse("staff:rank_list")),
        ("rank new", u + reverse("staff:rank_new")),
        ("rank edit", u + reverse("staff:rank_edit", args=[rank.pk])),
        ("rank delete", u + reverse("staff:rank_delete", args=[rank.pk])),
        ("person login link", u + reverse("staff:person_user_link", args=[person.pk])),
        ("password change", u + reverse("password_change")),
        ("departments with headcount", u + reverse("tenants_admin:department_tree")),
    ]
    context, page = new_page(browser)
    try:
        log_in_admin(page, live_server, cast.town.users["admin"])
        failures, too_wide = check_pages(page, pages)
    finally:
        context.close()
    assert not failures, "axe found serious/critical violations:\n" + "\n".join(failures)
    assert not too_wide, f"pages wider than 360px: {too_wide}"
