"""Office workbooks read through python-calamine (Rust's calamine): .xlsx, .xlsm, .xls and .ods.

calamine reads a workbook about ten times faster than openpyxl, and reads LibreOffice's .ods and
Excel 97-2003's .xls, which openpyxl cannot. `read_workbook` turns its cells into what lotsync's
core has always been given (openpyxl's values), so that the same sheet gives the same books
whatever reads it and whatever its format: None for an empty cell, a datetime for a date (at
midnight for a day), an int for a whole number, a float, a str, a bool, a time, a timedelta.

What calamine does not say, lotsync finds in the file itself, cheaply, before or after it:

- error cells (`#DIV/0!`, `#REF!`, `#N/A`…): python-calamine gives them as empty cells, so a
  `#DIV/0!` amount would read as a blank one. Each sheet is searched for them (`t="e"` in an
  .xlsx, `calcext:value-type="error"` in an .ods, an error result in an .xls record) and they
  come through as `FormulaError` values, which the core reports as anomalies naming the cell;
- a password-protected .ods or .xls, which calamine cannot tell from a damaged file;
- an .xls whose record structure is broken, on which calamine would panic.

Whatever the bytes, the answer is rows or a `SourceError` whose message says in French what is
damaged; `DamagedWorkbook` (a SourceError) lets the caller ask openpyxl for more detail on an .xlsx.
"""

from __future__ import annotations

import io
import re
import string
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from lotsync.adapters import french
from lotsync.adapters.backends import SourceError
from lotsync.core import french as core_french
from lotsync.core.cells import FormulaError

KINDS = ("xlsx", "ods", "xls")
"""What `read_workbook` reads: Office Open XML (.xlsx and .xlsm), OpenDocument (.ods), BIFF (.xls)."""

Cell = tuple[int, int]
"""A cell's (row, column), 0-based: (0, 0) is A1."""


class DamagedWorkbook(SourceError):
    """calamine could not read the workbook, or one of the tabs asked for; the message says so."""


class _Broken(Exception):
    """Why the file's structure cannot be read, in French (one of `french.SOURCE_PROBLEMS`' words)."""


