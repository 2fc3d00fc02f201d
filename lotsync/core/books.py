"""The collective's books: from raw sheets to every figure lotsync shows, in one pure function.

`compute_books(inputs, rules, as_of)` takes what the backends read (plain cell values) and the
collective's `Rules` (plain data, built by the configuration), and returns `Books`. No files, no
Google, no configuration loader, no clock: `as_of` is an input, so the same sheets, rules and date
always give the same books.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from lotsync.core import french
from lotsync.core.cells import Bounds
from lotsync.core.dossiers import Sheet, Words, parse_dossiers
from lotsync.core.expenses import KeyContext, parse_expenses
from lotsync.core.layout import REQUESTS_INPUT, SHARED_INPUTS, input_tab
from lotsync.core.model import (
    Anomaly,
    AnomalyKind,
    Balance,
    Debt,
    Dossier,
    Expense,
    Margin,
    Member,
    Payment,
    ReconLine,
    ReconStatus,
    SettlementMode,
    Split,
    Transfer,
)
from lotsync.core.payments import parse_payments
from lotsync.core.reconcile import reconcile
from lotsync.core.requests import NO_REQUESTS, RequestBook, RequestRules, follow_up, parse_requests
from lotsync.core.settlement import EMPTY_SETTLEMENT, Settlement, margins, settle_books
from lotsync.core.split import split_expenses
from lotsync.core.turnover import Dashboard, dashboard, financial_year_start


class SharedTab(NamedTuple):
    """A shared input tab as the collective configured it."""

    name: str
    headers: Mapping[str, Sequence[str]]


class Rules(NamedTuple):
    """What the core needs to know of the collective, as plain data (the configuration builds it)."""

    members: tuple[Member, ...]
    """In the order that breaks ties of cents."""
    words: Words
    """Accepted words for statuses, kinds, directions and partners."""
    dossier_headers: Mapping[str, Sequence[str]]
    split_keys: Mapping[str, Mapping[str, Decimal]]
    fees: tuple[Expense, ...] = ()
    """Fees given in the configuration rather than in a tab."""
    financial_year_start_month: int = 1
    bounds: Bounds = Bounds()
    settlement_mode: SettlementMode = SettlementMode.GROSS
    shared_tabs: Mapping[str, SharedTab] = {}
    """The shared spreadsheet's input tabs by key (`layout.SHARED_INPUTS`); a missing key takes the
    registry's default name and headers."""
    requests: RequestRules | None = None
    """How requests are read and followed up; None: they are not."""

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    def shared_tab(self, key: str) -> SharedTab:
        """The configured name and headers of a shared input tab, or the registry's defaults."""
        if key in self.shared_tabs:
            return self.shared_tabs[key]
        default = input_tab(key)
        return SharedTab(default.name, default.headers)

    @property
    def cost_tabs(self) -> tuple[str, ...]:
        """The shared spreadsheet's input tabs: a gap in them makes the balances incomplete."""
        return tuple(self.shared_tab(t.key).name for t in SHARED_INPUTS)


class LastComplete(NamedTuple):
    """The balances and transfers of the last complete `Soldes` tab (read back from it)."""

    since: str
    """When they were computed, as the tab's first line says."""
    balances: list[Balance]
    transfers: list[Transfer]


class Inputs(NamedTuple):
    """What the backends read: each office's dossier tab, the shared spreadsheet's input tabs by key
    (`layout.SHARED_INPUTS`; an absent or None one was not read), and the problems met while reading
    (an unreadable file, a missing tab)."""

    offices: Mapping[str, Sheet | None]
    shared: Mapping[str, Sheet | None] = {}
    read_anomalies: Sequence[Anomaly] = ()
    requests: Sheet | None = None
    """The requests tab (`Demandes`), when there is one."""


class Gap(NamedTuple):
    """Something lotsync could not read, and the result tabs whose figures depend on it."""

    source: str
    """The member whose sheet is missing, "" for the shared cost tabs, `REQUESTS_GAP` for requests."""
    reason: str
    """In French, for the tabs' first line and the digests: "le tableur de OT Figeac n'a pas pu être lu"."""
    tabs: tuple[str, ...]


REQUESTS_GAP = "requests"
OFFICE_TABS: tuple[str, ...] = (french.TAB_RECONCILIATION, french.TAB_BALANCES, french.TAB_DASHBOARD)
"""What an office's sheet feeds: its days, everyone's balances, the turnover."""
SHARED_TABS: tuple[str, ...] = (french.TAB_BALANCES, french.TAB_SPLITS)
"""What the shared cost tabs feed."""
_BLOCKING = {
    AnomalyKind.SOURCE_UNREADABLE: french.GAP_UNREADABLE,
    AnomalyKind.MISSING_TAB: french.GAP_MISSING_TAB,
    AnomalyKind.MISSING_HEADER: french.GAP_MISSING_HEADER,
    AnomalyKind.MISSING_COLUMN: french.GAP_MISSING_COLUMN,
}
"""Anomalies that stop a whole tab from being read (any other one leaves out a row only)."""


