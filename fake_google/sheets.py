"""Sheets API v4 routes: spreadsheets.get/create/batchUpdate and the values family.

Answers follow the shapes recorded from Google (see ../shared/conformance): ranges
come back normalised ("Sheet1!A1:Z1000"), empty trailing cells and rows are
trimmed, zero counts are left out as protobuf JSON does, and errors carry
Google's messages. A batchUpdate is all-or-nothing: requests are applied in order
on the live spreadsheet and, on the first invalid one, the snapshot taken before
is restored and the error names the request ("Invalid requests[1].addSheet: ...").

Cell formats are kept as set (`userEnteredFormat`: number format, text format,
alignment, colours...) and read back with the `effectiveFormat` and `formattedValue`
Google renders by the spreadsheet's locale; row heights, column widths, frozen lines,
developer metadata and protected ranges are kept and returned where Google returns
them. Requests that change nothing but the look of a sheet in ways the emulator does
not model (borders, merges, filters, banding...) are accepted, checked for their tab,
and ignored. Formulas are stored, never computed (see values.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    body = spreadsheet_resource(
        spreadsheet,
        request.args("ranges"),
        grid_data,
        viewer=Viewer.of(store, spreadsheet, request.user),
        cells_mask=_submask(mask, "sheets", "data", "rowData", "values"),
    )
    return Response(200, apply_mask(body, mask) if mask else body)


def _wants_grid_data(mask: Mask) -> bool:
    """Google ignores includeGridData when a field mask is given: the mask decides."""
    if "*" in mask:
        return True
    sheets = mask.get("sheets")
    return sheets is not None and (not sheets or "data" in sheets or "*" in sheets)


def _submask(mask: Mask, *path: str) -> Mask | None:
    """What `mask` selects under `path`, or None when it selects everything there."""
    node = mask
    for name in path:
        if not node or "*" in node:
            return None
        if name not in node:
            return {}
        node = node[name]
    return node or None


class Viewer:
    """Who reads a spreadsheet resource: what the protected ranges say depends on it."""

    def __init__(self, user: str, owner: str, role: str | None):
        self.user = user
        self.owner = owner
        self.can_edit_document = role in ("writer", "fileOrganizer", "organizer", "owner")

    @classmethod
    def of(cls, store: Store, spreadsheet: Spreadsheet, user: str | None) -> Viewer:
        file = store.files.get(spreadsheet.spreadsheet_id)
        owner = file.owner if file is not None else ""
        return cls(user or "", owner, file.role_of(user or "") if file is not None else None)

    def can_edit(self, protected: dict[str, Any]) -> bool:
        """`requestingUserCanEdit`: a warning-only range anyone who edits the document may edit;
        a protected one its editors and the owner."""
        if not self.can_edit_document:
            return False
        if protected.get("warningOnly") or self.user == self.owner:
            return True
        return self.user in ((protected.get("editors") or {}).get("users") or [])


def spreadsheet_resource(
    spreadsheet: Spreadsheet,
    ranges: list[str] | None = None,
    grid_data: bool = False,
    *,
    viewer: Viewer | None = None,
    cells_mask: Mask | None = None,
) -> dict[str, Any]:
    """The Spreadsheet resource; with `ranges`, only their tabs (and their cells with grid data).

    Keys come in the order of Google's Spreadsheet and Sheet messages; developer metadata
    and protected ranges appear only when there are some (empty lists are left out, as
    protobuf JSON does). `cells_mask` is the part of a `fields` mask under
    sheets.data.rowData.values: what is not asked for is not computed."""
    chosen: dict[int, list[Target]] = {}
    if ranges:
        for text in ranges:
            target = workbook.resolve(spreadsheet, text)
            chosen.setdefault(target.sheet.sheet_id, []).append(target)
    sheets = []
    grid = GridReader(spreadsheet, cells_mask) if grid_data else None
    for sheet in spreadsheet.sheets:
        if ranges and sheet.sheet_id not in chosen:
            continue
        entry: dict[str, Any] = {"properties": workbook.deep_copy(sheet.properties)}
        if grid is not None:
            targets = chosen.get(sheet.sheet_id) or [_whole(sheet)]
            entry["data"] = [grid.data(t) for t in targets]
        if sheet.protected_ranges:
            entry["protectedRanges"] = [protected_range_view(p, viewer) for p in sheet.protected_ranges]
        on_sheet = [m for m in sheet.developer_metadata if m["location"]["locationType"] == "SHEET"]
        if on_sheet:
            entry["developerMetadata"] = workbook.deep_copy(on_sheet)
        sheets.append(entry)
    body = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": workbook.deep_copy(spreadsheet.properties),
        "sheets": sheets,
        "spreadsheetUrl": workbook.spreadsheet_url(spreadsheet.spreadsheet_id),
    }
    if spreadsheet.developer_metadata:
        body["developerMetadata"] = workbook.deep_copy(spreadsheet.developer_metadata)
    return body


def _whole(sheet: Sheet) -> Target:
    rows, columns = workbook.grid_size(sheet)
    return Target(sheet, 0, 0, rows, columns)


DEFAULT_ROW_PIXELS = 21
DEFAULT_COLUMN_PIXELS = 100
"""Google's default row height and column width (rowMetadata/columnMetadata of a new sheet)."""


