import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.models import AuditLog, Job
from suishin.plans.models import Measure, Plan, RoadmapEntry
from suishin.plans.spreadsheets import FIRST_DATA_ROW, roadmap_columns, roadmap_workbook
from suishin.plans.tests.factories import make_plan


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["plans:plan_detail", "plans:roadmap", "plans:measure_list"])
def test_pages_cost_the_same_queries_for_10_and_200_measures(secretariat, cast, name):
    small = make_plan(cast.town, measures=10, areas=3)
    large = make_plan(cast.town, measures=200, areas=8)
    counts = [query_count(secretariat, reverse(name, args=[p.pk])) for p in (small, large)]
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12


def test_roadmap_filter_by_department_shows_only_its_measures(secretariat, cast, plan):
    department = cast.town.departments[1]
    response = secretariat.get(reverse("plans:roadmap", args=[plan.pk]), {"department": department.pk})
    content = response.content.decode()
    owned = Measure.objects.filter(plan=plan, ownerships__department=department)
    others = Measure.objects.filter(plan=plan).exclude(ownerships__department=department)
    assert all(m.title in content for m in owned)
    assert not any(m.title in content for m in others)


def test_roadmap_shows_years_with_wareki_and_spans_as_bars(secretariat, plan):
    content = secretariat.get(reverse("plans:roadmap", args=[plan.pk])).content.decode()
    assert "2021年度<br>（令和3年度）" in content
    assert 'class="roadmap-span" colspan="4"' in content
    assert "実施1-1" in content


def test_measure_create_form_reports_missing_fields_in_japanese(secretariat, plan):
    response = secretariat.post(reverse("plans:measure_create", args=[plan.pk]), {"title": ""})
    content = response.content.decode()
    assert response.status_code == 200
    assert "入力内容を確認してください" in content
    assert "このフィールドは必須です" in content
    assert "担当課を1つ以上選んでください" in content


def test_measure_create_and_add_span_through_the_pages(secretariat, cast, plan):
    area = plan.items.first()
    response = secretariat.post(
        reverse("plans:measure_create", args=[plan.pk]),
        {
            "title": "証明書コンビニ交付",
            "item": area.pk,
            "departments": [cast.town.departments[1].pk],
            "stage": "digitalization",
            "problem": "窓口の混雑",
        },
    )
    measure = Measure.objects.get(title="証明書コンビニ交付")
    assert response.status_code == 302 and response["Location"] == measure.get_absolute_url()
    url = reverse("plans:roadmap_entry_create", args=[measure.pk])
    response = secretariat.post(url, {"label": "開始", "start_fy": 2027, "end_fy": 2027})
    assert "計画期間の中の年度を選んでください" in response.content.decode()
    response = secretariat.post(url, {"label": "開始", "start_fy": 2024, "end_fy": 2023})
    assert "終了年度は開始年度以降にしてください" in response.content.decode()
    response = secretariat.post(url, {"label": "開始", "start_fy": 2023, "end_fy": 2025})
    assert response.status_code == 302
    assert RoadmapEntry.objects.filter(measure=measure, label="開始", start_fy=2023, end_fy=2025).exists()


def test_stale_edit_is_refused_with_a_message(secretariat, plan):
    measure = plan.measures.first()
    url = reverse("plans:measure_edit", args=[measure.pk])
    data = {
        "title": "新しい名前",
        "item": measure.item_id,
        "departments": list(measure.departments.values_list("pk", flat=True)),
        "stage": measure.stage,
        "version": measure.version,
    }
    assert secretariat.post(url, data).status_code == 302
    response = secretariat.post(url, data | {"title": "古い画面からの保存"})
    assert "ほかの人がこの内容を先に更新しました" in response.content.decode()
    measure.refresh_from_db()
    assert measure.title == "新しい名前"


def test_plan_create_accepts_wareki_years_and_a_template(secretariat, cast):
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "新計画", "start_fy": "令和元年度", "end_fy": "令和5年度", "template": "mic_2024"},
    )
    plan = Plan.objects.get(title="新計画")
    assert response.status_code == 302
    assert (plan.start_fy, plan.end_fy) == (2019, 2023)
    assert plan.items.count() == 7