def read_workbook(
    data: bytes, kind: str, tabs: Sequence[str], unscanned: Collection[str] = ()
) -> tuple[dict[str, list[list[Any]]], list[str]]:
    """The asked-for tabs that exist (as rows of values, row 1 first, from column A) and every tab's name.

    `kind` is one of `KINDS` (the caller has looked at the bytes). The tabs in `unscanned` are not
    searched for error cells: lotsync's own tabs hold none that its fingerprints would not catch.
    """
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum

    wanted = [t for t in tabs if t not in unscanned]
    records: _Records | None = None
    try:
        if kind == "xls":
            records = _xls_records(data)
            data = records.data
        elif kind == "ods":
            data = _ods_marked(data)
    except _Broken as broken:
        raise DamagedWorkbook(_damaged(str(broken))) from broken
    if kind == "xlsx":
        for tab, (count, last) in _xlsx_extents(data, tabs).items():
            if count > MAX_CELLS:  # calamine would ask for a grid that large at once, and abort
                raise SourceError(_too_many_cells(tab, count, last))
    stream = io.BytesIO(data)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except BaseException as exc:
        _unless_interrupt(exc)
        if isinstance(exc, PasswordError):
            raise DamagedWorkbook(french.SOURCE_INVALID.format(reason=french.SOURCE_ENCRYPTED)) from exc
        raise DamagedWorkbook(_damaged(_problem(exc, kind))) from exc
    with workbook:
        names = list(workbook.sheet_names)
        if not names:  # every workbook has one tab at least
            raise DamagedWorkbook(_damaged(french.SOURCE_PROBLEMS["part"]))
        charts = {m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.ChartSheet}
        found: dict[str, list[list[Any]]] = {}
        for name in tabs:
            if name not in names or name in found:
                continue
            if name in charts:
                found[name] = []  # a chart sheet: no cells
                continue
            try:
                sheet = workbook.get_sheet_by_name(name)
                end = sheet.end or (0, 0)
                if (end[0] + 1) * (end[1] + 1) <= MAX_CELLS:  # from A1, as lotsync gives it
                    cells = sheet.to_python(skip_empty_area=False)
            except BaseException as exc:
                raise DamagedWorkbook(_damaged_tab(name, _unless_interrupt(exc), kind)) from exc
            if (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise SourceError(_too_many_cells(name, (end[0] + 1) * (end[1] + 1), end))
            found[name] = _plain_rows(cells, ods=kind == "ods")
    wanted = [t for t in wanted if t in found]
    if kind == "xlsx":
        errors = xlsx_formula_errors(data, wanted)
    elif records is not None:
        errors = _xls_errors(records, names, wanted)
    else:
        errors = {}  # an .ods: marked in its XML, found by `_plain_rows`
    for name, cells_in_error in errors.items():
        mark_formula_errors(found[name], cells_in_error)
    return found, names


_MAX_COLUMNS = 16384
"""Columns in a sheet (XFD): an error cell further right is a damaged reference, not a cell."""
MAX_CELLS = 20_000_000
"""The most cells a tab may span, from A1 to its last filled cell (a million rows of twenty
columns). calamine builds a tab as one grid of that many cells, and aborts the whole process
when memory cannot hold it: a value typed in XFD1048576 would ask for 17 billion."""


def _too_many_cells(tab: str, cells: int, last: Cell) -> str:
    reason = french.SOURCE_TOO_MANY_CELLS.format(
        tab=tab,
        cell=f"{_letters(last[1])}{last[0] + 1}",
        count=core_french.integer(cells),
        limit=core_french.integer(MAX_CELLS),
    )
    return french.SOURCE_INVALID.format(reason=reason)


def _letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mark_formula_errors(rows: list[list[Any]], errors: Mapping[Cell, str]) -> None:
    """Put a `FormulaError` in each cell in error, named as a French spreadsheet shows it.

    The readers give every error cell a place in the rows (calamine counts them in the tab's
    range, openpyxl in its dimension); a position outside them is a damaged reference, left out.
    """
    for (row, col), code in errors.items():
        if not (0 <= row < len(rows) and 0 <= col < _MAX_COLUMNS):
            continue
        cells = rows[row]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = FormulaError(french.FORMULA_ERRORS.get(code, code))


# -- calamine's cells as lotsync's -----------------------------------------------------------

_MIDNIGHT = time()
_EXACT = 2.0**53
"""Floats below this are whole numbers exactly when `is_integer()` says so, and int() keeps them."""
_ODS_MARK = "\ue000"
"""Put before the text of an .ods error cell by `_ods_marked` (a private-use character: no one types it)."""
_ODS_SPECIAL = _ODS_MARK + "P-"
"""How the texts `_ods_value` looks at begin; every other text is text."""
_ODS_DURATION = re.compile(r"-?PT(\d{1,9})H(\d{1,9})M(\d{1,9}(?:\.\d+)?)S")


def _plain_rows(rows: list[list[Any]], *, ods: bool) -> list[list[Any]]:
    """calamine's values as openpyxl gave them, which the core expects: an empty cell ("") is None,
    a day (a date) is a datetime at midnight, a whole float below 2**53 is an int; in an .ods, the
    few texts that are not text (`_ods_value`). Row by row, in place: the two never coexist whole."""
    combine, limit, special = datetime.combine, _EXACT, _ODS_SPECIAL if ods else ""
    for index, row in enumerate(rows):
        rows[index] = [
            ((_ods_value(v) if v[0] in special else v) if v else None)
            if (kind := type(v)) is str
            else (int(v) if v.is_integer() and -limit < v < limit else v)
            if kind is float
            else combine(v, _MIDNIGHT)
            if kind is date
            else v
            for v in row
        ]
    return rows


def _ods_value(text: str) -> Any:
    """An .ods text: an error cell marked by `_ods_marked`, a duration of a day or more (calamine gives
    it in ISO 8601, `PT26H30M00S`, and one under a day as a time), or text."""
    first = text[0]
    if first == _ODS_MARK:
        return FormulaError(french.FORMULA_ERRORS.get(text[1:], text[1:]))
    if (first == "P" or first == "-") and (m := _ODS_DURATION.fullmatch(text)):
        duration = timedelta(hours=int(m[1]), minutes=int(m[2]), seconds=float(m[3]))
        return -duration if first == "-" else duration
    return text


# -- what went wrong, in French ------------------------------------------------------------------


def _unless_interrupt(error: BaseException) -> BaseException:
    """calamine's exceptions, and the panics of its Rust code (pyo3's PanicException, a BaseException),
    are a damaged file; Ctrl-C and the like go through untouched."""
    if isinstance(error, Exception) or type(error).__name__ == "PanicException":
        return error
    raise error


def _problem(error: BaseException, kind: str) -> str:
    """What calamine's error says about the file, in French (from its kind, never its English text)."""
    import python_calamine as calamine

    problems = french.SOURCE_PROBLEMS
    if isinstance(error, calamine.ZipError | zipfile.BadZipFile):
        return problems["zip"]
    if isinstance(error, calamine.XmlError):
        return problems["xml"]
    if isinstance(error, calamine.WorksheetNotFound):
        return problems["part"]
    if isinstance(error, MemoryError):
        return problems["memory"]
    if isinstance(error, calamine.CalamineError) and kind == "xlsx":
        return problems["value"]
    return french.SOURCE_PROBLEM_STRUCTURE


def _damaged(problem: str) -> str:
    return french.SOURCE_INVALID.format(reason=french.SOURCE_DAMAGED.format(problem=problem))


def _damaged_tab(tab: str, error: BaseException, kind: str) -> str:
    import python_calamine as calamine

    if isinstance(error, calamine.WorksheetNotFound):  # listed, but its part is missing
        return _damaged(french.SOURCE_PROBLEMS["part"])
    if isinstance(error, calamine.XmlError):
        problem = french.SOURCE_PROBLEMS["xml"]
    elif isinstance(error, calamine.CalamineError):
        problem = french.SOURCE_PROBLEMS["cell"]
    else:
        problem = _problem(error, kind)
    return french.SOURCE_INVALID.format(
        reason=french.SOURCE_DAMAGED_TAB_SOMEWHERE.format(tab=tab, problem=problem)
    )


# -- error cells in an .xlsx ---------------------------------------------------------------------

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ERROR_TYPES = (b't="e"', b"t='e'")
_REFERENCE = re.compile(rb"""\br\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]{1,7})["']""")
_VALUE = re.compile(  # the cached value after the formula, if any: <f>1/0</f><v>#DIV/0!</v>
    rb"\s*(?:<(?:[\w.-]+:)?f\b[^>]*/>|<(?:[\w.-]+:)?f\b[^>]*>[^<]*</(?:[\w.-]+:)?f>)?"
    rb"\s*<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)<"
)
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_CHUNK = 1 << 22
_DAMAGED_ZIP = (
    *(zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, NotImplementedError, ValueError),
    *(RuntimeError, struct.error),  # RuntimeError: a member flagged as encrypted
)
"""What zipfile and ElementTree raise on a damaged archive or part (ParseError is a SyntaxError)."""


def xlsx_formula_errors(data: bytes, tabs: Sequence[str]) -> dict[str, dict[Cell, str]]:
    """The error cells of the named tabs of an .xlsx, by tab: (row, column) → `#DIV/0!`…

    Each tab's sheet is searched in pieces as it is unzipped; only one that holds an error is read
    whole and looked at closely. Whatever cannot be found (a damaged file calamine or openpyxl has
    read anyway) is no error cell.
    """
    found: dict[str, dict[Cell, str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _sheet_parts(archive)
            for tab in tabs:
                part = parts.get(tab)
                if part is None or not _holds(archive, part, _ERROR_TYPES):
                    continue
                cells = _xlsx_error_cells(archive.read(part))
                if cells:
                    found[tab] = cells
    except (*_DAMAGED_ZIP, ElementTree.ParseError):  # damaged beyond what was read: no error cells to show
        return found
    return found


_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s+ref=[\"']\$?[A-Z]{1,3}\$?[0-9]{1,7}(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"
)
_POSITION = re.compile(rb"([A-Z]{0,3})([0-9]{1,7})\"")
_HEAD = 1 << 16


def _xlsx_extents(data: bytes, tabs: Sequence[str]) -> dict[str, tuple[int, Cell]]:
    """How many cells each named tab spans from A1, at most, and its last cell.

    The sheet says it in its `<dimension ref="A1:N320"/>`, at the top of its part (Excel,
    LibreOffice, openpyxl and Google write it; openpyxl's write-only mode does not). A tab that says
    nothing, or claims more than `MAX_CELLS` (its formatting may reach further than its values), is
    measured by the last cell of each of its rows. A package that cannot be read is for calamine
    to refuse.
    """
    found: dict[str, tuple[int, Cell]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _sheet_parts(archive)
            for tab in tabs:
                part = parts.get(tab)
                if part is None:
                    continue
                with archive.open(part) as stream:
                    head = stream.read(_HEAD)
                dimension = _DIMENSION.search(head)
                if dimension is not None:
                    last = (int(dimension[2] or 1) - 1, _column(dimension[1] or b"A"))
                    found[tab] = ((last[0] + 1) * (last[1] + 1), last)
                    if found[tab][0] <= MAX_CELLS and not _reaches_beyond(archive, part, last):
                        continue
                    rows, cols = _furthest(archive.read(part))  # the dimension says less than the cells
                else:
                    xml = archive.read(part)
                    rows, cols = _rows_and_columns(xml)
                    rows, cols = max(rows, 1), max(cols, 1)
                    if _beyond((rows - 1, cols - 1)).search(xml):  # a cell out of order, say
                        rows, cols = _furthest(xml)
                found[tab] = (rows * cols, (rows - 1, cols - 1))
    except (*_DAMAGED_ZIP, ElementTree.ParseError):
        return found
    return found


def _past(bound: str, alphabet: str) -> str:
    """A regular expression for the strings of `alphabet` (in order) that come after `bound` when
    compared as numbers written in it: longer ones, or as long and greater at their first difference."""
    ranges = [f"[{alphabet[0]}-{alphabet[-1]}]{{{len(bound) + 1},}}"]
    for at, char in enumerate(bound):
        if char != alphabet[-1]:
            higher = alphabet[alphabet.index(char) + 1]
            rest = f"[{alphabet[0]}-{alphabet[-1]}]{{{len(bound) - at - 1}}}"
            ranges.append(re.escape(bound[:at]) + f"[{higher}-{alphabet[-1]}]" + rest)
    return "(?:" + "|".join(ranges) + ")"


def _beyond(last: Cell) -> re.Pattern[bytes]:
    """A reference (`r="…"`, in either quotes, spaces around `=` allowed) to a cell or row past
    `last`: more column letters or a greater row."""
    columns = _past(_letters(last[1]), string.ascii_uppercase) + "[0-9]"
    rows = "[A-Z]*" + _past(str(last[0] + 1), string.digits) + "[\"']"
    return re.compile(("\\sr\\s*=\\s*[\"'](?:" + columns + "|" + rows + ")").encode("ascii"))


def _reaches_beyond(archive: zipfile.ZipFile, part: str, last: Cell) -> bool:
    """Whether a cell or row of the sheet lies past `last`, the end its dimension gives.

    Excel, LibreOffice and Google write a true dimension, but a file written otherwise (or made to
    harm) may say `A1:N321` and hold a cell in XFD1048576: calamine, which sizes its grid from the
    cells, would ask for 17 billion at once and abort the whole process. One search of the unzipped
    part, in pieces."""
    pattern = _beyond(last)
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            piece = tail + chunk
            if pattern.search(piece):
                return True
            tail = piece[-64:]
    return False


_ANY_REFERENCE = re.compile(rb"\sr\s*=\s*[\"']([A-Z]*)([0-9]+)[\"']")
"""A cell's or row's reference, in either quotes and with spaces around `=`, as XML allows."""


def _furthest(xml: bytes) -> tuple[int, int]:
    """The last row and the furthest column any reference of a sheet's XML names (slow: for a sheet
    whose dimension is wrong)."""
    huge = 10**12  # a reference of more digits or letters than any sheet has: past every bound
    rows = cols = 0
    for found in _ANY_REFERENCE.finditer(xml):
        letters, digits = found[1], found[2]
        rows = max(rows, int(digits) if len(digits) <= 12 else huge)
        if letters:
            cols = max(cols, _column(letters) + 1 if len(letters) <= 8 else huge)
    return max(rows, 1), max(cols, 1)


def _rows_and_columns(xml: bytes) -> tuple[int, int]:
    """The last row and the furthest column a sheet's XML reaches, from the last `r="…"` of each
    row (the row's own number when it has no cell): Excel keeps cells in order within a row."""
    rows = cols = 0
    start = 0
    while (end := xml.find(b"row>", start)) >= 0:  # </row>, or </x:row> with a prefix
        at = xml.rfind(b' r="', start, end)
        if at >= 0 and (position := _POSITION.match(xml, at + 4)):
            rows = max(rows, int(position[2]))
            if position[1]:
                cols = max(cols, _column(position[1]) + 1)
        start = end + 4
    return rows, max(cols, 1 if rows else 0)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each tab's part in the package (`Dossiers` → `xl/worksheets/sheet1.xml`), from the workbook's
    relationships, as Excel, LibreOffice and openpyxl write them."""
    workbook = "xl/workbook.xml"
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for rel in ElementTree.fromstring(archive.read("_rels/.rels")):
            if rel.get("Type", "").endswith("/officeDocument"):
                workbook = _resolve("", rel.get("Target", ""))
    folder, _, leaf = workbook.rpartition("/")
    rels_name = f"{folder}/_rels/{leaf}.rels" if folder else f"_rels/{leaf}.rels"
    targets = {
        rel.get("Id"): _resolve(folder, rel.get("Target", ""))
        for rel in ElementTree.fromstring(archive.read(rels_name))
    }
    parts = {}
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if element.tag.endswith("}sheet") and element.get("name") is not None:
            target = targets.get(element.get(_REL))
            if target in names:
                parts[element.get("name", "")] = target
    return parts


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    pieces: list[str] = folder.split("/") if folder else []
    for piece in target.split("/"):
        if piece == "..":
            if pieces:
                pieces.pop()
        elif piece not in ("", "."):
            pieces.append(piece)
    return "/".join(pieces)


def _holds(archive: zipfile.ZipFile, part: str, needles: Sequence[bytes]) -> bool:
    """Whether the unzipped part holds one of `needles`, read in pieces: a large sheet is never
    whole in memory."""
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            piece = tail + chunk
            if any(n in piece for n in needles):
                return True
            tail = piece[-overlap:]
    return False


def _xlsx_error_cells(xml: bytes) -> dict[Cell, str]:
    """The cells of a sheet's XML typed as errors (`<c r="B2" t="e"><v>#DIV/0!</v></c>`)."""
    cells: dict[Cell, str] = {}
    for needle in _ERROR_TYPES:
        at = xml.find(needle)
        while at >= 0:
            start, end = xml.rfind(b"<", 0, at), xml.find(b">", at)
            tag = xml[start:end]
            if re.match(rb"<(?:[A-Za-z_][\w.-]*:)?c\s", tag):
                reference = _REFERENCE.search(tag)
                if reference is None:  # allowed, never seen: count the rows and cells instead
                    return _counted_error_cells(xml)
                value = _VALUE.match(xml, end + 1) if not tag.endswith(b"/") else None
                code = unescape(value[1].decode("utf-8", "replace")).strip() if value else ""
                cells[(int(reference[2]) - 1, _column(reference[1]))] = code or "#N/A"
            at = xml.find(needle, at + 1)
    return cells


def _counted_error_cells(xml: bytes) -> dict[Cell, str]:
    """The same, for a sheet whose cells do not all say where they are: a row without `r` follows
    the one before, a cell without `r` the cell before it."""
    cells: dict[Cell, str] = {}
    row = col = -1
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start" and tag == "row":
            number = element.get("r", "")
            row, col = (int(number) - 1 if number.isdigit() else row + 1), -1
        elif event == "end" and tag == "c":
            match = _A1.fullmatch(element.get("r") or "")
            here, col = (int(match[2]) - 1, _column(match[1].encode())) if match else (row, col + 1)
            if element.get("t") == "e":
                text = next((c.text for c in element if c.tag.rpartition("}")[2] == "v"), None)
                cells[(here, col)] = (text or "").strip() or "#N/A"
        elif event == "end" and tag == "row":
            element.clear()
    return cells


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


# -- error cells in an .ods ----------------------------------------------------------------------

_ODS_ERROR = b'calcext:value-type="error"'
_MANIFEST = "META-INF/manifest.xml"
_ODS_CELL = re.compile(rb"<table:table-cell\b")
_ODS_STRING_VALUE = re.compile(rb'\s(?:office:string-value|office:value-type)="[^"]*"')
_ODS_TEXT = re.compile(rb"<text:p\b[^>]*>(.*?)</text:p>", re.DOTALL)
_TAGS = re.compile(rb"<[^>]*>")


def _ods_marked(data: bytes) -> bytes:
    """The .ods, with each error cell holding its text behind `_ODS_MARK`, so that calamine gives it.

    LibreOffice writes an error cell as an empty text with the error shown in its paragraph
    (`office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>`), and calamine
    reads the empty text. Counting rows and repeated cells to find where the error is would mean
    parsing the whole sheet again; giving calamine a marked text puts it in the right cell, repeats
    and all. A workbook without errors (the usual case) is left as it is, after one search.

    The same search finds where the last tab begins and where the last one ends: calamine reads a
    tab until the next end tag of a tab, and on a content cut short after a row (its XML sound up to
    there) it would wait for one forever.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            manifest = _MANIFEST in names and archive.getinfo(_MANIFEST).file_size < 1 << 20
            if manifest and b"encryption-data" in archive.read(_MANIFEST):  # saved with a password
                raise DamagedWorkbook(french.SOURCE_INVALID.format(reason=french.SOURCE_ENCRYPTED))
            if "content.xml" not in names:
                return data  # calamine says what is missing
            error, begins, begins_bare, ends = _last(archive, "content.xml", (_ODS_ERROR, *_ODS_TABLE_TAGS))
            begun = max(begins, begins_bare)
            if begun > ends and not _empty_tag(archive.read("content.xml"), begun):
                raise _Broken(french.SOURCE_PROBLEMS["xml"])
            if error < 0:
                return data
            marked = _mark_ods_errors(archive.read("content.xml"))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as copy:
                for info in archive.infolist():
                    copy.writestr(
                        info.filename, marked if info.filename == "content.xml" else archive.read(info)
                    )
            return out.getvalue()
    except _DAMAGED_ZIP as exc:
        raise _Broken(french.SOURCE_PROBLEMS["zip"]) from exc


_ODS_TABLE_TAGS = (b"<table:table ", b"<table:table>", b"</table:table>")


def _last(archive: zipfile.ZipFile, part: str, needles: Sequence[bytes]) -> list[int]:
    """Where each of `needles` last occurs in the unzipped part (-1: nowhere), read in pieces."""
    found = [-1] * len(needles)
    overlap = max(len(n) for n in needles) - 1
    tail, offset = b"", 0  # offset: where `tail` begins in the part
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            piece = tail + chunk
            for index, needle in enumerate(needles):
                at = piece.rfind(needle)
                if at >= 0:
                    found[index] = offset + at
            offset += len(piece) - min(overlap, len(piece))
            tail = piece[-overlap:] if overlap else b""
    return found


def _empty_tag(content: bytes, at: int) -> bool:
    """Whether the tag at `at` is written empty (`<table:table …/>`): it ends where it begins."""
    end = content.find(b">", at)
    return end > 0 and content[end - 1 : end] == b"/"


def _mark_ods_errors(content: bytes) -> bytes:
    pieces, done = [], 0
    at = content.find(_ODS_ERROR)
    while at >= 0:
        start, end = content.rfind(b"<", 0, at), content.find(b">", at)
        if start >= done and end > 0 and _ODS_CELL.match(content, start):
            tag = content[start:end]
            closed = tag.endswith(b"/")
            text = b""
            if not closed:
                stop = content.find(b"</table:table-cell>", end)
                body = content[end + 1 : stop if stop >= 0 else end + 1]
                text = b" ".join(_TAGS.sub(b"", p) for p in _ODS_TEXT.findall(body)).strip()
            code = unescape(text.decode("utf-8", "replace")) or "#N/A"
            value = (_ODS_MARK + code).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            tag = _ODS_STRING_VALUE.sub(b"", tag.rstrip(b"/"))
            tag += b' office:value-type="string" office:string-value="' + value.encode("utf-8") + b'"'
            pieces += [content[done:start], tag, b"/" if closed else b""]
            done = end
        at = content.find(_ODS_ERROR, at + 1)
    pieces.append(content[done:])
    return b"".join(pieces)


# -- an .xls: its compound file, its records --------------------------------------------------------

_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!"}
_XLS_ERRORS |= {0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
_FORMULA, _BOOLERR, _MULRK, _MULBLANK = 0x0006, 0x0205, 0x00BD, 0x00BE
_CELLS = frozenset({_FORMULA, _BOOLERR, 0x0201, 0x0203, 0x0204, 0x027E, 0x00FD, 0x00D6, _MULRK, _MULBLANK})
"""Records that begin with a cell's row and column (FORMULA, BOOLERR, BLANK, NUMBER, LABEL, RK,
LABELSST, RSTRING, MULRK, MULBLANK)."""
_XLS_ROWS, _XLS_COLUMNS = 65536, 256


class _Records(NamedTuple):
    """An .xls as calamine is given it, and the error cells of each of its tabs, in the workbook's order."""

    data: bytes
    """A compound file holding only the Workbook stream, written by lotsync (see `_compound_file`)."""
    sheets: list[tuple[str, dict[Cell, str]]]


def _xls_records(data: bytes) -> _Records:
    """The .xls made safe for calamine, once its records are known sound; refused as protected by a
    password (FILEPASS), as not a workbook, or as broken.

    calamine trusts the file: a compound file whose sectors loop makes it read forever, a
    DIMENSIONS record claiming four billion rows makes it ask for that much memory and abort the
    process, a record cut short makes it panic. So lotsync reads the stream itself, within bounds,
    walks every record once (finding the error cells on the way), brings DIMENSIONS back within
    Excel's 65,536 rows and 256 columns, and gives calamine a compound file of its own making.
    """
    try:
        stream = bytearray(_workbook_stream(data))
        sheets, encrypted = _xls_sheets(stream)
        if encrypted:
            raise DamagedWorkbook(french.SOURCE_INVALID.format(reason=french.SOURCE_ENCRYPTED))
        found = [(name, _walk_sheet(stream, offset)) for name, offset in sheets]
    except (struct.error, IndexError, ValueError, OverflowError) as exc:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE) from exc
    return _Records(_compound_file(bytes(stream)), found)


def _xls_errors(records: _Records, names: Sequence[str], tabs: Sequence[str]) -> dict[str, dict[Cell, str]]:
    """The error cells of the named tabs, by tab. Tabs are matched to calamine's by their place in
    the workbook (by name when the counts differ: calamine may leave some kinds of sheet out)."""
    in_order = len(records.sheets) == len(names)
    found: dict[str, dict[Cell, str]] = {}
    for index, (name, cells) in enumerate(records.sheets):
        tab = names[index] if in_order else name
        if cells and tab in tabs:
            found[tab] = cells
    return found


def _records(stream: bytes | bytearray, offset: int) -> Any:
    """(type, body offset, body length) of each record from `offset`; a record cut short is a broken file."""
    end = len(stream)
    while offset + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, offset)
        if offset + 4 + length > end:
            raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
        yield kind, offset + 4, length
        offset += 4 + length


def _xls_sheets(stream: bytes | bytearray) -> tuple[list[tuple[str, int]], bool]:
    """Each tab's name and where its records begin, and whether the workbook is password-protected."""
    records = _records(stream, 0)
    first = next(records, None)
    if first is None or first[0] != _BOF or first[2] < 4:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    biff8 = struct.unpack_from("<H", stream, first[1])[0] == 0x0600
    sheets: list[tuple[str, int]] = []
    for kind, at, length in records:
        if kind == _EOF:
            break
        if kind == _FILEPASS:
            return sheets, True
        if kind == _BOUNDSHEET and length >= 8:
            (position,) = struct.unpack_from("<I", stream, at)
            sheets.append((_sheet_name(bytes(stream[at + 6 : at + length]), biff8), position))
    else:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)  # the workbook's records never end
    for _, position in sheets:
        if position + 8 > len(stream) or struct.unpack_from("<HH", stream, position)[0] != _BOF:
            raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    return sheets, False


