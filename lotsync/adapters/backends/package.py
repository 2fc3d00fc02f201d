"""The shared workbook written as the package it is: a write costs what it changes.

An .xlsx is an OPC package: a zip of XML parts (one per sheet, the shared strings, the styles, the
workbook's list of tabs…) tied together by relationships and a list of content types. openpyxl
loads every part into objects and writes every one of them back, so that adding one Journal line
to a workbook whose people's tabs hold 30,000 rows re-serialises those 30,000 rows. Here a write
builds the new package from the old one, part by part:

- the sheet part of every tab lotsync rewrites is generated here, typed as the openpyxl writer
  types it (numbers; dates and times as serial numbers with a date format; text always as an inline
  string, `t="inlineStr"`, never a formula and never an entry of the shared strings; bold headers;
  the euro, percent and date formats of `xlsx.py`);
- a tab whose figures are kept (`OutputTab.keep`) has only its first cell replaced, and the Journal
  its first cell and one row added at the end: the rest of their part stays byte for byte;
- a shared part changes only when it must: `xl/workbook.xml`, `xl/_rels/workbook.xml.rels` and
  `[Content_Types].xml` when a tab is added; `docProps/custom.xml` when the fingerprints change
  (with `_rels/.rels` and `[Content_Types].xml` when it does not exist yet); `xl/styles.xml` when
  lotsync's cell styles are not in it yet — added at the end of its lists, so that the style numbers
  people's cells point to keep their meaning. `xl/sharedStrings.xml` is never touched;
- every other zip entry is copied raw: its compressed bytes, CRC and compression method as they
  were. People's sheets are not even decompressed.

So a sync that only adds its Journal line rewrites the Journal's sheet part (and
`docProps/custom.xml` when the fingerprints differ), nothing else: on a shared workbook whose
people's tab holds 30,000 rows, the write went from 4.6 s (openpyxl) to 6 ms; rewriting a
100,000-row Rapprochement from 21 s to 1.6 s. The Journal's end is found from the end of its part
(`_quick_tail`), so that a Journal of ten years' syncs costs little more than a new one.

The fingerprints (`docProps/custom.xml`, written last) also keep, for each of lotsync's tabs but the
Journal, the SHA-256 of its sheet part as stored and its first cell (`stored`). A later read whose
part has those very bytes knows the tab is what lotsync wrote, with no hand edit possible, and does
not read it (`xlsx.stored_tabs`); a person's save in Excel or LibreOffice rewrites every part, and
the tabs are then read and compared cell by cell. At 100,000 rows this spares the second sync
reading back, fingerprinting and comparing 23,000 rows of lotsync's own (about 1 s).

What this writer does not know how to edit safely raises `Unsupported`, always before the first
byte is written, and the backend then writes the openpyxl way (the whole workbook, as before):

- an archive that is encrypted, ZIP64, has two entries with one name, or entries that do not lie
  where its directory says;
- a package that is not a plain .xlsx: a macro-enabled workbook (`.xlsm`), a template, strict OOXML
  (another namespace), dates counted from 1904;
- a lotsync tab to rewrite whole whose part has relationships of its own (comments, drawings,
  tables, links: they would point at cells that are gone) or formulas in the calculation chain;
- a kept tab or a Journal whose first cell cannot be found, or a Journal with rows after its last
  line;
- a shared part that does not parse, or that is not where its relationship says; styles without
  Excel's default font, fills, border and cell format; two tabs sharing one sheet part.

`docProps/app.xml` (the list of tab names shown in the file's properties) is left as it is when a tab
is added: Excel and LibreOffice rebuild it on save and read nothing from it.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import math
import os
import posixpath
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote
from xml.etree import ElementTree
from xml.parsers import expat

from lotsync.adapters.backends.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FINGERPRINT_PROPERTY,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    QUANTITY_FORMAT,
)
from lotsync.core import french as core_french
from lotsync.core.errors import LotsyncError
from lotsync.tabs import french as tabs_french
from lotsync.tabs.owned import WritePlan, is_marked
from lotsync.tabs.results import JournalLine, OutputTab, Percent, Quantity, journal_tab


class Unsupported(LotsyncError):
    """Something this writer does not edit; the caller writes the whole workbook with openpyxl.

    The message says what, in English, for whoever debugs it: people never see it.
    """


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

_OFFICE_DOCUMENT = _REL + "/officeDocument"
_WORKSHEET = _REL + "/worksheet"
_STYLES = _REL + "/styles"
_CALC_CHAIN = _REL + "/calcChain"
_CUSTOM_PROPERTIES = _REL + "/custom-properties"

_WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
"""The content type of a plain .xlsx's workbook part; .xlsm, templates and the rest have others."""
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_PART = "docProps/custom.xml"
"""Where `xlsx.package_notes` reads the fingerprints back."""
_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_COMPRESS_LEVEL = 3
"""Below zlib's default 6 (openpyxl's): on a 100,000-row tab (111 MB of XML) 6 takes 0.78 s for
9.7 MB, 3 takes 0.31 s for 10.6 MB, 1 takes 0.22 s for 12.4 MB."""


# -- lotsync's cell styles, as the openpyxl writer of xlsx.py stores them ---------------------------

_FONTS = {
    "marker": '<{p}font><{p}i val="1"/><{p}color rgb="00808080"/></{p}font>',
    "title": '<{p}font><{p}b val="1"/><{p}color rgb="001F4E79"/><{p}sz val="12"/></{p}font>',
    "header": '<{p}font><{p}b val="1"/><{p}color rgb="00FFFFFF"/></{p}font>',
    "total": '<{p}font><{p}b val="1"/></{p}font>',
}
"""The fonts of `xlsx._styles`, written as openpyxl writes them (so that both writers look alike)."""
_FILLS = {
    "header": (
        '<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="001F4E79"/></{p}patternFill></{p}fill>'
    ),
}
_NUMBER_FORMATS = {
    "money": MONEY_FORMAT,
    "percent": PERCENT_FORMAT,
    "quantity": QUANTITY_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
}
_BUILT_IN_FORMATS = {"0.00": 2}
"""Formats Excel numbers itself (below 164): used by number, as openpyxl does, unless redefined."""
_DATA_KINDS = ("quoted", "money", "percent", "quantity", "date", "datetime")
"""The styled kinds of cell a data row may hold (plain text and plain numbers need no style)."""

_QUOTED = ("=", "+", "-", "@")
_ALL_KINDS = ("text", "quoted", "money", "percent", "quantity", "date", "datetime", "number", "bool")
_KINDS: dict[type, str] = {
    str: "text",
    Decimal: "money",
    Percent: "percent",
    Quantity: "quantity",
    date: "date",
    datetime: "datetime",
    int: "number",
    float: "number",
    bool: "bool",
}


def _kind(value: Any) -> str:
    """What a typed cell is, which decides its number format: `OutputTab`'s conventions."""
    kind = _KINDS.get(type(value))
    if kind is None:  # a subclass (an enum's value, say): the closest of the types above
        for cls in (bool, str, Percent, Quantity, Decimal, datetime, date, int, float):
            if isinstance(value, cls):
                kind = _KINDS[cls]
                break
        else:
            raise TypeError(f"cannot write a {type(value).__name__} in a cell")
    if kind == "text" and value[:1] in _QUOTED:
        return "quoted"  # text that looks like a formula: quotePrefix, as `xlsx._set` does
    return kind


_EPOCH = date(1899, 12, 30)


def _serial(value: date) -> float | int:
    """Excel's serial number of a date or date-time, computed as openpyxl's `to_excel` does."""
    day = value.date() if isinstance(value, datetime) else value
    days = day.toordinal() - _EPOCH.toordinal()
    if 0 < days <= 60:  # Excel's 29 February 1900, which never was
        days -= 1
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
        return days + seconds / 86400
    return days


