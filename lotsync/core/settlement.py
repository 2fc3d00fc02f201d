"""Settlement: what each office owes each other one, item by item, the payments matched to them
(lettrage), the statements of account, and the transfers of the collective's mode.

The rules (docs/domain.md, "Règlements"): every day owed, share of a cost and refund is an *item*
between a debtor and a creditor. Payments of `Règlements` are applied in date order, then row order:
first to the items their `Références` name, in that order, then to the pair's other open items,
oldest first; what remains is an overpayment, owed back as a refund. Net balances do not depend on
the mode; the transfers do: `gross` nets nothing, `pair` nets the two directions of each pair,
`minimal` gives the fewest transfers over the net balances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain, count
from typing import NamedTuple

from lotsync.core import balances as balances_mod
from lotsync.core import french
from lotsync.core.cells import invoice_key
from lotsync.core.model import (
    Anomaly,
    AnomalyKind,
    Applied,
    Balance,
    Debt,
    Direction,
    Dossier,
    Item,
    Margin,
    Matched,
    Member,
    Payment,
    ReconLine,
    SettlementMode,
    Split,
    Statement,
    Status,
    Transfer,
)

ZERO = Decimal("0.00")


class Settlement(NamedTuple):
    mode: SettlementMode
    items: list[Item]
    """Every item after the payments, in the order they were made (refunds last)."""
    payments: list[Matched]
    statements: list[Statement]
    transfers: list[Transfer]
    anomalies: list[Anomaly]


EMPTY_SETTLEMENT = Settlement(SettlementMode.GROSS, [], [], [], [], [])


def items(lines: Iterable[ReconLine], splits: Iterable[Split]) -> list[Item]:
    """The items of the books before any payment: days (open while the seller's row is `confirmé`
    or `facturé`, settled once `soldé`) and shares of the costs (settled when marked `Remboursé`)."""
    order = count()
    found: list[Item] = []
    for line in lines:
        sale, purchase = line.sale, line.purchase
        if sale is None or purchase is None:
            continue
        if line.owed:
            amount, paid = line.owed, ZERO
        elif sale.status is Status.PAID and sale.amount:
            amount, paid = sale.amount, sale.amount
        else:
            continue
        invoice = sale.invoice or purchase.invoice or ""
        other = purchase.invoice if purchase.invoice and purchase.invoice != invoice else ""
        found.append(
            Item(
                line.buyer,
                line.seller,
                "day",
                sale.start,
                sale.ref,
                purchase.ref,
                invoice,
                sale.client or purchase.client,
                amount,
                paid,
                next(order),
                sale.where,
                other or "",
            )
        )
    for split in splits:
        expense = split.expense
        source = "fee" if expense.fee else "expense"
        on = date(expense.year, 1, 1) if expense.fee or expense.on is None else expense.on
        for share in split.shares:
            if share.member == expense.paid_by or not share.amount:
                continue
            paid = share.amount if expense.share_paid(share.member) else ZERO
            found.append(
                Item(
                    share.member,
                    expense.paid_by,
                    source,
                    on,
                    "",
                    "",
                    "",
                    expense.label,
                    share.amount,
                    paid,
                    next(order),
                    expense.where,
                )
            )
    return found


def _keys(item: Item) -> set[str]:
    """What a payment's reference may name an item by."""
    named = [item.invoice, item.partner_invoice, item.ref, item.partner_ref]
    if item.source in ("expense", "fee"):
        named.append(item.label)
    return {invoice_key(n) for n in named if n}


