"""Sheets API v4 routes: spreadsheets.get/create/batchUpdate and the values family.

Answers follow the shapes recorded from Google (see ../shared/conformance): ranges
come back normalised ("Sheet1!A1:Z1000"), empty trailing cells and rows are
trimmed, zero counts are left out as protobuf JSON does, and errors carry
Google's messages. A batchUpdate is all-or-nothing: requests are applied in order
on the live spreadsheet and, on the first invalid one, the snapshot taken before
is restored and the error names the request ("Invalid requests[1].addSheet: ...").

Only number formats are kept among cell formats; requests that change nothing
but the look of a sheet (borders, merges, filters, widths...) are accepted and
ignored. Formulas are stored, never computed (see values.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fake_google import values, workbook
from fake_google.a1 import format_box
from fake_google.http import Request, Response, route
from fake_google.masks import Mask, apply_mask, parse_fields
from fake_google.store import (
    SPREADSHEET_MIME,
    ApiError,
    Cell,
    DriveFile,
    Sheet,
    Spreadsheet,
    Store,
    new_file_id,
)
from fake_google.workbook import Target

SPREADSHEET = r"/v4/spreadsheets/(?P<id>[^/:]+)"
VALUES = SPREADSHEET + r"/values/(?P<range>.+)"


def invalid(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


def _spreadsheet(store: Store, request: Request, need: str) -> Spreadsheet:
    return store.spreadsheet_for(request.params["id"], request.user or "", need)


def _locale(spreadsheet: Spreadsheet) -> str | None:
    return spreadsheet.properties.get("locale")


def _body(request: Request) -> dict[str, Any]:
    """The JSON body, which must be an object."""
    data = request.json()
    if not isinstance(data, dict):
        raise invalid('Invalid JSON payload received. Unknown name "": Root element must be a message.')
    return data


def _answer(request: Request, body: dict[str, Any]) -> Response:
    """A 200 answer, cut down to the `fields` the caller asked for."""
    fields = request.arg("fields")
    return Response(200, apply_mask(body, parse_fields(fields.replace("/", "."))) if fields else body)


def _nonzero(data: dict[str, Any]) -> dict[str, Any]:
    """Protobuf JSON leaves out zero counts."""
    return {key: value for key, value in data.items() if value not in (0, None)}


# -- options -----------------------------------------------------------------

_ENUM_TYPES = {
    "value_render_option": ("ValueRenderOption", values.VALUE_RENDER_OPTIONS),
    "date_time_render_option": ("DateTimeRenderOption", values.DATE_RENDER_OPTIONS),
    "major_dimension": ("Dimension", ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")),
    "value_input_option": ("ValueInputOption", (*values.INPUT_OPTIONS, "INPUT_VALUE_OPTION_UNSPECIFIED")),
    "insert_data_option": ("InsertDataOption", ("OVERWRITE", "INSERT_ROWS")),
}


def _enum(value: str | None, field: str, default: str) -> str:
    """An enum query or body field; Google's 400 for a value it does not know."""
    if value is None or value == "":
        return default
    type_name, allowed = _ENUM_TYPES[field]
    if value not in allowed:
        raise invalid(
            f"Invalid value at '{field}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), \"{value}\""
        )
    return value


class RenderOptions:
    """How values.get, batchGet and write responses render cells."""

    def __init__(self, value_option: str, date_option: str, major: str, locale: str | None):
        self.value_option = value_option
        self.date_option = date_option
        self.major = "COLUMNS" if major == "COLUMNS" else "ROWS"
        self.locale = locale

    @classmethod
    def from_query(cls, request: Request, spreadsheet: Spreadsheet) -> RenderOptions:
        return cls(
            _enum(request.arg("valueRenderOption"), "value_render_option", "FORMATTED_VALUE"),
            _enum(request.arg("dateTimeRenderOption"), "date_time_render_option", "SERIAL_NUMBER"),
            _enum(request.arg("majorDimension"), "major_dimension", "ROWS"),
            _locale(spreadsheet),
        )

    def render(self, cell: Cell) -> Any:
        return values.render(cell, self.value_option, self.date_option, self.locale)

    def value_range(self, target: Target) -> dict[str, Any]:
        body: dict[str, Any] = {"range": target.a1(), "majorDimension": self.major}
        matrix = workbook.read_matrix(target, self.render, self.major)
        if matrix:
            body["values"] = matrix
        return body


# -- spreadsheets.get / create -----------------------------------------------


@route("GET", SPREADSHEET, "sheets.spreadsheets.get", "sheets", "read")
def get_spreadsheet(store: Store, request: Request) -> Response:
    spreadsheet = _spreadsheet(store, request, "reader")
    fields = request.arg("fields")
    mask: Mask = parse_fields(fields.replace("/", ".")) if fields else {}
    grid_data = _wants_grid_data(mask) if mask else request.flag("includeGridData")
    body = spreadsheet_resource(spreadsheet, request.args("ranges"), grid_data)
    return Response(200, apply_mask(body, mask) if mask else body)


def _wants_grid_data(mask: Mask) -> bool:
    """Google ignores includeGridData when a field mask is given: the mask decides."""
    if "*" in mask:
        return True
    sheets = mask.get("sheets")
    return sheets is not None and (not sheets or "data" in sheets or "*" in sheets)


