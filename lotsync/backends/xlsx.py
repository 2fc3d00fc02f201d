"""Local .xlsx workbooks: the embedded default, no account needed.

Reading opens each file once (its bytes are hashed on the way, to notice a
later change). Writing rewrites only lotsync's own tabs, keeps every other tab
with its values and styles, and replaces the file atomically, or does nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from lotsync import messages
from lotsync.backends import ReadBook, SourceError, WriteError, WriteReport
from lotsync.layout import OWNED_TABS
from lotsync.outputs import (
    JOURNAL_HEADER,
    JOURNAL_WIDTHS,
    JournalLine,
    OutputTab,
    Percent,
    Quantity,
    Row,
)
from lotsync.owned import fingerprints_after, foreign_refusal, is_marked, unchanged

MONEY_FORMAT = '#,##0.00\\ "€"'
PERCENT_FORMAT = "0.0%"
QUANTITY_FORMAT = "0.00"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


class Fingerprint(NamedTuple):
    size: int
    mtime_ns: int
    sha256: str


def lock_files(path: Path) -> list[Path]:
    """Lock files of Excel (`~$NAME.xlsx`) and LibreOffice (`.~lock.NAME.xlsx#`) beside an open file."""
    candidates = [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if p.exists()]


def _fingerprint(path: Path, data: bytes) -> Fingerprint:
    stat = path.stat()
    return Fingerprint(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_workbook_bytes(data: bytes, tabs: Sequence[str]) -> tuple[dict[str, list[list[Any]]], list[str]]:
    """The asked-for tabs of an .xlsx (as rows of cached values) and every tab's name."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(messages.SOURCE_UNREADABLE.format(reason=messages.SOURCE_NOT_XLSX)) from exc
    try:
        found = {
            name: [list(row) for row in workbook[name].iter_rows(values_only=True)]
            for name in tabs
            if name in workbook.sheetnames
        }
        return found, list(workbook.sheetnames)
    finally:
        workbook.close()


