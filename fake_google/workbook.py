"""Spreadsheets as Google keeps them: creation, tabs, grids, ranges, and xlsx/csv.

The Sheets routes (`sheets.py`) and Drive (`drive.py`) change spreadsheets only
through these functions, so the rules of the grid live in one place: a range is
bound to a tab and clipped to its size, a write never leaves the grid (Google
answers 400), an append finds its "table" the way Google does, and inserting or
deleting rows moves the cells below.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fake_google import values
from fake_google.a1 import (
    A1Range,
    always_quoted,
    cell_name,
    format_box,
    parse_a1,
    parse_error,
)
from fake_google.store import ApiError, Cell, Sheet, Spreadsheet, Store

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
MAX_CELLS = 10_000_000
"""Google's limit on the cells of one spreadsheet."""

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
"""The `defaultFormat` Google gives a new spreadsheet."""


def _theme_color(kind: str, red: float = 0, green: float = 0, blue: float = 0) -> dict[str, Any]:
    rgb = {name: v for name, v in (("red", red), ("green", green), ("blue", blue)) if v}
    return {"colorType": kind, "color": {"rgbColor": rgb}}


DEFAULT_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        _theme_color("TEXT"),
        _theme_color("BACKGROUND", 1, 1, 1),
        _theme_color("ACCENT1", 0.25882354, 0.52156866, 0.95686275),
        _theme_color("ACCENT2", 0.91764706, 0.2627451, 0.20784314),
        _theme_color("ACCENT3", 0.9843137, 0.7372549, 0.015686275),
        _theme_color("ACCENT4", 0.20392157, 0.65882355, 0.3254902),
        _theme_color("ACCENT5", 1, 0.42745098, 0.003921569),
        _theme_color("ACCENT6", 0.27450982, 0.7411765, 0.7764706),
        _theme_color("LINK", 0.06666667, 0.33333334, 0.8),
    ],
}
"""The `spreadsheetTheme` Google gives a new spreadsheet."""


# -- spreadsheets and tabs ---------------------------------------------------


def new_spreadsheet(
    store: Store, file_id: str, title: str, *, locale: str = "en_US", time_zone: str = "Etc/GMT"
) -> Spreadsheet:
    """A spreadsheet as Google creates it (one empty "Sheet1", id 0), registered in `store`."""
    properties = {
        "title": title,
        "locale": locale,
        "autoRecalc": "ON_CHANGE",
        "timeZone": time_zone,
        "defaultFormat": deep_copy(DEFAULT_FORMAT),
        "spreadsheetTheme": deep_copy(DEFAULT_THEME),
    }
    spreadsheet = Spreadsheet(file_id, properties, [], next_sheet_id=1)
    spreadsheet.sheets.append(Sheet(sheet_properties(0, "Sheet1", 0)))
    store.spreadsheets[file_id] = spreadsheet
    return spreadsheet


def deep_copy(data: Any) -> Any:
    """A copy of JSON-like data that shares nothing with the original."""
    if isinstance(data, dict):
        return {k: deep_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [deep_copy(v) for v in data]
    return data


def sheet_properties(
    sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS, columns: int = DEFAULT_COLUMNS
) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": columns},
    }


