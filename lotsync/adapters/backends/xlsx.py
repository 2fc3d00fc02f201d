"""Local .xlsx workbooks: the embedded default, no account needed.

Reading opens each file once (its bytes are hashed on the way, to notice a
later change). Writing rewrites only lotsync's own tabs, keeps every other tab
with its values and styles, and replaces the file atomically, or does nothing.

No file can crash or hang a sync: what is not a regular file (a FIFO, a folder, a
device) is refused before it is opened for good, and whatever bytes a file holds,
reading ends with rows or a SourceError that says in French what the file is or
what is damaged in it.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from lotsync.adapters import french
from lotsync.adapters.atomic import remove_leftovers, temporary_path
from lotsync.adapters.backends import ReadBook, SourceError, WriteError, WriteReport
from lotsync.core import french as core_french
from lotsync.tabs import french as tabs_french
from lotsync.tabs.owned import StoredTab, WritePlan, fingerprints_after, foreign_refusal, is_marked
from lotsync.tabs.results import (
    OWNED_TABS,
    JournalLine,
    OutputTab,
    Percent,
    Quantity,
    Row,
    journal_tab,
)

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


# -- reading a file --------------------------------------------------------------

MAX_FILE_BYTES = 200 * 1024 * 1024
"""A workbook larger than this is refused before it is read into memory. An office's workbook
weighs a few hundred kilobytes (the demo's hold 315 dossiers in 23 kB); 200 MB is a path
mistake: an archive, a backup, a disk image."""
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
"""What a workbook's parts may add up to once unzipped (as the zip declares them; zipfile never
inflates a part past its declared size). Beyond, openpyxl would work for minutes and gigabytes:
a "zip bomb" does it on purpose."""

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
"""Compound files: an Excel 97-2003 .xls, or an .xlsx encrypted with a password."""
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_LOTSYNC_CODE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class _Unreadable(Exception):
    """Why a file cannot be read, in French; the caller tells whether it was reading or writing."""


def _fingerprint(data: bytes, info: os.stat_result) -> Fingerprint:
    return Fingerprint(info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())


def _read_file(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path`, and its status once read.

    Nothing here can block or touch a device: what is not a regular file is refused on its `stat`,
    before it is opened (a FIFO would wait for a writer forever; opening a device can rewind a tape
    or arm a watchdog), and it is opened with O_NONBLOCK in case one was swapped in meanwhile: the
    `fstat` of what was opened is what counts.
    """
    try:
        _refuse_special(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        raise _Unreadable(_os_problem(path, exc)) from exc
    except ValueError as exc:  # "embedded null byte"
        raise _Unreadable(french.SOURCE_BAD_PATH.format(path=str(path))) from exc
    try:
        _refuse_special(path, os.fstat(fd))
        chunks, size = [], 0
        while chunk := os.read(fd, 1024 * 1024):
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew while being read
                raise _Unreadable(_too_large(path, size))
            chunks.append(chunk)
        return b"".join(chunks), os.fstat(fd)
    except OSError as exc:
        raise _Unreadable(_os_problem(path, exc)) from exc
    finally:
        os.close(fd)


def _refuse_special(path: Path, info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        if info.st_size > MAX_FILE_BYTES:
            raise _Unreadable(_too_large(path, info.st_size))
        return
    if stat.S_ISDIR(mode):
        kind = "directory"
    elif stat.S_ISFIFO(mode):
        kind = "fifo"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "device"
    elif stat.S_ISSOCK(mode):
        kind = "socket"
    else:
        kind = "other"
    raise _Unreadable(french.SOURCE_NOT_A_FILE.format(path=path, kind=french.SOURCE_FILE_KINDS[kind]))


def _os_problem(path: Path, error: OSError) -> str:
    """The French reason, naming the file (a dangling symbolic link says where it points)."""
    if error.errno == errno.ENOENT:
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return french.SOURCE_DANGLING_LINK.format(path=path, target=os.readlink(path))
        except OSError:
            pass
        return french.SOURCE_MISSING.format(path=path)
    return core_french.os_error(error, path)


def _too_large(path: Path, size: int) -> str:
    return french.SOURCE_TOO_LARGE.format(path=path, size=_megabytes(size), limit=_megabytes(MAX_FILE_BYTES))


def _megabytes(size: int) -> str:
    """`201 Mo`: rounded up, so that a size just over a limit never reads as the limit itself."""
    return french.MEGABYTES.format(count=-(-size // (1024 * 1024)))


# -- reading a workbook's bytes ----------------------------------------------------


def read_workbook_bytes(data: bytes, tabs: Sequence[str]) -> tuple[dict[str, list[list[Any]]], list[str]]:
    """The asked-for tabs of an .xlsx, .xlsm, .xls or .ods (as rows of cached values) and every tab's name.

    Whatever the bytes, the answer is that or a SourceError in French that says what the file is
    instead (a CSV, an .xlsb, an encrypted workbook…) or what is damaged in it. Only a TypeError,
    AttributeError or NameError raised in lotsync's own code goes through: a bug must show. Every
    archive opened is closed, whatever happens.

    calamine reads (`calamine.py`: ten times faster than openpyxl, and the only one of the two that
    reads .ods and .xls). When it cannot read an .xlsx, openpyxl, slower but more talkative, says
    what is damaged and after which row, as lotsync always said it, or reads what calamine could not.
    """
    from lotsync.adapters.backends import calamine

    problem, kind = _what_else(data)
    if problem is not None:
        raise SourceError(french.SOURCE_INVALID.format(reason=problem))
    try:
        return calamine.read_workbook(data, kind, tabs, unscanned=OWNED_TABS)
    except calamine.DamagedWorkbook:
        if kind != "xlsx":
            raise
    workbook = _open_workbook(data)
    try:
        names = list(workbook.sheetnames)
        if not names:  # openpyxl skips the sheets whose part is missing; Excel needs one at least
            reason = french.SOURCE_DAMAGED.format(problem=french.SOURCE_PROBLEMS["part"])
            raise SourceError(french.SOURCE_INVALID.format(reason=reason))
        found = {name: _tab_rows(workbook, name) for name in tabs if name in names}
    finally:
        workbook.close()
    wanted = [name for name in found if name not in OWNED_TABS]
    for name, cells in calamine.xlsx_formula_errors(data, wanted).items():
        calamine.mark_formula_errors(found[name], cells)  # openpyxl gives them as text
    return found, names


def _what_else(data: bytes) -> tuple[str | None, str]:
    """What the bytes are, in French, when they are plainly not a workbook lotsync reads (else None),
    and the kind of workbook they may be: `xlsx` (also .xlsm), `ods` or `xls` (`calamine.KINDS`)."""
    if not data:
        return french.SOURCE_EMPTY, "xlsx"
    if data.startswith(_OLE2_MAGIC):  # Excel 97-2003, or an .xlsx encrypted in a compound file
        return (french.SOURCE_ENCRYPTED if _ENCRYPTED_STREAM in data else None), "xls"
    if not data.startswith(_ZIP_MAGICS) and not zipfile.is_zipfile(io.BytesIO(data)):
        return _text_kind(data) or french.SOURCE_NOT_XLSX, "xlsx"
    ods = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is not None and mimetype.file_size < 1024:  # OpenDocument's first member
                ods = archive.read(mimetype).strip().startswith(_ODS_MIMETYPE)
    except Exception as exc:  # zipfile raises many kinds on a damaged archive
        if _is_lotsync_bug(exc):
            raise
        return french.SOURCE_DAMAGED.format(problem=_problem(exc, cells=False)), "xlsx"
    kind = "ods" if ods else "xlsx"
    if not ods and "xl/workbook.bin" in names:
        return french.SOURCE_XLSB, kind
    if not ods and not any(name.startswith("xl/") for name in names):
        return french.SOURCE_ZIP_NOT_WORKBOOK, kind
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        return french.SOURCE_TOO_LARGE_UNPACKED.format(
            size=_megabytes(unpacked), limit=_megabytes(MAX_UNPACKED_BYTES)
        ), kind
    return None, kind


def _text_kind(data: bytes) -> str | None:
    """SOURCE_CSV or SOURCE_TEXT when the bytes read as text (UTF-8, UTF-16 with its BOM, Windows-1252)."""
    head = data[:65536]
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    codec = next((name for bom, name in boms if head.startswith(bom)), None)
    if codec is None and b"\0" in head:
        return None
    try:
        text = codecs.getincrementaldecoder(codec or "utf-8")().decode(head)
    except UnicodeDecodeError:
        if codec is not None:
            return None
        text = head.decode("cp1252", errors="replace")
    odd = sum(1 for char in text if (char < " " and char not in "\t\n\r\f") or char == "\ufffd")
    if not text or odd > len(text) // 100:
        return None
    lines = [line for line in text.splitlines() if line.strip()][:5]
    for separator in (";", "\t", ","):
        counts = [line.count(separator) for line in lines]
        if counts and counts[0] >= 1 and (len(counts) == 1 or counts[1] == counts[0]):
            return french.SOURCE_CSV
    return french.SOURCE_TEXT


def _open_workbook(data: bytes) -> Any:
    """openpyxl's read-only workbook; its archive is closed if reading it fails."""
    from openpyxl.reader.excel import ExcelReader  # what load_workbook does, keeping hold of the archive

    reader = None
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read()
    except Exception as exc:
        if reader is not None:
            reader.archive.close()
        if _is_lotsync_bug(exc):
            raise
        problem = _problem(exc, cells=False)
        raise SourceError(
            french.SOURCE_INVALID.format(reason=french.SOURCE_DAMAGED.format(problem=problem))
        ) from exc
    return reader.wb


def _tab_rows(workbook: Any, name: str) -> list[list[Any]]:
    """A tab's rows of values; a damaged tab is a SourceError that names it and the last row read."""
    sheet = workbook[name]
    if not hasattr(sheet, "iter_rows"):
        return []  # a chart sheet: no cells
    rows: list[list[Any]] = []
    try:
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
    except Exception as exc:
        if _is_lotsync_bug(exc):
            raise
        where = french.SOURCE_AFTER_ROW.format(row=len(rows)) if rows else french.SOURCE_FIRST_ROWS
        reason = french.SOURCE_DAMAGED_TAB.format(tab=name, problem=_problem(exc, cells=True), where=where)
        raise SourceError(french.SOURCE_INVALID.format(reason=reason)) from exc
    return rows


def _problem(error: BaseException, *, cells: bool) -> str:
    """What went wrong inside a workbook, in French, from the kind of error (never its English text)."""
    for _ in range(8):  # openpyxl wraps some errors in a ValueError: the first one tells
        if not isinstance(error.__cause__, Exception):
            break
        error = error.__cause__
    problems = french.SOURCE_PROBLEMS
    if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError):
        return problems["zip"]
    if isinstance(error, NotImplementedError):
        return problems["compression"]
    if isinstance(error, ParseError | ExpatError):
        return problems["xml"]
    if isinstance(error, KeyError | OSError):
        return problems["part"]
    if isinstance(error, MemoryError):
        return problems["memory"]
    if isinstance(error, IndexError):
        return problems["shared"] if cells else problems["value"]
    if isinstance(error, ValueError | TypeError | ArithmeticError | AttributeError | LookupError):
        return problems["cell"] if cells else problems["value"]
    return problems["other"].format(kind=type(error).__name__)


def _is_lotsync_bug(error: BaseException) -> bool:
    """A TypeError, AttributeError or NameError raised in lotsync's own code: a bug, to be seen.

    The same errors raised inside openpyxl or the standard library come from a damaged file (openpyxl
    raises TypeError on an unexpected attribute value), and say so in French like any other.
    """
    if not isinstance(error, TypeError | AttributeError | NameError):
        return False
    trace, last = error.__traceback__, None
    while trace is not None:
        last, trace = trace, trace.tb_next
    return last is not None and last.tb_frame.f_code.co_filename.startswith(_LOTSYNC_CODE)


class XlsxBackend:
    """Reads and writes .xlsx files on the local disk."""

    def read(self, source: str, tabs: Sequence[str]) -> ReadBook:
        path = Path(source)
        try:
            data, info = _read_file(path)
        except _Unreadable as exc:
            raise SourceError(french.SOURCE_UNREADABLE.format(reason=exc)) from exc
        fingerprints, saved_by = package_notes(data)
        stored = stored_tabs(data, [t for t in tabs if t in OWNED_TABS], fingerprints)
        found, names = read_workbook_bytes(data, [t for t in tabs if t not in stored])
        found.update(stored)
        return ReadBook(source, path.name, found, names, _fingerprint(data, info), fingerprints, saved_by)

    def as_stored(self, book: ReadBook, tab: OutputTab) -> OutputTab:
        """A workbook gives back what was written (dates as dates)."""
        return tab

    def write(
        self, book: ReadBook, plan: WritePlan, journal: JournalLine, generated: datetime
    ) -> WriteReport:
        """Carry out `plan` and add the Journal line, in a new file that replaces the workbook in one
        step (written aside, flushed to disk, renamed), or change nothing.

        The new file is built part by part (`package.py`): people's tabs are copied byte for byte and
        only lotsync's parts are written, so that a write costs what it changes. A workbook that
        writer does not edit safely (an .xlsm, strict OOXML, a lotsync tab with comments…) is written
        whole through openpyxl instead, as it always was.
        """
        path = Path(book.source)
        remove_leftovers(path.parent)  # temporary files of syncs killed mid-write
        data = self._check_writable(path, book)
        kind = _what_else(data)[1]
        if kind != "xlsx":  # read fine (calamine reads by content), but lotsync writes only .xlsx
            kinds = french.CONFIG_SHARED_KINDS
            raise WriteError(french.WRITE_NOT_XLSX.format(path=path.name, kind=kinds[f".{kind}"]))
        refusal = foreign_refusal(path.name, book.tabs, OWNED_TABS, book.tab_names)
        if refusal:
            raise WriteError(refusal)
        fingerprints = fingerprints_after(book.tabs, plan, book.fingerprints)
        save = _package_save(data, book, plan, journal, generated, fingerprints)
        if save is None:
            save = _openpyxl_save(path, book, plan, journal, generated, fingerprints)

        temporary = temporary_path(path)
        try:
            save(temporary)
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
                french.WRITE_FAILED.format(path=path.name, reason=core_french.os_reason(exc))
            ) from exc
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return WriteReport(plan.rewritten, list(plan.unchanged))

    @staticmethod
    def _check_writable(path: Path, book: ReadBook) -> bytes:
        """The workbook's bytes, provided it is not open in a spreadsheet program and is still the
        file that was read (the same bytes): what the new file is built from."""
        locks = lock_files(path)
        if locks:
            raise WriteError(french.WRITE_REFUSED_LOCKED.format(path=path.name, lock=locks[0].name))
        try:
            data, info = _read_file(path)
        except _Unreadable as exc:
            raise WriteError(french.WRITE_FAILED.format(path=path.name, reason=exc)) from exc
        if _fingerprint(data, info) != book.token:
            raise WriteError(french.WRITE_REFUSED_CHANGED.format(path=path.name))
        return data


def _package_save(
    data: bytes,
    book: ReadBook,
    plan: WritePlan,
    journal: JournalLine,
    generated: datetime,
    fingerprints: dict[str, Any],
) -> Callable[[Path], None] | None:
    """What writes the new workbook part by part, or None when `package.py` does not edit this one
    safely (it says why in `Unsupported`, before writing anything)."""
    from lotsync.adapters.backends import package

    try:
        return package.prepare(data, book.tabs, plan, journal, generated, fingerprints).save
    except package.Unsupported:
        return None


def _openpyxl_save(
    path: Path,
    book: ReadBook,
    plan: WritePlan,
    journal: JournalLine,
    generated: datetime,
    fingerprints: dict[str, Any],
) -> Callable[[Path], None]:
    """What writes the whole workbook through openpyxl: loaded, lotsync's tabs rewritten, saved."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        reason = french.SOURCE_DAMAGED.format(problem=_problem(exc, cells=False))
        raise WriteError(french.WRITE_FAILED.format(path=path.name, reason=reason)) from exc

    for tab in plan.rewrite:
        if tab.keep is not None and tab.name in workbook.sheetnames:
            _set(workbook[tab.name].cell(row=1, column=1), tab.keep)  # the figures stay as they are
            continue
        sheet = _fresh_sheet(workbook, tab.name)
        _write_tab(sheet, tab, generated)
    _append_journal(workbook, book, journal, generated)
    _keep_fingerprints(workbook, fingerprints)
    return lambda temporary: _save(workbook, temporary)


def _save(workbook: Any, path: Path) -> None:
    """`workbook.save(path)`, but the zip is closed even when writing fails (a full disk): openpyxl
    leaves it open, and its `__del__` later prints `Exception ignored in: <function ZipFile.__del__>`
    with the system's English error on stderr."""
    from openpyxl.writer.excel import ExcelWriter

    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)  # as openpyxl
        ExcelWriter(workbook, archive).save()
    except BaseException:
        with contextlib.suppress(Exception):  # the end of the zip cannot be written either
            archive.close()
        raise


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


def stored_tabs(data: bytes, names: Sequence[str], fingerprints: dict[str, Any] | None) -> dict[str, Any]:
    """lotsync's tabs whose sheet part is stored as lotsync last wrote it (the digest kept in the
    fingerprints says so), as `StoredTab`s: not read, unless something asks for their rows. A
    person who saves the workbook in Excel or LibreOffice rewrites every part, and every tab is
    then read and compared cell by cell, as it always was."""
    from lotsync.adapters.backends import package

    kept = fingerprints or {}
    stored, known = kept.get("stored"), kept.get("tabs")
    if kept.get("version") != 1 or not isinstance(stored, dict) or not isinstance(known, dict):
        return {}
    wanted = [n for n in names if isinstance(stored.get(n), dict) and isinstance(known.get(n), dict)]
    digests = package.stored_digests(data, wanted) if wanted else {}
    found: dict[str, Any] = {}
    for name in wanted:
        record, content = stored[name], known[name].get("content")
        first = record.get("first")
        digest = digests.get(name)
        if (
            digest is not None
            and digest == record.get("sha256")
            and isinstance(first, str)
            and isinstance(content, str)
        ):
            found[name] = StoredTab(first, content, _tab_loader(data, name))
    return found


def _tab_loader(data: bytes, name: str) -> Callable[[], list[list[Any]]]:
    return lambda: read_workbook_bytes(data, [name])[0].get(name, [])


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
    _set(sheet.cell(row=1, column=1), tabs_french.MARKER_LINE.format(when=core_french.timestamp(generated)))
    sheet.cell(row=1, column=1).font = styles["marker"]
    _write_rows(sheet, tab.rows, 2, styles)
    for col, width in enumerate(tab.widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    if tab.rows and tab.rows[0].style == "header":
        sheet.freeze_panes = "A3"


def _append_journal(workbook: Any, book: ReadBook, journal: JournalLine, generated: datetime) -> None:

    name = tabs_french.TAB_JOURNAL
    existing = book.tabs.get(name)
    if existing is not None and is_marked(existing) and name in workbook.sheetnames:
        sheet = workbook[name]
        sheet.cell(row=1, column=1).value = tabs_french.MARKER_LINE.format(
            when=core_french.timestamp(generated)
        )
        _write_rows(sheet, [Row("data", journal.cells())], sheet.max_row + 1, _styles())
        return
    _write_tab(_fresh_sheet(workbook, name), journal_tab([journal.cells()]), generated)
