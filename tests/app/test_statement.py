"""`lotsync statement`: one office's items to pay and to collect, and its margin statement.

The books, small and computed by hand (as of 2026-06-30, financial year = calendar year):

- Cahors sells Figeac C-1 (10/03/2026, `facturé`, 450.00, invoice FC-101; Figeac's row says it
  received invoice F-ACH-1: the two numbers differ), C-2 (10/04/2026, `confirmé`, 300.00),
  C-4 (15/11/2025, `confirmé`, 120.00: last year's, still open) and C-5 (10/10/2025, `soldé`,
  80.00: last year's, settled).
- Dordogne sells Cahors D-1 (05/05/2026, `confirmé`, 200.00, invoice VD-7), which Cahors bought
  as C-3 and resells 200.00 (no margin). Figeac resells C-2 (its F-2) 320.00: a margin of 20.00.
- The 90.00 fair paid by Cahors is split equally (30.00 each); `Remboursé` says Figeac has paid
  its share, Dordogne has not.
- `Règlements` row 2: Figeac pays Cahors 500.00 on 02/05/2026 for FC-101: 450.00 settles C-1, the
  other 50.00 the oldest open item between them, C-4 (70.00 left).
- `Règlements` row 3: Cahors pays Dordogne 250.00 on 01/06/2026 for VD-7: 200.00 settles D-1, the
  50.00 over is an overpayment, a refund Dordogne owes Cahors.

Cahors' statement: to pay D-1 (settled); to collect from Dordogne the fair's 30.00 and the 50.00
refund, from Figeac C-4 (70.00 open), the fair (paid), C-1 (paid) and C-2 (300.00 open): 980.00
in all, 530.00 paid, 450.00 open.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lotsync.adapters.config import Config
from lotsync.app import french
from lotsync.app.statement import (
    COLLECT,
    PAY,
    AccountStatement,
    Line,
    PaymentPart,
    account_statement,
    margin_statement,
    margin_table,
    margins_json,
    margins_text,
    payments_cell,
    period,
    render,
    statement_json,
    statement_table,
    statement_text,
    to_csv,
    to_xlsx,
)
from lotsync.core.books import Books, Inputs, compute_books
from lotsync.core.dossiers import Sheet
from lotsync.core.model import Anomaly, AnomalyKind, Where

AS_OF = date(2026, 6, 30)
THIS_YEAR = period(AS_OF, 1, None)

HEADER = ["Référence", "Client", "Prestation", "Date", "Statut", "Montant", "OT partenaire", "Sens",
          "Réf. partenaire", "Prix revente", "N° facture"]  # fmt: skip


def day(
    ref: str, client: str, on: date, status: str, amount: int, partner: str, direction: str, partner_ref: str,
    resale: int | None = None, invoice: str | None = None,
) -> list[Any]:  # fmt: skip
    """One row of an office's dossier tab, as people type it."""
    return [ref, client, "journée", on, status, amount, partner, direction, partner_ref, resale, invoice]


CAHORS = [
    HEADER,
    day("C-1", "Aînés", date(2026, 3, 10), "facturé", 450, "figeac", "vente", "F-1", invoice="FC-101"),
    day("C-2", "Amis du Lot", date(2026, 4, 10), "confirmé", 300, "figeac", "vente", "F-2"),
    day("C-3", "Chorale", date(2026, 5, 5), "confirmé", 200, "dordogne", "achat", "D-1", resale=200),
    day("C-4", "Randonneurs", date(2025, 11, 15), "confirmé", 120, "figeac", "vente", "F-4"),
    day("C-5", "Lycée Champollion", date(2025, 10, 10), "soldé", 80, "figeac", "vente", "F-5"),
]
FIGEAC = [
    HEADER,
    day("F-1", "Aînés", date(2026, 3, 10), "confirmé", 450, "cahors", "achat", "C-1", invoice="F-ACH-1"),
    day("F-2", "Amis du Lot", date(2026, 4, 10), "confirmé", 300, "cahors", "achat", "C-2", resale=320),
    day("F-4", "Randonneurs", date(2025, 11, 15), "confirmé", 120, "cahors", "achat", "C-4"),
    day("F-5", "Lycée Champollion", date(2025, 10, 10), "confirmé", 80, "cahors", "achat", "C-5"),
]
DORDOGNE = [
    HEADER,
    day("D-1", "Chorale", date(2026, 5, 5), "confirmé", 200, "cahors", "vente", "C-3", invoice="VD-7"),
]
EXPENSES: list[list[Any]] = [
    ["Date", "Libellé", "Montant", "Payé par", "Répartition", "Remboursé"],
    [date(2026, 2, 1), "Salon des CE", 90, "cahors", "égale", "figeac"],
]
PAYMENTS: list[list[Any]] = [
    ["Date", "De", "À", "Montant", "Références", "Mode"],
    [date(2026, 5, 2), "figeac", "cahors", 500, "FC-101", "virement"],
    [date(2026, 6, 1), "cahors", "dordogne", 250, "VD-7", "mandat"],
]
REFUND = "Trop-perçu du règlement du 01/06/2026 (ligne 3)"
ZERO = Decimal("0.00")

