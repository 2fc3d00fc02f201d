"""`compute_books` reads the shared spreadsheet's input tabs through one registry (`SHARED_INPUTS`)."""

from datetime import date

from lotsync.adapters.config import Config
from lotsync.core.books import Inputs, Rules, SharedTab, compute_books
from lotsync.core.dossiers import Sheet
from lotsync.core.layout import FEE_HEADERS, SHARED_INPUTS

AS_OF = date(2026, 11, 26)


def config(**shared: str) -> Config:
    return Config.model_validate(
        {
            "shared": {"source": "collectif.xlsx", **shared},
            "members": [
                {"id": "cahors", "name": "OT Cahors", "source": "cahors.xlsx"},
                {"id": "figeac", "name": "OT Figeac", "source": "figeac.xlsx"},
            ],
        }
    )


EXPENSES = [
    ["Date", "Libellé", "Montant", "Payé par", "Répartition"],
    [date(2026, 3, 2), "Salon des CE", 300, "cahors", "égale"],
]


def test_every_registered_tab_is_named_by_the_configuration() -> None:
    tabs = config(fees_tab="Adhésions").shared_tabs()
    assert list(tabs) == [t.key for t in SHARED_INPUTS]
    assert tabs["expenses"].name == "Dépenses communes"
    assert tabs["fees"] == SharedTab("Adhésions", FEE_HEADERS)


def test_the_shared_tabs_are_read_by_key() -> None:
    inputs = Inputs({}, {"expenses": Sheet("collectif", "Dépenses communes", EXPENSES)})
    books = compute_books(inputs, config().rules(), AS_OF)
    [split] = books.splits
    assert split.expense.label == "Salon des CE"
    assert [(s.member, s.amount) for s in split.shares] == [("cahors", 150), ("figeac", 150)]
    assert books.anomalies == []


def test_a_renamed_tab_is_the_one_whose_gap_makes_the_balances_stale() -> None:
    rules: Rules = config(expenses_tab="Frais partagés").rules()
    assert rules.cost_tabs == ("Frais partagés", "Cotisations", "Règlements")
    assert rules._replace(shared_tabs={}).cost_tabs == ("Dépenses communes", "Cotisations", "Règlements")
