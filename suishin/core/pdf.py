"""A4 PDFs with an embedded Japanese font, rendered by typst; every app prints through `render_pdf`.

A document is a typst template in an app's `typst/` folder (beside `templates/` and `jinja2/`),
named like a Django template: "plans/roadmap.typ" is `suishin/plans/typst/plans/roadmap.typ`. The
template reads its data with `json(bytes(sys.inputs.data))`; the data travels as JSON and is never
spliced into markup, so no text a user typed can act as typst code. Labels are translated on the
Python side (gettext) and passed in the data like any other text.

`core/document.typ` lays out every page: A4, portrait or landscape, and a footer with the title,
"page / pages" and the print date. Only the fonts shipped in `suishin/core/fonts/` (BIZ UDPGothic,
OFL) and typst's own are used, never the system's; typst embeds the glyphs it used.

Why typst and not WeasyPrint: docs/architecture.md, section "PDF".
"""

import datetime as dt
import json
from functools import cache
from pathlib import Path

import typst
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


class PdfTemplateDoesNotExist(LookupError):
    """Raised when no app has the named typst template."""


@cache
def _fonts() -> typst.Fonts:
    # Parsed once per process; compiling in any thread reuses the parsed faces (about 0.1 s saved).
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])


def find_template(template_name: str) -> Path:
    """Return the file of typst template `template_name`, searched in each app's `typst/` folder."""
    for app_config in apps.get_app_configs():
        folder = Path(app_config.path) / "typst"
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
    compiler = typst.Compiler(root=str(ROOT), font_paths=_fonts(), ignore_system_fonts=True)
    return compiler.compile(
        input=main.encode(),
        format="pdf",
        sys_inputs={
            "meta": json.dumps(meta, cls=DjangoJSONEncoder, ensure_ascii=False),
            "data": json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False),
        },
        timestamp=timezone.now().replace(microsecond=0),
    )