def spreadsheet_resource(
    spreadsheet: Spreadsheet, ranges: list[str] | None = None, grid_data: bool = False
) -> dict[str, Any]:
    """The Spreadsheet resource; with `ranges`, only their tabs (and their cells with grid data)."""
    chosen: dict[int, list[Target]] = {}
    if ranges:
        for text in ranges:
            target = workbook.resolve(spreadsheet, text)
            chosen.setdefault(target.sheet.sheet_id, []).append(target)
    sheets = []
    for sheet in spreadsheet.sheets:
        if ranges and sheet.sheet_id not in chosen:
            continue
        entry: dict[str, Any] = {"properties": workbook.deep_copy(sheet.properties)}
        if grid_data:
            targets = chosen.get(sheet.sheet_id) or [_whole(sheet)]
            entry["data"] = [grid_data_of(t, _locale(spreadsheet)) for t in targets]
        sheets.append(entry)
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": workbook.deep_copy(spreadsheet.properties),
        "sheets": sheets,
        "spreadsheetUrl": workbook.spreadsheet_url(spreadsheet.spreadsheet_id),
    }


def _whole(sheet: Sheet) -> Target:
    rows, columns = workbook.grid_size(sheet)
    return Target(sheet, 0, 0, rows, columns)


def grid_data_of(target: Target, locale: str | None) -> dict[str, Any]:
    """GridData: rowData with each cell's entered, effective and formatted value, then sizes."""
    keys = {
        key
        for key, cell in target.sheet.cells.items()
        if target.contains(*key) and (not values.is_empty(cell) or cell.number_format or cell.note)
    }
    rows = []
    for row in range(target.top, max((r + 1 for r, _ in keys), default=target.top)):
        width = max((c - target.left + 1 for r, c in keys if r == row), default=0)
        cells = [_cell_data(target.sheet.cells.get((row, target.left + i)), locale) for i in range(width)]
        rows.append({"values": cells} if cells else {})
    data: dict[str, Any] = _nonzero({"startRow": target.top, "startColumn": target.left})
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": 21} for _ in range(target.height)]
    data["columnMetadata"] = [{"pixelSize": 100} for _ in range(target.width)]
    return data


def _cell_data(cell: Cell | None, locale: str | None) -> dict[str, Any]:
    if cell is None:
        return {}
    data: dict[str, Any] = {}
    if not values.is_empty(cell):
        data["userEnteredValue"] = extended_value(cell.value)
        data["effectiveValue"] = extended_value(cell.value, formula_as_text=True)
        data["formattedValue"] = values.format_value(cell.value, cell.number_format, locale)
    if cell.number_format:
        data["userEnteredFormat"] = {"numberFormat": dict(cell.number_format)}
    if cell.note:
        data["note"] = cell.note
    return data


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=") and len(value) > 1


def extended_value(value: Any, *, formula_as_text: bool = False) -> dict[str, Any]:
    """ExtendedValue of a stored value."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if _is_formula(value) and not formula_as_text:
        return {"formulaValue": value}
    return {"stringValue": value}


@route("POST", r"/v4/spreadsheets", "sheets.spreadsheets.create", "sheets", "write")
def create_spreadsheet(store: Store, request: Request) -> Response:
    """spreadsheets.create: a new spreadsheet owned by the caller, also a Drive file."""
    body = _body(request)
    wanted = body.get("properties") or {}
    file_id = _new_file_id(store)
    title = wanted.get("title") or "Untitled spreadsheet"
    spreadsheet = workbook.new_spreadsheet(
        store,
        file_id,
        title,
        locale=wanted.get("locale") or "en_US",
        time_zone=wanted.get("timeZone") or "Etc/GMT",
    )
    if body.get("sheets"):
        spreadsheet.sheets = []
        for index, entry in enumerate(body["sheets"]):
            properties = dict(entry.get("properties") or {})
            properties.setdefault("index", index)
            if index == 0:
                properties.setdefault("sheetId", 0)
            try:
                add_sheet(spreadsheet, {"properties": properties})
            except RequestError as error:
                del store.spreadsheets[file_id]
                raise invalid(str(error)) from None
    store.files[file_id] = DriveFile(file_id, title, SPREADSHEET_MIME, owner=request.user or "")
    return _answer(request, spreadsheet_resource(spreadsheet))


def _new_file_id(store: Store) -> str:
    while True:
        candidate = new_file_id()
        if candidate not in store.files:
            return candidate


# -- values.get / batchGet ---------------------------------------------------


@route("GET", VALUES, "sheets.values.get", "sheets", "read")
def get_values(store: Store, request: Request) -> Response:
    spreadsheet = _spreadsheet(store, request, "reader")
    options = RenderOptions.from_query(request, spreadsheet)
    target = workbook.resolve(spreadsheet, request.params["range"])
    return _answer(request, options.value_range(target))


@route("GET", SPREADSHEET + r"/values:batchGet", "sheets.values.batchGet", "sheets", "read")
def batch_get_values(store: Store, request: Request) -> Response:
    spreadsheet = _spreadsheet(store, request, "reader")
    options = RenderOptions.from_query(request, spreadsheet)
    ranges = [options.value_range(workbook.resolve(spreadsheet, text)) for text in request.args("ranges")]
    body: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if ranges:
        body["valueRanges"] = ranges
    return _answer(request, body)


# -- values.update / batchUpdate / append ------------------------------------


class Writer:
    """One write of a ValueRange: where it lands and what changed."""

    def __init__(self, spreadsheet: Spreadsheet, input_option: str):
        self.spreadsheet = spreadsheet
        self.input_option = input_option

    def convert(self, raw: Any) -> tuple[Any, Any]:
        return values.from_json(raw, self.input_option, _locale(self.spreadsheet))

    @staticmethod
    def check(rows: list[list[Any]]) -> None:
        """Refuse nested lists or objects before anything is written."""
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                if isinstance(raw, list | dict):
                    raise invalid(f"Invalid values[{i}][{j}]: {_json_kind(raw)}")

    def write(self, target: Target, rows: list[list[Any]]) -> set[tuple[int, int]]:
        return workbook.write_matrix(target.sheet, target.top, target.left, rows, self.convert)


def _json_kind(raw: Any) -> str:
    return "list_value {\n}" if isinstance(raw, list) else "struct_value {\n}"


def _matrix(body: dict[str, Any], field: str = "data") -> list[list[Any]]:
    """The body's values as rows, whatever its majorDimension."""
    rows = body.get("values") or []
    if not isinstance(rows, list):
        raise _not_a_list(f"{field}.values", rows)
    for index, row in enumerate(rows):
        if not isinstance(row, list):
            raise _not_a_list(f"{field}.values[{index}]", row)
    if _enum(body.get("majorDimension"), "major_dimension", "ROWS") != "COLUMNS":
        return rows
    height = max((len(column) for column in rows), default=0)
    return [[column[i] if i < len(column) else None for column in rows] for i in range(height)]


