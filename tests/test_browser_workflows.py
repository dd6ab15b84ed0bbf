"""Today's workflow pages in a real browser: a plan revision from 改定案 to 決定 with a 差戻し on the way
(two people, two browser contexts), its 新旧対照表, and rolling a plan over into the next period with the
report of what was carried. Every page passes axe (no serious or critical violation), its main actions
are reached with Tab and taken with Enter, and none scrolls sideways at 360 px (a wide table scrolls
inside its own .table-scroll box).

Run with: .venv/bin/python -m pytest -q -m browser tests/test_browser_workflows.py
"""

import datetime as dt
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from suishin.plans import services
from suishin.plans.models import Plan, PlanRevision
from suishin.plans.tests.factories import decided_revision, make_plan
from suishin.workflows.models import TransitionRecord
from tests.test_browser import BLOCKING_IMPACTS, browser, goto_ok, login, url  # noqa: F401  (browser: a fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


# --- helpers --------------------------------------------------------------------------------


class Checks:
    """axe on each page visited, and the width of each page at 360 px; failures are collected and
    reported together at the end of a test."""

    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []
        self.failures: list[str] = []
        self.too_wide: dict[str, object] = {}

    def axe_check(self, page, name):
        self.checked.append(name)
        for violation in self.axe.run(page).response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                self.failures.append(f"{name} [{page.url}]: {violation['id']} ({violation['impact']}) {targets}")

    def width_check(self, page, name):
        """The page does not scroll sideways at 360 px; anything wider lies inside a .table-scroll box."""
        size = page.viewport_size
        assert size and size["width"] == PHONE["width"], size
        found = page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const wide = [...document.querySelectorAll('body *')].filter(e => {
                    if (e.closest('.table-scroll, .visually-hidden, .skip-link')) return false;
                    const box = e.getBoundingClientRect();
                    return box.width > 0 && box.right > width + 1;
                }).slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}`);
                return {scroll: document.documentElement.scrollWidth, width, wide};
            }"""
        )
        if found["scroll"] > PHONE["width"] or found["wide"]:
            self.too_wide[name] = found
        for box in page.locator("main .table-scroll").all():
            overflow = box.evaluate("e => getComputedStyle(e).overflowX")
            assert overflow == "auto", (name, overflow)

    def assert_clean(self, at_least):
        assert len(self.checked) >= at_least, self.checked
        assert not self.failures, "axe found serious/critical violations:\n" + "\n".join(self.failures)
        assert not self.too_wide, f"pages wider than 360px (outside .table-scroll): {self.too_wide}"


def tab_to(page, target, limit=200):
    """Press Tab from the top of the page until `target` has the focus (as a keyboard user would)."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.locator("body").evaluate(
        "b => { b.setAttribute('tabindex', '-1'); b.focus(); b.removeAttribute('tabindex'); }"
    )
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("e => e === document.activeElement", handle):
            return
    raise AssertionError(f"{target} is not reached with Tab")


def press(page, target):
    """Tab to `target` and press Enter on it."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def new_page(browser, viewport=None):  # noqa: F811
    context = browser.new_context(locale="ja-JP", **({"viewport": viewport} if viewport else {}))
    context.set_default_timeout(15_000)
    return context, context.new_page()


def transition_form(page, label):
    """The form of one workflow action on a revision's page, found by its button."""
    return page.locator("form.transition-form", has=page.get_by_role("button", name=label, exact=True))


def bell(page):
    return page.locator(".site-user a.notice-bell")


# --- 1. a revision from 改定案 to 決定 --------------------------------------------------------


def test_a_revision_is_submitted_returned_resubmitted_and_decided(live_server, transactional_db, cast, plan, browser):  # noqa: F811
    checks = Checks()
    secretariat_context, sec = new_page(browser)
    committee_context, com = new_page(browser)
    try:
        # The secretariat proposes a 改定案 on the revision list, with the keyboard.
        login(sec, live_server, cast.town.users["secretariat"])
        goto_ok(sec, url(live_server, "plans:revision_list", plan.pk))
        sec.get_by_label("決定する会議体").fill("行政改革推進本部")
        sec.get_by_label("改定の概要").fill("施策の見直し")
        press(sec, sec.get_by_role("button", name="改定案を作る"))
        expect(sec.locator(".messages")).to_contain_text("第1版の改定案を作りました")
        revision = PlanRevision.objects.get(plan=plan)
        revision_url = url(live_server, "plans:revision_detail", revision.pk)
        expect(sec).to_have_url(revision_url)
        expect(sec.locator(".meta .status")).to_have_text("下書き")
        expect(sec.locator(".timeline")).to_contain_text("まだ記録はありません。")
        checks.axe_check(sec, "revision (draft, secretariat)")

        press(sec, sec.get_by_role("button", name="提出する", exact=True))
        expect(sec.locator(".messages")).to_contain_text("第1版：決定待ちにしました。")
        expect(sec.locator(".meta .status")).to_have_text("決定待ち")
        # Four eyes: whoever submitted does not record the decision.
        expect(sec.get_by_role("button", name="決定を記録する")).to_have_count(0)
        expect(sec.get_by_role("link", name="改定案を編集")).to_have_count(0)
        checks.axe_check(sec, "revision (submitted, secretariat)")

        # The committee member: the to-do on the home page, the bell, the notices and mail settings.
        login(com, live_server, cast.town.users["committee"])
        todo = com.locator("section", has=com.get_by_role("heading", name="あなたの作業"))
        card = todo.locator(".card", has=com.locator(f'a[href="{revision.get_absolute_url()}"]'))
        expect(card).to_have_count(1)
        expect(card).to_contain_text("決定待ち")
        expect(card.locator(".badge", has_text="決定を記録する")).to_have_count(1)
        expect(bell(com)).to_have_attribute("aria-label", re.compile(r"未読 1 件"))
        checks.axe_check(com, "home (to-do, committee)")

        press(com, bell(com))
        expect(com).to_have_url(url(live_server, "notices:notice_list"))
        notice = com.locator(".notice--unread", has=com.locator(f'a[href="{revision.get_absolute_url()}"]'))
        expect(notice).to_have_count(1)
        expect(notice).to_contain_text("決定待ち")
        checks.axe_check(com, "notices (one unread)")
        press(com, com.get_by_role("link", name="メール通知の設定"))
        expect(com).to_have_url(url(live_server, "notices:mail_preferences"))
        expect(com.get_by_role("heading", level=1)).to_have_text("メール通知の設定")
        checks.axe_check(com, "mail preferences")
        goto_ok(com, url(live_server, "notices:notice_list"))
        press(com, notice.locator(".notice__summary a"))
        expect(com).to_have_url(revision_url)
        expect(com.get_by_role("button", name="決定を記録する")).to_have_count(1)
        checks.axe_check(com, "revision (submitted, committee)")

        # 差し戻す without a reason: the browser asks for one, and a reason of blanks is refused.
        form = transition_form(com, "差し戻す")
        reason = form.get_by_label("差し戻す理由（必須）")
        press(com, form.get_by_role("button", name="差し戻す"))
        expect(com).to_have_url(revision_url)
        assert reason.evaluate("e => !e.validity.valid && e.validationMessage !== ''")
        reason.fill("   ")
        press(com, form.get_by_role("button", name="差し戻す"))
        expect(com.locator(".messages")).to_contain_text("「差し戻す」には理由を書いてください。")
        expect(com.locator(".meta .status")).to_have_text("決定待ち")
        assert not TransitionRecord.objects.filter(object_id=revision.pk, action="return").exists()
        checks.axe_check(com, "revision (return refused)")

        tab_to(com, transition_form(com, "差し戻す").get_by_label("差し戻す理由（必須）"))
        com.keyboard.type("改定日を4月1日にしてください")
        com.keyboard.press("Tab")
        com.keyboard.press("Enter")
        expect(com.locator(".messages")).to_contain_text("第1版：差戻しにしました。")
        expect(com.locator(".meta .status")).to_have_text("差戻し")
        expect(com.get_by_role("button", name="決定を記録する")).to_have_count(0)
        checks.axe_check(com, "revision (returned, committee)")

        # The secretariat reads the return in the notices, corrects and resubmits.
        goto_ok(sec, f"{live_server.url}/")
        expect(bell(sec)).to_have_attribute("aria-label", re.compile(r"未読 1 件"))
        checks.axe_check(sec, "home (to-do, secretariat)")
        press(sec, bell(sec))
        notice = sec.locator(".notice--unread", has=sec.locator(f'a[href="{revision.get_absolute_url()}"]'))
        expect(notice).to_contain_text("差戻し")
        expect(notice).not_to_contain_text("改定日を4月1日にしてください")
        checks.axe_check(sec, "notices (a return)")
        press(sec, notice.locator(".notice__summary a"))
        expect(sec).to_have_url(revision_url)
        expect(sec.locator(".timeline")).to_contain_text("改定日を4月1日にしてください")
        checks.axe_check(sec, "revision (returned, secretariat)")

        press(sec, sec.get_by_role("link", name="改定案を編集"))
        expect(sec.get_by_role("heading", level=1)).to_have_text("第1版の改定案を編集")
        april = dt.date(timezone.localdate().year + 1, 4, 1)
        sec.get_by_label("改定日").fill(april.isoformat())
        checks.axe_check(sec, "revision edit")
        press(sec, sec.get_by_role("button", name="保存する"))
        expect(sec.locator(".messages")).to_contain_text("改定案を保存しました。")
        press(sec, sec.get_by_role("button", name="提出する", exact=True))
        expect(sec.locator(".messages")).to_contain_text("第1版：決定待ちにしました。")

        # The committee member records the decision.
        goto_ok(com, revision_url)
        expect(com.locator(".meta .status")).to_have_text("決定待ち")
        press(com, com.get_by_role("button", name="決定を記録する"))
        expect(com.locator(".messages")).to_contain_text("第1版：決定にしました。")
        expect(com.locator(".meta .status")).to_have_text("決定")
        expect(com.get_by_role("button", name="再開する")).to_have_count(0)
        checks.axe_check(com, "revision (decided, committee)")
        revision.refresh_from_db()
        assert revision.status == PlanRevision.Status.APPROVED and revision.published_on == april

        # The timeline shows each step, oldest first; only the secretariat may reopen.
        goto_ok(sec, revision_url)
        steps = sec.locator(".timeline-list > li")
        expect(steps).to_have_count(4)
        expect(steps.locator(".timeline-action")).to_have_text(["提出", "差戻し", "提出", "決定"])
        expect(steps.nth(1)).to_contain_text("改定日を4月1日にしてください")
        expect(steps.nth(1)).to_contain_text("決定待ち → 差戻し")
        expect(steps.nth(3)).to_contain_text("決定待ち → 決定")
        reopen = transition_form(sec, "再開する")
        expect(reopen).to_have_count(1)
        expect(reopen.get_by_label("再開する理由（必須）")).to_be_visible()
        tab_to(sec, reopen.get_by_role("button", name="再開する"))
        checks.axe_check(sec, "revision (decided, secretariat)")

        # The same pages on a 360 px wide phone.
        for page, pages in [
            (
                sec,
                [
                    ("revision (decided, secretariat)", revision_url),
                    ("revision list", url(live_server, "plans:revision_list", plan.pk)),
                    ("notices (secretariat)", url(live_server, "notices:notice_list")),
                ],
            ),
            (
                com,
                [
                    ("revision (decided, committee)", revision_url),
                    ("home (committee)", f"{live_server.url}/"),
                    ("notices (committee)", url(live_server, "notices:notice_list")),
                    ("mail preferences", url(live_server, "notices:mail_preferences")),
                ],
            ),
        ]:
            page.set_viewport_size(PHONE)
            for name, target in pages:
                goto_ok(page, target)
                checks.width_check(page, name)
    finally:
        secretariat_context.close()
        committee_context.close()
    checks.assert_clean(at_least=13)


def test_a_revision_waiting_for_a_decision_fits_a_phone(live_server, transactional_db, cast, plan, browser):  # noqa: F811
    """The pages with the to-do, the unread notice and the open forms, at 360 px."""
    revision = services.plan_revision_create(
        actor=cast.town.actor("secretariat"),
        plan=plan,
        published_on=timezone.localdate(),
        decided_by="行政改革推進本部（デジタル・トランスフォーメーション推進委員会）",
        note="施策の見直し",
    )
    services.plan_revision_transition(actor=cast.town.actor("secretariat"), revision=revision, action="submit")
    checks = Checks()
    context, page = new_page(browser, PHONE)
    try:
        login(page, live_server, cast.town.users["committee"])
        for name, target in [
            ("home (to-do)", f"{live_server.url}/"),
            ("notices (unread)", url(live_server, "notices:notice_list")),
            ("revision (submitted)", url(live_server, "plans:revision_detail", revision.pk)),
        ]:
            goto_ok(page, target)
            checks.width_check(page, name)
            checks.axe_check(page, f"{name} at 360px")
        # The action buttons are within the screen's width, and reached with Tab.
        for label in ("決定を記録する", "差し戻す"):
            button = page.get_by_role("button", name=label, exact=True)
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (label, box)
            tab_to(page, button)
    finally:
        context.close()
    checks.assert_clean(at_least=3)


# --- 2. the 新旧対照表, and the next plan ---------------------------------------------------


def test_the_comparison_of_a_revision(live_server, transactional_db, cast, plan, browser):  # noqa: F811
    actor = cast.town.actor("secretariat")
    first = decided_revision(cast.town, plan, timezone.localdate(), decided_by="行政改革推進本部", note="初版")
    services.goal_create(actor=actor, plan=plan, title="職員にとっては働きやすい職場")
    area = plan.items.first()
    services.plan_item_update(
        actor=actor,
        item=area,
        title=area.title,
        description="説明を見直しました。" * 12,
        cross_cutting=area.cross_cutting,
        position=area.position,
        version=area.version,
    )
    draft = services.plan_revision_create(
        actor=actor, plan=plan, published_on=timezone.localdate(), note="取組目標を加えました"
    )
    checks = Checks()
    context, page = new_page(browser)
    try:
        login(page, live_server, cast.town.users["secretariat"])
        goto_ok(page, url(live_server, "plans:revision_detail", draft.pk))
        press(page, page.get_by_role("link", name="新旧対照表と改定の理由"))
        expect(page).to_have_url(url(live_server, "plans:revision_comparison", draft.pk))
        table = page.locator("table.comparison-table")
        expect(table.locator("thead th")).to_have_count(4)
        expect(table.locator("thead th").nth(1)).to_contain_text("第1版")
        expect(table).to_contain_text("職員にとっては働きやすい職場")
        expect(page.locator("main")).to_contain_text("取組目標を加えました")
        checks.axe_check(page, "comparison (draft, with reasons)")

        # Per-change reasons are written on the page and saved with the keyboard.
        reasons = table.locator("tbody textarea")
        assert reasons.count() >= 2
        tab_to(page, reasons.first)
        page.keyboard.type("職員の視点を加えるため")
        press(page, page.get_by_role("button", name="改定の理由を保存"))
        expect(page.locator(".messages")).to_be_visible()
        expect(table.locator("tbody textarea").first).to_have_value("職員の視点を加えるため")
        checks.axe_check(page, "comparison (reasons saved)")

        # A decided revision's comparison is read only.
        goto_ok(page, url(live_server, "plans:revision_comparison", first.pk))
        expect(page.locator("main textarea")).to_have_count(0)
        expect(page.get_by_role("button", name="改定の理由を保存")).to_have_count(0)
        checks.axe_check(page, "comparison (decided)")
        press(page, page.get_by_role("link", name="第1版に戻る"))
        expect(page).to_have_url(url(live_server, "plans:revision_detail", first.pk))

        page.set_viewport_size(PHONE)
        for name, target in [
            ("comparison (draft)", url(live_server, "plans:revision_comparison", draft.pk)),
            ("comparison (decided)", url(live_server, "plans:revision_comparison", first.pk)),
        ]:
            goto_ok(page, target)
            checks.width_check(page, name)
        # The four-column table is wider than the phone: it scrolls inside its own box, which a
        # keyboard user can focus to scroll.
        goto_ok(page, url(live_server, "plans:revision_comparison", draft.pk))
        scroll = page.locator("main .table-scroll")
        expect(scroll).to_have_count(1)
        tab_to(page, scroll)
        checks.axe_check(page, "comparison (draft) at 360px")
    finally:
        context.close()
    checks.assert_clean(at_least=4)


def test_a_plan_is_rolled_over_and_its_carry_report_read_and_closed(live_server, transactional_db, cast, browser):  # noqa: F811
    old = make_plan(cast.town, measures=4, areas=2, start_fy=2021, end_fy=2025)
    closed = cast.town.departments[2]
    closed.closed_on = dt.date(2023, 3, 31)
    closed.save(update_fields=["closed_on"])
    checks = Checks()
    context, page = new_page(browser)
    try:
        login(page, live_server, cast.town.users["secretariat"])
        goto_ok(page, url(live_server, "plans:plan_detail", old.pk))
        press(page, page.get_by_role("link", name="次期計画へ引き継ぐ"))
        expect(page).to_have_url(url(live_server, "plans:plan_roll_over", old.pk))
        expect(page.get_by_label("次期計画の計画名")).to_have_value(old.title)
        expect(page.get_by_label("計画期間（開始年度）")).to_have_value("2026")
        checks.axe_check(page, "roll over")

        # A period that ends before it starts is refused, with the error summary.
        page.get_by_label("次期計画の計画名").fill("")
        page.get_by_label("計画期間（開始年度）").fill("2028")
        page.get_by_label("計画期間（終了年度）").fill("2024")
        press(page, page.get_by_role("button", name="次期計画を作る"))
        expect(page.locator(".form-error-summary")).to_be_visible()
        expect(page.locator("main")).to_contain_text("終了年度は開始年度以降にしてください。")
        checks.axe_check(page, "roll over (errors)")

        # Overlapping the old period: the first year's spans are left behind, the others clipped,
        # and the closed department's measures lose that owner.
        page.get_by_label("次期計画の計画名").fill("上里町第2期DX推進計画")
        page.get_by_label("計画期間（開始年度）").fill("令和6年度")
        page.get_by_label("計画期間（終了年度）").fill("2028")
        press(page, page.get_by_role("button", name="次期計画を作る"))
        expect(page.locator(".messages")).to_contain_text("計画「上里町第2期DX推進計画」を作りました。")
        new = Plan.objects.get(title="上里町第2期DX推進計画")
        assert (new.start_fy, new.end_fy, new.based_on_id) == (2024, 2028, old.pk)
        expect(page).to_have_url(url(live_server, "plans:plan_detail", new.pk))
        report = page.locator("section.carry-report")
        expect(report.get_by_role("heading", name="引き継ぎの報告")).to_be_visible()
        expect(report).to_contain_text("施策 4 件")
        expect(report).to_contain_text("期間を縮めました")
        expect(report).to_contain_text("引き継いでいません")
        expect(report).to_contain_text(closed.name)
        expect(report.locator("tbody tr")).to_have_count(4)
        checks.axe_check(page, "new plan (carry report)")

        page.set_viewport_size(PHONE)
        for name, target in [
            ("roll over", url(live_server, "plans:plan_roll_over", old.pk)),
            ("new plan (carry report)", url(live_server, "plans:plan_detail", new.pk)),
        ]:
            goto_ok(page, target)
            checks.width_check(page, name)
        checks.axe_check(page, "new plan (carry report) at 360px")
        tab_to(page, report.locator(".table-scroll"))

        press(page, report.get_by_role("button", name="この報告を閉じる"))
        expect(page.locator(".messages")).to_contain_text("引き継ぎの報告を閉じました。")
        expect(page.locator("section.carry-report")).to_have_count(0)
        new.refresh_from_db()
        assert new.carry_report == {}
        checks.axe_check(page, "new plan (report closed)")
    finally:
        context.close()
    checks.assert_clean(at_least=5)