CONFIG = Config.model_validate(
    {
        "shared": {"source": "collectif.xlsx"},
        "members": [
            {"id": "cahors", "name": "Office de tourisme de Cahors", "aliases": ["OT Cahors"],
             "source": "cahors.xlsx"},
            {"id": "dordogne", "name": "Office de tourisme Vallée de la Dordogne", "aliases": ["OT Dordogne"],
             "source": "dordogne.xlsx"},
            {"id": "figeac", "name": "Office de tourisme du Grand Figeac", "aliases": ["OT Figeac"],
             "source": "figeac.xlsx"},
        ],
    }
)  # fmt: skip
NAMES = {"cahors": "OT Cahors", "dordogne": "OT Dordogne", "figeac": "OT Figeac"}


def books(*, dordogne_unreadable: bool = False) -> Books:
    problems = []
    if dordogne_unreadable:
        where = Where("dordogne.xlsx", "Dossiers", 1)
        problems.append(Anomaly(AnomalyKind.SOURCE_UNREADABLE, where, "", "", "illisible", "dordogne"))
    offices = {
        "cahors": Sheet("cahors.xlsx", "Dossiers", CAHORS),
        "figeac": Sheet("figeac.xlsx", "Dossiers", FIGEAC),
        "dordogne": None if dordogne_unreadable else Sheet("dordogne.xlsx", "Dossiers", DORDOGNE),
    }
    shared = {
        "expenses": Sheet("collectif.xlsx", "Dépenses communes", EXPENSES),
        "payments": Sheet("collectif.xlsx", "Règlements", PAYMENTS),
    }
    return compute_books(Inputs(offices, shared, problems), CONFIG.rules(), AS_OF)


@pytest.fixture(scope="module")
def cahors() -> AccountStatement:
    return account_statement(books(), "cahors", None, THIS_YEAR)


def summary(lines: tuple[Line, ...]) -> list[tuple[str, str, str, str, str, str]]:
    """(direction, partner, source, date, label or own ref, open) of each line."""
    return [
        (x.direction, x.partner, x.source, x.on.isoformat(), x.ref or x.label, f"{x.open}") for x in lines
    ]


# -- which items, in which order -----------------------------------------------------------


def test_one_line_per_item_to_pay_then_to_collect_by_partner_and_date(cahors: AccountStatement) -> None:
    assert summary(cahors.lines) == [
        (PAY, "dordogne", "day", "2026-05-05", "C-3", "0.00"),
        (COLLECT, "dordogne", "expense", "2026-02-01", "Salon des CE", "30.00"),
        (COLLECT, "dordogne", "refund", "2026-06-01", REFUND, "50.00"),
        (COLLECT, "figeac", "day", "2025-11-15", "C-4", "70.00"),  # last year's, still open
        (COLLECT, "figeac", "expense", "2026-02-01", "Salon des CE", "0.00"),
        (COLLECT, "figeac", "day", "2026-03-10", "C-1", "0.00"),
        (COLLECT, "figeac", "day", "2026-04-10", "C-2", "300.00"),
    ]  # C-5, last year's and settled, is not in this year's statement


def test_each_side_sees_its_own_reference_first_and_both_invoice_numbers(cahors: AccountStatement) -> None:
    bought = cahors.lines[0]
    assert (bought.ref, bought.partner_ref, bought.invoice) == ("C-3", "D-1", "VD-7")
    sold = next(x for x in cahors.lines if x.ref == "C-1")
    assert (sold.partner_ref, sold.invoice, sold.other_invoice) == ("F-1", "FC-101", "F-ACH-1")

    figeac = account_statement(books(), "figeac", "cahors", THIS_YEAR)
    same_day = next(x for x in figeac.lines if x.ref == "F-1")
    assert (same_day.direction, same_day.partner_ref, same_day.invoice) == (PAY, "C-1", "FC-101")


