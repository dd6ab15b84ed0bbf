import io
import json
import re
import time
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from suishin.core.import_problems import MAX_PROBLEMS
from suishin.core.models import AuditLog, Job
from suishin.plans import services
from suishin.plans.models import Measure, RoadmapEntry
from suishin.plans.roadmap_import import roadmap_import_apply
from suishin.plans.snapshots import plan_snapshot
from suishin.plans.spreadsheets import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    parse_roadmap_sheet,
    roadmap_workbook,
    roadmap_xlsx_bytes,
)
from suishin.tabular.uploads import UploadError, open_xlsx_upload


def reopen(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def as_upload(workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def import_workbook(cast, plan, workbook):
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(workbook)))
    if not imported.problems:
        roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)
    return imported


def test_export_is_one_sheet_laid_out_as_towns_file_it(plan):
    sheet = reopen(roadmap_xlsx_bytes(plan)).active
    headers = [sheet.cell(HEADER_ROW, c).value for c in range(1, sheet.max_column + 1)]
    assert headers[:6] == ["ID", "重点取組事項", "施策番号", "施策", "担当課", "段階"]
    assert headers[6] == "2021年度\n（令和3年度）"
    assert headers[-2] == "2025年度\n（令和7年度）"
    assert headers[-1] == "参考・備考"
    assert sheet.freeze_panes == "E3"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.print_area
    merged = [str(r) for r in sheet.merged_cells.ranges if r.min_row >= FIRST_DATA_ROW]
    assert "H3:K3" in merged  # 実施 spans 2022–2025 on the first measure's row
    header = sheet.cell(HEADER_ROW, 1)
    assert header.font.b and header.fill.fgColor.rgb.endswith("E8F1FE") and header.alignment.wrap_text
    bar = sheet["H3"]
    assert bar.value and bar.fill.fgColor.rgb.endswith("C5D7FB") and bar.alignment.horizontal == "center"
    for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=sheet.max_row):
        for cell in row:
            if not isinstance(cell, openpyxl.cell.cell.MergedCell):
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell.coordinate


def test_export_then_import_gives_the_same_plan(cast, plan):
    before = plan_snapshot(plan)
    imported = import_workbook(cast, plan, roadmap_workbook(plan))
    assert imported.problems == []
    assert plan_snapshot(plan) == before


