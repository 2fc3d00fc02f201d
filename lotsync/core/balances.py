"""Net balances from what is owed, and the fewest transfers that settle them (`minimal` mode).

What is owed (the open items: days, shares of costs, refunds) comes from `lotsync.core.settlement`;
net balances always sum to zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from lotsync.core.model import Balance, Debt, Transfer

ZERO = Decimal("0.00")
SOURCES = ("day", "expense", "fee", "refund")
EXACT_LIMIT = 12
"""Up to this many members with a balance, the number of transfers is the true minimum."""


def balances(all_debts: Iterable[Debt], members: Sequence[str]) -> list[Balance]:
    receivable = dict.fromkeys(members, ZERO)
    payable = dict.fromkeys(members, ZERO)
    by_source = {m: dict.fromkeys(SOURCES, ZERO) for m in members}
    for d in all_debts:
        receivable[d.creditor] += d.amount
        payable[d.debtor] += d.amount
        by_source[d.creditor][d.source] += d.amount
        by_source[d.debtor][d.source] -= d.amount
    return [Balance(m, receivable[m], payable[m], by_source[m]) for m in members]


def settle(all_balances: Sequence[Balance]) -> list[Transfer]:
    """Transfers that bring every balance to zero: at most n−1, and the fewest possible
    when at most `EXACT_LIMIT` members have a balance (members that can settle among
    themselves are kept apart, which saves a transfer per such group)."""
    cents = [(b.member, int(b.net * 100)) for b in all_balances if b.net]
    if sum(c for _, c in cents) != 0:
        raise ValueError("balances do not sum to zero")
    groups = _zero_sum_groups(cents) if len(cents) <= EXACT_LIMIT else [cents]
    transfers: list[Transfer] = []
    for group in groups:
        transfers.extend(_settle_group(group))
    return transfers


def _zero_sum_groups(cents: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """The partition into the most zero-sum groups (n − groups is the least number of transfers)."""
    n = len(cents)
    if n == 0:
        return []
    full = (1 << n) - 1
    total = [0] * (full + 1)
    best = [0] * (full + 1)
    came_from = [0] * (full + 1)
    for mask in range(1, full + 1):
        low = mask & -mask
        i = low.bit_length() - 1
        total[mask] = total[mask ^ low] + cents[i][1]
        top, via = -1, 0
        bits = mask
        while bits:
            bit = bits & -bits
            bits ^= bit
            if best[mask ^ bit] > top:
                top, via = best[mask ^ bit], bit
        best[mask] = top + (1 if total[mask] == 0 else 0)
        came_from[mask] = via
    order: list[int] = []
    mask = full
    while mask:
        bit = came_from[mask]
        order.append(bit.bit_length() - 1)
        mask ^= bit
    order.reverse()
    groups: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    running = 0
    for i in order:
        current.append(cents[i])
        running += cents[i][1]
        if running == 0:
            groups.append(current)
            current = []
    return groups


def _settle_group(group: list[tuple[str, int]]) -> list[Transfer]:
    """Largest debtor pays largest creditor until done: each transfer zeroes at least one member."""
    creditors = sorted(((c, m) for m, c in group if c > 0), key=lambda x: (-x[0], x[1]))
    debtors = sorted(((-c, m) for m, c in group if c < 0), key=lambda x: (-x[0], x[1]))
    transfers = []
    while creditors and debtors:
        credit, creditor = creditors[0]
        debt, debtor = debtors[0]
        amount = min(credit, debt)
        transfers.append(Transfer(debtor, creditor, Decimal(amount) / 100))
        creditors[0] = (credit - amount, creditor)
        debtors[0] = (debt - amount, debtor)
        creditors = sorted(((c, m) for c, m in creditors if c), key=lambda x: (-x[0], x[1]))
        debtors = sorted(((d, m) for d, m in debtors if d), key=lambda x: (-x[0], x[1]))
    return [Transfer(t.debtor, t.creditor, t.amount.quantize(Decimal("0.01"))) for t in transfers]