def test_each_item_carries_the_payments_matched_to_it_with_their_dates(cahors: AccountStatement) -> None:
    by_ref = {x.ref or f"{x.partner}:{x.label}": x for x in cahors.lines}

    assert by_ref["C-1"].payments == (PaymentPart(date(2026, 5, 2), 2, Decimal("450.00"), "virement"),)
    assert by_ref["C-4"].payments == (PaymentPart(date(2026, 5, 2), 2, Decimal("50.00"), "virement"),)
    assert by_ref["C-3"].payments == (PaymentPart(date(2026, 6, 1), 3, Decimal("200.00"), "mandat"),)
    assert by_ref["C-2"].payments == ()
    # A share marked paid in `Remboursé`: settled, by no payment row
    share = by_ref["figeac:Salon des CE"]
    assert (share.paid, share.payments, share.paid_outside) == (Decimal("30.00"), (), Decimal("30.00"))
    assert payments_cell(by_ref["C-1"]) == "450,00\u00a0€ le 02/05/2026 (virement, ligne 2)"
    assert payments_cell(share) == "30,00\u00a0€ par la part marquée « Remboursé »"


def test_a_partner_narrows_the_statement_to_that_pair() -> None:
    with_dordogne = account_statement(books(), "cahors", "dordogne", THIS_YEAR)

    assert {x.partner for x in with_dordogne.lines} == {"dordogne"}
    assert [x.source for x in with_dordogne.lines] == ["day", "expense", "refund"]


def test_a_year_gives_the_items_of_that_financial_year_open_or_not() -> None:
    last_year = account_statement(books(), "cahors", None, period(AS_OF, 1, 2025))

    assert summary(last_year.lines) == [
        (COLLECT, "figeac", "day", "2025-10-10", "C-5", "0.00"),
        (COLLECT, "figeac", "day", "2025-11-15", "C-4", "70.00"),
    ]
    assert payments_cell(last_year.lines[0]) == "80,00\u00a0€ par la vente marquée « soldé »"


def test_a_financial_year_is_named_by_the_year_it_begins_in() -> None:
    assert period(date(2026, 6, 30), 9, 2025) == (date(2025, 9, 1), date(2026, 8, 31), 2025)
    assert period(date(2026, 6, 30), 9, None) == (date(2025, 9, 1), None, None)
    assert period(date(2026, 9, 1), 9, None).start == date(2026, 9, 1)


def test_an_unreadable_office_makes_only_the_statements_that_depend_on_it_incomplete() -> None:
    partial = books(dordogne_unreadable=True)

    assert [g.source for g in account_statement(partial, "cahors", None, THIS_YEAR).gaps] == ["dordogne"]
    assert account_statement(partial, "cahors", "figeac", THIS_YEAR).gaps == ()
    assert margin_statement(partial, "cahors", None, THIS_YEAR).gaps == ()  # Cahors' own sheet only


# -- the margin statement ---------------------------------------------------------------------


def test_the_margin_statement_lists_the_days_bought_with_a_resale_price() -> None:
    cahors = margin_statement(books(), "cahors", None, THIS_YEAR)
    figeac = margin_statement(books(), "figeac", None, THIS_YEAR)

    assert [(m.ref, m.on, m.partner, m.purchase, m.resale, m.margin) for m in cahors.lines] == [
        ("C-3", date(2026, 5, 5), "dordogne", Decimal("200.00"), Decimal("200.00"), ZERO)
    ]
    assert [(m.ref, m.margin) for m in figeac.lines] == [("F-2", Decimal("20.00"))]
    assert cahors.period.end == date(2026, 12, 31)  # this financial year: a margin is never "open"
    assert margin_statement(books(), "cahors", "figeac", THIS_YEAR).lines == ()
    assert margin_statement(books(), "cahors", None, period(AS_OF, 1, 2025)).lines == ()


def test_the_margin_text_flags_a_margin_and_leaves_vat_to_the_accountant() -> None:
    text = margins_text(margin_statement(books(), "figeac", None, THIS_YEAR), NAMES)

    lines = text.splitlines()
    assert lines[0] == "Marges de OT Figeac au 30/06/2026"
    [f2] = [line for line in lines if "F-2" in line]
    assert "300,00\u00a0€" in f2 and "320,00\u00a0€" in f2 and f2.endswith(french.MARGIN_NOT_ZERO)
    assert "Total : achat 300,00\u00a0€, revente 320,00\u00a0€, marge 20,00\u00a0€" in text
    assert lines[-1] == french.MARGIN_RULE
    assert "marge nulle" in french.MARGIN_RULE and "TVA" in french.MARGIN_RULE


