"""A digest as a mail: subject, HTML, plain text and the turnover chart, all in French.

The words and the layout live in the Jinja2 templates of `lotsync/adapters/templates/`;
this module only prepares what they show. HTML is autoescaped, so a client
named `<script>` stays text; the subject is one line whatever a sheet holds.
Jinja2 and matplotlib are imported on first use: `lotsync --help` stays fast.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from lotsync.adapters import french
from lotsync.core import french as core_french
from lotsync.core import places
from lotsync.core.digest import (
    ARRIVAL_DAYS,
    CollectiveDigest,
    CollectiveRequests,
    Fix,
    OfficeDigest,
    OfficeRequests,
    OpenRequest,
    PairTotal,
    RecentPayment,
    Week,
    owed_total,
)
from lotsync.core.model import Direction, Dossier, Item, Kind, SettlementMode, Transfer
from lotsync.core.requests import Funnel, Request
from lotsync.core.turnover import OfficeYear, Period

if TYPE_CHECKING:
    from jinja2 import Environment
    from matplotlib.typing import RcKeyType

CHART_SIZE = (480, 240)
"""The chart's size in pixels."""
_DPI = 100
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
_CID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_EMAIL = re.compile(r"[^\s<>()\[\]{},;:\"']+@[^\s<>()\[\]{},;:\"']+")
_PHONE = re.compile(
    r"(?<![\w+])(?:0[1-9](?:[\s.-]?\d{2}){4}"  # 05 65 53 20 65, 0565532065, 05.65.53.20.65
    r"|(?:\+|00)[1-9]\d{0,2}(?:[\s.-]?\(0\))?(?:[\s.-]?\d){6,12})(?!\w)"  # +33 (0)5 65 53 20 65
)


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str
    chart_png: bytes | None
    """None when the digest has no chart (a week with nothing to say)."""
    chart_cid: str
    """The chart's Content-ID without angle brackets; the HTML shows it as `cid:<chart_cid>`."""


# -- helpers the templates use -------------------------------------------------


def one_line(value: object) -> str:
    """A sheet's text on one line: no line break, tab or other control character survives."""
    return _SPACES.sub(" ", _LINE_BREAKS.sub(" ", str(value))).strip()


def is_web_link(link: str) -> bool:
    return link.startswith(("https://", "http://"))


def subject(collective: str, office: str, week: Week) -> str:
    text = french.DIGEST_SUBJECT.format(
        collective=one_line(collective), office=one_line(office), span=week_span(week)
    )
    return one_line(text)


def week_span(week: Week) -> str:
    return core_french.span(week.monday, week.sunday)


