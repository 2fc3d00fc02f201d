"""Who owes whom, and the fewest transfers that settle it."""

from decimal import Decimal

from factories import IDS, MEMBERS, purchase, sale
from hypothesis import given
from hypothesis import strategies as st

from lotsync.core import settlement
from lotsync.core.balances import balances, settle
from lotsync.core.model import Balance, Debt, Expense, Status
from lotsync.core.reconcile import reconcile
from lotsync.core.split import split_amount


def debts(lines, splits):
    """What is still owed, as the books count it: the open items of the settlement."""
    return settlement.debts(settlement.items(lines, splits))


def nets(all_balances):
    return {b.member: b.net for b in all_balances}


def fee(amount: str, paid_by: str, reimbursed: bool = False, category: str = "Cotisation") -> Expense:
    """A fee, as `Cotisations` and `[[fees]]` make them."""
    shared = Expense("Club ADN", Decimal(amount), paid_by, "égale", category, None, 2026, reimbursed, None)
    return shared._replace(fee=True)


def splits_of(*expenses):
    from lotsync.core.model import Split

    return [Split(e, split_amount(e.amount, dict.fromkeys(IDS, Decimal(1)), IDS)) for e in expenses]


def test_an_invoiced_day_makes_the_buyer_owe_the_seller():
    lines = reconcile(
        [
            purchase("dordogne", "cahors", "D-1", partner_ref="C-1"),
            sale("cahors", "dordogne", "C-1", status=Status.INVOICED, amount="1250.00"),
        ],
        MEMBERS,
    )
    assert nets(balances(debts(lines, []), IDS)) == {
        "cahors": Decimal("1250.00"),
        "dordogne": Decimal("-1250.00"),
        "figeac": Decimal("0.00"),
    }


def test_an_unreimbursed_fee_makes_each_other_office_owe_its_share_to_the_payer():
    all_debts = debts([], splits_of(fee("3000.00", "dordogne")))
    assert sorted(all_debts) == sorted(
        [
            Debt("cahors", "dordogne", Decimal("1000.00"), "fee", "Club ADN"),
            Debt("figeac", "dordogne", Decimal("1000.00"), "fee", "Club ADN"),
        ]
    )
    result = balances(all_debts, IDS)
    assert nets(result)["dordogne"] == Decimal("2000.00")
    assert result[1].by_source["fee"] == Decimal("2000.00")
    assert settle(result) and sum(t.amount for t in settle(result)) == Decimal("2000.00")


def test_a_shared_expense_typed_cotisation_is_owed_as_an_expense_not_a_fee():
    from lotsync.core.dossiers import Sheet
    from lotsync.core.expenses import KeyContext, parse_expenses
    from lotsync.core.layout import EXPENSE_HEADERS, EXPENSE_REQUIRED

    header = ["Date", "Libellé", "Montant", "Payé par", "Répartition", "Catégorie", "Remboursé"]
    row = ["03/02/2026", "Adhésion Lot Tourisme", "3000", "dordogne", "égale", "Cotisation", ""]
    context = KeyContext(IDS, {}, {m: m for m in IDS})
    [typed], _ = parse_expenses(
        Sheet("collectif.xlsx", "Dépenses communes", [header, row]),
        EXPENSE_HEADERS,
        EXPENSE_REQUIRED,
        context,
    )
    all_debts = debts([], splits_of(typed))
    assert {d.source for d in all_debts} == {"expense"}
    assert balances(all_debts, IDS)[1].by_source == {
        "day": Decimal("0.00"),
        "expense": Decimal("2000.00"),
        "fee": Decimal("0.00"),
        "refund": Decimal("0.00"),
    }
    # And a fee is a fee whatever its category says.
    assert {d.source for d in debts([], splits_of(fee("3000.00", "dordogne", category="Adhésion")))} == {
        "fee"
    }


def test_a_reimbursed_expense_is_owed_by_no_one():
    assert debts([], splits_of(fee("3000.00", "dordogne", reimbursed=True))) == []


def test_settling_never_takes_more_than_n_minus_one_transfers():
    result = balances(
        [
            Debt("cahors", "dordogne", Decimal("100.00"), "day", "x"),
            Debt("figeac", "dordogne", Decimal("50.00"), "day", "y"),
            Debt("dordogne", "cahors", Decimal("30.00"), "expense", "z"),
        ],
        IDS,
    )
    transfers = settle(result)
    assert len(transfers) <= 2
    assert {(t.debtor, t.creditor, t.amount) for t in transfers} == {
        ("cahors", "dordogne", Decimal("70.00")),
        ("figeac", "dordogne", Decimal("50.00")),
    }


def test_members_that_can_settle_among_themselves_save_a_transfer():
    # a owes b 10, c owes d 20: two transfers, where a naive greedy could chain three.
    members = ["a", "b", "c", "d"]
    result = [
        Balance(m, Decimal(max(v, 0)), Decimal(max(-v, 0)), {})
        for m, v in zip(members, [-10, 10, -20, 20], strict=True)
    ]
    transfers = settle(result)
    assert sorted((t.debtor, t.creditor, t.amount) for t in transfers) == [
        ("a", "b", Decimal("10.00")),
        ("c", "d", Decimal("20.00")),
    ]


def test_nothing_to_settle():
    assert settle(balances([], IDS)) == []


@given(st.lists(st.integers(min_value=-(10**7), max_value=10**7), min_size=1, max_size=9))
def test_settlements_always_bring_every_balance_to_zero(cents):
    cents = [*cents, -sum(cents)]
    members = [f"m{i}" for i in range(len(cents))]
    result = [
        Balance(m, Decimal(max(c, 0)) / 100, Decimal(max(-c, 0)) / 100, {})
        for m, c in zip(members, cents, strict=True)
    ]
    left = {b.member: b.net for b in result}
    transfers = settle(result)
    for t in transfers:
        assert t.amount > 0
        left[t.debtor] += t.amount
        left[t.creditor] -= t.amount
    assert all(v == 0 for v in left.values())
    assert len(transfers) <= max(sum(1 for c in cents if c) - 1, 0)


@given(st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS), st.integers(1, 10**7)), max_size=30))
def test_net_balances_always_sum_to_zero(raw_debts):
    all_debts = [Debt(a, b, Decimal(c) / 100, "day", "x") for a, b, c in raw_debts if a != b]
    assert sum(b.net for b in balances(all_debts, IDS)) == 0
