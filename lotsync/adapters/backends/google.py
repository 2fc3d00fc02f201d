"""Google Sheets (and Excel files on Drive) as lotsync's database.

API calls are a cost, counted in `calls`:
- an office's spreadsheet: one `spreadsheets.get` of its tab with grid data
  (title and values at once; effective values, so numbers and dates arrive as
  numbers and serials, never through a locale's text);
- the shared spreadsheet: one metadata call and one `values:batchGet` of every
  tab lotsync needs (UNFORMATTED_VALUE, SERIAL_NUMBER), then, to write, one
  `values:batchGet` of lotsync's own tabs (were they edited by hand since?) and
  one atomic `spreadsheets:batchUpdate` with everything;
- an Excel file on Drive: its metadata and its bytes (lotsync never writes there).
gspread's HTTP client carries the Sheets calls (never its `numericise`, never
its back-off client); googleapiclient the Drive ones; `RetryPolicy` both.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from lotsync.adapters import french
from lotsync.adapters.backends import ReadBook, SourceError, WriteError, WriteReport
from lotsync.adapters.config import Config
from lotsync.adapters.google.credentials import CredentialsError, load_credentials, scopes_for
from lotsync.adapters.google.errors import explain, http_status
from lotsync.adapters.google.retry import GaveUp, RetryPolicy
from lotsync.adapters.sources import Source, classify
from lotsync.core import french as core_french
from lotsync.core.cells import SERIAL_EPOCH, SERIAL_RANGE
from lotsync.tabs import french as tabs_french
from lotsync.tabs.owned import (
    WritePlan,
    fingerprint,
    fingerprint_from_text,
    fingerprint_text,
    foreign_refusal,
    is_marked,
    plain_rows,
)
from lotsync.tabs.results import (
    JOURNAL_HEADER,
    OWNED_TABS,
    JournalLine,
    OutputTab,
    Percent,
    Quantity,
    Row,
    journal_tab,
)

T = TypeVar("T")

MONEY_FORMAT = {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}
PERCENT_FORMAT = {"type": "PERCENT", "pattern": "0.0%"}
QUANTITY_FORMAT = {"type": "NUMBER", "pattern": "0.00"}
DATE_FORMAT = {"type": "DATE", "pattern": "dd/mm/yyyy"}
DATETIME_FORMAT = {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}
CELL_FIELDS = "userEnteredValue,userEnteredFormat(numberFormat,textFormat)"
MIN_ROWS, MIN_COLUMNS = 100, 26
MAX_REQUEST_BYTES = 2_000_000
"""Google advises at most 2 MB per request: a larger write is staged (see `GoogleBackend.write`)."""
STAGING_PREFIX = french.STAGING_TAB
"""Hidden tabs a staged write fills before the one atomic swap; a crash leaves them, the next
write deletes them."""


GOOGLE_SHEET_MIME = "application/vnd.google-apps.spreadsheet"


METADATA_KEY = "lotsync"
"""The developer metadata that marks a tab as lotsync's, invisible to people (the marker line in A1
stays, for them)."""
METADATA_BUDGET = 4_000
"""At most about this many characters of fingerprint per tab in its developer metadata. Google keeps
at most 30,000 characters of metadata at one location; six tabs of 4,000 stay under it even counted
together. A longer tab keeps one digest per run of rows (an edit is named by its run)."""
PIXELS_PER_CHARACTER = 7
"""How wide a column is, from the width in characters the tab asks for."""


class SheetToken(NamedTuple):
    """What a write needs to know of the shared spreadsheet as it was read."""

    spreadsheet_id: str
    sheets: dict[str, dict[str, Any]]
    """Tab title → its `properties` (sheetId, index, gridProperties)."""
    marks: dict[str, tuple[bool, bool]]
    """Tab title → whether it has lotsync's developer metadata, and a warning-only protection."""
    metadata_ids: Mapping[str, int] = MappingProxyType({})
    """Tab title → the id of lotsync's developer metadata on it (where its fingerprint is kept)."""


def _metadata_value(rows: Sequence[Sequence[Any]]) -> str:
    """What lotsync's developer metadata on a tab holds: the fingerprint of its rows under the first."""
    return fingerprint_text(fingerprint(rows), METADATA_BUDGET)


def _metadata_update(metadata_id: int, value: str) -> dict[str, Any]:
    """The request that sets the value of lotsync's developer metadata `metadata_id`."""
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [{"developerMetadataLookup": {"metadataId": metadata_id}}],
            "developerMetadata": {"metadataValue": value},
            "fields": "metadataValue",
        }
    }