def apply_payments(
    before: Sequence[Item],
    payments: Iterable[Payment],
    names: dict[str, str],
    unread: frozenset[str] = frozenset(),
) -> tuple[list[Item], list[Matched], list[Anomaly]]:
    """Each payment applied to the items between its payer and payee (see the module's rules).

    A payment to or from an office whose sheet was not read (`unread`) is left unmatched: what it
    pays cannot be known, and calling it an overpayment would be a false alarm (the figures that
    depend on that office are stale anyway).

    Cost: each pair's items are sorted once; a payment walks them from the oldest still open, so
    books of 100,000 rows with thousands of payments stay linear."""
    state = list(before)
    settled_by: dict[int, int] = {}
    """Item index → the `Règlements` row of the payment that settled it last."""
    order = count(max((i.order for i in state), default=-1) + 1)
    pairs = _Pairs(state)
    matched: list[Matched] = []
    anomalies: list[Anomaly] = []
    for payment in sorted(payments, key=lambda p: (p.on, p.where.row)):
        if payment.payer in unread or payment.payee in unread:
            continue
        payer, payee = names[payment.payer], names[payment.payee]
        pair = (payment.payer, payment.payee)
        named: dict[int, None] = {}
        for reference in payment.references:
            hits = pairs.named(pair, invoice_key(reference))
            if not hits:
                anomalies.append(
                    _anomaly(
                        AnomalyKind.UNKNOWN_REFERENCE,
                        payment,
                        reference,
                        french.UNKNOWN_REFERENCE.format(value=reference, payer=payer, payee=payee),
                    )
                )
                continue
            still_open = [i for i in hits if state[i].open > 0]
            if not still_open:
                row = settled_by.get(hits[0])
                what = (
                    french.ALREADY_SETTLED_BY_PAYMENT.format(row=row)
                    if row is not None
                    else french.ALREADY_SETTLED_BY_STATUS
                )
                anomalies.append(
                    _anomaly(
                        AnomalyKind.ALREADY_SETTLED,
                        payment,
                        reference,
                        french.ALREADY_SETTLED.format(value=reference, what=what),
                    )
                )
                continue
            named.update(dict.fromkeys(still_open))
        remaining = payment.amount
        applied: list[Applied] = []
        for i in chain(named, pairs.oldest_open(pair)):  # lazily: a payment stops once it is spent
            if not remaining:
                break
            take = min(state[i].open, remaining)
            if take <= 0:
                continue
            applied.append(Applied(state[i], take))
            state[i] = state[i]._replace(paid=state[i].paid + take)
            settled_by[i] = payment.where.row
            remaining -= take
        if remaining:
            anomalies.append(
                _anomaly(
                    AnomalyKind.OVERPAYMENT,
                    payment,
                    french.money(payment.amount),
                    french.OVERPAYMENT.format(
                        amount=french.money(payment.amount),
                        payer=payer,
                        payee=payee,
                        excess=french.money(remaining),
                    ),
                )
            )
            label = french.REFUND_LABEL.format(day=french.short_date(payment.on), row=payment.where.row)
            refund = Item(
                payment.payee, payment.payer, "refund", payment.on, "", "", "", label, remaining, ZERO,
                next(order), payment.where,
            )  # fmt: skip
            state.append(refund)
            pairs.add(len(state) - 1)
        matched.append(Matched(payment, tuple(applied), remaining))
    return state, matched, anomalies


class _Pairs:
    """The items of each debtor and creditor, oldest first, and what names them."""

    def __init__(self, state: list[Item]):
        self.state = state
        self.sorted: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in sorted(range(len(state)), key=lambda i: (state[i].on, state[i].order)):
            self.sorted[(state[i].debtor, state[i].creditor)].append(i)
        self.cursor: dict[tuple[str, str], int] = defaultdict(int)
        self.keys: dict[tuple[str, str], dict[str, list[int]]] = {}

    def add(self, index: int) -> None:
        """A refund, made by a payment: the latest item of its pair (its date is the payment's)."""
        item = self.state[index]
        pair = (item.debtor, item.creditor)
        found = self.sorted[pair]
        position = len(found)
        while position > self.cursor[pair] and (self.state[found[position - 1]].on > item.on):
            position -= 1
        found.insert(position, index)
        self.keys.pop(pair, None)

    def named(self, pair: tuple[str, str], key: str) -> list[int]:
        if pair not in self.keys:
            index: dict[str, list[int]] = defaultdict(list)
            for i in self.sorted.get(pair, []):
                for k in _keys(self.state[i]):
                    index[k].append(i)
            self.keys[pair] = index
        return self.keys[pair].get(key, [])

    def oldest_open(self, pair: tuple[str, str]) -> Iterator[int]:
        """The pair's open items, oldest first; fully settled ones at the front are skipped for good."""
        found = self.sorted.get(pair, [])
        while self.cursor[pair] < len(found) and not self.state[found[self.cursor[pair]]].open:
            self.cursor[pair] += 1
        for position in range(self.cursor[pair], len(found)):
            yield found[position]


def _anomaly(kind: AnomalyKind, payment: Payment, value: str, message: str) -> Anomaly:
    references, amount = payment.columns
    column = amount if kind is AnomalyKind.OVERPAYMENT else references
    return Anomaly(kind, payment.where, column, value, message)


