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


class RequestStatus(StrEnum):
    """Where a request from the website stands (`Statut` of the requests tab)."""

    NEW = "nouvelle"
    FORWARDED = "transmise"
    QUOTED = "devis envoyé"
    OPTION = "option"
    CONFIRMED = "confirmée"
    LOST = "perdue"
    DROPPED = "sans suite"


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
    invoice: str | None = None
    """`N° facture`: on a sale, the invoice the seller issued; on a purchase, the invoice received."""

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
    OVERPAYMENT = "overpayment"
    UNKNOWN_REFERENCE = "unknown_reference"
    ALREADY_SETTLED = "already_settled"
    UNKNOWN_DOSSIER = "unknown_dossier"


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
    INVOICE_MISMATCH = "invoice_mismatch"


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
    shares_paid: frozenset[str] = frozenset()
    """The members who have paid their share (`Remboursé` naming offices); all of them when
    `reimbursed`."""

    def share_paid(self, member: str) -> bool:
        return self.reimbursed or member in self.shares_paid


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
    """"day", "expense", "fee" or "refund"."""
    label: str


class Item(NamedTuple):
    """One thing an office owes another, open or settled: a day, a share of a cost, a refund.

    `paid` is what is settled of it: by the seller's `soldé`, a share marked `Remboursé`, or the
    payments of `Règlements` matched to it."""

    debtor: str
    creditor: str
    source: str
    """"day", "expense", "fee" or "refund"."""
    on: date
    """The day's start date, the expense's date, 1 January of a fee's year, a refund's payment date."""
    ref: str
    """The creditor's reference: the seller's dossier for a day, else empty."""
    partner_ref: str
    """The debtor's reference: the buyer's dossier for a day, else empty."""
    invoice: str
    """The invoice number, the seller's (else the buyer's) for a day; empty when none is given."""
    label: str
    """The client of a day, the label of a cost, the payment a refund comes from."""
    amount: Decimal
    paid: Decimal
    order: int
    """Sheet order, which breaks ties of date when payments settle the oldest items first."""
    where: Where | None = None
    partner_invoice: str = ""
    """For a day whose two sides give different invoice numbers: the buyer's (a payment may cite it)."""

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid


class Payment(NamedTuple):
    """One row of `Règlements`: a transfer actually made from one office to another."""

    on: date
    payer: str
    payee: str
    amount: Decimal
    references: tuple[str, ...]
    """What the payer said it pays (invoice numbers, dossier references, labels), in its order."""
    mode: str
    where: Where
    columns: tuple[str, str]
    """The headers of its `Références` and `Montant` columns, as the tab names them (for anomalies)."""


class Applied(NamedTuple):
    """The part of a payment that settled one item."""

    item: Item
    """The item as it was before this payment."""
    amount: Decimal


class Matched(NamedTuple):
    """A payment and what it settled; `excess` became a refund owed back to the payer."""

    payment: Payment
    applied: tuple[Applied, ...]
    excess: Decimal


class Statement(NamedTuple):
    """A statement of account between a debtor and a creditor (relevé de compte)."""

    debtor: str
    creditor: str
    items: tuple[Item, ...]
    """Every item of the financial year and every older item still open, in date order."""

    @property
    def owed(self) -> Decimal:
        return sum((i.open for i in self.items), Decimal("0.00"))


class Margin(NamedTuple):
    """A day an office bought and resold: the no-margin rule says `margin` is 0."""

    office: str
    ref: str
    partner: str
    purchase: Decimal
    resale: Decimal
    where: Where

    @property
    def margin(self) -> Decimal:
        return self.resale - self.purchase


class SettlementMode(StrEnum):
    GROSS = "gross"
    """Nothing netted: one transfer per debtor and creditor, of their open items (public offices)."""
    PAIR = "pair"
    """The two directions of each pair netted: at most one transfer per pair (a bilateral set-off)."""
    MINIMAL = "minimal"
    """The fewest transfers over the net balances (transfers then pay other offices' debts)."""


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
    pays: tuple[Item, ...] = ()
    """The open items it settles (in `gross` and `pair` modes; in `pair`, the debtor's items net of
    the creditor's); empty in `minimal`, where a transfer pays other offices' debts too."""
    offsets: tuple[Item, ...] = ()
    """In `pair` mode: the creditor's open items to the debtor, set off against `pays`."""


class Member(NamedTuple):
    """What the core needs to know of an office: its id, name and aliases."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        """How messages name the office: its first alias, else its full name."""
        return self.aliases[0] if self.aliases else self.name
