"""Incomplete books are never published as complete (issue 9).

When an office's file, tab or header cannot be read, the tabs whose figures depend on it
(`Rapprochement`, `Soldes`, `Tableau de bord`; `Soldes` and `Répartition` for the shared cost tabs)
keep their last complete figures under a first line that says since when and why; `Anomalies` and
`Journal` are written; the exit code is 3 ("partial") and the JSON says `complete: false`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF

from lotsync.cli.commands import EXIT_PARTIAL, cli


def sync(config: Path, *args: str, as_of: str = AS_OF) -> Result:
    return CliRunner().invoke(cli, ["sync", "--config", str(config), "--as-of", as_of, *args])


def tabs(shared: Path) -> dict[str, list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    return {
        name: [tuple(r) for r in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames
    }


def break_office(books: Path, how: str) -> None:
    office = books.parent / "offices" / "figeac.xlsx"
    if how == "missing-file":
        office.unlink()
    elif how == "csv-named-xlsx":
        office.write_text("Référence;Date\nF-001;12/04/2026\n", encoding="utf-8")
    elif how == "missing-tab":
        from openpyxl import load_workbook

        workbook = load_workbook(office)
        workbook["Dossiers"].title = "Dossiers 2026"
        workbook.save(office)
    elif how == "ods":  # saved from LibreOffice in its own format, under the old name
        import zipfile

        with zipfile.ZipFile(office, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<office:document-content/>")
    elif how == "missing-header":
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.title = "Dossiers"
        workbook.active.append(["Suivi des groupes"])
        workbook.active.append(["F-001", "Club", "journée"])
        workbook.save(office)
    elif how == "missing-column":
        from openpyxl import load_workbook

        workbook = load_workbook(office)
        sheet = workbook["Dossiers"]
        sheet.cell(row=1, column=4).value = "Jour"  # the "Date" header, renamed: no start date column
        workbook.save(office)


@pytest.mark.parametrize(
    "how", ["missing-file", "csv-named-xlsx", "ods", "missing-tab", "missing-header", "missing-column"]
)
def test_an_unreadable_office_keeps_the_last_complete_balances_and_says_why(
    books: Path, shared: Path, how: str
) -> None:
    assert sync(books).exit_code == 0
    before = tabs(shared)
    break_office(books, how)

    result = sync(books, "--format", "json", as_of="2026-07-01")

    assert result.exit_code == EXIT_PARTIAL == 3, result.output
    report = json.loads(result.stdout)
    assert (report["written"], report["complete"]) == (True, False)
    [gap] = report["gaps"]
    assert gap["office"] == "figeac"
    assert gap["reason"].startswith("le tableur de Figeac ")
    assert report["tabs_kept"] == ["Rapprochement", "Soldes", "Tableau de bord"]
    after = tabs(shared)
    for name in ("Rapprochement", "Soldes", "Tableau de bord"):
        assert after[name][1:] == before[name][1:], name  # the last complete figures, untouched
        first = after[name][0][0]
        when = before[name][0][0].removeprefix("Généré par lotsync le ").split(".")[0]
        assert first.startswith(f"Généré par lotsync le {when}. NON MIS À JOUR depuis le {when} : ")
        assert gap["reason"] in first
    assert after["Répartition"][1:] == before["Répartition"][1:]  # fed by the shared tab only: fresh
    assert "NON MIS À JOUR" not in after["Répartition"][0][0]
    assert any(row[2] == "Figeac" or "figeac" in str(row[0]) for row in after["Anomalies"][2:])
    journal = after["Journal"][-1]
    assert journal[1] == "partielle"
    assert journal[-1].startswith(f"INCOMPLET : {gap['reason']}.")


def test_the_text_summary_shows_no_balance_computed_without_an_office(books: Path) -> None:
    assert sync(books).exit_code == 0
    break_office(books, "missing-file")

    result = sync(books)

    assert result.exit_code == 3
    assert "INCOMPLET : le tableur de Figeac n'a pas pu être lu." in result.output
    assert "Soldes et virements non recalculés" in result.output
    assert "Virements suggérés" not in result.output
    assert "Soldes (positif" not in result.output


def test_a_second_partial_sync_keeps_the_date_of_the_last_complete_figures(books: Path, shared: Path) -> None:
    assert sync(books).exit_code == 0
    complete_line = tabs(shared)["Soldes"][0][0]
    break_office(books, "missing-file")
    assert sync(books, as_of="2026-07-01").exit_code == 3
    first_partial = tabs(shared)["Soldes"][0][0]

    result = sync(books, "--format", "json", as_of="2026-07-02")

    assert result.exit_code == 3
    assert "Soldes" in json.loads(result.stdout)["tabs_unchanged"]  # the same first line: nothing to redo
    assert tabs(shared)["Soldes"][0][0] == first_partial
    when = complete_line.removeprefix("Généré par lotsync le ").split(".")[0]
    assert f"depuis le {when}" in first_partial


def test_without_any_complete_figures_yet_the_tabs_say_so_and_show_no_figure(
    books: Path, shared: Path
) -> None:
    break_office(books, "missing-file")

    result = sync(books)

    assert result.exit_code == 3
    soldes = tabs(shared)["Soldes"]
    assert soldes[1][0].startswith(
        "Pas encore de chiffres complets : le tableur de Figeac n'a pas pu être lu."
    )
    assert len([r for r in soldes if any(v is not None for v in r)]) == 2


def test_once_the_office_is_readable_again_everything_is_recomputed(books: Path, shared: Path) -> None:
    original = (books.parent / "offices" / "figeac.xlsx").read_bytes()
    assert sync(books).exit_code == 0
    complete = tabs(shared)
    break_office(books, "missing-file")
    assert sync(books).exit_code == 3
    (books.parent / "offices" / "figeac.xlsx").write_bytes(original)

    result = sync(books, "--format", "json")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["complete"] is True
    again = tabs(shared)
    assert "NON MIS À JOUR" not in again["Soldes"][0][0]
    assert again["Soldes"][1:] == complete["Soldes"][1:]


def test_a_missing_expenses_tab_keeps_soldes_and_repartition(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    workbook = load_workbook(shared)
    workbook["Dépenses communes"].title = "Depenses"
    workbook.save(shared)

    result = sync(books, "--format", "json")

    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert [g["office"] for g in report["gaps"]] == [None]
    assert "l'onglet « Dépenses communes » du classeur partagé" in report["gaps"][0]["reason"]
    assert report["tabs_kept"] == ["Soldes", "Répartition"]
    assert "NON MIS À JOUR" not in tabs(shared)["Rapprochement"][0][0]


def test_a_dry_run_of_incomplete_books_also_says_partial(books: Path, shared: Path) -> None:
    break_office(books, "missing-tab")
    before = shared.read_bytes()

    result = sync(books, "--dry-run", "--format", "json")

    assert result.exit_code == 3
    assert json.loads(result.stdout)["complete"] is False
    assert shared.read_bytes() == before
