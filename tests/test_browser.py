"""End-to-end checks in a real browser: Debian chromium driven by Playwright against `live_server`.

Run with: .venv/bin/python -m pytest -q -m browser tests/test_browser.py
"""

import io
import os
import re

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from suishin.plans import services
from suishin.plans.models import Measure
from suishin.tenants.tests.factories import PASSWORD

# Playwright's sync API runs an asyncio loop in this thread; the ORM calls of the fixtures
# would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, locale="ja-JP")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def axe():
    return Axe()


def url(live_server, name, *args, query=""):
    return f"{live_server.url}{reverse(name, args=args)}{query}"


def login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    assert page.url == f"{live_server.url}/"


def goto_ok(page, target):
    response = page.goto(target)
    assert response is not None and response.status == 200, f"{target} answered {response and response.status}"
    return response


def measures_of(plan):
    return list(Measure.objects.filter(plan=plan).prefetch_related("ownerships").order_by("number"))


def bad_header_workbook() -> bytes:
    """An .xlsx that opens, but whose header row is not the 工程表 layout."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.cell(1, 1, "工程表")
    for column, text in enumerate(["番号", "分野", "施策名", "課"], start=1):
        sheet.cell(2, column, text)
    sheet.cell(3, 1, "1-1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def visit_plan_pages(page, live_server, cast, plan, check):
    """Visit every page of the plans app as the secretariat, calling check(page, name) on each.

    Starts logged out (login page, login page with errors), then logs in through the form.
    """
    secretariat = cast.town.users["secretariat"]
    actor = cast.town.actor("secretariat")
    measure = measures_of(plan)[0]
    entry = measure.roadmap_entries.order_by("start_fy").first()
    goal = plan.goals.first()
    area = plan.items.first()

    # Logged out: the login page, then the login page with its error summary.
    goto_ok(page, f"{live_server.url}/login/")
    check(page, "login")
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.locator(".form-error-summary")).to_be_visible()
    check(page, "login (empty submit)")

    login(page, live_server, secretariat)
    check(page, "home")

    pages = [
        ("plan list", url(live_server, "plans:plan_list")),
        ("plan create", url(live_server, "plans:plan_create")),
        ("plan overview", url(live_server, "plans:plan_detail", plan.pk)),
        ("plan edit", url(live_server, "plans:plan_edit", plan.pk)),
        ("goal create", url(live_server, "plans:goal_create", plan.pk)),
        ("goal edit", url(live_server, "plans:goal_edit", goal.pk)),
        ("area create", url(live_server, "plans:item_create", plan.pk)),
        ("area edit", url(live_server, "plans:item_edit", area.pk)),
        ("measure list", url(live_server, "plans:measure_list", plan.pk)),
        (
            "measure list (filtered)",
            url(live_server, "plans:measure_list", plan.pk, query=f"?department={cast.town.departments[1].pk}"),
        ),
        ("measure create", url(live_server, "plans:measure_create", plan.pk)),
        ("measure detail", url(live_server, "plans:measure_detail", measure.pk)),
        ("measure edit", url(live_server, "plans:measure_edit", measure.pk)),
        ("roadmap entry create", url(live_server, "plans:roadmap_entry_create", measure.pk)),
        ("roadmap entry edit", url(live_server, "plans:roadmap_entry_edit", entry.pk)),
        ("measure delete (confirm)", url(live_server, "plans:measure_delete", measure.pk)),
        ("工程表", url(live_server, "plans:roadmap", plan.pk)),
        (
            "工程表 (filtered)",
            url(live_server, "plans:roadmap", plan.pk, query=f"?department={cast.town.departments[2].pk}"),
        ),
        ("工程表 import", url(live_server, "plans:roadmap_import", plan.pk)),
        ("revision list (empty)", url(live_server, "plans:revision_list", plan.pk)),
        ("revision create", url(live_server, "plans:revision_create", plan.pk)),
    ]
    for name, target in pages:
        goto_ok(page, target)
        check(page, name)

    # Forms submitted empty show their error summary.
    for name, target in [
        ("plan create (empty submit)", url(live_server, "plans:plan_create")),
        ("goal create (empty submit)", url(live_server, "plans:goal_create", plan.pk)),
        ("measure create (empty submit)", url(live_server, "plans:measure_create", plan.pk)),
        ("roadmap import (empty submit)", url(live_server, "plans:roadmap_import", plan.pk)),
    ]:
        goto_ok(page, target)
        page.locator("main form[method=post]").first.locator("button[type=submit]").first.click()
        expect(page.locator(".form-error-summary")).to_be_visible()
        check(page, name)

    # The import page after a bad file: one that is not .xlsx, one whose headers are wrong.
    import_url = url(live_server, "plans:roadmap_import", plan.pk)
    goto_ok(page, import_url)
    page.set_input_files(
        "#id_file", files=[{"name": "roadmap.xlsx", "mimeType": "text/plain", "buffer": "施策番号,施策\n".encode()}]
    )
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".form-error-summary")).to_contain_text("Excelファイル")
    check(page, "roadmap import (not an xlsx)")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "roadmap.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": bad_header_workbook(),
            }
        ],
    )
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".import-problems li").first).to_be_visible()
    check(page, "roadmap import (problems)")

    # Propose a revision through the UI, then change the plan so a comparison has results.
    goto_ok(page, url(live_server, "plans:revision_list", plan.pk))
    page.fill("#id_decided_by", "行政改革推進本部")
    page.fill("#id_note", "初版")
    page.get_by_role("button", name="改定案を作る").click()
    expect(page.locator(".messages")).to_contain_text("第1版")
    goto_ok(page, url(live_server, "plans:revision_list", plan.pk))
    check(page, "revision list (one revision)")
    revision = plan.revisions.get(number=1)

    services.goal_create(actor=actor, plan=plan, title="職員にとっては働きやすい職場")
    services.plan_item_update(
        actor=actor,
        item=area,
        title=area.title,
        description="説明を見直しました",
        cross_cutting=area.cross_cutting,
        position=area.position,
        version=area.version,
    )
    services.roadmap_entry_delete(actor=actor, entry=measure.roadmap_entries.exclude(pk=entry.pk).first())

    page.get_by_role("link", name="第1版").first.click()
    expect(page).to_have_url(url(live_server, "plans:revision_detail", revision.pk))
    check(page, "revision detail")

    goto_ok(page, url(live_server, "plans:revision_compare", plan.pk, query=f"?old={revision.pk}&new=current"))
    expect(page.locator(".diff-list .diff-added").first).to_be_visible()
    expect(page.locator(".diff-list .diff-removed").first).to_be_visible()
    expect(page.locator(".diff-list .diff-changed").first).to_be_visible()
    check(page, "revision compare")

    # The error page (a plan that does not exist).
    response = page.goto(url(live_server, "plans:plan_detail", 999_999))
    assert response.status == 404
    check(page, "404 page")


def visit_admin_pages(page, live_server, cast, check):
    """Log in as an admin: second-factor setup and verification, then the audit log."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from suishin.tenants.models import Membership, Role

    page.context.clear_cookies()
    newcomer = type(cast.town.users["admin"]).objects.create_user(username="new-admin", password=PASSWORD)
    Membership.objects.create(organization=cast.town.organization, user=newcomer, role=Role.ADMIN)
    goto_ok(page, f"{live_server.url}/login/")
    page.fill("#id_username", newcomer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(url(live_server, "accounts:mfa_setup"))
    check(page, "MFA setup")
    device = TOTPDevice.objects.get(user=newcomer)
    page.fill("#id_token", f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}")
    page.get_by_role("button", name="設定する").click()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    check(page, "MFA backup codes")
    goto_ok(page, url(live_server, "audit_log"))
    check(page, "audit log")

    page.context.clear_cookies()
    goto_ok(page, f"{live_server.url}/login/")
    page.fill("#id_username", newcomer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(url(live_server, "accounts:mfa_verify"))
    check(page, "MFA verify")


# --- 1. the secretariat's journey -----------------------------------------------------------


def test_secretariat_adds_a_measure_and_a_span_and_downloads_the_roadmap(
    live_server, transactional_db, cast, plan, page, tmp_path
):
    title, label = "電子申請の拡充（ブラウザ試験）", "オンライン申請の導入"
    login(page, live_server, cast.town.users["secretariat"])

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="計画・工程表").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)

    page.get_by_role("link", name="施策を追加", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("施策を追加")
    page.get_by_label("施策名").fill(title)
    page.get_by_label("重点取組事項", exact=False).first.select_option(label="重点取組事項2")
    page.get_by_role("checkbox", name=cast.town.departments[2].name).check()
    page.get_by_role("radio", name="DX", exact=True).check()
    page.get_by_label("課題").fill("窓口でしか申請できない")
    page.get_by_label("想定される要因・根拠").fill("紙の様式が前提になっている")
    page.get_by_label("具体的な取組内容").fill("ぴったりサービスで申請を受け付ける")
    page.get_by_label("効果見込み・目標").fill("来庁せずに申請できる手続を増やす")
    page.get_by_role("button", name="保存する").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator(".messages")).to_contain_text(title)
    measure = Measure.objects.get(plan=plan, title=title)
    assert measure.item.title == "重点取組事項2"
    assert measure.stage == "transformation"
    assert list(measure.ownerships.values_list("department_id", flat=True)) == [cast.town.departments[2].pk]
    expect(page.locator(".logic-model")).to_contain_text("ぴったりサービスで申請を受け付ける")

    page.get_by_role("link", name="工程を追加").click()
    page.get_by_label("取組内容（工程表に表示する文言）").fill(label)
    page.get_by_label("開始年度").select_option("2022")
    page.get_by_label("終了年度").select_option("2024")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("工程を追加しました")
    expect(page.locator(".data-table")).to_contain_text(label)

    page.locator(".plan-tabs").get_by_role("link", name="工程表").click()
    bar = page.locator(".roadmap-bar", has_text=label)
    expect(bar).to_have_count(1)
    assert bar.locator("xpath=ancestor::td[1]").get_attribute("colspan") == "3"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excelでダウンロード").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".xlsx"

    sheet = openpyxl.load_workbook(saved).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert title in cells, "the new measure's title is not in the sheet"
    assert label in cells, "the new span's label is not in the sheet"
    span = cells[label]
    assert span.row == cells[title].row
    assert str(sheet.cell(2, span.column).value).startswith("2022年度")
    merged = [r for r in sheet.merged_cells.ranges if span.coordinate in r]
    assert len(merged) == 1, "a span over three years must be one merged range"
    assert (merged[0].min_row, merged[0].max_row) == (span.row, span.row)
    assert merged[0].max_col - merged[0].min_col + 1 == 3
    assert str(sheet.cell(2, merged[0].max_col).value).startswith("2024年度")


