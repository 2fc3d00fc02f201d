"""Shared costs: the `Dépenses communes` tab, the `Cotisations` tab, and fees from the configuration."""

from datetime import date
from decimal import Decimal

import pytest
from factories import IDS

from lotsync.core import french
from lotsync.core.cells import Limits
from lotsync.core.dossiers import Sheet
from lotsync.core.expenses import KeyContext, fee_expenses, parse_expenses
from lotsync.core.layout import EXPENSE_HEADERS, EXPENSE_REQUIRED, FEE_HEADERS, FEE_REQUIRED
from lotsync.core.model import AnomalyKind as A

CONTEXT = KeyContext(
    IDS,
    {"effectifs": {"cahors": Decimal(33), "dordogne": Decimal(30), "figeac": Decimal(11)}},
    {"cahors": "cahors", "dordogne": "dordogne", "figeac": "figeac", "ot cahors": "cahors"},
)
HEADER = ["Date", "Libellé", "Montant", "Payé par", "Répartition", "Catégorie", "Remboursé"]


def parse(*rows, **kw):
    return parse_expenses(
        Sheet("collectif.xlsx", "Dépenses communes", [HEADER, *rows]),
        EXPENSE_HEADERS,
        EXPENSE_REQUIRED,
        CONTEXT,
        **kw,
    )


def test_expense_rows_with_every_kind_of_key():
    expenses, anomalies = parse(
        [date(2026, 2, 3), "Brochure collective", "2 400,00 €", "OT Cahors", "égale", "Plan d'action", "oui"],
        ["15/03/2026", "Salon Rendez-vous en France", 1800, "dordogne", "effectifs", "Salon", None],
        ["2025-12-01", "Pochettes", "300", "figeac", "cahors:1; figeac:1", "", "non"],
    )
    assert anomalies == []
    assert [(e.amount, e.paid_by, e.key, e.reimbursed, e.year) for e in expenses] == [
        (Decimal("2400.00"), "cahors", "égale", True, 2026),
        (Decimal("1800.00"), "dordogne", "effectifs", False, 2026),
        (Decimal("300.00"), "figeac", "cahors:1; figeac:1", False, 2025),
    ]
    assert expenses[0].where.row == 2


def test_bad_rows_point_at_the_cell_and_are_left_out():
    expenses, anomalies = parse(
        [date(2026, 2, 3), "Eductour", "1200", "Lot Tourisme", "égale", "", ""],
        [date(2026, 2, 3), "Fichier TO", "700", "cahors", "au prorata", "", ""],
        [date(2026, 2, 3), "Cartes", "150", "cahors", "égale", "", "bientôt"],
        [date(2026, 2, 3), "Salon", "beaucoup", "cahors", "égale", "", ""],
        [None, "Kakémonos", "90", "cahors", "égale", "", ""],
    )
    assert expenses == []
    assert [(a.kind, a.column, a.value, a.where.row) for a in anomalies] == [
        (A.UNKNOWN_MEMBER, "Payé par", "Lot Tourisme", 2),
        (A.INVALID_SPLIT, "Répartition", "au prorata", 3),
        (A.INVALID_FLAG, "Remboursé", "bientôt", 4),
        (A.INVALID_AMOUNT, "Montant", "beaucoup", 5),
        (A.MISSING_VALUE, "Date", "", 6),
    ]


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("-300,00 €", "statut « annulé », pas un montant négatif"),
        (-300, "pas un montant négatif"),
        ("300,005", "au plus deux décimales"),
        ("12,345.67", "exemple attendu : 1 234,50 €"),
        (1e308, "montant invraisemblable"),
        pytest.param(10**5000, "montant invraisemblable", id="10**5000"),
    ],
)
def test_an_odd_amount_is_an_anomaly_never_a_crash(amount, says):
    expenses, [anomaly] = parse([date(2026, 2, 3), "Brochure", amount, "cahors", "égale", "", ""])
    assert expenses == []
    assert anomaly.kind is A.INVALID_AMOUNT and says in anomaly.message