class XlsxBackend:
    """Reads and writes .xlsx files on the local disk."""

    def read(self, source: str, tabs: Sequence[str]) -> ReadBook:
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SourceError(messages.SOURCE_UNREADABLE.format(reason=messages.SOURCE_MISSING)) from exc
        except OSError as exc:
            raise SourceError(messages.SOURCE_UNREADABLE.format(reason=exc.strerror or exc)) from exc
        found, names = read_workbook_bytes(data, tabs)
        return ReadBook(source, path.name, found, names, _fingerprint(path, data), *package_notes(data))

    def write(
        self, book: ReadBook, tabs: Sequence[OutputTab], journal: JournalLine, generated: datetime
    ) -> WriteReport:
        from openpyxl import load_workbook

        path = Path(book.source)
        self._check_writable(path, book)
        refusal = foreign_refusal(path.name, book.tabs, OWNED_TABS, book.tab_names)
        if refusal:
            raise WriteError(refusal)
        try:
            workbook = load_workbook(path, rich_text=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise WriteError(messages.WRITE_FAILED.format(path=path.name, reason=exc)) from exc

        rewritten, kept = [], []
        for tab in tabs:
            if unchanged(book.tabs.get(tab.name), tab):
                kept.append(tab.name)
                continue
            rewritten.append(tab.name)
            if tab.keep is not None and tab.name in workbook.sheetnames:
                _set(workbook[tab.name].cell(row=1, column=1), tab.keep)  # the figures stay as they are
                continue
            sheet = _fresh_sheet(workbook, tab.name)
            _write_tab(sheet, tab, generated)
        _append_journal(workbook, book, journal, generated)
        _keep_fingerprints(workbook, fingerprints_after(book.tabs, tabs))

        temporary = path.with_name(f".{path.name}.lotsync-{os.getpid()}.tmp")
        try:
            workbook.save(temporary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            self._check_writable(path, book)
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o7777)
            os.replace(temporary, path)
        except WriteError:
            temporary.unlink(missing_ok=True)
            raise
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise WriteError(
                messages.WRITE_FAILED.format(path=path.name, reason=exc.strerror or exc)
            ) from exc
        return WriteReport(rewritten, kept)

    @staticmethod
    def _check_writable(path: Path, book: ReadBook) -> None:
        locks = lock_files(path)
        if locks:
            raise WriteError(messages.WRITE_REFUSED_LOCKED.format(path=path.name, lock=locks[0].name))
        try:
            current = _fingerprint(path, path.read_bytes())
        except OSError as exc:
            raise WriteError(
                messages.WRITE_FAILED.format(path=path.name, reason=exc.strerror or exc)
            ) from exc
        if current != book.token:
            raise WriteError(messages.WRITE_REFUSED_CHANGED.format(path=path.name))


FINGERPRINT_PROPERTY = "lotsync"
"""The custom document property (File > Properties) where lotsync keeps what it last wrote."""
_CUSTOM_XML, _CORE_XML = "docProps/custom.xml", "docProps/core.xml"
_NS = {
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "core": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}


def package_notes(data: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """lotsync's fingerprints, kept in the workbook's custom properties where they travel with
    the file, and who saved it last. Anything unreadable there is simply absent."""
    import json
    from xml.etree import ElementTree

    fingerprints: dict[str, Any] | None = None
    saved_by: str | None = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if _CUSTOM_XML in names:
                tree = ElementTree.fromstring(archive.read(_CUSTOM_XML))
                for prop in tree.findall("cp:property", _NS):
                    text = prop.findtext("vt:lpwstr", namespaces=_NS)
                    if prop.get("name") == FINGERPRINT_PROPERTY and text:
                        loaded = json.loads(text)
                        fingerprints = loaded if isinstance(loaded, dict) else None
            if _CORE_XML in names:
                core = ElementTree.fromstring(archive.read(_CORE_XML))
                saved_by = (core.findtext("cp:lastModifiedBy", namespaces={"cp": _NS["core"]}) or "").strip()
    except Exception:  # the fingerprints are a safeguard: a damaged note is no note
        return None, None
    return fingerprints, saved_by or None


def _keep_fingerprints(workbook: Any, fingerprints: dict[str, Any]) -> None:
    import json

    from openpyxl.packaging.custom import StringProperty

    props = workbook.custom_doc_props
    props.props = [p for p in props.props if p.name != FINGERPRINT_PROPERTY]
    props.append(
        StringProperty(name=FINGERPRINT_PROPERTY, value=json.dumps(fingerprints, separators=(",", ":")))
    )


def _fresh_sheet(workbook: Any, name: str) -> Any:
    """An empty sheet called `name`, where the old one was (or at the end)."""
    if name in workbook.sheetnames:
        index = workbook.sheetnames.index(name)
        workbook.remove(workbook[name])
        return workbook.create_sheet(name, index)
    return workbook.create_sheet(name)


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, PatternFill

    return {
        "marker": Font(italic=True, color="808080"),
        "title": Font(bold=True, size=12, color="1F4E79"),
        "header": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor="1F4E79"),
        "total": Font(bold=True),
        "wrap": Alignment(wrap_text=True, vertical="top"),
    }


def _set(cell: Any, value: Any) -> None:
    """Write a typed value; text always stays text, even `=…`, `+…`, `-…` or `@…`."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value[:1] in "=+-@":
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, Percent):
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, Quantity):
        cell.number_format = QUANTITY_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


def _write_rows(sheet: Any, rows: Sequence[Row], start: int, styles: dict[str, Any]) -> None:
    for offset, row in enumerate(rows):
        number = start + offset
        for col, value in enumerate(row.cells, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=col)
            _set(cell, value)
            if row.style == "header":
                cell.font, cell.fill = styles["header"], styles["header_fill"]
            elif row.style in ("title", "total"):
                cell.font = styles[row.style]


def _write_tab(sheet: Any, tab: OutputTab, generated: datetime) -> None:
    from openpyxl.utils import get_column_letter

    styles = _styles()
    _set(sheet.cell(row=1, column=1), messages.MARKER_LINE.format(when=messages.timestamp(generated)))
    sheet.cell(row=1, column=1).font = styles["marker"]
    _write_rows(sheet, tab.rows, 2, styles)
    for col, width in enumerate(tab.widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    if tab.rows and tab.rows[0].style == "header":
        sheet.freeze_panes = "A3"


def _append_journal(workbook: Any, book: ReadBook, journal: JournalLine, generated: datetime) -> None:

    name = messages.TAB_JOURNAL
    existing = book.tabs.get(name)
    if existing is not None and is_marked(existing) and name in workbook.sheetnames:
        sheet = workbook[name]
        sheet.cell(row=1, column=1).value = messages.MARKER_LINE.format(when=messages.timestamp(generated))
        _write_rows(sheet, [Row("data", journal.cells())], sheet.max_row + 1, _styles())
        return
    sheet = _fresh_sheet(workbook, name)
    _write_tab(
        sheet,
        OutputTab(name, [Row("header", JOURNAL_HEADER), Row("data", journal.cells())], JOURNAL_WIDTHS),
        generated,
    )