def quote_tab(title: str) -> str:
    """A tab name as an A1 range: `'Tableau de bord'`, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def serial(day: date | datetime) -> int | Decimal:
    """A date as the spreadsheet serial number Google stores."""
    if isinstance(day, datetime):
        midnight = datetime.combine(day.date(), datetime.min.time())
        fraction = Decimal((day - midnight).total_seconds()) / 86400
        return (day.date() - SERIAL_EPOCH).days + fraction.quantize(Decimal("0.00000001"))
    return (day - SERIAL_EPOCH).days


def wire_value(value: Any) -> Any:
    """What Google returns, unformatted, for a cell lotsync wrote with `value`."""
    if isinstance(value, datetime | date):
        return serial(value)
    return value


def _json_number(value: int | Decimal) -> int | float:
    """JSON carries numbers as doubles, as Google stores them; an amount to the cent (far below
    2^53 cents) survives the trip exactly, and Google renders it back to the same cents."""
    if isinstance(value, int) or value == value.to_integral_value():
        return int(value)
    return float(value)


def number_format(value: Any) -> dict[str, str] | None:
    """The number format a value is shown with (None: text, a yes/no, nothing)."""
    if value is None or isinstance(value, bool | str):
        return None
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, Quantity):
        return QUANTITY_FORMAT
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    return None


def cell_data(value: Any, style: str, *, formatted: bool = True) -> dict[str, Any]:
    """A CellData for `updateCells`: typed values, and text always as text, never a formula.
    `formatted=False` leaves the number format out (`_number_formats` sets it per run of cells)."""
    data: dict[str, Any] = {}
    if value is None:
        return data
    if isinstance(value, bool):
        data["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, str):
        data["userEnteredValue"] = {"stringValue": value}
    elif isinstance(value, datetime | date):
        data["userEnteredValue"] = {"numberValue": _json_number(serial(value))}
    elif isinstance(value, int | Decimal):
        data["userEnteredValue"] = {"numberValue": _json_number(value)}
    else:
        data["userEnteredValue"] = {"stringValue": str(value)}
    cell_format: dict[str, Any] = {}
    shown = number_format(value) if formatted else None
    if shown:
        cell_format["numberFormat"] = shown
    if style in ("header", "title", "total"):
        cell_format["textFormat"] = {"bold": True}
    if cell_format:
        data["userEnteredFormat"] = cell_format
    return data


def _effective(cell: dict[str, Any]) -> Any:
    value = cell.get("effectiveValue") or {}
    for key in ("stringValue", "numberValue", "boolValue"):
        if key in value:
            if key == "numberValue":
                return _dated(value[key], cell)
            return value[key]
    if "errorValue" in value:
        return None
    return None


def _dated(number: Any, cell: dict[str, Any]) -> Any:
    """A number under a date format as the date it shows, as a local workbook's date cell reads
    (so that an anomaly on it says `2026-05-12`, not `46154`); any other number as it is."""
    kinds = {
        ((cell.get(key) or {}).get("numberFormat") or {}).get("type")
        for key in ("effectiveFormat", "userEnteredFormat")
    }
    if not kinds & {"DATE", "DATE_TIME"} or not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1] + 1:
        return number
    days = int(number)
    seconds = round((number - days) * 86400)
    day = SERIAL_EPOCH + timedelta(days=days)
    return datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds) if seconds else day


class GoogleBackend:
    """Reads and writes Google spreadsheets; reads Excel files on Drive."""

    def __init__(self, config: Config, *, gmail: bool = False, sleep: Callable[[float], None] | None = None):
        self.config = config
        self.google = config.google
        self.retry = RetryPolicy(max_tries=self.google.max_tries, max_seconds=self.google.max_seconds)
        self._journal_read: dict[str, list[list[Any]] | None] = {}
        """The Journal as the last read of each shared spreadsheet found it, for `journal_rows` once."""
        if sleep is not None:
            self.retry.sleep = sleep
        self.scopes = scopes_for(config, gmail=gmail)
        self.max_request_bytes = MAX_REQUEST_BYTES
        self.largest_request = 0
        """The largest batchUpdate body sent, in bytes (bench/google_sync.py prints it)."""
        self.calls: Counter[str] = Counter()
        self.links: dict[tuple[str, str], str] = {}
        """(spreadsheet title, tab) → its URL, for links in the digests."""
        self._lock = threading.Lock()
        self._credentials: Any = None
        self.identity = ""
        self._http: Any = None
        self._drive: Any = None

    # -- plumbing -------------------------------------------------------------

    def _client(self) -> Any:
        with self._lock:
            if self._http is None:
                from gspread.http_client import HTTPClient

                from lotsync.adapters.google.http import authorized_session, token_request

                self._credentials, self.identity = load_credentials(self.config, self.scopes)
                # One token before the reading threads start, rather than one each.
                self.retry.call(lambda: self._credentials.refresh(token_request(self.google.endpoint)))
                session = authorized_session(self._credentials, self.google.endpoint)
                self._http = HTTPClient(self._credentials, session=session)
                self._http.set_timeout(self.google.timeout)
            return self._http

    def _drive_service(self) -> Any:
        self._client()
        with self._lock:
            if self._drive is None:
                from lotsync.adapters.google.http import build_service

                self._drive = build_service(
                    "drive", "v3", self._credentials, self.google.endpoint, self.google.timeout
                )
            return self._drive

    def _call(self, endpoint: str, action: Callable[[], T]) -> T:
        def counted() -> T:
            with self._lock:
                self.calls[endpoint] += 1
            return action()

        return self.retry.call(counted)

    def _explain(
        self, error: BaseException, source: Source, name: str | None = None, *, editor: bool = False
    ) -> str:
        """A French message by Google's reason, naming the spreadsheet, its URL, whom to share it with
        and as what (`editor` for the shared spreadsheet), with Google's own message appended."""
        who = self.identity or french.GOOGLE_DEFAULT_IDENTITY
        label = french.GOOGLE_BOOK.format(name=name, url=source.url) if name else None
        role = french.ROLE_EDITOR if editor else french.ROLE_READER
        text = explain(error, source.url, who, role, label)
        if isinstance(error, GaveUp):
            status = http_status(error)
            reached = (
                f"HTTP {status}"
                if status
                else french.GOOGLE_NO_CONNECTION.format(kind=type(error.last).__name__)
            )
            return french.GOOGLE_GAVE_UP.format(
                tries=error.tries, url=source.url, status=reached, explanation=text
            )
        return text

    # -- reading --------------------------------------------------------------

    def read(self, source: str, tabs: Sequence[str]) -> ReadBook:
        where = classify(source, self.config.backend)
        try:
            if where.kind == "drive":
                return self._read_drive(source, where, tabs)
            if any(t in OWNED_TABS for t in tabs):
                return self._read_shared(source, where, tabs)
            return self._read_office(source, where, tabs)
        except SourceError:
            raise
        except CredentialsError as error:
            raise SourceError(str(error)) from error
        except Exception as error:  # any Google or network failure becomes a French message
            if _is_programming_error(error):
                raise
            raise SourceError(
                self._explain(error, where, editor=any(t in OWNED_TABS for t in tabs))
            ) from error

    def _read_office(self, source: str, where: Source, tabs: Sequence[str]) -> ReadBook:
        client = self._client()
        fields = (
            "properties(title,locale),sheets(properties(sheetId,title,index),"
            "data(startRow,startColumn,rowData(values(effectiveValue,"
            "effectiveFormat(numberFormat(type)),userEnteredFormat(numberFormat(type))))))"
        )
        params = {"ranges": [quote_tab(t) for t in tabs], "includeGridData": "true", "fields": fields}
        try:
            answer = self._call(
                "sheets.spreadsheets.get", lambda: client.fetch_sheet_metadata(where.ref, params=params)
            )
        except Exception as error:
            if http_status(error) != 400:
                raise
            # A tab that does not exist makes the range invalid: say which tabs there are.
            meta = self._metadata(where)
            names = [s["properties"]["title"] for s in meta.get("sheets", [])]
            return ReadBook(source, meta["properties"]["title"], {}, names, None)
        found: dict[str, list[list[Any]]] = {}
        names = []
        book_title = answer["properties"]["title"]
        for sheet in answer.get("sheets", []):
            title = sheet["properties"]["title"]
            names.append(title)
            self._remember_link(book_title, title, where, sheet["properties"].get("sheetId"))
            if title in tabs:
                found[title] = _grid_rows(sheet.get("data") or [])
        return ReadBook(source, book_title, found, names, None, locale=answer["properties"].get("locale"))

    def _remember_link(self, book: str, tab: str, where: Source, sheet_id: int | None) -> None:
        with self._lock:
            self.links[(book, tab)] = (
                f"https://docs.google.com/spreadsheets/d/{where.ref}/edit#gid={sheet_id or 0}"
            )

    def locate(self, book: str, tab: str, row: int) -> str | None:
        """A link that opens `row` of a tab lotsync read, in Google Sheets."""
        base = self.links.get((book, tab))
        return f"{base}&range=A{row}" if base else None

    def _metadata(self, where: Source) -> dict[str, Any]:
        client = self._client()
        fields = (
            "spreadsheetId,properties(title,locale,timeZone),"
            "sheets(properties(sheetId,title,index,gridProperties),"
            "developerMetadata(metadataId,metadataKey,metadataValue),protectedRanges(warningOnly))"
        )
        return self._call(
            "sheets.spreadsheets.get",
            lambda: client.fetch_sheet_metadata(where.ref, params={"fields": fields}),
        )

    def _batch_get(self, where: Source, titles: Sequence[str]) -> dict[str, list[list[Any]]]:
        if not titles:
            return {}
        client = self._client()
        params = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        ranges = [quote_tab(t) for t in titles]
        answer = self._call(
            "sheets.values.batchGet", lambda: client.values_batch_get(where.ref, ranges, params=params)
        )
        return {
            title: [list(r) for r in block.get("values", [])]
            for title, block in zip(titles, answer.get("valueRanges", []), strict=True)
        }

    def _read_shared(self, source: str, where: Source, tabs: Sequence[str]) -> ReadBook:
        meta = self._metadata(where)
        sheets = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
        for title, props in sheets.items():
            self._remember_link(meta["properties"]["title"], title, where, props.get("sheetId"))
        present = [t for t in tabs if t in sheets]
        found = self._batch_get(where, present)
        if tabs_french.TAB_JOURNAL in tabs:
            self._journal_read[where.ref] = found.get(tabs_french.TAB_JOURNAL)
        marks, ids, kept = {}, {}, {}
        for sheet in meta.get("sheets", []):
            title = sheet["properties"]["title"]
            ours = [m for m in sheet.get("developerMetadata") or [] if m.get("metadataKey") == METADATA_KEY]
            marks[title] = (bool(ours), any(p.get("warningOnly") for p in sheet.get("protectedRanges") or []))
            if ours and isinstance(ours[0].get("metadataId"), int):
                ids[title] = ours[0]["metadataId"]
            known = fingerprint_from_text(ours[0].get("metadataValue")) if ours else None
            if known is not None and title in OWNED_TABS:
                kept[title] = known
        token = SheetToken(where.ref, sheets, marks, ids)
        locale = meta["properties"].get("locale")
        return ReadBook(
            source,
            meta["properties"]["title"],
            found,
            list(sheets),
            token,
            fingerprints={"version": 1, "tabs": kept} if kept else None,
            locale=locale,
        )

    def _read_drive(self, source: str, where: Source, tabs: Sequence[str]) -> ReadBook:
        """An Excel file on Drive, downloaded and read as a workbook. `supportsAllDrives` on every
        call: without it Drive answers 404 for a file on a Shared Drive. A `drive:` source that is a
        native Google Sheet cannot be downloaded (403 fileNotDownloadable): it is read as a Sheet."""
        from lotsync.adapters.backends.xlsx import read_workbook_bytes

        drive = self._drive_service()
        meta = self._call(
            "drive.files.get",
            lambda: (
                drive.files()
                .get(fileId=where.ref, fields="id,name,mimeType", supportsAllDrives=True)
                .execute()
            ),
        )
        if meta.get("mimeType") == GOOGLE_SHEET_MIME:
            return self._read_office(source, Source("sheet", where.ref), tabs)
        data = self._call(
            "drive.files.get.media",
            lambda: drive.files().get_media(fileId=where.ref, supportsAllDrives=True).execute(),
        )
        found, names = read_workbook_bytes(data, tabs)
        return ReadBook(source, meta["name"], found, names, None)

    # -- writing --------------------------------------------------------------

    def as_stored(self, book: ReadBook, tab: OutputTab) -> OutputTab:
        """Google gives dates back as serial numbers (values read UNFORMATTED)."""
        return tab._replace(
            rows=[row._replace(cells=tuple(wire_value(v) for v in row.cells)) for row in tab.rows]
        )

    def write(
        self, book: ReadBook, plan: WritePlan, journal: JournalLine, generated: datetime
    ) -> WriteReport:
        where = classify(book.source, self.config.backend)
        token = book.token
        if where.kind != "sheet" or not isinstance(token, SheetToken):
            raise WriteError(french.WRITE_FAILED.format(path=book.name, reason=french.GOOGLE_NOT_A_SHEET))
        refusal = foreign_refusal(book.name, book.tabs, OWNED_TABS, book.tab_names)
        if refusal:
            raise WriteError(refusal)
        try:
            self._check_not_edited(book, where)
            *staging, final = self.write_batches(book, plan, journal, generated)
            if staging:
                client = self._client()
                for batch in staging:
                    self._send_batch(client, token.spreadsheet_id, batch)
                self._check_not_edited(book, where)  # a hand edit made while staging still stops it
            self._send_write(token, where, final, journal)
        except WriteError:
            raise
        except CredentialsError as error:
            raise WriteError(str(error)) from error
        except Exception as error:  # nothing was applied: batchUpdate is all or nothing
            if _is_programming_error(error):
                raise
            raise WriteError(
                self._explain(error, where, book.name, editor=True) + french.GOOGLE_NOTHING_WRITTEN
            ) from error
        return WriteReport(plan.rewritten, list(plan.unchanged))

    def write_batches(
        self, book: ReadBook, plan: WritePlan, journal: JournalLine, generated: datetime
    ) -> list[list[dict[str, Any]]]:
        """The batchUpdate bodies a write sends, in order; the last is the atomic one people see.

        A write of at most `max_request_bytes` is one batch. A larger one is staged: the largest
        rewritten tabs are first built in hidden staging tabs, in batches of at most that size,
        which nobody reads; then the last batch, atomic like every write, deletes the old tabs and
        gives each staging tab its name, place and visibility, with the rest of the write and the
        Journal line. If anything fails before it, the tabs people see are untouched (the next
        write deletes the staging tabs left behind).
        """
        token = book.token
        assert isinstance(token, SheetToken)
        final = self._requests(book, token, plan, journal, generated)
        if _size(final) <= self.max_request_bytes:
            return [final]
        used_ids = {p["sheetId"] for p in token.sheets.values()}
        marker = tabs_french.MARKER_LINE.format(when=core_french.timestamp(generated))
        tabs = [t for t in plan.rewrite if t.keep is None or t.name not in token.sheets]
        biggest = sorted(tabs, key=lambda t: -len(t.rows) * max((len(r.cells) for r in t.rows), default=1))
        staged: list[OutputTab] = []
        for tab in biggest:
            if _size(final) <= self.max_request_bytes // 2:
                break
            staged.append(tab)
            rest = plan._replace(rewrite=tuple(t for t in plan.rewrite if t not in staged))
            final = self._requests(book, token, rest, journal, generated)
        batches: list[list[dict[str, Any]]] = []
        swap: list[dict[str, Any]] = []
        run = secrets.token_hex(3)
        for number, tab in enumerate(staged):
            rows = [Row("marker", (marker,)), *tab.rows]
            empty = SheetToken(token.spreadsheet_id, {}, {})
            title = f"{STAGING_PREFIX}{run}-{number}"
            requests = _chunked(
                self.tab_requests(
                    title, rows, None, empty, used_ids, tab.widths, self._fingerprint(book, tab)
                ),
                hidden=True,
            )
            staging_id = requests[0]["addSheet"]["properties"]["sheetId"]
            batches += _batches(requests, self.max_request_bytes)
            old = token.sheets.get(tab.name)
            if old is not None:
                swap.append({"deleteSheet": {"sheetId": old["sheetId"]}})
            properties: dict[str, Any] = {"sheetId": staging_id, "title": tab.name, "hidden": False}
            if old is not None:
                properties["index"] = old.get("index", 0)
            swap.append({"updateSheetProperties": {"properties": properties, "fields": ",".join(properties)}})
        return [*batches, [*swap, *final]]

    def _send_batch(self, client: Any, spreadsheet_id: str, requests: list[dict[str, Any]]) -> None:
        self._call(
            "sheets.spreadsheets.batchUpdate",
            lambda: client.batch_update(spreadsheet_id, {"requests": requests}),
        )
        with self._lock:
            self.largest_request = max(self.largest_request, _size(requests))

    def _send_write(
        self, token: SheetToken, where: Source, requests: list[dict[str, Any]], journal: JournalLine
    ) -> None:
        """Send the one batchUpdate, safely even when an answer is lost.

        Every request is idempotent (cells written at fixed places, the Journal line
        included) except adding a tab, which Google refuses the second time. So a
        write whose answer was lost can be sent again; and when the retry is refused,
        or lotsync gives up, the Journal tells whether this run's line landed.
        """
        client = self._client()
        try:
            self._call(
                "sheets.spreadsheets.batchUpdate",
                lambda: client.batch_update(token.spreadsheet_id, {"requests": requests}),
            )
            with self._lock:
                self.largest_request = max(self.largest_request, _size(requests))
        except Exception as error:
            if _is_programming_error(error) or not self._journal_has(where, journal):
                raise

    def _journal_has(self, where: Source, journal: JournalLine) -> bool:
        """Whether the Journal already holds this run's line (its detail names the run)."""
        try:
            rows = self._batch_get(where, [tabs_french.TAB_JOURNAL]).get(tabs_french.TAB_JOURNAL, [])
        except Exception:  # the check itself failed: assume nothing landed, and say so
            return False
        return any(row and row[-1] == journal.detail for row in rows[2:])

    def _check_not_edited(self, book: ReadBook, where: Source) -> None:
        """Refuse to write when one of lotsync's tabs changed since it was read."""
        owned = [t for t in OWNED_TABS if t in book.tabs]
        now = self._batch_get(where, owned)
        changed: list[str] = []
        for title in owned:
            changed += _differences(title, book.tabs[title], now.get(title, []))
        if changed:
            shown = ", ".join(changed[:10]) + (" …" if len(changed) > 10 else "")
            raise WriteError(french.GOOGLE_EDITED.format(name=book.name, cells=shown))

    def _requests(
        self,
        book: ReadBook,
        token: SheetToken,
        plan: WritePlan,
        journal: JournalLine,
        generated: datetime,
    ) -> list[dict[str, Any]]:
        requests: list[dict[str, Any]] = [
            {"deleteSheet": {"sheetId": props["sheetId"]}}
            for title, props in token.sheets.items()
            if title.startswith(STAGING_PREFIX)  # left by a staged write that did not finish
        ]
        used_ids = {p["sheetId"] for p in token.sheets.values()}
        marker = tabs_french.MARKER_LINE.format(when=core_french.timestamp(generated))
        for tab in plan.rewrite:
            existing = book.tabs.get(tab.name)
            props = token.sheets.get(tab.name)
            if tab.keep is not None and props is not None:
                requests.append(_first_cell(props["sheetId"], tab.keep))  # the figures stay as they are
                continue
            rows = [Row("marker", (marker,)), *tab.rows]
            requests += self.tab_requests(
                tab.name, rows, existing, token, used_ids, tab.widths, self._fingerprint(book, tab)
            )
        requests += self._unfingerprinted(book, token, plan)
        requests += self._journal(book, token, journal, marker, used_ids)
        return requests

    def _unfingerprinted(self, book: ReadBook, token: SheetToken, plan: WritePlan) -> list[dict[str, Any]]:
        """An unchanged tab whose metadata holds no fingerprint (written by a lotsync before them)
        gets one, from its content as read: equal to what lotsync would write, or it would not be
        unchanged."""
        kept = (book.fingerprints or {}).get("tabs") or {}
        requests = []
        for title in plan.unchanged:
            metadata_id = token.metadata_ids.get(title)
            rows = book.tabs.get(title)
            if title in kept or metadata_id is None or rows is None:
                continue
            requests.append(_metadata_update(metadata_id, _metadata_value(rows[1:])))
        return requests

    def _fingerprint(self, book: ReadBook, tab: OutputTab) -> str:
        """The fingerprint of `tab` as Google will give it back, as the text its developer metadata
        keeps: the next sync names what a person changed in it meanwhile (the write is refused)."""
        return _metadata_value([row.cells for row in self.as_stored(book, tab).rows])

    @staticmethod
    def tab_requests(
        title: str,
        rows: list[Row],
        existing: list[list[Any]] | None,
        token: SheetToken,
        used_ids: set[int],
        widths: Sequence[int] = (),
        fingerprint: str | None = None,
    ) -> list[dict[str, Any]]:
        """The requests that make `title` hold exactly `rows`, as people should see it: values (text
        always as text), bold headers, number formats set per run of cells of one column (not per
        cell: a cell's format is about 135 bytes), frozen header rows, column widths, lotsync's
        developer metadata (holding `fingerprint`, the tab's fingerprint, when given) and a
        warning-only protection (Google asks before a person edits)."""
        width = max((len(r.cells) for r in rows), default=1)
        old_rows = len(existing or [])
        old_width = max((len(r) for r in existing or []), default=0)
        requests: list[dict[str, Any]] = []
        props = token.sheets.get(title)
        if props is None:
            sheet_id = _new_sheet_id(used_ids)
            grid = {"rowCount": max(len(rows) + 10, MIN_ROWS), "columnCount": max(width, MIN_COLUMNS)}
            requests.append(
                {"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": grid}}}
            )
        else:
            sheet_id = props["sheetId"]
            grid = props.get("gridProperties", {})
            need_rows, need_cols = max(len(rows), old_rows), max(width, old_width)
            if grid.get("rowCount", 0) < need_rows or grid.get("columnCount", 0) < need_cols:
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": sheet_id,
                                "gridProperties": {
                                    "rowCount": max(grid.get("rowCount", 0), need_rows),
                                    "columnCount": max(grid.get("columnCount", 0), need_cols),
                                },
                            },
                            "fields": "gridProperties(rowCount,columnCount)",
                        }
                    }
                )
        # One updateCells over the old and new extent: cells it does not cover are cleared.
        requests.append(
            {
                "updateCells": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": 0,
                        "endRowIndex": max(len(rows), old_rows),
                        "startColumnIndex": 0,
                        "endColumnIndex": max(width, old_width),
                    },
                    "rows": [
                        {"values": [cell_data(v, r.style, formatted=False) for v in r.cells]} for r in rows
                    ],
                    "fields": CELL_FIELDS,
                }
            }
        )
        requests += _number_formats(sheet_id, rows)
        requests += _layout(sheet_id, rows, widths)
        has_metadata, has_protection = token.marks.get(title, (False, False))
        if not has_metadata:
            requests.append(
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            # The id is the tab's: a batch sent twice (an answer lost) is refused
                            # whole the second time rather than marking the tab twice.
                            "metadataId": sheet_id,
                            "metadataKey": METADATA_KEY,
                            "metadataValue": fingerprint or title,
                            "location": {"sheetId": sheet_id},
                            "visibility": "DOCUMENT",
                        }
                    }
                }
            )
        elif fingerprint is not None:
            requests.append(_metadata_update(token.metadata_ids.get(title, sheet_id), fingerprint))
        if not has_protection:
            requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": sheet_id},
                            "description": french.PROTECTION_DESCRIPTION,
                            "warningOnly": True,
                        }
                    }
                }
            )
        return requests

    def _journal(
        self, book: ReadBook, token: SheetToken, journal: JournalLine, marker: str, used_ids: set[int]
    ) -> list[dict[str, Any]]:
        title = tabs_french.TAB_JOURNAL
        existing = book.tabs.get(title)
        line = {"values": [cell_data(v, "data") for v in journal.cells()]}
        props = token.sheets.get(title)
        if existing is not None and is_marked(existing) and props is not None:
            # The line goes right under the last one read, at a fixed place: sending the same
            # write twice (an answer lost on the way) leaves one line, not two.
            sheet_id = props["sheetId"]
            requests: list[dict[str, Any]] = []
            grid = props.get("gridProperties", {})
            if grid.get("rowCount", 0) <= len(existing):
                requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {
                                "sheetId": sheet_id,
                                "gridProperties": {"rowCount": len(existing) + 100},
                            },
                            "fields": "gridProperties.rowCount",
                        }
                    }
                )
            return [
                *requests,
                _first_cell(sheet_id, marker),
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": len(existing), "columnIndex": 0},
                        "rows": [line],
                        "fields": CELL_FIELDS,
                    }
                },
            ]
        fresh = journal_tab([journal.cells()])
        rows = [Row("marker", (marker,)), *fresh.rows]
        return self.tab_requests(title, rows, existing, token, used_ids, fresh.widths)

    # -- the Journal, for the digests' send log ----------------------------------

    def journal_rows(self, spreadsheet_id: str) -> list[list[Any]] | None:
        """The shared spreadsheet's Journal as unformatted values, or None when it has none yet.

        The first call after a read of the shared spreadsheet (a sync's, under the work lock) takes
        the Journal that read found instead of asking Google again: the send log's lines are
        written only under that lock, so they are as read. Later calls ask Google.
        Raises `SourceError` (French, naming the spreadsheet) when Google refuses.
        """
        if spreadsheet_id in self._journal_read:
            return self._journal_read.pop(spreadsheet_id)
        where = Source("sheet", spreadsheet_id)
        try:
            return self._batch_get(where, [tabs_french.TAB_JOURNAL]).get(tabs_french.TAB_JOURNAL, [])
        except Exception as error:
            if _is_programming_error(error):
                raise
            if http_status(error) == 400:
                return None  # "Unable to parse range": no Journal tab
            raise SourceError(self._explain(error, where, editor=True)) from error

    def append_journal(self, spreadsheet_id: str, cells: Sequence[Any], when: datetime) -> None:
        """Append one line to the Journal, made first (marker and header) as a sync would make it.

        Raises `WriteError` (French) when Google refuses.
        """
        where = Source("sheet", spreadsheet_id)
        title = tabs_french.TAB_JOURNAL
        last_column = chr(ord("A") + len(JOURNAL_HEADER) - 1)
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        try:
            client = self._client()

            def append() -> Any:
                return self._call(
                    "sheets.values.append",
                    lambda: client.values_append(
                        spreadsheet_id,
                        f"{quote_tab(title)}!A:{last_column}",
                        params,
                        {"values": [list(cells)]},
                    ),
                )

            try:
                append()
            except Exception as error:
                if _is_programming_error(error) or http_status(error) != 400:
                    raise
                self._create_journal(client, spreadsheet_id, when, cells)
        except CredentialsError as error:
            raise WriteError(str(error)) from error
        except Exception as error:
            if _is_programming_error(error):
                raise
            raise WriteError(self._explain(error, where, editor=True)) from error

    def _create_journal(self, client: Any, spreadsheet_id: str, when: datetime, cells: Sequence[Any]) -> None:
        """The Journal made with its marker, header and first line in one atomic batchUpdate: a
        failure half way cannot leave a tab without its marker (which every later write would
        refuse as a person's)."""
        marker = tabs_french.MARKER_LINE.format(when=core_french.timestamp(when))
        rows = [Row("marker", (marker,)), *journal_tab([cells]).rows]
        widths = journal_tab([]).widths
        requests = self.tab_requests(
            tabs_french.TAB_JOURNAL, rows, None, SheetToken(spreadsheet_id, {}, {}), set(), widths
        )
        self._call(
            "sheets.spreadsheets.batchUpdate",
            lambda: client.batch_update(spreadsheet_id, {"requests": requests}),
        )


