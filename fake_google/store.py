"""The emulator's state: Drive files with owners and share lists, spreadsheets, sent mail.

Plain data behind one lock. Every API module reads and changes it only through
`Store` while holding `store.lock`, so a request sees and leaves a consistent
state; `snapshot`/`restore` make a batch of changes all-or-nothing.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_file_id() -> str:
    """A 44-character id shaped like Google's."""
    return "1" + secrets.token_urlsafe(33)[:43]


class ApiError(Exception):
    """An error answer, in Google's shape for the API it comes from.

    `status` is the canonical status ("PERMISSION_DENIED", "NOT_FOUND", ...); `reason`,
    `location` and `location_type` fill Drive's `errors[]` entries.
    """

    def __init__(
        self,
        code: int,
        message: str,
        status: str,
        *,
        reason: str | None = None,
        location: str | None = None,
        location_type: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.reason = reason
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}


@dataclass
class Cell:
    """One cell as a user would have entered it.

    `value` is what `FORMULA` rendering returns: a number (int or float), a bool, a
    string, or a formula string starting with "=". `number_format` is Google's
    `numberFormat` object ({"type": "CURRENCY", "pattern": "..."}) or None.
    """

    value: Any = None
    number_format: dict[str, Any] | None = None
    note: str | None = None


@dataclass
class Sheet:
    """A tab: its `properties` exactly as Sheets v4 returns them, and its cells."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    """0-based (row, column) → Cell; absent means empty."""

    @property
    def sheet_id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]
    """title, locale, autoRecalc, timeZone, defaultFormat, spreadsheetTheme..."""
    sheets: list[Sheet] = field(default_factory=list)
    next_sheet_id: int = 0


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    owner: str
    parents: list[str] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict)
    """email → role ("reader", "commenter", "writer")."""
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)
    trashed: bool = False
    content: bytes | None = None
    """The bytes of a non-Google file (an uploaded .xlsx)."""

    def role_of(self, user: str) -> str | None:
        if user == self.owner:
            return "owner"
        return self.shared.get(user) or self.shared.get("anyone")


@dataclass
class SentMessage:
    id: str
    thread_id: str
    user: str
    raw: bytes
    label_ids: list[str] = field(default_factory=lambda: ["SENT"])


_ROLE_RANK = {"reader": 1, "commenter": 2, "writer": 3, "fileOrganizer": 3, "organizer": 4, "owner": 5}


class Store:
    """All the emulator knows. Use `with store.lock:` around every read or change."""

    def __init__(self, state_file: Path | None = None):
        self.lock = threading.RLock()
        self.files: dict[str, DriveFile] = {}
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.messages: list[SentMessage] = []
        self.state_file = state_file
        if state_file is not None and state_file.exists():
            self.load(state_file)

    # -- access ---------------------------------------------------------------

    def file_for(self, file_id: str, user: str, need: str = "reader", *, api: str = "sheets") -> DriveFile:
        """The file if `user` may `need` it, else Google's 404 or 403 for that API."""
        found = self.files.get(file_id)
        if found is None or (found.trashed and api == "sheets"):
            raise not_found(file_id, api)
        role = found.role_of(user)
        if role is None:
            # Google does not reveal that a file exists to someone it is not shared with.
            if api == "drive":
                raise not_found(file_id, api)
            raise permission_denied(api)
        if _ROLE_RANK[role] < _ROLE_RANK[need]:
            raise permission_denied(api)
        return found

    def spreadsheet_for(self, spreadsheet_id: str, user: str, need: str = "reader") -> Spreadsheet:
        file = self.file_for(spreadsheet_id, user, need, api="sheets")
        if file.mime_type != SPREADSHEET_MIME or spreadsheet_id not in self.spreadsheets:
            raise ApiError(400, "This operation is not supported for this document", "FAILED_PRECONDITION")
        return self.spreadsheets[spreadsheet_id]

    def touch(self, file_id: str) -> None:
        if file_id in self.files:
            self.files[file_id].modified_time = now_rfc3339()

    # -- all-or-nothing -------------------------------------------------------

    def snapshot(self, spreadsheet_id: str) -> Spreadsheet:
        return copy.deepcopy(self.spreadsheets[spreadsheet_id])

    def restore(self, saved: Spreadsheet) -> None:
        self.spreadsheets[saved.spreadsheet_id] = saved

    # -- persistence (--state FILE) -------------------------------------------

    def save(self, path: Path | None = None) -> None:
        path = path or self.state_file
        if path is None:
            return
        with self.lock:
            data = {
                "files": [
                    {**asdict(f), "content": f.content.hex() if f.content is not None else None}
                    for f in self.files.values()
                ],
                "spreadsheets": [
                    {
                        "spreadsheet_id": s.spreadsheet_id,
                        "properties": s.properties,
                        "next_sheet_id": s.next_sheet_id,
                        "sheets": [
                            {
                                "properties": sh.properties,
                                "cells": [[r, c, asdict(cell)] for (r, c), cell in sh.cells.items()],
                            }
                            for sh in s.sheets
                        ],
                    }
                    for s in self.spreadsheets.values()
                ],
            }
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(path)

    def load(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        with self.lock:
            self.files = {}
            for f in data.get("files", []):
                hex_content = f.pop("content", None)  # "" is an empty file, None a Google file
                content = bytes.fromhex(hex_content) if hex_content is not None else None
                self.files[f["id"]] = DriveFile(**f, content=content)
            self.spreadsheets = {}
            for s in data.get("spreadsheets", []):
                sheets = [
                    Sheet(sh["properties"], {(r, c): Cell(**cell) for r, c, cell in sh["cells"]})
                    for sh in s["sheets"]
                ]
                self.spreadsheets[s["spreadsheet_id"]] = Spreadsheet(
                    s["spreadsheet_id"], s["properties"], sheets, s.get("next_sheet_id", 0)
                )


def not_found(file_id: str, api: str) -> ApiError:
    if api == "drive":
        return ApiError(
            404,
            f"File not found: {file_id}.",
            "NOT_FOUND",
            reason="notFound",
            location="fileId",
            location_type="parameter",
        )
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


def permission_denied(api: str) -> ApiError:
    if api == "drive":
        return ApiError(
            403,
            "The user does not have sufficient permissions for this file.",
            "PERMISSION_DENIED",
            reason="insufficientFilePermissions",
        )
    return ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
