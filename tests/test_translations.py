"""The English catalogue is complete: every Japanese text of the templates and code has a translation."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
TRANSLATE_TAG = re.compile(r"""\{%\s*translate\s+"([^"]+)"\s*%\}""")
GETTEXT_CALL = re.compile(r"""\b_\(\s*"([^"\\]+)"\s*\)""")


def catalogue() -> dict[str, str]:
    entries = {}
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            entries.setdefault("__fuzzy__", []).append(block)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            entries[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def sources():
    for path in (settings.BASE_DIR / "suishin").rglob("*"):
        if path.suffix in {".html", ".py"} and "tests" not in path.parts and "jinja2" not in path.parts:
            yield path


def test_no_entry_is_fuzzy_or_empty():
    entries = catalogue()
    assert "__fuzzy__" not in entries
    assert [key for key, value in entries.items() if key and not value] == []


def test_every_text_marked_for_translation_is_in_the_catalogue():
    entries = catalogue()
    missing = set()
    for path in sources():
        text = path.read_text(encoding="utf-8")
        pattern = TRANSLATE_TAG if path.suffix == ".html" else GETTEXT_CALL
        missing |= {f"{path.name}: {m}" for m in pattern.findall(text) if m not in entries}
    assert sorted(missing) == []


def test_compiled_catalogue_matches_its_source():
    """The committed .mo was compiled from the committed .po (compilemessages was not forgotten)."""
    with Path(PO).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        key
        for key, value in catalogue().items()
        if key
        and "%" not in key
        and "\\" not in key
        and compiled.gettext(key.replace("\\n", "\n")) != value.replace("\\n", "\n")
    ]
    assert stale == []


def test_jinja2_partials_hold_no_text_of_their_own():
    """The Jinja2 partials (hot paths only, see docs/architecture.md) get every label from the view,
    translated there with gettext: a Japanese text written into a partial would never be translated."""
    japanese = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana and kanji (punctuation aside)
    comment = re.compile(r"\{#.*?#\}", re.S)
    found = []
    for path in (settings.BASE_DIR / "suishin").rglob("*.html"):
        if "jinja2" in path.parts:
            text = comment.sub("", path.read_text(encoding="utf-8"))
            found += [f"{path.name}: {line.strip()}" for line in text.splitlines() if japanese.search(line)]
    assert found == []