def _size(requests: list[dict[str, Any]]) -> int:
    """The bytes of a batchUpdate body, as sent."""
    return len(json.dumps({"requests": requests}, separators=(",", ":"), ensure_ascii=False).encode())


def _chunked(requests: list[dict[str, Any]], *, hidden: bool) -> list[dict[str, Any]]:
    """A new tab's requests with its one big `updateCells` cut into `updateCells` of a few rows each
    (the tab is new and empty: nothing to clear), so that batches can stay small."""
    found: list[dict[str, Any]] = []
    for request in requests:
        if "addSheet" in request and hidden:
            request["addSheet"]["properties"]["hidden"] = True
        cells = request.get("updateCells")
        if cells is None or "range" not in cells:
            found.append(request)
            continue
        sheet_id, rows = cells["range"]["sheetId"], cells["rows"]
        step = 500
        for start in range(0, len(rows), step):
            found.append(
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": 0},
                        "rows": rows[start : start + step],
                        "fields": cells["fields"],
                    }
                }
            )
    return found


def _batches(requests: list[dict[str, Any]], budget: int) -> list[list[dict[str, Any]]]:
    """Requests in order, cut into batches of at most `budget` bytes (a lone request larger than
    that is cut further if it is an `updateCells`, else sent alone)."""
    batches: list[list[dict[str, Any]]] = [[]]
    size = 0
    for request in requests:
        one = _size([request])
        cells = request.get("updateCells")
        if one > budget and cells is not None and len(cells["rows"]) > 1:
            half = len(cells["rows"]) // 2
            start = cells["start"]
            first = {**cells, "rows": cells["rows"][:half]}
            second = {
                **cells,
                "rows": cells["rows"][half:],
                "start": {**start, "rowIndex": start["rowIndex"] + half},
            }
            for part in _batches([{"updateCells": first}, {"updateCells": second}], budget):
                batches.append(part)
            batches.append([])
            size = 0
            continue
        if batches[-1] and size + one > budget:
            batches.append([])
            size = 0
        batches[-1].append(request)
        size += one
    return [b for b in batches if b]


