"""Hand-made books of the Lot collective, written as real .xlsx files in a temporary folder.

The `books` fixture writes three office workbooks and the shared workbook the way
people fill them (a title block above one header row, each office with its own
header wording, amounts typed as French text, a blank row, cells that begin with
`=`, `+`, `-` or `@`), plus a `lotsync.toml` with relative paths, and returns the
path of that configuration file.

What the books hold, and what lotsync must make of them (as of 2026-06-30):

- Dordogne buys a day from Cahors (D-001 / C-001): amounts, pax, date and status
  agree → `ok`; Cahors' row is `confirmé`, so Dordogne owes Cahors 450.00.
- Figeac buys a day from Cahors (F-001 / C-002): 300.00 against 320,00 € →
  `amount_mismatch`; Cahors' row is `facturé`, so Figeac owes Cahors 320.00.
- Dordogne buys a day from Figeac (D-004 / F-002): the sale is `soldé`, nothing owed.
- Dordogne sells a day to Figeac (D-002) that Figeac never entered → `missing_purchase`.
- `Dépenses communes`: a 1,000.00 fair paid by Cahors, split equally, not yet
  reimbursed (333.34 / 333.33 / 333.33); a 740.00 brochure paid by Figeac with the
  `personnel` key, already reimbursed.
- The configuration's ADN Tourisme fee: 3,000.00 for 2026 paid by Dordogne,
  equal split (1,000.00 each), not reimbursed.
- Four bad cells, each left out and reported: a pax `+33 5 65`, an amount `-x`,
  a status `@foo`, a partner `=HYPERLINK("http://x")`.

Net balances: Cahors +436.66, Dordogne +1,216.67, Figeac −1,653.33.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from fake_google import FakeGoogle

AS_OF = "2026-06-30"
"""The reference date every test passes to `--as-of`, so that results never depend on the clock."""

OWNED_TABS = ("Rapprochement", "Soldes", "Répartition", "Tableau de bord", "Anomalies", "Journal")
RESULT_TABS = OWNED_TABS[:-1]

HYPERLINK = '=HYPERLINK("http://x")'
"""Typed as text in a sheet; openpyxl would store it as a formula if lotsync were careless."""
TRICKY_TEXTS = (HYPERLINK, "+33 5 65", "-x", "@foo")

DEFAULT_HEADER = (
    "Référence", "Client", "Prestation", "Date", "Date fin", "Pax", "Statut",
    "Montant TTC", "OT partenaire", "Sens", "Réf. partenaire", "Prix revente",
)  # fmt: skip

CAHORS_ROWS = [
    ("C-001", "Autocars du Quercy", "journée", date(2026, 3, 10), None, 30, "confirmé", 450,
     "Dordogne", "vente", "D-001", None),
    ("C-002", "Club des aînés de Figeac", "Journée", "12/04/2026", None, 20, "facturé", "320,00 €",
     "figeac", "vente", "F-001", None),
    ("C-003", "Agence Sud Voyages", "visite", date(2026, 5, 5), None, 25, "soldé", 600,
     None, None, None, None),
    (None,) * 12,
    ("C-004", "Tour Lot Évasion", "séjour", date(2025, 5, 10), date(2025, 5, 12), 40, "confirmé",
     "1 234,50 €", None, None, None, None),
    ("C-005", "Groupe scolaire", "visite", date(2026, 6, 2), None, "+33 5 65", "confirmé", 180,
     None, None, None, None),
]  # fmt: skip

DORDOGNE_HEADER = ("Réf", "Groupe", "Type", "Date début", "Nb pax", "État", "Montant", "Partenaire",
                   "Achat/Vente", "Réf. OT")  # fmt: skip
DORDOGNE_ROWS = [
    ("D-001", HYPERLINK, "journée", date(2026, 3, 10), 30, "OK", 450, "Cahors", "achat", "C-001"),
    ("D-002", "@foo", "journée", date(2026, 6, 20), 15, "confirmé", 250, "Figeac", "vente", None),
    ("D-003", "Comité d'entreprise", "visite", date(2026, 2, 14), 12, "validé", "-x", None, None, None),
    ("D-004", "+33 5 65", "journée", date(2026, 4, 1), 10, "confirmé", 200, "Figeac", "achat", "F-002"),
]  # fmt: skip

FIGEAC_ROWS = [
    ("F-001", "-x", "journée", date(2026, 4, 12), None, 20, "confirmé", 300, "Cahors", "achat", "C-002",
     None),
    ("F-002", "Autocars Figeac", "journée", date(2026, 4, 1), None, 10, "soldé", 200, "Dordogne", "vente",
     "D-004", None),
    ("F-003", "Séminaire Ratier", "affaires", date(2026, 1, 20), None, 50, "confirmé", 2500, None, None,
     None, None),
    ("F-004", "Randonneurs", "visite", date(2026, 3, 1), None, 10, "@foo", 150, None, None, None, None),
    ("F-005", "Amis de Capdenac", "journée", date(2026, 5, 1), None, 10, "option", 90, HYPERLINK, "achat",
     None, None),
]  # fmt: skip

EXPENSE_HEADER = ("Date", "Libellé", "Montant", "Payé par", "Répartition", "Catégorie", "Remboursé")
EXPENSE_ROWS = [
    (date(2026, 2, 1), "Salon Rendez-vous en France", 1000, "cahors", "égale", "Salon", "non"),
    (date(2026, 3, 15), "Brochure collective", 740, "Figeac", "personnel", "Édition", "oui"),
]

CONFIG = """\
[collective]
name = "Collectif des offices de tourisme du Lot"
timezone = "Europe/Paris"

[shared]
source = "collectif.xlsx"

[[members]]
id = "cahors"
name = "Office de tourisme Cahors – Vallée du Lot"
aliases = ["Cahors"]
source = "offices/cahors.xlsx"

[[members]]
id = "dordogne"
name = "Office de tourisme Vallée de la Dordogne"
aliases = ["Dordogne", "Vallée de la Dordogne"]
source = "offices/dordogne.xlsx"

[[members]]
id = "figeac"
name = "Office de tourisme Grand Figeac"
aliases = ["Figeac"]
source = "offices/figeac.xlsx"

[split_keys]
personnel = { cahors = 33, dordogne = 30, figeac = 11 }

[[fees]]
year = 2026
amount = "3000.00"
paid_by = "dordogne"
"""


def put_rows(sheet: Any, rows: list[tuple[Any, ...]], start: int = 1) -> None:
    """Write rows as a person would have typed them: text stays text, even `=…`."""
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a text cell, as Excel stores `'=HYPERLINK(…)`
            elif isinstance(value, date | datetime):
                cell.number_format = "DD/MM/YYYY"


def _office_workbook(path: Path, rows: list[tuple[Any, ...]], title: list[str] | None = None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    start = 1
    if title:
        put_rows(sheet, [(line,) for line in title])
        start = len(title) + 2  # a blank line between the title block and the header
    put_rows(sheet, rows, start)
    workbook.save(path)


def style_expenses(sheet: Any) -> None:
    """Fonts, fills, number formats and widths that a sync must leave exactly as they are."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    for cell in sheet[1]:
        cell.font = Font(name="Calibri", bold=True, color="FFFFFF", size=11)
        cell.fill = PatternFill("solid", fgColor="7B2C3B")
        cell.alignment = Alignment(horizontal="center")
        cell.border = Border(bottom=thin)
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = "DD/MM/YYYY"
        row[2].number_format = '#,##0.00\\ "€"'
        row[1].font = Font(italic=True, color="333333")
        row[6].fill = PatternFill("solid", fgColor="FFF2CC")
    for letter, width in zip("ABCDEFG", (12, 36, 14, 14, 22, 14, 11), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def write_shared(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    readme.title = "Lisez-moi"
    readme["A1"] = "Classeur partagé du collectif"
    readme["A1"].font = Font(bold=True, size=14)
    readme["A3"] = "Saisir les dépenses dans l'onglet « Dépenses communes »."
    readme.merge_cells("A1:D1")
    expenses = workbook.create_sheet("Dépenses communes")
    put_rows(expenses, [EXPENSE_HEADER, *EXPENSE_ROWS])
    style_expenses(expenses)
    notes = workbook.create_sheet("Notes de réunion")
    put_rows(notes, [("Date", "Sujet"), (date(2026, 1, 15), "Éductour de printemps"), (None, "=1+1")])
    workbook.save(path)


def write_books(root: Path) -> Path:
    """Write the whole hand-made collective under `root`; return the configuration's path."""
    offices = root / "offices"
    offices.mkdir(parents=True, exist_ok=True)
    _office_workbook(
        offices / "cahors.xlsx",
        [DEFAULT_HEADER, *CAHORS_ROWS],
        title=["Office de tourisme Cahors – Vallée du Lot", "Dossiers groupes 2025-2026"],
    )
    _office_workbook(offices / "dordogne.xlsx", [DORDOGNE_HEADER, *DORDOGNE_ROWS])
    _office_workbook(offices / "figeac.xlsx", [DEFAULT_HEADER, *FIGEAC_ROWS])
    write_shared(root / "collectif.xlsx")
    config = root / "lotsync.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """Three office workbooks, the shared workbook and `lotsync.toml`; returns the config path."""
    return write_books(tmp_path / "collectif")


@pytest.fixture
def shared(books: Path) -> Path:
    """The shared workbook of `books`."""
    return books.parent / "collectif.xlsx"


@pytest.fixture
def config(books: Path) -> Any:
    """The loaded configuration of `books`."""
    from lotsync.adapters.config import load_config

    return load_config(books)


@pytest.fixture(autouse=True)
def _every_request_keeps_googles_contract(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail any test in which an emulator refused a request as Google's front end would (unknown
    field, wrong type or enum, bad field mask…), unless the test is marked `breaks_contract`
    because it sends one on purpose: what lotsync sends must pass the discovery contract in the
    whole suite, not only where a test looks. Every emulator the test starts is watched, the
    `google` fixture's and those `lotsync demo --google` starts in the process."""
    started: list[FakeGoogle] = []
    start = FakeGoogle.start

    def watched(emulator: FakeGoogle) -> FakeGoogle:
        started.append(emulator)
        return start(emulator)

    monkeypatch.setattr(FakeGoogle, "start", watched)
    yield
    if request.node.get_closest_marker("breaks_contract"):
        return
    refused = [entry for emulator in started for entry in emulator.log.refused()]
    assert not refused, "requests Google would refuse: " + "; ".join(
        f"{entry.method} {entry.path}: {entry.refused}" for entry in refused
    )


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    """A started Google emulator on a free port of 127.0.0.1, its faults cleared and stopped after
    the test: the one emulator fixture of every test (tests/emulator and tests/adapters/google too)."""
    emulator = FakeGoogle().start()
    try:
        yield emulator
    finally:
        emulator.faults.clear()
        emulator.stop()