def test_the_margin_json_and_csv() -> None:
    statement = margin_statement(books(), "cahors", None, THIS_YEAR)

    doc = margins_json(statement)
    assert doc["margins"] == [
        {"office": "cahors", "ref": "C-3", "date": "2026-05-05", "client": "Chorale",
         "partner": "dordogne", "purchase": "200.00", "resale": "200.00", "margin": "0.00"}
    ]  # fmt: skip
    assert (doc["year"], doc["since"], doc["until"], doc["older_open"]) == (
        2026,
        "2026-01-01",
        "2026-12-31",
        False,
    )
    assert doc["totals"] == {"count": 1, "purchase": "200.00", "resale": "200.00", "margin": "0.00"}
    assert doc["note"] == french.MARGIN_RULE and doc["complete"] is True

    rows = read_csv(to_csv(margin_table(statement)))
    assert rows == [
        list(french.MARGIN_COLUMNS),
        ["cahors", "C-3", "05/05/2026", "Chorale", "dordogne",
         "Office de tourisme Vallée de la Dordogne", "200,00", "200,00", "0,00"],
    ]  # fmt: skip


# -- the CSV ------------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_csv_has_the_fixed_header_and_french_numbers(cahors: AccountStatement) -> None:
    data = to_csv(statement_table(cahors))

    rows = read_csv(data)
    assert rows[0] == [
        "Office", "Partenaire", "Nom du partenaire", "Sens", "Nature", "Date", "Notre référence",
        "Référence du partenaire", "N° facture", "Autre n° facture", "Libellé", "Montant", "Réglé",
        "Reste dû", "Règlements",
    ]  # fmt: skip
    assert rows[1] == [
        "cahors", "dordogne", "Office de tourisme Vallée de la Dordogne", "payer", "Journée",
        "05/05/2026", "C-3", "D-1", "VD-7", "", "Chorale", "200,00", "200,00", "0,00",
        "200,00\u00a0€ le 01/06/2026 (mandat, ligne 3)",
    ]  # fmt: skip
    assert [r[3] for r in rows[1:]] == ["payer"] + ["encaisser"] * 6
    assert [r[4] for r in rows[2:4]] == ["Dépense commune", "Trop-perçu"]
    assert data.count(b"\r\n") == len(rows)


def test_the_csv_header_is_there_even_without_any_line() -> None:
    empty = account_statement(books(), "dordogne", "figeac", THIS_YEAR)

    assert empty.lines == ()
    assert read_csv(to_csv(statement_table(empty))) == [list(french.STATEMENT_COLUMNS)]


def test_a_text_that_would_start_a_formula_is_kept_as_text() -> None:
    table = statement_table(account_statement(books(), "cahors", "dordogne", THIS_YEAR))
    table.rows[0] = (*table.rows[0][:10], '=HYPERLINK("http://x")', *table.rows[0][11:])

    assert read_csv(to_csv(table))[1][10] == '\'=HYPERLINK("http://x")'

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    assert sheet.cell(row=2, column=11).data_type == "s"
    assert sheet.cell(row=2, column=11).value == '=HYPERLINK("http://x")'


# -- the workbook ---------------------------------------------------------------------------------


