"""Settlement: items, payments matched to them (lettrage), statements, and the transfers of each mode.

Small books computed by hand: Cahors (C), Dordogne (D) and Figeac (F). Unless said otherwise, a day
is sold 1 200,00 € and still `confirmé` at the seller, so the buyer owes it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from factories import IDS, MEMBERS, purchase, sale
from hypothesis import given, settings
from hypothesis import strategies as st

from lotsync.core.model import (
    AnomalyKind,
    Dossier,
    Expense,
    Item,
    Payment,
    ReconStatus,
    SettlementMode,
    Status,
    Where,
)
from lotsync.core.reconcile import reconcile
from lotsync.core.settlement import apply_payments, items, margins, settle_books, statements
from lotsync.core.split import split_expenses

YEAR_START = date(2026, 1, 1)
NAMES = {m.id: m.short for m in MEMBERS}
ROWS = iter(range(2, 10**6))


def day(buyer: str, seller: str, ref: str, **kw) -> list[Dossier]:
    """Both sides of one inter-office day, `ref` on the seller's side and `ref`-A on the buyer's."""
    invoice = kw.pop("invoice", None)
    buyer_invoice = kw.pop("buyer_invoice", invoice)
    status = kw.pop("status", Status.CONFIRMED)
    return [
        sale(seller, buyer, ref, status=status, invoice=invoice, **kw),
        purchase(buyer, seller, f"{ref}-A", partner_ref=ref, invoice=buyer_invoice, **kw),
    ]


def shared_cost(label: str, amount: str, paid_by: str, *, on: date = date(2026, 3, 2), **kw) -> Expense:
    return Expense(label, Decimal(amount), paid_by, "égale", "Salon", on, on.year, False, None, **kw)


def pay(payer: str, payee: str, amount: str, *refs: str, on: date = date(2026, 9, 1)) -> Payment:
    where = Where("collectif.xlsx", "Règlements", next(ROWS))
    return Payment(on, payer, payee, Decimal(amount), refs, "virement", where, ("Références", "Montant"))


def settle(dossiers=(), expenses=(), payments=(), mode=SettlementMode.GROSS):
    lines = reconcile(list(dossiers), MEMBERS)
    splits = split_expenses(list(expenses), IDS, {}, {})
    return settle_books(lines, splits, list(payments), MEMBERS, mode, YEAR_START)


def open_items(settlement) -> list[tuple[str, str, str, Decimal]]:
    return [(i.debtor, i.creditor, i.ref or i.label, i.open) for i in settlement.items if i.open]


# -- items ---------------------------------------------------------------------------------------


def test_a_day_owed_and_a_share_of_a_cost_are_items() -> None:
    books = [*day("cahors", "figeac", "FIG-1", invoice="F-101")]
    found = items(
        reconcile(books, MEMBERS), split_expenses([shared_cost("Salon", "300.00", "dordogne")], IDS, {}, {})
    )
    seen = [
        (i.debtor, i.creditor, i.source, i.ref, i.partner_ref, i.invoice, i.amount, i.paid) for i in found
    ]
    assert seen == [
        ("cahors", "figeac", "day", "FIG-1", "FIG-1-A", "F-101", Decimal("1200.00"), Decimal("0.00")),
        ("cahors", "dordogne", "expense", "", "", "", Decimal("100.00"), Decimal("0.00")),
        ("figeac", "dordogne", "expense", "", "", "", Decimal("100.00"), Decimal("0.00")),
    ]  # fmt: skip


def test_a_paid_day_is_a_settled_item_and_a_cancelled_one_no_item() -> None:
    books = [
        *day("cahors", "figeac", "FIG-1", status=Status.PAID),
        *day("cahors", "figeac", "FIG-2", status=Status.CANCELLED),
    ]
    [paid] = items(reconcile(books, MEMBERS), [])
    assert (paid.ref, paid.amount, paid.paid, paid.open) == (
        "FIG-1",
        Decimal("1200.00"),
        Decimal("1200.00"),
        0,
    )


def test_a_fee_is_dated_the_first_of_january_of_its_year() -> None:
    fee = Expense(
        "Club ADN", Decimal("3000.00"), "cahors", "égale", "Cotisation", None, 2026, False, None, fee=True
    )
    found = items([], split_expenses([fee], IDS, {}, {}))
    assert {(i.source, i.on, i.amount) for i in found} == {("fee", date(2026, 1, 1), Decimal("1000.00"))}


def test_remboursé_naming_offices_settles_only_their_shares() -> None:
    cost = shared_cost("Salon", "300.00", "dordogne", shares_paid=frozenset({"figeac"}))
    settlement, _, balances = settle(expenses=[cost])
    assert open_items(settlement) == [("cahors", "dordogne", "Salon", Decimal("100.00"))]
    assert {b.member: b.net for b in balances} == {"cahors": -100, "dordogne": 100, "figeac": 0}


def test_books_without_payments_owe_what_they_owed_before() -> None:
    books = [*day("cahors", "figeac", "FIG-1"), *day("figeac", "cahors", "CAH-1", amount="800.00")]
    _, debts, balances = settle(books, [shared_cost("Salon", "300.00", "dordogne")])
    assert sorted((d.debtor, d.creditor, d.amount, d.source, d.label) for d in debts) == [
        ("cahors", "dordogne", Decimal("100.00"), "expense", "Salon"),
        ("cahors", "figeac", Decimal("1200.00"), "day", "FIG-1"),
        ("figeac", "cahors", Decimal("800.00"), "day", "CAH-1"),
        ("figeac", "dordogne", Decimal("100.00"), "expense", "Salon"),
    ]
    assert {b.member: b.net for b in balances} == {"cahors": -500, "dordogne": 200, "figeac": 300}


# -- invoice numbers -------------------------------------------------------------------------------


def test_two_different_invoice_numbers_are_a_discrepancy_still_owed_at_the_sellers_amount() -> None:
    [line] = reconcile(day("cahors", "figeac", "FIG-1", invoice="F-101", buyer_invoice="F 102"), MEMBERS)
    assert line.statuses == (ReconStatus.INVOICE_MISMATCH,)
    assert line.owed == Decimal("1200.00")
    assert "F-101" in line.explanation and "F 102" in line.explanation


def test_invoice_numbers_differing_only_by_case_and_spaces_agree() -> None:
    [line] = reconcile(day("cahors", "figeac", "FIG-1", invoice="F-101", buyer_invoice=" f - 101"), MEMBERS)
    assert line.statuses == (ReconStatus.OK,)


def test_one_side_without_an_invoice_number_is_no_discrepancy() -> None:
    [line] = reconcile(day("cahors", "figeac", "FIG-1", invoice="F-101", buyer_invoice=None), MEMBERS)
    assert line.is_ok


# -- matching payments (lettrage) -------------------------------------------------------------------


def three_days() -> list[Dossier]:
    return [
        *day("cahors", "figeac", "FIG-1", start=date(2026, 5, 4), invoice="F-101"),
        *day("cahors", "figeac", "FIG-2", start=date(2026, 6, 8), invoice="F-102", amount="900.00"),
        *day("cahors", "figeac", "FIG-3", start=date(2026, 7, 6), invoice="F-103", amount="500.00"),
    ]


def test_a_payment_naming_an_invoice_settles_that_item_first() -> None:
    settlement, _, _ = settle(three_days(), payments=[pay("cahors", "figeac", "500.00", "F-103")])
    assert open_items(settlement) == [
        ("cahors", "figeac", "FIG-1", Decimal("1200.00")),
        ("cahors", "figeac", "FIG-2", Decimal("900.00")),
    ]
    [matched] = settlement.payments
    assert [(a.item.ref, a.amount) for a in matched.applied] == [("FIG-3", Decimal("500.00"))]
    assert matched.excess == 0 and settlement.anomalies == []


@pytest.mark.parametrize("reference", ["FIG-2", "fig-2-a", " f-102 ", "F- 102"])
def test_a_payment_names_an_item_by_invoice_or_either_sides_reference(reference: str) -> None:
    settlement, _, _ = settle(three_days(), payments=[pay("cahors", "figeac", "900.00", reference)])
    assert [ref for _, _, ref, _ in open_items(settlement)] == ["FIG-1", "FIG-3"]


def test_an_unreferenced_payment_settles_the_oldest_items_first_and_may_pay_one_in_part() -> None:
    settlement, _, balances = settle(three_days(), payments=[pay("cahors", "figeac", "1500.00")])
    assert open_items(settlement) == [
        ("cahors", "figeac", "FIG-2", Decimal("600.00")),
        ("cahors", "figeac", "FIG-3", Decimal("500.00")),
    ]
    assert {b.member: b.net for b in balances}["figeac"] == Decimal("1100.00")


def test_named_items_are_settled_in_the_order_named_then_the_rest_oldest_first() -> None:
    settlement, _, _ = settle(three_days(), payments=[pay("cahors", "figeac", "1600.00", "F-103", "F-102")])
    [matched] = settlement.payments
    assert [(a.item.ref, a.amount) for a in matched.applied] == [
        ("FIG-3", Decimal("500.00")),
        ("FIG-2", Decimal("900.00")),
        ("FIG-1", Decimal("200.00")),
    ]


def test_a_payment_names_a_shared_cost_by_its_label_without_regard_to_case_and_accents() -> None:
    costs = [
        shared_cost("Salon des CE", "300.00", "dordogne"),
        shared_cost("Brochure été", "600.00", "dordogne"),
    ]
    settlement, _, _ = settle(expenses=costs, payments=[pay("cahors", "dordogne", "200.00", "brochure ETE")])
    assert open_items(settlement) == [
        ("cahors", "dordogne", "Salon des CE", Decimal("100.00")),
        ("figeac", "dordogne", "Salon des CE", Decimal("100.00")),
        ("figeac", "dordogne", "Brochure été", Decimal("200.00")),
    ]


def test_an_overpayment_is_an_anomaly_and_a_refund_owed_back() -> None:
    payment = pay("cahors", "figeac", "3000.00", on=date(2026, 9, 14))
    settlement, _, balances = settle(three_days(), payments=[payment])
    [refund] = [i for i in settlement.items if i.source == "refund"]
    assert (refund.debtor, refund.creditor, refund.amount, refund.on) == (
        "figeac",
        "cahors",
        Decimal("400.00"),
        date(2026, 9, 14),
    )
    [anomaly] = settlement.anomalies
    assert anomaly.kind is AnomalyKind.OVERPAYMENT
    assert (anomaly.where, anomaly.column) == (payment.where, "Montant")
    assert "400,00" in anomaly.message and "Figeac" in anomaly.message
    assert {b.member: b.net for b in balances} == {"cahors": 400, "dordogne": 0, "figeac": -400}
    assert settlement.payments[0].excess == Decimal("400.00")


def test_a_later_payment_the_other_way_settles_a_refund() -> None:
    payments = [
        pay("cahors", "figeac", "3000.00", on=date(2026, 9, 14)),
        pay("figeac", "cahors", "400.00", on=date(2026, 9, 20)),
    ]
    settlement, _, balances = settle(three_days(), payments=payments)
    assert open_items(settlement) == [] and all(b.net == 0 for b in balances)


def test_a_reference_that_names_nothing_between_those_offices_is_applied_as_unreferenced() -> None:
    payment = pay("cahors", "figeac", "1200.00", "DOR-9")
    settlement, _, _ = settle([*three_days(), *day("cahors", "dordogne", "DOR-9")], payments=[payment])
    [anomaly] = settlement.anomalies
    assert (anomaly.kind, anomaly.value, anomaly.column) == (
        AnomalyKind.UNKNOWN_REFERENCE,
        "DOR-9",
        "Références",
    )
    assert ("cahors", "dordogne", "DOR-9", Decimal("1200.00")) in open_items(settlement)
    assert ("cahors", "figeac", "FIG-1", Decimal("1200.00")) not in open_items(settlement)


def test_naming_a_paid_day_is_a_possible_double_payment() -> None:
    books = [*day("cahors", "figeac", "FIG-0", status=Status.PAID, invoice="F-100"), *three_days()]
    settlement, _, _ = settle(books, payments=[pay("cahors", "figeac", "1200.00", "F-100")])
    [anomaly] = settlement.anomalies
    assert anomaly.kind is AnomalyKind.ALREADY_SETTLED
    assert "soldé" in anomaly.message
    assert [ref for _, _, ref, _ in open_items(settlement)] == ["FIG-2", "FIG-3"]


def test_naming_an_item_an_earlier_payment_settled_says_which_row() -> None:
    first, second = pay("cahors", "figeac", "500.00", "F-103"), pay("cahors", "figeac", "500.00", "F-103")
    settlement, _, _ = settle(three_days(), payments=[second._replace(on=date(2026, 10, 1)), first])
    [anomaly] = settlement.anomalies
    assert anomaly.kind is AnomalyKind.ALREADY_SETTLED and anomaly.where == second.where
    assert f"ligne {first.where.row}" in anomaly.message


def test_payments_are_applied_in_date_order_then_row_order() -> None:
    late, early = (
        pay("cahors", "figeac", "100.00", on=date(2026, 10, 1)),
        pay("cahors", "figeac", "100.00", on=date(2026, 2, 1)),
    )
    settlement, _, _ = settle(three_days(), payments=[late, early])
    assert [m.payment for m in settlement.payments] == [early, late]


def test_a_payment_between_offices_with_nothing_between_them_is_all_overpayment() -> None:
    settlement, _, balances = settle(payments=[pay("dordogne", "cahors", "50.00")])
    assert [a.kind for a in settlement.anomalies] == [AnomalyKind.OVERPAYMENT]
    assert {b.member: b.net for b in balances} == {"cahors": -50, "dordogne": 50, "figeac": 0}


# -- statements ---------------------------------------------------------------------------------


def test_a_statement_lists_the_years_items_and_older_open_ones_in_date_order() -> None:
    old_paid = day("cahors", "figeac", "FIG-0", start=date(2025, 11, 3), status=Status.PAID)
    old_open = day("cahors", "figeac", "FIG-00", start=date(2025, 12, 1))
    settlement, _, _ = settle([*three_days(), *old_paid, *old_open])
    [statement] = settlement.statements
    assert (statement.debtor, statement.creditor) == ("cahors", "figeac")
    assert [i.ref for i in statement.items] == ["FIG-00", "FIG-1", "FIG-2", "FIG-3"]
    assert statement.owed == Decimal("3800.00")


def test_each_direction_of_a_pair_has_its_own_statement() -> None:
    books = [*day("cahors", "figeac", "FIG-1"), *day("figeac", "cahors", "CAH-1", amount="800.00")]
    found = statements(items(reconcile(books, MEMBERS), []), IDS, YEAR_START)
    assert [(s.debtor, s.creditor, s.owed) for s in found] == [
        ("cahors", "figeac", Decimal("1200.00")),
        ("figeac", "cahors", Decimal("800.00")),
    ]


# -- the three modes ------------------------------------------------------------------------------


def crossing_debts() -> list[Dossier]:
    """C owes F 1 200, F owes C 800, D owes F 500: the case where the modes differ."""
    return [
        *day("cahors", "figeac", "FIG-1"),
        *day("figeac", "cahors", "CAH-1", amount="800.00"),
        *day("dordogne", "figeac", "FIG-2", amount="500.00"),
    ]


def test_gross_nets_nothing_one_transfer_per_debtor_and_creditor_with_its_items() -> None:
    settlement, _, _ = settle(crossing_debts(), mode=SettlementMode.GROSS)
    assert [(t.debtor, t.creditor, t.amount, [i.ref for i in t.pays]) for t in settlement.transfers] == [
        ("cahors", "figeac", Decimal("1200.00"), ["FIG-1"]),
        ("dordogne", "figeac", Decimal("500.00"), ["FIG-2"]),
        ("figeac", "cahors", Decimal("800.00"), ["CAH-1"]),
    ]


def test_pair_nets_the_two_directions_of_each_pair() -> None:
    settlement, _, _ = settle(crossing_debts(), mode=SettlementMode.PAIR)
    found = [
        (t.debtor, t.creditor, t.amount, [i.ref for i in t.pays], [i.ref for i in t.offsets])
        for t in settlement.transfers
    ]
    assert found == [
        ("cahors", "figeac", Decimal("400.00"), ["FIG-1"], ["CAH-1"]),
        ("dordogne", "figeac", Decimal("500.00"), ["FIG-2"], []),
    ]


def test_minimal_gives_the_fewest_transfers_over_the_net_balances() -> None:
    settlement, _, balances = settle(crossing_debts(), mode=SettlementMode.MINIMAL)
    assert {b.member: b.net for b in balances} == {"cahors": -400, "dordogne": -500, "figeac": 900}
    assert [(t.debtor, t.creditor, t.amount, t.pays) for t in settlement.transfers] == [
        ("dordogne", "figeac", Decimal("500.00"), ()),
        ("cahors", "figeac", Decimal("400.00"), ()),
    ]


def test_the_net_balances_are_the_same_in_every_mode() -> None:
    nets = {mode: [b.net for b in settle(crossing_debts(), mode=mode)[2]] for mode in SettlementMode}
    assert len({tuple(n) for n in nets.values()}) == 1


# -- margins -----------------------------------------------------------------------------------------


def test_the_margin_statement_lists_every_day_bought_with_a_resale_price() -> None:
    bought = purchase("cahors", "figeac", "CAH-7", amount="1200.00", resale="1250.00")
    found = margins(
        [bought, sale("figeac", "cahors", "FIG-7", resale="1300.00"), purchase("cahors", "figeac", "CAH-8")]
    )
    assert [(m.office, m.ref, m.partner, m.purchase, m.resale, m.margin) for m in found] == [
        ("cahors", "CAH-7", "figeac", Decimal("1200.00"), Decimal("1250.00"), Decimal("50.00"))
    ]


# -- properties -------------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)
offices = st.sampled_from(IDS)


@st.composite
def books_and_payments(draw):
    dossiers: list[Dossier] = []
    for n in range(draw(st.integers(0, 8))):
        buyer = draw(offices)
        seller = draw(offices.filter(lambda o, b=buyer: o != b))
        status = draw(st.sampled_from([Status.CONFIRMED, Status.INVOICED, Status.PAID]))
        dossiers += day(buyer, seller, f"R-{n}", amount=str(draw(amounts)), status=status, invoice=f"F-{n}")
    payments = []
    for _ in range(draw(st.integers(0, 6))):
        payer = draw(offices)
        payee = draw(offices.filter(lambda o, p=payer: o != p))
        refs = draw(st.lists(st.sampled_from(["F-0", "F-1", "R-2", "X", "F-3"]), max_size=2))
        payments.append(
            pay(payer, payee, str(draw(amounts)), *refs, on=date(2026, draw(st.integers(1, 12)), 1))
        )
    return dossiers, payments


@settings(max_examples=150, deadline=None)
@given(books_and_payments(), st.sampled_from(list(SettlementMode)))
def test_properties_of_every_mode(case, mode: SettlementMode) -> None:
    dossiers, payments = case
    settlement, _, balances = settle(dossiers, payments=payments, mode=mode)
    assert sum(b.net for b in balances) == 0
    total = sum((t.amount for t in settlement.transfers), Decimal(0))
    owed_between = {(i.debtor, i.creditor) for i in settlement.items if i.open}
    pairs = [frozenset((t.debtor, t.creditor)) for t in settlement.transfers]
    if mode is SettlementMode.GROSS:
        assert all((t.debtor, t.creditor) in owed_between for t in settlement.transfers)
        assert total == sum((i.open for i in settlement.items), Decimal(0))
    if mode is SettlementMode.PAIR:
        assert len(pairs) == len(set(pairs))
    if mode is SettlementMode.MINIMAL:
        assert len(settlement.transfers) <= max(len([b for b in balances if b.net]) - 1, 0)
    # After every transfer, every balance is zero.
    after = {b.member: b.net for b in balances}
    for t in settlement.transfers:
        after[t.debtor] += t.amount
        after[t.creditor] -= t.amount
    assert set(after.values()) <= {0}


@settings(max_examples=150, deadline=None)
@given(books_and_payments())
def test_applying_payments_changes_what_is_owed_by_at_most_what_was_paid(case) -> None:
    dossiers, payments = case
    before = items(reconcile(dossiers, MEMBERS), [])
    after, matched, _ = apply_payments(before, payments, NAMES)
    owed_before = sum((i.open for i in before), Decimal(0))
    owed_after = sum((i.open for i in after), Decimal(0))
    paid = sum((p.amount for p in payments), Decimal(0))
    assert abs(owed_before - owed_after) <= paid
    for m in matched:  # every payment is accounted for to the cent: applied + excess
        assert sum((a.amount for a in m.applied), Decimal(0)) + m.excess == m.payment.amount
    assert all(i.open >= 0 for i in after)


def test_an_item_knows_what_is_open_of_it() -> None:
    item = Item(
        "cahors",
        "figeac",
        "day",
        date(2026, 5, 4),
        "FIG-1",
        "",
        "",
        "Club",
        Decimal("100.00"),
        Decimal("40.00"),
        0,
    )
    assert item.open == Decimal("60.00")


def test_a_payment_to_an_office_whose_sheet_was_not_read_is_not_judged() -> None:
    """Figeac's sheet unread: its days are unknown, so Cahors' payment to it is no overpayment."""
    lines = reconcile(three_days(), MEMBERS)
    payment = pay("cahors", "figeac", "1200.00")
    settlement, _, _ = settle_books(
        lines, [], [payment], MEMBERS, SettlementMode.GROSS, YEAR_START, frozenset({"figeac"})
    )
    assert settlement.anomalies == [] and settlement.payments == []
