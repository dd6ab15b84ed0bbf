"""The PDF module: A4 pages drawn with the shipped Japanese font, footer, and data kept as text."""

import datetime as dt

import pytest
from django.utils import translation

from suishin.core.pdf import (
    FONT_DIR,
    ROOT,
    PdfRenderError,
    PdfTemplateDoesNotExist,
    compile_typst,
    find_template,
    render_pdf,
)
from suishin.core.typst_render import load_fonts

from .pdf_checks import first_page_ink, pdf_fonts, pdf_info, pdf_text

SENTENCE = "住民サービスの向上と業務の効率化を図るため、デジタル技術を活用した取組を計画的に推進する。"


def report(sections=2, **section):
    return {
        "heading": "令和5年度 評価結果報告書",
        "sections": [
            {
                "heading": f"第{number}章 取組の状況",
                "paragraphs": [SENTENCE * 3],
                "table": {"columns": ["指標", "目標値", "実績値"], "rows": [["オンライン化率", "80%", "72%"]]},
                "page_break": number > 1,
            }
            | section
            for number in range(1, sections + 1)
        ],
    }


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def test_page_one_is_drawn_with_the_japanese_font_embedded(tmp_path):
    """pdftoppm draws ink on page 1, and every font pdffonts lists is the shipped one, embedded."""
    pdf = render_pdf("core/report.typ", report(), title="評価結果報告書")

    assert pdf.startswith(b"%PDF-")
    assert first_page_ink(pdf, tmp_path) > 0.01
    fonts = pdf_fonts(pdf, tmp_path)
    assert {font.name.split("+")[-1] for font in fonts} == {"BIZUDPGothic-Regular", "BIZUDPGothic-Bold"}
    assert all(font.embedded for font in fonts)


def test_pages_are_a4_portrait_or_landscape(tmp_path):
    portrait = pdf_info(render_pdf("core/report.typ", report(), title="報告書"), tmp_path)
    landscape = pdf_info(render_pdf("core/report.typ", report(), title="報告書", landscape=True), tmp_path)

    assert portrait["Page size"].startswith("595.276 x 841.89 pts (A4)")
    assert landscape["Page size"].startswith("841.89 x 595.276 pts")
    assert portrait["Pages"] == "2"
    assert portrait["Title"] == "報告書"


def test_footer_shows_title_page_of_pages_and_print_date_in_wareki(tmp_path):
    pdf = render_pdf("core/report.typ", report(3), title="評価結果報告書", printed_on=dt.date(2024, 4, 1))

    # typst sets a narrow space between kana/kanji and digits; pdftotext turns it into a space.
    second_page = "".join(pdf_text(pdf, tmp_path, page=2).split())
    assert "評価結果報告書" in second_page
    assert "2/3" in second_page
    assert "印刷日：令和6年4月1日" in second_page


def test_text_from_the_data_is_printed_as_typed_never_run_as_markup(tmp_path):
    """Data travels as JSON: typst syntax in a user's text is printed, not evaluated."""
    typed = '#import "/core/pdf.py" *太字* $x$ @ref <b>'
    pdf = render_pdf("core/report.typ", report(1, paragraphs=[typed], heading=typed), title=typed)

    text = pdf_text(pdf, tmp_path)
    assert text.count('#import "/core/pdf.py" *太字* $x$ @ref <b>') == 3  # heading, paragraph, footer


def test_a_hundred_pages_of_text(tmp_path):
    pdf = render_pdf("core/report.typ", report(100, paragraphs=[SENTENCE * 20]), title="報告書")

    assert pdf_info(pdf, tmp_path)["Pages"] == "100"
    assert len(pdf_text(pdf, tmp_path, page=100).replace(" ", "")) >= 800


def test_templates_are_found_in_the_apps_typst_folders_only():
    assert find_template("core/report.typ").name == "report.typ"
    for name in ("core/missing.typ", "../pdf.py", "../../plans/models.py", "/etc/hostname"):
        with pytest.raises(PdfTemplateDoesNotExist):
            find_template(name)


def test_fonts_are_the_shipped_ones_with_their_licence_never_the_systems():
    """Only the fonts in core/fonts (and typst's own, built into its package) are available."""
    paths = {font.path for font in load_fonts(str(FONT_DIR)).fonts()}
    shipped = {path for path in paths if path is not None}
    assert shipped == {str(FONT_DIR / "BIZUDPGothic-Regular.ttf"), str(FONT_DIR / "BIZUDPGothic-Bold.ttf")}
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()


def test_a_template_error_is_raised_with_typst_s_message():
    with pytest.raises(PdfRenderError, match="unknown variable: nothing"):
        compile_typst("#nothing", {})


def test_a_document_that_reads_outside_the_package_fails():
    """typst's root is the suishin package: a template cannot read settings or system files."""
    with pytest.raises(PdfRenderError):
        compile_typst('#read("/../config/settings/base.py")', {})


def test_a_missing_poppler_tool_skips_here_and_fails_on_ci(monkeypatch):
    from . import pdf_checks

    monkeypatch.setattr(pdf_checks.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        pdf_checks.poppler_tool("pdftoppm")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        pdf_checks.poppler_tool("pdftoppm")


def test_no_template_imports_a_typst_package():
    """typst fetches `@preview` packages from the internet, which LGWAN does not reach."""
    templates = list(ROOT.glob("*/typst/**/*.typ"))

    assert templates
    assert [path for path in templates if "@preview" in path.read_text() or "@local" in path.read_text()] == []
