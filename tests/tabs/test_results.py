"""The result tabs as typed rows, and the one tab lotsync reads back: `Soldes`."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF

from lotsync.tabs.results import read_balances_tab


def test_the_balances_a_sync_wrote_read_back_exactly(config: object, shared: Path) -> None:
    from datetime import date, datetime

    from openpyxl import load_workbook

    from lotsync.app.sync import run_sync

    outcome = run_sync(config, as_of=date.fromisoformat(AS_OF), now=datetime(2026, 6, 30, 18, 5))  # type: ignore[arg-type]
    rows = [list(r) for r in load_workbook(shared)["Soldes"].iter_rows(values_only=True)]

    last = read_balances_tab(rows, outcome.books.members)

    assert last is not None
    assert last.since == "mardi 30 juin 2026 à 18:05"
    assert last.balances == outcome.books.balances
    assert [t[:3] for t in last.transfers] == [t[:3] for t in outcome.books.transfers]  # not what it pays


def test_a_tab_without_figures_reads_as_nothing(config: object) -> None:
    from lotsync.core.model import Member

    members = [Member("cahors", "OT Cahors"), Member("figeac", "OT Figeac")]
    placeholder = [
        ["Généré par lotsync le lundi 6 juillet 2026 à 08:00. Ne pas modifier."],
        ["Pas encore de chiffres complets : le tableur de OT Figeac n'a pas pu être lu."],
    ]

    assert read_balances_tab(placeholder, members) is None
    assert read_balances_tab([["une note"]], members) is None
    assert read_balances_tab([], members) is None


def test_no_cell_of_a_result_tab_is_longer_than_a_spreadsheet_accepts() -> None:
    from datetime import date

    from factories import MEMBERS

    from lotsync.core.books import Books
    from lotsync.core.model import Anomaly, AnomalyKind, Where
    from lotsync.core.turnover import dashboard
    from lotsync.tabs.results import MAX_CELL_TEXT, anomalies_tab

    huge = "x" * 100_000  # a cell pasted from somewhere, quoted in the anomaly's message too
    anomaly = Anomaly(AnomalyKind.INVALID_AMOUNT, Where("c.xlsx", "Dossiers", 5), "Montant", huge, huge)
    books = Books(
        date(2026, 6, 30),
        MEMBERS,
        [],
        {},
        [anomaly],
        [],
        [],
        [],
        [],
        [],
        dashboard([], (), date(2026, 6, 30)),
    )

    tab = anomalies_tab(books)

    longest = max(len(c) for row in tab.rows for c in row.cells if isinstance(c, str))
    assert longest <= MAX_CELL_TEXT < 32_767