def test_import_of_an_edited_file_updates_and_never_duplicates(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    number = sheet.cell(FIRST_DATA_ROW, 3).value
    sheet.cell(FIRST_DATA_ROW, 4).value = "改名した施策"
    sheet.unmerge_cells(start_row=FIRST_DATA_ROW, start_column=8, end_row=FIRST_DATA_ROW, end_column=11)
    sheet.cell(FIRST_DATA_ROW, 8).value = "前倒し"
    sheet.cell(FIRST_DATA_ROW, 9).value = "本格実施"
    sheet.merge_cells(start_row=FIRST_DATA_ROW, start_column=9, end_row=FIRST_DATA_ROW, end_column=11)
    count = Measure.objects.count()
    assert import_workbook(cast, plan, workbook).problems == []
    assert Measure.objects.count() == count
    measure = plan.measures.get(number=number)
    assert measure.title == "改名した施策"
    spans = [(e.label, e.start_fy, e.end_fy) for e in measure.roadmap_entries.order_by("start_fy")]
    assert spans == [("準備1-1", 2021, 2021), ("前倒し", 2022, 2022), ("本格実施", 2023, 2025)]


def test_row_without_number_adds_a_measure(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    row = sheet.max_row + 1
    for column, value in enumerate(["", "重点取組事項1", "", "新しい施策", cast.town.departments[1].name], start=1):
        sheet.cell(row, column, value)
    sheet.cell(row, 7, "検討")
    count = Measure.objects.count()
    assert import_workbook(cast, plan, workbook).problems == []
    assert Measure.objects.count() == count + 1
    added = plan.measures.get(title="新しい施策")
    assert list(added.departments.all()) == [cast.town.departments[1]]
    assert [(e.label, e.start_fy, e.end_fy) for e in added.roadmap_entries.all()] == [("検討", 2021, 2021)]


def test_wareki_year_headers_are_accepted(cast, plan):
    workbook = roadmap_workbook(plan)
    workbook.active.cell(HEADER_ROW, 9).value = "令和5年度"
    assert import_workbook(cast, plan, workbook).problems == []


def test_bad_file_lists_every_problem_and_saves_nothing(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(FIRST_DATA_ROW, 5).value = "存在しない課"
    sheet.cell(FIRST_DATA_ROW + 1, 2).value = ""
    sheet.cell(FIRST_DATA_ROW + 2, 4).value = ""
    sheet.cell(FIRST_DATA_ROW + 2, 1).value = "9999"
    before = plan_snapshot(plan)
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert any(p.startswith("3行目 E列") and "存在しない課" in p for p in problems)
    assert "4行目 B列: 重点取組事項を入力してください。" in problems
    assert any(p.startswith("5行目 D列") and "施策名が空" in p for p in problems)
    assert any(p.startswith("5行目 A列") and "9999" in p for p in problems)
    assert plan_snapshot(plan) == before


def test_header_problems_are_reported(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(HEADER_ROW, 3).value = "番号"
    sheet.cell(HEADER_ROW, 11).value = "令和9年度"
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert any(p.startswith("2行目 C列") and "施策番号" in p for p in problems)
    assert any(p.startswith("2行目 K列") and "令和9年度" in p and "計画期間" in p for p in problems)


def test_formula_cells_are_refused(cast, plan):
    workbook = roadmap_workbook(plan)
    workbook.active.cell(FIRST_DATA_ROW, 7).value = "=1+1"
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert any("数式" in p for p in problems)


def test_labels_that_look_like_formulas_are_escaped_and_read_back(cast, plan):
    measure = plan.measures.first()
    services.roadmap_entry_create(
        actor=cast.town.actor("secretariat"), measure=measure, label="=HYPERLINK()", start_fy=2025, end_fy=2025
    )
    sheet = reopen(roadmap_xlsx_bytes(plan)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK()" in values
    assert not any(v.startswith("=") for v in values)
    before = plan_snapshot(plan)
    assert import_workbook(cast, plan, roadmap_workbook(plan)).problems == []
    assert plan_snapshot(plan) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空"),
        (b"%PDF-1.4 not a spreadsheet", "Excelファイル"),
        ("施策番号,施策\n".encode("cp932"), "Excelファイル"),
        (b"PK\x03\x04broken", "壊れて"),
    ],
)
def test_uploads_that_are_not_xlsx_get_a_clear_message(content, message):
    with pytest.raises(UploadError, match=message):
        open_xlsx_upload(io.BytesIO(content))


def test_import_applies_nothing_when_a_later_row_fails(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(FIRST_DATA_ROW, 4).value = "最初の行は正しい変更"
    sheet.cell(sheet.max_row, 5).value = "ない課"
    import_workbook(cast, plan, workbook)
    assert not Measure.objects.filter(title="最初の行は正しい変更").exists()
    assert RoadmapEntry.objects.filter(measure__plan=plan).count() == 6


def test_reimporting_an_unchanged_file_touches_nothing(cast, plan):
    versions = dict(plan.measures.values_list("pk", "version"))
    entries = set(RoadmapEntry.objects.filter(measure__plan=plan).values_list("pk", flat=True))
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(roadmap_workbook(plan))))
    summary = roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)
    assert summary == {
        "created": 0,
        "updated": 0,
        "unchanged": plan.measures.count(),
        "items_created": 0,
        "items_renamed": 0,
    }
    assert dict(plan.measures.values_list("pk", "version")) == versions
    assert set(RoadmapEntry.objects.filter(measure__plan=plan).values_list("pk", flat=True)) == entries


def test_changing_only_owners_or_spans_counts_as_a_change(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(FIRST_DATA_ROW, 5).value = cast.town.departments[0].name
    summary = import_workbook_summary(cast, plan, workbook)
    assert summary["updated"] == 1
    first = plan.measures.get(number=sheet.cell(FIRST_DATA_ROW, 3).value)
    assert list(first.departments.all()) == [cast.town.departments[0]]


def import_workbook_summary(cast, plan, workbook):
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(workbook)))
    assert imported.problems == []
    return roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)


def test_a_stray_cell_far_below_is_reported_quickly(cast, plan):
    # A cell at the sheet's very end: only rows that hold something are read, whatever the sheet's extent.
    workbook = roadmap_workbook(plan)
    workbook.active["C1048576"] = "01-01"
    started = time.perf_counter()
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert time.perf_counter() - started < 2
    assert "1048576行目 B列: 重点取組事項を入力してください。" in problems


