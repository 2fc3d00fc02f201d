"""The `Règlements` tab: one transfer per row; a bad row is an anomaly naming its cell, left out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from factories import IDS

from lotsync.core.dossiers import Sheet
from lotsync.core.layout import PAYMENT_HEADERS, PAYMENT_REQUIRED
from lotsync.core.model import AnomalyKind
from lotsync.core.payments import parse_payments, split_references

ALIASES = {
    "cahors": "cahors",
    "ot cahors": "cahors",
    "dordogne": "dordogne",
    "figeac": "figeac",
    "ot figeac": "figeac",
}
HEADER = ["Date", "De", "À", "Montant", "Références", "Mode"]


def read(*rows: list) -> tuple:
    sheet = Sheet("collectif.xlsx", "Règlements", [["Règlements entre offices"], HEADER, *rows])
    return parse_payments(sheet, PAYMENT_HEADERS, PAYMENT_REQUIRED, ALIASES, IDS)


def test_a_row_is_a_payment_with_its_references_in_order() -> None:
    [payment], anomalies = read(
        [date(2026, 9, 1), "OT Cahors", "figeac", 1500, "F-101; CAH-26-001\nSalon", "mandat"]
    )
    assert anomalies == []
    assert (payment.on, payment.payer, payment.payee, payment.amount, payment.mode) == (
        date(2026, 9, 1), "cahors", "figeac", Decimal("1500.00"), "mandat",
    )  # fmt: skip
    assert payment.references == ("F-101", "CAH-26-001", "Salon")
    assert (payment.where.tab, payment.where.row) == ("Règlements", 3)
    assert payment.columns == ("Références", "Montant")


def test_references_are_split_on_semicolons_and_line_breaks_only() -> None:
    assert split_references(" F-1 ;\n; Brochure, été ") == ("F-1", "Brochure, été")


def test_bad_rows_are_anomalies_naming_row_column_and_value_and_are_left_out() -> None:
    payments, anomalies = read(
        [date(2026, 9, 1), "Lot Tourisme", "figeac", 100, "", ""],
        [date(2026, 9, 2), "cahors", "figeac", -100, "", ""],
        [date(2026, 9, 3), "cahors", "figeac", 0, "", ""],
        ["31/02/2026", "cahors", "figeac", 100, "", ""],
        [date(2026, 9, 4), "cahors", "cahors", 100, "", ""],
        [date(2026, 9, 5), "cahors", "", 100, "", ""],
        [date(2026, 9, 6), "cahors", "figeac", 100, "", ""],
    )
    assert [p.where.row for p in payments] == [9]
    assert [(a.kind, a.where.row, a.column, a.value) for a in anomalies] == [
        (AnomalyKind.UNKNOWN_MEMBER, 3, "De", "Lot Tourisme"),
        (AnomalyKind.INVALID_AMOUNT, 4, "Montant", "-100"),
        (AnomalyKind.INVALID_AMOUNT, 5, "Montant", "0"),
        (AnomalyKind.INVALID_DATE, 6, "Date", "31/02/2026"),
        (AnomalyKind.SELF_PARTNER, 7, "À", "cahors"),
        (AnomalyKind.MISSING_VALUE, 8, "À", ""),
    ]
    assert all(a.office is None and a.where.tab == "Règlements" for a in anomalies)
    assert "positif" in anomalies[1].message and "positif" in anomalies[2].message
    assert "annulé" not in anomalies[1].message  # not the message meant for a dossier


def test_a_tab_without_its_required_columns_is_an_anomaly_per_missing_column() -> None:
    sheet = Sheet("collectif.xlsx", "Règlements", [["Date", "Montant"], [date(2026, 9, 1), 10]])
    payments, anomalies = parse_payments(sheet, PAYMENT_HEADERS, PAYMENT_REQUIRED, ALIASES, IDS)
    assert payments == [] and [a.kind for a in anomalies] == [
        AnomalyKind.MISSING_COLUMN,
        AnomalyKind.MISSING_COLUMN,
    ]