def _sheet_name(body: bytes, biff8: bool) -> str:
    count = body[0] if body else 0
    if not biff8:
        return body[1 : 1 + count].decode("cp1252", "replace")
    wide = len(body) > 1 and body[1] & 1
    raw = body[2 : 2 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")


def _walk_sheet(stream: bytearray, offset: int) -> dict[Cell, str]:
    """Walk a tab's records: its error cells; a cell beyond column IV is a broken file; DIMENSIONS
    is brought within the sheet's bounds in `stream` (calamine reserves memory from it).

    One loop over every record, kept plain: a 65,536-row .xls holds a million of them."""
    cells: dict[Cell, str] = {}
    depth, end, unpack, kinds, multiple = 0, len(stream), struct.unpack_from, _CELLS, (_MULRK, _MULBLANK)
    while offset + 4 <= end:
        kind, length = unpack("<HH", stream, offset)
        at, offset = offset + 4, offset + 4 + length
        if offset > end:
            raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
        if kind in kinds:
            if length < 4:
                continue
            if stream[at + 3] or (kind in multiple and stream[at + length - 1]):  # a column past 255
                raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
            if depth != 1 or (kind != _FORMULA and kind != _BOOLERR):
                continue
            if (
                kind == _FORMULA
                and length >= 14
                and stream[at + 6] == 2
                and stream[at + 12 : at + 14] == b"\xff\xff"
            ):
                cells[unpack("<HH", stream, at)] = _XLS_ERRORS.get(stream[at + 8], "#N/A")
            elif kind == _BOOLERR and length >= 8 and stream[at + 7] == 1:
                cells[unpack("<HH", stream, at)] = _XLS_ERRORS.get(stream[at + 6], "#N/A")
        elif kind == _BOF:
            depth += 1  # a chart inside the tab has its own BOF … EOF
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                return cells
        elif kind == _DIMENSIONS and length in (10, 14):
            _bound_dimensions(stream, at, length)
    raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)  # a tab whose records never end


