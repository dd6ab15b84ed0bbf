"""The PDF benchmark (bench/pdf.py) cannot rot: both documents render once at a tiny size."""

from bench.pdf import MIN_CHARACTERS_PER_PAGE, measure, render_table, report_document


def test_both_documents_render_and_the_table_prints(db, tmp_path):
    rows = measure(tmp_path, roadmap_measures=4, report_pages=2, runs=1)

    assert [row["document"] for row in rows] == ["工程表 PDF, 4 measures", "report, 2 pages"]
    assert all(row["median"] > 0 for row in rows)
    assert "| report, 2 pages |" in render_table(rows)


def test_every_report_page_holds_enough_text_before_the_table():
    sections = report_document(100)["sections"]

    assert len(sections) == 100
    assert min(len("".join(s["paragraphs"])) for s in sections) >= MIN_CHARACTERS_PER_PAGE
