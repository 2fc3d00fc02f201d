"""Splitting an amount between members, to the cent, so that the shares add up exactly.

Largest remainder method: every member gets the floor of its exact share in
cents, then the cents left over go to the largest fractional parts, ties broken
by the members' order in the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from lotsync.core import french
from lotsync.core.cells import normalize
from lotsync.core.errors import LotsyncError
from lotsync.core.layout import EQUAL_SPLIT_WORDS
from lotsync.core.model import Expense, Share, Split

_EQUAL = {normalize(w) for w in EQUAL_SPLIT_WORDS}
_WEIGHT = re.compile(r"\s*([^:=;,]+?)\s*[:=]\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*")


class SplitKeyError(LotsyncError, ValueError):
    """The split key cannot be read."""


def split_amount(total: Decimal, weights: Mapping[str, Decimal], order: Sequence[str]) -> tuple[Share, ...]:
    """Shares of `total` by weight; members are listed in `order`, zero weights get nothing."""
    members = [m for m in order if weights.get(m, 0) > 0]
    if not members:
        raise SplitKeyError(french.SPLIT_NO_WEIGHT)
    cents = int((abs(total) * 100).to_integral_value())
    if cents != abs(total) * 100:
        raise SplitKeyError(french.SPLIT_TOO_MANY_DECIMALS)
    sign = -1 if total < 0 else 1
    weight_sum = sum(Fraction(weights[m]) for m in members)
    exact = [Fraction(cents) * Fraction(weights[m]) / weight_sum for m in members]
    floors = [int(q) for q in exact]
    left = cents - sum(floors)
    by_remainder = sorted(range(len(members)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return tuple(
        Share(m, sign * (Decimal(c) / 100).quantize(Decimal("0.01")))
        for m, c in zip(members, floors, strict=True)
    )


def resolve_key(
    text: str,
    members: Sequence[str],
    named: Mapping[str, Mapping[str, Decimal]],
    aliases: Mapping[str, str],
) -> dict[str, Decimal]:
    """Weights from a `Répartition` cell: `égale`, `cahors:33; dordogne:30`, or a key's name.

    `aliases` maps normalized names and aliases to member ids.
    """
    word = normalize(text)
    if word in _EQUAL:
        return dict.fromkeys(members, Decimal(1))
    for name, named_weights in named.items():
        if normalize(name) == word:
            return {m: Decimal(w) for m, w in named_weights.items()}
    parts = [p for p in re.split(r"[;,\n]+(?![0-9])", text) if p.strip()]
    weights: dict[str, Decimal] = {}
    for part in parts:
        m = _WEIGHT.fullmatch(part)
        if not m:
            raise SplitKeyError(text)
        member = aliases.get(normalize(m[1]))
        if member is None:
            raise SplitKeyError(text)
        try:
            weights[member] = weights.get(member, Decimal(0)) + Decimal(m[2].replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex guards this
            raise SplitKeyError(text) from exc
    if not weights or sum(weights.values()) <= 0:
        raise SplitKeyError(text)
    return weights


def split_expenses(
    expenses: Sequence[Expense],
    members: Sequence[str],
    named: Mapping[str, Mapping[str, Decimal]],
    aliases: Mapping[str, str],
) -> list[Split]:
    """Each shared cost split by its key. Keys were checked when the rows were read."""
    return [
        Split(e, split_amount(e.amount, resolve_key(e.key, members, named, aliases), members))
        for e in expenses
    ]
