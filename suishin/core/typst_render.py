"""Compile one typst document in a process of its own: a JSON request on stdin, the PDF on stdout.

`suishin.core.pdf` runs this file with the same interpreter for every document, so that the web and
task workers never hold typst's memoisation cache (the typst package keeps the results of its last
ten compilations: about 800 MB after ten 100-page reports), a runaway document can be stopped by a
timeout, and a crash in the native code ends this process rather than the worker. Starting it costs
about 0.1 s. It imports nothing of the project: stdlib and typst only.
"""

import json
import sys

import typst


def load_fonts(font_dir: str) -> typst.Fonts:
    """Return the fonts a document may use: those in `font_dir` and typst's own, never the system's."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[font_dir])


def main() -> int:
    request = json.load(sys.stdin.buffer)
    fonts = load_fonts(request["font_dir"])
    compiler = typst.Compiler(root=request["root"], font_paths=fonts, ignore_system_fonts=True)
    try:
        pdf = compiler.compile(
            input=request["main"].encode(),
            format="pdf",
            sys_inputs=request["sys_inputs"],
            timestamp=request["timestamp"],
        )
    except typst.TypstError as error:
        sys.stderr.write(f"{error.message}\n{error.diagnostic}\n")
        return 1
    assert isinstance(pdf, bytes)  # one document for format="pdf" (a list is for one image a page)
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