def _not_a_list(field: str, found: Any) -> ApiError:
    """Google's protobuf error for a value where a list was expected."""
    return invalid(
        f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
        + json.dumps(found, ensure_ascii=False)
    )


def _input_option(value: str | None, *, in_body: bool = False) -> str:
    option = _enum(value, "value_input_option", "INPUT_VALUE_OPTION_UNSPECIFIED")
    if option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        if in_body:
            raise invalid("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        raise invalid("'valueInputOption' is required but not specified")
    return option


def update_response(
    spreadsheet: Spreadsheet, target: Target, written: set[tuple[int, int]], echo: RenderOptions | None
) -> dict[str, Any]:
    """UpdateValuesResponse; counts are of the cells actually given (nulls are skipped)."""
    body = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "updatedRange": target.a1(),
        **_nonzero(
            {
                "updatedRows": len({r for r, _ in written}),
                "updatedColumns": len({c for _, c in written}),
                "updatedCells": len(written),
            }
        ),
    }
    if echo is not None:
        body["updatedData"] = echo.value_range(target)
    return body


def _echo(
    request: Request, spreadsheet: Spreadsheet, body: dict[str, Any] | None = None
) -> RenderOptions | None:
    """Render options for includeValuesInResponse, from the query or a batch body."""
    body = body or {}
    wanted = body.get("includeValuesInResponse")
    if wanted is None:
        wanted = request.flag("includeValuesInResponse")
    if not wanted:
        return None
    value_option = body.get("responseValueRenderOption") or request.arg("responseValueRenderOption")
    date_option = body.get("responseDateTimeRenderOption") or request.arg("responseDateTimeRenderOption")
    return RenderOptions(
        _enum(value_option, "value_render_option", "FORMATTED_VALUE"),
        _enum(date_option, "date_time_render_option", "SERIAL_NUMBER"),
        "ROWS",
        _locale(spreadsheet),
    )


def plan_write(spreadsheet: Spreadsheet, text: str, rows: list[list[Any]]) -> Target:
    """The box values.update of `rows` at `text` fills; every check happens here, before any write."""
    Writer.check(rows)
    place = workbook.anchor(spreadsheet, text)
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if height == 0 or width == 0:
        return Target(place.sheet, place.top, place.left, place.top, place.left)
    return workbook.write_box(place, height, width)


def _shown(target: Target) -> Target:
    """An empty write still reports its corner cell."""
    if target.height and target.width:
        return target
    return Target(target.sheet, target.top, target.left, target.top + 1, target.left + 1)


def _check_body_range(url_range: str, body: dict[str, Any], spreadsheet: Spreadsheet) -> None:
    given = body.get("range")
    if not given or given == url_range:
        return
    asked, sent = workbook.anchor(spreadsheet, url_range), workbook.anchor(spreadsheet, given)
    same = (asked.sheet, asked.top, asked.left, asked.bottom, asked.right) == (
        sent.sheet,
        sent.top,
        sent.left,
        sent.bottom,
        sent.right,
    )
    if not same:
        raise invalid(f"Requested range [{url_range}] must match the range in the request body [{given}]")


@route("PUT", VALUES, "sheets.values.update", "sheets", "write")
def update_values(store: Store, request: Request) -> Response:
    body = _body(request)
    rows = _matrix(body)
    spreadsheet = _spreadsheet(store, request, "writer")
    writer = Writer(spreadsheet, _input_option(request.arg("valueInputOption")))
    _check_body_range(request.params["range"], body, spreadsheet)
    target = plan_write(spreadsheet, request.params["range"], rows)
    written = writer.write(target, rows)
    store.touch(spreadsheet.spreadsheet_id)
    return _answer(
        request, update_response(spreadsheet, _shown(target), written, _echo(request, spreadsheet))
    )