def debts(all_items: Iterable[Item]) -> list[Debt]:
    """What is still open, as the balances count it."""
    return [
        Debt(i.debtor, i.creditor, i.open, i.source, i.ref if i.source == "day" else i.label)
        for i in all_items
        if i.open
    ]


def statements(all_items: Iterable[Item], members: Sequence[str], year_start: date) -> list[Statement]:
    """Per debtor and creditor: every item since `year_start`, and every older item still open."""
    by_pair: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in all_items:
        if item.on >= year_start or item.open:
            by_pair[(item.debtor, item.creditor)].append(item)
    rank = {m: i for i, m in enumerate(members)}
    return [
        Statement(debtor, creditor, tuple(sorted(found, key=lambda i: (i.on, i.order))))
        for (debtor, creditor), found in sorted(
            by_pair.items(), key=lambda kv: (rank[kv[0][0]], rank[kv[0][1]])
        )
    ]


def transfers(
    mode: SettlementMode, all_items: Sequence[Item], all_balances: Sequence[Balance], members: Sequence[str]
) -> list[Transfer]:
    """The transfers that settle every open item, as the mode allows."""
    if mode is SettlementMode.MINIMAL:
        return balances_mod.settle(all_balances)
    open_by_pair = _open_by_pair(all_items)
    found: list[Transfer] = []
    for a_index, a in enumerate(members):
        for b in members[a_index + 1 :] if mode is SettlementMode.PAIR else members:
            if a == b:
                continue
            ab = open_by_pair.get((a, b), [])
            if mode is SettlementMode.GROSS:
                if ab:
                    found.append(Transfer(a, b, _total(ab), tuple(ab)))
                continue
            ba = open_by_pair.get((b, a), [])
            net = _total(ab) - _total(ba)
            if net > 0:
                found.append(Transfer(a, b, net, tuple(ab), tuple(ba)))
            elif net < 0:
                found.append(Transfer(b, a, -net, tuple(ba), tuple(ab)))
    return found


def set_offs(all_items: Sequence[Item], members: Sequence[str]) -> list[Transfer]:
    """In `pair` mode, the pairs whose open items cancel out exactly: `transfers` leaves them out
    (nothing to pay), yet both accountants must record the set-off. Amount 0, `pays` the first
    office's items, `offsets` the other's."""
    open_by_pair = _open_by_pair(all_items)
    found = []
    for index, a in enumerate(members):
        for b in members[index + 1 :]:
            ab, ba = open_by_pair.get((a, b), []), open_by_pair.get((b, a), [])
            if ab and ba and _total(ab) == _total(ba):
                found.append(Transfer(a, b, ZERO, tuple(ab), tuple(ba)))
    return found


def _open_by_pair(all_items: Iterable[Item]) -> dict[tuple[str, str], list[Item]]:
    """Each debtor and creditor's open items, oldest first."""
    found: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in sorted(all_items, key=lambda i: (i.on, i.order)):
        if item.open:
            found[(item.debtor, item.creditor)].append(item)
    return found


def _total(found: Iterable[Item]) -> Decimal:
    return sum((i.open for i in found), ZERO)


def margins(dossiers: Iterable[Dossier]) -> list[Margin]:
    """Every day bought with a resale price: what it cost, what it was resold for."""
    return [
        Margin(d.office, d.ref, d.partner or "", d.amount, d.resale, d.where)
        for d in dossiers
        if d.direction is Direction.PURCHASE
        and d.resale is not None
        and d.amount is not None
        and d.status is not Status.CANCELLED
    ]


def settle_books(
    lines: Sequence[ReconLine],
    splits: Sequence[Split],
    payments: Sequence[Payment],
    members: Sequence[Member],
    mode: SettlementMode,
    year_start: date,
    unread: frozenset[str] = frozenset(),
) -> tuple[Settlement, list[Debt], list[Balance]]:
    """From the reconciliation, the splits and the payments: the settlement, the open debts, the
    net balances (which sum to zero in every mode). `unread`: the offices whose sheet is missing."""
    ids = [m.id for m in members]
    names = {m.id: m.short for m in members}
    settled, matched, anomalies = apply_payments(items(lines, splits), payments, names, unread)
    open_debts = debts(settled)
    all_balances = balances_mod.balances(open_debts, ids)
    return (
        Settlement(
            mode,
            settled,
            matched,
            statements(settled, ids, year_start),
            transfers(mode, settled, all_balances, ids),
            anomalies,
        ),
        open_debts,
        all_balances,
    )