class GridReader:
    """GridData of one spreadsheet's boxes: each cell's entered, effective and formatted
    value and format, then the rows' and columns' properties and metadata."""

    def __init__(self, spreadsheet: Spreadsheet, cells_mask: Mask | None = None):
        self.locale = _locale(spreadsheet)
        self.default_format = spreadsheet.properties.get("defaultFormat") or workbook.DEFAULT_FORMAT
        theme = spreadsheet.properties.get("spreadsheetTheme") or {}
        self.theme_font = theme.get("primaryFontFamily")
        self.mask = cells_mask
        effective = None if cells_mask is None else cells_mask.get("effectiveFormat")
        self.effective_keys = (
            None if cells_mask is None or not effective or "*" in effective else set(effective)
        )
        self._effective: dict[tuple[int, int, str | None], dict[str, Any]] = {}

    def wants(self, key: str) -> bool:
        return self.mask is None or "*" in self.mask or key in self.mask

    def data(self, target: Target) -> dict[str, Any]:
        widths: dict[int, int] = {}
        for (row, col), cell in target.sheet.cells.items():
            if target.contains(row, col) and not _bare(cell):
                widths[row] = max(widths.get(row, 0), col - target.left + 1)
        rows = []
        for row in range(target.top, max(widths, default=target.top - 1) + 1):
            found = target.sheet.cells
            cells = [self.cell(found.get((row, target.left + i))) for i in range(widths.get(row, 0))]
            rows.append({"values": cells} if cells else {})
        data: dict[str, Any] = _nonzero({"startRow": target.top, "startColumn": target.left})
        if rows:
            data["rowData"] = rows
        sheet = target.sheet
        data["rowMetadata"] = _dimension_metadata(sheet, "ROWS", target.top, target.bottom)
        data["columnMetadata"] = _dimension_metadata(sheet, "COLUMNS", target.left, target.right)
        return data

    def cell(self, cell: Cell | None) -> dict[str, Any]:
        if cell is None:
            return {}
        data: dict[str, Any] = {}
        if not values.is_empty(cell):
            data["userEnteredValue"] = extended_value(cell.value)
            data["effectiveValue"] = extended_value(cell.value, formula_as_text=True)
            if self.wants("formattedValue"):
                data["formattedValue"] = values.format_value(cell.value, cell.number_format, self.locale)
        entered = values.user_entered_format(cell)
        if entered is not None:
            data["userEnteredFormat"] = entered
        if self.wants("effectiveFormat"):
            data["effectiveFormat"] = self.effective(cell)
        if cell.note:
            data["note"] = cell.note
        return data

    def effective(self, cell: Cell) -> dict[str, Any]:
        """Cells sharing a format share one effectiveFormat (the answer is only serialised)."""
        key = (id(cell.style), id(cell.number_format), values.value_kind(cell.value))
        found = self._effective.get(key)
        if found is None:
            found = values.effective_format(cell, self.default_format, self.theme_font, self.effective_keys)
            self._effective[key] = found
        return found


def _bare(cell: Cell) -> bool:
    """A cell GridData leaves out: nothing entered, no format, no note."""
    return values.is_empty(cell) and cell.number_format is None and not cell.style and not cell.note


def _dimension_metadata(sheet: Sheet, dimension: str, start: int, end: int) -> list[dict[str, Any]]:
    """DimensionProperties of lines [start, end): set sizes or the defaults, hidden lines, and
    the developer metadata located on each line."""
    sizes = sheet.row_metadata if dimension == "ROWS" else sheet.column_metadata
    default = DEFAULT_ROW_PIXELS if dimension == "ROWS" else DEFAULT_COLUMN_PIXELS
    on_lines: dict[int, list[dict[str, Any]]] = {}
    for meta in sheet.developer_metadata:
        span = meta["location"].get("dimensionRange")
        if span is not None and span.get("dimension") == dimension:
            on_lines.setdefault(int(span.get("startIndex") or 0), []).append(meta)
    if not sizes and not on_lines:
        return [{"pixelSize": default} for _ in range(start, end)]
    lines = []
    for index in range(start, end):
        props = sizes.get(index) or {}
        line: dict[str, Any] = {}
        if props.get("hiddenByUser"):
            line["hiddenByUser"] = True
        line["pixelSize"] = props.get("pixelSize", default)
        if index in on_lines:
            line["developerMetadata"] = workbook.deep_copy(on_lines[index])
        lines.append(line)
    return lines


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
    caller = Caller.of(store, spreadsheet, request.user)
    with all_or_nothing(store, spreadsheet):
        replies = [_apply_one(spreadsheet, index, entry, caller) for index, entry in enumerate(requests)]
        _check_cell_limit(spreadsheet)
    _sync_drive_name(store, spreadsheet)
    store.touch(spreadsheet.spreadsheet_id)
    answer: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        answer["updatedSpreadsheet"] = spreadsheet_resource(
            spreadsheet,
            body.get("responseRanges"),
            bool(body.get("responseIncludeGridData")),
            viewer=Viewer.of(store, spreadsheet, request.user),
        )
    return _answer(request, answer)


