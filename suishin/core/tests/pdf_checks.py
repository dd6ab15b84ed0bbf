"""Look at a produced PDF as a reader would, with poppler-utils: page 1 drawn, the fonts embedded.

Without the tools a test skips with the install command; with CI=true it fails instead, so a CI
machine missing poppler-utils never passes silently (bin/test-suite reports it too).
"""

import os
import shutil
import subprocess  # nosec B404 - fixed argument lists, no shell
from dataclasses import dataclass
from pathlib import Path

import pytest


def poppler_tool(name: str) -> str:
    """Return the path of poppler-utils' `name`, or skip the test (fail it with CI=true)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: apt-get install poppler-utils"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def first_page_ink(pdf: bytes, folder: Path) -> float:
    """Return the share of page 1's pixels that are not white, drawn by pdftoppm in grey at 40 dpi."""
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    command = [poppler_tool("pdftoppm"), "-f", "1", "-l", "1", "-r", "40", "-gray", "-singlefile"]
    subprocess.run(  # noqa: S603 - fixed arguments
        [*command, str(source), str(folder / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    width, height, pixels = _read_pgm((folder / "page.pgm").read_bytes())
    assert width * height == len(pixels)
    return sum(1 for value in pixels if value < 200) / len(pixels)


def _read_pgm(data: bytes) -> tuple[int, int, bytes]:
    # Binary PGM ("P5"): magic, width, height, maximum value, one whitespace, then a byte per pixel.
    fields, position = [], 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        start = position
        while not data[position : position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    magic, width, height, maximum = fields
    assert magic == b"P5" and maximum == b"255"
    return int(width), int(height), data[position + 1 :]


@dataclass(frozen=True)
class PdfFont:
    name: str
    embedded: bool


def pdf_fonts(pdf: bytes, folder: Path) -> list[PdfFont]:
    """Return the fonts pdffonts lists for the document, with whether each is embedded."""
    source = folder / "fonts.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [poppler_tool("pdffonts"), str(source)], check=True, capture_output=True, text=True, timeout=60
    )
    # Columns: name, type (may hold spaces), encoding, emb, sub, uni, object, generation.
    fonts = []
    for line in result.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 7:
            fonts.append(PdfFont(parts[0], parts[-5] == "yes"))
    return fonts


def pdf_info(pdf: bytes, folder: Path) -> dict[str, str]:
    """Return what pdfinfo reads of the document: "Pages", "Page size", "Title", ..."""
    source = folder / "info.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [poppler_tool("pdfinfo"), str(source)], check=True, capture_output=True, text=True, timeout=60
    )
    info = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdf_text(pdf: bytes, folder: Path, *, page: int = 1) -> str:
    """Return the text of one page as pdftotext extracts it."""
    source = folder / "text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [poppler_tool("pdftotext"), "-f", str(page), "-l", str(page), "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout
