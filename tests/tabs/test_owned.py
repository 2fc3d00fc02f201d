"""lotsync's own tabs: nothing a person typed in them is lost (issue 9).

lotsync keeps a fingerprint of what it last wrote in each of its tabs in the workbook itself (a
custom document property, which travels with the file); a tab that differs from it was edited by
hand, and the sync refuses to write, naming the tab, the cells and what to do.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from conftest import AS_OF

from lotsync.tabs.owned import (
    StoredTab,
    edited_by_hand,
    fingerprint,
    fingerprints_after,
    hand_edits,
    is_marked,
    write_plan,
)
from lotsync.tabs.results import OutputTab, Row


def sync(config: Path, *args: str) -> Result:
    from lotsync.cli.commands import cli

    return CliRunner().invoke(cli, ["sync", "--config", str(config), "--as-of", AS_OF, *args])


def edit(shared: Path, tab: str, cell: str, value: object, *, saved_by: str | None = None) -> None:
    """What a person does in Excel or LibreOffice: type in a cell, save."""
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    workbook[tab][cell] = value
    if saved_by:
        workbook.properties.lastModifiedBy = saved_by
    workbook.save(shared)


# -- the fingerprint ----------------------------------------------------------------------------


def test_a_fingerprint_names_the_cells_a_person_changed() -> None:
    written = [("Statut", "Montant"), ("Concordant", 450), ("Vente manquante", 320)]
    kept = fingerprint(written)

    assert hand_edits(written, kept) == []
    assert hand_edits([("Statut", "Montant"), ("Concordant", 450), ("Vente manquante", 300)], kept) == ["B4"]
    note = [*written, (None, None, None, "à voir avec Marine")]
    assert hand_edits(note, kept) == ["D5"]
    assert hand_edits(written[:2], kept) == ["A4", "B4"]  # a row deleted


def test_values_read_back_from_a_workbook_match_what_was_written() -> None:
    from datetime import date, datetime
    from decimal import Decimal

    written = [("Date", "Montant", "Pax"), (date(2026, 3, 10), Decimal("450.00"), 30)]
    read_back = [("Date", "Montant", "Pax"), (datetime(2026, 3, 10), 450.0, 30)]  # as openpyxl gives them

    assert hand_edits(read_back, fingerprint(written)) == []


# -- a tab stored as lotsync wrote it: known without being read ---------------------------------

MARKER = (
    "Généré par lotsync le mardi 30 juin 2026 à 09:00."
    " Ne pas modifier : cet onglet est réécrit à chaque synchronisation."
)
SOLDES = OutputTab(
    "Soldes",
    [Row("header", ("Office", "Solde")), Row("data", ("Cahors", 120)), Row("data", ("Figeac", -120))],
)


def stored(tab: OutputTab, reads: list[str]) -> StoredTab:
    """`tab` as the xlsx backend gives it back when its stored bytes are lotsync's own: `reads`
    records each time its rows are read."""
    rows = [[MARKER], *[list(row.cells) for row in tab.rows]]

    def load() -> list[list[object]]:
        reads.append(tab.name)
        return rows

    return StoredTab(MARKER, fingerprint(rows[1:])["content"], load)


def test_a_stored_tab_gives_its_first_line_without_being_read() -> None:
    reads: list[str] = []
    tab = stored(SOLDES, reads)

    assert is_marked(tab) and tab[0] == [MARKER]
    assert reads == [] and not tab.loaded
    assert list(tab)[2] == ["Cahors", 120]  # its rows, read when asked for
    assert reads == ["Soldes"] and tab.loaded and len(tab) == 4


def test_the_same_figures_leave_a_stored_tab_unread_and_unchanged() -> None:
    reads: list[str] = []
    existing = {"Soldes": stored(SOLDES, reads)}
    kept = {"version": 1, "tabs": {"Soldes": fingerprint([list(r.cells) for r in SOLDES.rows])}}

    plan = write_plan(existing, [SOLDES])

    assert plan.unchanged == ("Soldes",) and plan.rewrite == ()
    assert edited_by_hand(existing, kept) == []  # its bytes are lotsync's: nobody typed in it
    assert fingerprints_after(existing, plan, kept)["tabs"]["Soldes"] == kept["tabs"]["Soldes"]
    assert reads == []


def test_other_figures_rewrite_a_stored_tab() -> None:
    reads: list[str] = []
    existing = {"Soldes": stored(SOLDES, reads)}
    moved = OutputTab(
        "Soldes", [*SOLDES.rows[:1], Row("data", ("Cahors", 121)), Row("data", ("Figeac", -121))]
    )
    one_cent = OutputTab("Soldes", [*SOLDES.rows[:1], Row("data", ("Cahors", 120.01)), SOLDES.rows[2]])

    assert write_plan(existing, [moved]).rewritten == ["Soldes"]
    assert write_plan(existing, [one_cent]).rewritten == ["Soldes"]
    assert reads == []


def test_a_stored_tab_whose_figures_are_kept_keeps_its_fingerprint() -> None:
    """A partial sync keeps the last complete figures and renews only the first line."""
    reads: list[str] = []
    existing = {"Soldes": stored(SOLDES, reads)}
    kept = {"version": 1, "tabs": {"Soldes": fingerprint([list(r.cells) for r in SOLDES.rows])}}
    keep = OutputTab("Soldes", [], keep=MARKER.replace("Généré", "Généré (non mis à jour)"))

    plan = write_plan(existing, [keep])

    assert plan.rewritten == ["Soldes"]
    assert fingerprints_after(existing, plan, kept)["tabs"]["Soldes"] == kept["tabs"]["Soldes"]
    assert reads == []


# -- a note typed into a tab of lotsync's -------------------------------------------------------


def test_a_note_typed_into_rapprochement_survives_the_next_sync(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    edit(shared, "Rapprochement", "Y5", "Marine rappelle le client lundi", saved_by="Marine Konik")
    before = shared.read_bytes()

    result = sync(books)

    assert result.exit_code == 1
    assert shared.read_bytes() == before  # nothing written: the note is still there
    assert load_workbook(shared)["Rapprochement"]["Y5"].value == "Marine rappelle le client lundi"
    message = " ".join(result.output.split())
    assert "« Rapprochement » (Y5)" in message
    assert "enregistré en dernier par Marine Konik : voyez avec cette personne" in message
    assert "copiez-le dans un onglet à vous" in message
    assert "supprimez l'onglet « Rapprochement » : il sera recréé" in message
    assert "Traceback" not in result.output


def test_a_figure_changed_by_hand_in_soldes_is_named(books: Path, shared: Path) -> None:
    assert sync(books).exit_code == 0
    edit(shared, "Soldes", "D4", 0)

    result = sync(books)

    assert result.exit_code == 1
    assert "« Soldes » (D4)" in " ".join(result.output.split())


def test_once_the_note_is_moved_away_lotsync_writes_again(books: Path, shared: Path) -> None:
    assert sync(books).exit_code == 0
    edit(shared, "Rapprochement", "Y5", "note")
    assert sync(books).exit_code == 1
    edit(shared, "Rapprochement", "Y5", None)

    assert sync(books).exit_code == 0


def test_deleting_the_edited_tab_lets_lotsync_recreate_it(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    assert sync(books).exit_code == 0
    edit(shared, "Tableau de bord", "B4", "n'importe quoi")
    assert sync(books).exit_code == 1
    workbook = load_workbook(shared)
    del workbook["Tableau de bord"]
    workbook.save(shared)

    assert sync(books).exit_code == 0
    assert "Tableau de bord" in load_workbook(shared).sheetnames


def test_a_workbook_written_before_fingerprints_existed_is_written_and_gets_one(
    books: Path, shared: Path
) -> None:
    from lotsync.adapters.backends.xlsx import package_notes

    assert sync(books).exit_code == 0
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    workbook.custom_doc_props.props = []
    workbook["Rapprochement"]["Y5"] = "une note d'avant"
    workbook.save(shared)

    assert sync(books).exit_code == 0  # without a fingerprint there is nothing to compare with
    fingerprints, _ = package_notes(shared.read_bytes())
    assert fingerprints is not None
    assert set(fingerprints["tabs"]) == {
        "Rapprochement",
        "Soldes",
        "Répartition",
        "Tableau de bord",
        "Anomalies",
    }


# -- names compared without regard to case --------------------------------------------------------


def test_a_persons_tab_named_soldes_is_theirs_and_never_duplicated(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    workbook.create_sheet("soldes")["A1"] = "mes calculs"
    workbook.save(shared)

    first, second = sync(books), sync(books)

    for result in (first, second):
        assert result.exit_code == 1
        assert "« soldes »" in result.output
        assert "créé(s) à la main" in result.output
    names = load_workbook(shared).sheetnames
    assert "soldes" in names
    assert not [n for n in names if n.startswith("Soldes")]
