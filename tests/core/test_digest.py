"""What a weekly digest says, drawn from hand-built books: weeks, arrivals, fixes, fee shares."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest
from factories import IDS, MEMBERS, dossier, purchase, sale

from lotsync.core.balances import balances, debts, settle
from lotsync.core.books import OFFICE_TABS, Books, Gap, LastComplete
from lotsync.core.digest import (
    ARRIVAL_DAYS,
    Arrival,
    Week,
    arrivals,
    collective_digest,
    fee_shares,
    office_digest,
    owed_total,
)
from lotsync.core.model import Anomaly, AnomalyKind, Dossier, Expense, ReconStatus, Status, Where
from lotsync.core.reconcile import reconcile
from lotsync.core.split import split_expenses
from lotsync.core.turnover import dashboard

MONDAY = date(2026, 11, 23)
WEEK = Week(2026, 48)


def make_books(
    dossiers: Sequence[Dossier],
    *,
    expenses: Iterable[Expense] = (),
    anomalies: Iterable[Anomaly] = (),
    duplicates: Iterable[Dossier] = (),
    as_of: date = MONDAY,
) -> Books:
    """Books as `compute_books` makes them, from parsed rows instead of sheets."""
    lines = reconcile(dossiers, MEMBERS, duplicates)
    splits = split_expenses(list(expenses), IDS, {}, {})
    all_debts = debts(lines, splits)
    all_balances = balances(all_debts, IDS)
    return Books(
        as_of,
        MEMBERS,
        list(dossiers),
        {},
        list(anomalies),
        lines,
        splits,
        all_debts,
        all_balances,
        settle(all_balances),
        dashboard(dossiers, IDS, as_of),
    )


def expense(
    label: str,
    amount: str,
    paid_by: str,
    *,
    category: str = "Brochure",
    year: int = 2026,
    reimbursed: bool = False,
    fee: bool = False,
) -> Expense:
    """A line of `Dépenses communes`, or with `fee` a fee (of `Cotisations` or `[[fees]]`)."""
    shared = Expense(label, Decimal(amount), paid_by, "égale", category, None, year, reimbursed, None)
    return shared._replace(fee=True) if fee else shared


def anomaly(office: str | None, row: int, message: str = "Montant illisible") -> Anomaly:
    spreadsheet = f"{office}.xlsx" if office else "collectif.xlsx"
    return Anomaly(
        AnomalyKind.INVALID_AMOUNT, Where(spreadsheet, "Dossiers", row), "Montant", "x", message, office
    )


# -- weeks -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-W48", "2026W48", " 2026-w48 ", "2026-W48\n"])
def test_a_week_is_read_in_iso_form(text):
    assert Week.parse(text) == WEEK


def test_a_week_runs_from_monday_to_sunday():
    assert WEEK.monday == date(2026, 11, 23)
    assert WEEK.sunday == date(2026, 11, 29)
    assert WEEK.label == "2026-W48"
    assert Week.parse("2026-W5").label == "2026-W05"


@pytest.mark.parametrize(
    "text", ["2026-48", "W48", "2026-W", "semaine 48", "2025-W53", "2026-W00", "2026-W54"]
)
def test_a_week_that_is_not_one_is_refused_in_french(text):
    with pytest.raises(ValueError, match="semaine illisible"):
        Week.parse(text)


def test_a_year_with_53_weeks_has_its_53rd():
    assert Week.parse("2026-W53").monday == date(2026, 12, 28)
    assert Week.containing(date(2027, 1, 3)) == Week(2026, 53)
    assert Week(2027, 1).previous() == Week(2026, 53)


@pytest.mark.parametrize("offset", range(7))
def test_every_day_of_a_week_is_contained_in_it(offset):
    assert Week.containing(MONDAY + timedelta(days=offset)) == WEEK


def test_the_week_before_a_monday_is_the_previous_one():
    assert Week.containing(MONDAY - timedelta(days=1)) == Week(2026, 47)
    assert WEEK.previous() == Week(2026, 47)


# -- arrivals -----------------------------------------------------------------------------


def test_arrivals_are_the_next_14_days_from_monday_inclusive():
    last = MONDAY + timedelta(days=ARRIVAL_DAYS - 1)
    rows = [
        dossier("cahors", "before", start=MONDAY - timedelta(days=1)),
        dossier("cahors", "monday", start=MONDAY),
        dossier("cahors", "last", start=last),
        dossier("cahors", "after", start=last + timedelta(days=1)),
    ]
    assert [a.dossier.ref for a in arrivals(rows, MONDAY)] == ["monday", "last"]


def test_arrivals_include_options_but_not_quotes_or_cancellations():
    rows = [
        dossier("cahors", "quote", status=Status.QUOTE, start=MONDAY),
        dossier("cahors", "cancelled", status=Status.CANCELLED, start=MONDAY),
        dossier("cahors", "option", status=Status.OPTION, start=MONDAY),
        dossier("cahors", "paid", status=Status.PAID, start=MONDAY),
        dossier("cahors", "invoiced", status=Status.INVOICED, start=MONDAY),
    ]
    assert sorted(a.dossier.ref for a in arrivals(rows, MONDAY)) == ["invoiced", "option", "paid"]


def test_arrivals_tell_days_sold_to_and_bought_from_partners_in_date_order():
    sold = sale("cahors", "dordogne", "C-2", start=MONDAY + timedelta(days=3))
    bought = purchase("cahors", "figeac", "C-1", start=MONDAY + timedelta(days=1))
    direct = dossier("cahors", "C-3", start=MONDAY + timedelta(days=5))
    assert arrivals([direct, sold, bought], MONDAY) == [
        Arrival(bought, "bought", "figeac"),
        Arrival(sold, "sold", "dordogne"),
        Arrival(direct, "direct", None),
    ]


def test_an_office_digest_shows_only_its_own_arrivals():
    books = make_books(
        [
            sale("cahors", "dordogne", "C-1", start=MONDAY + timedelta(days=2), partner_ref="D-1"),
            purchase("dordogne", "cahors", "D-1", start=MONDAY + timedelta(days=2), partner_ref="C-1"),
        ]
    )
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    dordogne = office_digest(books, "dordogne", WEEK, seen=None)
    assert [(a.dossier.ref, a.role, a.partner) for a in cahors.arrivals] == [("C-1", "sold", "dordogne")]
    assert [(a.dossier.ref, a.role, a.partner) for a in dordogne.arrivals] == [("D-1", "bought", "cahors")]


# -- new dossiers ---------------------------------------------------------------------------


def test_the_first_digest_has_nothing_new_but_remembers_what_is_live():
    books = make_books([dossier("cahors", "C-1"), dossier("cahors", "C-2", status=Status.OPTION)])
    d = office_digest(books, "cahors", WEEK, seen=None)
    assert d.first
    assert d.new_dossiers == []
    assert d.live_refs == frozenset({"C-1"})


def test_new_dossiers_are_live_ones_the_last_digest_had_not_seen_in_date_order():
    rows = [
        dossier("cahors", "C-1", start=date(2026, 12, 20)),
        dossier("cahors", "C-2", start=date(2026, 12, 1), status=Status.INVOICED),
        dossier("cahors", "C-3", start=date(2026, 12, 5), status=Status.PAID),
        dossier("cahors", "C-4", status=Status.OPTION),
        dossier("cahors", "C-5", status=Status.QUOTE),
        dossier("cahors", "C-6", status=Status.CANCELLED),
        dossier("dordogne", "D-1"),
    ]
    d = office_digest(make_books(rows), "cahors", WEEK, seen=frozenset({"C-3"}))
    assert not d.first
    assert [x.ref for x in d.new_dossiers] == ["C-2", "C-1"]
    assert d.live_refs == frozenset({"C-1", "C-2", "C-3"})
    again = office_digest(make_books(rows), "cahors", WEEK.previous(), seen=d.live_refs)
    assert again.new_dossiers == []


# -- what to fix ---------------------------------------------------------------------------------


def locate(where: Where) -> str:
    return f"https://sheets.example/{where.spreadsheet}#row={where.row}"


def test_fixes_are_the_office_own_anomalies_then_the_reconciliation_lines_it_is_party_to():
    rows = [
        # Dordogne buys from Cahors: amounts differ.
        purchase("dordogne", "cahors", "D-1", partner_ref="C-1", amount="400.00"),
        sale("cahors", "dordogne", "C-1", partner_ref="D-1", amount="450.00"),
        # Figeac buys from Dordogne, agreed: no fix for anyone.
        purchase("figeac", "dordogne", "F-1", partner_ref="D-2", start=date(2026, 7, 1)),
        sale("dordogne", "figeac", "D-2", partner_ref="F-1", start=date(2026, 7, 1)),
        # Figeac buys from Cahors, Cahors never entered the sale.
        purchase("figeac", "cahors", "F-2", start=date(2026, 8, 1)),
    ]
    books = make_books(rows, anomalies=[anomaly("cahors", 7), anomaly("dordogne", 9), anomaly(None, 3)])
    d = office_digest(books, "cahors", WEEK, seen=None, locate=locate)
    assert (d.fixes[0].where.spreadsheet, d.fixes[0].where.row) == ("cahors.xlsx", 7)
    assert d.fixes[0].anomaly is not None and d.fixes[0].text == "Montant illisible"
    recon = [f for f in d.fixes if f.line is not None]
    assert [f.line.statuses for f in recon] == [(ReconStatus.AMOUNT_MISMATCH,), (ReconStatus.MISSING_SALE,)]
    # The mismatch points at Cahors' own row; the missing sale at Figeac's purchase, the only row there is.
    assert recon[0].where == rows[1].where
    assert recon[1].where == rows[4].where
    assert all(f.link == locate(f.where) for f in d.fixes)
    assert len(d.fixes) == 3
    figeac = office_digest(books, "figeac", WEEK, seen=None)
    assert [f.line.statuses for f in figeac.fixes if f.line] == [(ReconStatus.MISSING_SALE,)]
    assert figeac.fixes[0].link == "figeac.xlsx"  # locally, the link is the file name


def test_a_duplicate_reference_is_reported_once_not_again_as_a_reconciliation_line():
    first = sale("cahors", "dordogne", "C-1")
    second = sale("cahors", "dordogne", "C-1", start=date(2026, 6, 11))
    problems = [
        Anomaly(AnomalyKind.DUPLICATE, d.where, "Référence", "C-1", "en double", "cahors")
        for d in (first, second)
    ]
    books = make_books([], anomalies=problems, duplicates=[first, second])
    assert [line.statuses for line in books.reconciliation] == [(ReconStatus.DUPLICATE,)] * 2
    d = office_digest(books, "cahors", WEEK, seen=None)
    assert [(f.where, f.anomaly is not None) for f in d.fixes] == [(first.where, True), (second.where, True)]
    # Dordogne has no anomaly of its own: the duplicate at its partner is still there for it.
    assert len(office_digest(books, "dordogne", WEEK, seen=None).fixes) == 2


# -- money ------------------------------------------------------------------------------------------


def test_fee_shares_say_which_are_settled_the_fee_first():
    books = make_books(
        [],
        expenses=[
            expense("Salon", "300.00", "cahors"),
            expense("Cotisation ADN 2026", "3000.00", "dordogne", category="Cotisation", fee=True),
            expense("Brochure", "1000.00", "figeac", reimbursed=True),
            expense("Salon 2025", "900.00", "figeac", year=2025),
        ],
    )
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert [(f.split.expense.label, f.share.amount, f.settled) for f in cahors.fee_shares] == [
        ("Cotisation ADN 2026", Decimal("1000.00"), False),
        ("Brochure", Decimal("333.34"), True),
        ("Salon", Decimal("100.00"), True),  # Cahors paid it: its own share is settled
    ]
    assert owed_total(cahors.fee_shares) == Decimal("1000.00")
    figeac = office_digest(books, "figeac", WEEK, seen=None)
    assert owed_total(figeac.fee_shares) == Decimal("1100.00")
    assert fee_shares(books.splits, "figeac", 2025)[0].share.amount == Decimal("300.00")


def test_a_shared_expense_typed_cotisation_is_shown_as_an_expense_not_first_as_a_fee():
    books = make_books(
        [],
        expenses=[
            expense("Brochure", "900.00", "figeac"),
            expense("Adhésion Lot Tourisme", "600.00", "dordogne", category="Cotisation"),
            expense("Club ADN", "3000.00", "dordogne", category="Adhésion", fee=True),
        ],
    )
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert [f.split.expense.label for f in cahors.fee_shares] == [
        "Club ADN",
        "Adhésion Lot Tourisme",
        "Brochure",
    ]
    assert cahors.balance.by_source["fee"] == Decimal("-1000.00")
    assert cahors.balance.by_source["expense"] == Decimal("-500.00")


def test_the_balance_and_the_transfers_are_the_office_own():
    books = make_books(
        [], expenses=[expense("Cotisation", "3000.00", "dordogne", category="Cotisation", fee=True)]
    )
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert cahors.balance.payable == Decimal("1000.00")
    assert [(t.debtor, t.creditor, t.amount) for t in cahors.transfers] == [
        ("cahors", "dordogne", Decimal("1000.00"))
    ]
    dordogne = office_digest(books, "dordogne", WEEK, seen=None)
    assert dordogne.balance.receivable == Decimal("2000.00")
    assert len(dordogne.transfers) == 2
    assert cahors.name("dordogne") == "OT Dordogne"
    assert cahors.name("lot-tourisme") == "lot-tourisme"


def test_the_turnover_is_the_office_year_to_date_against_last_year():
    rows = [
        dossier("cahors", "C-1", start=date(2026, 3, 1), amount="1000.00"),
        dossier("cahors", "C-2", start=date(2025, 3, 1), amount="800.00"),
        dossier("cahors", "C-3", start=date(2025, 12, 1), amount="999.00"),  # after the same day last year
    ]
    d = office_digest(make_books(rows), "cahors", WEEK, seen=None)
    assert (d.turnover.turnover, d.turnover.previous) == (Decimal("1000.00"), Decimal("800.00"))
    assert d.year is not None and (d.year.start, d.year.end) == (date(2026, 1, 1), MONDAY)
    assert d.last_year is not None and d.last_year.end == date(2025, 11, 23)


# -- nothing to say -------------------------------------------------------------------------------------


def test_a_week_with_nothing_new_nothing_coming_nothing_to_fix_and_nothing_owed_is_empty():
    books = make_books(
        [dossier("cahors", "C-1", start=date(2026, 3, 1))],
        expenses=[expense("Brochure", "900.00", "figeac", reimbursed=True)],
    )
    d = office_digest(books, "cahors", WEEK, seen=frozenset({"C-1"}))
    assert d.is_empty  # turnover and settled shares alone are nothing to act on
    assert d.fee_shares and d.turnover.turnover
    assert office_digest(books, "cahors", WEEK, seen=None).is_empty


@pytest.mark.parametrize(
    "what",
    ["new", "arrival", "fix", "owed"],
)
def test_any_of_new_arrival_fix_or_debt_makes_a_week_worth_a_digest(what):
    rows = [dossier("cahors", "C-1", start=date(2026, 3, 1))]
    seen = frozenset({"C-1"})
    problems: list[Anomaly] = []
    spent: list[Expense] = []
    if what == "new":
        seen = frozenset()
    elif what == "arrival":
        rows.append(dossier("cahors", "C-2", start=MONDAY, status=Status.OPTION))
    elif what == "fix":
        problems.append(anomaly("cahors", 4))
    else:
        spent.append(expense("Salon", "300.00", "figeac"))
    books = make_books(rows, anomalies=problems, expenses=spent)
    assert not office_digest(books, "cahors", WEEK, seen=seen).is_empty


def test_the_collective_digest_sums_up_all_offices():
    rows = [purchase("figeac", "cahors", "F-1", start=date(2026, 8, 1)), dossier("cahors", "C-1")]
    books = make_books(rows, anomalies=[anomaly("dordogne", 5), anomaly(None, 2)])
    offices = [office_digest(books, m.id, WEEK, seen=None) for m in MEMBERS]
    c = collective_digest(books, WEEK, offices)
    assert (c.anomalies, c.problems) == (2, 1)
    assert c.total.turnover == Decimal("1200.00")
    assert c.transfers == books.transfers
    assert not c.is_empty
    assert c.name("figeac") == "OT Figeac"
    quiet = make_books([])
    assert collective_digest(quiet, WEEK, [office_digest(quiet, "cahors", WEEK, seen=None)]).is_empty


# -- incomplete books: never wrong money ----------------------------------------------------------

FIGEAC_UNREAD = Gap("figeac", "le tableur de OT Figeac n'a pas pu être lu", OFFICE_TABS)


def test_balances_computed_without_an_office_are_never_shown_the_last_complete_ones_are():
    books = make_books(
        [], expenses=[expense("Cotisation", "3000.00", "dordogne", category="Cotisation", fee=True)]
    )
    last = LastComplete("lundi 16 novembre 2026 à 08:00", books.balances, books.transfers)
    wrong = make_books([])._replace(gaps=(FIGEAC_UNREAD,))  # this week: nothing owed, as if

    cahors = office_digest(wrong, "cahors", WEEK, seen=None, last_complete=last)

    assert cahors.balance.payable == Decimal("1000.00")  # last complete figure, not this week's 0
    assert [(t.debtor, t.creditor) for t in cahors.transfers] == [("cahors", "dordogne")]
    assert cahors.stale is not None
    assert "le tableur de OT Figeac n'a pas pu être lu" in cahors.stale
    assert "du lundi 16 novembre 2026 à 08:00" in cahors.stale
    assert not cahors.is_empty  # a week with unread books always says so


def test_without_any_complete_figures_the_digest_shows_no_balance_and_says_why():
    books = make_books(
        [], expenses=[expense("Cotisation", "3000.00", "dordogne", category="Cotisation", fee=True)]
    )
    incomplete = books._replace(gaps=(FIGEAC_UNREAD,))

    cahors = office_digest(incomplete, "cahors", WEEK, seen=None)
    summary = collective_digest(incomplete, WEEK, [cahors])

    assert (cahors.balance.receivable, cahors.balance.payable, cahors.transfers) == (0, 0, [])
    assert cahors.stale is not None and "Aucun chiffre complet" in cahors.stale
    assert summary.transfers == [] and summary.stale == cahors.stale


def test_an_unread_office_has_no_turnover_figure_and_the_collective_no_total():
    rows = [dossier("figeac", "F-1", start=date(2026, 3, 1), amount="1000.00")]
    books = make_books(rows)._replace(gaps=(FIGEAC_UNREAD,))

    figeac = office_digest(books, "figeac", WEEK, seen=None)
    cahors = office_digest(books, "cahors", WEEK, seen=None)

    assert figeac.turnover_unread == FIGEAC_UNREAD.reason
    assert cahors.turnover_unread is None  # Cahors' own sheet was read: its turnover is right
    assert collective_digest(books, WEEK, [figeac, cahors]).turnover_unread == FIGEAC_UNREAD.reason


def test_the_rendered_digest_says_plainly_why_the_figures_are_old():
    from lotsync.adapters.digest_render import render_collective, render_office

    books = make_books(
        [], expenses=[expense("Cotisation", "3000.00", "dordogne", category="Cotisation", fee=True)]
    )
    last = LastComplete("lundi 16 novembre 2026 à 08:00", books.balances, books.transfers)
    wrong = make_books([])._replace(gaps=(FIGEAC_UNREAD,))
    figeac = office_digest(wrong, "figeac", WEEK, seen=None, last_complete=last)

    office = render_office(figeac, "Collectif du Lot")
    collective = render_collective(collective_digest(wrong, WEEK, [figeac], last), "Collectif du Lot")

    for text in (office.text, office.html, collective.text, collective.html):
        assert (
            "les soldes n&#39;ont pas pu être recalculés" in text
            or "les soldes n'ont pas pu être recalculés" in text
        )
        assert "lundi 16 novembre 2026 à 08:00" in text
    assert "Non calculé cette semaine, car le tableur de OT Figeac n'a pas pu être lu." in office.text
    assert office.chart_png is None
