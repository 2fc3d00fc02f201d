"""Where sheets live. A backend reads raw cell values and writes lotsync's own tabs.

The core never sees a backend: `lotsync.sync` reads through one, hands plain
rows to the core, and gives the resulting tabs back to it to write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from lotsync.outputs import JournalLine, OutputTab


class SourceError(Exception):
    """A spreadsheet cannot be read; the message is French and says what to do."""


class WriteError(Exception):
    """Nothing was written; the message is French and says why."""


class ReadBook(NamedTuple):
    source: str
    """The source as configured (a path, later a Google id)."""
    name: str
    """How people call it: the file name or the spreadsheet's title."""
    tabs: dict[str, list[list[Any]]]
    """The tabs asked for that exist, as rows of raw values, row 1 first."""
    tab_names: list[str]
    """Every tab of the spreadsheet, in order."""
    token: Any
    """What the backend needs to tell, before writing, whether the book changed."""


class WriteReport(NamedTuple):
    rewritten: list[str]
    unchanged: list[str]


class Backend(Protocol):
    def read(self, source: str, tabs: Sequence[str]) -> ReadBook: ...

    def write(
        self, book: ReadBook, tabs: Sequence[OutputTab], journal: JournalLine, generated: datetime
    ) -> WriteReport: ...
