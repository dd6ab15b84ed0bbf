"""段階 (デジタイゼーション / デジタライゼーション / DX) is optional: unset is shown as 「未設定」, and nothing
gives a measure a 段階 the town did not give it."""

import copy
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from suishin.plans import services
from suishin.plans.models import Measure, Stage
from suishin.plans.roadmap_import import roadmap_import_apply
from suishin.plans.snapshots import plan_diff, plan_snapshot
from suishin.plans.spreadsheets import parse_roadmap_sheet, roadmap_workbook, roadmap_xlsx_bytes
from suishin.plans.tests.factories import decided_revision
from suishin.tabular.uploads import open_xlsx_upload


@pytest.fixture
def secretariat(client, cast):
    client.force_login(cast.town.users["secretariat"])
    return client


def set_stage(cast, measure, stage):
    return services.measure_update(
        actor=cast.town.actor("secretariat"), measure=measure, version=measure.version, data={"stage": stage}
    )


def import_bytes(cast, plan, data: bytes):
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(io.BytesIO(data)))
    assert [str(p) for p in imported.problems] == []
    return roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)


def test_new_measures_get_no_stage_unless_given(cast, plan):
    actor, area = cast.town.actor("secretariat"), plan.items.first()
    unset = services.measure_create(actor=actor, plan=plan, item=area, data={"title": "未定"}, departments=[])
    given = services.measure_create(
        actor=actor, plan=plan, item=area, data={"title": "DX", "stage": Stage.TRANSFORMATION}, departments=[]
    )
    assert (unset.stage, given.stage) == ("", Stage.TRANSFORMATION)
    assert unset.stage_label == "未設定" and given.stage_label == "DX"
    assert set(plan.measures.exclude(pk=given.pk).values_list("stage", flat=True)) == {""}  # the factory gives none


def test_a_stage_can_be_taken_back_to_unset(cast, plan):
    measure = set_stage(cast, plan.measures.first(), Stage.DIGITIZATION)
    measure = set_stage(cast, Measure.objects.get(pk=measure.pk), "")
    assert Measure.objects.get(pk=measure.pk).stage == ""


def test_pages_show_an_unset_stage_as_unset(secretariat, cast, plan):
    measure = plan.measures.order_by("number").first()
    set_stage(cast, plan.measures.order_by("number").last(), Stage.DIGITALIZATION)
    for url in (
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:measure_list", args=[plan.pk]),
        reverse("plans:measure_detail", args=[measure.pk]),
    ):
        content = secretariat.get(url).content.decode()
        assert "tag--stage-unset" in content and "未設定" in content, url
    overview = secretariat.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "デジタライゼーション" in overview


def test_the_new_measure_form_starts_unset_and_saves_unset(secretariat, cast, plan):
    url = reverse("plans:measure_create", args=[plan.pk])
    content = secretariat.get(url).content.decode()
    (unset,) = re.findall(r'<input type="radio" name="stage" value=""[^>]*>', content)
    assert "checked" in unset and "required" not in unset
    response = secretariat.post(
        url,
        {
            "title": "段階なし",
            "item": plan.items.first().pk,
            "departments": [cast.town.departments[1].pk],
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get(plan=plan, title="段階なし").stage == ""


def test_an_imported_new_measure_gets_no_stage_and_unset_survives_a_round_trip(cast, plan):
    kept = set_stage(cast, plan.measures.order_by("number").first(), Stage.TRANSFORMATION)
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    row = sheet.max_row + 1
    new_row = ["", plan.items.first().title, "", "取込みの新施策", cast.town.departments[1].name]  # ID and 番号 blank
    for column, value in enumerate(new_row, 1):
        sheet.cell(row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = dict(plan.measures.values_list("number", "stage"))

    summary = import_bytes(cast, plan, buffer.getvalue())

    assert summary["created"] == 1
    assert Measure.objects.get(plan=plan, title="取込みの新施策").stage == ""
    after = dict(plan.measures.values_list("number", "stage"))
    assert {n: after[n] for n in before} == before and before[kept.number] == Stage.TRANSFORMATION
    # Exported again and read back: nothing changes, unset stays unset.
    assert import_bytes(cast, plan, roadmap_xlsx_bytes(plan))["updated"] == 0
    assert dict(plan.measures.values_list("number", "stage")) == after


def test_compare_names_stages_and_shows_unset_as_unset(cast, plan):
    measure = set_stage(cast, plan.measures.order_by("number").first(), Stage.DIGITALIZATION)
    old = plan_snapshot(plan)
    set_stage(cast, Measure.objects.get(pk=measure.pk), "")
    (change,) = plan_diff(old, plan_snapshot(plan))
    assert change.fields == [("段階", "デジタライゼーション", "未設定")]


def test_an_old_revision_whose_measures_all_have_a_stage_still_renders_and_compares(secretariat, cast, plan):
    revision = decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    # Snapshots frozen before 段階 became optional: every measure has one.
    snapshot = copy.deepcopy(revision.snapshot)
    for area in snapshot["items"]:
        for measure in area["measures"]:
            measure["stage"] = "digitalization"
    revision.snapshot = snapshot
    revision.save(update_fields=["snapshot"])

    detail = secretariat.get(reverse("plans:revision_detail", args=[revision.pk]))
    assert detail.status_code == 200
    compare = secretariat.get(reverse("plans:revision_compare", args=[plan.pk]), {"old": revision.pk, "new": "current"})
    content = compare.content.decode()
    assert compare.status_code == 200
    assert content.count("デジタライゼーション") == plan.measures.count()
    assert "未設定" in content
