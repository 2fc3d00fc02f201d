"""The tabs lotsync writes into the shared spreadsheet, as plain typed rows.

Backends turn these into cells: `Decimal` is money (shown in euros), `Percent`
a ratio, `date` a date, `str` always text (never a formula, whatever it begins
with). The first line, the marker, is added by the backend with the time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from lotsync.core import french as core_french
from lotsync.core.books import Books, LastComplete
from lotsync.core.model import Balance, Expense, Item, Kind, Member, SettlementMode, Transfer, Where
from lotsync.core.places import explain
from lotsync.core.requests import RequestLine
from lotsync.tabs import french


class Percent(Decimal):
    """A ratio shown as a percentage (0.125 → 12,5 %)."""


class Quantity(Decimal):
    """A number that is not money (a duration in seconds)."""


class Row(NamedTuple):
    style: str
    """"title", "header", "data", "total" or "blank"."""
    cells: tuple[Any, ...]


class OutputTab(NamedTuple):
    name: str
    rows: list[Row]
    widths: tuple[int, ...] = ()
    keep: str | None = None
    """When set, the tab's figures are incomplete: only its first line becomes this text, and
    everything under it (the last complete figures) is left exactly as it is."""


def _title(text: str) -> Row:
    return Row("title", (text,))


def _header(*labels: str) -> Row:
    return Row("header", labels)


MAX_CELL_TEXT = 32_000
"""Excel refuses a file with a cell of more than 32,767 characters; a sheet's cell can be that long."""