def spreadsheet_url(spreadsheet_id: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"


def new_object_id(spreadsheet: Spreadsheet, kind: str, taken: set[int]) -> int:
    """A random positive 32-bit id, as Google draws for developer metadata and protected
    ranges, reproducible for a given spreadsheet and count, never one of `taken`."""
    while True:
        seed = f"{spreadsheet.spreadsheet_id}:{kind}:{spreadsheet.next_object_id}"
        spreadsheet.next_object_id += 1
        candidate = random.Random(seed).randint(1, 2**31 - 1)
        if candidate not in taken:
            return candidate


def new_sheet_id(spreadsheet: Spreadsheet) -> int:
    """A random positive id like Google's, reproducible for a given spreadsheet and count."""
    taken = {sheet.sheet_id for sheet in spreadsheet.sheets}
    while True:
        seed = f"{spreadsheet.spreadsheet_id}:{spreadsheet.next_sheet_id}"
        spreadsheet.next_sheet_id += 1
        candidate = random.Random(seed).randint(1, 2**31 - 1)
        if candidate not in taken:
            return candidate


def sheet_by_id(spreadsheet: Spreadsheet, sheet_id: int) -> Sheet | None:
    return next((sheet for sheet in spreadsheet.sheets if sheet.sheet_id == sheet_id), None)


def sheet_by_title(spreadsheet: Spreadsheet, title: str) -> Sheet | None:
    """Tab names are unique regardless of case, and found the same way: `'soldes'!A1` reads
    the tab `Soldes` and answers `Soldes!A1`. Google "internally ignores case for sheet names"
    (socialpoint-labs/sheetfu#26: two tabs differing only by case are refused, in the editor as
    through the API) and resolves a range whatever the case of its tab name
    (appsmithorg/appsmith#5293: inserts and updates were "not case sensitive")."""
    wanted = title.casefold()
    return next((sheet for sheet in spreadsheet.sheets if sheet.title.casefold() == wanted), None)


def first_visible(spreadsheet: Spreadsheet) -> Sheet:
    """The tab a range without a tab name refers to."""
    return next((s for s in spreadsheet.sheets if not s.properties.get("hidden")), spreadsheet.sheets[0])


def reindex(spreadsheet: Spreadsheet) -> None:
    for index, sheet in enumerate(spreadsheet.sheets):
        sheet.properties["index"] = index


def unused_title(spreadsheet: Spreadsheet, stem: str = "Sheet", start: int | None = None) -> str:
    """ "Sheet2", "Sheet3"...: the first free name Google would pick."""
    number = start if start is not None else len(spreadsheet.sheets) + 1
    while sheet_by_title(spreadsheet, f"{stem}{number}") is not None:
        number += 1
    return f"{stem}{number}"


def grid_size(sheet: Sheet) -> tuple[int, int]:
    grid = sheet.properties.get("gridProperties", {})
    return grid.get("rowCount", 0), grid.get("columnCount", 0)


def set_grid_size(sheet: Sheet, rows: int, columns: int) -> None:
    """Resize; cells that fall outside the new grid are lost, as in Google."""
    grid = sheet.properties.setdefault("gridProperties", {})
    grid["rowCount"], grid["columnCount"] = rows, columns
    for key in [key for key in sheet.cells if key[0] >= rows or key[1] >= columns]:
        del sheet.cells[key]


# -- ranges ------------------------------------------------------------------


@dataclass
class Target:
    """A box on a tab: 0-based, ends exclusive."""

    sheet: Sheet
    top: int
    left: int
    bottom: int
    right: int

    def a1(self) -> str:
        return format_box(self.sheet.title, self.top, self.left, self.bottom, self.right)

    def contains(self, row: int, col: int) -> bool:
        return self.top <= row < self.bottom and self.left <= col < self.right

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


@dataclass
class Anchor:
    """A range to write to: its tab, its corner, and its far sides if it has them."""

    sheet: Sheet
    top: int
    left: int
    bottom: int | None
    right: int | None
    single_cell: bool


def bind(spreadsheet: Spreadsheet, text: str) -> tuple[Sheet, A1Range]:
    """The tab a range names and its parsed form; 400 "Unable to parse range" if there is no such tab."""
    parsed = parse_a1(text)
    if parsed.sheet is None:
        if parsed.bare is not None and (named := sheet_by_title(spreadsheet, parsed.bare)) is not None:
            return named, A1Range(named.title)
        return first_visible(spreadsheet), parsed
    sheet = sheet_by_title(spreadsheet, parsed.sheet)
    if sheet is None:
        raise parse_error(text)
    return sheet, parsed


def resolve(spreadsheet: Spreadsheet, text: str) -> Target:
    """The box a read or clear covers: open sides run to the grid's edge, far sides are clipped to it."""
    sheet, parsed = bind(spreadsheet, text)
    rows, columns = grid_size(sheet)
    top, left = parsed.start_row or 0, parsed.start_col or 0
    if top >= rows or left >= columns:
        raise grid_limits(sheet, _echo(sheet, text, parsed))
    bottom = min(parsed.end_row if parsed.end_row is not None else rows, rows)
    right = min(parsed.end_col if parsed.end_col is not None else columns, columns)
    return Target(sheet, top, left, bottom, right)


def anchor(spreadsheet: Spreadsheet, text: str) -> Anchor:
    """Where a write starts, and the far sides the range sets (open sides end at the grid)."""
    sheet, parsed = bind(spreadsheet, text)
    top, left = parsed.start_row or 0, parsed.start_col or 0
    single = parsed.end_row == top + 1 and parsed.end_col == left + 1
    if single:
        return Anchor(sheet, top, left, None, None, True)
    return Anchor(sheet, top, left, parsed.end_row, parsed.end_col, False)


def _echo(sheet: Sheet, text: str, parsed: A1Range) -> str:
    """The range as Google repeats it in a grid-limit error: quoted tab, then the cells asked for."""
    reference = text.rsplit("!", 1)[1] if "!" in text else (text if parsed.sheet is None else "")
    return always_quoted(sheet.title) + ("!" + reference if reference else "")


def grid_limits(sheet: Sheet, shown: str) -> ApiError:
    rows, columns = grid_size(sheet)
    return ApiError(
        400,
        f"Range ({shown}) exceeds grid limits. Max rows: {rows}, max columns: {columns}",
        "INVALID_ARGUMENT",
    )


def check_within_grid(target: Target) -> None:
    """Google's 400 when a write would leave the grid."""
    rows, columns = grid_size(target.sheet)
    if target.bottom > rows or target.right > columns:
        shown = format_box(
            target.sheet.title, target.top, target.left, target.bottom, target.right, quote=True
        )
        raise grid_limits(target.sheet, shown)


def write_box(place: Anchor, height: int, width: int) -> Target:
    """The box `height`×`width` values fill from `place`; 400 if it overflows the range or the grid."""
    bottom, right = place.top + height, place.left + width
    if (place.bottom is not None and bottom > place.bottom) or (
        place.right is not None and right > place.right
    ):
        rows, columns = grid_size(place.sheet)
        asked = format_box(
            place.sheet.title,
            place.top,
            place.left,
            place.bottom if place.bottom is not None else rows,
            place.right if place.right is not None else columns,
            quote=True,
        )
        overflow = (
            f"row [{bottom}]"
            if place.bottom is not None and bottom > place.bottom
            else f"column [{cell_name(0, right - 1)[:-1]}]"
        )
        raise ApiError(
            400,
            f"Requested writing within range [{asked}], but tried writing to {overflow}",
            "INVALID_ARGUMENT",
        )
    target = Target(place.sheet, place.top, place.left, bottom, right)
    check_within_grid(target)
    return target


# -- cells -------------------------------------------------------------------


def occupied(sheet: Sheet, target: Target | None = None) -> dict[tuple[int, int], Cell]:
    """The non-empty cells of a tab, or of a box on it."""
    return {
        key: cell
        for key, cell in sheet.cells.items()
        if not values.is_empty(cell) and (target is None or target.contains(*key))
    }


def read_matrix(target: Target, render: Callable[[Cell], Any], major: str = "ROWS") -> list[list[Any]]:
    """The rendered values of a box, trimmed as Google trims them: no trailing empty cells or lines."""
    found = occupied(target.sheet, target)
    if major == "COLUMNS":
        keyed = {(c - target.left, r - target.top): cell for (r, c), cell in found.items()}
    else:
        keyed = {(r - target.top, c - target.left): cell for (r, c), cell in found.items()}
    if not keyed:
        return []
    lines: list[list[Any]] = [[] for _ in range(max(line for line, _ in keyed) + 1)]
    for (line, position), cell in sorted(keyed.items()):
        row = lines[line]
        row.extend([""] * (position - len(row)))
        row.append(render(cell))
    for row in lines:
        while row and row[-1] == "":
            row.pop()
    while lines and not lines[-1]:
        lines.pop()
    return lines


def set_cell(sheet: Sheet, row: int, column: int, value: Any, detected: dict[str, Any] | None) -> None:
    """Store a typed value, keeping the cell's format unless the input brings a different kind."""
    existing = sheet.cells.get((row, column))
    number_format = existing.number_format if existing else None
    if detected is not None and (number_format is None or number_format.get("type") != detected.get("type")):
        number_format = detected
    note, style = (existing.note, existing.style) if existing else (None, None)
    cell = Cell(value, number_format, note, style)
    if cell.is_blank():
        sheet.cells.pop((row, column), None)
        return
    sheet.cells[(row, column)] = cell


def write_matrix(
    sheet: Sheet, top: int, left: int, rows: list[list[Any]], convert: Callable[[Any], tuple[Any, Any]]
) -> set[tuple[int, int]]:
    """Write values from (top, left); None leaves a cell as it is. Returns the cells written."""
    written: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is None:
                continue
            value, detected = convert(raw)
            set_cell(sheet, top + i, left + j, value, detected)
            written.add((top + i, left + j))
    return written


def clear_values(target: Target) -> None:
    """Empty the values of a box; formats and notes stay, as values.clear does."""
    for key, cell in list(target.sheet.cells.items()):
        if target.contains(*key):
            cell.value = None
            if cell.is_blank():
                del target.sheet.cells[key]


def find_table(target: Target) -> Target | None:
    """The "table" values.append adds to: the block of data around the last filled cell of the range.

    Google takes the last non-empty cell of the range (last row, then rightmost) and
    grows a rectangle around it while any neighbouring cell, diagonals included,
    holds data, over the whole tab. An empty row therefore ends a table.
    """
    inside = occupied(target.sheet, target)
    if not inside:
        return None
    seed_row, seed_col = max(inside)
    filled = set(occupied(target.sheet))
    top, left, bottom, right = seed_row, seed_col, seed_row + 1, seed_col + 1
    grew = True
    while grew:
        grew = False
        for row, col in _ring(top, left, bottom, right):
            if (row, col) in filled:
                top, left = min(top, row), min(left, col)
                bottom, right = max(bottom, row + 1), max(right, col + 1)
                grew = True
    return Target(target.sheet, top, left, bottom, right)


def _ring(top: int, left: int, bottom: int, right: int) -> Iterable[tuple[int, int]]:
    for col in range(left - 1, right + 1):
        yield top - 1, col
        yield bottom, col
    for row in range(top, bottom):
        yield row, left - 1
        yield row, right


def last_data_row(sheet: Sheet) -> int:
    """One past the last row holding a value (0 on an empty tab)."""
    return max((row + 1 for row, _ in occupied(sheet)), default=0)


def insert_lines(sheet: Sheet, dimension: str, start: int, count: int) -> None:
    """Insert `count` empty rows or columns before `start`, moving the cells after them, and
    what is anchored on the lines: their sizes, their developer metadata, protected ranges."""
    axis = 0 if dimension == "ROWS" else 1
    moved = {}
    for key, cell in sheet.cells.items():
        if key[axis] >= start:
            key = (key[0] + count, key[1]) if axis == 0 else (key[0], key[1] + count)
        moved[key] = cell
    sheet.cells = moved
    _move_anchored(sheet, dimension, lambda index: index + count if index >= start else index)
    for protected in sheet.protected_ranges:
        for span in [protected.get("range") or {}, *(protected.get("unprotectedRanges") or [])]:
            _insert_in_span(span, dimension, start, count)
    rows, columns = grid_size(sheet)
    grid = sheet.properties["gridProperties"]
    if axis == 0:
        grid["rowCount"] = rows + count
    else:
        grid["columnCount"] = columns + count


def delete_lines(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Delete rows or columns [start, end), moving the cells after them back. The lines'
    sizes and developer metadata go with them ("if the associated object is deleted its
    metadata is deleted too", DeveloperMetadata in the API reference); protected ranges
    shrink, and one left with no line at all is gone."""
    axis = 0 if dimension == "ROWS" else 1
    count = end - start
    kept = {}
    for key, cell in sheet.cells.items():
        if start <= key[axis] < end:
            continue
        if key[axis] >= end:
            key = (key[0] - count, key[1]) if axis == 0 else (key[0], key[1] - count)
        kept[key] = cell
    sheet.cells = kept
    _move_anchored(sheet, dimension, lambda index: _after_delete(index, start, end))
    survivors = []
    for protected in sheet.protected_ranges:
        if _delete_in_span(protected.get("range") or {}, dimension, start, end):
            protected["unprotectedRanges"] = [
                span
                for span in protected.get("unprotectedRanges") or []
                if _delete_in_span(span, dimension, start, end)
            ] or None
            if protected["unprotectedRanges"] is None:
                del protected["unprotectedRanges"]
            survivors.append(protected)
    sheet.protected_ranges = survivors
    rows, columns = grid_size(sheet)
    grid = sheet.properties["gridProperties"]
    if axis == 0:
        grid["rowCount"] = rows - count
    else:
        grid["columnCount"] = columns - count


def _after_delete(index: int, start: int, end: int) -> int | None:
    """Where line `index` goes when lines [start, end) are deleted; None if it is one of them."""
    if start <= index < end:
        return None
    return index - (end - start) if index >= end else index


def _move_anchored(sheet: Sheet, dimension: str, place: Callable[[int], int | None]) -> None:
    """Renumber the line properties and line metadata of one dimension; None drops a line."""
    sizes = sheet.row_metadata if dimension == "ROWS" else sheet.column_metadata
    moved_sizes = {}
    for index, props in sizes.items():
        new = place(index)
        if new is not None:
            moved_sizes[new] = props
    if dimension == "ROWS":
        sheet.row_metadata = moved_sizes
    else:
        sheet.column_metadata = moved_sizes
    kept = []
    for meta in sheet.developer_metadata:
        span = meta["location"].get("dimensionRange")
        if span is not None and span.get("dimension") == dimension:
            new = place(int(span.get("startIndex") or 0))
            if new is None:
                continue
            span["startIndex"], span["endIndex"] = new, new + 1
        kept.append(meta)
    sheet.developer_metadata = kept


_SPAN_KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


def _insert_in_span(span: dict[str, Any], dimension: str, start: int, count: int) -> None:
    """A GridRange after lines are inserted at `start`: moved down, or grown when cut through."""
    low_key, high_key = _SPAN_KEYS[dimension]
    low, high = span.get(low_key), span.get(high_key)
    if low is not None and low >= start:
        span[low_key] = low + count
    if high is not None and high > start:
        span[high_key] = high + count


def _delete_in_span(span: dict[str, Any], dimension: str, start: int, end: int) -> bool:
    """A GridRange after lines [start, end) are deleted; False when none of its lines is left."""
    low_key, high_key = _SPAN_KEYS[dimension]
    count = end - start

    def place(bound: int) -> int:
        return bound if bound <= start else max(start, bound - count)

    low, high = span.get(low_key), span.get(high_key)
    if low is not None:
        span[low_key] = place(low)
    if high is not None:
        span[high_key] = place(high)
    return low is None or high is None or span[low_key] < span[high_key]


def grow_to(sheet: Sheet, rows: int, columns: int) -> None:
    """Make the grid at least `rows`×`columns`."""
    current_rows, current_columns = grid_size(sheet)
    grid = sheet.properties.setdefault("gridProperties", {})
    grid["rowCount"] = max(current_rows, rows)
    grid["columnCount"] = max(current_columns, columns)


def cell_count(spreadsheet: Spreadsheet) -> int:
    return sum(rows * columns for rows, columns in (grid_size(s) for s in spreadsheet.sheets))


# -- export and import -------------------------------------------------------


def export_csv(spreadsheet: Spreadsheet, sheet_id: int) -> bytes:
    """The tab as Drive exports it: formatted values from A1 to the last filled row and column."""
    sheet = sheet_by_id(spreadsheet, sheet_id) or spreadsheet.sheets[0]
    locale = spreadsheet.properties.get("locale")
    found = occupied(sheet)
    height = max((r + 1 for r, _ in found), default=0)
    width = max((c + 1 for _, c in found), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in range(height):
        writer.writerow(
            values.render(sheet.cells.get((row, col)), "FORMATTED_VALUE", "SERIAL_NUMBER", locale)
            for col in range(width)
        )
    return out.getvalue().encode("utf-8")


def export_xlsx(spreadsheet: Spreadsheet) -> bytes:
    """An .xlsx of every tab: values, formulas (as formulas) and number formats."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in spreadsheet.sheets:
        page = book.create_sheet(sheet.title)
        if sheet.properties.get("hidden"):
            page.sheet_state = "hidden"
        for (row, col), cell in sorted(sheet.cells.items()):
            if values.is_empty(cell):
                continue
            target = page.cell(row=row + 1, column=col + 1, value=cell.value)
            pattern = (cell.number_format or {}).get("pattern")
            if pattern:
                target.number_format = pattern
            elif values.is_date_format(cell.number_format):
                target.number_format = "yyyy-mm-dd hh:mm:ss"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_xlsx(store: Store, file_id: str, title: str, data: bytes) -> Spreadsheet:
    """A spreadsheet converted from an uploaded .xlsx, as Drive's conversion makes it."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data))
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ApiError(400, "Unable to convert the uploaded file.", "INVALID_ARGUMENT") from exc
    spreadsheet = new_spreadsheet(store, file_id, title)
    spreadsheet.sheets = []
    for index, page in enumerate(book.worksheets):
        sheet_id = 0 if index == 0 else new_sheet_id(spreadsheet)
        rows, columns = max(page.max_row, DEFAULT_ROWS), max(page.max_column, DEFAULT_COLUMNS)
        sheet = Sheet(sheet_properties(sheet_id, page.title, index, rows, columns))
        if page.sheet_state != "visible":
            sheet.properties["hidden"] = True
        _import_cells(page, sheet)
        spreadsheet.sheets.append(sheet)
    return spreadsheet


def _import_cells(page: Any, sheet: Sheet) -> None:
    for line in page.iter_rows():
        for source in line:
            if source.value is None or source.value == "":
                continue
            value, number_format = _imported_value(source.value, source.number_format)
            sheet.cells[(source.row - 1, source.column - 1)] = Cell(value, number_format)


def _imported_value(value: Any, pattern: str) -> tuple[Any, dict[str, Any] | None]:
    """A cell of openpyxl as Sheets stores it: dates become serial numbers under a date format."""
    if isinstance(value, datetime | date | time):
        kind = "DATE_TIME" if isinstance(value, datetime) else "DATE" if isinstance(value, date) else "TIME"
        if isinstance(value, datetime) and value.time() == time(0) and not _shows_time(pattern):
            kind = "DATE"
        return values.serial_of(value), {"type": kind, "pattern": pattern}
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400, {"type": "TIME", "pattern": "[h]:mm:ss"}
    if isinstance(value, bool | str):
        return value, None
    if isinstance(value, int | float):
        return value, None if pattern in ("General", "") else {
            "type": _format_type(pattern),
            "pattern": pattern,
        }
    return str(value), None


def _shows_time(pattern: str) -> bool:
    lowered = pattern.lower()
    return "h" in lowered or "s" in lowered


def _format_type(pattern: str) -> str:
    if "%" in pattern:
        return "PERCENT"
    if "E+" in pattern.upper():
        return "SCIENTIFIC"
    if any(symbol in pattern for symbol in ("$", "€", "£", "¥", "[$")):
        return "CURRENCY"
    if pattern == "@":
        return "TEXT"
    return "NUMBER"
