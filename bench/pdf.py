#!/usr/bin/env python
"""PDF benchmark: `.venv/bin/python bench/pdf.py` (runs alone; no server, no PostgreSQL needed).

Times the two documents of the target (each ≤ 3 s): the 工程表 PDF of a plan with 80 measures, read
from the database as the download does, and a 100-page report whose every page holds at least 800
characters of text. Each is rendered once cold (the fonts parsed for the first time in the process),
then RUNS times (default 5); the median is the figure to quote (wall time; CPU time beside it, as
the machine may be shared). With poppler-utils it also checks
the page count and the characters on the emptiest page. Environment: BENCH_PDF_RUNS, DATABASE_URL
(default: a fresh SQLite database in a temporary folder).
"""

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_PDF_RUNS", "5"))
TARGET_SECONDS = 3.0
ROADMAP_MEASURES = 80
REPORT_PAGES = 100
MIN_CHARACTERS_PER_PAGE = 800
SENTENCES = (
    "地域の課題を把握し、住民サービスの向上と業務の効率化を図るため、デジタル技術を活用した取組を計画的に推進する。",
    "行政手続のオンライン化により、窓口に来なくても申請できる手続を増やし、書かない窓口を全庁に広げる。",
    "職員の情報リテラシーを高める研修を毎年度実施し、各課のDX推進員が業務の見直しを主導する。",
    "効果は指標の実績値で測り、推進委員会で評価して翌年度の取組に反映する。",
)


def setup_django(database_folder: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_folder / 'bench_pdf.sqlite3'}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def roadmap_plan(measures: int = ROADMAP_MEASURES):
    """Return a new town's plan of `measures` measures over five fiscal years, two spans each."""
    from suishin.plans.tests.factories import make_plan
    from suishin.tenants.tests.factories import make_cast

    return make_plan(make_cast().town, measures=measures, areas=8, start_fy=2023, end_fy=2027)


def indicator_row(section: int, row: int) -> list[str]:
    return [f"指標{section}-{row}", f"{row * 10}件", f"{row * 20}件", f"{row * 15}件", "概ね順調"]


def report_document(pages: int = REPORT_PAGES) -> dict:
    """Return the data of `core/report.typ` for `pages` pages: paragraphs of 800+ characters and a table."""
    sections = []
    for number in range(1, pages + 1):
        text = "".join(SENTENCES[(number + i) % len(SENTENCES)] for i in range(18))
        sections.append(
            {
                "heading": f"第{number}章 重点取組事項{number}の進捗",
                "paragraphs": [text[: len(text) // 2], text[len(text) // 2 :]],
                "table": {
                    "columns": ["指標", "基準値", "目標値", "実績値", "評価"],
                    "rows": [indicator_row(number, r) for r in range(1, 7)],
                    "widths": [3, 1, 1, 1, 2],
                },
                "page_break": number > 1,
            }
        )
    return {"heading": "令和5年度 DX推進計画 評価結果報告書", "sections": sections}


def cpu_seconds() -> float:
    """Return the CPU time of this process and of its finished children (typst runs in one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(render, runs: int = RUNS) -> dict:
    """Render once cold, then `runs` times; return the figures in seconds and the last PDF."""
    start = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - start
    times, cpu_times = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), cpu_seconds()
        pdf = render()
        times.append(time.perf_counter() - start)
        cpu_times.append(cpu_seconds() - cpu_start)
    return {
        "cold": cold,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        # CPU seconds (this process and the typst process): steadier than wall time on a shared machine.
        "cpu": statistics.median(cpu_times),
        # The largest resident size any child (typst, then pdftotext) reached so far (kilobytes on Linux).
        "typst_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "pdf": pdf,
    }


def page_texts(pdf: bytes, folder: Path) -> list[str] | None:
    """Return the text of each page (pdftotext), or None without poppler-utils."""
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    try:
        result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=120, check=True)
    except (FileNotFoundError, subprocess.CalledProcessError):
        return None
    return result.stdout.split("\f")[:-1]


def measure(folder: Path, *, roadmap_measures: int = ROADMAP_MEASURES, report_pages: int = REPORT_PAGES, runs=RUNS):
    """Return one row per document: its figures, page count and the characters of its emptiest page."""
    from django.utils import translation

    from suishin.core.pdf import render_pdf
    from suishin.plans.models import Plan
    from suishin.plans.roadmap_pdf import roadmap_pdf_bytes

    plan_id = roadmap_plan(roadmap_measures).pk
    report = report_document(report_pages)
    documents = [
        # The plan is read afresh each time, as the download view does.
        (f"工程表 PDF, {roadmap_measures} measures", lambda: roadmap_pdf_bytes(Plan.objects.get(pk=plan_id))),
        (f"report, {report_pages} pages", lambda: render_pdf("core/report.typ", report, title=report["heading"])),
    ]
    rows = []
    with translation.override("ja"):
        for name, render in documents:
            figures = timed(render, runs)
            texts = page_texts(figures.pop("pdf"), folder)
            figures["pages"] = len(texts) if texts is not None else None
            figures["fewest_characters"] = min(len("".join(t.split())) for t in texts) if texts else None
            rows.append({"document": name} | figures)
    return rows


def render_table(rows: list[dict]) -> str:
    lines = [
        f"PDF benchmark — {os.cpu_count()} cores, typst, median of {RUNS} runs after one cold render",
        "",
        "| document | pages | fewest characters on a page | cold s | median s | min s | max s | CPU s "
        "| peak MiB of a child process | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = "≤ 3 s" if row["median"] <= TARGET_SECONDS else "OVER 3 s"
        lines.append(
            f"| {row['document']} | {row['pages'] if row['pages'] is not None else '-'} "
            f"| {row['fewest_characters'] if row['fewest_characters'] is not None else '-'} "
            f"| {row['cold']:.2f} | {row['median']:.2f} | {row['min']:.2f} | {row['max']:.2f} | {row['cpu']:.2f} "
            f"| {row['typst_peak_mib']:.0f} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="suishin-bench-pdf-") as folder:
        setup_django(Path(folder))
        print(render_table(measure(Path(folder))))


if __name__ == "__main__":
    main()