@dataclass(frozen=True)
class Caller:
    """Who sends a batchUpdate: protected ranges record their editors from it."""

    user: str
    owner: str
    editors: tuple[str, ...]
    """Everyone who may edit the document, the owner first."""

    @classmethod
    def of(cls, store: Store, spreadsheet: Spreadsheet, user: str | None) -> Caller:
        file = store.files.get(spreadsheet.spreadsheet_id)
        owner = file.owner if file is not None else (user or "")
        shared = sorted(
            email for email, role in (file.shared if file is not None else {}).items() if role == "writer"
        )
        return cls(user or "", owner, tuple(dict.fromkeys([owner, *shared])))


def _apply_one(spreadsheet: Spreadsheet, index: int, entry: Any, caller: Caller) -> dict[str, Any]:
    if not isinstance(entry, dict) or not entry:
        raise invalid(f"Invalid requests[{index}]: No request set.")
    kinds = list(entry)
    unknown = [k for k in kinds if k not in APPLIERS and k not in CALLER_APPLIERS and k not in COSMETIC]
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
        if kind in CALLER_APPLIERS:
            reply = CALLER_APPLIERS[kind](spreadsheet, entry[kind] or {}, caller)
        else:
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
    """A colour as Google keeps it (see values.quantize_color)."""
    return values.quantize_color(color)


MAX_TITLE_LENGTH = 100
"""Google Sheets refuses tab names longer than 100 characters (hildogjr/KiCost#52 compares
the limits: "Google Spredasheet is <=100 and Excel <=31")."""


def _check_title(spreadsheet: Spreadsheet, title: Any, keep: Sheet | None = None) -> str:
    if not isinstance(title, str) or not title.strip():
        raise RequestError("Sheet names must be non-empty.")
    if len(title) > MAX_TITLE_LENGTH:
        # The limit is Google's; this wording is the emulator's own: Google's message for a
        # name over 100 characters was not found in any stored issue or recording.
        raise RequestError(f"Sheet names must be at most {MAX_TITLE_LENGTH} characters long.")
    other = workbook.sheet_by_title(spreadsheet, title)
    if other is not None and other is not keep:
        # Google's words, compared regardless of case: `Invalid requests[0].addSheet: A sheet
        # with the name "release_3" already exists. Please enter another name.` (an
        # INVALID_ARGUMENT answer quoted in a public project's notes, found with the search tool;
        # also asimlqt/php-google-spreadsheet-client#170).
        raise RequestError(f'A sheet with the name "{title}" already exists. Please enter another name.')
    return title


def _check_frozen(properties: dict[str, Any], rows: int) -> None:
    """Google's 400 when the frozen rows would cover the whole grid: "You can't freeze all
    visible rows on the sheet." (INVALID_ARGUMENT, quoted by the Rust crate that creates tabs
    with frozen headers: it adds a data row "otherwise"). The column twin was not found in any
    stored material, so frozen columns are not checked."""
    grid = properties.get("gridProperties") or {}
    frozen = grid.get("frozenRowCount") or 0
    if not isinstance(frozen, int) or frozen < 0:
        raise RequestError(f"Invalid frozenRowCount: {frozen}")
    if frozen and frozen >= rows:
        raise RequestError("You can't freeze all visible rows on the sheet.")


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
    _check_frozen({"gridProperties": grid}, grid["rowCount"])
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
        key: Cell(c.value, workbook.deep_copy(c.number_format), c.note, workbook.deep_copy(c.style))
        for key, c in source.cells.items()
    }
    new.row_metadata = workbook.deep_copy(source.row_metadata)
    new.column_metadata = workbook.deep_copy(source.column_metadata)
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
    _check_frozen(updated, rows)
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


_DIMENSION_FIELDS = ("pixelSize", "hiddenByUser")
"""The DimensionProperties a request may set (hiddenByFilter is read-only, developerMetadata
has its own requests)."""


