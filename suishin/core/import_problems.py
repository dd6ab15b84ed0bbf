"""What an import found wrong, by row and column, kept within a fixed size whatever the file holds.

A hostile or badly broken file can have a problem in every cell: an import keeps the first
MAX_PROBLEMS, counts the rest, and ends the list with one line that says how many were left out.
Messages and the texts they quote are shortened, so that the list (and a job's stored result) stays small.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .spreadsheets import cell_name

MAX_PROBLEMS = 200
MAX_MESSAGE_CHARS = 200
MAX_QUOTED_CHARS = 30


@dataclass
class ImportProblem:
    row: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = cell_name(self.row, self.column) if self.column else f"{self.row}行目"
        return f"{where}: {self.message}"


def quoted(text: str) -> str:
    """Return `text` short enough to quote in a message (a cell may hold 32,767 characters)."""
    return text if len(text) <= MAX_QUOTED_CHARS else text[: MAX_QUOTED_CHARS - 1] + "…"


class ProblemCollector:
    """Collect problems: the first `limit` are kept, the others only counted."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.limit = limit
        self.kept: list[ImportProblem] = []
        self.count = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, row: int | None, column: int | None, message: str) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            if len(message) > MAX_MESSAGE_CHARS:
                message = message[: MAX_MESSAGE_CHARS - 1] + "…"
            self.kept.append(ImportProblem(row, column, message))

    def result(self) -> list[ImportProblem]:
        """Return the kept problems, and a last line with the number left out, if any."""
        if self.count <= len(self.kept):
            return list(self.kept)
        rest = self.count - len(self.kept)
        summary = _(
            "ほか %(rest)s 件の問題があります（全部で %(total)s 件。最初の %(kept)s 件だけを示しています）。"
        ) % {
            "rest": f"{rest:,}",
            "total": f"{self.count:,}",
            "kept": len(self.kept),
        }
        return [*self.kept, ImportProblem(None, None, summary)]
