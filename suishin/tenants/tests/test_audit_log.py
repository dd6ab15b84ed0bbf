import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import suishin
from suishin.core.audit import audit_record
from suishin.core.audit_events import event_name, registered_verbs
from suishin.core.wareki import wareki_date
from suishin.plans import services

RANGE = "は1926-12-25から2201-03-31までの日付を入力してください"


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.town.users["admin"])
    return client


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "0001-01-01"}, f"「開始日」{RANGE}（入力：0001-01-01）。"),
        ({"until": "0001-01-01"}, f"「終了日」{RANGE}（入力：0001-01-01）。"),
        ({"until": "9999-12-31"}, f"「終了日」{RANGE}（入力：9999-12-31）。"),
        ({"since": "2024-13-01"}, "「開始日」の「2024-13-01」は日付として読めません。"),
        ({"since": "昨日"}, "「開始日」の「昨日」は日付として読めません。"),
    ],
)
def test_audit_log_date_filter_refuses_bad_dates_with_a_message_naming_the_field(admin, query, message):
    """/audit-log/?since=0001-01-01 was a 500 (OverflowError); now it is the page with a message."""
    response = admin.get(reverse("audit_log"), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_audit_log_date_filter_accepts_the_first_and_last_dates(admin):
    response = admin.get(reverse("audit_log"), {"since": "1926-12-25", "until": "2201-03-31"})
    assert response.status_code == 200
    assert "入力内容を確認してください" not in response.content.decode()


def test_audit_log_shows_event_names_wareki_dates_and_before_after_values(admin, cast, plan):
    """Not `measure.update` and `+0900`: 「施策の更新」, the 和暦 date, and what changed from what."""
    actor = cast.town.actor("secretariat")
    measure = plan.measures.first()
    services.measure_update(
        actor=actor, measure=measure, version=measure.version, data={"problem": "古い<課題>", "stage": "digitization"}
    )
    measure.refresh_from_db()
    services.measure_update(
        actor=actor, measure=measure, version=measure.version, data={"problem": "新しい課題", "stage": "transformation"}
    )
    audit_record(actor=cast.town.users["staff"], organization=cast.town.organization, verb="auth.login")
    audit_record(actor=None, organization=cast.town.organization, verb="someapp.something_new", data={"x": 1})
    content = admin.get(reverse("audit_log")).content.decode()
    assert "施策の更新" in content and ">measure.update<" not in content
    assert "ログイン" in content and ">auth.login<" not in content
    assert "someapp.something_new" in content  # an unknown verb falls back to its code
    assert "計画の作成" in content
    assert wareki_date(timezone.localdate()) in content
    assert "+0900" not in content
    assert "<dt>課題</dt><dd><del>古い&lt;課題&gt;</del> → <ins>新しい課題</ins></dd>" in content
    assert "<dt>段階</dt><dd><del>デジタイゼーション</del> → <ins>DX</ins></dd>" in content


def test_audit_log_names_the_action_a_refusal_was_about(admin, cast):
    audit_record(
        actor=cast.town.users["staff"],
        organization=cast.town.organization,
        verb="authorization.denied",
        data={"action": "measure.delete", "reason": "other_organization", "target_type": "plans.Measure"},
    )
    content = admin.get(reverse("audit_log"), {"verb": "authorization."}).content.decode()
    assert "権限のない操作の拒否" in content
    assert "<dt>操作</dt><dd>施策の削除</dd>" in content and "ほかの団体の対象" in content


def test_audit_log_lists_a_measures_departments_as_names_not_as_a_change(admin, cast, plan):
    measure = plan.measures.first()
    departments = cast.town.departments[1:3]
    services.measure_update(
        actor=cast.town.actor("secretariat"),
        measure=measure,
        version=measure.version,
        data={},
        departments=departments,
    )
    content = admin.get(reverse("audit_log"), {"verb": "measure.update"}).content.decode()
    assert f"<dt>担当課</dt><dd>{departments[0].name}、{departments[1].name}</dd>" in content


def test_every_verb_the_code_writes_has_a_japanese_name():
    """A new `verb="…"` in app code without a registered name fails here."""
    root = Path(suishin.__file__).parent
    written = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        written.update(re.findall(r"""verb=["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    written |= {"job.retried", "job.failed"}  # jobs.py writes f"job.{outcome}"
    assert len(written) > 30
    assert sorted(written - registered_verbs()) == []
    assert event_name("auth.login") == "ログイン" and event_name("measure.update") == "施策の更新"


def test_audit_log_is_paginated_at_a_constant_query_count(admin, cast, django_assert_max_num_queries):
    def fill(count):
        for n in range(count):
            audit_record(
                actor=cast.town.users["secretariat"],
                organization=cast.town.organization,
                verb="plan.update",
                data={"title": [f"旧{n}", f"新{n}"]},
            )

    def queries_for_first_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(reverse("audit_log")).status_code == 200
        return len(queries)

    fill(5)
    few = queries_for_first_page()
    fill(115)
    many = queries_for_first_page()
    assert few == many
    with django_assert_max_num_queries(many):
        page3 = admin.get(reverse("audit_log"), {"page": 3}).content.decode()
    assert "3 / 3 ページ" in page3
    assert "<del>旧0</del> → <ins>新0</ins>" in page3
    assert admin.get(reverse("audit_log"), {"page": "x"}).status_code == 200