@cache
def environment() -> Environment:
    """HTML templates (`*.html.j2`) are autoescaped; text templates (`*.txt.j2`) are not."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("lotsync.adapters", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=core_french.money,
        long_date=core_french.long_date,
        short_date=core_french.short_date,
        day_month=core_french.day_month,
        percent=core_french.percent_change,
        integer=core_french.integer,
        plural=core_french.plural,
        rate=core_french.percent,
        decimal=core_french.decimal_number,
        one_line=one_line,
    )
    env.tests["web_link"] = is_web_link
    return env


def _render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)


# -- what the templates show ----------------------------------------------------


class Turnover(NamedTuple):
    """Turnover year to date against the same period last year, days and visits apart."""

    since: str
    """"1er janvier 2026"."""
    as_of: date | None
    year: str
    previous_year: str
    rows: list[tuple[str, Decimal, Decimal, Decimal | None]]
    """(label, this year, last year, change) for days, visits, everything else, and the total."""
    dossiers: int
    previous_dossiers: int
    pax: int
    previous_pax: int
    has_figures: bool


def _change(now: Decimal, then: Decimal) -> Decimal | None:
    return ((now - then) / then).quantize(Decimal("0.0001")) if then else None


def turnover_view(turnover: OfficeYear, year: Period | None, last_year: Period | None) -> Turnover:
    day, visit = Kind.DAY.value, Kind.VISIT.value
    now_days, then_days = (
        turnover.by_kind.get(day, Decimal(0)),
        turnover.previous_by_kind.get(day, Decimal(0)),
    )
    now_visits = turnover.by_kind.get(visit, Decimal(0))
    then_visits = turnover.previous_by_kind.get(visit, Decimal(0))
    now_other = turnover.turnover - now_days - now_visits
    then_other = turnover.previous - then_days - then_visits
    figures = zip(
        french.DIGEST_ROWS,
        (now_days, now_visits, now_other, turnover.turnover),
        (then_days, then_visits, then_other, turnover.previous),
        strict=True,
    )
    return Turnover(
        since=core_french.day_month(year.start) if year else french.DIGEST_YEAR_START,
        as_of=year.end if year else None,
        year=str(year.end.year) if year else french.DIGEST_THIS_YEAR,
        previous_year=str(last_year.end.year) if last_year else french.DIGEST_LAST_YEAR,
        rows=[(label, now, then, _change(now, then)) for label, now, then in figures],
        dossiers=turnover.dossiers,
        previous_dossiers=turnover.previous_dossiers,
        pax=turnover.pax,
        previous_pax=turnover.previous_pax,
        has_figures=bool(turnover.turnover or turnover.previous),
    )


class FixView(NamedTuple):
    title: str
    text: str
    spreadsheet: str
    tab: str
    row: int
    column: str
    link: str


def fix_view(fix: Fix) -> FixView:
    if fix.anomaly is not None:
        title = core_french.ANOMALY_KINDS.get(fix.anomaly.kind.value, fix.anomaly.kind.value)
        column = fix.anomaly.column
    elif fix.line is not None:
        title = ", ".join(core_french.RECON_STATUSES.get(s.value, s.value) for s in fix.line.statuses)
        column = ""
    else:
        title, column = french.DIGEST_TO_CHECK, ""
    return FixView(title, fix.text, fix.where.spreadsheet, fix.where.tab, fix.where.row, column, fix.link)


def _chart_cid(week: str, office: str | None = None) -> str:
    """`ca-2026-W48-cahors@lotsync`: unique per digest, and safe in a Content-ID header."""
    parts = [week] if office is None else [week, _CID_UNSAFE.sub("_", office)]
    return "ca-" + "-".join(parts) + "@lotsync"


def _dossier(digest: OfficeDigest, dossier: Dossier) -> dict[str, Any]:
    """A dossier and, for a day bought or sold, the partner it was bought from or sold to."""
    role = (
        "sold"
        if dossier.direction is Direction.SALE
        else "bought"
        if dossier.direction is Direction.PURCHASE
        else "direct"
    )
    return {"d": dossier, "role": role, "partner": digest.name(dossier.partner)}


Name = Callable[[str | None], str]
"""Office id → how the digest names it."""


def item_view(item: Item, office: str | None, name: Name) -> dict[str, Any]:
    """An item as a line: its date, what it is (kind, label, invoice, both references), its amount
    and what is still open; `office` is the reader (its own reference reads "votre réf.")."""
    what = [core_french.ITEM_SOURCES[item.source]]
    if item.label:
        what.append(item.label)
    if item.invoice and item.partner_invoice:
        what.append(french.DIGEST_INVOICES.format(invoice=item.invoice, other=item.partner_invoice))
    elif item.invoice:
        what.append(french.DIGEST_INVOICE.format(invoice=item.invoice))
    for who, ref in ((item.creditor, item.ref), (item.debtor, item.partner_ref)):
        if ref and who == office:
            what.append(french.DIGEST_YOUR_REF.format(ref=ref))
        elif ref:
            what.append(french.DIGEST_THEIR_REF.format(office=name(who), ref=ref))
    return {"on": item.on, "what": what, "amount": item.amount, "open": item.open}


def _open(items: Iterable[Item]) -> Decimal:
    return sum((i.open for i in items), Decimal("0.00"))


def transfer_view(t: Transfer, office: str | None, name: Name) -> dict[str, Any]:
    """A transfer, from the reader's side (`pays`: the reader is the debtor), with the items it pays
    and, in `pair` mode, those it sets off."""
    return {
        "pays": t.debtor == office,
        "debtor": name(t.debtor),
        "creditor": name(t.creditor),
        "partner": name(t.creditor if t.debtor == office else t.debtor),
        "amount": t.amount,
        "settles": [item_view(i, office, name) for i in t.pays],
        "settles_total": _open(t.pays),
        "offsets": [item_view(i, office, name) for i in t.offsets],
        "offsets_total": _open(t.offsets),
    }


def payment_view(p: RecentPayment, office: str | None, name: Name) -> dict[str, Any]:
    """A payment: who paid whom, when and how; what it settled and its excess, when known."""
    payment = p.payment
    applied = [] if p.matched is None else list(p.matched.applied)
    return {
        "on": payment.on,
        "outgoing": payment.payer == office,
        "payer": name(payment.payer),
        "payee": name(payment.payee),
        "amount": payment.amount,
        "mode": payment.mode,
        "references": list(payment.references),
        "row": payment.where.row,
        "tab": payment.where.tab,
        "known": p.matched is not None,
        "applied": [item_view(a.item, office, name) | {"applied": a.amount} for a in applied],
        "excess": p.matched.excess if p.matched is not None else Decimal("0.00"),
    }


def hide_contacts(text: str, request: Request | None = None) -> str:
    """A request's text without an e-mail address or a phone number: the requester's own (as typed
    in `E-mail` and `Téléphone`) and anything that looks like one, wherever it was typed (a digest
    is forwarded around; only the notification mail carries contact details)."""
    if request is not None:
        for contact in (request.email.strip(), request.phone.strip()):
            if contact:
                text = re.sub(re.escape(contact), french.DIGEST_CONTACT_HIDDEN, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(french.DIGEST_CONTACT_HIDDEN, text)
    return _PHONE.sub(french.DIGEST_CONTACT_HIDDEN, text)


def request_view(r: OpenRequest, name: Name) -> dict[str, Any]:
    """An open request as a line: who, what group, when, where, its status, age and row, and the
    office suggested for it and why. Never the requester's e-mail or phone (`hide_contacts`)."""
    line, request = r.line, r.line.request

    def shown(text: str) -> str:
        return hide_contacts(text, request)

    return {
        "number": shown(request.number),
        "structure": shown(request.structure),
        "requester": shown(request.requester),
        "group_type": shown(request.group_type),
        "pax": request.pax,
        "wanted": shown(request.wanted),
        "duration": shown(request.duration),
        "stay": shown(request.stay),
        "places": shown(request.places),
        "status": request.status.value,
        "received": request.received,
        "age": line.age,
        "late": line.late,
        "office": name(line.office),
        "by_suggestion": line.by_suggestion,
        "suggested": name(line.routing.suggested),
        "why": shown(places.explain(line.routing)),
        "partners": [name(p) for p in line.routing.partners],
        "dossier": line.dossier.ref if line.dossier is not None else "",
        "spreadsheet": request.where.spreadsheet,
        "tab": request.where.tab,
        "row": request.where.row,
        "link": r.link,
    }


