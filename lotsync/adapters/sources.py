"""Where a configured source lives: a local .xlsx, a Google Sheet, or an Excel file on Drive.

A source is written as people copy it: a path, a Google Sheets URL
(`https://docs.google.com/spreadsheets/d/ID/edit`), a Drive file URL
(`https://drive.google.com/file/d/ID/view`), `sheets:ID` / `drive:ID`, or a bare
Google id when `backend = "google"`.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

_SHEET_URL = re.compile(r"https?://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_DRIVE_URL = re.compile(r"https?://drive\.google\.com/(?:file/(?:u/\d+/)?d/|open\?id=)([A-Za-z0-9_-]+)")
_XLSX_ON_DOCS = re.compile(
    r"https?://docs\.google\.com/(?:spreadsheets/)?(?:file/)?d/([A-Za-z0-9_-]+).*rtpof=true"
)
_BARE_ID = re.compile(r"[A-Za-z0-9_-]{25,}")


class Source(NamedTuple):
    kind: Literal["local", "sheet", "drive"]
    ref: str
    """The path for a local file, else the Google file id."""

    @property
    def is_google(self) -> bool:
        return self.kind != "local"

    @property
    def url(self) -> str:
        if self.kind == "sheet":
            return f"https://docs.google.com/spreadsheets/d/{self.ref}/edit"
        if self.kind == "drive":
            return f"https://drive.google.com/file/d/{self.ref}/view"
        return self.ref


def classify(text: str, backend: str = "local") -> Source:
    text = text.strip()
    if text.startswith("sheets:"):
        return Source("sheet", text.removeprefix("sheets:"))
    if text.startswith("drive:"):
        return Source("drive", text.removeprefix("drive:"))
    if found := _XLSX_ON_DOCS.match(text):
        return Source("drive", found[1])
    if found := _SHEET_URL.match(text):
        return Source("sheet", found[1])
    if found := _DRIVE_URL.match(text):
        return Source("drive", found[1])
    if backend == "google" and _BARE_ID.fullmatch(text):
        return Source("sheet", text)
    return Source("local", text)
