"""The shared workbook written part by part (`lotsync/adapters/backends/package.py`), on real files.

A sync changes only the zip entries of lotsync's own tabs and the shared parts they need; every
other entry is copied as it was, compressed bytes and all, which the tests below check entry by
entry. What people see is checked too: through openpyxl (values, fonts, fills, formats, widths) and
through LibreOffice (every tab converted to CSV). A workbook the package writer does not edit safely
is written whole by openpyxl, as before.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, OWNED_TABS, RESULT_TABS, write_books

from lotsync.adapters.backends import package
from lotsync.adapters.backends.xlsx import XlsxBackend, package_notes, read_workbook_bytes, stored_tabs
from lotsync.adapters.config import load_config
from lotsync.app.sync import run_sync
from lotsync.tabs.owned import StoredTab, WritePlan, fingerprints_after, is_stale, write_plan
from lotsync.tabs.results import JournalLine, OutputTab, Quantity, Row

PEOPLE_TABS = ("Lisez-moi", "Dépenses communes", "Notes de réunion")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
NOW = datetime(2026, 6, 30, 9, 0)


def sync(config: Path, *args: str) -> Result:
    from lotsync.cli.commands import cli

    return CliRunner().invoke(cli, ["sync", "--config", str(config), "--as-of", AS_OF, *args])


def sync_at(config: Path, minute: int) -> None:
    """A sync at 9:MM on the reference day: the same marker lines in two workbooks synced alike."""
    outcome = run_sync(load_config(config), as_of=date(2026, 6, 30), now=NOW.replace(minute=minute))
    assert outcome.written, outcome.error


def raw_entries(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every zip entry as stored: compression method, CRC and the compressed bytes themselves, read
    from each entry's local header (what "copied byte for byte" means for a zip)."""
    data = path.read_bytes()
    entries = {}
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for info in archive.infolist():
            name_length, extra_length = struct.unpack(
                "<HH", data[info.header_offset + 26 : info.header_offset + 30]
            )
            start = info.header_offset + 30 + name_length + extra_length
            entries[info.filename] = (info.compress_type, info.CRC, data[start : start + info.compress_size])
    return entries


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def sheet_parts(path: Path) -> dict[str, str]:
    """Each tab's sheet part, as the workbook and its relationships say."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in workbook.iter(f"{main}sheet"):
        target = targets[sheet.get(rel)]
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def look(sheet: Any, *, masked: tuple[int, ...] = ()) -> dict[str, Any]:
    """What a person sees of a tab through openpyxl: values and types, fonts, fills, formats,
    borders, alignments, widths, panes, merged cells. `masked` columns keep only their look."""
    cells = {}
    for row in sheet.iter_rows():
        for cell in row:
            seen = (cell.value, cell.data_type, cell.quotePrefix) if cell.column not in masked else ()
            if cell.value is None:  # an empty cell: only how it looks counts (see below)
                seen = ()
            style = (
                repr(cell.font),
                repr(cell.fill),
                cell.number_format,
                repr(cell.border),
                repr(cell.alignment),
            )
            cells[cell.coordinate] = (*seen, *style)
    return {
        "cells": cells,
        "widths": {key: dim.width for key, dim in sheet.column_dimensions.items()},
        "freeze": sheet.freeze_panes,
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
    }


def looks(path: Path, tabs: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    names = tabs or tuple(workbook.sheetnames)
    # The Journal's duration and run id (columns I and J) differ from one sync to the next.
    return {name: look(workbook[name], masked=(9, 10) if name == "Journal" else ()) for name in names}


def through_openpyxl_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's path, for comparison: the package writer declines every workbook."""

    def decline(*args: Any, **kwargs: Any) -> package.PackageWrite:
        raise package.Unsupported("the openpyxl path, for comparison")

    monkeypatch.setattr(package, "prepare", decline)


def to_csv(books: list[Path], out: Path, profile: Path) -> dict[str, list[list[str]]]:
    """Every tab of `books` as LibreOffice converts it to CSV: `{file}-{tab}` → rows."""
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            ALL_SHEETS_CSV,
            "--outdir",
            str(out),
            *map(str, books),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    found = {}
    for path in sorted(out.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            found[path.stem] = list(csv.reader(handle))
    return found


def saved_by_libreoffice(path: Path, folder: Path) -> None:
    """`path` opened and saved again as .xlsx by LibreOffice, as a person working in Calc would."""
    out = folder / "saved"
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.copyfile(out / path.name, path)


needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)"
)


# -- what a sync rewrites, entry by entry --------------------------------------------------------


