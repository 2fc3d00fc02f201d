"""What each office's weekly digest says: plain data drawn from the books, no I/O.

A digest covers a week, Monday to Sunday in the collective's time zone, and
is written as of its Monday: the dossiers confirmed since the last digest,
the arrivals of the next 14 days, what to fix, who owes what and the transfers
of the collective's settlement mode (with the items each pays), the payments
recorded since the last digest and what they settled, the shares of the common
costs, and the turnover so far against last year. When the collective's website requests are
read (`Books.requests`), each office's digest lists its open requests, late ones first, and the
collective's lists the requests waiting for an office, the late ones, and the year's funnel.

No French here: the records below are what the adapters word (`adapters/digest_render.py`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from lotsync.core import french, settlement
from lotsync.core.books import REQUESTS_GAP, Books, Gap, LastComplete
from lotsync.core.errors import UsageError
from lotsync.core.model import (
    LIVE_STATUSES,
    Anomaly,
    Balance,
    Direction,
    Dossier,
    Item,
    Matched,
    Member,
    Payment,
    ReconLine,
    ReconStatus,
    SettlementMode,
    Share,
    Split,
    Status,
    Transfer,
    Where,
)
from lotsync.core.requests import Funnel, RequestLine
from lotsync.core.turnover import OfficeYear, Period


class WeekError(UsageError, ValueError):
    """A week that is not one ("2026-W60"); French, with an example."""


ARRIVAL_DAYS = 14
_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})")


class Week(NamedTuple):
    """An ISO week: `2026-W48` runs from Monday 23 to Sunday 29 November 2026."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Week:
        found = _WEEK.fullmatch(text.strip().upper())
        if not found:
            raise WeekError(french.WEEK_UNREADABLE.format(text=text))
        week = cls(int(found[1]), int(found[2]))
        try:
            week.monday  # noqa: B018 - raises ValueError for a week the year does not have
        except ValueError as exc:
            problem = french.WEEK_NOT_IN_YEAR.format(text=text, year=week.year, number=week.number)
            raise WeekError(problem) from exc
        return week

    @classmethod
    def containing(cls, day: date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def previous(self) -> Week:
        return Week.containing(self.monday - timedelta(days=7))


class Arrival(NamedTuple):
    """A group arriving soon: a direct client, a day sold to a partner, or a day bought."""

    dossier: Dossier
    role: str
    """"direct", "sold" or "bought"."""
    partner: str | None


class FeeShare(NamedTuple):
    split: Split
    share: Share
    settled: bool
    """True when nothing is owed for it any more (paid by this office, marked `Remboursé`, or
    settled by payments of `Règlements`)."""
    open: Decimal
    """What this office still owes for it (part of a share may be paid)."""


class RecentPayment(NamedTuple):
    """A payment of `Règlements` dated within the digest's window (`payment_window`)."""

    payment: Payment
    matched: Matched | None
    """What it settled and its excess; None when the books are incomplete: what a payment settles
    depends on every item between its two offices, and some of them may be in what was not read."""


class PairTotal(NamedTuple):
    """What one office still owes another, every open item together (the collective's summary)."""

    debtor: str
    creditor: str
    items: int
    """How many items are still open (wholly or in part)."""
    owed: Decimal


class Fix(NamedTuple):
    """Something to correct, with where it is and a link that opens it."""

    where: Where
    link: str
    text: str
    anomaly: Anomaly | None = None
    line: ReconLine | None = None


class OpenRequest(NamedTuple):
    """An open request of the website as a digest lists it, with a link that opens its row."""

    line: RequestLine
    link: str


class OfficeRequests(NamedTuple):
    """The requests section of an office's digest (only when the requests tab was read)."""

    open: tuple[OpenRequest, ...]
    """The office's open requests: late ones first, then the oldest (`RequestBook.for_office`)."""
    reply_within: int
    """Working days after the day received before an unanswered request is late."""
    unread: str | None = None
    """Why the requests tab could not be read this week (French), or None."""

    @property
    def late(self) -> int:
        return sum(1 for r in self.open if r.line.late)


class CollectiveRequests(NamedTuple):
    """The requests section of the collective's digest (only when the requests tab was read)."""

    unassigned: tuple[OpenRequest, ...]
    """Open requests no office has yet, late ones first: each with its suggestion and why
    (`line.routing`)."""
    late: tuple[OpenRequest, ...]
    """The late requests an office has (those without one are in `unassigned`), by office."""
    funnel: tuple[Funnel, ...]
    """`year`'s funnel: one row per member in the members' order (zeros when it received none),
    then the requests with no office, when there are any."""
    year: int
    """The calendar year of the books' date."""
    reply_within: int
    unread: str | None = None


class OfficeDigest(NamedTuple):
    member: Member
    week: Week
    first: bool
    """No digest was sent before: nothing counts as "new"."""
    new_dossiers: list[Dossier]
    arrivals: list[Arrival]
    fixes: list[Fix]
    balance: Balance
    transfers: list[Transfer]
    fee_shares: list[FeeShare]
    turnover: OfficeYear
    live_refs: frozenset[str]
    """The live references now: the next digest's "since" point."""
    members: tuple[Member, ...] = ()
    """Every office of the collective, to name partners, payers and creditors."""
    year: Period | None = None
    """The period of `turnover` (start of the financial year to the books' date)..."""
    last_year: Period | None = None
    """...and the same period a year earlier."""
    stale: str | None = None
    """Why the balances shown are not this week's (French, with their date), or None."""
    turnover_unread: str | None = None
    """Why this office's own turnover could not be computed, or None."""
    mode: SettlementMode = SettlementMode.GROSS
    """The collective's settlement mode: what `transfers` are (see `SettlementMode`). While `stale`
    is None they carry the items they pay (and in `pair` mode the ones they set off); the last
    complete figures shown otherwise carry none."""
    set_offs: tuple[Transfer, ...] = ()
    """In `pair` mode: partners with whom the two directions cancel out exactly. No transfer is due,
    but the items are set off, which both accountants have to record (amount 0, `pays` and
    `offsets` as in a transfer from `debtor`)."""
    payments: tuple[RecentPayment, ...] = ()
    """The payments this office made or received, dated within `payments_window`."""
    payments_window: tuple[date, date] | None = None
    """The first and last day of the payments listed as new."""
    requests: OfficeRequests | None = None
    """The office's open requests from the website; None when there is no requests tab."""

    def name(self, office: str | None) -> str:
        """How the digest names an office: its short name, else its id."""
        return _name(self.members, office)

    @property
    def is_empty(self) -> bool:
        """Nothing to say: no new dossier, no arrival, nothing to fix, nothing owed either way, no
        payment made or received, no open request (nor a requests tab that could not be read)."""
        return not (
            self.new_dossiers
            or self.arrivals
            or self.fixes
            or self.balance.receivable
            or self.balance.payable
            or self.stale
            or self.set_offs
            or self.payments
            or (self.requests is not None and (self.requests.open or self.requests.unread))
        )


class CollectiveDigest(NamedTuple):
    week: Week
    offices: list[OfficeDigest]
    transfers: list[Transfer]
    total: OfficeYear
    anomalies: int
    problems: int
    """Reconciliation lines that are not ok."""
    members: tuple[Member, ...] = ()
    year: Period | None = None
    last_year: Period | None = None
    stale: str | None = None
    """Why the transfers shown are not this week's, or None."""
    turnover_unread: str | None = None
    """Why the collective's total turnover could not be computed, or None."""
    mode: SettlementMode = SettlementMode.GROSS
    pairs: tuple[PairTotal, ...] = ()
    """What each office still owes each other one (empty while `stale`)."""
    set_offs: tuple[Transfer, ...] = ()
    """In `pair` mode: the pairs whose two directions cancel out exactly (see `OfficeDigest`)."""
    payments: tuple[RecentPayment, ...] = ()
    """Every payment dated within `payments_window`."""
    payments_window: tuple[date, date] | None = None
    requests: CollectiveRequests | None = None
    """The requests waiting for an office, the late ones and the year's funnel; None when there is
    no requests tab."""

    def name(self, office: str | None) -> str:
        return _name(self.members, office)

    @property
    def is_empty(self) -> bool:
        """Every office has nothing to say, no transfer is due, nothing needs fixing, no payment
        was recorded and no request waits for an office (the funnel alone says nothing new)."""
        return (
            all(o.is_empty for o in self.offices)
            and not self.transfers
            and not self.set_offs
            and not self.anomalies
            and not self.problems
            and not self.stale
            and not self.payments
            and not (
                self.requests is not None
                and (self.requests.unassigned or self.requests.late or self.requests.unread)
            )
        )


def _name(members: Sequence[Member], office: str | None) -> str:
    if office is None:
        return ""
    return next((m.short for m in members if m.id == office), office)


Locate = Callable[[Where], str]
"""Where → a link that opens that row (Google Sheets URL, or the file name locally)."""


def file_name(where: Where) -> str:
    return where.spreadsheet


def office_digest(
    books: Books,
    office: str,
    week: Week,
    *,
    seen: frozenset[str] | None,
    locate: Locate = file_name,
    last_complete: LastComplete | None = None,
    last_week: Week | None = None,
) -> OfficeDigest:
    """The digest of `office` for `week`; `seen` is the live references of its last digest
    (None when none was ever sent), `last_week` that digest's week (the send log's `last_for`),
    which widens the payments listed when weeks were skipped (`payment_window`). When the books
    are incomplete, balances computed without an office would be wrong money: the digest shows
    `last_complete` instead (the last complete `Soldes`, dated), or none, and says why; nor does
    it say what a payment settled, or which shares are paid by payments. With a requests tab, the
    digest lists the office's open requests, each linked to its row by `locate`."""
    member = next(m for m in books.members if m.id == office)
    names = {m.id: m.short for m in books.members}
    mine = [d for d in books.dossiers if d.office == office]
    live = [d for d in mine if d.status in LIVE_STATUSES]
    live_refs = frozenset(d.ref for d in live)
    balances, transfers, stale = settled_figures(books, last_complete)
    new = (
        [] if seen is None else sorted((d for d in live if d.ref not in seen), key=lambda d: (d.start, d.ref))
    )
    window = payment_window(week, last_week)
    items = books.settlement.items if money_complete(books) else None
    return OfficeDigest(
        member=member,
        week=week,
        first=seen is None,
        new_dossiers=new,
        arrivals=arrivals(mine, week.monday),
        fixes=fixes(books, office, names, locate),
        balance=next(b for b in balances if b.member == office),
        transfers=[t for t in transfers if office in (t.debtor, t.creditor)],
        fee_shares=fee_shares(books.splits, office, week.monday.year, items),
        turnover=next(y for y in books.dashboard.offices if y.office == office),
        live_refs=live_refs,
        members=tuple(books.members),
        year=books.dashboard.current,
        last_year=books.dashboard.previous,
        stale=stale,
        turnover_unread=next((g.reason for g in books.gaps if g.source == office), None),
        mode=books.settlement.mode,
        set_offs=tuple(t for t in set_offs(books) if office in (t.debtor, t.creditor)),
        payments=tuple(recent_payments(books, window, office)),
        payments_window=window,
        requests=office_requests(books, office, locate),
    )


def money_gaps(books: Books) -> list[Gap]:
    """What could not be read that the money depends on: every gap but the requests tab's, which
    feeds `Suivi des demandes` only (a broken requests tab never makes the balances stale)."""
    return [g for g in books.gaps if g.source != REQUESTS_GAP]


def money_complete(books: Books) -> bool:
    """The balances, transfers and turnover are this week's: nothing they depend on is unread."""
    return not money_gaps(books)


def requests_unread(books: Books) -> str | None:
    """Why the requests tab could not be read (French), or None."""
    return next((g.reason for g in books.gaps if g.source == REQUESTS_GAP), None)


def office_requests(books: Books, office: str, locate: Locate = file_name) -> OfficeRequests | None:
    """The office's open requests, late ones first; None when there is no requests tab."""
    book = books.requests
    if not book.read:
        return None
    found = tuple(OpenRequest(line, locate(line.request.where)) for line in book.for_office(office))
    return OfficeRequests(found, book.reply_within, requests_unread(books))


def collective_requests(books: Books, locate: Locate = file_name) -> CollectiveRequests | None:
    """The requests waiting for an office, the late ones of every office, and the funnel of the
    books' calendar year; None when there is no requests tab."""
    book = books.requests
    if not book.read:
        return None
    year = books.as_of.year
    found = book.open_lines

    def listed(lines: Iterable[RequestLine]) -> tuple[OpenRequest, ...]:
        return tuple(OpenRequest(line, locate(line.request.where)) for line in lines)

    rows = {f.office: f for f in book.funnel if f.year == year}
    funnel = [rows.get(m.id) or Funnel(m.id, year, 0, 0, 0, 0, (), 0, None) for m in books.members]
    if None in rows:
        funnel.append(rows[None])
    return CollectiveRequests(
        unassigned=listed(line for line in found if line.office is None),
        late=listed(line for line in found if line.late and line.office is not None),
        funnel=tuple(funnel),
        year=year,
        reply_within=book.reply_within,
        unread=requests_unread(books),
    )


def settled_figures(
    books: Books, last_complete: LastComplete | None
) -> tuple[list[Balance], list[Transfer], str | None]:
    """The balances and transfers a digest may show, and why they are not this week's (or None)."""
    if money_complete(books):
        return books.balances, books.transfers, None
    reasons = " ; ".join(g.reason for g in money_gaps(books))
    if last_complete is None:
        zero = Decimal("0.00")
        nothing = [Balance(m.id, zero, zero, {}) for m in books.members]
        return nothing, [], french.DIGEST_NO_FIGURES.format(reasons=reasons)
    stale = french.DIGEST_STALE.format(reasons=reasons, since=last_complete.since)
    return last_complete.balances, last_complete.transfers, stale


def payment_window(week: Week, last_week: Week | None = None) -> tuple[date, date]:
    """The days whose payments a digest lists as new: from the Monday of the week before (or of
    `last_week`, the week of the last digest sent, when that is earlier) to the Sunday before
    the digest's Monday.

    A digest is made as of its Monday, so the week before is the last whole week it sees. Weekly
    digests' windows follow each other with neither gap nor overlap: each payment is listed once,
    in the digest after the week of its date, and a week without a digest is covered by the next
    one when the caller passes `last_week`. The send log keeps no payments, only the dates tell:
    a payment typed in after the digest of its week left is counted in every figure (open items,
    transfers) but never listed as new."""
    first = week.previous().monday
    if last_week is not None and last_week.monday < first:
        first = last_week.monday
    return first, week.monday - timedelta(days=1)


def recent_payments(
    books: Books, window: tuple[date, date], office: str | None = None
) -> list[RecentPayment]:
    """The payments dated within `window` (those `office` made or received, if given), in the
    order they were applied; what each settled only when the books are complete."""
    first, last = window
    return [
        RecentPayment(m.payment, m if money_complete(books) else None)
        for m in books.settlement.payments
        if first <= m.payment.on <= last and office in (None, m.payment.payer, m.payment.payee)
    ]


def set_offs(books: Books) -> list[Transfer]:
    """In `pair` mode, the set-offs both accountants must record (`settlement.set_offs`). None
    while the books are incomplete, nor in the other modes."""
    if books.settlement.mode is not SettlementMode.PAIR or not money_complete(books):
        return []
    return settlement.set_offs(books.settlement.items, [m.id for m in books.members])


def pair_totals(books: Books) -> list[PairTotal]:
    """What each office still owes each other one, from the statements (none while incomplete)."""
    if not money_complete(books):
        return []
    return [
        PairTotal(s.debtor, s.creditor, sum(1 for i in s.items if i.open), s.owed)
        for s in books.settlement.statements
        if s.owed
    ]


def arrivals(dossiers: Iterable[Dossier], monday: date) -> list[Arrival]:
    """Groups starting within 14 days of Monday: confirmed, invoiced, paid or on option."""
    end = monday + timedelta(days=ARRIVAL_DAYS - 1)
    found = []
    for d in dossiers:
        if not (monday <= d.start <= end) or d.status in (Status.QUOTE, Status.CANCELLED):
            continue
        if d.direction is Direction.SALE:
            found.append(Arrival(d, "sold", d.partner))
        elif d.direction is Direction.PURCHASE:
            found.append(Arrival(d, "bought", d.partner))
        else:
            found.append(Arrival(d, "direct", None))
    return sorted(found, key=lambda a: (a.dossier.start, a.dossier.ref))


def fixes(books: Books, office: str, names: Mapping[str, str], locate: Locate) -> list[Fix]:
    """The office's own input anomalies and those of the payments it made or received, then the
    reconciliation lines it is party to that are not ok.

    An anomaly of a payment (overpayment, unknown reference, already settled) belongs to no office's
    sheet: both the payer and the payee see it, since either may have to act (a refund, a reference
    to correct, a double payment to check). What a payment settles depends on every item between its
    two offices: while one of them, or the shared spreadsheet, is unread, such an anomaly may be
    false, and it is left out."""
    parties = {m.payment.where: (m.payment.payer, m.payment.payee) for m in books.settlement.payments}
    unread = {g.source for g in books.gaps}

    def concerns(anomaly: Anomaly) -> bool:
        if anomaly.office is not None:
            return anomaly.office == office
        between = parties.get(anomaly.where, ())
        return office in between and not ("" in unread or unread.intersection(between))

    found = [Fix(a.where, locate(a.where), a.message, anomaly=a) for a in books.anomalies if concerns(a)]
    reported = {f.where for f in found}
    for line in books.reconciliation:
        if line.is_ok or office not in (line.buyer, line.seller):
            continue
        own = line.purchase if line.buyer == office else line.sale
        row = own or line.purchase or line.sale
        assert row is not None
        if line.statuses == (ReconStatus.DUPLICATE,) and row.where in reported:
            continue  # the duplicate reference is already there, as an input anomaly of the same row
        found.append(Fix(row.where, locate(row.where), line.explanation, line=line))
    return found


def fee_shares(
    splits: Sequence[Split], office: str, year: int, items: Sequence[Item] | None = None
) -> list[FeeShare]:
    """This office's share of each fee and shared expense of the year, and what is still open of it.

    With the settlement's `items` (books complete), a share is what its item says: marked paid in
    `Remboursé` or settled, in whole or in part, by payments. Without them, only what the sheet
    marks counts: which payment settles what depends on items that may be unread."""
    share_items: dict[tuple[object, ...], list[Item]] = defaultdict(list)
    for item in items or ():
        if item.debtor == office and item.source in ("expense", "fee"):
            share_items[(item.creditor, item.source, item.label, item.where, item.amount)].append(item)
    found = []
    for split in splits:
        expense = split.expense
        if expense.year != year:
            continue
        for share in split.shares:
            if share.member != office:
                continue
            if expense.paid_by == office:
                left = Decimal("0.00")
            elif items is not None:
                key = (expense.paid_by, "fee" if expense.fee else "expense", expense.label, expense.where)
                matching = share_items.get((*key, share.amount))
                left = matching.pop(0).open if matching else Decimal("0.00")
            else:
                left = Decimal("0.00") if expense.share_paid(office) else share.amount
            found.append(FeeShare(split, share, not left, left))
    return sorted(found, key=lambda f: (not f.split.expense.fee, f.split.expense.label))


def collective_digest(
    books: Books,
    week: Week,
    offices: list[OfficeDigest],
    last_complete: LastComplete | None = None,
    *,
    last_week: Week | None = None,
    locate: Locate = file_name,
) -> CollectiveDigest:
    """The summary for the collective; `last_week` is the week of its last digest (see
    `payment_window`), `locate` links the requests it lists to their rows."""
    _, transfers, stale = settled_figures(books, last_complete)
    window = payment_window(week, last_week)
    unread = [g.reason for g in money_gaps(books) if g.source]
    return CollectiveDigest(
        week=week,
        offices=offices,
        transfers=list(transfers),
        total=books.dashboard.total,
        anomalies=len(books.anomalies),
        problems=sum(1 for line in books.reconciliation if not line.is_ok),
        members=tuple(books.members),
        year=books.dashboard.current,
        last_year=books.dashboard.previous,
        stale=stale,
        turnover_unread=" ; ".join(unread) or None,
        mode=books.settlement.mode,
        pairs=tuple(pair_totals(books)),
        set_offs=tuple(set_offs(books)),
        payments=tuple(recent_payments(books, window)),
        payments_window=window,
        requests=collective_requests(books, locate),
    )


def owed_total(shares: Iterable[FeeShare]) -> Decimal:
    """What is still to pay of these shares."""
    return sum((f.open for f in shares), Decimal("0.00"))
