"""What a weekly digest says, drawn from hand-built books: weeks, arrivals, fixes, fee shares, the
transfers of each settlement mode with the items they pay, the payments of the week."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

import pytest
from factories import IDS, MEMBERS, dossier, purchase, sale

from lotsync.core.books import (
    OFFICE_TABS,
    REQUESTS_GAP,
    Books,
    Gap,
    Inputs,
    LastComplete,
    Rules,
    compute_books,
)
from lotsync.core.cells import normalize
from lotsync.core.digest import (
    ARRIVAL_DAYS,
    Arrival,
    OfficeRequests,
    PairTotal,
    Week,
    arrivals,
    collective_digest,
    fee_shares,
    office_digest,
    owed_total,
    payment_window,
)
from lotsync.core.dossiers import Sheet, Words
from lotsync.core.layout import DOSSIER_HEADERS, REQUEST_HEADERS, REQUEST_STATUS_WORDS
from lotsync.core.model import (
    Anomaly,
    AnomalyKind,
    Dossier,
    Expense,
    Payment,
    ReconStatus,
    SettlementMode,
    Status,
    Where,
)
from lotsync.core.places import Gazetteer, Place
from lotsync.core.reconcile import reconcile
from lotsync.core.requests import RequestRules
from lotsync.core.settlement import settle_books
from lotsync.core.split import split_expenses
from lotsync.core.turnover import dashboard, financial_year_start

MONDAY = date(2026, 11, 23)
WEEK = Week(2026, 48)


def make_books(
    dossiers: Sequence[Dossier],
    *,
    expenses: Iterable[Expense] = (),
    payments: Iterable[Payment] = (),
    anomalies: Iterable[Anomaly] = (),
    duplicates: Iterable[Dossier] = (),
    as_of: date = MONDAY,
    mode: SettlementMode = SettlementMode.GROSS,
) -> Books:
    """Books as `compute_books` makes them, from parsed rows instead of sheets: the settlement of
    `mode` (gross, the configuration's default), with its anomalies after the input ones."""
    lines = reconcile(dossiers, MEMBERS, duplicates)
    splits = split_expenses(list(expenses), IDS, {}, {})
    settlement, all_debts, all_balances = settle_books(
        lines, splits, list(payments), MEMBERS, mode, financial_year_start(as_of, 1)
    )
    return Books(
        as_of,
        MEMBERS,
        list(dossiers),
        {},
        [*anomalies, *settlement.anomalies],
        lines,
        splits,
        all_debts,
        all_balances,
        settlement.transfers,
        dashboard(dossiers, IDS, as_of),
        (),
        settlement,
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
    shares_paid: frozenset[str] = frozenset(),
) -> Expense:
    """A line of `Dépenses communes`, or with `fee` a fee (of `Cotisations` or `[[fees]]`);
    `shares_paid` the offices its `Remboursé` names."""
    shared = Expense(label, Decimal(amount), paid_by, "égale", category, None, year, reimbursed, None)
    shared = shared._replace(shares_paid=shares_paid)
    return shared._replace(fee=True) if fee else shared


_payment_rows = iter(range(2, 10**6))


def payment(
    on: date, payer: str, payee: str, amount: str, *references: str, mode: str = "virement"
) -> Payment:
    """A row of `Règlements` in the shared spreadsheet, its rows numbered in the order made."""
    where = Where("collectif.xlsx", "Règlements", next(_payment_rows))
    return Payment(on, payer, payee, Decimal(amount), references, mode, where, ("Références", "Montant"))


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


def test_the_rendered_digest_says_plainly_why_the_figures_are_old_and_nothing_else():
    from lotsync.adapters.digest_render import render_office

    rows = [
        purchase("cahors", "figeac", "C-1", start=date(2026, 10, 5), amount="300.00", partner_ref="F-1"),
        sale("figeac", "cahors", "F-1", start=date(2026, 10, 5), amount="300.00", partner_ref="C-1"),
    ]
    complete = make_books(rows)
    last = LastComplete("lundi 16 novembre 2026 à 08:00", complete.balances, complete.transfers)
    # The last complete Soldes gives amounts only: the digest shows them, never items of its own.
    stale = office_digest(
        complete._replace(gaps=(FIGEAC_UNREAD,)), "cahors", WEEK, seen=None, last_complete=last
    )
    text = render_office(stale, "Collectif du Lot").text
    assert f"Vous virez {money('300.00')} à OT Figeac." in text
    assert "À payer à" not in text and "1 élément" not in text


# -- settlement: the transfers of each mode, with their items ------------------------------------------


def money(amount: str) -> str:
    from lotsync.core.french import money as french_money

    return french_money(Decimal(amount))


def two_ways(mode: SettlementMode = SettlementMode.GROSS, *, payments: Iterable[Payment] = ()) -> Books:
    """Cahors bought two days from Figeac (300.00 invoiced FA-1 on 5 October, 200.00 invoiced FA-2
    on 12 October); Figeac bought one from Cahors (200.00, invoiced CA-7 on 19 October)."""
    rows = [
        purchase("cahors", "figeac", "C-1", start=date(2026, 10, 5), amount="300.00", partner_ref="F-1"),
        sale(
            "figeac",
            "cahors",
            "F-1",
            start=date(2026, 10, 5),
            amount="300.00",
            partner_ref="C-1",
            invoice="FA-1",
        ),
        purchase("cahors", "figeac", "C-2", start=date(2026, 10, 12), amount="200.00", partner_ref="F-2"),
        sale(
            "figeac",
            "cahors",
            "F-2",
            start=date(2026, 10, 12),
            amount="200.00",
            partner_ref="C-2",
            invoice="FA-2",
        ),
        sale(
            "cahors",
            "figeac",
            "C-3",
            start=date(2026, 10, 19),
            amount="200.00",
            partner_ref="F-3",
            invoice="CA-7",
        ),
        purchase("figeac", "cahors", "F-3", start=date(2026, 10, 19), amount="200.00", partner_ref="C-3"),
    ]
    return make_books(rows, payments=payments, mode=mode)


def test_in_gross_mode_each_debtor_pays_each_creditor_its_open_items():
    books = two_ways()
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert cahors.mode is SettlementMode.GROSS
    pays, collects = cahors.transfers
    assert (pays.debtor, pays.creditor, pays.amount) == ("cahors", "figeac", Decimal("500.00"))
    assert [(i.invoice, i.ref, i.partner_ref, i.open) for i in pays.pays] == [
        ("FA-1", "F-1", "C-1", Decimal("300.00")),
        ("FA-2", "F-2", "C-2", Decimal("200.00")),
    ]
    assert (collects.debtor, collects.creditor, collects.amount) == ("figeac", "cahors", Decimal("200.00"))
    assert [i.invoice for i in collects.pays] == ["CA-7"] and collects.offsets == ()
    assert office_digest(books, "figeac", WEEK, seen=None).transfers == cahors.transfers
    assert office_digest(books, "dordogne", WEEK, seen=None).transfers == []


def test_in_pair_mode_one_net_transfer_pays_one_direction_and_sets_off_the_other():
    cahors = office_digest(two_ways(SettlementMode.PAIR), "cahors", WEEK, seen=None)
    (net,) = cahors.transfers
    assert (net.debtor, net.creditor, net.amount) == ("cahors", "figeac", Decimal("300.00"))
    assert [i.invoice for i in net.pays] == ["FA-1", "FA-2"]
    assert [i.invoice for i in net.offsets] == ["CA-7"]
    assert cahors.set_offs == ()


def test_in_pair_mode_two_directions_that_cancel_out_are_a_set_off_without_transfer():
    # Cahors pays 300.00 for FA-1: it still owes 200.00 (FA-2), Figeac owes it 200.00 (CA-7).
    books = two_ways(
        SettlementMode.PAIR, payments=[payment(date(2026, 11, 2), "cahors", "figeac", "300.00", "FA-1")]
    )
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert cahors.transfers == [] and cahors.balance.net == 0
    (set_off,) = cahors.set_offs
    assert (set_off.debtor, set_off.creditor, set_off.amount) == ("cahors", "figeac", Decimal("0.00"))
    assert [i.invoice for i in set_off.pays] == ["FA-2"] and [i.invoice for i in set_off.offsets] == ["CA-7"]
    assert not cahors.is_empty  # both accountants have a set-off to record
    assert collective_digest(books, WEEK, [cahors]).set_offs == (set_off,)
    assert office_digest(books, "dordogne", WEEK, seen=None).set_offs == ()


def test_in_minimal_mode_transfers_carry_no_items_they_may_pay_other_offices_debts():
    # Figeac owes Cahors 300.00, Cahors owes Dordogne 300.00: Figeac pays Dordogne, Cahors nothing.
    rows = [
        purchase("figeac", "cahors", "F-1", amount="300.00", partner_ref="C-1"),
        sale("cahors", "figeac", "C-1", amount="300.00", partner_ref="F-1"),
        purchase("cahors", "dordogne", "C-2", amount="300.00", partner_ref="D-1"),
        sale("dordogne", "cahors", "D-1", amount="300.00", partner_ref="C-2"),
    ]
    books = make_books(rows, mode=SettlementMode.MINIMAL)
    c = collective_digest(books, WEEK, [])
    assert [(t.debtor, t.creditor, t.amount, t.pays) for t in c.transfers] == [
        ("figeac", "dordogne", Decimal("300.00"), ())
    ]
    assert c.mode is SettlementMode.MINIMAL
    # What each office owes each other one is still told, pair by pair.
    assert c.pairs == (
        PairTotal("cahors", "dordogne", 1, Decimal("300.00")),
        PairTotal("figeac", "cahors", 1, Decimal("300.00")),
    )
    assert office_digest(books, "cahors", WEEK, seen=None).transfers == []


# -- settlement: the payments of the week -----------------------------------------------------------


def test_the_payments_listed_are_those_dated_in_the_week_before_the_digest_monday():
    assert payment_window(WEEK) == (date(2026, 11, 16), date(2026, 11, 22))
    # The next digest's window starts where this one ends: each payment is listed once.
    assert payment_window(Week(2026, 49)) == (date(2026, 11, 23), date(2026, 11, 29))
    # Weeks without a digest (the last one was for week 45) are covered by the next one...
    assert payment_window(WEEK, last_week=Week(2026, 45)) == (date(2026, 11, 2), date(2026, 11, 22))
    # ...and a last digest of the week before changes nothing.
    assert payment_window(WEEK, last_week=Week(2026, 47)) == payment_window(WEEK)


def test_an_office_digest_lists_the_payments_it_made_or_received_in_the_window_and_what_they_settled():
    paid = [
        payment(date(2026, 11, 15), "cahors", "figeac", "50.00"),  # the Sunday before: last week's digest
        payment(date(2026, 11, 16), "cahors", "figeac", "350.00", "FA-2"),
        payment(date(2026, 11, 22), "figeac", "cahors", "200.00", "CA-7"),
        payment(date(2026, 11, 23), "cahors", "figeac", "10.00"),  # the digest's Monday: next week's
    ]
    books = two_ways(payments=paid)
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert cahors.payments_window == (date(2026, 11, 16), date(2026, 11, 22))
    assert [p.payment.amount for p in cahors.payments] == [Decimal("350.00"), Decimal("200.00")]
    first = cahors.payments[0].matched
    assert first is not None and first.excess == 0
    # FA-2 first, as named; the rest to the oldest open item, FA-1 (50.00 of it paid the week before).
    assert [(a.item.invoice, a.amount) for a in first.applied] == [
        ("FA-2", Decimal("200.00")),
        ("FA-1", Decimal("150.00")),
    ]
    assert [p.payment.amount for p in office_digest(books, "dordogne", WEEK, seen=None).payments] == []
    # The collective sees them all, with the same window; widened when weeks were skipped.
    c = collective_digest(books, WEEK, [cahors])
    assert [p.payment.amount for p in c.payments] == [Decimal("350.00"), Decimal("200.00")]
    wider = collective_digest(books, WEEK, [cahors], last_week=Week(2026, 46))
    assert [p.payment.on for p in wider.payments] == [
        date(2026, 11, 15),
        date(2026, 11, 16),
        date(2026, 11, 22),
    ]


def test_a_payment_alone_makes_a_week_worth_a_digest():
    rows = [
        purchase("cahors", "figeac", "C-1", start=date(2026, 3, 1), amount="300.00", partner_ref="F-1"),
        sale("figeac", "cahors", "F-1", start=date(2026, 3, 1), amount="300.00", partner_ref="C-1"),
    ]
    books = make_books(rows, payments=[payment(date(2026, 11, 18), "cahors", "figeac", "300.00")])
    figeac = office_digest(books, "figeac", WEEK, seen=frozenset({"F-1"}))
    assert figeac.balance.receivable == 0 and figeac.transfers == []
    assert not figeac.is_empty
    assert office_digest(books, "dordogne", WEEK, seen=frozenset()).is_empty


def test_the_anomalies_of_a_payment_reach_both_its_offices_with_their_row_and_column():
    paid = [
        payment(date(2026, 11, 17), "cahors", "figeac", "600.00", "FA-1", "FA-9"),
        payment(date(2026, 11, 18), "cahors", "figeac", "100.00", "FA-1"),
    ]
    books = two_ways(payments=paid)
    kinds = {
        office: [(f.anomaly.kind, f.where, f.anomaly.column, f.anomaly.value) for f in d.fixes if f.anomaly]
        for office in ("cahors", "figeac", "dordogne")
        for d in [office_digest(books, office, WEEK, seen=None)]
    }
    first, second = paid[0].where, paid[1].where
    assert kinds["cahors"] == [
        (AnomalyKind.UNKNOWN_REFERENCE, first, "Références", "FA-9"),
        (AnomalyKind.OVERPAYMENT, first, "Montant", money("600.00")),
        (AnomalyKind.ALREADY_SETTLED, second, "Références", "FA-1"),
        (AnomalyKind.OVERPAYMENT, second, "Montant", money("100.00")),
    ]
    assert kinds["figeac"] == kinds["cahors"]  # the payee may owe a refund: it is told too
    assert kinds["dordogne"] == []
    # The overpayment is a refund Figeac owes Cahors.
    figeac = office_digest(books, "figeac", WEEK, seen=None)
    refunds = [i for t in figeac.transfers for i in t.pays if i.source == "refund"]
    assert [(i.debtor, i.creditor, i.open) for i in refunds] == [
        ("figeac", "cahors", Decimal("100.00")),
        ("figeac", "cahors", Decimal("100.00")),
    ]


def test_fee_shares_follow_the_payments_and_the_offices_named_as_paid():
    costs = [
        expense("Cotisation ADN 2026", "3000.00", "dordogne", category="Cotisation", fee=True),
        expense("Salon", "900.00", "figeac", shares_paid=frozenset({"cahors"})),
    ]
    paid = [payment(date(2026, 11, 18), "cahors", "dordogne", "400.00", "Cotisation ADN 2026")]
    books = make_books([], expenses=costs, payments=paid)
    cahors = office_digest(books, "cahors", WEEK, seen=None)
    assert [(f.split.expense.label, f.settled, f.open) for f in cahors.fee_shares] == [
        ("Cotisation ADN 2026", False, Decimal("600.00")),
        ("Salon", True, Decimal("0.00")),
    ]
    assert owed_total(cahors.fee_shares) == Decimal("600.00") == cahors.balance.payable
    dordogne = office_digest(books, "dordogne", WEEK, seen=None)
    assert [(f.split.expense.label, f.open) for f in dordogne.fee_shares] == [
        ("Cotisation ADN 2026", Decimal("0.00")),  # its own fee
        ("Salon", Decimal("300.00")),  # Dordogne is not named as paid
    ]


# -- settlement when the books are incomplete ---------------------------------------------------------


def test_while_an_office_is_unread_payments_are_listed_but_not_what_they_settle():
    paid = [payment(date(2026, 11, 17), "cahors", "figeac", "900.00", "FA-1")]  # overpaid by 400.00
    books = two_ways(payments=paid)
    incomplete = books._replace(gaps=(FIGEAC_UNREAD,))
    last = LastComplete("lundi 16 novembre 2026 à 08:00", books.balances, books.transfers)

    cahors = office_digest(incomplete, "cahors", WEEK, seen=None, last_complete=last)

    assert [(p.payment.amount, p.matched) for p in cahors.payments] == [(Decimal("900.00"), None)]
    # What a payment to an unread office settles may be wrong: its anomalies are left out for now.
    assert [f for f in cahors.fixes if f.anomaly] == []
    assert [f.anomaly.kind for f in office_digest(books, "cahors", WEEK, seen=None).fixes if f.anomaly] == [
        AnomalyKind.OVERPAYMENT
    ]
    summary = collective_digest(incomplete, WEEK, [cahors], last)
    assert summary.pairs == () and summary.payments[0].matched is None


def test_while_books_are_incomplete_no_set_off_and_shares_by_the_sheet_marks_only():
    costs = [expense("Cotisation ADN 2026", "3000.00", "dordogne", category="Cotisation", fee=True)]
    paid = [payment(date(2026, 11, 18), "cahors", "dordogne", "1000.00", "Cotisation ADN 2026")]
    books = make_books([], expenses=costs, payments=paid)
    incomplete = books._replace(gaps=(FIGEAC_UNREAD,))
    assert office_digest(books, "cahors", WEEK, seen=None).fee_shares[0].settled
    # The payment may be meant for days of an unread sheet: only `Remboursé` counts for now.
    share = office_digest(incomplete, "cahors", WEEK, seen=None).fee_shares[0]
    assert (share.settled, share.open) == (False, Decimal("1000.00"))
    pair = two_ways(SettlementMode.PAIR, payments=[payment(date(2026, 11, 2), "cahors", "figeac", "300.00")])
    assert office_digest(pair._replace(gaps=(FIGEAC_UNREAD,)), "cahors", WEEK, seen=None).set_offs == ()


# -- requests from the collective's website (issue 14) ----------------------------------------------

REQUEST_HEADER = (
    "N° demande", "Reçue le", "Demandeur", "Structure", "E-mail", "Téléphone", "Type de groupe", "Pax",
    "Date souhaitée", "Lieux souhaités", "Lieu de séjour", "Attribuée à", "Statut", "Motif", "Répondu le",
)  # fmt: skip
_REQUEST_FIELDS = (
    "number", "received", "requester", "structure", "email", "phone", "group_type", "pax", "wanted",
    "places", "stay", "assigned", "status", "reason", "answered",
)  # fmt: skip
GAZETTEER = Gazetteer(
    [
        Place("Cahors", "cahors", "commune", "CA du Grand Cahors"),
        Place("Saint-Cirq-Lapopie", "cahors", "commune", "CA du Grand Cahors"),
        Place("Rocamadour", "dordogne", "commune", "CC Causses et Vallée de la Dordogne"),
        Place("Figeac", "figeac", "commune", "CC Grand-Figeac"),
        Place("Sarlat-la-Canéda", None, "commune", "CC Sarlat-Périgord Noir"),
    ]
)
REQUEST_RULES = RequestRules(
    REQUEST_HEADERS,
    {normalize(w): s for s, words in REQUEST_STATUS_WORDS.items() for w in (s, *words)},
    GAZETTEER,
)
RULES = Rules(
    MEMBERS,
    Words({}, {}, {}, {normalize(w): m.id for m in MEMBERS for w in (m.id, *m.aliases)}),
    DOSSIER_HEADERS,
    {},
    requests=REQUEST_RULES,
)


def request(**cells: object) -> tuple[object, ...]:
    """A row of `Demandes` in REQUEST_HEADER's order, from the fields given."""
    return tuple(cells.get(f) for f in _REQUEST_FIELDS)


def demandes(*rows: tuple[object, ...], header: Sequence[str] = REQUEST_HEADER) -> Sheet:
    return Sheet("collectif.xlsx", "Demandes", [("Demandes reçues par le site",), (), header, *rows])


def books_with_requests(*rows: tuple[object, ...], sheet: Sheet | None = None) -> Books:
    """Books from `compute_books` as of MONDAY: no office sheet, a `Demandes` tab of these rows
    (or `sheet`)."""
    inputs = Inputs({}, requests=sheet if sheet is not None else demandes(*rows))
    return compute_books(inputs, RULES, MONDAY)


def requests_week() -> Books:
    """As of Monday 23 November 2026 (late: more than 2 working days without an answer).

    Cahors: a request of Monday 16 (5 working days, late), a quote sent on 3 November for one of
    2 November (14 working days, 11 November being a holiday; answered, so not late), one of
    Friday 20 (1 working day) and one confirmed (closed). Figeac: one of Tuesday 17, late. No
    office: one staying at Rocamadour (so Dordogne is suggested, Figeac also named), of Wednesday
    18 (late), and one of Monday 23 naming only Sarlat, outside the collective. And a lost one of
    Cahors in 2025, outside this year's funnel.
    """
    return books_with_requests(
        request(received=date(2026, 11, 20), requester="Récente", assigned="Cahors", pax=20),
        request(
            number="W-7",
            received=date(2026, 11, 16),
            requester="Marie Dupont",
            structure="Lycée Champollion",
            email="m.dupont@example.org",
            phone="06 12 34 56 78",
            assigned="OT Cahors",
            pax=52,
            wanted="mi-juin 2027",
            places="Saint-Cirq-Lapopie, Figeac",
        ),
        request(
            received=date(2026, 11, 2),
            requester="Devis",
            assigned="Cahors",
            status="devis envoyé",
            answered=date(2026, 11, 3),
        ),
        request(
            received=date(2026, 10, 1),
            requester="Confirmée",
            assigned="Cahors",
            status="confirmée",
            answered=date(2026, 10, 5),
        ),
        request(received=date(2026, 11, 17), requester="Figeac en retard", assigned="Figeac"),
        request(received=date(2026, 11, 18), requester="Sans office", stay="Rocamadour", places="Figeac"),
        request(received=date(2026, 11, 23), requester="Hors collectif", places="Sarlat-la-Canéda"),
        request(
            received=date(2025, 6, 2),
            requester="Ancienne",
            assigned="Cahors",
            status="perdue",
            reason="prix",
            answered=date(2025, 6, 4),
        ),
    )


def test_an_office_digest_lists_only_its_open_requests_late_first_with_their_age():
    books = requests_week()
    cahors = office_digest(books, "cahors", WEEK, seen=None, locate=locate)

    assert cahors.requests is not None
    assert [(r.line.request.requester, r.line.age, r.line.late) for r in cahors.requests.open] == [
        ("Marie Dupont", 5, True),
        ("Devis", 14, False),  # 11 November is a holiday
        ("Récente", 1, False),
    ]
    assert cahors.requests.late == 1 and cahors.requests.reply_within == 2
    assert cahors.requests.open[0].link == locate(Where("collectif.xlsx", "Demandes", 5))
    assert cahors.requests.unread is None
    figeac = office_digest(books, "figeac", WEEK, seen=None)
    assert [r.line.request.requester for r in figeac.requests.open] == ["Figeac en retard"]
    dordogne = office_digest(books, "dordogne", WEEK, seen=None)
    assert dordogne.requests is not None and dordogne.requests.open == ()  # a suggestion is not its yet


def test_open_requests_alone_make_an_office_digest_worth_sending():
    open_one = books_with_requests(request(received=date(2026, 11, 20), requester="A", assigned="Cahors"))
    closed = books_with_requests(
        request(received=date(2026, 11, 2), requester="A", assigned="Cahors", status="perdue")
    )
    assert not office_digest(open_one, "cahors", WEEK, seen=frozenset()).is_empty
    assert office_digest(closed, "cahors", WEEK, seen=frozenset()).is_empty
    assert office_digest(closed, "cahors", WEEK, seen=frozenset()).requests == OfficeRequests((), 2)
    assert office_digest(open_one, "figeac", WEEK, seen=frozenset()).is_empty


def test_the_collective_lists_the_unassigned_with_their_suggestion_the_late_ones_and_the_year_funnel():
    books = requests_week()
    offices = [office_digest(books, m.id, WEEK, seen=None) for m in MEMBERS]
    c = collective_digest(books, WEEK, offices, locate=locate)

    assert c.requests is not None and not c.is_empty
    lines = [r.line for r in c.requests.unassigned]
    unassigned = [(line.request.requester, line.late, line.routing.suggested) for line in lines]
    assert unassigned == [
        ("Sans office", True, "dordogne"),
        ("Hors collectif", False, None),
    ]
    assert c.requests.unassigned[0].line.routing.partners == ("figeac",)
    assert c.requests.unassigned[0].link == locate(Where("collectif.xlsx", "Demandes", 9))
    assert [(r.line.office, r.line.request.requester) for r in c.requests.late] == [
        ("cahors", "Marie Dupont"),
        ("figeac", "Figeac en retard"),
    ]
    assert c.requests.year == 2026
    funnel = [(f.office, f.year, f.received, f.answered, f.quoted, f.confirmed) for f in c.requests.funnel]
    assert funnel == [
        ("cahors", 2026, 4, 2, 2, 1),
        ("dordogne", 2026, 0, 0, 0, 0),  # an office that received none still has its row
        ("figeac", 2026, 1, 0, 0, 0),
        (None, 2026, 2, 0, 0, 0),
    ]
    cahors = c.requests.funnel[0]
    assert cahors.conversion == Decimal("0.2500") and cahors.lost == ()
    assert cahors.median_reply_days == Decimal("1.5")  # replies of 1 and 2 working days


def test_without_a_requests_tab_the_digests_say_nothing_of_requests():
    books = compute_books(Inputs({}), RULES, MONDAY)
    assert not books.requests.read
    offices = [office_digest(books, m.id, WEEK, seen=None) for m in MEMBERS]
    assert [o.requests for o in offices] == [None, None, None]
    assert collective_digest(books, WEEK, offices).requests is None
    assert office_digest(make_books([]), "cahors", WEEK, seen=None).requests is None


def test_a_requests_tab_that_cannot_be_read_never_makes_the_balances_stale():
    header = [h for h in REQUEST_HEADER if h != "Reçue le"]
    books = books_with_requests(sheet=demandes(header=header))
    assert [g.source for g in books.gaps] == [REQUESTS_GAP] and books.requests.read
    books = books._replace(dossiers=[dossier("cahors", "C-1")])

    cahors = office_digest(books, "cahors", WEEK, seen=None)
    c = collective_digest(books, WEEK, [cahors])

    assert (cahors.stale, cahors.turnover_unread, c.stale, c.turnover_unread) == (None, None, None, None)
    assert cahors.requests is not None and cahors.requests.unread == books.gaps[0].reason
    assert "Demandes" in books.gaps[0].reason
    assert c.requests is not None and c.requests.unread == books.gaps[0].reason
    assert not cahors.is_empty and not c.is_empty
    # Nor does a requests tab that was asked for and is missing (no requests read at all).
    missing = Anomaly(AnomalyKind.MISSING_TAB, Where("collectif.xlsx", "Demandes", 0), "", "", "absent")
    absent = compute_books(Inputs({}, read_anomalies=[missing]), RULES, MONDAY)
    assert [g.source for g in absent.gaps] == [REQUESTS_GAP] and not absent.requests.read
    quiet = office_digest(absent, "cahors", WEEK, seen=None)
    assert (quiet.stale, quiet.requests) == (None, None)