def office_requests_view(requests: OfficeRequests | None, name: Name) -> dict[str, Any] | None:
    """The office's requests section; None when there is no requests tab (nothing is shown)."""
    if requests is None:
        return None
    return {
        "open": [request_view(r, name) for r in requests.open],
        "late": requests.late,
        "reply_within": requests.reply_within,
        "unread": requests.unread,
    }


def funnel_view(f: Funnel, name: Name) -> dict[str, Any]:
    """One office's year, from received to confirmed; `office` is "" for the requests no office has."""
    return {
        "office": name(f.office),
        "received": f.received,
        "answered": f.answered,
        "quoted": f.quoted,
        "confirmed": f.confirmed,
        "lost": sum(count for _, count in f.lost),
        "reasons": [(hide_contacts(reason), count) for reason, count in f.lost],
        "dropped": f.dropped,
        "conversion": f.conversion,
        "median": f.median_reply_days,
    }


def collective_requests_view(requests: CollectiveRequests | None, name: Name) -> dict[str, Any] | None:
    """The collective's requests section; None when there is no requests tab (nothing is shown)."""
    if requests is None:
        return None
    return {
        "unassigned": [request_view(r, name) for r in requests.unassigned],
        "late": [request_view(r, name) for r in requests.late],
        "funnel": [funnel_view(f, name) for f in requests.funnel],
        "received": sum(f.received for f in requests.funnel),
        "year": requests.year,
        "reply_within": requests.reply_within,
        "unread": requests.unread,
    }