def test_the_limits_of_the_sync_are_applied():
    limits = Limits(Decimal("2000"), 100, date(2025, 1, 1), date(2027, 12, 31))
    expenses, anomalies = parse(
        [date(2026, 2, 3), "Brochure", "2 000,00 €", "cahors", "égale", "", ""],
        [date(2026, 2, 3), "Salon", "2 000,01 €", "cahors", "égale", "", ""],
        ["31/12/2024", "Fichier TO", "700", "cahors", "égale", "", ""],
        limits=limits,
    )
    assert [e.label for e in expenses] == ["Brochure"]
    assert [(a.kind, a.where.row) for a in anomalies] == [(A.INVALID_AMOUNT, 3), (A.INVALID_DATE, 4)]
    assert "du 01/01/2025 au 31/12/2027" in anomalies[1].message


def test_fees_tab_has_a_year_per_row():
    sheet = Sheet(
        "collectif.xlsx",
        "Cotisations",
        [["Année", "Montant", "Payé par", "Remboursé"], [2026, 3000, "dordogne", ""]],
    )
    [fee], anomalies = parse_expenses(sheet, FEE_HEADERS, FEE_REQUIRED, CONTEXT, fees=True)
    assert anomalies == [] and fee.year == 2026 and fee.category == french.FEE_CATEGORY
    assert fee.fee is True


def test_a_shared_expense_typed_cotisation_is_not_a_fee():
    """Being a fee is where the row comes from (`Cotisations`, `[[fees]]`), not what its category says."""
    expenses, anomalies = parse(
        [date(2026, 2, 3), "Adhésion Lot Tourisme", "600", "cahors", "égale", "Cotisation", ""],
        [date(2026, 2, 3), "Brochure", "900", "figeac", "égale", "cotisation", ""],
    )
    assert anomalies == []
    assert [(e.category, e.fee) for e in expenses] == [("Cotisation", False), ("cotisation", False)]


@pytest.mark.parametrize(
    "year", ["2_026", "١٢٣٤", pytest.param(10**5000, id="10**5000"), 2026.5, "1999", "vingt-six", True]
)
def test_a_fee_year_is_four_digits_between_2000_and_2100(year):
    sheet = Sheet(
        "collectif.xlsx",
        "Cotisations",
        [["Année", "Montant", "Payé par", "Remboursé"], [year, 3000, "dordogne", ""]],
    )
    fees, [anomaly] = parse_expenses(sheet, FEE_HEADERS, FEE_REQUIRED, CONTEXT, fees=True)
    assert fees == [] and anomaly.kind is A.INVALID_DATE and "une année comme 2026" in anomaly.message


def test_fees_from_the_configuration():
    class Fee:
        name, year, amount, paid_by, key, reimbursed, on = (
            "Club ADN",
            2026,
            Decimal("3000.00"),
            "cahors",
            "égale",
            False,
            None,
        )

    [fee] = fee_expenses([Fee()])
    assert (fee.year, fee.amount, fee.where, fee.category) == (
        2026,
        Decimal("3000.00"),
        None,
        french.FEE_CATEGORY,
    )
    assert fee.fee is True


def test_remboursé_may_name_the_offices_that_have_paid_their_share():
    expenses, anomalies = parse(
        [date(2026, 2, 3), "Salon", 300, "dordogne", "égale", "", "cahors; OT Cahors, figeac"],
        [date(2026, 2, 4), "Brochure", 300, "dordogne", "égale", "", "cahors\nOT Lot"],
    )
    assert [(e.label, e.reimbursed, e.shares_paid) for e in expenses] == [
        ("Salon", False, frozenset({"cahors", "figeac"}))
    ]
    [anomaly] = anomalies
    assert (anomaly.kind, anomaly.column, anomaly.where.row) == (A.INVALID_FLAG, "Remboursé", 3)
    assert "nommez les offices" in anomaly.message
    assert expenses[0].share_paid("figeac") and not expenses[0].share_paid("dordogne")