def _fit(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[: MAX_CELL_TEXT - 1] + "…"
    return value


def _data(*cells: Any) -> Row:
    return Row("data", tuple(_fit(c) for c in cells))


def _total(*cells: Any) -> Row:
    return Row("total", cells)


_BLANK = Row("blank", ())


def _where(where: Where | None) -> tuple[str, str, int | None]:
    if where is None:
        return (french.WHERE_CONFIGURATION, "", None)
    return (where.spreadsheet, where.tab, where.row)


def _names(members: Sequence[Member]) -> dict[str, str]:
    return {m.id: m.short for m in members}


# -- Rapprochement ------------------------------------------------------------


def reconciliation_tab(books: Books) -> OutputTab:
    names = _names(books.members)
    rows = [_header(*french.RECON_HEADER)]
    for line in books.reconciliation:
        p, s = line.purchase, line.sale
        any_side = p or s
        assert any_side is not None
        rows.append(
            _data(
                ", ".join(core_french.RECON_STATUSES[st.value] for st in line.statuses),
                " ".join(st.value for st in line.statuses),
                names[line.buyer],
                names[line.seller],
                any_side.start,
                any_side.client,
                p.ref if p else None,
                s.ref if s else None,
                p.invoice if p else None,
                s.invoice if s else None,
                p.pax if p else None,
                s.pax if s else None,
                p.amount if p else None,
                s.amount if s else None,
                p.status.value if p else None,
                s.status.value if s else None,
                line.owed,
                line.explanation,
                *(_where(p.where) if p else (None, None, None)),
                *(_where(s.where) if s else (None, None, None)),
            )
        )
    widths = (24, 18, 18, 18, 12, 28, 14, 14, 14, 14, 8, 8, 14, 14, 12, 12, 12, 70, 18, 12, 8, 18, 12, 8)
    return OutputTab(core_french.TAB_RECONCILIATION, rows, widths)


# -- Soldes -------------------------------------------------------------------


def balances_tab(books: Books) -> OutputTab:
    """The balances, the statement of each debtor and creditor, the payments matched, and the
    transfers of the collective's mode, each with what it pays."""
    names = _names(books.members)
    rows = [
        _title(french.SECTION_BALANCES),
        _header(
            *french.BALANCES_HEADER,
            *(
                french.BALANCES_SOURCE.format(source=label.lower())
                for label in core_french.SOURCE_LABELS.values()
            ),
        ),
    ]
    for b in books.balances:
        rows.append(
            _data(
                names[b.member],
                b.receivable,
                b.payable,
                b.net,
                *(b.by_source[s] for s in core_french.SOURCE_LABELS),
            )
        )
    rows += _transfers(books, names)
    rows += _statements(books, names)
    rows += _payments(books, names)
    return OutputTab(core_french.TAB_BALANCES, rows, (26, 20, 16, 16, 22, 36, 16, 16, 16, 16))


def _transfers(books: Books, names: dict[str, str]) -> list[Row]:
    mode = books.settlement.mode
    rows = [_BLANK, _title(french.SECTION_TRANSFERS[mode.value])]
    if not books.transfers:
        return [*rows, _data(french.SECTION_NO_TRANSFER)]
    rows.append(_header(*french.TRANSFERS_HEADER, french.TRANSFER_PAYS))
    for t in books.transfers:
        if mode is SettlementMode.MINIMAL:
            pays = french.TRANSFER_PAYS_NETTED
        else:
            pays = french.TRANSFER_PAYS_ITEMS.format(items=_item_list(t.pays))
            if t.offsets:
                pays += french.TRANSFER_OFFSETS.format(
                    creditor=names[t.creditor], items=_item_list(t.offsets)
                )
        rows.append(_data(names[t.debtor], names[t.creditor], t.amount, pays))
    return rows


def _item_list(items: Sequence[Item]) -> str:
    return french.ITEM_LIST_SEPARATOR.join(_item_name(i) for i in items)


def _item_name(item: Item) -> str:
    """How a list names an item: its invoice, else its references or label, and its open amount."""
    name = item.invoice or (item.ref if item.source == "day" else item.label)
    return french.ITEM_NAMED.format(name=name, amount=core_french.money(item.open))


def _statements(books: Books, names: dict[str, str]) -> list[Row]:
    rows = [_BLANK, _title(french.SECTION_STATEMENTS)]
    if not books.settlement.statements:
        return [*rows, _data(french.NO_STATEMENT)]
    for statement in books.settlement.statements:
        rows += [
            _BLANK,
            _title(
                french.STATEMENT_TITLE.format(
                    debtor=names[statement.debtor], creditor=names[statement.creditor]
                )
            ),
            _header(*french.STATEMENT_HEADER),
        ]
        running = Decimal("0.00")
        for item in statement.items:
            running += item.open
            rows.append(
                _data(
                    item.on,
                    core_french.ITEM_SOURCES[item.source],
                    item.ref or None,
                    item.partner_ref or None,
                    item.invoice or None,
                    item.label,
                    item.amount,
                    item.paid,
                    item.open,
                    running,
                )
            )
        rows.append(
            _total(
                french.STATEMENT_OWED, None, None, None, None, None,
                sum((i.amount for i in statement.items), Decimal("0.00")),
                sum((i.paid for i in statement.items), Decimal("0.00")),
                statement.owed,
            )
        )  # fmt: skip
    return rows


def _payments(books: Books, names: dict[str, str]) -> list[Row]:
    if not books.settlement.payments:
        return []
    rows = [_BLANK, _title(french.SECTION_PAYMENTS), _header(*french.PAYMENTS_HEADER)]
    for matched in books.settlement.payments:
        p = matched.payment
        applied = french.ITEM_LIST_SEPARATOR.join(
            french.ITEM_NAMED.format(
                name=a.item.invoice or (a.item.ref if a.item.source == "day" else a.item.label),
                amount=core_french.money(a.amount),
            )
            for a in matched.applied
        )
        rows.append(
            _data(
                p.on,
                names[p.payer],
                names[p.payee],
                p.amount,
                "; ".join(p.references) or None,
                applied or None,
                matched.excess or None,
                p.mode or None,
                p.where.row,
            )
        )
    return rows


# -- Répartition --------------------------------------------------------------


def splits_tab(books: Books) -> OutputTab:
    names = _names(books.members)
    ids = [m.id for m in books.members]
    rows = [_header(*french.SPLITS_HEADER, *(names[m] for m in ids), *french.SPLITS_HEADER_END)]
    totals = dict.fromkeys(ids, Decimal("0.00"))
    grand = Decimal("0.00")
    for split in sorted(books.splits, key=lambda s: (s.expense.year, s.expense.on or date.min)):
        e = split.expense
        shares = {s.member: s.amount for s in split.shares}
        for m in ids:
            totals[m] += shares.get(m, Decimal("0.00"))
        grand += e.amount
        rows.append(
            _data(
                e.label,
                e.category,
                e.on,
                e.year or None,
                e.amount,
                names[e.paid_by],
                e.key,
                *(shares.get(m, Decimal("0.00")) for m in ids),
                _reimbursed(e, names),
                *_where(e.where),
            )
        )
    rows.append(_total(french.TOTAL, None, None, None, grand, None, None, *(totals[m] for m in ids)))
    return OutputTab(
        core_french.TAB_SPLITS, rows, (44, 16, 12, 8, 14, 18, 28, *(16 for _ in ids), 10, 18, 18, 8)
    )


def _reimbursed(expense: Expense, names: dict[str, str]) -> str:
    if expense.reimbursed:
        return french.YES
    if expense.shares_paid:
        return ", ".join(names[m] for m in names if m in expense.shares_paid)
    return french.NO


# -- Tableau de bord ----------------------------------------------------------


def dashboard_tab(books: Books) -> OutputTab:
    board = books.dashboard
    names = {**_names(books.members), "": french.COLLECTIVE}
    current, previous = board.current, board.previous
    rows = [
        _title(
            french.SECTION_YTD.format(
                start=core_french.short_date(current.start),
                as_of=core_french.short_date(current.end),
                previous=previous.start.year
                if previous.start.year == previous.end.year
                else f"{previous.start.year}-{previous.end.year}",
            )
        ),
        _header(*french.DASHBOARD_HEADER),
    ]
    for year in (*board.offices, board.total):
        change = year.change
        cells = (
            names[year.office],
            year.turnover,
            year.previous,
            Percent(change) if change is not None else None,
            year.by_kind[Kind.DAY],
            year.previous_by_kind[Kind.DAY],
            year.by_kind[Kind.VISIT],
            year.previous_by_kind[Kind.VISIT],
            year.dossiers,
            year.previous_dossiers,
            year.pax,
            year.previous_pax,
        )
        rows.append(_total(*cells) if year is board.total else _data(*cells))

    rows += [
        _BLANK,
        _title(french.SECTION_KIND),
        _header(french.OFFICE, *(k.value for k in Kind), french.TOTAL),
    ]
    for year in (*board.offices, board.total):
        kind_cells = (names[year.office], *(year.by_kind[k] for k in Kind), year.turnover)
        rows.append(_total(*kind_cells) if year is board.total else _data(*kind_cells))

    ids = [m.id for m in books.members]
    rows += [
        _BLANK,
        _title(french.SECTION_MONTHLY),
        _header(french.MONTH, *(names[m] for m in ids), *french.MONTHLY_HEADER_END),
    ]
    by_month: dict[tuple[int, int], dict[str, Any]] = {}
    for m in board.months:
        by_month.setdefault((m.year, m.month), {})[m.office] = m
    for (year_n, month), per_office in by_month.items():
        values = [per_office[o].turnover for o in ids]
        rows.append(
            _data(
                f"{core_french.month_name(month)} {year_n}",
                *values,
                sum(values, Decimal("0.00")),
                sum((per_office[o].days for o in ids), Decimal("0.00")),
                sum((per_office[o].visits for o in ids), Decimal("0.00")),
            )
        )
    if books.requests.read:
        rows += _dashboard_requests(books, names, ids)
    return OutputTab(core_french.TAB_DASHBOARD, rows, (24, *(18 for _ in range(11))))


def _dashboard_requests(books: Books, names: dict[str, str], ids: Sequence[str]) -> list[Row]:
    """Requests received since the start of the financial year, and how many became dossiers."""
    start, end = books.dashboard.current.start, books.dashboard.current.end
    lines = [line for line in books.requests.lines if start <= line.request.received <= end]
    rows = [
        _BLANK,
        _title(french.SECTION_DASHBOARD_REQUESTS.format(start=core_french.short_date(start))),
        _header(*french.DASHBOARD_REQUESTS_HEADER),
    ]
    for office in (*ids, None):
        mine = [line for line in lines if line.office == office]
        if office is None and not mine:
            continue
        converted = sum(1 for line in mine if line.converted)
        rows.append(
            _data(
                names[office] if office else french.UNASSIGNED,
                len(mine),
                converted,
                _rate(converted, len(mine)),
            )
        )
    total = sum(1 for line in lines if line.converted)
    rows.append(_total(french.TOTAL, len(lines), total, _rate(total, len(lines))))
    return rows


def _rate(part: int, whole: int) -> Percent | None:
    return Percent((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))) if whole else None


