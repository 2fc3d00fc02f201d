"""Turnover: live rows except purchases, by office, month and kind; YTD against last year."""

from datetime import date
from decimal import Decimal

from factories import IDS, dossier, purchase

from lotsync.core.model import Kind, Status
from lotsync.core.turnover import dashboard, periods


def office(board, ident):
    return next(y for y in board.offices if y.office == ident)


def test_year_to_date_against_the_same_period_last_year():
    board = dashboard(
        [
            dossier("cahors", "C1", start=date(2026, 3, 1), amount="1000.00"),
            dossier("cahors", "C2", start=date(2026, 11, 30), amount="999.00"),  # after as-of
            dossier("cahors", "C3", start=date(2025, 2, 1), amount="400.00"),
            dossier("cahors", "C4", start=date(2025, 12, 1), amount="700.00"),  # after the same day last year
        ],
        IDS,
        date(2026, 11, 26),
    )
    cahors = office(board, "cahors")
    assert (cahors.turnover, cahors.previous) == (Decimal("1000.00"), Decimal("400.00"))
    assert cahors.change == Decimal("1.5")
    assert board.current.start == date(2026, 1, 1) and board.previous.end == date(2025, 11, 26)


def test_only_live_rows_count_and_purchases_are_costs():
    board = dashboard(
        [
            dossier("dordogne", "D1", status=Status.CONFIRMED, amount="100.00"),
            dossier("dordogne", "D2", status=Status.INVOICED, amount="200.00"),
            dossier("dordogne", "D3", status=Status.PAID, amount="300.00"),
            dossier("dordogne", "D4", status=Status.OPTION, amount="5000.00"),
            dossier("dordogne", "D5", status=Status.CANCELLED, amount="5000.00"),
            dossier("dordogne", "D6", status=Status.QUOTE, amount="5000.00"),
            purchase("dordogne", "cahors", "D7", amount="5000.00"),
        ],
        IDS,
        date(2026, 12, 31),
    )
    assert office(board, "dordogne").turnover == Decimal("600.00")
    assert office(board, "dordogne").dossiers == 3


def test_days_and_group_visits_show_apart():
    board = dashboard(
        [
            dossier("figeac", "F1", kind=Kind.DAY, amount="800.00", pax=30),
            dossier("figeac", "F2", kind=Kind.VISIT, amount="250.00", pax=25),
            dossier("figeac", "F3", kind=Kind.STAY, amount="4000.00", pax=20),
        ],
        IDS,
        date(2026, 12, 31),
    )
    figeac = office(board, "figeac")
    assert figeac.by_kind[Kind.DAY] == Decimal("800.00")
    assert figeac.by_kind[Kind.VISIT] == Decimal("250.00")
    assert figeac.pax == 75
    june = next(m for m in board.months if (m.office, m.year, m.month) == ("figeac", 2026, 6))
    assert (june.turnover, june.days, june.visits) == (
        Decimal("5050.00"),
        Decimal("800.00"),
        Decimal("250.00"),
    )
    assert board.total.turnover == Decimal("5050.00")
    assert len(board.months) == 24 * len(IDS)


def test_the_same_day_a_year_earlier_of_a_29_february():
    _, previous = periods(date(2028, 2, 29))
    assert previous.end == date(2027, 2, 28)


def test_a_financial_year_starting_in_september():
    current, previous = periods(date(2026, 3, 15), start_month=9)
    assert current.start == date(2025, 9, 1) and previous.start == date(2024, 9, 1)


def test_no_rows_no_crash():
    board = dashboard([], IDS, date(2026, 11, 26))
    assert board.total.turnover == 0 and office(board, "cahors").change is None
