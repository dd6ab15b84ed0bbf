"""A4 PDFs with an embedded Japanese font, rendered by typst; every app prints through `render_pdf`.

A document is a typst template in an app's `typst/` folder (beside `templates/` and `jinja2/`),
named like a Django template: "plans/roadmap.typ" is `suishin/plans/typst/plans/roadmap.typ`. The
template reads its data with `json(bytes(sys.inputs.data))`; the data travels as JSON and is never
spliced into markup, so no text a user typed can act as typst code. Labels are translated on the
Python side (gettext) and passed in the data like any other text.

`core/document.typ` lays out every page: A4, portrait or landscape, and a footer with the title,
"page / pages" and the print date. Only the fonts shipped in `suishin/core/fonts/` (BIZ UDPGothic,
OFL) and typst's own are used, never the system's; typst embeds the glyphs it used. Each document is
compiled in a short-lived process (`typst_render.py` says why).

Why typst and not WeasyPrint: docs/architecture.md, section "PDF".
"""

import datetime as dt
import json
import subprocess  # nosec B404
import sys
from pathlib import Path

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .wareki import wareki_date

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "BIZ UDPGothic"
# typst reads files only below its root: the package holding every app, so that each template can
# import the page layout from core.
ROOT = Path(__file__).resolve().parent.parent
LAYOUT = "core/document.typ"
RENDERER = Path(__file__).resolve().parent / "typst_render.py"
RENDER_TIMEOUT_SECONDS = 120


class PdfTemplateDoesNotExist(LookupError):
    """Raised when no app has the named typst template."""


class PdfRenderError(RuntimeError):
    """Raised when typst cannot compile a document (a template's fault) or takes too long."""


def find_template(template_name: str) -> Path:
    """Return the file of typst template `template_name`, searched in each app's `typst/` folder."""
    for app_config in apps.get_app_configs():
        folder = (Path(app_config.path) / "typst").resolve()
        candidate = (folder / template_name).resolve()
        if candidate.is_relative_to(folder) and candidate.is_relative_to(ROOT) and candidate.is_file():
            return candidate
    raise PdfTemplateDoesNotExist(template_name)


def _typst_path(path: Path) -> str:
    return "/" + path.relative_to(ROOT).as_posix()


def render_pdf(
    template_name: str,
    context: dict,
    *,
    title: str,
    landscape: bool = False,
    printed_on: dt.date | None = None,
) -> bytes:
    """Return the PDF of typst template `template_name` filled with `context` (JSON-serialisable).

    Every page is A4 (`landscape` turns it) and its footer shows `title`, the page number out of
    the page count and the print date (`printed_on`, today by default) in 和暦.
    """
    template = find_template(template_name)
    printed_on = printed_on or timezone.localdate()
    language = (get_language() or "ja").split("-")[0]
    meta = {
        "title": title,
        "printed": _("印刷日：%(date)s") % {"date": wareki_date(printed_on)},
        "landscape": landscape,
        "lang": language,
        "font": FONT_FAMILY,
    }
    layout = find_template(LAYOUT)
    main = f'#import "{_typst_path(layout)}": layout\n#show: layout\n#include "{_typst_path(template)}"\n'
    return compile_typst(
        main,
        {
            "meta": json.dumps(meta, cls=DjangoJSONEncoder, ensure_ascii=False),
            "data": json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False),
        },
    )


def compile_typst(main: str, sys_inputs: dict[str, str]) -> bytes:
    """Return the PDF of typst source `main` (files below ROOT, the shipped fonts), compiled apart."""
    request = {
        "root": str(ROOT),
        "font_dir": str(FONT_DIR),
        "main": main,
        "sys_inputs": sys_inputs,
        "timestamp": int(timezone.now().timestamp()),
    }
    try:
        # Our interpreter and script, a fixed argument list, no shell.
        result = subprocess.run(  # noqa: S603  # nosec B603
            [sys.executable, "-I", str(RENDERER)],
            input=json.dumps(request, ensure_ascii=False).encode(),
            capture_output=True,
            timeout=RENDER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfRenderError(f"typst took longer than {RENDER_TIMEOUT_SECONDS} s") from error
    if result.returncode != 0 or not result.stdout.startswith(b"%PDF-"):
        raise PdfRenderError(result.stderr.decode(errors="replace")[-4000:] or f"exit status {result.returncode}")
    return result.stdout
