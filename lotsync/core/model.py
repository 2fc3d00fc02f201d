"""The plain data lotsync computes on: immutable records, no I/O.

High-volume records (one per sheet row) are NamedTuples: immutable, typed and
cheap to build, which matters for books of 100,000 rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class Status(StrEnum):
    QUOTE = "devis"
    OPTION = "option"
    CONFIRMED = "confirmé"
    INVOICED = "facturé"
    PAID = "soldé"
    CANCELLED = "annulé"


LIVE_STATUSES = frozenset({Status.CONFIRMED, Status.INVOICED, Status.PAID})
"""Statuses that count as turnover and that agree with each other in reconciliation."""

OWING_STATUSES = frozenset({Status.CONFIRMED, Status.INVOICED})
"""Seller statuses that make the buyer owe the day (soldé means it was paid)."""


class Kind(StrEnum):
    DAY = "journée"
    VISIT = "visite"
    STAY = "séjour"
    BUSINESS = "affaires"
    OTHER = "autre"


class Direction(StrEnum):
    PURCHASE = "achat"
    SALE = "vente"


class Where(NamedTuple):
    """Where a value lives, as the user sees it: spreadsheet, tab, 1-based row."""

    spreadsheet: str
    tab: str
    row: int


class Dossier(NamedTuple):
    """One valid row of an office's dossier sheet."""

    office: str
    ref: str
    client: str
    kind: Kind
    start: date
    end: date | None
    pax: int | None
    status: Status
    amount: Decimal | None
    partner: str | None
    direction: Direction | None
    partner_ref: str | None
    resale: Decimal | None
    where: Where

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class AnomalyKind(StrEnum):
    SOURCE_UNREADABLE = "source_unreadable"
    MISSING_TAB = "missing_tab"
    MISSING_HEADER = "missing_header"
    MISSING_COLUMN = "missing_column"
    MISSING_VALUE = "missing_value"
    INVALID_DATE = "invalid_date"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PAX = "invalid_pax"
    INVALID_STATUS = "invalid_status"
    INVALID_DIRECTION = "invalid_direction"
    MISSING_DIRECTION = "missing_direction"
    UNKNOWN_PARTNER = "unknown_partner"
    SELF_PARTNER = "self_partner"
    END_BEFORE_START = "end_before_start"
    DUPLICATE = "duplicate"
    INVALID_SPLIT = "invalid_split"
    UNKNOWN_MEMBER = "unknown_member"
    INVALID_FLAG = "invalid_flag"
    FOREIGN_TAB = "foreign_tab"


class Anomaly(NamedTuple):
    """An input problem, pointing at the cell to fix."""

    kind: AnomalyKind
    where: Where
    column: str
    value: str
    message: str
    office: str | None = None


class ReconStatus(StrEnum):
    OK = "ok"
    AMOUNT_MISMATCH = "amount_mismatch"
    PAX_MISMATCH = "pax_mismatch"
    DATE_MISMATCH = "date_mismatch"
    STATUS_MISMATCH = "status_mismatch"
    MISSING_SALE = "missing_sale"
    MISSING_PURCHASE = "missing_purchase"
    DUPLICATE = "duplicate"
    MARGIN = "margin"


class ReconLine(NamedTuple):
    """One inter-office day: the buyer's purchase row against the seller's sale row."""

    buyer: str
    seller: str
    purchase: Dossier | None
    sale: Dossier | None
    statuses: tuple[ReconStatus, ...]
    paired_by: str | None
    """"reference", "date" or None when unpaired."""
    owed: Decimal
    """What the buyer still owes the seller for this day (0 when nothing is due)."""
    explanation: str

    @property
    def is_ok(self) -> bool:
        return self.statuses == (ReconStatus.OK,)


class Expense(NamedTuple):
    """A shared cost: a line of `Dépenses communes` or a fee from the configuration."""

    label: str
    amount: Decimal
    paid_by: str
    key: str
    """The split key as written: "égale", weights, or a key's name."""
    category: str
    on: date | None
    year: int
    reimbursed: bool
    where: Where | None
    """None for a fee that comes from the configuration."""
    fee: bool = False
    """A fee (a row of `Cotisations` or a `[[fees]]` of the configuration), whatever its category
    says; a row of `Dépenses communes` is never one, even typed "Cotisation"."""


class Share(NamedTuple):
    member: str
    amount: Decimal


class Split(NamedTuple):
    expense: Expense
    shares: tuple[Share, ...]


class Debt(NamedTuple):
    """One reason why `debtor` owes `creditor` an amount."""

    debtor: str
    creditor: str
    amount: Decimal
    source: str
    """"day", "expense" or "fee"."""
    label: str


class Balance(NamedTuple):
    member: str
    receivable: Decimal
    payable: Decimal
    by_source: dict[str, Decimal]
    """Net per source ("day", "expense", "fee"): positive means owed to the member."""

    @property
    def net(self) -> Decimal:
        return self.receivable - self.payable


class Transfer(NamedTuple):
    debtor: str
    creditor: str
    amount: Decimal


class Member(NamedTuple):
    """What the core needs to know of an office: its id, name and aliases."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """How messages name the office: its first alias, else its full name."""
        return self.aliases[0] if self.aliases else self.name