def update_dimension_properties(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    """Row heights, column widths and hidden lines, kept per line and returned in rowMetadata
    and columnMetadata; a line set back to its default size is stored no more."""
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload)
    paths = _field_paths(payload.get("fields"))
    names = set(_DIMENSION_FIELDS) if ("*",) in paths else {path[0] for path in paths}
    wanted = payload.get("properties") or {}
    size = wanted.get("pixelSize")
    if "pixelSize" in names and size is not None and (not isinstance(size, int) or size < 0):
        raise RequestError(f"Invalid pixelSize: {size}")
    lines = sheet.row_metadata if dimension == "ROWS" else sheet.column_metadata
    for index in range(start, end):
        props = dict(lines.get(index) or {})
        for name in names & set(_DIMENSION_FIELDS):
            if wanted.get(name) in (None, False):
                props.pop(name, None)
            else:
                props[name] = wanted[name]
        if props:
            lines[index] = props
        else:
            lines.pop(index, None)


CHARACTER_PIXELS = 7
"""Width of one character of Arial 10 in the emulator's estimate (Google measures the text)."""


def auto_resize_dimensions(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> None:
    """Fit columns to their longest formatted value, rows to their number of lines.

    Google measures the rendered text with its fonts; the emulator estimates: 7 pixels a
    character (10 % more in bold) plus the cell's padding, at least 21 pixels, and leaves a
    line with nothing in it as it is. The point is that widths change and are returned, not
    Google's exact pixels."""
    span = payload.get("dimensions") or {}
    sheet, dimension, start, end = _dimension_range(spreadsheet, {"range": span})
    locale = _locale(spreadsheet)
    axis = 1 if dimension == "COLUMNS" else 0
    needed: dict[int, int] = {}
    for key, cell in sheet.cells.items():
        index = key[axis]
        if not start <= index < end or values.is_empty(cell):
            continue
        text = values.format_value(cell.value, cell.number_format, locale)
        if dimension == "COLUMNS":
            bold = bool(((cell.style or {}).get("textFormat") or {}).get("bold"))
            longest = max((len(line) for line in text.split("\n")), default=0)
            pixels = round(longest * CHARACTER_PIXELS * (1.1 if bold else 1)) + 6
        else:
            pixels = DEFAULT_ROW_PIXELS * (text.count("\n") + 1)
        needed[index] = max(needed.get(index, 0), pixels, DEFAULT_ROW_PIXELS)
    lines = sheet.row_metadata if dimension == "ROWS" else sheet.column_metadata
    for index, pixels in needed.items():
        lines[index] = {**(lines.get(index) or {}), "pixelSize": pixels}


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
    """Apply a CellData to one cell, for the fields the mask names.

    `userEnteredFormat` is applied path by path: `userEnteredFormat` (or `*`) replaces the
    whole format, `userEnteredFormat.textFormat` only the text format, and
    `userEnteredFormat.textFormat.bold` only boldness, leaving the rest of the cell's
    format as it was; a named path the data leaves out is cleared."""
    current = sheet.cells.get((row, col)) or Cell()
    cell = Cell(current.value, current.number_format, current.note, current.style)
    if _covers(mask, "userEnteredValue"):
        cell.value = stored_value(data.get("userEnteredValue"))
    format_mask = _format_mask(mask)
    if format_mask is not None:
        given = data.get("userEnteredFormat") or {}
        if not format_mask:
            merged = workbook.deep_copy(given)
        else:
            merged = values.user_entered_format(cell) or {}
            merged = workbook.deep_copy(merged)
            for path in _leaves(format_mask):
                _copy_path(given, merged, path)
        number_format = merged.pop("numberFormat", None)
        cell.number_format = dict(number_format) if number_format else None
        cell.style = values.normalize_style(merged)
    if _covers(mask, "note"):
        cell.note = data.get("note") or None
    if cell.is_blank():
        sheet.cells.pop((row, col), None)
    else:
        sheet.cells[(row, col)] = cell


def _format_mask(mask: Mask) -> Mask | None:
    """The part of a CellData mask about userEnteredFormat: None when it names none of it,
    {} when it names all of it."""
    if "*" in mask:
        return {}
    if "userEnteredFormat" not in mask:
        return None
    sub = mask["userEnteredFormat"]
    return {} if not sub or "*" in sub else sub


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


# -- developer metadata ------------------------------------------------------
#
# DeveloperMetadata lives where it is located: on the Spreadsheet (SPREADSHEET) or on its
# Sheet (SHEET, ROW, COLUMN), so that it goes with its tab, row or column when they are
# deleted and moves with rows and columns inserted before it. Shapes follow Google's guide
# "Read, write, and search metadata" (developers.google.com/workspace/sheets/api/guides/metadata):
# the location comes back with its `locationType`, a search answers `matchedDeveloperMetadata`
# entries with the filters that matched, a deletion answers `deletedDeveloperMetadata`.
# Visibility PROJECT is kept and returned like DOCUMENT: the emulator has one project.
#
# Google's error wording for malformed metadata was not found in any stored answer; the
# messages below repeat the API reference's own sentences where it has one ("Developer
# metadata must always have a key specified.") and are the emulator's otherwise.

_METADATA_KEYS = ("metadataId", "metadataKey", "metadataValue", "location", "visibility")
_UPDATABLE_METADATA = ("metadataKey", "metadataValue", "location", "visibility")


def _metadata_location(spreadsheet: Spreadsheet, location: Any) -> dict[str, Any]:
    """A DeveloperMetadataLocation as stored and returned, with its read-only locationType."""
    if not isinstance(location, dict):
        raise RequestError("Developer metadata must always have a location specified.")
    given = [key for key in ("spreadsheet", "sheetId", "dimensionRange") if location.get(key) is not None]
    if len(given) != 1:
        raise RequestError("Developer metadata must always have a location specified.")
    if given[0] == "spreadsheet":
        if location["spreadsheet"] is not True:
            raise RequestError("Developer metadata must always have a location specified.")
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if given[0] == "sheetId":
        return {"locationType": "SHEET", "sheetId": _sheet(spreadsheet, location["sheetId"]).sheet_id}
    span = location["dimensionRange"]
    sheet, dimension, start, end = _dimension_range(spreadsheet, {"range": span})
    if span.get("startIndex") is None or span.get("endIndex") is None or end - start != 1:
        raise RequestError(
            "The specified DimensionRange must represent a single row or column. "
            "It cannot be unbounded or span multiple rows or columns."
        )
    kind = "ROW" if dimension == "ROWS" else "COLUMN"
    return {
        "locationType": kind,
        "dimensionRange": {
            "sheetId": sheet.sheet_id,
            "dimension": dimension,
            "startIndex": start,
            "endIndex": end,
        },
    }


def _all_metadata(spreadsheet: Spreadsheet) -> list[dict[str, Any]]:
    found = list(spreadsheet.developer_metadata)
    for sheet in spreadsheet.sheets:
        found.extend(sheet.developer_metadata)
    return found


def _metadata_home(spreadsheet: Spreadsheet, location: dict[str, Any]) -> list[dict[str, Any]]:
    """The list a metadata entry is kept in: the spreadsheet's or its tab's."""
    if location["locationType"] == "SPREADSHEET":
        return spreadsheet.developer_metadata
    sheet_id = location.get("sheetId")
    if sheet_id is None:
        sheet_id = location["dimensionRange"]["sheetId"]
    return _sheet(spreadsheet, sheet_id).developer_metadata


def _ordered_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    return {key: meta[key] for key in _METADATA_KEYS if meta.get(key) is not None}


def create_developer_metadata(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    wanted = payload.get("developerMetadata") or {}
    if not wanted.get("metadataKey"):
        raise RequestError("Developer metadata must always have a key specified.")
    visibility = wanted.get("visibility")
    if visibility in (None, "", "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED"):
        raise RequestError("Developer metadata must always have visibility specified.")
    if visibility not in ("DOCUMENT", "PROJECT"):
        raise RequestError(f"Invalid visibility: {visibility}")
    location = _metadata_location(spreadsheet, wanted.get("location"))
    taken = {meta["metadataId"] for meta in _all_metadata(spreadsheet)}
    metadata_id = wanted.get("metadataId")
    if metadata_id is None:
        metadata_id = workbook.new_object_id(spreadsheet, "metadata", taken)
    elif not isinstance(metadata_id, int) or metadata_id <= 0:
        raise RequestError(f"Invalid metadataId: {metadata_id}. It must be positive.")
    elif metadata_id in taken:
        # The guide says only that "the request will be unsuccessful".
        raise RequestError(f"Developer metadata with ID {metadata_id} already exists.")
    meta = _ordered_metadata(
        {
            "metadataId": metadata_id,
            "metadataKey": str(wanted["metadataKey"]),
            "metadataValue": wanted.get("metadataValue"),
            "location": location,
            "visibility": visibility,
        }
    )
    _metadata_home(spreadsheet, location).append(meta)
    return {"developerMetadata": workbook.deep_copy(meta)}


def update_developer_metadata(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    filters = payload.get("dataFilters") or []
    if not filters:
        raise RequestError("At least one data filter must be specified.")
    paths = _field_paths(payload.get("fields"))
    names = set(_UPDATABLE_METADATA) if ("*",) in paths else {path[0] for path in paths}
    for name in names - set(_UPDATABLE_METADATA):
        raise RequestError(f"Invalid field mask path: {name}")
    wanted = payload.get("developerMetadata") or {}
    updated = []
    for meta in matching_metadata(spreadsheet, filters):
        changed = dict(meta)
        for name in names:
            if name == "location":
                changed["location"] = _metadata_location(spreadsheet, wanted.get("location"))
            else:
                changed[name] = wanted.get(name)
        if not changed.get("metadataKey"):
            raise RequestError("Developer metadata must always have a key specified.")
        if changed.get("visibility") not in ("DOCUMENT", "PROJECT"):
            raise RequestError("Developer metadata must always have visibility specified.")
        _metadata_home(spreadsheet, meta["location"]).remove(meta)
        changed = _ordered_metadata(changed)
        _metadata_home(spreadsheet, changed["location"]).append(changed)
        updated.append(workbook.deep_copy(changed))
    return {"developerMetadata": updated} if updated else {}


def delete_developer_metadata(spreadsheet: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    data_filter = payload.get("dataFilter")
    if not isinstance(data_filter, dict) or not data_filter:
        raise RequestError("A data filter must be specified.")
    deleted = []
    for meta in matching_metadata(spreadsheet, [data_filter]):
        _metadata_home(spreadsheet, meta["location"]).remove(meta)
        deleted.append(workbook.deep_copy(meta))
    return {"deletedDeveloperMetadata": deleted} if deleted else {}


Region = tuple[int, tuple[int, int] | None, tuple[int, int] | None] | None
"""Where a location lies: None for the whole spreadsheet, else (sheetId, rows, columns), an
absent span meaning every row or column."""


def _region_of_location(location: dict[str, Any]) -> Region:
    if location["locationType"] == "SPREADSHEET":
        return None
    if location["locationType"] == "SHEET":
        return (location["sheetId"], None, None)
    span = location["dimensionRange"]
    lines = (span["startIndex"], span["endIndex"])
    if span["dimension"] == "ROWS":
        return (span["sheetId"], lines, None)
    return (span["sheetId"], None, lines)


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is None or b is None or (a[0] < b[1] and b[0] < a[1])


def _intersect(a: Region, b: Region) -> bool:
    """Spreadsheet metadata "cannot intersect any other developer metadata location"
    (DeveloperMetadataLookup.locationType in the API reference)."""
    if a is None or b is None:
        return a is None and b is None
    return a[0] == b[0] and _overlap(a[1], b[1]) and _overlap(a[2], b[2])


def _region_of_filter(spreadsheet: Spreadsheet, data_filter: dict[str, Any]) -> Region:
    """The cells an a1Range or gridRange filter names."""
    if data_filter.get("a1Range") is not None:
        target = workbook.resolve(spreadsheet, str(data_filter["a1Range"]))
    else:
        target = _grid_range(spreadsheet, data_filter.get("gridRange") or {})
    return (target.sheet.sheet_id, (target.top, target.bottom), (target.left, target.right))


_UNSPECIFIED = (
    None,
    "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED",
    "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED",
)


def _lookup_matches(spreadsheet: Spreadsheet, meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """A DeveloperMetadataLookup selects the metadata matching every field it gives."""
    for key in ("metadataId", "metadataKey", "metadataValue"):
        if lookup.get(key) is not None and meta.get(key) != lookup[key]:
            return False
    visibility = lookup.get("visibility")
    if visibility not in _UNSPECIFIED and meta["visibility"] != visibility:
        return False
    kind = lookup.get("locationType")
    if kind not in _UNSPECIFIED and meta["location"]["locationType"] != kind:
        return False
    if lookup.get("metadataLocation") is not None:
        wanted = _metadata_location(spreadsheet, lookup["metadataLocation"])
        strategy = lookup.get("locationMatchingStrategy") or "INTERSECTING"
        if strategy == "EXACT_LOCATION":
            return meta["location"] == wanted
        return _intersect(_region_of_location(meta["location"]), _region_of_location(wanted))
    return True


def _filter_matches(spreadsheet: Spreadsheet, meta: dict[str, Any], data_filter: dict[str, Any]) -> bool:
    """A lookup selects by the metadata's fields; a range selects "all developer metadata
    associated with locations intersecting that region" (developerMetadata.search)."""
    if data_filter.get("developerMetadataLookup") is not None:
        return _lookup_matches(spreadsheet, meta, data_filter["developerMetadataLookup"])
    if data_filter.get("a1Range") is not None or data_filter.get("gridRange") is not None:
        return _intersect(_region_of_location(meta["location"]), _region_of_filter(spreadsheet, data_filter))
    raise RequestError("A data filter must set one of developerMetadataLookup, a1Range or gridRange.")


def matching_metadata(spreadsheet: Spreadsheet, filters: list[Any]) -> list[dict[str, Any]]:
    """The stored entries any of `filters` selects, in the order they were created per home."""
    return [
        meta
        for meta in _all_metadata(spreadsheet)
        if any(_filter_matches(spreadsheet, meta, f) for f in filters if isinstance(f, dict))
    ]


DEVELOPER_METADATA = SPREADSHEET + r"/developerMetadata"


@route("GET", DEVELOPER_METADATA + r"/(?P<metadata>[^/:]+)", "sheets.developerMetadata.get", "sheets", "read")
def get_developer_metadata(store: Store, request: Request) -> Response:
    """developerMetadata.get; 404 "No developer metadata with ID …", the answer the metadata
    guide says a deleted id gets."""
    text = request.params["metadata"]
    try:
        metadata_id = int(text)
    except ValueError:
        # Google's protobuf binding error for an int32 (the same shape a public table of Google's
        # answers records for the Docs API: "Invalid value at '…index' (TYPE_INT32), "abc"").
        raise invalid(f"Invalid value at 'metadata_id' (TYPE_INT32), \"{text}\"") from None
    spreadsheet = _spreadsheet(store, request, "reader")
    for meta in _all_metadata(spreadsheet):
        if meta["metadataId"] == metadata_id:
            return _answer(request, workbook.deep_copy(meta))
    raise ApiError(404, f"No developer metadata with ID {metadata_id}.", "NOT_FOUND")


@route("POST", DEVELOPER_METADATA + r":search", "sheets.developerMetadata.search", "sheets", "read")
def search_developer_metadata(store: Store, request: Request) -> Response:
    """developerMetadata.search: each match with the request's filters that selected it."""
    filters = [f for f in _body(request).get("dataFilters") or [] if isinstance(f, dict)]
    spreadsheet = _spreadsheet(store, request, "reader")
    matched = []
    try:
        for meta in _all_metadata(spreadsheet):
            hits = [f for f in filters if _filter_matches(spreadsheet, meta, f)]
            if hits:
                matched.append({"developerMetadata": workbook.deep_copy(meta), "dataFilters": hits})
    except RequestError as error:
        raise invalid(str(error)) from None
    return _answer(request, {"matchedDeveloperMetadata": matched} if matched else {})


# -- protected ranges --------------------------------------------------------
#
# Kept on their tab and returned in sheets[].protectedRanges. Per the API reference
# (ProtectedRange): the id is Google's unless given ("It is an error to specify the ID of a
# range that already exists"); "if this field [warningOnly] is true, then editors are
# ignored"; changing warningOnly from true to false without editors gives "all the editors
# in the document"; `requestingUserCanEdit` is read-only and `editors` is shown only to who
# may edit the range. A protected (not warning-only) range's editors are the users given
# plus the owner: "Google API will automatically add the owner of this SpreadSheet. The list
# editor_users_emails must at least contain the e-mail address used to open that
# SpreadSheet." (gspread's Worksheet.add_protected_range); no recorded answer shows where in
# the list Google puts the owner (here: first).
# "No protected range with id: N" is the wording client code matches Google's answer
# against (it tests for "No protected range with id"); the rest is the emulator's own.
# Protection is not enforced: writes into a protected range are accepted from anyone.

_PROTECTED_KEYS = (
    "protectedRangeId",
    "range",
    "namedRangeId",
    "description",
    "warningOnly",
    "requestingUserCanEdit",
    "unprotectedRanges",
    "editors",
)
_UPDATABLE_PROTECTION = ("range", "description", "warningOnly", "unprotectedRanges", "editors")
_GRID_RANGE_KEYS = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")


def _stored_grid_range(spreadsheet: Spreadsheet, span: Any) -> dict[str, Any]:
    """A GridRange checked against its tab and kept with the keys it was given."""
    if not isinstance(span, dict):
        raise RequestError("A protected range must have a range.")
    _grid_range(spreadsheet, span)
    out = {key: int(span[key]) for key in _GRID_RANGE_KEYS if span.get(key) is not None}
    out.setdefault("sheetId", 0)
    return {key: out[key] for key in _GRID_RANGE_KEYS if key in out}


def _whole_sheet(span: dict[str, Any]) -> bool:
    return all(span.get(key) is None for key in _GRID_RANGE_KEYS[1:])


def _editors(given: Any, caller: Caller) -> dict[str, Any]:
    users = list(dict.fromkeys([caller.owner, *((given or {}).get("users") or [])]))
    editors: dict[str, Any] = {"users": [u for u in users if u]}
    if (given or {}).get("groups"):
        editors["groups"] = list(given["groups"])
    if (given or {}).get("domainUsersCanEdit"):
        editors["domainUsersCanEdit"] = True
    return editors


def _ordered_protection(protected: dict[str, Any]) -> dict[str, Any]:
    return {key: protected[key] for key in _PROTECTED_KEYS if protected.get(key) not in (None, False, [])}


def _all_protected(spreadsheet: Spreadsheet) -> list[tuple[Sheet, dict[str, Any]]]:
    return [(sheet, p) for sheet in spreadsheet.sheets for p in sheet.protected_ranges]


def _protected_by_id(spreadsheet: Spreadsheet, protected_id: Any) -> tuple[Sheet, dict[str, Any]]:
    for sheet, protected in _all_protected(spreadsheet):
        if protected["protectedRangeId"] == protected_id:
            return sheet, protected
    raise RequestError(f"No protected range with id: {protected_id}")


def _checked_protection(spreadsheet: Spreadsheet, protected: dict[str, Any]) -> dict[str, Any]:
    if protected.get("namedRangeId") is not None or protected.get("tableId") is not None:
        raise RequestError("The emulator has no named ranges or tables to protect.")
    span = _stored_grid_range(spreadsheet, protected.get("range"))
    protected["range"] = span
    unprotected = protected.get("unprotectedRanges") or []
    if unprotected and not _whole_sheet(span):
        # The reference: "Unprotected ranges are only supported on protected sheets."
        raise RequestError("Unprotected ranges are only supported on protected sheets.")
    protected["unprotectedRanges"] = [_stored_grid_range(spreadsheet, u) for u in unprotected] or None
    if protected.get("warningOnly"):
        protected.pop("editors", None)
    return _ordered_protection(protected)


def add_protected_range(spreadsheet: Spreadsheet, payload: dict[str, Any], caller: Caller) -> dict[str, Any]:
    wanted = workbook.deep_copy(payload.get("protectedRange") or {})
    taken = {p["protectedRangeId"] for _, p in _all_protected(spreadsheet)}
    protected_id = wanted.get("protectedRangeId")
    if protected_id is None:
        protected_id = workbook.new_object_id(spreadsheet, "protection", taken)
    elif not isinstance(protected_id, int) or protected_id < 0:
        raise RequestError(f"Invalid protectedRangeId: {protected_id}")
    elif protected_id in taken:
        raise RequestError(f"A protected range with id {protected_id} already exists.")
    wanted.pop("requestingUserCanEdit", None)
    wanted["protectedRangeId"] = protected_id
    if not wanted.get("warningOnly"):
        wanted["editors"] = _editors(wanted.get("editors"), caller)
    protected = _checked_protection(spreadsheet, wanted)
    sheet = _sheet(spreadsheet, protected["range"]["sheetId"])
    sheet.protected_ranges.append(protected)
    return {"protectedRange": protected_range_view(protected, Viewer(caller.user, caller.owner, "writer"))}


def update_protected_range(spreadsheet: Spreadsheet, payload: dict[str, Any], caller: Caller) -> None:
    wanted = payload.get("protectedRange") or {}
    sheet, protected = _protected_by_id(spreadsheet, wanted.get("protectedRangeId"))
    paths = _field_paths(payload.get("fields"))
    names = set(_UPDATABLE_PROTECTION) if ("*",) in paths else {path[0] for path in paths}
    changed = workbook.deep_copy(protected)
    was_warning = bool(changed.get("warningOnly"))
    for name in names:
        if name in ("protectedRangeId", "requestingUserCanEdit"):
            continue
        if name not in _UPDATABLE_PROTECTION:
            raise RequestError(f"Invalid field mask path: {name}")
        changed[name] = workbook.deep_copy(wanted.get(name))
    if was_warning and not changed.get("warningOnly") and "editors" not in names:
        changed["editors"] = {"users": list(caller.editors)}
    elif not changed.get("warningOnly") and "editors" in names:
        changed["editors"] = _editors(changed.get("editors"), caller)
    changed = _checked_protection(spreadsheet, changed)
    sheet.protected_ranges.remove(protected)
    _sheet(spreadsheet, changed["range"]["sheetId"]).protected_ranges.append(changed)


def delete_protected_range(spreadsheet: Spreadsheet, payload: dict[str, Any], caller: Caller) -> None:
    sheet, protected = _protected_by_id(spreadsheet, payload.get("protectedRangeId"))
    sheet.protected_ranges.remove(protected)


def protected_range_view(protected: dict[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    """A stored ProtectedRange as `viewer` reads it: requestingUserCanEdit worked out, editors
    hidden from who may not edit it."""
    view = workbook.deep_copy(protected)
    can_edit = viewer.can_edit(protected) if viewer is not None else True
    view["requestingUserCanEdit"] = can_edit
    if not can_edit:
        view.pop("editors", None)
    return _ordered_protection(view)


CALLER_APPLIERS: dict[str, Callable[[Spreadsheet, dict[str, Any], Caller], dict[str, Any] | None]] = {
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
}
"""Requests that need to know who sends them."""

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
    "autoResizeDimensions": auto_resize_dimensions,
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
}

COSMETIC = frozenset(
    {
        "updateBorders",
        "mergeCells",
        "unmergeCells",
        "setBasicFilter",
        "clearBasicFilter",
        "addConditionalFormatRule",
        "deleteConditionalFormatRule",
        "setDataValidation",
        "addBanding",
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
    get_developer_metadata,
    search_developer_metadata,
]
