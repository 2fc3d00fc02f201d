"""The collective's books: from raw sheets to every figure lotsync shows, in one pure function.

`compute_books` takes what the backends read (plain cell values) and the
configuration, and returns `Books`. No files, no Google, no clock: `as_of` is
an input, so the same sheets and date always give the same books.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

from lotsync import balances as balances_mod
from lotsync.config import Config
from lotsync.dashboard import Dashboard, dashboard
from lotsync.dossiers import Sheet, Words, parse_dossiers
from lotsync.expenses import KeyContext, fee_expenses, parse_expenses
from lotsync.layout import EXPENSE_REQUIRED, FEE_REQUIRED
from lotsync.model import (
    Anomaly,
    Balance,
    Debt,
    Dossier,
    Member,
    ReconLine,
    ReconStatus,
    Split,
    Transfer,
)
from lotsync.reconcile import reconcile
from lotsync.split import split_expenses


class Inputs(NamedTuple):
    """What the backends read: each office's dossier tab, the shared cost tabs, and the
    problems met while reading (an unreadable file, a missing tab)."""

    offices: Mapping[str, Sheet | None]
    expenses: Sheet | None
    fees: Sheet | None
    read_anomalies: Sequence[Anomaly] = ()


class Books(NamedTuple):
    as_of: date
    members: tuple[Member, ...]
    dossiers: list[Dossier]
    rows_read: dict[str, int]
    anomalies: list[Anomaly]
    reconciliation: list[ReconLine]
    splits: list[Split]
    debts: list[Debt]
    balances: list[Balance]
    transfers: list[Transfer]
    dashboard: Dashboard

    def status_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for line in self.reconciliation:
            counts.update(s.value for s in line.statuses)
        return {s.value: counts[s.value] for s in ReconStatus if counts[s.value]}


def words_from(config: Config) -> Words:
    vocabulary = config.vocabulary()
    return Words(vocabulary.status, vocabulary.kind, vocabulary.direction, vocabulary.partner)


def compute_books(inputs: Inputs, config: Config, as_of: date) -> Books:
    # Parsing allocates hundreds of thousands of small immutable records and no cycles: the cyclic
    # garbage collector would rescan them again and again for nothing (a quarter of the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute_books(inputs, config, as_of)
    finally:
        if enabled:
            gc.enable()


def _compute_books(inputs: Inputs, config: Config, as_of: date) -> Books:
    members = config.core_members()
    ids = config.member_ids
    words = words_from(config)
    anomalies: list[Anomaly] = list(inputs.read_anomalies)
    dossiers: list[Dossier] = []
    duplicates: list[Dossier] = []
    rows_read: dict[str, int] = {}
    synonyms = config.dossier_headers()
    for member in ids:
        sheet = inputs.offices.get(member)
        if sheet is None:
            rows_read[member] = 0
            continue
        parsed = parse_dossiers(sheet, member, synonyms, words, members)
        dossiers.extend(parsed.dossiers)
        duplicates.extend(parsed.duplicates)
        anomalies.extend(parsed.anomalies)
        rows_read[member] = parsed.rows

    context = KeyContext(ids, config.split_keys, words.partner)
    expenses = fee_expenses(config.fees)
    if inputs.expenses is not None:
        found, problems = parse_expenses(
            inputs.expenses, config.expense_header_map(), EXPENSE_REQUIRED, context
        )
        expenses.extend(found)
        anomalies.extend(problems)
    if inputs.fees is not None:
        found, problems = parse_expenses(
            inputs.fees, config.fee_header_map(), FEE_REQUIRED, context, fees=True
        )
        expenses.extend(found)
        anomalies.extend(problems)

    lines = reconcile(dossiers, members, duplicates)
    splits = split_expenses(expenses, ids, config.split_keys, words.partner)
    all_debts = balances_mod.debts(lines, splits)
    all_balances = balances_mod.balances(all_debts, ids)
    transfers = balances_mod.settle(all_balances)
    board = dashboard(dossiers, ids, as_of, config.collective.financial_year_start_month)
    return Books(
        as_of,
        members,
        dossiers,
        rows_read,
        anomalies,
        lines,
        splits,
        all_debts,
        all_balances,
        transfers,
        board,
    )