def _number(kind: str, value: Any) -> str | None:
    """A number's text in `<v>`: `%.16g`, openpyxl's; None for what is not a number (NaN)."""
    if kind == "date":
        return str(_serial(value))
    if kind == "datetime":
        return format(_serial(value), ".16g")
    if kind == "bool":
        return "1" if value else "0"
    if type(value) is float and not math.isfinite(value):
        return None
    return format(float(value), ".16g")  # what openpyxl's "%.16g" % value gives, Decimal or int


_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", "_": "_x005F_"}


def _escape_replacement(match: re.Match[str]) -> str:
    char = match.group()
    return _TEXT_ESCAPES.get(char) or f"_x{ord(char):04X}_"


def _escape_text(text: str) -> str:
    """Text as cell content: XML's escapes, and OOXML's `_xHHHH_` for what XML cannot hold (control
    characters); a typed `_x0041_` is escaped too, or Excel would show `A`."""
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return _TEXT_SPECIAL.sub(_escape_replacement, text)


def _attribute(text: str) -> str:
    """Text as an XML attribute value (a tab's name, a property's)."""
    text = _escape_text(text)
    return text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _letters(index: int) -> str:
    """Column letters of a 1-based column number: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Cells:
    """Rows of typed values as sheet XML, each cell styled by its row's style and its kind.

    The per-cell work is kept small (a 100,000-row Rapprochement is 2.4 million cells): style
    attributes computed once per (row style, kind), column letters once per column, and the XML of
    a repeated text (an office's name, a status) once.
    """

    def __init__(self, ids: Mapping[tuple[str, str], int], prefix: str = ""):
        self.prefix = prefix
        self.styled: dict[str, dict[str, str]] = {}
        for (style, kind), number in ids.items():
            self.styled.setdefault(style, dict.fromkeys(_ALL_KINDS, ""))[kind] = (
                f' s="{number}"' if number else ""
            )
        self.plain = dict.fromkeys(_ALL_KINDS, "")
        self.columns: list[str] = [""]
        self.texts: dict[str, str] = {}

    def _refs(self, width: int) -> list[str]:
        while len(self.columns) <= width:
            self.columns.append(_letters(len(self.columns)))
        return self.columns

    def _inline(self, text: str) -> str:
        """What follows a text cell's reference and style: the same for every cell of that text."""
        found = self.texts.get(text)
        if found is None:
            p = self.prefix
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            found = f' t="inlineStr"><{p}is><{p}t{space}>{_escape_text(text)}</{p}t></{p}is></{p}c>'
            if len(self.texts) < 200_000:
                self.texts[text] = found
        return found

    def row(self, number: int, style: str, cells: Sequence[Any]) -> str:
        """The `<row>` of row `number` (1-based), or nothing when it holds no cell."""
        p, n = self.prefix, str(number)
        styled = self.styled.get(style, self.plain)
        columns = self._refs(len(cells))
        texts = self.texts
        out: list[str] = []
        append = out.append
        for index, value in enumerate(cells, start=1):
            if value is None:
                continue
            cls = type(value)
            if cls is str:
                if not value:  # "": no content, kept only when its row's style shows (a header's fill)
                    if styled["text"]:
                        append(f'<{p}c r="{columns[index]}{n}"{styled["text"]}/>')
                    continue
                kind = "quoted" if value[0] in _QUOTED else "text"
                append(
                    f'<{p}c r="{columns[index]}{n}"{styled[kind]}{texts.get(value) or self._inline(value)}'
                )
                continue
            if cls is Decimal:
                text, kind = f"{float(value):.16g}", "money"
            elif cls is int:
                text, kind = f"{value:.16g}", "number"
            elif cls is date:
                text, kind = str(_serial(value)), "date"
            else:
                kind = _kind(value)
                if kind in ("text", "quoted"):
                    append(f'<{p}c r="{columns[index]}{n}"{styled[kind]}{self._inline(str(value))}')
                    continue
                found = _number(kind, value)
                if found is None:
                    continue
                text = found
                if kind == "bool":
                    append(f'<{p}c r="{columns[index]}{n}"{styled[kind]} t="b"><{p}v>{text}</{p}v></{p}c>')
                    continue
            append(f'<{p}c r="{columns[index]}{n}"{styled[kind]}><{p}v>{text}</{p}v></{p}c>')
        if not out:
            return ""
        return f'<{p}row r="{n}">{"".join(out)}</{p}row>'


def _combos(rows: Iterable[tuple[str, Sequence[Any]]]) -> set[tuple[str, str]]:
    """The (row style, kind) pairs that rows need a style for. Data rows, the many, are not read:
    they get the styles of every kind a data row may hold."""
    found = {("data", kind) for kind in _DATA_KINDS}
    for style, cells in rows:
        if style == "data":
            continue
        for value in cells:
            if value is not None:
                found.add((style, _kind(value)))
    return found


def _sheet(tab: OutputTab, marker: str, cells: _Cells, selected: bool) -> Iterator[bytes]:
    """A lotsync tab's whole sheet part, as `xlsx._write_tab` lays it out: the marker line, the
    rows from row 2, the column widths, the header frozen."""
    rows = tab.rows
    width = max([1, *(len(row.cells) for row in rows)])
    last = 1 + len(rows)
    span = "A1" if width == 1 and last == 1 else f"A1:{_letters(width)}{last}"
    frozen = bool(rows) and rows[0].style == "header"
    view = ' tabSelected="1"' if selected else ""
    if frozen:
        panes = (
            '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        )
    else:
        panes = '<selection activeCell="A1" sqref="A1"/>'
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{size}" customWidth="1"/>'
        for number, size in enumerate(tab.widths, start=1)
    )
    head = [
        _DECLARATION,
        f'<worksheet xmlns="{_MAIN}"><dimension ref="{span}"/>',
        f'<sheetViews><sheetView workbookViewId="0"{view}>{panes}</sheetView></sheetViews>',
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>',
        f"<cols>{columns}</cols>" if columns else "",
        "<sheetData>",
        cells.row(1, "marker", (marker,)),
    ]
    yield "".join(head).encode("utf-8")
    batch: list[str] = []
    for number, row in enumerate(rows, start=2):
        batch.append(cells.row(number, row.style, row.cells))
        if len(batch) == 1000:
            yield "".join(batch).encode("utf-8")
            batch = []
    batch.append(
        '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )
    yield "".join(batch).encode("utf-8")


# -- finding things in an XML part, by byte offset ------------------------------------------------
#
# Parts are edited by splicing bytes at offsets that expat reports, never by parsing and
# re-serialising: what is not edited stays exactly as its author wrote it (prefixes, the
# `mc:Ignorable` lists Excel checks, whitespace, attribute order).

_START_TAG = re.compile(rb"""<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")


class _Element(NamedTuple):
    name: str
    """`{namespace}local`, as ElementTree names it."""
    attrs: dict[str, str]
    qname: str
    """The name as written in the part (`x:sheet`): new siblings or children use its prefix."""
    depth: int
    start: int
    open_end: int
    """Just after the start tag."""
    close: int
    """Where the end tag begins; `open_end` for an empty element (`<a/>`)."""
    end: int

    @property
    def prefix(self) -> str:
        return self.qname.rpartition(":")[0] + ":" if ":" in self.qname else ""


def _clark(name: str) -> str:
    return "{" + name if "}" in name else name


def _parse_error(error: BaseException) -> Unsupported:
    return Unsupported(f"an XML part does not parse ({type(error).__name__})")


def _scan(data: bytes, depth: int) -> tuple[list[_Element], dict[str, str]]:
    """The elements of an XML part down to `depth` (the root is 0), in document order, and the
    namespaces its root declares (prefix → URI, '' for the default one)."""
    parser = expat.ParserCreate(namespace_separator="}")
    found: list[_Element] = []
    stack: list[list[Any] | None] = []
    declared: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) > depth:
            stack.append(None)
            return
        at = parser.CurrentByteIndex
        tag = _START_TAG.match(data, at)
        if tag is None:
            raise Unsupported("a start tag was not where expat said")
        stack.append([name, attrs, tag[1].decode("utf-8"), len(stack), at, tag.end(), tag[2] == b"/"])

    def end(name: str) -> None:
        entry = stack.pop()
        if entry is None:
            return
        name, attrs, qname, level, at, open_end, empty = entry
        if empty:
            close = stop = open_end
        else:
            close = parser.CurrentByteIndex
            stop = data.index(b">", close) + 1
        found.append(
            _Element(
                _clark(name),
                {_clark(k): v for k, v in attrs.items()},
                qname,
                level,
                at,
                open_end,
                close,
                stop,
            )
        )

    def declare(prefix: str | None, uri: str) -> None:
        if not stack:
            declared[prefix or ""] = uri

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartNamespaceDeclHandler = declare
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError, UnicodeError) as exc:
        raise _parse_error(exc) from exc
    found.sort(key=lambda element: element.start)
    return found, declared


def _tree(data: bytes, root: str) -> ElementTree.Element:
    """A small shared part, parsed to be read (never written back); its root must be `root`."""
    try:
        tree = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, UnicodeError) as exc:
        raise _parse_error(exc) from exc
    if tree.tag != root:
        raise Unsupported(f"the part's root is {tree.tag}, not {root}")
    return tree


def _splice(data: bytes, edits: Iterable[tuple[int, int, bytes]]) -> bytes:
    """`data` with each span (start, end) replaced; spans never overlap."""
    out, at = [], 0
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < at:
            raise Unsupported("two edits of one part overlap")
        out += [data[at:start], text]
        at = end
    out.append(data[at:])
    return b"".join(out)


_COUNT = re.compile(rb"""(\scount\s*=\s*)(["'])[0-9]*\2""")


def _with_children(
    data: bytes, element: _Element, children: str, count: int | None = None
) -> tuple[int, int, bytes]:
    """The edit that adds `children` at the end of `element` (and sets its `count`, if it has one)."""
    tag = data[element.start : element.open_end]
    if count is not None:
        tag = _COUNT.sub(lambda m: m[1] + b'"' + str(count).encode() + b'"', tag, count=1)
    if element.open_end == element.close:  # <a/>: becomes <a>children</a>
        opened = re.sub(rb"\s*/>$", b">", tag)
        text = opened + children.encode("utf-8") + f"</{element.qname}>".encode()
        return element.start, element.end, text
    return (
        element.start,
        element.close,
        tag + data[element.open_end : element.close] + children.encode("utf-8"),
    )


def _prefix_for(declared: Mapping[str, str], uri: str, default: str) -> tuple[str, str]:
    """The prefix the root binds to `uri`, or `default` with the declaration to add where it is used."""
    for prefix, bound in declared.items():
        if bound == uri and prefix:
            return prefix, ""
    return default, f' xmlns:{default}="{uri}"'


# -- the sheet part of a tab that keeps its rows ------------------------------------------------------


class _Stop(Exception):
    """Ends a scan that found what it looked for."""


class _SheetLayout(NamedTuple):
    first: tuple[int, int, str, str]
    """A1's cell: its span, its `s` attribute as written (or ''), the prefix its part uses."""
    rows_close: int
    """Where `</sheetData>` begins (-1 when the scan stopped at A1)."""
    rows_empty: _Element | None
    """`<sheetData/>`, when the sheet has no row at all."""
    last_row: int
    """The last row that holds a cell."""
    last_element: int
    """The last row element, with cells or not."""
    dimension: _Element | None
    root_tag: tuple[int, int, str]
    """The root's start tag (span, name as written): the namespaces in scope for a part of it."""
    data_tag: tuple[int, int, str] | None
    """`<sheetData>`'s start tag, likewise."""


_W_ROOT, _W_DATA, _W_ROW, _W_C, _W_DIM = (
    f"{_MAIN}}}{n}" for n in ("worksheet", "sheetData", "row", "c", "dimension")
)


def _column(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _sheet_layout(data: bytes, *, whole: bool) -> _SheetLayout:
    """Where A1's cell is in a sheet part, and (when `whole`) where its rows end. A scan that needs
    only A1 stops there: the first row comes first, however long the tab."""
    parser = expat.ParserCreate(namespace_separator="}")
    state: dict[str, Any] = {"row": 0, "col": 0, "has": False, "last": 0, "element": 0, "first": None}
    state["root"] = None
    found: dict[str, Any] = {"close": -1, "empty": None, "dimension": None, "data": None}
    recording: list[Any] = []

    def span(at: int) -> tuple[int, bool, str]:
        tag = _START_TAG.match(data, at)
        if tag is None:
            raise Unsupported("a start tag was not where expat said")
        return tag.end(), tag[2] == b"/", tag[1].decode("utf-8")

    def start(name: str, attrs: dict[str, str]) -> None:
        if state["root"] is None:
            if name != _W_ROOT:
                raise Unsupported(f"the sheet's root is {name}")
            at = parser.CurrentByteIndex
            open_end, _, qname = span(at)
            state["root"] = (at, open_end, qname)
        if name == _W_C:
            state["has"] = True
            if state["row"] != 1 or state["first"] is not None:
                return
            reference = attrs.get("r")
            state["col"] = _column(reference) if reference else state["col"] + 1
            if state["col"] == 1:
                at = parser.CurrentByteIndex
                open_end, empty, qname = span(at)
                recording[:] = [at, open_end, empty, attrs.get("s"), qname]
        elif name == _W_ROW:
            reference = attrs.get("r")
            try:
                state["row"] = int(reference) if reference else state["row"] + 1
            except ValueError as exc:
                raise Unsupported("a row number is not a number") from exc
            state["col"], state["has"] = 0, False
            state["element"] = max(state["element"], state["row"])
        elif name == _W_DIM:
            at = parser.CurrentByteIndex
            open_end, empty, qname = span(at)
            if empty:
                found["dimension"] = _Element(name, attrs, qname, 1, at, open_end, open_end, open_end)
        elif name == _W_DATA:
            at = parser.CurrentByteIndex
            open_end, empty, qname = span(at)
            found["data"] = (at, open_end, qname)
            if empty:
                found["empty"] = _Element(name, attrs, qname, 1, at, open_end, open_end, open_end)

    def end(name: str) -> None:
        if name == _W_C and recording:
            at, open_end, empty, style, qname = recording
            stop = open_end if empty else data.index(b">", parser.CurrentByteIndex) + 1
            prefix = qname.rpartition(":")[0] + ":" if ":" in qname else ""
            state["first"] = (at, stop, f' s="{style}"' if style else "", prefix)
            recording.clear()
            if not whole:
                raise _Stop
        elif name == _W_ROW:
            if state["has"]:
                state["last"] = max(state["last"], state["row"])
        elif name == _W_DATA and found["empty"] is None:
            found["close"] = parser.CurrentByteIndex

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        if whole:
            parser.Parse(data, True)
        else:
            for at in range(0, len(data), 65536):
                parser.Parse(data[at : at + 65536], at + 65536 >= len(data))
    except _Stop:
        pass
    except (expat.ExpatError, ValueError, UnicodeError) as exc:
        raise _parse_error(exc) from exc
    if state["first"] is None:
        raise Unsupported("the tab's first cell (A1) was not found")
    if whole and found["close"] < 0 and found["empty"] is None:
        raise Unsupported("the sheet has no sheetData")
    return _SheetLayout(
        state["first"],
        found["close"],
        found["empty"],
        state["last"],
        state["element"],
        found["dimension"],
        state["root"],
        found["data"],
    )


_SPACE_OR_END = (b" ", b"\t", b"\n", b"\r", b">", b"/")


def _quick_tail(data: bytes, head: _SheetLayout) -> _SheetLayout | None:
    """Where the rows end, found from the end of the part rather than by reading every cell (a
    Journal gains a line per sync, for years): the last `<row` before `</sheetData>`, accepted only
    when that stretch, parsed in the part's namespaces, is one row element holding cells and nothing
    else, and the whole part is well-formed. None when that does not hold: then every cell is read.
    """
    if head.rows_empty is not None or head.data_tag is None:
        return None
    data_start, data_open_end, data_name = head.data_tag
    close = data.rfind(f"</{data_name}>".encode())
    prefix = data_name.rpartition(":")[0] + ":" if ":" in data_name else ""
    tag, at = f"<{prefix}row".encode(), close
    while at > data_open_end:
        at = data.rfind(tag, data_open_end, at)
        if at < 0 or data[at + len(tag) : at + len(tag) + 1] in _SPACE_OR_END:
            break
    if close < 0 or at <= data_open_end:
        return None
    try:
        expat.ParserCreate(namespace_separator="}").Parse(data, True)  # in C: well-formed, whole
    except (expat.ExpatError, ValueError, UnicodeError) as exc:
        raise _parse_error(exc) from exc
    root_start, root_open_end, root_name = head.root_tag
    stretch = (
        data[root_start:root_open_end]
        + data[data_start:data_open_end]
        + data[at:close]
        + f"</{data_name}></{root_name}>".encode()
    )
    parser = expat.ParserCreate(namespace_separator="}")
    children: list[tuple[str, dict[str, str]]] = []
    depth, cells, text = [0], [0], [""]

    def start(name: str, attrs: dict[str, str]) -> None:
        if depth[0] == 2:
            children.append((name, attrs))
        elif depth[0] == 3 and name == _W_C:
            cells[0] += 1
        depth[0] += 1

    def end(name: str) -> None:
        depth[0] -= 1

    def characters(chunk: str) -> None:
        if depth[0] == 2:
            text[0] += chunk

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(stretch, True)
    except (expat.ExpatError, ValueError, UnicodeError):
        return None
    if len(children) != 1 or children[0][0] != _W_ROW or text[0].strip() or not cells[0]:
        return None
    number = children[0][1].get("r", "")
    if not number.isdigit():
        return None
    return head._replace(rows_close=close, last_row=int(number), last_element=int(number))


def _first_cell(layout: _SheetLayout, text: str) -> tuple[int, int, bytes]:
    """The edit that makes A1 hold `text`, keeping the cell's style (as `cell.value = …` does)."""
    start, end, style, p = layout.first
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    cell = f'<{p}c r="A1"{style} t="inlineStr"><{p}is><{p}t{space}>{_escape_text(text)}</{p}t></{p}is></{p}c>'
    return start, end, cell.encode("utf-8")


_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def _journal_edits(data: bytes, marker: str, line: Sequence[Any], styles: _StyleIds) -> bytes:
    """The Journal's part with its first line renewed and `line` added after its last row, as
    `xlsx._append_journal` does; every other byte as it was."""
    layout = _quick_tail(data, _sheet_layout(data, whole=False)) or _sheet_layout(data, whole=True)
    number = layout.last_row + 1
    if layout.last_element >= number:
        raise Unsupported("the Journal has empty rows after its last line")
    p = layout.first[3]
    row = _Cells(styles, p).row(number, "data", line)
    edits = [_first_cell(layout, marker)]
    if layout.rows_empty is not None:
        edits.append(_with_children(data, layout.rows_empty, row))
    else:
        edits.append((layout.rows_close, layout.rows_close, row.encode("utf-8")))
    if layout.dimension is not None:
        ref = layout.dimension.attrs.get("ref", "")
        first, _, last = ref.partition(":")
        found = _REFERENCE.match(last or first)
        if found is None or _REFERENCE.match(first) is None:
            raise Unsupported(f"the Journal's dimension is {ref!r}")
        width = max(_column(found[1].upper()), len(line))
        start = first if last else "A1"
        dimension = f'<{layout.dimension.prefix}dimension ref="{start}:{_letters(width)}{number}"/>'
        edits.append((layout.dimension.start, layout.dimension.end, dimension.encode("utf-8")))
    return _splice(data, edits)


# -- styles ---------------------------------------------------------------------------------------

_StyleIds = Mapping[tuple[str, str], int]


def _canonical(element: ElementTree.Element) -> tuple[Any, ...]:
    """An element as a comparable value: its name, attributes and children, in whatever order."""
    children = sorted(_canonical(child) for child in element)
    return (element.tag, tuple(sorted(element.attrib.items())), tuple(children))


def _snippet(xml: str) -> ElementTree.Element:
    return ElementTree.fromstring(f'<root xmlns="{_MAIN}">{xml.format(p="")}</root>')[0]


def _truthy(value: str | None) -> bool:
    return value in ("1", "true")


class _Styles:
    """The workbook's `xl/styles.xml`, and the cell formats lotsync's cells need in it.

    What is there already (the same font, fill, number format and cell format) is used as it is;
    what is missing is added at the end of its list, so that the style numbers people's cells point
    to keep their meaning. `changed` is the new part, or None when nothing was missing.
    """

    _LISTS = ("numFmts", "fonts", "fills", "cellXfs")

    def __init__(self, data: bytes):
        self.data = data
        tree = _tree(data, f"{{{_MAIN}}}styleSheet")
        ns = f"{{{_MAIN}}}"
        fonts, fills, xfs, borders, formats = (
            [] if (found := tree.find(ns + name)) is None else list(found)
            for name in ("fonts", "fills", "cellXfs", "borders", "numFmts")
        )
        if len(fills) < 2 or not fonts or not xfs or not borders:
            raise Unsupported("the styles lack Excel's default fill, font, border or cell format")
        self.fonts = [_canonical(font) for font in fonts]
        self.fills = [_canonical(fill) for fill in fills]
        self.format_count = len(formats)
        self.formats: dict[str, int] = {}
        redefined: set[int] = set()
        for number_format in formats:
            try:
                number = int(number_format.get("numFmtId", ""))
            except ValueError as exc:
                raise Unsupported("a number format without a number") from exc
            redefined.add(number)
            self.formats.setdefault(number_format.get("formatCode", ""), number)
        for code, number in _BUILT_IN_FORMATS.items():
            if number not in redefined:
                self.formats.setdefault(code, number)
        self.next_format = max([163, *redefined]) + 1
        self.style_xf = tree.find(ns + "cellStyleXfs") is not None
        self.xfs: list[tuple[Any, ...] | None] = [self._xf_key(xf) for xf in xfs]
        self.added: dict[str, list[str]] = {name: [] for name in self._LISTS}

    @staticmethod
    def _xf_key(xf: ElementTree.Element) -> tuple[Any, ...] | None:
        """A cell format as (number format, font, fill, quote prefix), when it is no more than that
        (and does not say that its format, font or fill is not to be applied, which LibreOffice obeys)."""
        if len(xf) or xf.get("borderId", "0") != "0" or xf.get("xfId", "0") != "0":
            return None
        if any(xf.get(name) in ("0", "false") for name in ("applyNumberFormat", "applyFont", "applyFill")):
            return None
        try:
            return (
                int(xf.get("numFmtId", "0")),
                int(xf.get("fontId", "0")),
                int(xf.get("fillId", "0")),
                _truthy(xf.get("quotePrefix")),
            )
        except ValueError:
            return None

    def _find(self, found: list[tuple[Any, ...]], kind: str, xml: str) -> int:
        wanted = _canonical(_snippet(xml))
        if wanted in found:
            return found.index(wanted)
        found.append(wanted)
        self.added[kind].append(xml)
        return len(found) - 1

    def _format(self, code: str) -> int:
        if code not in self.formats:
            self.formats[code] = self.next_format
            self.added["numFmts"].append(
                f'<{{p}}numFmt numFmtId="{self.next_format}" formatCode="{_attribute(code)}"/>'
            )
            self.next_format += 1
            self.format_count += 1
        return self.formats[code]

    def ids(self, combos: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The cell format number of each (row style, kind); 0 for a plain cell."""
        ids = {}
        for style, kind in sorted(combos):
            font = self._find(self.fonts, "fonts", _FONTS[style]) if style in _FONTS else 0
            fill = self._find(self.fills, "fills", _FILLS[style]) if style in _FILLS else 0
            code = _NUMBER_FORMATS.get(kind)
            number = self._format(code) if code else 0
            key = (number, font, fill, kind == "quoted")
            if key == (0, 0, 0, False):
                ids[(style, kind)] = 0
                continue
            if key not in self.xfs:
                self.xfs.append(key)
                applied = "".join(
                    f' {name}="1"'
                    for name, used in (
                        ("applyNumberFormat", number),
                        ("applyFont", font),
                        ("applyFill", fill),
                    )
                    if used
                )
                self.added["cellXfs"].append(
                    f'<{{p}}xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0"'
                    + (' xfId="0"' if self.style_xf else "")
                    + applied
                    + (' quotePrefix="1"' if kind == "quoted" else "")
                    + "/>"
                )
            ids[(style, kind)] = self.xfs.index(key)
        return ids

    @property
    def changed(self) -> bytes | None:
        if not any(self.added.values()):
            return None
        elements, _ = _scan(self.data, 1)
        root = elements[0]
        lists = {element.name.rpartition("}")[2]: element for element in elements if element.depth == 1}
        counts = {"numFmts": self.format_count, "fonts": len(self.fonts), "fills": len(self.fills)}
        counts["cellXfs"] = len(self.xfs)
        edits = []
        for name in self._LISTS:
            if not self.added[name]:
                continue
            element = lists.get(name)
            prefix = element.prefix if element is not None else root.prefix
            children = "".join(xml.format(p=prefix) for xml in self.added[name])
            if element is not None:
                edits.append(_with_children(self.data, element, children, counts[name]))
            else:  # numFmts, the first of the lists
                tag = f'<{prefix}numFmts count="{counts[name]}">{children}</{prefix}numFmts>'
                edits.append((root.open_end, root.open_end, tag.encode("utf-8")))
        return _splice(self.data, edits)


# -- the package: its entries, relationships and content types -------------------------------------


class _Relationship(NamedTuple):
    id: str
    type: str
    target: str
    """The part it points to, as a zip entry name (no leading slash); '' for an external one."""


def _rels_name(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _resolve(source_part: str, target: str) -> str:
    """A relationship's target as a part name, relative to the folder of the part it belongs to."""
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    folder = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


class _Package:
    """The old package: entries by name (without regard to case, as OPC names parts), their raw
    bytes, the content types and the relationships of a part."""

    def __init__(self, data: bytes):
        self.data = data
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self.infos = archive.infolist()
                self.comment = archive.comment
        except Exception as exc:  # zipfile raises many kinds on a damaged archive
            raise Unsupported(f"the archive does not open ({type(exc).__name__})") from exc
        if len(self.infos) >= 0xFFFF:
            raise Unsupported("too many entries for a zip without ZIP64")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.raw: dict[str, tuple[int, int]] = {}
        for info in self.infos:
            key = info.filename.casefold()
            if key in self.entries:
                raise Unsupported(f"two entries are named {info.filename}")
            if info.flag_bits & 0x1:
                raise Unsupported("an entry is encrypted")
            if max(info.file_size, info.compress_size, info.header_offset) >= 0xFFFFFFFF:
                raise Unsupported("an entry needs ZIP64")
            self.entries[key] = info
            self.raw[key] = self._raw_span(info)
        types = _tree(self.read("[Content_Types].xml"), f"{{{_TYPES}}}Types")
        self.defaults = {
            (e.get("Extension") or "").casefold(): e.get("ContentType") or ""
            for e in types.iter(f"{{{_TYPES}}}Default")
        }
        self.overrides = {
            (e.get("PartName") or "").casefold(): e.get("ContentType") or ""
            for e in types.iter(f"{{{_TYPES}}}Override")
        }

    def _raw_span(self, info: zipfile.ZipInfo) -> tuple[int, int]:
        """Where an entry's compressed bytes lie, from its local header."""
        at = info.header_offset
        head = self.data[at : at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise Unsupported(f"the entry {info.filename} is not where the directory says")
        name_length, extra_length = struct.unpack("<HH", head[26:30])
        start = at + 30 + name_length + extra_length
        if start + info.compress_size > len(self.data):
            raise Unsupported(f"the entry {info.filename} runs past the end of the archive")
        return start, info.compress_size

    def has(self, part: str) -> bool:
        return part.casefold() in self.entries

    def read(self, part: str) -> bytes:
        info = self.entries.get(part.casefold())
        if info is None:
            raise Unsupported(f"the part {part} is missing")
        if info.file_size > 512 * 1024 * 1024:
            raise Unsupported(f"the part {part} is too large")
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                return archive.read(info)
        except Exception as exc:  # a damaged entry, an unknown compression
            raise Unsupported(f"the part {part} does not decompress ({type(exc).__name__})") from exc

    def content_type(self, part: str) -> str:
        found = self.overrides.get("/" + part.casefold())
        if found is not None:
            return found
        return self.defaults.get(part.rpartition(".")[2].casefold(), "")

    def relationships(self, part: str) -> list[_Relationship]:
        """The relationships of `part` ('' for the package's own); none when it has no .rels part."""
        name = _rels_name(part) if part else "_rels/.rels"
        if not self.has(name):
            return []
        tree = _tree(self.read(name), f"{{{_PACKAGE_REL}}}Relationships")
        found = []
        for rel in tree.iter(f"{{{_PACKAGE_REL}}}Relationship"):
            external = rel.get("TargetMode") == "External"
            target = "" if external else _resolve(part or "/", rel.get("Target") or "")
            found.append(_Relationship(rel.get("Id") or "", rel.get("Type") or "", target))
        return found


# -- writing the new zip ----------------------------------------------------------------------------

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def _dos_time(moment: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = moment[:6]
    year = max(1980, min(2107, year))
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _without_zip64(extra: bytes) -> bytes:
    """A central directory entry's extra fields, but ZIP64's (sizes here always fit 32 bits)."""
    kept, at = [], 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[at : at + 4])
        if at + 4 + size > len(extra):
            break
        if kind != 0x0001:
            kept.append(extra[at : at + 4 + size])
        at += 4 + size
    return b"".join(kept)


class _ZipWriter:
    """A zip written entry by entry: old entries copied raw, new ones deflated as they stream."""

    def __init__(self, handle: Any, watched: Mapping[str, str] = {}):
        self.handle = handle
        self.offset = 0
        self.header_offset = 0
        self.central: list[bytes] = []
        self.watched = watched
        self.digests: dict[str, str] = {}
        """SHA-256 of the stored bytes of the watched entries (by name, casefolded), once written."""

    def _write(self, chunk: bytes | memoryview) -> None:
        self.handle.write(chunk)
        self.offset += len(chunk)

    @staticmethod
    def _name(info: zipfile.ZipInfo) -> tuple[bytes, int]:
        name = info.orig_filename
        if info.flag_bits & 0x800:
            return name.encode("utf-8"), info.flag_bits
        try:
            return name.encode("cp437"), info.flag_bits
        except UnicodeEncodeError:
            return name.encode("utf-8"), info.flag_bits | 0x800

    def _entry(
        self, info: zipfile.ZipInfo, crc: int, compressed: int, size: int, flags: int, name: bytes
    ) -> None:
        dos_time, dos_date = _dos_time(info.date_time)
        extra = _without_zip64(info.extra)
        self.central.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                info.create_version,
                info.create_system,
                info.extract_version,
                0,
                flags,
                info.compress_type,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                len(extra),
                len(info.comment),
                0,
                info.internal_attr,
                info.external_attr,
                self.header_offset,
            )
            + name
            + extra
            + info.comment
        )

    def _local(
        self, info: zipfile.ZipInfo, name: bytes, flags: int, crc: int, compressed: int, size: int
    ) -> None:
        dos_time, dos_date = _dos_time(info.date_time)
        self.header_offset = self.offset
        self._write(
            _LOCAL.pack(
                b"PK\x03\x04",
                info.extract_version,
                0,
                flags,
                info.compress_type,
                dos_time,
                dos_date,
                crc,
                compressed,
                size,
                len(name),
                0,
            )
            + name
        )

    def copy(self, info: zipfile.ZipInfo, raw: memoryview) -> None:
        """An old entry as it was: the same compressed bytes, CRC and method (its sizes now in the
        local header rather than in a data descriptor after it)."""
        name, flags = self._name(info)
        flags &= ~0x08
        self._local(info, name, flags, info.CRC, info.compress_size, info.file_size)
        self._write(raw)
        if info.filename.casefold() in self.watched:
            self.digests[info.filename.casefold()] = hashlib.sha256(raw).hexdigest()
        self._entry(info, info.CRC, info.compress_size, info.file_size, flags, name)

    def add(self, name: str, chunks: Iterable[bytes], like: zipfile.ZipInfo | None = None) -> None:
        """A new entry, deflated; `like` is the entry it replaces, whose attributes it keeps."""
        info = zipfile.ZipInfo(name, time.localtime()[:6])
        if like is not None:
            info.create_system, info.create_version = like.create_system, like.create_version
            info.external_attr, info.internal_attr = like.external_attr, like.internal_attr
            info.orig_filename, info.flag_bits = like.orig_filename, like.flag_bits & 0x800
        else:
            info.external_attr = 0o600 << 16
        info.compress_type, info.extract_version = zipfile.ZIP_DEFLATED, 20
        info.create_version = max(info.create_version, 20)
        encoded, flags = self._name(info)
        flags &= 0x800
        self._local(info, encoded, flags, 0, 0, 0)
        header = self.header_offset
        compressor = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -15)
        digest = hashlib.sha256() if name.casefold() in self.watched else None
        crc = size = compressed = 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out = compressor.compress(chunk)
            if out:
                self._write(out)
                compressed += len(out)
                if digest is not None:
                    digest.update(out)
        out = compressor.flush()
        self._write(out)
        compressed += len(out)
        if digest is not None:
            digest.update(out)
            self.digests[name.casefold()] = digest.hexdigest()
        if max(size, compressed, self.offset) >= 0xFFFFFFFF:
            raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
        self.handle.seek(header + 14)
        self.handle.write(struct.pack("<3L", crc, compressed, size))
        self.handle.seek(self.offset)
        self._entry(info, crc, compressed, size, flags, encoded)

    def finish(self, comment: bytes) -> None:
        start = self.offset
        for record in self.central:
            self._write(record)
        if self.offset >= 0xFFFFFFFF:
            raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
        count = len(self.central)
        self._write(
            _END.pack(b"PK\x05\x06", 0, 0, count, count, self.offset - start, start, len(comment)) + comment
        )


Producer = Callable[[], Iterable[bytes]]


class _Notes(NamedTuple):
    """What `docProps/custom.xml` is to hold: the fingerprints, and for each of lotsync's tabs but
    the Journal (watched: sheet part → tab) the digest of its stored bytes and its first cell."""

    fingerprints: dict[str, Any]
    watched: dict[str, str]
    firsts: dict[str, str]
    created: bool
    """Whether the part is new (its relationship and content type were added by `prepare`)."""


class PackageWrite:
    """The new package, decided and checked, ready to be written: which parts are replaced (by
    zip entry name), which are added; everything else is copied raw. The fingerprints are written
    last: they hold the digests of lotsync's parts as stored (`stored_digests`)."""

    def __init__(
        self,
        source: _Package,
        replaced: dict[str, Producer],
        added: list[tuple[str, Producer]],
        notes: _Notes,
    ):
        self.source = source
        self.replaced = replaced
        self.added = added
        self.notes = notes

    def save(self, path: Path) -> None:
        """Write the package to `path` (a new file). Errors are the system's (a full disk)."""
        data = memoryview(self.source.data)
        custom_key = _CUSTOM_PART.casefold()
        with open(path, "wb") as handle:
            writer = _ZipWriter(handle, self.notes.watched)
            for info in self.source.infos:
                key = info.filename.casefold()
                if key == custom_key:
                    continue
                if key in self.replaced:
                    writer.add(info.filename, self.replaced[key](), like=info)
                else:
                    start, size = self.source.raw[key]
                    writer.copy(info, data[start : start + size])
            for name, produce in self.added:
                writer.add(name, produce())
            self._save_notes(writer, data)
            writer.finish(self.source.comment)

    def _save_notes(self, writer: _ZipWriter, data: memoryview) -> None:
        notes = self.notes
        stored = {
            tab: {"sha256": writer.digests[key], "first": notes.firsts[tab]}
            for key, tab in notes.watched.items()
            if key in writer.digests
        }
        value = json.dumps({**notes.fingerprints, "stored": stored}, separators=(",", ":"))
        custom = _custom_properties(self.source, value)
        old = self.source.entries.get(_CUSTOM_PART.casefold())
        if custom is not None:
            writer.add(old.filename if old is not None else _CUSTOM_PART, (custom[1],), like=old)
        elif old is not None:  # the same fingerprints: copied as it was
            start, size = self.source.raw[old.filename.casefold()]
            writer.copy(old, data[start : start + size])


def _fixed(data: bytes) -> Producer:
    return lambda: (data,)


class _Sheet(NamedTuple):
    name: str
    sheet_id: int
    part: str
    position: int


class _Workbook(NamedTuple):
    part: str
    xml: bytes
    tree: Any
    relationships: dict[str, _Relationship]
    sheets: dict[str, _Sheet]
    ids: list[int]


def _workbook(source: _Package) -> _Workbook:
    """The workbook part of a plain .xlsx, and its tabs with their sheet parts."""
    workbook_part = next(
        (r.target for r in source.relationships("") if r.type == _OFFICE_DOCUMENT and r.target), None
    )
    if workbook_part is None or not source.has(workbook_part):
        raise Unsupported("the package has no workbook")
    if source.content_type(workbook_part) != _WORKBOOK_TYPE:
        raise Unsupported(f"the workbook is a {source.content_type(workbook_part)}, not a plain .xlsx")
    workbook_xml = source.read(workbook_part)
    workbook = _tree(workbook_xml, f"{{{_MAIN}}}workbook")
    properties = workbook.find(f"{{{_MAIN}}}workbookPr")
    if properties is not None and _truthy(properties.get("date1904")):
        raise Unsupported("the workbook counts dates from 1904")
    relationships = {r.id: r for r in source.relationships(workbook_part)}
    sheets: dict[str, _Sheet] = {}
    ids = []
    for index, element in enumerate(workbook.iter(f"{{{_MAIN}}}sheet")):
        rel = relationships.get(element.get(f"{{{_REL}}}id") or "")
        try:
            ids.append(int(element.get("sheetId") or ""))
        except ValueError as exc:
            raise Unsupported("a tab without a number") from exc
        if rel is not None and rel.type == _WORKSHEET and rel.target:
            sheets[element.get("name") or ""] = _Sheet(element.get("name") or "", ids[-1], rel.target, index)
        else:
            sheets[element.get("name") or ""] = _Sheet(element.get("name") or "", ids[-1], "", index)
    return _Workbook(workbook_part, workbook_xml, workbook, relationships, sheets, ids)


def stored_digests(data: bytes, names: Iterable[str]) -> dict[str, str]:
    """The SHA-256 of each named tab's sheet part as the zip stores it (its compressed bytes):
    what `PackageWrite.save` keeps in the fingerprints as `stored`, so that a later read knows,
    without reading it, that a tab is to the byte what lotsync wrote. Empty for a package this
    writer does not read, and for a tab two names share a part with."""
    try:
        source = _Package(data)
        sheets = _workbook(source).sheets
    except Unsupported:
        return {}
    parts = [sheets[name].part.casefold() for name in sheets]
    found = {}
    for name in names:
        sheet = sheets.get(name)
        key = sheet.part.casefold() if sheet is not None else ""
        if key in source.raw and parts.count(key) == 1:
            start, size = source.raw[key]
            found[name] = hashlib.sha256(memoryview(data)[start : start + size]).hexdigest()
    return found


def prepare(
    data: bytes,
    existing: Mapping[str, Sequence[Sequence[Any]]],
    plan: WritePlan,
    journal: JournalLine,
    generated: datetime,
    fingerprints: Mapping[str, Any],
) -> PackageWrite:
    """The package that carries out `plan` on the workbook `data` and adds the Journal line, as
    `XlsxBackend.write`'s openpyxl path does, or Unsupported (nothing written yet).

    `existing` is what the workbook's tabs held when read (the Journal is appended to only when it
    is lotsync's); `fingerprints` what to keep in `docProps/custom.xml`.
    """
    source = _Package(data)
    workbook_part, workbook_xml, workbook, relationships, sheets, ids = _workbook(source)
    views = workbook.find(f"{{{_MAIN}}}bookViews")
    view = views.find(f"{{{_MAIN}}}workbookView") if views is not None else None
    active = (
        int(view.get("activeTab") or 0)
        if view is not None and (view.get("activeTab") or "0").isdigit()
        else 0
    )
    styles_part = next((r.target for r in relationships.values() if r.type == _STYLES), None)
    if styles_part is None:
        raise Unsupported("the workbook has no styles")
    styles = _Styles(source.read(styles_part))
    marker = tabs_french.MARKER_LINE.format(when=core_french.timestamp(generated))

    # What each tab of the plan becomes: a whole new part, or its first cell renewed.
    whole: list[OutputTab] = []
    first: dict[str, str] = {}
    for tab in plan.rewrite:
        if tab.keep is not None and tab.name in sheets:
            first[tab.name] = tab.keep
        else:
            whole.append(tab)
    name = tabs_french.TAB_JOURNAL
    rows = existing.get(name)
    append = rows is not None and is_marked(rows) and name in sheets
    if not append:
        whole.append(journal_tab([journal.cells()]))
    combos: set[tuple[str, str]] = {("marker", "text")} if whole else set()
    for tab in whole:
        combos |= _combos((row.style, row.cells) for row in tab.rows)
    if append:
        combos |= {("data", _kind(value)) for value in journal.cells() if value is not None}
    style_ids = styles.ids(combos)

    replaced: dict[str, Producer] = {}
    added: list[tuple[str, Producer]] = []
    rewritten_ids = set()
    for tab_name in [*first, *([name] if append else [])]:
        sheet = _existing_sheet(source, sheets, tab_name)
        content = source.read(sheet.part)
        if tab_name == name:
            edited = _journal_edits(content, marker, journal.cells(), style_ids)
        else:
            edited = _splice(content, [_first_cell(_sheet_layout(content, whole=False), first[tab_name])])
        _replace(replaced, sheet.part, _fixed(edited))

    cells = _Cells(style_ids)
    new_tabs: list[tuple[OutputTab, str]] = []
    taken = set(source.entries)
    folder = posixpath.dirname(workbook_part)
    for tab in whole:
        if tab.name in sheets:
            sheet = _existing_sheet(source, sheets, tab.name)
            if any(source.relationships(sheet.part)):
                raise Unsupported(f"the tab {tab.name} has comments, drawings, tables or links")
            rewritten_ids.add(sheet.sheet_id)
            _replace(replaced, sheet.part, _producer(tab, marker, cells, sheet.position == active))
            continue
        number = len(sheets) + len(new_tabs) + 1
        part = posixpath.join(folder, f"worksheets/sheet{number}.xml")
        while _taken(source, taken, part):
            number += 1
            part = posixpath.join(folder, f"worksheets/sheet{number}.xml")
        taken.add(part.casefold())
        new_tabs.append((tab, part))
        added.append((part, _producer(tab, marker, cells, False)))
    _refuse_calculated(source, relationships, rewritten_ids)

    types: list[str] = []
    if new_tabs:
        replaced[workbook_part.casefold()] = _fixed(_with_tabs(workbook_xml, new_tabs, ids, relationships))
        rels = _rels_name(workbook_part)
        replaced[rels.casefold()] = _fixed(_with_relationships(source, rels, relationships, new_tabs, folder))
        types += [
            f'<{{p}}Override PartName="/{_attribute(part)}" ContentType="{_WORKSHEET_TYPE}"/>'
            for _, part in new_tabs
        ]

    # The fingerprints go last, once the stored bytes of lotsync's parts are known; checked now.
    custom = _custom_properties(source, json.dumps(fingerprints, separators=(",", ":")))
    created = custom is not None and custom[2]
    if created:
        package_rels = "_rels/.rels"
        replaced[package_rels.casefold()] = _fixed(_with_custom_relationship(source))
        if source.content_type(_CUSTOM_PART) != _CUSTOM_TYPE:
            types.append(f'<{{p}}Override PartName="/{_CUSTOM_PART}" ContentType="{_CUSTOM_TYPE}"/>')
    if types:
        replaced["[content_types].xml"] = _fixed(_with_types(source.read("[Content_Types].xml"), types))
    changed_styles = styles.changed
    if changed_styles is not None:
        replaced[styles_part.casefold()] = _fixed(changed_styles)
    for key in replaced:
        if key not in source.entries:
            raise Unsupported(f"the part {key} to replace is missing")

    parts = {tab.name: part for tab, part in new_tabs} | {n: sheets[n].part for n in sheets if sheets[n].part}
    firsts = {tab.name: first.get(tab.name, marker) for tab in plan.rewrite}
    for tab_name in plan.unchanged:
        rows = existing.get(tab_name)
        if rows is not None and is_marked(rows):
            firsts[tab_name] = rows[0][0]
    keys = [part.casefold() for part in parts.values()]
    watched = {
        parts[n].casefold(): n
        for n in firsts
        if n != name and n in parts and keys.count(parts[n].casefold()) == 1
    }
    return PackageWrite(source, replaced, added, _Notes(dict(fingerprints), watched, firsts, created))


def _taken(source: _Package, taken: set[str], part: str) -> bool:
    """Whether a new part may not be called `part`: an entry has that name, or a stray .rels or
    content type would be taken for its own."""
    return (
        part.casefold() in taken
        or _rels_name(part).casefold() in taken
        or "/" + part.casefold() in source.overrides
    )


def _replace(replaced: dict[str, Producer], part: str, producer: Producer) -> None:
    if part.casefold() in replaced:
        raise Unsupported(f"two tabs share the part {part}")
    replaced[part.casefold()] = producer


def _producer(tab: OutputTab, marker: str, cells: _Cells, selected: bool) -> Producer:
    return lambda: _sheet(tab, marker, cells, selected)


def _existing_sheet(source: _Package, sheets: Mapping[str, _Sheet], name: str) -> _Sheet:
    sheet = sheets[name]
    if not sheet.part or not source.has(sheet.part):
        raise Unsupported(f"the tab {name} has no sheet part")
    if source.content_type(sheet.part) != _WORKSHEET_TYPE:
        raise Unsupported(f"the tab {name} is not a worksheet")
    return sheet


def _refuse_calculated(
    source: _Package, relationships: Mapping[str, _Relationship], sheet_ids: set[int]
) -> None:
    """A tab rewritten whole must have no formula in the calculation chain: Excel would find the
    chain pointing at cells without formulas and "repair" the workbook."""
    chain = next((r.target for r in relationships.values() if r.type == _CALC_CHAIN and r.target), None)
    if not sheet_ids or chain is None or not source.has(chain):
        return
    tree = _tree(source.read(chain), f"{{{_MAIN}}}calcChain")
    current = 0
    for cell in tree.iter(f"{{{_MAIN}}}c"):
        if cell.get("i"):
            try:
                current = int(cell.get("i") or "")
            except ValueError as exc:
                raise Unsupported("a calculation chain entry without a sheet number") from exc
        if current in sheet_ids:
            raise Unsupported("a tab rewritten whole has formulas in the calculation chain")


def _with_tabs(
    workbook_xml: bytes,
    new_tabs: Sequence[tuple[OutputTab, str]],
    ids: list[int],
    relationships: Mapping[str, _Relationship],
) -> bytes:
    """`xl/workbook.xml` with the new tabs at the end of its list of tabs."""
    elements, declared = _scan(workbook_xml, 1)
    sheets = next((e for e in elements if e.name == f"{{{_MAIN}}}sheets"), None)
    if sheets is None:
        raise Unsupported("the workbook has no list of tabs")
    prefix, declaration = _prefix_for(declared, _REL, "r")
    children = []
    next_id = max([0, *ids]) + 1
    rel_ids = _new_ids(relationships, len(new_tabs))
    for number, ((tab, _part), rel_id) in enumerate(zip(new_tabs, rel_ids, strict=True)):
        children.append(
            f'<{sheets.prefix}sheet name="{_attribute(tab.name)}" sheetId="{next_id + number}"{declaration}'
            f' {prefix}:id="{rel_id}"/>'
        )
    return _splice(workbook_xml, [_with_children(workbook_xml, sheets, "".join(children))])


def _new_ids(relationships: Mapping[str, Any], count: int) -> list[str]:
    """`count` relationship ids unused in a .rels part, in order."""
    found: list[str] = []
    number = 1
    while len(found) < count:
        candidate = f"rId{number}"
        if candidate not in relationships:
            found.append(candidate)
        number += 1
    return found


def _with_relationships(
    source: _Package,
    rels: str,
    relationships: Mapping[str, _Relationship],
    new_tabs: Sequence[tuple[OutputTab, str]],
    folder: str,
) -> bytes:
    """`xl/_rels/workbook.xml.rels` with one relationship per new tab (ids as `_with_tabs` chose)."""
    data = source.read(rels)
    elements, _ = _scan(data, 0)
    ids = _new_ids(relationships, len(new_tabs))
    root = elements[0]
    children = "".join(
        f'<{root.prefix}Relationship Id="{rel_id}" Type="{_WORKSHEET}"'
        f' Target="{_attribute(posixpath.relpath(part, folder or "."))}"/>'
        for rel_id, (_, part) in zip(ids, new_tabs, strict=True)
    )
    return _splice(data, [_with_children(data, root, children)])


def _with_types(data: bytes, overrides: Sequence[str]) -> bytes:
    elements, _ = _scan(data, 0)
    root = elements[0]
    return _splice(data, [_with_children(data, root, "".join(o.format(p=root.prefix) for o in overrides))])


def _with_custom_relationship(source: _Package) -> bytes:
    data = source.read("_rels/.rels")
    elements, _ = _scan(data, 0)
    root = elements[0]
    relationships = {r.id: r for r in source.relationships("")}
    [rel_id] = _new_ids(relationships, 1)
    child = f'<{root.prefix}Relationship Id="{rel_id}" Type="{_CUSTOM_PROPERTIES}" Target="{_CUSTOM_PART}"/>'
    return _splice(data, [_with_children(data, root, child)])


def _custom_properties(source: _Package, value: str) -> tuple[str, bytes, bool] | None:
    """`docProps/custom.xml` holding `value` as lotsync's property, others' kept as they are:
    (part, new content, whether the part is new), or None when it already holds `value`."""
    rel = next((r for r in source.relationships("") if r.type == _CUSTOM_PROPERTIES), None)
    if rel is None:
        if source.has(_CUSTOM_PART):
            raise Unsupported("custom properties that no relationship points to")
        if not source.has("_rels/.rels"):
            raise Unsupported("the package has no relationships")
        if (
            "/" + _CUSTOM_PART.casefold() in source.overrides
            and source.content_type(_CUSTOM_PART) != _CUSTOM_TYPE
        ):
            raise Unsupported("a content type for custom properties that are not there")
        text = (
            f'{_DECLARATION}<Properties xmlns="{_CUSTOM}" xmlns:vt="{_VT}">'
            f'<property fmtid="{_PROPERTY_FMTID}" pid="2" name="{FINGERPRINT_PROPERTY}">'
            f"<vt:lpwstr>{_escape_text(value)}</vt:lpwstr></property></Properties>"
        )
        return _CUSTOM_PART, text.encode("utf-8"), True
    if rel.target.casefold() != _CUSTOM_PART.casefold() or not source.has(rel.target):
        raise Unsupported(f"custom properties in {rel.target}")
    data = source.read(rel.target)
    tree = _tree(data, f"{{{_CUSTOM}}}Properties")
    for prop in tree.iter(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == FINGERPRINT_PROPERTY and prop.findtext(f"{{{_VT}}}lpwstr") == value:
            return None
    elements, declared = _scan(data, 1)
    root = elements[0]
    vt, declaration = _prefix_for(declared, _VT, "vt")
    mine = [e for e in elements if e.depth == 1 and e.attrs.get("name") == FINGERPRINT_PROPERTY]
    pids = []
    for element in elements:
        if element.depth == 1 and element.attrs.get("pid", "").isdigit():
            pids.append(int(element.attrs["pid"]))
    pid = mine[0].attrs.get("pid", "") if mine else str(max([1, *pids]) + 1)
    fmtid = mine[0].attrs.get("fmtid", _PROPERTY_FMTID) if mine else _PROPERTY_FMTID
    prop_text = (
        f'<{root.prefix}property fmtid="{_attribute(fmtid)}" pid="{_attribute(pid)}"'
        f' name="{FINGERPRINT_PROPERTY}">'
        f"<{vt}:lpwstr{declaration}>{_escape_text(value)}</{vt}:lpwstr></{root.prefix}property>"
    )
    if mine:
        edits = [(mine[0].start, mine[0].end, prop_text.encode("utf-8"))]
        edits += [(extra.start, extra.end, b"") for extra in mine[1:]]  # one lotsync property, not two
    else:
        edits = [_with_children(data, root, prop_text)]
    return rel.target, _splice(data, edits), False
