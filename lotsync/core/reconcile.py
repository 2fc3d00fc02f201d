"""Reconciliation: every day an office bought against the sale the other office recorded.

Pairs are made first by reference (one side's `partner_ref` is the other's
`ref`, without regard to case and surrounding spaces), then by office pair and
start date, nearest pax and amount. Each line says what disagrees and who owes
what for it (see DOMAIN.md, "Rules").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from lotsync.core import french
from lotsync.core.cells import invoice_key, ref_key
from lotsync.core.model import (
    LIVE_STATUSES,
    OWING_STATUSES,
    Direction,
    Dossier,
    Member,
    ReconLine,
    ReconStatus,
    Status,
)

ZERO = Decimal("0.00")
_BIG = 10**12


def reconcile(
    dossiers: Iterable[Dossier],
    members: Sequence[Member],
    duplicates: Iterable[Dossier] = (),
) -> list[ReconLine]:
    """One line per inter-office day, in date order, each with its statuses and explanation."""
    names = {m.id: m.short for m in members}
    purchases: list[Dossier] = []
    sales: list[Dossier] = []
    for d in dossiers:
        if d.partner is None or d.direction is None or d.status is Status.QUOTE:
            continue
        (purchases if d.direction is Direction.PURCHASE else sales).append(d)

    pairs, purchases_left, sales_left = _pair_by_reference(purchases, sales)
    by_date, purchases_left, sales_left = _pair_by_date(purchases_left, sales_left)

    lines = [_paired(p, s, "reference", names) for p, s in pairs]
    lines += [_paired(p, s, "date", names) for p, s in by_date]
    left_out = [
        d
        for d in duplicates
        if d.partner is not None and d.direction is not None and d.status is not Status.QUOTE
    ]
    index = _LeftOut(left_out)
    lines += [_unpaired(p, names, index) for p in purchases_left if p.status is not Status.CANCELLED]
    lines += [_unpaired(s, names, index) for s in sales_left if s.status is not Status.CANCELLED]
    lines += [_duplicate(d, names) for d in left_out]
    lines.sort(key=_line_order)
    return lines


def _pair_by_reference(
    purchases: list[Dossier], sales: list[Dossier]
) -> tuple[list[tuple[Dossier, Dossier]], list[Dossier], list[Dossier]]:
    sale_by_ref: dict[tuple, Dossier] = {(s.office, s.partner, ref_key(s.ref)): s for s in sales}
    sale_by_partner_ref: dict[tuple, Dossier] = {}
    for s in sales:
        if s.partner_ref:
            sale_by_partner_ref.setdefault((s.office, s.partner, ref_key(s.partner_ref)), s)
    taken: set[int] = set()
    pairs = []
    left = []
    for p in purchases:
        sale = None
        if p.partner_ref:
            sale = sale_by_ref.get((p.partner, p.office, ref_key(p.partner_ref)))
        if sale is None or id(sale) in taken:
            sale = sale_by_partner_ref.get((p.partner, p.office, ref_key(p.ref)))
        if sale is None or id(sale) in taken:
            left.append(p)
            continue
        taken.add(id(sale))
        pairs.append((p, sale))
    return pairs, left, [s for s in sales if id(s) not in taken]


def _pair_by_date(
    purchases: list[Dossier], sales: list[Dossier]
) -> tuple[list[tuple[Dossier, Dossier]], list[Dossier], list[Dossier]]:
    groups: dict[tuple, list[Dossier]] = defaultdict(list)
    for s in sales:
        groups[(s.partner, s.office, s.start)].append(s)
    purchase_groups: dict[tuple, list[Dossier]] = defaultdict(list)
    for p in purchases:
        purchase_groups[(p.office, p.partner, p.start)].append(p)
    pairs: list[tuple[Dossier, Dossier]] = []
    left_purchases: list[Dossier] = []
    paired_sales: set[int] = set()
    for key, group in purchase_groups.items():
        candidates = groups.get(key, [])
        if not candidates:
            left_purchases.extend(group)
            continue
        costs = sorted((_distance(p, s), i, j) for i, p in enumerate(group) for j, s in enumerate(candidates))
        used_p: set[int] = set()
        used_s: set[int] = set()
        for _, i, j in costs:
            if i in used_p or j in used_s:
                continue
            used_p.add(i)
            used_s.add(j)
            pairs.append((group[i], candidates[j]))
            paired_sales.add(id(candidates[j]))
        left_purchases.extend(p for i, p in enumerate(group) if i not in used_p)
    left_sales = [s for s in sales if id(s) not in paired_sales]
    return pairs, left_purchases, left_sales


def _distance(p: Dossier, s: Dossier) -> tuple[int, Decimal]:
    pax = abs(p.pax - s.pax) if p.pax is not None and s.pax is not None else _BIG
    amount = abs(p.amount - s.amount) if p.amount is not None and s.amount is not None else Decimal(_BIG)
    return pax, amount


def _status_class(status: Status) -> str:
    return "live" if status in LIVE_STATUSES else status.value


def _paired(p: Dossier, s: Dossier, how: str, names: Mapping[str, str]) -> ReconLine:
    buyer, seller = names[p.office], names[s.office]
    statuses: list[ReconStatus] = []
    notes: list[str] = []
    if p.amount != s.amount:
        statuses.append(ReconStatus.AMOUNT_MISMATCH)
        gap = abs((p.amount or ZERO) - (s.amount or ZERO))
        notes.append(
            french.RECON_AMOUNT.format(
                buyer=buyer,
                seller=seller,
                purchase=french.money(p.amount),
                sale=french.money(s.amount),
                gap=french.money(gap),
            )
        )
    if p.pax != s.pax:
        statuses.append(ReconStatus.PAX_MISMATCH)
        notes.append(
            french.RECON_PAX.format(buyer=buyer, seller=seller, purchase=_pax(p.pax), sale=_pax(s.pax))
        )
    if p.start != s.start:
        statuses.append(ReconStatus.DATE_MISMATCH)
        notes.append(
            french.RECON_DATE.format(
                buyer=buyer,
                seller=seller,
                purchase=french.short_date(p.start),
                sale=french.short_date(s.start),
            )
        )
    if _status_class(p.status) != _status_class(s.status):
        statuses.append(ReconStatus.STATUS_MISMATCH)
        notes.append(
            french.RECON_STATUS.format(
                buyer=buyer, seller=seller, purchase=p.status.value, sale=s.status.value
            )
        )
    if p.invoice and s.invoice and invoice_key(p.invoice) != invoice_key(s.invoice):
        statuses.append(ReconStatus.INVOICE_MISMATCH)
        notes.append(
            french.RECON_INVOICE.format(buyer=buyer, seller=seller, purchase=p.invoice, sale=s.invoice)
        )
    _check_margin(p, statuses, notes)
    owed = s.amount if s.status in OWING_STATUSES and s.amount else ZERO
    if not statuses:
        statuses.append(ReconStatus.OK)
        notes.append(french.RECON_OK)
    if owed:
        notes.append(french.RECON_OWED.format(buyer=buyer, seller=seller, amount=french.money(owed)))
    elif s.status is Status.PAID:
        notes.append(french.RECON_PAID)
    return ReconLine(p.office, s.office, p, s, tuple(statuses), how, owed, " ".join(notes))


class _LeftOut:
    """Rows left out for a duplicate reference, indexed to explain unpaired days in O(1)."""

    def __init__(self, rows: Sequence[Dossier]):
        self.by_key: dict[tuple, Dossier] = {}
        for other in rows:
            side = (other.office, other.partner, other.direction)
            for key in (
                (*side, "ref", ref_key(other.ref)),
                (*side, "pref", _key_or_none(other.partner_ref)),
                (*side, "start", other.start),
            ):
                self.by_key.setdefault(key, other)

    def counterpart(self, d: Dossier) -> Dossier | None:
        """A row on the other side that would match `d` but is left out."""
        if not self.by_key:
            return None
        other_direction = Direction.SALE if d.direction is Direction.PURCHASE else Direction.PURCHASE
        side = (d.partner, d.office, other_direction)
        for key in (
            (*side, "ref", _key_or_none(d.partner_ref)),
            (*side, "pref", ref_key(d.ref)),
            (*side, "start", d.start),
        ):
            if key[-1] is not None and (found := self.by_key.get(key)) is not None:
                return found
        return None


def _key_or_none(ref: str | None) -> str | None:
    return None if ref is None else ref_key(ref)


def _unpaired(d: Dossier, names: Mapping[str, str], left_out: _LeftOut) -> ReconLine:
    assert d.partner is not None
    statuses: list[ReconStatus] = []
    notes: list[str] = []
    day = french.short_date(d.start)
    blocked = left_out.counterpart(d)
    if blocked is not None:
        notes.append(
            french.RECON_COUNTERPART_DUPLICATE.format(
                office=names[blocked.office], ref=blocked.ref, row=blocked.where.row
            )
        )
    if d.direction is Direction.PURCHASE:
        buyer, seller = d.office, d.partner
        statuses.append(ReconStatus.MISSING_SALE)
        if blocked is None:
            notes.append(
                french.RECON_MISSING_SALE.format(
                    buyer=names[buyer], seller=names[seller], buyer_ref=d.ref, day=day
                )
            )
        _check_margin(d, statuses, notes)
        return ReconLine(buyer, seller, d, None, tuple(statuses), None, ZERO, " ".join(notes))
    buyer, seller = d.partner, d.office
    if blocked is None:
        notes.append(
            french.RECON_MISSING_PURCHASE.format(
                buyer=names[buyer], seller=names[seller], seller_ref=d.ref, day=day
            )
        )
    return ReconLine(buyer, seller, None, d, (ReconStatus.MISSING_PURCHASE,), None, ZERO, " ".join(notes))


def _duplicate(d: Dossier, names: Mapping[str, str]) -> ReconLine:
    assert d.partner is not None
    text = french.RECON_DUPLICATE.format(ref=d.ref, office=names[d.office])
    if d.direction is Direction.PURCHASE:
        return ReconLine(d.office, d.partner, d, None, (ReconStatus.DUPLICATE,), None, ZERO, text)
    return ReconLine(d.partner, d.office, None, d, (ReconStatus.DUPLICATE,), None, ZERO, text)


def _check_margin(p: Dossier, statuses: list[ReconStatus], notes: list[str]) -> None:
    if p.resale is not None and p.amount is not None and p.resale > p.amount:
        statuses.append(ReconStatus.MARGIN)
        notes.append(french.RECON_MARGIN.format(resale=french.money(p.resale), amount=french.money(p.amount)))


def _pax(pax: int | None) -> str:
    return "—" if pax is None else str(pax)


def _line_order(line: ReconLine) -> tuple:
    row = line.purchase or line.sale
    assert row is not None
    return (row.start, line.buyer, line.seller, row.ref)