def _settlement(
    mode: SettlementMode,
    stale: str | None,
    transfers: Iterable[Transfer],
    set_offs: Iterable[Transfer],
    payments: Iterable[RecentPayment],
    window: tuple[date, date] | None,
    office: str | None,
    name: Name,
) -> dict[str, Any]:
    """What the templates need to show the transfers of the mode and the payments of the window.

    `itemised`: the transfers carry their items (this week's books, `gross` or `pair` mode); the
    last complete figures shown while books are incomplete have none to show."""
    views = [transfer_view(t, office, name) for t in transfers]
    shown = list(payments)
    return {
        "mode": mode.value,
        "mode_note": french.DIGEST_MODE_NOTES[mode.value],
        "itemised": stale is None and mode is not SettlementMode.MINIMAL,
        "to_pay": [t for t in views if t["pays"]],
        "to_collect": [t for t in views if not t["pays"]],
        "set_offs": [transfer_view(t, office, name) for t in set_offs],
        "payments": [payment_view(p, office, name) for p in shown],
        "payments_total": sum((p.payment.amount for p in shown), Decimal("0.00")),
        "payments_span": core_french.span(*window) if window else "",
    }


def office_context(d: OfficeDigest, collective_name: str) -> dict[str, Any]:
    office = d.member.id
    last_arrival = d.week.monday + timedelta(days=ARRIVAL_DAYS - 1)
    shares = [
        {
            "label": f.split.expense.label,
            "fee": f.split.expense.fee,
            "payer": french.DIGEST_YOU
            if f.split.expense.paid_by == office
            else d.name(f.split.expense.paid_by),
            "total": f.split.expense.amount,
            "amount": f.share.amount,
            "settled": f.settled,
        }
        for f in d.fee_shares
    ]
    return {
        "collective": collective_name,
        "office": d.member.short,
        "office_name": d.member.name,
        "week_span": week_span(d.week),
        "empty": d.is_empty,
        "first": d.first,
        "new_dossiers": [_dossier(d, x) for x in d.new_dossiers],
        "arrivals": [_dossier(d, a.dossier) for a in d.arrivals],
        "arrivals_span": core_french.span(d.week.monday, last_arrival),
        "arrivals_end": last_arrival,
        "fixes": [fix_view(f) for f in d.fixes],
        "receivable": d.balance.receivable,
        "payable": d.balance.payable,
        "net": d.balance.net,
        "by_source": [
            (label, d.balance.by_source[key])
            for key, label in french.DIGEST_SOURCES.items()
            if d.balance.by_source.get(key)
        ],
        "transfers": [transfer_view(t, office, d.name) for t in d.transfers],
        "fee_year": d.week.monday.year,
        "shares": shares,
        "shares_due": owed_total(d.fee_shares),
        "turnover": turnover_view(d.turnover, d.year, d.last_year),
        "stale": d.stale,
        "turnover_unread": _unread(d.turnover_unread),
        "requests": office_requests_view(d.requests, d.name),
    } | _settlement(d.mode, d.stale, d.transfers, d.set_offs, d.payments, d.payments_window, office, d.name)


def _unread(reason: str | None) -> str | None:
    return french.DIGEST_TURNOVER_UNREAD.format(reason=reason) if reason else None


