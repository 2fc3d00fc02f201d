"""What `lotsync sync` prints: a short French summary, or the complete result as JSON.

The JSON schema is documented in the README ("Le résultat en JSON"). Amounts are
strings with two decimals ("1234.50") so that no reader turns them into floats.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lotsync import __version__
from lotsync.adapters.config import Config
from lotsync.app import french as app_french
from lotsync.app.sync import SyncOutcome
from lotsync.cli import french
from lotsync.core import french as core_french
from lotsync.core.books import Books
from lotsync.core.model import Anomaly, Dossier, Item, Split, Where
from lotsync.core.places import explain
from lotsync.core.requests import RequestBook
from lotsync.core.turnover import OfficeYear
from lotsync.tabs import french as tabs_french
from lotsync.tabs.results import handled_by

SCHEMA_VERSION = 1


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _where(where: Where | None) -> dict[str, Any] | None:
    return None if where is None else {"spreadsheet": where.spreadsheet, "tab": where.tab, "row": where.row}


def dossier_json(d: Dossier | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "office": d.office,
        "ref": d.ref,
        "client": d.client,
        "kind": d.kind.value,
        "start": _day(d.start),
        "end": _day(d.end),
        "pax": d.pax,
        "status": d.status.value,
        "amount": _money(d.amount),
        "partner": d.partner,
        "direction": d.direction.value if d.direction else None,
        "partner_ref": d.partner_ref,
        "resale": _money(d.resale),
        "invoice": d.invoice,
        "source": _where(d.where),
    }


def split_json(s: Split) -> dict[str, Any]:
    e = s.expense
    return {
        "label": e.label,
        "category": e.category,
        "date": _day(e.on),
        "year": e.year or None,
        "amount": _money(e.amount),
        "paid_by": e.paid_by,
        "key": e.key,
        "reimbursed": e.reimbursed,
        "shares_paid": sorted(e.shares_paid),
        "source": _where(e.where),
        "shares": {sh.member: _money(sh.amount) for sh in s.shares},
    }


def item_json(i: Item) -> dict[str, Any]:
    return {
        "source": i.source,
        "date": _day(i.on),
        "ref": i.ref or None,
        "partner_ref": i.partner_ref or None,
        "invoice": i.invoice or None,
        "label": i.label,
        "amount": _money(i.amount),
        "paid": _money(i.paid),
        "open": _money(i.open),
    }


def settlement_json(books: Books) -> dict[str, Any]:
    s = books.settlement
    return {
        "mode": s.mode.value,
        "statements": [
            {
                "debtor": st.debtor,
                "creditor": st.creditor,
                "owed": _money(st.owed),
                "items": [item_json(i) for i in st.items],
            }
            for st in s.statements
        ],
        "transfers": [
            {
                "from": t.debtor,
                "to": t.creditor,
                "amount": _money(t.amount),
                "pays": [item_json(i) for i in t.pays],
                "offsets": [item_json(i) for i in t.offsets],
            }
            for t in s.transfers
        ],
        "payments": [
            {
                "row": m.payment.where.row,
                "date": _day(m.payment.on),
                "from": m.payment.payer,
                "to": m.payment.payee,
                "amount": _money(m.payment.amount),
                "references": list(m.payment.references),
                "mode": m.payment.mode or None,
                "applied": [
                    {
                        "source": a.item.source,
                        "ref": a.item.ref or None,
                        "label": a.item.label,
                        "amount": _money(a.amount),
                    }
                    for a in m.applied
                ],
                "excess": _money(m.excess),
            }
            for m in s.payments
        ],
    }


def _year_json(y: OfficeYear) -> dict[str, Any]:
    return {
        "office": y.office or None,
        "turnover": _money(y.turnover),
        "previous": _money(y.previous),
        "change": None if y.change is None else str(y.change),
        "by_kind": {k: _money(v) for k, v in y.by_kind.items()},
        "previous_by_kind": {k: _money(v) for k, v in y.previous_by_kind.items()},
        "dossiers": y.dossiers,
        "previous_dossiers": y.previous_dossiers,
        "pax": y.pax,
        "previous_pax": y.previous_pax,
    }


def requests_json(book: RequestBook, *, office: str | None = None, late: bool = False) -> dict[str, Any]:
    """The requests followed up (no e-mail, no phone number: they stay in the requests tab); with
    `office` or `late`, only the open requests of that office, or the late ones."""
    every = office is None and not late
    lines = [
        line
        for line in book.lines
        if every or (line.is_open and office in (None, line.office) and (line.late or not late))
    ]
    return {
        "lines": [
            {
                "row": line.request.where.row,
                "id": line.request.key,
                "received": _day(line.request.received),
                "requester": line.request.requester,
                "structure": line.request.structure,
                "pax": line.request.pax,
                "stay": line.request.stay,
                "places": line.request.places,
                "suggested": line.routing.suggested,
                "suggested_because": explain(line.routing),
                "partners": list(line.routing.partners),
                "assigned": line.office,
                "assigned_by": None
                if line.office is None
                else "suggestion"
                if line.by_suggestion
                else "person",
                "status": line.request.status.value,
                "age_working_days": line.age,
                "late": line.late,
                "reply_working_days": line.reply_days,
                "dossier": line.dossier.ref if line.dossier else None,
            }
            for line in lines
        ],
        "funnel": [
            {
                "office": f.office,
                "year": f.year,
                "received": f.received,
                "answered": f.answered,
                "quoted": f.quoted,
                "confirmed": f.confirmed,
                "lost": sum(count for _, count in f.lost),
                "lost_by_reason": dict(f.lost),
                "dropped": f.dropped,
                "conversion": str(f.conversion) if f.conversion is not None else None,
                "median_reply_working_days": str(f.median_reply_days)
                if f.median_reply_days is not None
                else None,
            }
            for f in book.funnel
            if office is None or f.office == office
        ],
        "due_for_deletion": [r.where.row for r in book.expired],
    }


def books_json(books: Books) -> dict[str, Any]:
    board = books.dashboard
    extra = {"requests": requests_json(books.requests)} if books.requests.read else {}
    return {
        "as_of": _day(books.as_of),
        "members": [{"id": m.id, "name": m.name, "short": m.short} for m in books.members],
        "rows_read": books.rows_read,
        "dossiers": len(books.dossiers),
        "reconciliation": {
            "counts": books.status_counts(),
            "lines": [
                {
                    "buyer": line.buyer,
                    "seller": line.seller,
                    "statuses": [s.value for s in line.statuses],
                    "paired_by": line.paired_by,
                    "owed": _money(line.owed),
                    "explanation": line.explanation,
                    "purchase": dossier_json(line.purchase),
                    "sale": dossier_json(line.sale),
                }
                for line in books.reconciliation
            ],
        },
        "balances": [
            {
                "member": b.member,
                "receivable": _money(b.receivable),
                "payable": _money(b.payable),
                "net": _money(b.net),
                "by_source": {k: _money(v) for k, v in b.by_source.items()},
            }
            for b in books.balances
        ],
        "transfers": [
            {"from": t.debtor, "to": t.creditor, "amount": _money(t.amount)} for t in books.transfers
        ],
        "debts": [
            {
                "debtor": d.debtor,
                "creditor": d.creditor,
                "amount": _money(d.amount),
                "source": d.source,
                "label": d.label,
            }
            for d in books.debts
        ],
        "settlement": settlement_json(books),
        "margins": [
            {
                "office": m.office,
                "ref": m.ref,
                "partner": m.partner,
                "purchase": _money(m.purchase),
                "resale": _money(m.resale),
                "margin": _money(m.margin),
            }
            for m in books.margins
        ],
        "splits": [split_json(s) for s in books.splits],
        "turnover": {
            "current": {"start": _day(board.current.start), "end": _day(board.current.end)},
            "previous": {"start": _day(board.previous.start), "end": _day(board.previous.end)},
            "offices": [_year_json(y) for y in board.offices],
            "total": _year_json(board.total),
            "months": [
                {
                    "office": m.office,
                    "year": m.year,
                    "month": m.month,
                    "turnover": _money(m.turnover),
                    "days": _money(m.days),
                    "visits": _money(m.visits),
                    "dossiers": m.dossiers,
                    "pax": m.pax,
                }
                for m in board.months
            ],
        },
        "anomalies": [
            {
                "kind": a.kind.value,
                **(_where(a.where) or {}),
                "column": a.column,
                "value": a.value,
                "message": a.message,
                "office": a.office,
            }
            for a in books.anomalies
        ],
        **extra,
    }


def outcome_json(outcome: SyncOutcome) -> dict[str, Any]:
    return {
        "lotsync": __version__,
        "schema": SCHEMA_VERSION,
        "dry_run": outcome.dry_run,
        "written": outcome.written,
        "error": outcome.error,
        "shared": outcome.shared,
        "tabs_rewritten": outcome.report.rewritten if outcome.report else [],
        "tabs_unchanged": outcome.report.unchanged if outcome.report else [],
        "seconds": str(outcome.seconds),
        "api_calls": outcome.api_calls,
        "complete": outcome.complete,
        "gaps": [
            {"office": g.source or None, "reason": g.reason, "tabs": list(g.tabs)} for g in outcome.books.gaps
        ],
        "tabs_kept": outcome.stale_tabs,
        "notifications": [
            {
                "office": n.office,
                "request": n.key,
                "kind": n.kind,
                "status": n.status,
                "message_id": n.message_id,
                "error": n.error,
            }
            for n in outcome.notifications
        ],
        **books_json(outcome.books),
    }


def outcome_text(outcome: SyncOutcome) -> str:
    books = outcome.books
    names = {m.id: m.short for m in books.members}
    width = max(len(n) for n in names.values())
    lines = [french.SYNC_TITLE.format(day=core_french.long_date(books.as_of))]
    read = ", ".join(f"{names[m]} {n}" for m, n in books.rows_read.items())
    dossiers = core_french.plural(len(books.dossiers), french.SYNC_DOSSIER)
    lines.append(french.SYNC_ROWS_READ.format(read=read, dossiers=dossiers))
    counts = books.status_counts()
    detail = (
        ", ".join(f"{core_french.RECON_STATUSES[k].lower()} {v}" for k, v in counts.items())
        or french.SYNC_NO_RECONCILIATION
    )
    days = core_french.plural(len(books.reconciliation), french.SYNC_DAY)
    lines.append(french.SYNC_RECONCILIATION.format(days=days, detail=detail))
    if not books.complete:
        # Balances computed without an office are wrong money: they are not shown at all.
        lines.append(app_french.PARTIAL_SUMMARY.format(reasons=books.gap_reasons()))
        lines.append(french.PARTIAL_KEPT.format(tabs=", ".join(outcome.stale_tabs)))
    else:
        lines.append(french.SYNC_BALANCES)
        for b in books.balances:
            lines.append(f"  {names[b.member]:<{width}}  {core_french.money(b.net):>14}")
        if books.transfers:
            lines.append(french.SYNC_TRANSFERS[books.settlement.mode.value])
            lines += [
                f"  {names[t.debtor]} → {names[t.creditor]} : {core_french.money(t.amount)}"
                for t in books.transfers
            ]
        else:
            lines.append(tabs_french.SECTION_NO_TRANSFER)
    if books.anomalies:
        lines.append(
            french.SYNC_ANOMALIES_DETAIL.format(count=len(books.anomalies), tab=tabs_french.TAB_ANOMALIES)
        )
    else:
        lines.append(french.SYNC_ANOMALIES.format(count=len(books.anomalies)))
    if outcome.dry_run:
        lines.append(french.SYNC_DRY_RUN)
    elif outcome.error:
        lines.append(french.FAILED.format(error=outcome.error))
    elif outcome.report:
        rewritten = ", ".join(outcome.report.rewritten) or french.SYNC_NOTHING_REWRITTEN
        lines.append(
            french.SYNC_WRITTEN.format(
                shared=outcome.shared, rewritten=rewritten, journal=tabs_french.TAB_JOURNAL
            )
        )
    if outcome.notifications:
        statuses: dict[str, int] = {}
        for n in outcome.notifications:
            statuses[n.status] = statuses.get(n.status, 0) + 1
        lines.append(
            french.SYNC_NOTIFICATIONS.format(
                counts=french.SYNC_NOTIFICATION_SEPARATOR.join(
                    french.SYNC_NOTIFICATION_COUNT.format(status=app_french.NOTIFY_STATUSES[k], count=v)
                    for k, v in statuses.items()
                )
            )
        )
        lines += [
            french.SYNC_NOTIFICATION_FAILED.format(office=n.office, error=n.error)
            for n in outcome.notifications
            if n.failed
        ]
    if outcome.api_calls:
        detail = ", ".join(f"{name} {count}" for name, count in sorted(outcome.api_calls.items()))
        lines.append(french.SYNC_API_CALLS.format(total=sum(outcome.api_calls.values()), detail=detail))
    return "\n".join(lines)


# -- lotsync fees ---------------------------------------------------------------


def fees_json(
    config: Config, splits: list[Split], anomalies: list[Anomaly], year: int | None
) -> dict[str, Any]:
    totals = {m: Decimal("0.00") for m in config.member_ids}
    for s in splits:
        for share in s.shares:
            totals[share.member] += share.amount
    return {
        "year": year,
        "splits": [split_json(s) for s in splits],
        "totals": {m: f"{v:.2f}" for m, v in totals.items()},
        "anomalies": [
            {"kind": a.kind.value, "tab": a.where.tab, "row": a.where.row, "message": a.message}
            for a in anomalies
        ],
    }


def fees_text(config: Config, splits: list[Split], anomalies: list[Anomaly], year: int | None) -> str:
    names = {m.id: m.member().short for m in config.members}
    title = french.FEES_TITLE_YEAR.format(year=year) if year else french.FEES_TITLE
    lines = [title]
    totals = {m: Decimal("0.00") for m in config.member_ids}
    for s in splits:
        e = s.expense
        paid = french.FEES_REIMBURSED if e.reimbursed else french.FEES_TO_REIMBURSE
        lines.append(
            french.FEES_EXPENSE.format(
                label=e.label,
                year=e.year or french.FEES_NO_YEAR,
                amount=core_french.money(e.amount),
                paid_by=names[e.paid_by],
                key=e.key,
                paid=paid,
            )
        )
        for share in s.shares:
            totals[share.member] += share.amount
            lines.append(f"    {names[share.member]:<28} {core_french.money(share.amount):>14}")
    lines.append(french.FEES_TOTAL)
    lines += [f"    {names[m]:<28} {core_french.money(v):>14}" for m, v in totals.items()]
    if anomalies:
        lines.append(french.FEES_IGNORED.format(count=len(anomalies)))
    return "\n".join(lines)


def requests_text(books: Books, *, office: str | None = None, late: bool = False) -> str:
    """The open requests, late ones first, one line each, in French (no contact detail)."""
    names = {m.id: m.short for m in books.members}
    book = books.requests
    lines = [line for line in book.open_lines if office in (None, line.office) and (line.late or not late)]
    out = [
        french.REQUESTS_TITLE.format(
            count=len(lines),
            late=sum(1 for line in lines if line.late),
            as_of=core_french.short_date(books.as_of),
            days=book.reply_within,
        )
    ]
    for line in lines:
        request = line.request
        out.append(
            french.REQUESTS_LINE.format(
                row=request.where.row,
                received=core_french.short_date(request.received),
                age=line.age,
                late=french.REQUESTS_LATE if line.late else "",
                who=", ".join(part for part in (request.structure, request.requester) if part) or "—",
                pax=request.pax if request.pax is not None else "?",
                office=handled_by(line, names),
                status=request.status.value,
                why=explain(line.routing),
            )
        )
    if not lines:
        out.append(french.REQUESTS_NONE)
    if book.expired and office is None:
        out.append(
            french.REQUESTS_EXPIRED.format(
                count=len(book.expired),
                months=book.retention_months,
                rows=", ".join(str(r.where.row) for r in book.expired),
            )
        )
    return "\n".join(out)