def test_a_sync_that_only_adds_its_journal_line_rewrites_only_the_journal_part(
    books: Path, shared: Path
) -> None:
    assert sync(books).exit_code == 0
    before = raw_entries(shared)

    result = sync(books, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tabs_rewritten"] == []
    after = raw_entries(shared)
    assert list(after) == list(before)  # same entries, in the same order
    assert changed(before, after) == {sheet_parts(shared)["Journal"]}


def test_the_first_sync_adds_lotsync_s_tabs_and_copies_every_part_of_people_s(
    books: Path, shared: Path
) -> None:
    before = raw_entries(shared)

    assert sync(books).exit_code == 0

    after = raw_entries(shared)
    parts = sheet_parts(shared)
    assert changed(before, after) == {
        *(parts[tab] for tab in OWNED_TABS),  # new
        "docProps/custom.xml",  # new: the fingerprints
        "_rels/.rels",  # which points to them
        "xl/workbook.xml",  # the list of tabs
        "xl/_rels/workbook.xml.rels",  # where the new tabs' parts are
        "[Content_Types].xml",  # what they are
        "xl/styles.xml",  # lotsync's fonts and formats, added after people's
    }
    assert {parts[tab] for tab in PEOPLE_TABS} <= before.keys()
    assert list(after)[: len(before)] == list(before)  # people's entries first, where they were


def test_a_sync_rewriting_some_tabs_leaves_every_other_part_as_it_was(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    before = raw_entries(shared)
    office = books.parent / "offices" / "figeac.xlsx"
    workbook = load_workbook(office)
    workbook["Dossiers"]["H4"] = 2600  # F-003, a direct client: turnover only
    workbook.save(office)

    report = json.loads(sync(books, "--format", "json").stdout)

    assert report["tabs_rewritten"] == ["Tableau de bord"]
    parts = sheet_parts(shared)
    assert changed(before, raw_entries(shared)) == {
        parts["Tableau de bord"],
        parts["Journal"],
        "docProps/custom.xml",  # the new tab's fingerprint
    }


def test_a_tab_that_keeps_its_figures_changes_only_in_its_first_line(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    before = {tab: part(shared, name) for tab, name in sheet_parts(shared).items()}
    (books.parent / "offices" / "cahors.xlsx").write_bytes(b"Ceci n'est pas un classeur.")

    assert sync(books).exit_code == 3  # partial: the figures that need Cahors are kept

    workbook = load_workbook(shared)
    kept = [tab for tab in OWNED_TABS if is_stale([[workbook[tab]["A1"].value]])]
    assert kept
    for tab, name in sheet_parts(shared).items():
        if tab in kept:
            old, new = before[tab], part(shared, name)
            assert new != old
            assert new.split(b"</row>", 1)[1] == old.split(b"</row>", 1)[1], tab  # all but row 1


def test_a_journal_written_with_a_namespace_prefix_gets_its_line_with_that_prefix(
    books: Path, shared: Path
) -> None:
    """Some programs write `<x:row>` rather than `<row>`: the new line is written the same way, in
    place, and nothing else of the part moves."""
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    journal_part = sheet_parts(shared)["Journal"]

    def prefixed(xml: str) -> str:
        xml = xml.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1)
        return re.sub(r"<(/?)([A-Za-z]\w*)([\s>/])", r"<\1x:\2\3", xml)

    rewrite_part(shared, journal_part, prefixed)
    old = part(shared, journal_part)

    assert sync(books).exit_code == 0

    new = part(shared, journal_part)
    assert b'<x:dimension ref="A1:J4"/>' in new
    head = re.sub(rb"<x:dimension [^>]*>", b"", old[: old.index(b"<x:c r=")])
    assert re.sub(rb"<x:dimension [^>]*>", b"", new).startswith(head)  # up to A1, as it was
    assert new.endswith(old[old.index(b"</x:sheetData>") :])
    assert new.count(b"<x:row ") == 4 and b"<row" not in new
    sheet = load_workbook(shared)["Journal"]
    assert sheet.max_row == 4 and sheet["B4"].value == "réussie"


# -- what people see -----------------------------------------------------------------------------


def test_people_s_tabs_look_as_before_and_lotsync_s_as_openpyxl_wrote_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same books synced twice each way; openpyxl sees the same workbook. The one allowed
    difference: an empty text in a lotsync tab, which the openpyxl writer keeps as an empty cell
    marked as text, is no cell at all here (both read back as empty)."""
    ours, theirs = write_books(tmp_path / "package"), write_books(tmp_path / "openpyxl")
    people = looks(ours.parent / "collectif.xlsx", PEOPLE_TABS)
    for minute in (0, 1):
        sync_at(ours, minute)
    through_openpyxl_only(monkeypatch)
    for minute in (0, 1):
        sync_at(theirs, minute)

    written = looks(ours.parent / "collectif.xlsx")
    assert list(written) == [*PEOPLE_TABS, *OWNED_TABS]
    assert written == looks(theirs.parent / "collectif.xlsx")
    assert {tab: written[tab] for tab in PEOPLE_TABS} == people


def test_values_come_back_as_they_were_written(books: Path, shared: Path) -> None:
    """Through openpyxl, each type as `OutputTab` means it; text that looks like a formula, or that
    XML cannot hold as it is, stays text."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from lotsync.tabs.results import Percent

    texts = ('a & b <c> "d"', "  espaces  ", "ligne\r\nsuivante", "=1+1", "+33 5 65", "émoji 🎉")
    values = (
        Decimal("1234.5"),
        Percent("0.125"),
        Quantity("0.25"),
        date(2026, 3, 10),
        datetime(2026, 3, 10, 9, 5),
    )
    tab = OutputTab(
        "Anomalies",
        [
            Row("header", ("Texte", "Valeur")),
            *(Row("data", (t, v)) for t, v in zip(texts, values * 2, strict=False)),
        ],
        (20, 20),
    )
    backend = XlsxBackend()
    book = backend.read(str(shared), list(OWNED_TABS))
    backend.write(book, write_plan(book.tabs, [tab]), journal(NOW), NOW)

    sheet = load_workbook(shared)["Anomalies"]
    rows = list(sheet.iter_rows(min_row=3))
    assert [row[0].value for row in rows] == list(texts)
    assert all(row[0].data_type == "s" for row in rows)
    assert [row[0].quotePrefix for row in rows] == [False, False, False, True, True, False]
    assert [row[1].number_format for row in rows[:5]] == [
        '#,##0.00\\ "€"',
        "0.0%",
        "0.00",
        "DD/MM/YYYY",
        "DD/MM/YYYY HH:MM",
    ]
    assert [row[1].value for row in rows[:5]] == [
        1234.5,
        0.125,
        0.25,
        datetime(2026, 3, 10),
        datetime(2026, 3, 10, 9, 5),
    ]
    assert sheet["A2"].font.b and sheet["A2"].fill.fgColor.rgb == "001F4E79"
    assert sheet.freeze_panes == "A3"


def test_text_that_xml_cannot_hold_is_written_as_excel_escapes_it(books: Path, shared: Path) -> None:
    """A control character (which openpyxl refuses to write) or a typed `_x0041_` (which Excel would
    show as `A`) is stored with OOXML's `_xHHHH_` escapes; calamine, which lotsync reads with,
    gives the text back as it was."""
    from python_calamine import CalamineWorkbook

    texts = ["\x01 contrôle", "_x0041_", "tab\tulation"]
    tab = OutputTab("Anomalies", [Row("header", ("Valeur",)), *(Row("data", (t,)) for t in texts)], (20,))
    backend = XlsxBackend()
    book = backend.read(str(shared), list(OWNED_TABS))
    backend.write(book, write_plan(book.tabs, [tab]), journal(NOW), NOW)

    xml = part(shared, sheet_parts(shared)["Anomalies"])
    assert b"_x0001_ contr" in xml and b"_x005F_x0041_" in xml
    rows = CalamineWorkbook.from_filelike(io.BytesIO(shared.read_bytes())).get_sheet_by_name("Anomalies")
    assert [row[0] for row in rows.to_python()[2:]] == texts


@needs_libreoffice
def test_libreoffice_reads_the_same_workbook_as_from_the_openpyxl_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = write_books(tmp_path / "package"), write_books(tmp_path / "openpyxl")
    for minute in (0, 1):
        sync_at(ours, minute)
    through_openpyxl_only(monkeypatch)
    for minute in (0, 1):
        sync_at(theirs, minute)

    seen = to_csv([ours.parent / "collectif.xlsx"], tmp_path / "csv-package", tmp_path / "lo-profile")
    expected = to_csv([theirs.parent / "collectif.xlsx"], tmp_path / "csv-openpyxl", tmp_path / "lo-profile")

    assert sorted(seen) == sorted(f"collectif-{tab}" for tab in (*PEOPLE_TABS, *OWNED_TABS))
    for name, rows in seen.items():
        if name == "collectif-Journal":  # duration and run id: the sync's own
            rows, other = [r[:8] for r in rows], [r[:8] for r in expected[name]]
            assert len(rows) == 4  # marker, header, two lines
        else:
            other = expected[name]
        assert rows == other, name
    assert seen["collectif-Journal"][2][:3] == ["06/30/2026 09:00:00", "réussie", "06/30/2026"]


@needs_libreoffice
def test_lotsync_adds_its_tabs_to_a_workbook_saved_by_libreoffice(
    books: Path, shared: Path, tmp_path: Path
) -> None:
    """A shared workbook kept in LibreOffice Calc: shared strings, its own styles, data descriptors
    in its zip. Its parts come through untouched, lotsync's tabs are added, and both LibreOffice and
    openpyxl open the result."""
    saved_by_libreoffice(shared, tmp_path)
    before = raw_entries(shared)
    people = looks(shared, PEOPLE_TABS)

    assert sync(books).exit_code == 0

    after = raw_entries(shared)
    parts = sheet_parts(shared)
    untouched = {parts[tab] for tab in PEOPLE_TABS} | {"xl/sharedStrings.xml", "docProps/core.xml"}
    assert {name: after[name] for name in untouched} == {name: before[name] for name in untouched}
    assert looks(shared, PEOPLE_TABS) == people
    csvs = to_csv([shared], tmp_path / "csv", tmp_path / "lo-profile")
    for tab in OWNED_TABS:
        assert csvs[f"collectif-{tab}"][0][0].startswith("Généré par lotsync"), tab
    assert csvs["collectif-Journal"][2][1] == "réussie"
    assert csvs["collectif-Dépenses communes"][1][1] == "Salon Rendez-vous en France"

    again = raw_entries(shared)
    assert sync(books).exit_code == 0
    assert changed(again, raw_entries(shared)) == {parts["Journal"]}


# -- lotsync's tabs, stored as lotsync wrote them, are not read again ---------------------------


class Recording:
    """The local backend, keeping every book it read (to see what was read of it)."""

    def __init__(self) -> None:
        self.backend = XlsxBackend()
        self.books: list[Any] = []

    def read(self, source: str, tabs: list[str]) -> Any:
        book = self.backend.read(source, tabs)
        self.books.append(book)
        return book

    def as_stored(self, book: Any, tab: OutputTab) -> OutputTab:
        return self.backend.as_stored(book, tab)

    def write(self, *args: Any) -> Any:
        return self.backend.write(*args)


def unread(book: Any) -> list[str]:
    return [name for name, rows in book.tabs.items() if isinstance(rows, StoredTab) and not rows.loaded]


def test_after_a_write_lotsync_s_tabs_are_known_without_being_read(books: Path, shared: Path) -> None:
    sync_at(books, 0)
    data = shared.read_bytes()

    book = XlsxBackend().read(str(shared), list(OWNED_TABS))

    assert unread(book) == list(RESULT_TABS)  # the Journal, appended to, is read as it is
    read_as_before, _ = read_workbook_bytes(data, list(OWNED_TABS))
    for tab in RESULT_TABS:
        assert list(book.tabs[tab]) == read_as_before[tab], tab  # the same rows, once asked for


def test_a_sync_that_changes_nothing_reads_none_of_lotsync_s_tabs(books: Path, shared: Path) -> None:
    sync_at(books, 0)
    backend = Recording()

    outcome = run_sync(
        load_config(books), as_of=date(2026, 6, 30), now=NOW.replace(minute=1), backend=backend
    )

    assert outcome.written and outcome.report is not None and outcome.report.rewritten == []
    shared_book = next(b for b in backend.books if b.source == str(shared))
    assert unread(shared_book) == list(RESULT_TABS)


def test_new_figures_are_written_though_lotsync_s_tabs_were_not_read(
    books: Path, shared: Path, tmp_path: Path
) -> None:
    """After an office's change, each tab is as a sync from scratch writes it: the digest of what
    lotsync wrote, not the tab read back, told which tabs changed."""
    from openpyxl import load_workbook

    pristine = tmp_path / "pristine.xlsx"
    shutil.copyfile(shared, pristine)
    sync_at(books, 0)
    office = books.parent / "offices" / "dordogne.xlsx"
    workbook = load_workbook(office)
    workbook["Dossiers"]["H5"] = 1234.56
    workbook.save(office)

    outcome = run_sync(load_config(books), as_of=date(2026, 6, 30), now=NOW.replace(minute=1))
    assert outcome.report is not None and "Rapprochement" in outcome.report.rewritten
    again = tmp_path / "again.xlsx"
    shutil.copyfile(shared, again)
    shutil.copyfile(pristine, shared)
    sync_at(books, 1)

    figures, _ = read_workbook_bytes(again.read_bytes(), list(RESULT_TABS))
    from_scratch, _ = read_workbook_bytes(shared.read_bytes(), list(RESULT_TABS))
    assert {t: rows[1:] for t, rows in figures.items()} == {t: rows[1:] for t, rows in from_scratch.items()}


def test_a_part_changed_behind_lotsync_s_back_is_read_and_the_edit_named(books: Path, shared: Path) -> None:
    """Whatever rewrites a tab's stored bytes without the fingerprints (a script, a repair tool)
    makes lotsync read that tab and compare it cell by cell, as after any person's save."""
    assert sync(books).exit_code == 0
    soldes = sheet_parts(shared)["Soldes"]
    with zipfile.ZipFile(shared) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            if info.filename == soldes:
                content, count = re.subn(rb'(<c r="D4"[^>]*><v>)[^<]*(</v>)', rb"\g<1>9999\g<2>", content)
                assert count == 1
            archive.writestr(info, content)
    shared.write_bytes(edited.getvalue())
    book = XlsxBackend().read(str(shared), list(OWNED_TABS))
    assert unread(book) == []

    result = sync(books)

    assert result.exit_code == 1
    assert "« Soldes » (D4)" in " ".join(result.output.split())


def test_a_digest_that_is_not_the_part_s_leaves_that_tab_to_be_read(books: Path, shared: Path) -> None:
    assert sync(books).exit_code == 0
    data = shared.read_bytes()
    fingerprints, _ = package_notes(data)
    assert fingerprints is not None
    fingerprints["stored"]["Soldes"]["sha256"] = "0" * 64

    found = stored_tabs(data, list(OWNED_TABS), fingerprints)

    assert sorted(found) == sorted(set(RESULT_TABS) - {"Soldes"})
    del fingerprints["tabs"]["Anomalies"]["content"]  # a fingerprint written by an older lotsync
    assert "Anomalies" not in stored_tabs(data, list(OWNED_TABS), fingerprints)


@needs_libreoffice
def test_a_workbook_saved_by_libreoffice_has_its_tabs_read_cell_by_cell(
    books: Path, shared: Path, tmp_path: Path
) -> None:
    assert sync(books).exit_code == 0
    saved_by_libreoffice(shared, tmp_path)

    book = XlsxBackend().read(str(shared), list(OWNED_TABS))

    assert not [rows for rows in book.tabs.values() if isinstance(rows, StoredTab)]
    assert sync(books).exit_code == 0


# -- what the package writer leaves to openpyxl -----------------------------------------------------


def journal(now: datetime) -> JournalLine:
    return JournalLine(now, "réussie", now.date(), 4, 14, 4, 4, "", Quantity("0.10"), "")


def rewrite_part(path: Path, name: str, change: Any) -> None:
    """The workbook with one part changed by `change(text) -> text`, as another program might save it."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, change(data.decode("utf-8")) if info.filename == name else data)


def macro_enabled(shared: Path) -> None:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    rewrite_part(
        shared,
        "[Content_Types].xml",
        lambda t: t.replace(main, "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    )


def dates_from_1904(shared: Path) -> None:
    rewrite_part(shared, "xl/workbook.xml", lambda t: t.replace("<workbookPr", '<workbookPr date1904="1"', 1))


def a_note_on_a_lotsync_tab(shared: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment

    workbook = load_workbook(shared)
    workbook["Rapprochement"]["B3"].comment = Comment("à vérifier", "Marine")
    workbook.save(shared)


@pytest.mark.parametrize("unusual", [macro_enabled, dates_from_1904, a_note_on_a_lotsync_tab])
def test_an_unusual_workbook_is_written_whole_through_openpyxl(
    books: Path, shared: Path, unusual: Any
) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    unusual(shared)
    backend = XlsxBackend()
    book = backend.read(str(shared), list(OWNED_TABS))
    tabs = run_sync(load_config(books), as_of=NOW.date(), now=NOW, dry_run=True).tabs
    plan = WritePlan(tuple(tabs), ())  # every tab rewritten whole

    with pytest.raises(package.Unsupported):
        package.prepare(
            shared.read_bytes(), book.tabs, plan, journal(NOW), NOW, fingerprints_after(book.tabs, plan)
        )
    report = backend.write(book, plan, journal(NOW), NOW)

    assert report.rewritten == [tab.name for tab in tabs]
    workbook = load_workbook(shared)
    assert workbook.sheetnames == [*PEOPLE_TABS, *OWNED_TABS]
    assert workbook["Journal"].max_row == 4  # marker, header, two lines