def test_import_after_excel_resaves_with_shared_strings_and_furigana(cast, plan):
    """Excel stores text as shared strings with readings (<rPh>); the import sees only the shown text."""
    data = as_upload(roadmap_workbook(plan)).getvalue()
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    strings: list[str] = []

    def to_shared(match):
        strings.append(match.group(2))
        return f'{match.group(1)}t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'(<c r="[A-Z]+\d+"(?: s="\d+")? )t="inlineStr"><is><t>(.*?)</t></is></c>', to_shared, sheet)
    assert strings, "the export is expected to hold inline strings to convert"
    items = "".join(f'<si><t xml:space="preserve">{s}</t><rPh sb="0" eb="1"><t>ヨミ</t></rPh></si>' for s in strings)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{ns}" count="{len(strings)}">{items}</sst>'.encode()
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdS" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    before = plan_snapshot(plan)
    buffer.seek(0)
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(buffer))
    assert imported.problems == []
    summary = roadmap_import_apply(actor=cast.town.actor("secretariat"), plan=plan, imported=imported)
    assert summary["created"] == summary["updated"] == 0
    assert plan_snapshot(plan) == before


def test_reimporting_spans_added_out_of_year_order_changes_nothing(cast, plan):
    # The file lists a measure's spans lane by lane, the plan keeps them in the order they were added.
    measure = plan.measures.order_by("item__position", "position").first()
    actor = cast.town.actor("secretariat")
    services.roadmap_entry_create(actor=actor, measure=measure, label="後の取組", start_fy=2024, end_fy=2025)
    services.roadmap_entry_create(actor=actor, measure=measure, label="前の取組", start_fy=2021, end_fy=2022)
    measure.refresh_from_db()
    version = measure.version
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(roadmap_workbook(plan))))
    summary = roadmap_import_apply(actor=actor, plan=plan, imported=imported)
    assert summary["updated"] == 0 and summary["created"] == 0
    measure.refresh_from_db()
    assert measure.version == version


def test_problems_beyond_the_first_200_are_counted_not_kept(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    first = sheet.max_row + 1
    for row in range(first, first + 300):  # each row: an unknown ID, an empty area and an empty 施策名
        sheet.cell(row, 1, "999999")
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(workbook)))
    assert imported.problem_count >= 900
    assert len(imported.problems) == MAX_PROBLEMS + 1
    assert str(imported.problems[0]).startswith(f"{first}行目 A列")
    assert str(imported.problems[-1]).startswith(f"ほか {imported.problem_count - MAX_PROBLEMS:,} 件の問題があります")