# -- Anomalies ----------------------------------------------------------------


def anomalies_tab(books: Books) -> OutputTab:
    names = _names(books.members)
    rows = [_header(*french.ANOMALY_HEADER)]
    for a in books.anomalies:
        rows.append(
            _data(
                a.where.spreadsheet,
                a.where.tab,
                a.where.row,
                a.column,
                a.value,
                core_french.ANOMALY_KINDS[a.kind.value],
                a.message,
                names.get(a.office or "", ""),
            )
        )
    return OutputTab(french.TAB_ANOMALIES, rows, (18, 18, 8, 18, 22, 30, 90, 18))


# -- Suivi des demandes -------------------------------------------------------


def handled_by(line: RequestLine, names: Mapping[str, str]) -> str:
    """Which office has a request, as the tab and `lotsync requests` show it: its short name,
    marked when only suggested, or that nobody has it yet."""
    if line.office is None:
        return french.NO_OFFICE
    if line.by_suggestion:
        return french.BY_SUGGESTION.format(office=names[line.office])
    return names[line.office]


def requests_tab(books: Books) -> OutputTab:
    """The open requests (late ones first) and the funnel; never an e-mail or a phone number."""
    names = _names(books.members)
    book = books.requests
    open_lines = book.open_lines
    rows = [
        _title(
            french.SECTION_OPEN_REQUESTS.format(
                as_of=core_french.short_date(books.as_of),
                count=len(open_lines),
                late=sum(1 for line in open_lines if line.late),
                days=book.reply_within,
            )
        ),
        _header(*french.OPEN_REQUESTS_HEADER),
    ]
    for line in open_lines:
        request, routing = line.request, line.routing
        office = handled_by(line, names)
        rows.append(
            _data(
                request.where.row,
                request.received,
                request.requester,
                request.structure,
                request.group_type,
                request.pax,
                request.wanted,
                request.duration,
                request.stay,
                request.places,
                names.get(routing.suggested or "", ""),
                explain(routing),
                ", ".join(names[p] for p in routing.partners),
                office,
                request.status.value,
                line.age,
                french.YES if line.late else french.NO,
                line.dossier.ref if line.dossier else request.dossier_ref,
            )
        )
    if not open_lines:
        rows.append(_data(french.NO_OPEN_REQUEST))
    rows += [_BLANK, _title(french.SECTION_FUNNEL), _header(*french.FUNNEL_HEADER)]
    for row in book.funnel:
        rows.append(
            _data(
                names[row.office] if row.office else french.UNASSIGNED,
                row.year,
                row.received,
                row.answered,
                row.quoted,
                row.confirmed,
                sum(count for _, count in row.lost),
                ", ".join(french.FUNNEL_REASON.format(reason=r, count=c) for r, c in row.lost),
                row.dropped,
                Percent(row.conversion) if row.conversion is not None else None,
                Quantity(row.median_reply_days) if row.median_reply_days is not None else None,
            )
        )
    if book.expired:
        rows += [
            _BLANK,
            _data(
                french.SECTION_EXPIRED.format(
                    count=len(book.expired),
                    months=book.retention_months,
                    rows=", ".join(str(r.where.row) for r in book.expired),
                )
            ),
        ]
    widths = (8, 12, 24, 28, 18, 8, 16, 14, 20, 32, 16, 40, 22, 20, 14, 12, 10, 14)
    return OutputTab(core_french.TAB_REQUESTS, rows, widths)