def gaps(
    anomalies: Sequence[Anomaly],
    members: Sequence[Member],
    cost_tabs: Sequence[str],
    requests_tab: str | None = None,
) -> list[Gap]:
    """What could not be read, from the anomalies: one gap per office or shared tab concerned (and
    the requests tab, which feeds `Suivi des demandes` only)."""
    names = {m.id: m.short for m in members}
    found: dict[str, Gap] = {}
    for a in anomalies:
        template = _BLOCKING.get(a.kind)
        if template is None:
            continue
        if a.office in names:  # its dossiers also say which requests became dossiers
            tabs = OFFICE_TABS + ((french.TAB_REQUESTS,) if requests_tab else ())
            key, what = a.office, french.GAP_OFFICE.format(office=names[a.office])
        elif a.office is None and a.where.tab in cost_tabs:
            key, tabs, what = "", SHARED_TABS, french.GAP_SHARED.format(tab=a.where.tab)
        elif a.office is None and a.where.tab == requests_tab:
            key, tabs, what = REQUESTS_GAP, (french.TAB_REQUESTS,), french.GAP_SHARED.format(tab=a.where.tab)
        else:
            continue
        if key not in found:
            reason = template.format(what=what, tab=a.where.tab, column=a.column)
            found[key] = Gap(key, reason, tabs)
    order = [m.id for m in members]
    return sorted(found.values(), key=lambda g: order.index(g.source) if g.source in order else -1)


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
    gaps: tuple[Gap, ...] = ()
    """What could not be read: the figures that depend on it are incomplete."""
    settlement: Settlement = EMPTY_SETTLEMENT
    """Items, payments matched, statements and the transfers of the mode (`transfers` is the same)."""
    margins: tuple[Margin, ...] = ()
    """Every day bought with a resale price, for the margin statement."""
    requests: RequestBook = NO_REQUESTS
    """The requests from the website, followed up (`read` is False when there is no requests tab)."""

    @property
    def complete(self) -> bool:
        return not self.gaps

    def gap_reasons(self) -> str:
        """Why the books are incomplete, in one French phrase (empty when they are complete)."""
        return " ; ".join(g.reason for g in self.gaps)

    def stale_tabs(self) -> dict[str, list[str]]:
        """Result tab → the reasons why its figures are incomplete."""
        stale: dict[str, list[str]] = {}
        for gap in self.gaps:
            for tab in gap.tabs:
                stale.setdefault(tab, []).append(gap.reason)
        return stale

    def status_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for line in self.reconciliation:
            counts.update(s.value for s in line.statuses)
        return {s.value: counts[s.value] for s in ReconStatus if counts[s.value]}


def compute_books(inputs: Inputs, rules: Rules, as_of: date) -> Books:
    members = rules.members
    ids = rules.member_ids
    words = rules.words
    anomalies: list[Anomaly] = list(inputs.read_anomalies)
    dossiers: list[Dossier] = []
    duplicates: list[Dossier] = []
    rows_read: dict[str, int] = {}
    limits = rules.bounds.window(as_of)
    for member in ids:
        sheet = inputs.offices.get(member)
        if sheet is None:
            rows_read[member] = 0
            continue
        parsed = parse_dossiers(sheet, member, rules.dossier_headers, words, members, limits)
        dossiers.extend(parsed.dossiers)
        duplicates.extend(parsed.duplicates)
        anomalies.extend(parsed.anomalies)
        rows_read[member] = parsed.rows

    context = KeyContext(ids, rules.split_keys, words.partner)
    expenses = list(rules.fees)
    for tab in SHARED_INPUTS:
        sheet = inputs.shared.get(tab.key)
        if sheet is None:
            continue
        headers = rules.shared_tab(tab.key).headers
        if tab.key in ("expenses", "fees"):
            found, problems = parse_expenses(
                sheet, headers, tab.required, context, fees=tab.key == "fees", limits=limits
            )
            expenses.extend(found)
            anomalies.extend(problems)

    payments: list[Payment] = []
    if (sheet := inputs.shared.get("payments")) is not None:
        tab = input_tab("payments")
        found_payments, problems = parse_payments(
            sheet, rules.shared_tab("payments").headers, tab.required, context.aliases, ids, limits=limits
        )
        payments.extend(found_payments)
        anomalies.extend(problems)

    requests = NO_REQUESTS
    if inputs.requests is not None and rules.requests is not None:
        found_requests, problems = parse_requests(
            inputs.requests, rules.requests, REQUESTS_INPUT.required, context.aliases, ids, limits=limits
        )
        unread_offices = frozenset(m for m in ids if inputs.offices.get(m) is None)
        requests = follow_up(found_requests, rules.requests, dossiers, ids, as_of, problems, unread_offices)
        anomalies.extend(requests.anomalies)

    lines = reconcile(dossiers, members, duplicates)
    splits = split_expenses(expenses, ids, rules.split_keys, words.partner)
    year_start = financial_year_start(as_of, rules.financial_year_start_month)
    unread = frozenset(m for m in ids if inputs.offices.get(m) is None)
    settlement, all_debts, all_balances = settle_books(
        lines, splits, payments, members, rules.settlement_mode, year_start, unread
    )
    anomalies.extend(settlement.anomalies)
    board = dashboard(dossiers, ids, as_of, rules.financial_year_start_month)
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
        settlement.transfers,
        board,
        tuple(gaps(anomalies, members, rules.cost_tabs, _requests_tab(inputs, rules))),
        settlement,
        tuple(margins(dossiers)),
        requests,
    )


def _requests_tab(inputs: Inputs, rules: Rules) -> str | None:
    """The requests tab's name, when it was to be read (its gap makes `Suivi des demandes` stale)."""
    if rules.requests is None:
        return None
    return inputs.requests.tab if inputs.requests is not None else rules.requests.tab