def test_a_failed_import_job_stores_a_small_result(client, cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    first = sheet.max_row + 1
    for row in range(first, first + 150):  # two problems a row, each quoting a long text
        text = "".join(chr(0x4E00 + (i * 7919 + row) % 20_000) for i in range(1_000))  # that does not compress
        sheet.cell(row, 1, "9" + text)
        sheet.cell(row, 5, text)
    client.force_login(cast.town.users["secretariat"])
    client.post(reverse("plans:roadmap_import", args=[plan.pk]), {"file": named_upload(workbook)})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert len(job.result["problems"]) == MAX_PROBLEMS + 1
    assert len(json.dumps(job.result, ensure_ascii=False).encode()) < 150_000


def named_upload(workbook) -> io.BytesIO:
    upload = as_upload(workbook)
    upload.name = "roadmap.xlsx"
    return upload


def test_text_in_a_column_the_layout_does_not_have_is_refused_naming_it(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    assert sheet.cell(HEADER_ROW, 12).value == "参考・備考"  # L: the layout ends here
    sheet.cell(FIRST_DATA_ROW + 1, 13).value = "メモ"
    sheet.cell(FIRST_DATA_ROW + 2, 13).value = "もう一つ"
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert problems == [
        f"{FIRST_DATA_ROW + 1}行目 M列: M列は見出しのない、この様式にない列です。値を入れられるのはL列までです。"
    ]


def test_a_column_added_after_the_note_column_is_refused_by_its_header(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(HEADER_ROW, 13).value = "柱"
    sheet.cell(FIRST_DATA_ROW, 13).value = "デジタル基盤"
    before = plan_snapshot(plan)
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert len(problems) == 1
    assert problems[0].startswith("2行目 M列: 見出し「柱」の列（M列）はこの様式にない列です")
    assert plan_snapshot(plan) == before


def test_a_wrong_year_header_does_not_hide_the_row_problems(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    sheet.cell(HEADER_ROW, 8).value = "令和9年度"  # H: outside the plan's period
    sheet.cell(FIRST_DATA_ROW, 5).value = "存在しない課"
    sheet.cell(FIRST_DATA_ROW + 1, 7).value = "x" * 201  # G: a year column still read
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert any(p.startswith("2行目 H列") and "計画期間" in p for p in problems)
    assert any(p.startswith("3行目 E列") and "存在しない課" in p for p in problems)
    assert any(p.startswith("4行目 G列") and "長すぎます" in p for p in problems)
    assert not any("結合" in p for p in problems)  # the span H3:K3 crosses the unread column: not reported again


def test_a_measure_without_a_department_is_refused_as_the_form_refuses_it(cast, plan):
    from suishin.plans.forms import MeasureForm

    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    row = sheet.max_row + 1
    for column, value in enumerate(["", "重点取組事項1", "", "担当のない施策", ""], start=1):
        sheet.cell(row, column, value)
    sheet.cell(FIRST_DATA_ROW, 5).value = None  # an existing measure's owners emptied
    count = Measure.objects.count()
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    required = str(MeasureForm.base_fields["departments"].error_messages["required"])
    assert f"{row}行目 E列: {required}" in problems
    assert f"{FIRST_DATA_ROW}行目 E列: {required}" in problems
    assert Measure.objects.count() == count


def test_a_duplicate_measure_number_is_refused_with_row_and_column(cast, plan):
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    number = sheet.cell(FIRST_DATA_ROW, 3).value
    row = sheet.max_row + 1
    for column, value in enumerate(["", "重点取組事項1", number, "別の施策", cast.town.departments[1].name], start=1):
        sheet.cell(row, column, value)
    before = plan_snapshot(plan)
    problems = [str(p) for p in import_workbook(cast, plan, workbook).problems]
    assert len(problems) == 1
    assert problems[0].startswith(f"{row}行目 C列: 施策番号「{number}」が重複しています（{FIRST_DATA_ROW}行目の施策")
    assert plan_snapshot(plan) == before


def test_imported_text_goes_through_the_input_cleaner(cast, plan):
    """Excel keeps a vertical tab pasted from Word as 「_x000B_」, which the reader decodes: it is not stored."""
    workbook = roadmap_workbook(plan)
    sheet = workbook.active
    row = sheet.max_row + 1
    for column, value in enumerate(
        ["", "重点取組事項1", "", "縦タブ_x000B_の施策", cast.town.departments[1].name], start=1
    ):
        sheet.cell(row, column, value)
    sheet.cell(row, 7, "検討_x000B_開始")
    sheet.cell(row, 12, "一行目_x000D_\n二行目")
    assert import_workbook(cast, plan, workbook).problems == []
    added = plan.measures.get(title="縦タブの施策")
    assert [e.label for e in added.roadmap_entries.all()] == ["検討開始"]
    assert added.national_kpi_note == "一行目\n二行目"


def test_another_towns_actor_cannot_apply_an_import_and_the_refusal_is_audited(cast, plan):
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(roadmap_workbook(plan))))
    intruder = cast.other.actor("secretariat")
    before = plan_snapshot(plan)
    with pytest.raises(Http404):
        roadmap_import_apply(actor=intruder, plan=plan, imported=imported)
    assert plan_snapshot(plan) == before
    refusal = AuditLog.objects.get(verb="authorization.denied")
    assert refusal.organization == cast.other.organization
    assert refusal.data["action"] == "roadmap.import" and refusal.data["reason"] == "other_organization"
    assert not AuditLog.objects.filter(verb="roadmap.import").exists()


def test_a_department_user_of_the_town_still_cannot_apply_an_import(cast, plan):
    imported = parse_roadmap_sheet(plan, open_xlsx_upload(as_upload(roadmap_workbook(plan))))
    with pytest.raises(PermissionDenied):
        roadmap_import_apply(actor=cast.town.actor("department"), plan=plan, imported=imported)