def _number_formats(sheet_id: int, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """One `repeatCell` per run of consecutive cells of a column that share a number format."""
    requests: list[dict[str, Any]] = []
    width = max((len(r.cells) for r in rows), default=0)
    for column in range(width):
        run_format: dict[str, str] | None = None
        start = 0
        for index in range(len(rows) + 1):
            cells = rows[index].cells if index < len(rows) else ()
            found = number_format(cells[column]) if column < len(cells) else None
            if found == run_format:
                continue
            if run_format is not None:
                requests.append(_repeat_format(sheet_id, start, index, column, run_format))
            run_format, start = found, index
    return requests


def _repeat_format(sheet_id: int, start: int, end: int, column: int, fmt: dict[str, str]) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": start,
                "endRowIndex": end,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "cell": {"userEnteredFormat": {"numberFormat": fmt}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }


def _layout(sheet_id: int, rows: Sequence[Row], widths: Sequence[int]) -> list[dict[str, Any]]:
    """Frozen rows (the marker, and the header of a one-table tab) and the columns' widths."""
    headers = [i for i, r in enumerate(rows) if r.style == "header"]
    frozen = headers[0] + 1 if len(headers) == 1 and headers[0] < 5 else 1
    requests: list[dict[str, Any]] = [
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": frozen}},
                "fields": "gridProperties.frozenRowCount",
            }
        }
    ]
    for column, characters in enumerate(widths):
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "startIndex": column,
                        "endIndex": column + 1,
                    },
                    "properties": {"pixelSize": characters * PIXELS_PER_CHARACTER + 10},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def _first_cell(sheet_id: int, text: str) -> dict[str, Any]:
    """Rewrite a tab's first line only (its marker), nothing else."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [cell_data(text, "marker")]}],
            "fields": CELL_FIELDS,
        }
    }


def _grid_rows(data: list[dict[str, Any]]) -> list[list[Any]]:
    """GridData → rows of raw values, row 1 first (leading empty rows and columns restored)."""
    if not data:
        return []
    block = data[0]
    start_row, start_col = block.get("startRow", 0), block.get("startColumn", 0)
    rows: list[list[Any]] = [[] for _ in range(start_row)]
    for row in block.get("rowData", []):
        rows.append([None] * start_col + [_effective(c) for c in row.get("values", [])])
    return rows


def _differences(title: str, before: list[list[Any]], after: list[list[Any]]) -> list[str]:
    from gspread.utils import rowcol_to_a1

    old, new = plain_rows(before), plain_rows(after)
    cells = []
    for r in range(max(len(old), len(new))):
        a = old[r] if r < len(old) else ()
        b = new[r] if r < len(new) else ()
        for c in range(max(len(a), len(b))):
            if (a[c] if c < len(a) else None) != (b[c] if c < len(b) else None):
                cells.append(f"{title}!{rowcol_to_a1(r + 1, c + 1)}")
    return cells


def _new_sheet_id(used: set[int]) -> int:
    while True:
        candidate = secrets.randbelow(2**31 - 1) + 1
        if candidate not in used:
            used.add(candidate)
            return candidate


def _is_programming_error(error: BaseException) -> bool:
    return isinstance(error, TypeError | AttributeError | NameError | AssertionError | KeyError)