# --- 2. a department edits only its own measures --------------------------------------------


def test_department_user_cannot_edit_another_departments_measure(live_server, transactional_db, cast, plan, page):
    own_department = cast.town.departments[1]
    measures = measures_of(plan)
    foreign = next(m for m in measures if own_department.pk not in {o.department_id for o in m.ownerships.all()})
    own = next(m for m in measures if own_department.pk in {o.department_id for o in m.ownerships.all()})

    login(page, live_server, cast.town.users["department"])

    response = page.goto(url(live_server, "plans:measure_edit", foreign.pk))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("この操作を行う権限がありません。")
    expect(page.locator("#id_title")).to_have_count(0)

    goto_ok(page, url(live_server, "plans:measure_detail", foreign.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(foreign.title)
    expect(page.get_by_role("link", name="施策を編集")).to_have_count(0)
    expect(page.get_by_role("link", name="工程を追加")).to_have_count(0)

    goto_ok(page, url(live_server, "plans:measure_detail", own.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(own.title)
    expect(page.get_by_role("link", name="施策を編集")).to_have_count(1)
    page.get_by_role("link", name="施策を編集").click()
    expect(page).to_have_url(url(live_server, "plans:measure_edit", own.pk))
    expect(page.locator("#id_title")).to_have_value(own.title)


# --- 3. accessibility -----------------------------------------------------------------------


def test_no_serious_or_critical_axe_violations(live_server, transactional_db, cast, plan, page, axe):
    checked, failures = [], []

    def check(page, name):
        results = axe.run(page)
        checked.append(name)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                failures.append(f"{name} [{page.url}]: {violation['id']} ({violation['impact']}) {targets}")

    visit_plan_pages(page, live_server, cast, plan, check)
    visit_admin_pages(page, live_server, cast, check)

    assert len(checked) >= 33, checked
    assert not failures, "axe found serious/critical violations:\n" + "\n".join(failures)


# --- 4. a 360 px wide phone -----------------------------------------------------------------


def test_pages_do_not_scroll_sideways_at_360px(live_server, transactional_db, cast, plan, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    try:
        page = context.new_page()
        login(page, live_server, cast.town.users["secretariat"])
        measure = measures_of(plan)[0]
        too_wide = {}
        for name, target in [
            ("overview", url(live_server, "plans:plan_detail", plan.pk)),
            ("工程表", url(live_server, "plans:roadmap", plan.pk)),
            ("measure detail", url(live_server, "plans:measure_detail", measure.pk)),
            ("measure create", url(live_server, "plans:measure_create", plan.pk)),
            ("measure edit", url(live_server, "plans:measure_edit", measure.pk)),
        ]:
            goto_ok(page, target)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[name] = width
            if name == "工程表":
                # The roadmap table is wider than the phone: it scrolls inside its own box.
                scroll = page.locator(".roadmap-page .table-scroll")
                expect(scroll).to_have_count(1)
                sizes = scroll.evaluate("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]")
                assert sizes[0] > sizes[1] and sizes[2] == "auto", sizes
        assert not too_wide, f"pages wider than 360px: {too_wide}"
    finally:
        context.close()


def test_roadmap_keeps_its_measure_column_and_year_header_in_view_at_360px(
    live_server, transactional_db, cast, browser
):
    """Scrolled to the far right and down to the last bar, the measure and the year are still readable."""
    from suishin.plans.tests.factories import make_plan

    plan = make_plan(cast.town, measures=24, areas=4)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    try:
        page = context.new_page()
        login(page, live_server, cast.town.users["secretariat"])
        goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
        # As a reader does: bring the table to the top of the screen, then scroll it right and down.
        page.locator(".roadmap-page .table-scroll").evaluate(
            "e => { e.scrollIntoView({block: 'start'}); e.scrollLeft = e.scrollWidth; e.scrollTop = e.scrollHeight; }"
        )
        bar = page.locator(".roadmap-bar").last
        bar.scroll_into_view_if_needed()
        seen = page.evaluate(
            """([bar]) => {
                const box = document.querySelector('.roadmap-page .table-scroll').getBoundingClientRect();
                const b = bar.getBoundingClientRect();
                const at = (x, y) => { const e = document.elementFromPoint(x, y); return e && e.closest('th, td'); };
                const side = at(box.left + 8, b.top + b.height / 2);
                const years = [...document.querySelectorAll('.roadmap thead th.roadmap-year')];
                const year = years[years.length - 1].getBoundingClientRect();
                const head = at(year.left + year.width / 2, year.top + year.height / 2);
                return {
                    side: side && side.className,
                    head: head && head.className,
                    headInView: year.top >= -1 && year.bottom <= innerHeight,
                    barInView: b.top >= 0 && b.bottom <= innerHeight,
                };
            }""",
            [bar.element_handle()],
        )
        assert seen["barInView"], seen
        assert seen["side"] == "roadmap-measure", seen
        assert seen["headInView"] and seen["head"] == "roadmap-year", seen

        goto_ok(page, url(live_server, "plans:measure_list", plan.pk))
        widths = page.evaluate(
            """() => { const td = document.querySelector('.data-table tbody td.title-column');
                return [td.clientWidth, parseFloat(getComputedStyle(td).fontSize)]; }"""
        )
        assert widths[0] >= 10 * widths[1], widths  # room for ten characters a line, not four
    finally:
        context.close()


# --- 5. keyboard ----------------------------------------------------------------------------


def test_login_with_keyboard_only(live_server, transactional_db, cast, page):
    user = cast.town.users["secretariat"]
    goto_ok(page, f"{live_server.url}/login/")

    def focused():
        return page.evaluate(
            "() => { const e = document.activeElement; return [e.tagName, e.id, e.className, e.textContent.trim()]; }"
        )

    page.keyboard.press("Tab")
    tag, _, cls, text = focused()
    assert (tag, cls, text) == ("A", "skip-link", "本文へ移動")
    expect(page.locator(".skip-link")).to_be_in_viewport()

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.keyboard.press("Tab")
    assert focused()[1] == "id_username"
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert focused()[1] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    # The skip link left "#main" on the login URL; a browser keeps a fragment across redirects.
    assert page.url.split("#")[0] == f"{live_server.url}/"
    expect(page.locator(".site-user")).to_contain_text(user.username)


# --- 6. nothing from another host -----------------------------------------------------------


def test_browser_requests_only_the_app_host(live_server, transactional_db, cast, plan, context, page):
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    # Chromium fetches a download in the browser process: no "request" event, so record it apart.
    page.on("download", lambda download: requested.append(download.url))

    visit_plan_pages(page, live_server, cast, plan, lambda page, name: None)
    goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
    with page.expect_download():
        page.get_by_role("link", name="Excelでダウンロード").click()

    assert any(re.search(r"/static/suishin/css/app\.css$", u) for u in requested), requested
    assert any(re.search(r"/static/suishin/vendor/htmx\.min\.js$", u) for u in requested), requested
    assert url(live_server, "plans:roadmap_export", plan.pk) in requested, requested
    elsewhere = sorted({u for u in requested if not u.startswith(live_server.url + "/")})
    assert not elsewhere, f"requests to another host: {elsewhere}"


# --- 7. printing ----------------------------------------------------------------------------


def test_roadmap_prints_on_a4_landscape(live_server, transactional_db, cast, plan, page):
    """The 工程表 page prints as A4 landscape (CSS named page), with the bars and without the menu."""
    login(page, live_server, cast.town.users["staff"])
    goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    width, height = (float(v) for v in boxes[0])
    assert abs(width - 841.89) < 2 and abs(height - 595.28) < 2, (width, height)  # A4 landscape in points
    page.emulate_media(media="print")
    assert page.locator("nav.site-nav").is_hidden()
    assert page.locator(".roadmap-bar").first.is_visible()


def pdf_pages_text(page, tmp_path, name) -> list[str]:
    """Print the page to PDF as the browser's print does (CSS page size) and return each page's text."""
    import shutil
    import subprocess

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    command = [shutil.which("pdftotext"), "-layout", str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own file
    return text.rstrip("\f").split("\f")


def test_printed_pages_carry_the_plan_edition_date_and_page_number(live_server, transactional_db, page, tmp_path):
    """The demo town's 工程表 (22 measures in 8 areas) prints on two A4 pages, each headed with the plan,
    its 版 and the print date and numbered; a measure prints without its empty 操作 column; no link is
    underlined."""
    from django.utils import timezone

    from suishin.core.wareki import wareki_date
    from suishin.demo.management.commands.load_demo import DEMO_PASSWORD, load_demo
    from suishin.plans.models import Plan

    load_demo()
    plan = Plan.objects.get()
    goto_ok(page, f"{live_server.url}/login/")
    page.fill("#id_username", "kamisato-secretariat")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    printed_on = f"印刷日：{wareki_date(timezone.localdate())}"

    goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
    pages = pdf_pages_text(page, tmp_path, "roadmap")
    assert len(pages) <= 2, f"the 工程表 took {len(pages)} pages"
    for number, text in enumerate(pages, start=1):
        # The plan's title, less its first character: without a Japanese font installed, pdftotext
        # drops the first glyph of a line in this environment.
        assert f"{plan.title[1:]} 第1版" in text, (number, text[:300])
        assert printed_on in text, number
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\b", text), (number, text[-300:])

    measure = plan.measures.order_by("number").first()
    goto_ok(page, url(live_server, "plans:measure_detail", measure.pk))
    expect(page.get_by_role("columnheader", name="操作")).to_be_visible()  # on screen the secretariat edits here
    pages = pdf_pages_text(page, tmp_path, "measure")
    assert "操作" not in "".join(pages) and "編集" not in "".join(pages)
    assert printed_on in pages[0] and re.search(rf"\b1\s*/\s*{len(pages)}\b", pages[0])

    goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
    page.emulate_media(media="print")
    decorations = page.eval_on_selector_all("main a", "links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert decorations and set(decorations) == {"none"}, set(decorations)