# -- Journal ------------------------------------------------------------------

JOURNAL_HEADER = french.JOURNAL_HEADER
"""The Journal's header (also how backends and the bench size the Journal)."""
JOURNAL_WIDTHS = (20, 12, 16, 14, 12, 12, 14, 40, 10, 60)


class JournalLine(NamedTuple):
    when: datetime
    outcome: str
    as_of: date
    sources: int
    rows: int
    anomalies: int
    lines: int
    rewritten: str
    seconds: Quantity
    detail: str

    def cells(self) -> tuple[Any, ...]:
        return tuple(self)


def journal_note(when: datetime, outcome: str, reference: str, detail: str) -> tuple[Any, ...]:
    """A Journal line that is not a sync's (a digest sent, say): its time, what happened, a reference
    in the "Date de référence" column, and the detail in the last one; the other columns empty."""
    blanks = ("",) * (len(JOURNAL_HEADER) - 4)
    return (when.isoformat(sep=" ", timespec="seconds"), outcome, reference, *blanks, detail)


def journal_tab(lines: Sequence[Sequence[Any]]) -> OutputTab:
    """The Journal as lotsync makes it when there is none: the header, then `lines`."""
    return OutputTab(
        french.TAB_JOURNAL,
        [Row("header", JOURNAL_HEADER), *(Row("data", tuple(c)) for c in lines)],
        JOURNAL_WIDTHS,
    )