def collective_context(c: CollectiveDigest, collective_name: str) -> dict[str, Any]:
    def turnover_row(o: OfficeDigest) -> tuple[str, Decimal, Decimal, Decimal | None]:
        return (o.member.short, o.turnover.turnover, o.turnover.previous, o.turnover.change)

    return {
        "collective": collective_name,
        "week_span": week_span(c.week),
        "empty": c.is_empty,
        "arrivals_end": c.week.monday + timedelta(days=ARRIVAL_DAYS - 1),
        "offices": [
            {
                "name": o.member.short,
                "first": o.first,
                "new": len(o.new_dossiers),
                "arrivals": len(o.arrivals),
                "fixes": len(o.fixes),
                "net": o.balance.net,
                "due": owed_total(o.fee_shares),
            }
            for o in c.offices
        ],
        "transfers": [transfer_view(t, None, c.name) for t in c.transfers],
        "pairs": [pair_view(p, c.name) for p in c.pairs],
        "anomalies": c.anomalies,
        "problems": c.problems,
        "turnover": turnover_view(c.total, c.year, c.last_year),
        "by_office": [turnover_row(o) for o in c.offices if not o.turnover_unread],
        "stale": c.stale,
        "turnover_unread": _unread(c.turnover_unread),
        "requests": collective_requests_view(c.requests, c.name),
    } | _settlement(c.mode, c.stale, c.transfers, c.set_offs, c.payments, c.payments_window, None, c.name)


def pair_view(p: PairTotal, name: Name) -> dict[str, Any]:
    return {"debtor": name(p.debtor), "creditor": name(p.creditor), "count": p.items, "owed": p.owed}


# -- rendering ----------------------------------------------------------------------


def render_office(d: OfficeDigest, collective_name: str) -> Rendered:
    """The digest of one office: `[collective] office — récapitulatif de la semaine du …`."""
    title = subject(collective_name, d.member.short, d.week)
    return _rendered(
        "office", office_context(d, collective_name), title, _chart_cid(d.week.label, d.member.id)
    )


def render_collective(c: CollectiveDigest, collective_name: str) -> Rendered:
    """The summary of all offices, for the collective's own addresses."""
    title = subject(collective_name, french.DIGEST_ALL_OFFICES, c.week)
    return _rendered("collective", collective_context(c, collective_name), title, _chart_cid(c.week.label))


def _rendered(kind: str, context: dict[str, Any], title: str, cid: str) -> Rendered:
    view: Turnover = context["turnover"]
    png = None if context["empty"] or not view.has_figures or context["turnover_unread"] else chart_png(view)
    context |= {
        "subject": title,
        "chart": None if png is None else {"cid": cid, "alt": chart_alt(view)},
    }
    return Rendered(
        subject=title,
        text=_render(f"digest_{kind}.txt.j2", context),
        html=_render(f"digest_{kind}.html.j2", context),
        chart_png=png,
        chart_cid=cid,
    )


def chart_alt(view: Turnover) -> str:
    return french.CHART_ALT.format(start=view.since, year=view.year, previous=view.previous_year)


# -- the chart ------------------------------------------------------------------------

_NOW_COLOUR = "#1f6f8b"
_THEN_COLOUR = "#b9c4c9"
_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "svg.hashsalt": "lotsync",
    "path.simplify": True,
}


def chart_png(view: Turnover) -> bytes:
    """Three small panels (days, visits, total), each this year against last year, as a PNG.

    Each panel has its own scale: the total would otherwise flatten the visits. The same
    figures give the same bytes: no timestamp and no software version in the file."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    now_label = french.CHART_NOW.format(
        year=view.year, day=core_french.short_date(view.as_of)[:5] if view.as_of else "…"
    )
    then_label = french.CHART_THEN.format(year=view.previous_year)
    panels = [view.rows[0], view.rows[1], view.rows[3]]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(CHART_SIZE[0] / _DPI, CHART_SIZE[1] / _DPI), dpi=_DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(panels))
        for ax, title, (_, now, then, change) in zip(axes, french.CHART_BARS, panels, strict=True):
            amounts = [then, now]
            values = [float(a) for a in amounts]
            bars = ax.bar([0, 1], values, width=0.7, color=[_THEN_COLOUR, _NOW_COLOUR])
            top = max(values) or 1.0
            ax.set_ylim(0, top * 1.25)
            for bar, amount in zip(bars, amounts, strict=True):
                ax.annotate(
                    core_french.whole_euros(amount),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
            ax.set_title(f"{title}  {core_french.percent_change(change)}", fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
        fig.legend(
            handles=list(bars),
            labels=[then_label, now_label],
            loc="lower center",
            ncol=2,
            frameon=False,
            fontsize=9,
        )
        fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.14, wspace=0.15)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=_DPI, metadata={"Software": None})
    return out.getvalue()
