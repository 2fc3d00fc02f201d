"""Where sheets live. A backend reads raw cell values and writes lotsync's own tabs.

The core never sees a backend: `lotsync.app.sync` reads through one, hands plain
rows to the core, and gives the resulting tabs back to it to write.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from lotsync.core.errors import LotsyncError
from lotsync.tabs.owned import WritePlan
from lotsync.tabs.results import JournalLine, OutputTab


class SourceError(LotsyncError):
    """A spreadsheet cannot be read; the message is French and says what to do."""


class WriteError(LotsyncError):
    """Nothing was written; the message is French and says why."""


class ReadBook(NamedTuple):
    source: str
    """The source as configured (a path, later a Google id)."""
    name: str
    """How people call it: the file name or the spreadsheet's title."""
    tabs: dict[str, list[list[Any]]]
    """The tabs asked for that exist, as rows of raw values, row 1 first (one of lotsync's tabs
    stored to the byte as lotsync wrote it may be a `lotsync.tabs.owned.StoredTab`: read on demand)."""
    tab_names: list[str]
    """Every tab of the spreadsheet, in order."""
    token: Any
    """What the backend needs to tell, before writing, whether the book changed."""
    fingerprints: dict[str, Any] | None = None
    """What lotsync last wrote in its tabs, as kept in the workbook (see `owned.fingerprint`)."""
    saved_by: str | None = None
    """Who saved the workbook last, when the file says (to tell who to see about a hand edit)."""
    locale: str | None = None
    """A Google spreadsheet's locale (`fr_FR`, `en_US`…): it decides how Google shows amounts and
    reads typed dates. None for a local workbook."""


class WriteReport(NamedTuple):
    rewritten: list[str]
    unchanged: list[str]


class Backend(Protocol):
    def read(self, source: str, tabs: Sequence[str]) -> ReadBook: ...

    def as_stored(self, book: ReadBook, tab: OutputTab) -> OutputTab:
        """`tab` as this backend will give it back when read (to tell what changed)."""
        ...

    def write(
        self, book: ReadBook, plan: WritePlan, journal: JournalLine, generated: datetime
    ) -> WriteReport:
        """Carry out `plan` (`lotsync.tabs.owned.write_plan`) and add the Journal line: all or nothing."""
        ...


class Router:
    """One backend for a configuration whose sources mix local files and Google."""

    def __init__(self, config: Any):
        from lotsync.adapters.backends.xlsx import XlsxBackend

        self.config = config
        self.local = XlsxBackend()
        self._google: Any = None
        self._lock = threading.Lock()

    @property
    def google(self) -> Any:
        with self._lock:  # sources are read from several threads: one Google backend for all
            if self._google is None:
                from lotsync.adapters.backends.google import GoogleBackend

                self._google = GoogleBackend(self.config)
            return self._google

    def _for(self, source: str) -> Any:
        from lotsync.adapters.sources import classify

        return self.google if classify(source, self.config.backend).is_google else self.local

    @property
    def calls(self) -> dict[str, int]:
        """Google API calls made so far, by endpoint."""
        return dict(self._google.calls) if self._google is not None else {}

    def locate(self, spreadsheet: str, tab: str, row: int) -> str:
        """A link that opens a row: its Google Sheets URL, or the file name of a local workbook."""
        link = self._google.locate(spreadsheet, tab, row) if self._google is not None else None
        return link or spreadsheet

    def read(self, source: str, tabs: Sequence[str]) -> ReadBook:
        return self._for(source).read(source, tabs)

    def as_stored(self, book: ReadBook, tab: OutputTab) -> OutputTab:
        return self._for(book.source).as_stored(book, tab)

    def write(
        self, book: ReadBook, plan: WritePlan, journal: JournalLine, generated: datetime
    ) -> WriteReport:
        return self._for(book.source).write(book, plan, journal, generated)