@route("POST", SPREADSHEET + r"/values:batchUpdate", "sheets.values.batchUpdate", "sheets", "write")
def batch_update_values(store: Store, request: Request) -> Response:
    body = _body(request)
    data = [
        (entry.get("range") or "", _matrix(entry, f"data[{i}]"))
        for i, entry in enumerate(body.get("data") or [])
    ]
    spreadsheet = _spreadsheet(store, request, "writer")
    writer = Writer(spreadsheet, _input_option(body.get("valueInputOption"), in_body=True))
    echo = _echo(request, spreadsheet, body)
    planned = [(plan_write(spreadsheet, text, rows), rows) for text, rows in data]
    responses, every_cell = [], set()
    for target, rows in planned:
        written = writer.write(target, rows)
        responses.append(update_response(spreadsheet, _shown(target), written, echo))
        every_cell |= {(target.sheet.sheet_id, r, c) for r, c in written}
    store.touch(spreadsheet.spreadsheet_id)
    answer = {"spreadsheetId": spreadsheet.spreadsheet_id, **_totals(every_cell)}
    if responses:
        answer["responses"] = responses
    return _answer(request, answer)


def _totals(every_cell: set[tuple[int, int, int]]) -> dict[str, int]:
    """BatchUpdateValuesResponse totals: distinct rows, columns, cells and tabs written."""
    return _nonzero(
        {
            "totalUpdatedRows": len({(s, r) for s, r, _ in every_cell}),
            "totalUpdatedColumns": len({(s, c) for s, _, c in every_cell}),
            "totalUpdatedCells": len(every_cell),
            "totalUpdatedSheets": len({s for s, _, _ in every_cell}),
        }
    )


@route("POST", VALUES + r":append", "sheets.values.append", "sheets", "write")
def append_values(store: Store, request: Request) -> Response:
    rows = _matrix(_body(request))
    Writer.check(rows)
    spreadsheet = _spreadsheet(store, request, "writer")
    writer = Writer(spreadsheet, _input_option(request.arg("valueInputOption")))
    insert = _enum(request.arg("insertDataOption"), "insert_data_option", "OVERWRITE") == "INSERT_ROWS"
    searched = workbook.resolve(spreadsheet, request.params["range"])
    table = workbook.find_table(searched)
    answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if table is not None:
        answer["tableRange"] = table.a1()
    target, written = append_rows(writer, searched, table, rows, insert)
    store.touch(spreadsheet.spreadsheet_id)
    answer["updates"] = update_response(spreadsheet, target, written, _echo(request, spreadsheet))
    return _answer(request, answer)


def append_rows(
    writer: Writer, searched: Target, table: Target | None, rows: list[list[Any]], insert: bool
) -> tuple[Target, set[tuple[int, int]]]:
    """Write after the table (or at the range's corner when there is none), growing the grid."""
    top = table.bottom if table is not None else searched.top
    left = table.left if table is not None else searched.left
    height, width = len(rows), max((len(row) for row in rows), default=0)
    sheet = searched.sheet
    if height == 0 or width == 0:
        return _shown(Target(sheet, top, left, top, left)), set()
    rows_now, columns_now = workbook.grid_size(sheet)
    added = height if insert else max(0, top + height - rows_now)
    added_cells = added * columns_now + max(0, left + width - columns_now) * (rows_now + added)
    if workbook.cell_count(writer.spreadsheet) + added_cells > workbook.MAX_CELLS:
        raise _too_many_cells()
    if insert:
        workbook.insert_lines(sheet, "ROWS", top, height)
    workbook.grow_to(sheet, top + height, left + width)
    target = Target(sheet, top, left, top + height, left + width)
    return target, writer.write(target, rows)


def _too_many_cells() -> ApiError:
    return invalid(
        f"This action would increase the number of cells in the workbook above the limit of "
        f"{workbook.MAX_CELLS} cells."
    )


def _check_cell_limit(spreadsheet: Spreadsheet) -> None:
    if workbook.cell_count(spreadsheet) > workbook.MAX_CELLS:
        raise _too_many_cells()


@contextmanager
def all_or_nothing(store: Store, spreadsheet: Spreadsheet) -> Iterator[None]:
    """Restore the spreadsheet as it was if the block raises."""
    saved = store.snapshot(spreadsheet.spreadsheet_id)
    try:
        yield
    except BaseException:
        store.restore(saved)
        raise


# -- values.clear / batchClear -----------------------------------------------


@route("POST", VALUES + r":clear", "sheets.values.clear", "sheets", "write")
def clear_values(store: Store, request: Request) -> Response:
    spreadsheet = _spreadsheet(store, request, "writer")
    target = workbook.resolve(spreadsheet, request.params["range"])
    workbook.clear_values(target)
    store.touch(spreadsheet.spreadsheet_id)
    return _answer(request, {"spreadsheetId": spreadsheet.spreadsheet_id, "clearedRange": target.a1()})


@route("POST", SPREADSHEET + r"/values:batchClear", "sheets.values.batchClear", "sheets", "write")
def batch_clear_values(store: Store, request: Request) -> Response:
    spreadsheet = _spreadsheet(store, request, "writer")
    texts = _body(request).get("ranges") or []
    targets = [workbook.resolve(spreadsheet, text) for text in texts]
    for target in targets:
        workbook.clear_values(target)
    store.touch(spreadsheet.spreadsheet_id)
    body: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if targets:
        body["clearedRanges"] = [t.a1() for t in targets]
    return _answer(request, body)


