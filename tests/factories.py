"""Small builders for tests: a dossier row in one line."""

from datetime import date
from decimal import Decimal

from lotsync.core.model import Direction, Dossier, Kind, Member, Status, Where

MEMBERS = (
    Member("cahors", "Office de tourisme Cahors – Vallée du Lot", ("OT Cahors",)),
    Member("dordogne", "Office de tourisme Vallée de la Dordogne", ("OT Dordogne",)),
    Member("figeac", "Office de tourisme Grand Figeac", ("OT Figeac",)),
)
IDS = tuple(m.id for m in MEMBERS)
_rows = iter(range(2, 10**9))


def dossier(
    office: str,
    ref: str,
    *,
    start: date = date(2026, 6, 10),
    amount: str | None = "1200.00",
    pax: int | None = 40,
    status: Status = Status.CONFIRMED,
    partner: str | None = None,
    direction: Direction | None = None,
    partner_ref: str | None = None,
    resale: str | None = None,
    kind: Kind = Kind.DAY,
    client: str = "Club des aînés de Brive",
    invoice: str | None = None,
) -> Dossier:
    return Dossier(
        office,
        ref,
        client,
        kind,
        start,
        None,
        pax,
        status,
        Decimal(amount) if amount is not None else None,
        partner,
        direction,
        partner_ref,
        Decimal(resale) if resale is not None else None,
        Where(f"{office}.xlsx", "Dossiers", next(_rows)),
        invoice,
    )


def purchase(buyer: str, seller: str, ref: str, **kw) -> Dossier:
    return dossier(buyer, ref, partner=seller, direction=Direction.PURCHASE, **kw)


def sale(seller: str, buyer: str, ref: str, **kw) -> Dossier:
    return dossier(seller, ref, partner=buyer, direction=Direction.SALE, **kw)