RESULT_TABS: tuple[tuple[str, Callable[[Books], OutputTab]], ...] = (
    (core_french.TAB_RECONCILIATION, reconciliation_tab),
    (core_french.TAB_BALANCES, balances_tab),
    (core_french.TAB_SPLITS, splits_tab),
    (core_french.TAB_DASHBOARD, dashboard_tab),
    (french.TAB_ANOMALIES, anomalies_tab),
    (core_french.TAB_REQUESTS, requests_tab),
)
"""Every tab lotsync computes, in the order they appear in the spreadsheet, with its builder."""

OWNED_TABS: tuple[str, ...] = (*(name for name, _ in RESULT_TABS), french.TAB_JOURNAL)
"""Tabs of the shared spreadsheet that lotsync writes (results and Journal); it writes nowhere else."""


def result_tabs(books: Books) -> list[OutputTab]:
    """Every tab but the Journal, in the order they appear in the spreadsheet (`Suivi des demandes`
    only when there is a requests tab)."""
    return [
        build(books) for name, build in RESULT_TABS if name != core_french.TAB_REQUESTS or books.requests.read
    ]


def read_balances_tab(rows: Sequence[Sequence[Any]], members: Sequence[Member]) -> LastComplete | None:
    """The figures of a `Soldes` tab lotsync wrote (`balances_tab`), or None if it holds none.

    Used when this week's balances cannot be computed (an office's sheet unread): the digests
    then show the last complete ones, dated. Only a tab whose fingerprint matched (so nobody
    edited it) is ever read back; anything that does not read cleanly gives None.
    """
    from lotsync.tabs.owned import generated_on, holds_figures

    if not holds_figures(rows):
        return None
    since = generated_on(rows) or french.UNKNOWN_DATE
    ids = {m.short: m.id for m in members}
    sources = list(core_french.SOURCE_LABELS)
    balances: list[Balance] = []
    transfers: list[Transfer] = []
    section = ""
    try:
        for row in rows[1:]:
            cells = list(row) + [None] * 8
            first = cells[0]
            if first == french.BALANCES_HEADER[0] and cells[1] == french.BALANCES_HEADER[1]:
                section = "balances"
            elif first == french.TRANSFERS_HEADER[0] and cells[1] == french.TRANSFERS_HEADER[1]:
                section = "transfers"
            elif not isinstance(first, str) or not first:
                section = ""
            elif section == "balances" and first in ids:
                receivable, payable = _cents(cells[1]), _cents(cells[2])
                by_source = {s: _cents(cells[4 + i]) for i, s in enumerate(sources)}
                balances.append(Balance(ids[first], receivable, payable, by_source))
            elif section == "transfers" and first in ids and cells[1] in ids:
                transfers.append(Transfer(ids[first], ids[cells[1]], _cents(cells[2])))
            elif section in ("balances", "transfers"):
                section = ""
    except (TypeError, ValueError, ArithmeticError):
        return None
    if len(balances) != len(members):
        return None
    return LastComplete(since, balances, transfers)


def _cents(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("not a figure lotsync wrote")
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(Decimal("0.01"))