def test_the_workbook_has_real_numbers_and_dates_a_frozen_header(cahors: AccountStatement) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(to_xlsx(statement_table(cahors))))
    sheet = workbook["Relevé"]

    assert [c.value for c in sheet[1]] == list(french.STATEMENT_COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    date_cell, amount_cell = sheet["F2"], sheet["L2"]
    assert date_cell.value == datetime(2026, 5, 5) and date_cell.number_format == "DD/MM/YYYY"
    assert amount_cell.value == 200 and "€" in amount_cell.number_format
    assert [row[13].value for row in sheet.iter_rows(min_row=2)] == [0, 30, 50, 70, 0, 0, 300]
    assert workbook.sheetnames == ["Relevé"]  # nothing to read beside complete figures


def test_an_incomplete_statement_says_so_on_a_second_sheet() -> None:
    from openpyxl import load_workbook

    partial = account_statement(books(dordogne_unreadable=True), "cahors", None, THIS_YEAR)
    workbook = load_workbook(io.BytesIO(to_xlsx(statement_table(partial))))

    assert workbook.sheetnames == ["Relevé", "À lire"]
    assert str(workbook["À lire"]["A1"].value).startswith("INCOMPLET : ")


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FIRST_SHEET_CSV = "csv:Text - txt - csv (StarCalc):59,34,UTF8,1,,1033,false,true,false,false,false"
"""`;`, `"`, UTF-8, from row 1, language en-US, raw values (not as shown): numbers `1234.5`,
dates `MM/DD/YYYY`, whatever the machine's locale."""


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_opens_the_workbook_and_reads_numbers_and_dates(
    cahors: AccountStatement, tmp_path: Path
) -> None:
    assert SOFFICE is not None
    workbook = tmp_path / "releve.xlsx"
    workbook.write_bytes(to_xlsx(statement_table(cahors)))

    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            FIRST_SHEET_CSV,
            "--outdir",
            str(tmp_path / "csv"),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    with open(tmp_path / "csv" / "releve.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == list(french.STATEMENT_COLUMNS)
    assert len(rows) == 1 + len(cahors.lines)
    # Real cells: a number LibreOffice writes as a number, a date as a date (text would stay as typed)
    assert [Decimal(r[13]) for r in rows[1:]] == [x.open for x in cahors.lines]
    assert [datetime.strptime(r[5], "%m/%d/%Y").date() for r in rows[1:]] == [x.on for x in cahors.lines]
    assert rows[1][14] == "200,00\u00a0€ le 01/06/2026 (mandat, ligne 3)"


# -- JSON and text -------------------------------------------------------------------------------


def test_the_json_uses_codes_iso_dates_and_amounts_as_strings(cahors: AccountStatement) -> None:
    doc = statement_json(cahors)

    assert doc["lines"][0] == {
        "office": "cahors",
        "partner": "dordogne",
        "partner_name": "Office de tourisme Vallée de la Dordogne",
        "direction": "pay",
        "source": "day",
        "date": "2026-05-05",
        "ref": "C-3",
        "partner_ref": "D-1",
        "invoice": "VD-7",
        "other_invoice": "",
        "label": "Chorale",
        "amount": "200.00",
        "paid": "200.00",
        "open": "0.00",
        "payments": [{"date": "2026-06-01", "row": 3, "amount": "200.00", "mode": "mandat"}],
        "paid_outside": "0.00",
    }
    assert doc["totals"] == {
        "pay": {"count": 1, "amount": "200.00", "paid": "200.00", "open": "0.00"},
        "collect": {"count": 6, "amount": "980.00", "paid": "530.00", "open": "450.00"},
    }
    assert {k: doc[k] for k in ("office", "partner", "as_of", "year", "since", "until", "older_open")} == {
        "office": "cahors", "partner": None, "as_of": "2026-06-30", "year": None,
        "since": "2026-01-01", "until": None, "older_open": True,
    }  # fmt: skip
    assert (doc["mode"], doc["complete"], doc["gaps"]) == ("gross", True, [])
    assert json.loads(render(cahors, "json", NAMES)) == doc


def test_the_text_shows_sections_payments_and_totals(cahors: AccountStatement) -> None:
    text = statement_text(cahors, NAMES)
    lines = text.splitlines()

    assert lines[:2] == [
        "Relevé de compte de OT Cahors au 30/06/2026",
        "Éléments datés depuis le 01/01/2026, et les plus anciens encore ouverts.",
    ]
    assert [line for line in lines if line.startswith("À ")] == [
        "À payer à OT Dordogne (1 élément)",
        "À encaisser de OT Dordogne (2 éléments)",
        "À encaisser de OT Figeac (4 éléments)",
    ]
    assert "      réglé : 450,00\u00a0€ le 02/05/2026 (virement, ligne 2)" in lines
    assert lines[-2:] == [
        "Total à payer : reste dû 0,00\u00a0€ (montant 200,00\u00a0€, réglé 200,00\u00a0€)",
        "Total à encaisser : reste dû 450,00\u00a0€ (montant 980,00\u00a0€, réglé 530,00\u00a0€)",
    ]
    assert all(line == line.rstrip() for line in lines)


def test_the_text_of_an_incomplete_statement_says_so_first() -> None:
    partial = account_statement(books(dordogne_unreadable=True), "cahors", None, THIS_YEAR)

    third = statement_text(partial, NAMES).splitlines()[2]
    assert third.startswith("INCOMPLET : le tableur de OT Dordogne n'a pas pu être lu. Des éléments manquent")
    assert statement_json(partial)["complete"] is False


def test_nothing_to_pay_or_collect_says_so() -> None:
    empty = account_statement(books(), "dordogne", "figeac", period(AS_OF, 1, 2020))

    assert statement_text(empty, NAMES).splitlines()[-1] == french.STATEMENT_EMPTY