def test_plan_create_rejects_an_unknown_era_year(secretariat):
    response = secretariat.post(
        reverse("plans:plan_create"),
        {"title": "新計画", "start_fy": "平成35年度", "end_fy": "令和5年度", "template": "blank"},
    )
    assert "存在しない和暦の年" in response.content.decode()
    assert not Plan.objects.filter(title="新計画").exists()


def test_export_downloads_as_an_attachment(secretariat, plan):
    response = secretariat.get(reverse("plans:roadmap_export", args=[plan.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"PK\x03\x04")


def _upload(workbook, name="roadmap.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_import_page_lists_problems_and_saves_nothing(secretariat, cast, plan):
    workbook = roadmap_workbook(plan)
    columns = roadmap_columns(plan)
    workbook.active.cell(FIRST_DATA_ROW, columns.departments).value = "ない課"
    workbook.active.cell(FIRST_DATA_ROW, columns.title).value = "変更"
    response = secretariat.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": _upload(workbook)})
    assert response.status_code == 302
    page = secretariat.get(response["Location"]).content.decode()
    assert "3行目 E列" in page and "取り込みませんでした" in page
    assert not Measure.objects.filter(title="変更").exists()
    assert Job.objects.get().status == Job.Status.FAILED


def test_import_page_applies_a_good_file_and_audits_it(secretariat, plan):
    workbook = roadmap_workbook(plan)
    workbook.active.cell(FIRST_DATA_ROW, roadmap_columns(plan).title).value = "変更後"
    response = secretariat.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": _upload(workbook)})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    summary = job.result["summary"]
    assert (job.status, job.progress) == (Job.Status.DONE, 100)
    assert (summary["updated"], summary["unchanged"]) == (1, plan.measures.count() - 1)
    assert bytes(job.payload) == b""
    page = secretariat.get(response["Location"]).content.decode()
    assert "取り込みました" in page and "hx-trigger" not in page
    assert Measure.objects.filter(plan=plan, title="変更後").count() == 1
    assert AuditLog.objects.filter(verb="roadmap.import", target_id=str(plan.pk)).exists()


def test_import_page_refuses_a_non_excel_file(secretariat, plan):
    upload = io.BytesIO("施策番号,施策\n".encode("cp932"))
    upload.name = "roadmap.xlsx"
    response = secretariat.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": upload})
    assert response.status_code == 400
    assert "Excelファイル（.xlsx）ではありません" in response.content.decode()


def test_a_revision_is_proposed_submitted_returned_and_decided_with_its_history(secretariat, cast, plan):
    response = secretariat.post(
        reverse("plans:revision_create", args=[plan.pk]),
        {"published_on": "2023-04-01", "decided_by": "行政改革推進本部"},
    )
    assert response.status_code == 302
    revision = plan.revisions.get()
    assert revision.status == "draft"
    transition = reverse("plans:revision_transition", args=[revision.pk])
    assert secretariat.post(transition, {"action": "submit"}).status_code == 302
    revision.refresh_from_db()
    assert revision.status == "decision"

    # Four eyes: the secretariat member who submitted sees no 決定 button and cannot take it.
    page = secretariat.get(revision.get_absolute_url()).content.decode()
    assert "決定を記録する" not in page and "差し戻す" in page
    assert secretariat.post(transition, {"action": "accept"}).status_code == 302
    revision.refresh_from_db()
    assert revision.status == "decision"

    committee = Client()
    committee.force_login(cast.town.users["committee"])
    committee.post(transition, {"action": "return", "comment": ""})
    revision.refresh_from_db()
    assert revision.status == "decision", "a return needs its reason"
    committee.post(transition, {"action": "return", "comment": "概要を書いてください"})
    revision.refresh_from_db()
    assert revision.status == "returned"
    secretariat.post(
        reverse("plans:revision_edit", args=[revision.pk]),
        {"published_on": "2023-04-01", "decided_by": "行政改革推進本部", "note": "初版"},
    )
    secretariat.post(transition, {"action": "submit"})
    committee.post(transition, {"action": "accept", "comment": "本部で決定"})
    revision.refresh_from_db()
    assert (revision.status, revision.note) == ("approved", "初版")

    page = secretariat.get(revision.get_absolute_url()).content.decode()
    for text in ("提出", "差戻し", "概要を書いてください", "本部で決定", "再開する"):
        assert text in page
    assert "改定案を編集" not in page, "a decided revision is read-only"

    measure = plan.measures.first()
    Measure.objects.filter(pk=measure.pk).update(title="変えた施策名")
    response = secretariat.get(
        reverse("plans:revision_compare", args=[plan.pk]), {"old": revision.pk, "new": "current"}
    )
    content = response.content.decode()
    assert "変えた施策名" in content and "diff-changed" in content
    detail = secretariat.get(reverse("plans:revision_detail", args=[revision.pk])).content.decode()
    assert measure.title in detail and "変えた施策名" not in detail


def test_measure_list_paginates(secretariat, cast):
    plan = make_plan(cast.town, measures=60, areas=2)
    first = secretariat.get(reverse("plans:measure_list", args=[plan.pk])).content.decode()
    second = secretariat.get(reverse("plans:measure_list", args=[plan.pk]), {"page": 2}).content.decode()
    assert "1 / 2 ページ" in first and "2 / 2 ページ" in second
    assert secretariat.get(reverse("plans:measure_list", args=[plan.pk]), {"page": "x"}).status_code == 200


@pytest.mark.parametrize("kind", ["goal", "area", "entry", "plan"])
def test_every_edit_form_refuses_a_stale_save(secretariat, plan, kind):
    """Two people open the same form; the second save is refused and the first one stays."""
    goal, area = plan.goals.first(), plan.items.first()
    entry = RoadmapEntry.objects.filter(measure__plan=plan).first()
    url, data, reload = {
        "goal": (
            reverse("plans:goal_edit", args=[goal.pk]),
            {"title": "目標A", "description": "", "position": 1, "version": goal.version},
            lambda: goal.__class__.objects.get(pk=goal.pk).title,
        ),
        "area": (
            reverse("plans:item_edit", args=[area.pk]),
            {"title": "領域A", "description": "", "position": 1, "version": area.version},
            lambda: area.__class__.objects.get(pk=area.pk).title,
        ),
        "entry": (
            reverse("plans:roadmap_entry_edit", args=[entry.pk]),
            {"title": "", "label": "工程A", "start_fy": 2022, "end_fy": 2023, "version": entry.version},
            lambda: RoadmapEntry.objects.get(pk=entry.pk).label,
        ),
        "plan": (
            reverse("plans:plan_edit", args=[plan.pk]),
            {"title": "計画A", "start_fy": "2021", "end_fy": "2025", "version": plan.version},
            lambda: Plan.objects.get(pk=plan.pk).title,
        ),
    }[kind]
    first_value = data.get("label") or data["title"]
    assert secretariat.post(url, data).status_code == 302
    second = {k: (v + "（後から）" if k in ("title", "label") and v else v) for k, v in data.items()}
    response = secretariat.post(url, second)
    assert response.status_code == 200
    assert "ほかの人がこの内容を先に更新しました" in response.content.decode()
    assert reload() == first_value


def test_job_page_polls_while_the_job_runs(secretariat, cast, plan):
    job = Job.objects.create(
        organization=cast.town.organization, kind="roadmap_import", title="取込み", target_id=plan.pk
    )
    page = secretariat.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<h1>" in page
    partial = secretariat.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div class="job-status') and "<h1>" not in partial


@pytest.fixture
def department_user(client, cast):
    client.force_login(cast.town.users["department"])
    return client


def test_protected_fields_in_a_post_are_ignored(department_user, cast, plan):
    """organization, plan and (for a department) number cannot be set through the form."""
    measure = plan.measures.filter(ownerships__department=cast.town.departments[1]).first()
    data = {
        "title": "名前だけ変える",
        "item": measure.item_id,
        "departments": list(measure.departments.values_list("pk", flat=True)),
        "stage": measure.stage,
        "version": measure.version,
        "organization": cast.other.organization.pk,
        "number": "99-99",
        "plan": 999,
    }
    assert department_user.post(reverse("plans:measure_edit", args=[measure.pk]), data).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "名前だけ変える"
    assert (measure.organization_id, measure.number, measure.plan_id) == (
        cast.town.organization.pk,
        plan.measures.get(pk=measure.pk).number,
        plan.pk,
    )
    assert measure.number != "99-99"


def test_the_secretariat_renumbers_a_measure_in_the_form(secretariat, cast, plan):
    measure, other = plan.measures.order_by("pk")[:2]
    data = {
        "title": measure.title,
        "number": other.number,
        "item": other.item_id,
        "departments": list(measure.departments.values_list("pk", flat=True)),
        "stage": "",
        "version": measure.version,
    }
    response = secretariat.post(reverse("plans:measure_edit", args=[measure.pk]), data)
    assert response.status_code == 200
    assert "はこの計画で既に使われています" in response.content.decode()  # beside the field, nothing saved
    assert plan.measures.get(pk=measure.pk).number == measure.number
    data["number"] = "99-99"
    assert secretariat.post(reverse("plans:measure_edit", args=[measure.pk]), data).status_code == 302
    assert plan.measures.get(pk=measure.pk).number == "99-99"


@pytest.mark.parametrize("name", ["plans:plan_detail", "plans:roadmap"])
def test_text_typed_by_users_is_escaped_in_the_fast_partials(secretariat, cast, plan, name):
    measure = plan.measures.first()
    Measure.objects.filter(pk=measure.pk).update(title="<script>alert(1)</script>", national_kpi_note="<b>x</b>")
    RoadmapEntry.objects.filter(measure=measure).update(label="<img src=x onerror=alert(1)>")
    html = secretariat.get(reverse(name, args=[plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b>x</b>" not in html


def test_plan_create_as_a_copy_of_the_previous_plan(secretariat, plan):
    url = reverse("plans:plan_create")
    response = secretariat.post(url, {"title": "第2期", "start_fy": "2026", "end_fy": "2030", "template": "copy"})
    assert "写す計画を選んでください" in response.content.decode()
    response = secretariat.post(
        url, {"title": "第2期", "start_fy": "2026", "end_fy": "2030", "template": "copy", "copy_from": plan.pk}
    )
    copy = Plan.objects.get(title="第2期")
    assert response.status_code == 302 and copy.based_on == plan
    assert copy.measures.count() == plan.measures.count()
    assert not RoadmapEntry.objects.filter(measure__plan=copy).exists()  # the old spans lie before 2026


def test_delete_asks_first_then_deletes_on_post(secretariat, plan):
    measure = plan.measures.first()
    url = reverse("plans:measure_delete", args=[measure.pk])
    page = secretariat.get(url).content.decode()
    assert "削除しますか" in page and "工程もすべて削除されます" in page
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert secretariat.post(url).status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert not RoadmapEntry.objects.filter(measure_id=measure.pk).exists()


def test_measure_list_rows_show_number_title_area_owners_and_stage(secretariat, cast, plan):
    page = secretariat.get(reverse("plans:measure_list", args=[plan.pk])).content.decode()
    for measure in plan.measures.select_related("item"):
        owners = "、".join(o.department.name for o in measure.ownerships.select_related("department"))
        link = f'<a href="{measure.get_absolute_url()}">{measure.title}</a>'
        row = page[page.index(f"<td>{measure.number}</td>") :].split("</tr>", 1)[0]
        assert link in row and measure.item.title in row and owners in row
        assert measure.get_stage_display() in row
    outsider = cast.town.departments[0]  # the plan factory gives measures to the other two
    assert not plan.measures.filter(ownerships__department=outsider).exists()
    empty = secretariat.get(reverse("plans:measure_list", args=[plan.pk]), {"department": outsider.pk})
    assert "該当する施策はありません。" in empty.content.decode()
