import os
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
import pytest
from tests.test_browser import *  # noqa
from tests.test_browser import browser  # noqa

pytestmark = pytest.mark.browser

def test_debug(live_server, transactional_db, cast, plan, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP")
    page = context.new_page()
    login(page, live_server, cast.town.users["secretariat"])
    goto_ok(page, url(live_server, "plans:roadmap", plan.pk))
    print(page.evaluate("""() => {
      const out = [];
      for (const e of document.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.right > 360 && !e.closest('.table-scroll')) out.push([e.tagName, e.className, e.id, Math.round(r.left), Math.round(r.right), e.textContent.trim().slice(0,40)]);
      }
      return out;
    }"""))
    page.goto(f"{live_server.url}/login/")
    context2 = browser.new_context()
    p2 = context2.new_page()
    p2.goto(f"{live_server.url}/login/")
    print(p2.evaluate("() => [document.activeElement.tagName, document.activeElement.id, document.activeElement.outerHTML]"))
    for i in range(5):
        p2.keyboard.press("Tab")
        print(p2.evaluate("() => [document.activeElement.tagName, document.activeElement.id, document.activeElement.outerHTML.slice(0,120)]"))
    reqs = []
    p2.context.on("request", lambda r: reqs.append(r.url))
    login(p2, live_server, cast.town.users["secretariat"])
    p2.goto(url(live_server, "plans:roadmap", plan.pk))
    with p2.expect_download() as d:
        p2.get_by_role("link", name="Excelでダウンロード").click()
    print(d.value.url, reqs)
