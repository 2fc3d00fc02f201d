"""What each office's weekly digest says: plain data drawn from the books, no I/O.

A digest covers a week, Monday to Sunday in the collective's time zone, and
is written as of its Monday: the dossiers confirmed since the last digest,
the arrivals of the next 14 days, what to fix, who owes what, the shares of
the common costs, and the turnover so far against last year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from lotsync.core import french
from lotsync.core.books import Books, LastComplete
from lotsync.core.errors import UsageError
from lotsync.core.model import (
    LIVE_STATUSES,
    Anomaly,
    Balance,
    Direction,
    Dossier,
    Member,
    ReconLine,
    ReconStatus,
    Share,
    Split,
    Status,
    Transfer,
    Where,
)
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
    """True when nothing is owed for it any more (reimbursed, or paid by this office)."""


class Fix(NamedTuple):
    """Something to correct, with where it is and a link that opens it."""

    where: Where
    link: str
    text: str
    anomaly: Anomaly | None = None
    line: ReconLine | None = None


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

    def name(self, office: str | None) -> str:
        """How the digest names an office: its short name, else its id."""
        return _name(self.members, office)

    @property
    def is_empty(self) -> bool:
        """Nothing to say: no new dossier, no arrival, nothing to fix, nothing owed either way."""
        return not (
            self.new_dossiers
            or self.arrivals
            or self.fixes
            or self.balance.receivable
            or self.balance.payable
            or self.stale
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

    def name(self, office: str | None) -> str:
        return _name(self.members, office)

    @property
    def is_empty(self) -> bool:
        """Every office has nothing to say, no transfer is due and nothing needs fixing."""
        return (
            all(o.is_empty for o in self.offices)
            and not self.transfers
            and not self.anomalies
            and not self.problems
            and not self.stale
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
) -> OfficeDigest:
    """The digest of `office` for `week`; `seen` is the live references of its last digest
    (None when none was ever sent). When the books are incomplete, balances computed without an
    office would be wrong money: the digest shows `last_complete` instead (the last complete
    `Soldes`, dated), or none, and says why."""
    member = next(m for m in books.members if m.id == office)
    names = {m.id: m.short for m in books.members}
    mine = [d for d in books.dossiers if d.office == office]
    live = [d for d in mine if d.status in LIVE_STATUSES]
    live_refs = frozenset(d.ref for d in live)
    balances, transfers, stale = settled_figures(books, last_complete)
    new = (
        [] if seen is None else sorted((d for d in live if d.ref not in seen), key=lambda d: (d.start, d.ref))
    )
    return OfficeDigest(
        member=member,
        week=week,
        first=seen is None,
        new_dossiers=new,
        arrivals=arrivals(mine, week.monday),
        fixes=fixes(books, office, names, locate),
        balance=next(b for b in balances if b.member == office),
        transfers=[t for t in transfers if office in (t.debtor, t.creditor)],
        fee_shares=fee_shares(books.splits, office, week.monday.year),
        turnover=next(y for y in books.dashboard.offices if y.office == office),
        live_refs=live_refs,
        members=tuple(books.members),
        year=books.dashboard.current,
        last_year=books.dashboard.previous,
        stale=stale,
        turnover_unread=next((g.reason for g in books.gaps if g.source == office), None),
    )


def settled_figures(
    books: Books, last_complete: LastComplete | None
) -> tuple[list[Balance], list[Transfer], str | None]:
    """The balances and transfers a digest may show, and why they are not this week's (or None)."""
    if books.complete:
        return books.balances, books.transfers, None
    reasons = books.gap_reasons()
    if last_complete is None:
        zero = Decimal("0.00")
        nothing = [Balance(m.id, zero, zero, {}) for m in books.members]
        return nothing, [], french.DIGEST_NO_FIGURES.format(reasons=reasons)
    stale = french.DIGEST_STALE.format(reasons=reasons, since=last_complete.since)
    return last_complete.balances, last_complete.transfers, stale


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
    """The office's own input anomalies, then the reconciliation lines it is party to that are not ok."""
    found = [
        Fix(a.where, locate(a.where), a.message, anomaly=a) for a in books.anomalies if a.office == office
    ]
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


def fee_shares(splits: Sequence[Split], office: str, year: int) -> list[FeeShare]:
    """This office's share of each fee and shared expense of the year, and whether it is settled."""
    found = []
    for split in splits:
        if split.expense.year != year:
            continue
        for share in split.shares:
            if share.member == office:
                settled = split.expense.reimbursed or split.expense.paid_by == office
                found.append(FeeShare(split, share, settled))
    return sorted(found, key=lambda f: (not f.split.expense.fee, f.split.expense.label))


def collective_digest(
    books: Books, week: Week, offices: list[OfficeDigest], last_complete: LastComplete | None = None
) -> CollectiveDigest:
    _, transfers, stale = settled_figures(books, last_complete)
    unread = [g.reason for g in books.gaps if g.source]
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
    )


def owed_total(shares: Iterable[FeeShare]) -> Decimal:
    return sum((f.share.amount for f in shares if not f.settled), Decimal("0.00"))
