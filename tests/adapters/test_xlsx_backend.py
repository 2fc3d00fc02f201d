"""The local .xlsx backend, on real workbooks written in a temporary folder.

It writes only lotsync's own tabs, all of them or none, atomically; it keeps every
other tab with its values and styles; it refuses to write when the workbook is open
in a spreadsheet program, was changed since it was read, or has a hand-made tab
with a name lotsync owns.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, OWNED_TABS, RESULT_TABS, TRICKY_TEXTS

from lotsync.adapters.backends import WriteError
from lotsync.adapters.backends.xlsx import XlsxBackend
from lotsync.app.sync import run_sync
from lotsync.cli.commands import cli
from lotsync.tabs.owned import write_plan
from lotsync.tabs.results import JournalLine, Quantity

MARKER = "Généré par lotsync le "


def sync(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["sync", "--config", str(config), "--as-of", AS_OF, *args])


def load(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(path)


def tab_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every tab's cell values, row by row."""
    workbook = load(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def column(sheet: Any, header: str) -> list[Any]:
    """The cells under `header` in a lotsync tab (marker on row 1, headers on row 2)."""
    labels = [cell.value for cell in sheet[2]]
    index = labels.index(header) + 1
    return [sheet.cell(row=r, column=index) for r in range(3, sheet.max_row + 1)]


def look(sheet: Any) -> dict[str, Any]:
    """Everything a person sees of a tab: values, fonts, fills, formats, borders, widths, panes."""
    return {
        "cells": {
            cell.coordinate: (
                cell.value,
                cell.data_type,
                repr(cell.font),
                repr(cell.fill),
                cell.number_format,
                repr(cell.border),
                repr(cell.alignment),
            )
            for row in sheet.iter_rows()
            for cell in row
        },
        "widths": {key: dim.width for key, dim in sheet.column_dimensions.items()},
        "freeze": sheet.freeze_panes,
        "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
    }


def files_in(folder: Path) -> list[str]:
    """The folder's files, but the work lock a sync holds beside its configuration (it stays)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("lotsync.lock"))


def journal_line(now: datetime) -> JournalLine:
    return JournalLine(now, "réussie", now.date(), 4, 14, 4, 4, "", Quantity("0.10"), "")


# -- what a sync writes ---------------------------------------------------------


def test_sync_writes_the_five_result_tabs_and_the_journal_after_the_input_tabs(
    books: Path, shared: Path
) -> None:
    result = sync(books)

    assert result.exit_code == 0, result.output
    workbook = load(shared)
    assert workbook.sheetnames == ["Lisez-moi", "Dépenses communes", "Notes de réunion", *OWNED_TABS]
    for name in OWNED_TABS:
        marker = workbook[name]["A1"].value
        assert marker.startswith(MARKER), name
        assert "Ne pas modifier" in marker
    journal = workbook["Journal"]
    assert [c.value for c in journal[2]][:3] == ["Date et heure", "Résultat", "Date de référence"]
    assert journal.max_row == 3  # marker, header, one line for this run
    assert journal["B3"].value == "réussie"
    assert journal["C3"].value == datetime(2026, 6, 30)
    assert "Rapprochement" in journal["H3"].value


def test_result_tabs_point_back_to_every_source_row(books: Path, shared: Path) -> None:
    sync(books)
    recon = load(shared)["Rapprochement"]

    rows = {
        (c.value, column(recon, "Ligne achat")[i].value, column(recon, "Ligne vente")[i].value)
        for i, c in enumerate(column(recon, "Réf. acheteur"))
    }
    # Dordogne's D-001 is row 2 of its sheet; Cahors' C-001 is row 5, under the title block.
    assert ("D-001", 2, 5) in rows
    assert {c.value for c in column(recon, "Classeur vente")} >= {"cahors.xlsx", "figeac.xlsx"}
    assert {c.value for c in column(recon, "Onglet achat")} == {"Dossiers", None}


def test_a_second_sync_changes_nothing_but_the_journal(books: Path, shared: Path) -> None:
    assert sync(books).exit_code == 0
    before = tab_values(shared)

    result = sync(books, "--format", "json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tabs_rewritten"] == []
    assert report["tabs_unchanged"] == list(RESULT_TABS)
    after = tab_values(shared)
    assert list(after) == list(before)
    for name in before:
        if name != "Journal":
            assert after[name] == before[name], name
    assert after["Journal"][1:3] == before["Journal"][1:3]  # header and first line kept
    assert len(after["Journal"]) == len(before["Journal"]) + 1
    assert after["Journal"][-1][7] == "aucun (déjà à jour)"


def test_a_changed_source_rewrites_only_the_tabs_whose_content_changed(books: Path, shared: Path) -> None:
    sync(books)
    office = books.parent / "offices" / "figeac.xlsx"
    workbook = load(office)
    workbook["Dossiers"]["H4"] = 2600  # F-003, a direct client: turnover only
    workbook.save(office)

    report = json.loads(sync(books, "--format", "json").stdout)

    assert report["tabs_rewritten"] == ["Tableau de bord"]
    assert load(shared).sheetnames[3:] == list(OWNED_TABS)  # rewritten in place, order kept


def test_the_expenses_tab_keeps_its_values_and_styles(books: Path, shared: Path) -> None:
    before = look(load(shared)["Dépenses communes"])

    assert sync(books).exit_code == 0
    assert sync(books).exit_code == 0

    after = look(load(shared)["Dépenses communes"])
    assert after == before
    assert after["widths"]["B"] == 36
    assert after["cells"]["C2"][4] == '#,##0.00\\ "€"'
    assert "7B2C3B" in after["cells"]["A1"][3]  # the header's fill colour


def test_other_tabs_of_the_shared_workbook_are_kept(books: Path, shared: Path) -> None:
    before = {name: look(load(shared)[name]) for name in ("Lisez-moi", "Notes de réunion")}

    sync(books)

    workbook = load(shared)
    for name, seen in before.items():
        assert look(workbook[name]) == seen, name
    assert workbook["Lisez-moi"].merged_cells.ranges
    assert workbook["Notes de réunion"]["B3"].value == "=1+1"
    assert workbook["Notes de réunion"]["B3"].data_type == "s"


# -- values read from the sheets come back as typed cells -------------------------


def test_text_beginning_with_formula_characters_comes_back_as_text(books: Path, shared: Path) -> None:
    sync(books)
    workbook = load(shared)

    clients = {c.value: c for c in column(workbook["Rapprochement"], "Client")}
    values = {c.value: c for c in column(workbook["Anomalies"], "Valeur") if c.value}
    for text in TRICKY_TEXTS:
        assert clients[text].data_type == "s", text
        assert values[text].data_type == "s", text
    for name in OWNED_TABS:
        formulas = [c.coordinate for row in workbook[name].iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], name


def test_money_cells_are_numbers_in_euros_and_dates_are_dates(books: Path, shared: Path) -> None:
    sync(books)
    workbook = load(shared)
    recon = workbook["Rapprochement"]

    amounts = [c for c in column(recon, "Montant vendeur") if c.value is not None]
    assert sorted(c.value for c in amounts) == [200, 250, 320, 450]
    for cell in amounts:
        assert cell.data_type == "n"
        assert "€" in cell.number_format
    for cell in column(recon, "Date"):
        assert cell.is_date
        assert isinstance(cell.value, datetime)
        assert cell.number_format == "DD/MM/YYYY"
    balances = workbook["Soldes"]
    net = {row[0].value: row[3] for row in balances.iter_rows(min_row=4, max_row=6)}
    assert Decimal(str(net["Figeac"].value)) == Decimal("-1653.33")
    assert "€" in net["Figeac"].number_format
    rows = column(workbook["Anomalies"], "Ligne")
    assert all(isinstance(c.value, int) for c in rows)


# -- refusals: nothing is written -----------------------------------------------


@pytest.mark.parametrize("lock", ["~$collectif.xlsx", ".~lock.collectif.xlsx#"], ids=["excel", "libreoffice"])
def test_refuses_to_write_a_workbook_open_in_a_spreadsheet_program(
    books: Path, shared: Path, lock: str
) -> None:
    (shared.parent / lock).write_text("lock", encoding="utf-8")
    before = shared.read_bytes()
    folder = files_in(shared.parent)

    result = sync(books)

    assert result.exit_code == 1
    assert "est ouvert dans un tableur" in result.output
    assert lock in result.output
    assert "Rien n'a été écrit" in result.output
    assert shared.read_bytes() == before
    assert files_in(shared.parent) == folder


def test_refuses_to_write_a_workbook_modified_since_it_was_read(config: Any, shared: Path) -> None:
    from lotsync.tabs.results import OWNED_TABS as OWNED

    now = datetime(2026, 6, 30, 9, 0)
    tabs = run_sync(config, as_of=now.date(), now=now, dry_run=True).tabs
    backend = XlsxBackend()
    book = backend.read(str(shared), ["Dépenses communes", *OWNED])

    someone = load(shared)  # a colleague saves the shared workbook meanwhile
    someone["Dépenses communes"]["B4"] = "Éductour d'automne"
    someone.save(shared)
    edited = shared.read_bytes()

    with pytest.raises(WriteError, match="a été modifié pendant la synchronisation"):
        backend.write(book, write_plan(book.tabs, tabs), journal_line(now), now)

    assert shared.read_bytes() == edited
    assert not [name for name in files_in(shared.parent) if name.endswith(".tmp")]


def test_read_then_write_without_interference_writes_every_tab(config: Any, shared: Path) -> None:
    from lotsync.tabs.results import OWNED_TABS as OWNED

    now = datetime(2026, 6, 30, 9, 0)
    tabs = run_sync(config, as_of=now.date(), now=now, dry_run=True).tabs
    backend = XlsxBackend()
    book = backend.read(str(shared), ["Dépenses communes", *OWNED])

    report = backend.write(book, write_plan(book.tabs, tabs), journal_line(now), now)

    assert report.rewritten == list(RESULT_TABS)
    assert report.unchanged == []
    assert load(shared).sheetnames[3:] == list(OWNED_TABS)
    assert load(shared)["Rapprochement"]["A1"].value.startswith(MARKER + "mardi 30 juin 2026 à 09:00")


def test_a_hand_made_tab_with_an_owned_name_is_never_overwritten(books: Path, shared: Path) -> None:
    workbook = load(shared)
    mine = workbook.create_sheet("Soldes")
    mine["A1"] = "Mes calculs à moi"
    mine["B2"] = 1234.5
    workbook.save(shared)
    before = shared.read_bytes()

    result = sync(books, "--format", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["written"] is False
    assert "créé(s) à la main" in report["error"]
    foreign = [a for a in report["anomalies"] if a["kind"] == "foreign_tab"]
    assert [(a["spreadsheet"], a["tab"]) for a in foreign] == [("collectif.xlsx", "Soldes")]
    assert "Renommez-le" in foreign[0]["message"]
    assert "ÉCHEC" in result.stderr
    assert shared.read_bytes() == before


def test_once_the_hand_made_tab_is_renamed_the_sync_writes(books: Path, shared: Path) -> None:
    workbook = load(shared)
    workbook.create_sheet("Soldes")["A1"] = "Mes calculs à moi"
    workbook.save(shared)
    assert sync(books).exit_code == 1

    workbook = load(shared)
    workbook["Soldes"].title = "Mes soldes"
    workbook.save(shared)
    result = sync(books)

    assert result.exit_code == 0, result.output
    workbook = load(shared)
    assert workbook["Mes soldes"]["A1"].value == "Mes calculs à moi"
    assert workbook["Soldes"]["A1"].value.startswith(MARKER)


# -- atomicity and unreadable sources ---------------------------------------------


def test_a_sync_leaves_no_temporary_file_behind(books: Path, shared: Path) -> None:
    folder = files_in(shared.parent)

    assert sync(books).exit_code == 0
    assert sync(books).exit_code == 0

    assert files_in(shared.parent) == folder
    assert files_in(shared.parent / "offices") == ["cahors.xlsx", "dordogne.xlsx", "figeac.xlsx"]


def test_a_failed_replace_leaves_the_workbook_and_the_folder_as_they_were(
    books: Path, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    before = shared.read_bytes()
    folder = files_in(shared.parent)

    def disk_full(src: str, dst: str) -> None:  # the system call fails; lotsync's code runs for real
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    result = sync(books)

    assert result.exit_code == 1
    assert "Écriture impossible dans collectif.xlsx : disque plein. Rien n'a été écrit." in result.output
    assert "No space" not in result.output  # the system's English never reaches anyone
    assert shared.read_bytes() == before
    assert files_in(shared.parent) == folder


UNREADABLE = {
    "missing": "le fichier n'existe pas",
    "text": "c'est un fichier texte, pas un classeur",
    "not-a-zip": "ce n'est pas un classeur .xlsx valide",
    "truncated": "le fichier est abîmé (archive zip incomplète ou corrompue",
}


FULL_DISK = """
import os, sys
from datetime import datetime
from pathlib import Path
from lotsync.adapters.backends import WriteError
from lotsync.adapters.backends.xlsx import XlsxBackend
from lotsync.adapters.config import load_config
from lotsync.app.sync import run_sync
from lotsync.tabs.owned import write_plan
from lotsync.tabs.results import OWNED_TABS, JournalLine, Quantity

config, shared = load_config(sys.argv[1]), Path(sys.argv[2])
now = datetime(2026, 6, 30, 9, 0)
tabs = run_sync(config, as_of=now.date(), now=now, dry_run=True).tabs
backend = XlsxBackend()
book = backend.read(str(shared), ["Dépenses communes", *OWNED_TABS])
# The temporary workbook this process is about to write goes to /dev/full: a disk with no room left.
(shared.parent / f".{shared.name}.lotsync-{os.getpid()}.tmp").symlink_to("/dev/full")
journal = JournalLine(now, "réussie", now.date(), 4, 14, 4, 4, "", Quantity("0.10"), "")
try:
    backend.write(book, write_plan(book.tabs, tabs), journal, now)
except WriteError as error:
    print(error)
"""


def test_a_full_disk_leaves_the_workbook_as_it_was_and_nothing_on_stderr(books: Path, shared: Path) -> None:
    import subprocess
    import sys

    before = shared.read_bytes()
    folder = files_in(shared.parent)

    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(books), str(shared)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (
        done.stdout.strip() == "Écriture impossible dans collectif.xlsx : disque plein. Rien n'a été écrit."
    )
    assert done.stderr == ""  # no "Exception ignored in: <function ZipFile.__del__>", no English
    assert shared.read_bytes() == before
    assert files_in(shared.parent) == folder


@pytest.mark.parametrize("damage", list(UNREADABLE))
def test_an_unreadable_office_becomes_an_anomaly_and_the_sync_still_writes(
    books: Path, shared: Path, damage: str
) -> None:
    office = books.parent / "offices" / "cahors.xlsx"
    if damage == "missing":
        office.unlink()
    elif damage == "text":
        office.write_bytes(b"Ceci n'est pas un classeur.")
    elif damage == "not-a-zip":
        office.write_bytes(bytes(range(256)) * 4)
    else:
        office.write_bytes(office.read_bytes()[:2000])

    result = sync(books, "--format", "json")

    assert result.exit_code == 3, result.output  # partial: Soldes & co keep their last complete figures
    report = json.loads(result.stdout)
    assert (report["written"], report["complete"]) == (True, False)
    [problem] = [a for a in report["anomalies"] if a["kind"] == "source_unreadable"]
    assert (problem["spreadsheet"], problem["office"]) == ("cahors.xlsx", "cahors")
    assert UNREADABLE[damage] in problem["message"]
    assert report["rows_read"]["cahors"] == 0
    anomalies = load(shared)["Anomalies"]
    assert "Classeur illisible" in [c.value for c in column(anomalies, "Problème")]


def test_an_unreadable_shared_workbook_fails_and_writes_nothing(books: Path, shared: Path) -> None:
    shared.unlink()

    result = sync(books)

    assert result.exit_code == 1
    assert "ÉCHEC : Impossible d'ouvrir ce classeur" in result.output
    assert not shared.exists()