def _bound_dimensions(stream: bytearray, at: int, length: int) -> None:
    """DIMENSIONS (first row, last row + 1, first column, last column + 1) within 65,536 × 256."""
    rows = "<II" if length == 14 else "<HH"
    first_row, end_row = struct.unpack_from(rows, stream, at)
    first_col, end_col = struct.unpack_from("<HH", stream, at + struct.calcsize(rows))
    end_row, end_col = min(end_row, _XLS_ROWS), min(end_col, _XLS_COLUMNS)
    struct.pack_into(rows, stream, at, min(first_row, end_row), end_row)
    struct.pack_into("<HH", stream, at + struct.calcsize(rows), min(first_col, end_col), end_col)


def _compound_file(stream: bytes) -> bytes:
    """A compound file (version 4, 4,096-byte sectors) whose only stream is `stream`, as `Workbook`.

    Sectors: the allocation table first, then the directory, then the stream (padded to a whole
    number of sectors and to 4,096 bytes at least, so that it never lives in the mini stream).
    """
    size = 4096
    body = stream + bytes(-len(stream) % size or (size if not stream else 0))
    count = len(body) // size
    fat_sectors = 1
    while fat_sectors * (size // 4) < fat_sectors + 1 + count:
        fat_sectors += 1
    if fat_sectors > 109:  # past what the header lists (over 400 MB): never, files stop at 200 MB
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    directory, first = fat_sectors, fat_sectors + 1
    fat = [0xFFFFFFFD] * fat_sectors + [_END_OF_CHAIN]
    fat += [first + i + 1 for i in range(count - 1)] + [_END_OF_CHAIN]
    fat += [_FREE] * (fat_sectors * (size // 4) - len(fat))

    def entry(name: str, kind: int, start: int, length: int, child: int = _FREE) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _FREE, _FREE, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )

    entries = entry("Root Entry", 5, directory, 0, child=1) + entry(
        "Workbook", 2, first, max(len(stream), size)
    )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 12, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 1, fat_sectors, directory, 0, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
        + struct.pack("<109I", *range(fat_sectors), *[_FREE] * (109 - fat_sectors))
    )
    return b"".join(
        [header.ljust(size, b"\0"), struct.pack(f"<{len(fat)}I", *fat), entries.ljust(size, b"\0"), body]
    )


_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


def _workbook_stream(data: bytes) -> bytes:
    """The `Workbook` stream (`Book` in Excel 5) of a compound file: what an .xls keeps its records in.

    A reading of the compound file format (MS-CFB) just deep enough for that: the header, the
    sector allocation table, the directory, the mini stream. Every chain is bounded, so that a
    damaged file whose sectors loop ends with a French reason, never a hang.
    """
    if len(data) < 512:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    size, count = 1 << shift, (len(data) - 512) // (1 << shift) + 1
    fat_sectors, first_directory = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini_fat, _, first_difat, difat_count = struct.unpack_from("<IIIII", data, 0x38)

    def sector(number: int) -> bytes:
        if number >= count:
            raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
        return data[(number + 1) * size : (number + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    following, seen = first_difat, 0
    while following not in (_FREE, _END_OF_CHAIN) and seen <= min(difat_count, count):
        links = struct.unpack(f"<{size // 4}I", sector(following).ljust(size, b"\xff"))
        difat += links[:-1]
        following, seen = links[-1], seen + 1
    fat: list[int] = []
    for number in difat[: min(fat_sectors, count)]:
        if number not in (_FREE, _END_OF_CHAIN):
            fat += struct.unpack(f"<{size // 4}I", sector(number).ljust(size, b"\xff"))

    def chain(first: int, table: Sequence[int]) -> list[int]:
        numbers: list[int] = []
        while first not in (_FREE, _END_OF_CHAIN):
            if first >= len(table) or len(numbers) > len(table):
                raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
            numbers.append(first)
            first = table[first]
        return numbers

    directory = b"".join(sector(n) for n in chain(first_directory, fat))
    entries = []
    for at in range(0, len(directory) - 127, 128):
        length, kind = struct.unpack_from("<HB", directory, at + 64)
        name = directory[at : at + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<IQ", directory, at + 116)
        entries.append((name, kind, start, stream_size & 0xFFFFFFFF if shift == 9 else stream_size))
    if not entries:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    wanted = next((e for e in entries if e[1] == 2 and e[0].casefold() in ("workbook", "book")), None)
    if wanted is None:
        raise DamagedWorkbook(french.SOURCE_INVALID.format(reason=french.SOURCE_OLE_NOT_WORKBOOK))
    _, _, start, stream_size = wanted
    if stream_size >= cutoff:
        body = b"".join(sector(n) for n in chain(start, fat))
    else:  # a small stream lives in the mini stream, in 64-byte sectors
        root = entries[0]
        mini_stream = b"".join(sector(n) for n in chain(root[2], fat))
        mini_fat_bytes = b"".join(sector(n) for n in chain(first_mini_fat, fat))
        mini_fat = struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes)
        body = b"".join(mini_stream[n * 64 : (n + 1) * 64] for n in chain(start, mini_fat))
    if len(body) < stream_size:
        raise _Broken(french.SOURCE_PROBLEM_STRUCTURE)
    return body[:stream_size]
