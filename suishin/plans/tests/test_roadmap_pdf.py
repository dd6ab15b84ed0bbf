"""The 工程表 as PDF: A4 landscape, the page's grouping, a person-friendly file name, fixed queries."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suishin.core.tests.pdf_checks import first_page_ink, pdf_fonts, pdf_info, pdf_text
from suishin.plans.file_names import roadmap_file_names
from suishin.plans.roadmap_pdf import roadmap_document, roadmap_pdf_bytes
from suishin.plans.services import plan_create
from suishin.plans.tests.factories import decided_revision, make_plan, plan_structure


@pytest.fixture
def staff(client, cast):
    client.force_login(cast.town.users["staff"])
    return client


def plain(text: str) -> str:
    # typst sets a narrow space between kana/kanji and Latin letters or digits; pdftotext keeps it.
    return "".join(text.split())


def test_download_is_an_a4_landscape_pdf_with_the_font_embedded(staff, plan, tmp_path):
    response = staff.get(reverse("plans:roadmap_pdf", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert first_page_ink(pdf, tmp_path) > 0.01
    assert pdf_info(pdf, tmp_path)["Page size"].startswith("841.89 x 595.276 pts")
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all(font.embedded and "BIZUDPGothic" in font.name for font in fonts)


def test_file_name_names_the_town_and_the_edition_as_the_excel_file_does(staff, cast, plan):
    code = cast.town.organization.local_government_code
    response = staff.get(reverse("plans:roadmap_pdf", args=[plan.pk]))
    name = f"{cast.town.organization.name}_工程表_2021-2025年度.pdf"  # before the first decided revision
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"roadmap-{code}-FY2021-2025.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    decided_revision(cast.town, plan, dt.date(2023, 4, 1))
    response = staff.get(reverse("plans:roadmap_pdf", args=[plan.pk]))
    name = f"{cast.town.organization.name}_工程表_2023年度版.pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"roadmap-{code}-FY2023.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    excel = staff.get(reverse("plans:roadmap_export", args=[plan.pk]))["Content-Disposition"]
    assert excel == response["Content-Disposition"].replace(".pdf", ".xlsx")


def test_pdf_groups_measures_under_their_items_with_wareki_year_headers(plan, tmp_path):
    pdf = roadmap_pdf_bytes(plan, printed_on=dt.date(2024, 5, 1))

    text = plain(pdf_text(pdf, tmp_path))
    for expected in ("上里町DX推進計画工程表", "2021年度", "（令和3年度）", "（令和7年度）", "参考・備考"):
        assert expected in text
    assert text.index("重点取組事項1") < text.index("施策1-1") < text.index("重点取組事項2") < text.index("施策2-1")
    assert "準備1-1" in text and "実施1-1" in text
    assert "1/1" in text and "印刷日：令和6年5月1日" in text


def test_overlapping_spans_take_a_lane_each_as_on_the_page(cast):
    structure = plan_structure(cast.town, measures=1, areas=1)
    roadmap = structure["items"][0]["measures"][0]["roadmap"]
    roadmap.append({"label": "研修", "start_fy": 2022, "end_fy": 2023})
    plan = plan_create(actor=cast.town.actor("secretariat"), structure=structure)

    item, first, second = roadmap_document(plan)["rows"]
    assert item == {
        "kind": "item",
        "level": 1,
        "title": "重点取組事項 重点取組事項1",
    }  # the level's name, then the item
    assert (first["first"], first["lanes"], second["first"]) == (True, 2, False)
    assert first["cells"] == [{"label": "準備1-1", "span": 1}, {"label": "実施1-1", "span": 4}]
    assert second["cells"] == [
        {"label": None, "span": 1},
        {"label": "研修", "span": 2},
        {"label": None, "span": 1},
        {"label": None, "span": 1},
    ]


def test_department_filter_keeps_its_measures_and_names_it(staff, cast, plan, tmp_path):
    department = cast.town.departments[1]
    url = reverse("plans:roadmap_pdf", args=[plan.pk])
    response = staff.get(url, {"department": department.pk})

    text = plain(pdf_text(response.content, tmp_path))
    assert f"工程表（{department.name}）" in text
    assert "施策1-1" in text and "施策1-2" not in text
    assert (
        f'filename="roadmap-{cast.town.organization.local_government_code}-FY2021-2025-{department.pk}.pdf"'
        in response["Content-Disposition"]
    )


def test_a_plan_without_measures_says_so(cast, tmp_path):
    plan = make_plan(cast.town, measures=0, areas=1)

    assert "該当する施策はありません。" in plain(pdf_text(roadmap_pdf_bytes(plan), tmp_path))


def test_another_towns_plan_is_404(staff, other_plan):
    assert staff.get(reverse("plans:roadmap_pdf", args=[other_plan.pk])).status_code == 404


def test_costs_the_same_queries_for_10_and_120_measures(staff, cast):
    counts = []
    for measures, areas in ((10, 3), (120, 8)):
        plan = make_plan(cast.town, measures=measures, areas=areas)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(reverse("plans:roadmap_pdf", args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12


def test_file_name_drops_characters_a_file_name_cannot_hold(plan):
    plan.organization.name = '上里/町:"'

    assert roadmap_file_names(plan, "pdf")[0] == "上里_町___工程表_2021-2025年度.pdf"


def test_roadmap_page_links_to_the_pdf_with_its_filter(staff, cast, plan):
    department = cast.town.departments[1]
    pdf_url = reverse("plans:roadmap_pdf", args=[plan.pk])

    page = staff.get(reverse("plans:roadmap", args=[plan.pk])).content.decode()
    filtered = staff.get(reverse("plans:roadmap", args=[plan.pk]), {"department": department.pk}).content.decode()
    assert f'href="{pdf_url}" download>PDFでダウンロード</a>' in page
    assert f'href="{pdf_url}?department={department.pk}" download>' in filtered