# -- spreadsheets.batchUpdate ------------------------------------------------


class RequestError(Exception):
    """One request of a batchUpdate is invalid; the route says which."""


Apply = Callable[[Spreadsheet, dict[str, Any]], dict[str, Any] | None]


@route("POST", SPREADSHEET + r":batchUpdate", "sheets.spreadsheets.batchUpdate", "sheets", "write")
def batch_update(store: Store, request: Request) -> Response:
    body = _body(request)
    requests = body.get("requests")
    if not requests:
        raise invalid("Must specify at least one request.")
    spreadsheet = _spreadsheet(store, request, "writer")
    with all_or_nothing(store, spreadsheet):
        replies = [_apply_one(spreadsheet, index, entry) for index, entry in enumerate(requests)]
        _check_cell_limit(spreadsheet)
    _sync_drive_name(store, spreadsheet)
    store.touch(spreadsheet.spreadsheet_id)
    answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        answer["updatedSpreadsheet"] = spreadsheet_resource(
            spreadsheet, body.get("responseRanges"), bool(body.get("responseIncludeGridData"))
        )
    return _answer(request, answer)


def _apply_one(spreadsheet: Spreadsheet, index: int, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or not entry:
        raise invalid(f"Invalid requests[{index}]: No request set.")
    kinds = list(entry)
    unknown = [k for k in kinds if k not in APPLIERS and k not in COSMETIC]
    if unknown:
        raise invalid(
            f"Invalid JSON payload received. Unknown name \"{unknown[0]}\" at 'requests[{index}]': "
            "Cannot find field."
        )
    if len(kinds) > 1:
        raise invalid(
            f"Invalid JSON payload received. Oneof field 'kind' is already set. Cannot set '{kinds[1]}'"
        )
    kind = kinds[0]
    try:
        if kind in COSMETIC:
            _check_cosmetic(spreadsheet, entry[kind] or {})
            return {}
        reply = APPLIERS[kind](spreadsheet, entry[kind] or {})
    except (RequestError, TypeError, ValueError, AttributeError) as error:
        # Malformed payloads (a string where a number belongs...) are the caller's error too.
        raise invalid(f"Invalid requests[{index}].{kind}: {error}") from None
    except ApiError as error:
        raise ApiError(
            error.code, f"Invalid requests[{index}].{kind}: {error.message}", error.status
        ) from None
    return {kind: reply} if reply is not None else {}


def _sync_drive_name(store: Store, spreadsheet: Spreadsheet) -> None:
    file = store.files.get(spreadsheet.spreadsheet_id)
    if file is not None:
        file.name = spreadsheet.properties.get("title", file.name)


def _sheet(spreadsheet: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = workbook.sheet_by_id(spreadsheet, int(sheet_id or 0))
    if sheet is None:
        raise RequestError(f"No grid with id: {int(sheet_id or 0)}")
    return sheet


def _check_cosmetic(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    """Look-only requests still need their tab to exist."""
    for key in ("range", "source", "destination"):
        if isinstance(payload.get(key), dict):
            _sheet(spreadsheet, payload[key].get("sheetId"))
    for key in ("dimensions", "rule", "filter"):
        if isinstance(payload.get(key), dict) and "sheetId" in payload[key]:
            _sheet(spreadsheet, payload[key]["sheetId"])


# -- sheet properties --------------------------------------------------------

_SHEET_KEY_ORDER = (
    "sheetId",
    "title",
    "index",
    "sheetType",
    "gridProperties",
    "hidden",
    "tabColor",
    "tabColorStyle",
    "rightToLeft",
)
_GRID_KEY_ORDER = (
    "rowCount",
    "columnCount",
    "frozenRowCount",
    "frozenColumnCount",
    "hideGridlines",
    "rowGroupControlAfter",
    "columnGroupControlAfter",
)
_DEFAULTS_DROPPED = (False, 0, None)


def normalize_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """SheetProperties as Google stores them: defaults dropped, colours in 8-bit steps, keys in order."""
    grid = properties.get("gridProperties") or {}
    grid = {
        k: grid[k]
        for k in sorted(grid, key=_order(_GRID_KEY_ORDER))
        if k in ("rowCount", "columnCount") or grid[k] not in _DEFAULTS_DROPPED
    }
    out = dict(properties, gridProperties=grid)
    style = out.get("tabColorStyle")
    color = out.get("tabColor")
    if isinstance(style, dict) and style.get("rgbColor") is not None:
        out["tabColorStyle"] = {"rgbColor": quantize(style["rgbColor"])}
        out["tabColor"] = quantize(style["rgbColor"])
    elif isinstance(color, dict) and style is None:
        out["tabColor"] = quantize(color)
        out["tabColorStyle"] = {"rgbColor": quantize(color)}
    else:
        out.pop("tabColor", None)
        out.pop("tabColorStyle", None)
    for key in ("hidden", "rightToLeft"):
        if out.get(key) in _DEFAULTS_DROPPED:
            out.pop(key, None)
    return {k: out[k] for k in sorted(out, key=_order(_SHEET_KEY_ORDER)) if out[k] is not None}


def _order(keys: tuple[str, ...]) -> Callable[[str], int]:
    return lambda key: keys.index(key) if key in keys else len(keys)


def quantize(color: dict[str, Any]) -> dict[str, Any]:
    """A colour as Google keeps it: 8-bit channels, printed as 32-bit floats, zeros left out."""
    out = {}
    for channel in ("red", "green", "blue", "alpha"):
        value = color.get(channel)
        if value is None:
            continue
        stored = values.float32(int(float(value) * 255) / 255) if channel != "alpha" else float(value)
        if stored:
            out[channel] = stored
    return out


def _check_title(spreadsheet: Spreadsheet, title: Any, keep: Sheet | None = None) -> str:
    if not isinstance(title, str) or not title.strip():
        raise RequestError("Sheet names must be non-empty.")
    other = workbook.sheet_by_title(spreadsheet, title)
    if other is not None and other is not keep:
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    return title


def _check_grid(rows: Any, columns: Any) -> tuple[int, int]:
    if not isinstance(rows, int) or not isinstance(columns, int) or rows < 1 or columns < 1:
        raise RequestError("The grid must have at least one row and one column.")
    return rows, columns


def add_sheet(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    wanted = dict(payload.get("properties") or {})
    title = wanted.get("title")
    title = _check_title(spreadsheet, title) if title is not None else workbook.unused_title(spreadsheet)
    sheet_id = wanted.get("sheetId")
    if sheet_id is None:
        sheet_id = workbook.new_sheet_id(spreadsheet)
    elif not isinstance(sheet_id, int) or sheet_id < 0:
        raise RequestError(f"Invalid sheetId: {sheet_id}")
    elif workbook.sheet_by_id(spreadsheet, sheet_id) is not None:
        raise RequestError(f"A sheet with the id {sheet_id} already exists.")
    grid = dict(wanted.get("gridProperties") or {})
    grid.setdefault("rowCount", workbook.DEFAULT_ROWS)
    grid.setdefault("columnCount", workbook.DEFAULT_COLUMNS)
    _check_grid(grid["rowCount"], grid["columnCount"])
    properties = {
        **wanted,
        "sheetId": sheet_id,
        "title": title,
        "sheetType": wanted.get("sheetType") or "GRID",
        "gridProperties": grid,
    }
    sheet = Sheet(normalize_properties(properties))
    position = wanted.get("index")
    position = (
        len(spreadsheet.sheets) if position is None else max(0, min(int(position), len(spreadsheet.sheets)))
    )
    spreadsheet.sheets.insert(position, sheet)
    workbook.reindex(spreadsheet)
    sheet.properties = normalize_properties(sheet.properties)
    return {"properties": workbook.deep_copy(sheet.properties)}


def delete_sheet(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    sheet = _sheet(spreadsheet, payload.get("sheetId"))
    if len(spreadsheet.sheets) == 1:
        raise RequestError("You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)
    if all(s.properties.get("hidden") for s in spreadsheet.sheets):
        raise RequestError("You can't remove all the visible sheets in a document.")
    workbook.reindex(spreadsheet)


def duplicate_sheet(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    source = _sheet(spreadsheet, payload.get("sourceSheetId"))
    title = payload.get("newSheetName")
    if title is None:
        title = _copy_title(spreadsheet, source.title)
    copied = {
        key: value
        for key, value in workbook.deep_copy(source.properties).items()
        if key not in ("sheetId", "title")
    }
    index = payload.get("insertSheetIndex")
    copied["index"] = source.properties["index"] + 1 if index is None else index
    copied["title"] = title
    if payload.get("newSheetId") is not None:
        copied["sheetId"] = payload["newSheetId"]
    reply = add_sheet(spreadsheet, {"properties": copied})
    new = workbook.sheet_by_id(spreadsheet, reply["properties"]["sheetId"])
    assert new is not None
    new.cells = {
        key: Cell(c.value, workbook.deep_copy(c.number_format), c.note) for key, c in source.cells.items()
    }
    return reply


def _copy_title(spreadsheet: Spreadsheet, title: str) -> str:
    candidate, number = f"Copy of {title}", 2
    while workbook.sheet_by_title(spreadsheet, candidate) is not None:
        candidate, number = f"Copy {number} of {title}", number + 1
    return candidate


def _field_paths(fields: Any) -> list[tuple[str, ...]]:
    """`gridProperties/rowCount,title` → [("gridProperties", "rowCount"), ("title",)]."""
    if not isinstance(fields, str) or not fields.strip():
        raise RequestError("At least one field must be updated, but 'fields' is empty.")
    return list(_leaves(parse_fields(fields.replace("/", "."))))


def _leaves(mask: Mask, prefix: tuple[str, ...] = ()) -> Any:
    for name, sub in mask.items():
        if sub:
            yield from _leaves(sub, (*prefix, name))
        else:
            yield (*prefix, name)


def _copy_path(source: dict[str, Any], target: dict[str, Any], path: tuple[str, ...]) -> None:
    """Set `target` at `path` to `source`'s value there, or remove it when `source` has none."""
    node_in: Any = source
    for name in path[:-1]:
        node_in = node_in.get(name) if isinstance(node_in, dict) else None
    node_out = target
    for name in path[:-1]:
        node_out = node_out.setdefault(name, {})
    value = node_in.get(path[-1]) if isinstance(node_in, dict) else None
    if value is None:
        node_out.pop(path[-1], None)
    else:
        node_out[path[-1]] = workbook.deep_copy(value)


def update_sheet_properties(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    wanted = payload.get("properties") or {}
    sheet = _sheet(spreadsheet, wanted.get("sheetId"))
    paths = _field_paths(payload.get("fields"))
    if ("*",) in paths:
        paths = [(key,) for key in _SHEET_KEY_ORDER if key not in ("sheetId", "sheetType")]
    updated = workbook.deep_copy(sheet.properties)
    for path in paths:
        if path[0] in ("sheetId", "sheetType"):
            continue
        _copy_path(wanted, updated, path)
    heads = {path[0] for path in paths}
    if "tabColor" in heads and "tabColorStyle" not in heads:
        updated.pop("tabColorStyle", None)
    if "title" in updated and updated["title"] != sheet.title:
        _check_title(spreadsheet, updated["title"], keep=sheet)
    updated.setdefault("title", sheet.title)
    rows, columns = _check_grid(*_size_of(updated, sheet))
    index = updated.get("index", len(spreadsheet.sheets))
    sheet.properties = normalize_properties(updated)
    workbook.set_grid_size(sheet, rows, columns)
    if any(path[0] == "index" for path in paths):
        _move(spreadsheet, sheet, index)
    workbook.reindex(spreadsheet)
    if all(s.properties.get("hidden") for s in spreadsheet.sheets):
        raise RequestError("You can't hide all the sheets in a document.")


def _size_of(properties: dict[str, Any], sheet: Sheet) -> tuple[Any, Any]:
    grid = properties.get("gridProperties") or {}
    rows, columns = workbook.grid_size(sheet)
    return grid.get("rowCount", rows), grid.get("columnCount", columns)


def _move(spreadsheet: Spreadsheet, sheet: Sheet, index: Any) -> None:
    """Move a tab; like Google, `index` counts positions before the move."""
    old = spreadsheet.sheets.index(sheet)
    new = max(0, min(int(index or 0), len(spreadsheet.sheets)))
    if new > old:
        new -= 1
    spreadsheet.sheets.pop(old)
    spreadsheet.sheets.insert(new, sheet)


_SPREADSHEET_FIELDS = ("title", "locale", "autoRecalc", "timeZone", "defaultFormat", "spreadsheetTheme")


def update_spreadsheet_properties(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    wanted = payload.get("properties") or {}
    paths = _field_paths(payload.get("fields"))
    if ("*",) in paths:
        paths = [(key,) for key in _SPREADSHEET_FIELDS]
    for path in paths:
        if path[0] not in _SPREADSHEET_FIELDS and path[0] != "iterativeCalculationSettings":
            raise RequestError(f"Invalid field mask path: {'.'.join(path)}")
        _copy_path(wanted, spreadsheet.properties, path)
    if not spreadsheet.properties.get("title"):
        raise RequestError("The spreadsheet title must not be empty.")


# -- dimensions --------------------------------------------------------------


def _dimension_range(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    span = payload.get("range") or {}
    sheet = _sheet(spreadsheet, span.get("sheetId"))
    dimension = span.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise RequestError("range.dimension must be ROWS or COLUMNS.")
    rows, columns = workbook.grid_size(sheet)
    limit = rows if dimension == "ROWS" else columns
    start, end = int(span.get("startIndex") or 0), span.get("endIndex")
    end = limit if end is None else int(end)
    if start < 0 or end <= start:
        raise RequestError(f"Invalid range: startIndex ({start}) must be less than endIndex ({end}).")
    return sheet, dimension, start, end


def insert_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload)
    rows, columns = workbook.grid_size(sheet)
    limit = rows if dimension == "ROWS" else columns
    if start > limit:
        raise RequestError(f"Cannot insert at index {start}: the sheet has only {limit} {dimension.lower()}.")
    workbook.insert_lines(sheet, dimension, start, end - start)


def delete_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload)
    rows, columns = workbook.grid_size(sheet)
    limit = rows if dimension == "ROWS" else columns
    end = min(end, limit)
    if start >= limit:
        raise RequestError(f"Invalid range: startIndex ({start}) is past the end of the grid ({limit}).")
    if start == 0 and end == limit:
        raise RequestError(f"You can't delete all the {dimension.lower()} on the sheet.")
    workbook.delete_lines(sheet, dimension, start, end)


def append_dimension(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    sheet = _sheet(spreadsheet, payload.get("sheetId"))
    dimension, length = payload.get("dimension"), payload.get("length")
    if dimension not in ("ROWS", "COLUMNS"):
        raise RequestError("dimension must be ROWS or COLUMNS.")
    if not isinstance(length, int) or length < 1:
        raise RequestError("length must be positive.")
    rows, columns = workbook.grid_size(sheet)
    workbook.insert_lines(sheet, dimension, rows if dimension == "ROWS" else columns, length)


def update_dimension_properties(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    """Pixel sizes and hidden rows are not kept; the request is checked and accepted."""
    _dimension_range(spreadsheet, payload)
    _field_paths(payload.get("fields"))


# -- cells -------------------------------------------------------------------


def _grid_range(spreadsheet: Spreadsheet, span: dict[str, Any]) -> Target:
    """A GridRange: missing starts are 0, missing ends run to the grid's edge."""
    sheet = _sheet(spreadsheet, span.get("sheetId"))
    rows, columns = workbook.grid_size(sheet)
    top, left = int(span.get("startRowIndex") or 0), int(span.get("startColumnIndex") or 0)
    bottom = rows if span.get("endRowIndex") is None else int(span["endRowIndex"])
    right = columns if span.get("endColumnIndex") is None else int(span["endColumnIndex"])
    if top < 0 or left < 0 or bottom < top or right < left:
        raise RequestError("Invalid GridRange: the end must not come before the start.")
    target = Target(sheet, top, left, bottom, right)
    _check_in_grid(target)
    return target


def _check_in_grid(target: Target) -> None:
    rows, columns = workbook.grid_size(target.sheet)
    if target.bottom > rows or target.right > columns:
        shown = format_box(
            target.sheet.title, target.top, target.left, target.bottom, target.right, quote=True
        )
        raise RequestError(f"Range ({shown}) exceeds grid limits. Max rows: {rows}, max columns: {columns}")


def _covers(mask: Mask, *path: str) -> bool:
    """Whether a `fields` mask selects `path` (or a field above it, or `*`)."""
    node = mask
    for name in path:
        if "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
        if not node:
            return True
    return True


def _cell_mask(fields: Any) -> Mask:
    if not isinstance(fields, str) or not fields.strip():
        raise RequestError("At least one field must be updated, but 'fields' is empty.")
    return parse_fields(fields.replace("/", "."))


def stored_value(entered: Any) -> Any:
    """The value of an ExtendedValue, as a Cell keeps it."""
    if not isinstance(entered, dict):
        return None
    if "formulaValue" in entered:
        text = str(entered["formulaValue"])
        return text if text.startswith("=") else "=" + text
    if "numberValue" in entered:
        number = entered["numberValue"]
        return values.from_json(float(number), "RAW", None)[0] if not isinstance(number, int) else number
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "stringValue" in entered:
        return str(entered["stringValue"]) or None
    return None


def put_cell_data(sheet: Sheet, row: int, col: int, data: dict[str, Any], mask: Mask) -> None:
    """Apply a CellData to one cell, for the fields the mask names."""
    current = sheet.cells.get((row, col)) or Cell()
    cell = Cell(current.value, current.number_format, current.note)
    if _covers(mask, "userEnteredValue"):
        cell.value = stored_value(data.get("userEnteredValue"))
    if _covers(mask, "userEnteredFormat", "numberFormat"):
        number_format = (data.get("userEnteredFormat") or {}).get("numberFormat")
        cell.number_format = dict(number_format) if number_format else None
    if _covers(mask, "note"):
        cell.note = data.get("note") or None
    if cell.value is None and cell.number_format is None and cell.note is None:
        sheet.cells.pop((row, col), None)
    else:
        sheet.cells[(row, col)] = cell


def _rows(payload: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [list((row or {}).get("values") or []) for row in payload.get("rows") or []]


def update_cells(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    mask = _cell_mask(payload.get("fields"))
    rows = _rows(payload)
    if payload.get("range") is not None:
        target = _grid_range(spreadsheet, payload["range"])
        fill = True
    else:
        start = payload.get("start") or {}
        sheet = _sheet(spreadsheet, start.get("sheetId"))
        top, left = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
        width = max((len(row) for row in rows), default=0)
        target = Target(sheet, top, left, top + len(rows), left + width)
        _check_in_grid(target)
        fill = False
    for i in range(target.height):
        row = rows[i] if i < len(rows) else []
        for j in range(target.width):
            if j < len(row):
                put_cell_data(target.sheet, target.top + i, target.left + j, row[j] or {}, mask)
            elif fill:
                put_cell_data(target.sheet, target.top + i, target.left + j, {}, mask)


def repeat_cell(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    mask = _cell_mask(payload.get("fields"))
    target = _grid_range(spreadsheet, payload.get("range") or {})
    data = payload.get("cell") or {}
    for row in range(target.top, target.bottom):
        for col in range(target.left, target.right):
            put_cell_data(target.sheet, row, col, data, mask)


def append_cells(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    mask = _cell_mask(payload.get("fields"))
    sheet = _sheet(spreadsheet, payload.get("sheetId"))
    rows = _rows(payload)
    top = workbook.last_data_row(sheet)
    width = max((len(row) for row in rows), default=0)
    workbook.grow_to(sheet, top + len(rows), width)
    for i, row in enumerate(rows):
        for j, data in enumerate(row):
            put_cell_data(sheet, top + i, j, data or {}, mask)


APPLIERS: dict[str, Apply] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "appendCells": append_cells,
}

COSMETIC = frozenset(
    {
        "autoResizeDimensions",
        "updateBorders",
        "mergeCells",
        "unmergeCells",
        "setBasicFilter",
        "clearBasicFilter",
        "addConditionalFormatRule",
        "deleteConditionalFormatRule",
        "setDataValidation",
        "addBanding",
        "addProtectedRange",
        "addFilterView",
    }
)
"""Requests that only change how a sheet looks: accepted, checked for their tab, not kept."""

ROUTES = [
    get_spreadsheet,
    create_spreadsheet,
    batch_get_values,
    get_values,
    update_values,
    batch_update_values,
    append_values,
    clear_values,
    batch_clear_values,
    batch_update,
]
