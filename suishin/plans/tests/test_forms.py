"""What people type, through the plan pages: text is cleaned, fiscal years are read whole."""

import pytest
from django.urls import reverse

from suishin.plans import services
from suishin.plans.models import Plan
from suishin.plans.tests.factories import decided_revision


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def measure_post(measure, **changes) -> dict:
    """The measure form as a browser posts it unchanged: textareas come back with CRLF."""
    data = {
        "title": measure.title,
        "item": measure.item_id,
        "departments": list(measure.departments.values_list("pk", flat=True)),
        "stage": measure.stage,
        "version": measure.version,
    }
    for name in ("problem", "causes", "actions", "expected_effects", "national_kpi_note"):
        data[name] = getattr(measure, name).replace("\n", "\r\n")
    return data | changes


def test_an_unchanged_crlf_post_stores_lf_and_the_compare_lists_no_change(secretariat, cast, plan):
    """The browser sends CRLF: stored as LF, so the compare no longer lists unchanged fields as changed."""
    actor = cast.town.actor("secretariat")
    measure = plan.measures.first()
    services.measure_update(
        actor=actor, measure=measure, version=measure.version, data={"problem": "一行目\n二行目", "causes": "a\n\nb"}
    )
    revision = decided_revision(cast.town, plan, plan.created_at.date())
    measure.refresh_from_db()
    assert measure_post(measure)["problem"] == "一行目\r\n二行目"
    response = secretariat.post(reverse("plans:measure_edit", args=[measure.pk]), measure_post(measure))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.problem, measure.causes) == ("一行目\n二行目", "a\n\nb")
    compare = secretariat.get(reverse("plans:revision_compare", args=[plan.pk]), {"old": revision.pk, "new": "current"})
    content = compare.content.decode()
    assert "違いはありません。" in content and "diff-changed" not in content


def test_a_vertical_tab_pasted_from_word_is_removed(secretariat, plan):
    measure = plan.measures.first()
    post = measure_post(measure, title="施策\x0bの名前", actions="取組\x0b内容\t（タブは残る）\x00")
    assert secretariat.post(reverse("plans:measure_edit", args=[measure.pk]), post).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "施策の名前"
    assert measure.actions == "取組内容\t（タブは残る）"


def test_max_length_counts_the_stored_text_not_the_crlf_sent(secretariat, plan):
    """A 200-character title is accepted even if the browser's text holds characters that are removed."""
    measure = plan.measures.first()
    post = measure_post(measure, title="あ" * 100 + "\x0b" + "あ" * 100)
    assert secretariat.post(reverse("plans:measure_edit", args=[measure.pk]), post).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "あ" * 200


def test_plan_edit_and_goal_forms_clean_text(secretariat, cast, plan):
    url = reverse("plans:goal_create", args=[plan.pk])
    assert secretariat.post(url, {"title": "目標\x07", "description": "1\r\n2\r3", "position": 1}).status_code == 302
    goal = plan.goals.get(title="目標")
    assert goal.description == "1\n2\n3"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("20234", "「20234」は年度として扱える範囲（1927年度〜2200年度）の外です。"),
        ("99999", "「99999」は年度として扱える範囲（1927年度〜2200年度）の外です。"),
        ("2023abc", "「2023abc」は年度として読めません。"),
    ],
)
def test_plan_form_refuses_what_is_not_a_year_quoting_it(secretariat, typed, message):
    """「20234」 and 「2023abc」 were read as FY2023, and 「99999」 was reported as 「9999」."""
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "新しい計画", "start_fy": typed, "end_fy": "2027", "template": "blank"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.filter(title="新しい計画").exists()
