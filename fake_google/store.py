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


def new_drive_id() -> str:
    """A 19-character shared drive id shaped like Google's ("0A…Uk9PVA")."""
    return "0A" + secrets.token_urlsafe(9)[:11] + "Uk9PVA"


class ApiError(Exception):
    """An error answer, in Google's shape for the API it comes from.

    `status` is the canonical status ("PERMISSION_DENIED", "NOT_FOUND", ...); `reason`,
    `location` and `location_type` fill Drive's `errors[]` entries. `body`, when given, is
    the whole `error` object as Google sends it, for the answers that carry more than those
    fields (`details[]` with a `google.rpc.ErrorInfo`, an `extendedHelp`): `http.error_body`
    sends it unchanged.
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
        body: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.reason = reason
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}
        self.body = body


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
    style: dict[str, Any] | None = None
    """The rest of the cell's `userEnteredFormat` (textFormat, horizontalAlignment,
    backgroundColor...) as Google keeps it, or None. Kept apart from `number_format`
    because values are rendered through the number format alone."""

    def is_blank(self) -> bool:
        """Nothing to keep: no value, no format, no note (the cell can be dropped)."""
        return self.value is None and self.number_format is None and self.note is None and not self.style


@dataclass
class Sheet:
    """A tab: its `properties` exactly as Sheets v4 returns them, its cells, and what hangs on it."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    """0-based (row, column) → Cell; absent means empty."""
    row_metadata: dict[int, dict[str, Any]] = field(default_factory=dict)
    """0-based row → the DimensionProperties set on it (`pixelSize`, `hiddenByUser`); absent: defaults."""
    column_metadata: dict[int, dict[str, Any]] = field(default_factory=dict)
    """0-based column → the DimensionProperties set on it; absent means the defaults."""
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    """ProtectedRange resources as stored (`protectedRangeId`, `range`, `description`,
    `warningOnly`, `editors`...); `requestingUserCanEdit` is worked out per reader."""
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    """DeveloperMetadata located on this tab, its rows or its columns. They go with the tab
    when it is deleted, as Google deletes an object's metadata with it."""

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
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    """DeveloperMetadata located on the whole spreadsheet (tab-located ones live on their Sheet)."""
    next_object_id: int = 0
    """Counter behind the ids Google would draw for developer metadata and protected ranges."""


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
    drive_id: str | None = None
    """The shared drive the file lives in, or None for a file in someone's My Drive. A
    shared drive's file belongs to the drive, not to `owner` (who only created it)."""

    def role_of(self, user: str) -> str | None:
        """The user's role from the file itself (owner, share list); a shared drive's members
        get theirs from `Store.role_of`."""
        if user == self.owner and self.drive_id is None:
            return "owner"
        return self.shared.get(user) or self.shared.get("anyone")


@dataclass
class SharedDrive:
    """A shared drive: its files belong to it, and its members' roles reach every file in it.

    `members` maps an address to "organizer", "fileOrganizer", "writer", "commenter" or
    "reader" (Drive's roles for shared drives).
    """

    id: str
    name: str
    members: dict[str, str] = field(default_factory=dict)
    created_time: str = field(default_factory=now_rfc3339)


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
        self.shared_drives: dict[str, SharedDrive] = {}
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.messages: list[SentMessage] = []
        self.state_file = state_file
        if state_file is not None and state_file.exists():
            self.load(state_file)

    # -- access ---------------------------------------------------------------

    def file_for(
        self,
        file_id: str,
        user: str,
        need: str = "reader",
        *,
        api: str = "sheets",
        all_drives: bool = False,
    ) -> DriveFile:
        """The file if `user` may `need` it, else Google's 404 or 403 for that API.

        A shared drive's file is 404 to a Drive call that does not pass
        `supportsAllDrives=true` (`all_drives`), even for the drive's organizers: Drive
        answers "File not found" rather than reveal it to an application that has not said
        it handles shared drives (see drive.py). The Sheets API has no such parameter.
        """
        found = self.files.get(file_id)
        if found is None or (found.trashed and api == "sheets"):
            raise not_found(file_id, api)
        if found.drive_id is not None and api == "drive" and not all_drives:
            raise not_found(file_id, api)
        role = self.role_of(found, user)
        if role is None:
            # Google does not reveal that a file exists to someone it is not shared with.
            if api == "drive":
                raise not_found(file_id, api)
            raise permission_denied(api)
        if _ROLE_RANK[role] < _ROLE_RANK[need]:
            raise permission_denied(api)
        return found

    def role_of(self, file: DriveFile, user: str) -> str | None:
        """The user's strongest role on the file: its own share list, or its shared drive's."""
        roles = [file.role_of(user)]
        if file.drive_id is not None and file.drive_id in self.shared_drives:
            members = self.shared_drives[file.drive_id].members
            roles.append(members.get(user) or members.get("anyone"))
        known = [r for r in roles if r is not None]
        return max(known, key=_ROLE_RANK.__getitem__) if known else None

    def create_shared_drive(
        self, name: str, organizer: str, members: dict[str, str] | None = None
    ) -> SharedDrive:
        """A new shared drive, `organizer` first among its members (a test's set-up hook)."""
        drive = SharedDrive(new_drive_id(), name, {organizer: "organizer", **(members or {})})
        self.shared_drives[drive.id] = drive
        return drive

    def move_to_shared_drive(self, file_id: str, drive_id: str) -> DriveFile:
        """Put an existing file at the top of a shared drive (a test's set-up hook)."""
        file = self.files[file_id]
        if drive_id not in self.shared_drives:
            raise KeyError(f"no shared drive {drive_id}")
        file.drive_id = drive_id
        file.parents = [drive_id]
        return file

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
                "shared_drives": [asdict(d) for d in self.shared_drives.values()],
                "spreadsheets": [
                    {
                        "spreadsheet_id": s.spreadsheet_id,
                        "properties": s.properties,
                        "next_sheet_id": s.next_sheet_id,
                        "developer_metadata": s.developer_metadata,
                        "next_object_id": s.next_object_id,
                        "sheets": [
                            {
                                "properties": sh.properties,
                                "cells": [[r, c, asdict(cell)] for (r, c), cell in sh.cells.items()],
                                "row_metadata": list(sh.row_metadata.items()),
                                "column_metadata": list(sh.column_metadata.items()),
                                "protected_ranges": sh.protected_ranges,
                                "developer_metadata": sh.developer_metadata,
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
            self.shared_drives = {d["id"]: SharedDrive(**d) for d in data.get("shared_drives", [])}
            self.spreadsheets = {}
            for s in data.get("spreadsheets", []):
                sheets = [
                    Sheet(
                        sh["properties"],
                        {(r, c): Cell(**cell) for r, c, cell in sh["cells"]},
                        {int(i): props for i, props in sh.get("row_metadata", [])},
                        {int(i): props for i, props in sh.get("column_metadata", [])},
                        sh.get("protected_ranges", []),
                        sh.get("developer_metadata", []),
                    )
                    for sh in s["sheets"]
                ]
                self.spreadsheets[s["spreadsheet_id"]] = Spreadsheet(
                    s["spreadsheet_id"],
                    s["properties"],
                    sheets,
                    s.get("next_sheet_id", 0),
                    s.get("developer_metadata", []),
                    s.get("next_object_id", 0),
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
