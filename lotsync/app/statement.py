"""`lotsync statement`: what one office's accountant keys in, item by item, and the margin statement.

An accountant does not key a net balance: each day sold is an invoice (titre) at the seller and a
payment order (mandat) at the buyer, each paid on its own (docs/domain.md, "Règlements"). So the
statement has one line per item the office pays or collects, with fixed columns (docs/commands.md)
that an import rule of a finance software can rely on, and the payments of `Règlements` matched to
each item. The margin statement lists the days the office bought with a resale price: the figures
the no-margin rule is about, the VAT treatment being the accountant's.

Everything here is read from the books of a sync (`compute_books`), never from the result tabs, and
nothing is written to the spreadsheets. The writers are plain functions returning bytes, text or a
JSON-ready dict; the command line decides where they go.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from lotsync.adapters.backends import Backend
from lotsync.adapters.config import Config
from lotsync.app import french
from lotsync.app.sync import default_backend, read_inputs
from lotsync.core import french as core_french
from lotsync.core.books import Books, Gap, compute_books
from lotsync.core.model import Direction, Item, Member, SettlementMode

ZERO = Decimal("0.00")
PAY, COLLECT = "pay", "collect"
"""An item's direction for the office: it is the debtor (pays) or the creditor (collects)."""

Value = str | date | Decimal | None
"""What a cell of the CSV or the workbook holds."""


# -- what the statements hold ---------------------------------------------------


class Period(NamedTuple):
    """Which items a statement shows: those of a financial year, or (no `year`) those dated since
    the current financial year began and every older one still open, as the `Soldes` statements."""

    start: date
    end: date | None
    """The last day of the financial year `year`; None without `year`."""
    year: int | None

    def holds(self, on: date, still_open: bool) -> bool:
        if self.end is None:
            return on >= self.start or still_open
        return self.start <= on <= self.end


def period(as_of: date, start_month: int, year: int | None) -> Period:
    """Financial year `year` is the one that begins in `year` (in `start_month`); without it, the
    financial year of `as_of` and what is still open from before."""
    if year is None:
        begins = as_of.year if as_of.month >= start_month else as_of.year - 1
        return Period(date(begins, start_month, 1), None, None)
    return Period(date(year, start_month, 1), date(year + 1, start_month, 1) - timedelta(days=1), year)


class PaymentPart(NamedTuple):
    """The part of one `Règlements` row that settled an item."""

    on: date
    row: int
    amount: Decimal
    mode: str


class Line(NamedTuple):
    """One item to pay or to collect, from the office's side."""

    office: str
    partner: str
    partner_name: str
    direction: str
    """`PAY` or `COLLECT`."""
    source: str
    """"day", "expense", "fee" or "refund" (`Item.source`)."""
    on: date
    ref: str
    """The office's own reference (its dossier, for a day)."""
    partner_ref: str
    """The partner's reference."""
    invoice: str
    """The seller's invoice number, else the buyer's."""
    other_invoice: str
    """The buyer's invoice number when it differs from the seller's (`invoice_mismatch`)."""
    label: str
    amount: Decimal
    paid: Decimal
    payments: tuple[PaymentPart, ...]
    paid_outside: Decimal
    """What is settled without a payment row: a day sold `soldé`, a share marked `Remboursé`."""

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid


class AccountStatement(NamedTuple):
    office: Member
    partner: Member | None
    as_of: date
    period: Period
    mode: SettlementMode
    lines: tuple[Line, ...]
    gaps: tuple[Gap, ...]
    """What could not be read and may be missing from this statement."""


class MarginLine(NamedTuple):
    office: str
    ref: str
    on: date
    client: str
    partner: str
    partner_name: str
    purchase: Decimal
    resale: Decimal

    @property
    def margin(self) -> Decimal:
        return self.resale - self.purchase


class MarginStatement(NamedTuple):
    office: Member
    partner: Member | None
    as_of: date
    period: Period
    lines: tuple[MarginLine, ...]
    gaps: tuple[Gap, ...]


def read_books(config: Config, as_of: date, backend: Backend | None = None) -> Books:
    """The books a sync would compute at `as_of`, read without writing anything or taking the lock."""
    inputs, _ = read_inputs(config, backend or default_backend(config))
    return compute_books(
        inputs, config.rules(requests=inputs.requests is not None or config.requests_configured), as_of
    )


def _key(item: Item) -> tuple[str, str, str, int]:
    """An item's identity, the same before and after the payments that settle it."""
    return item.debtor, item.creditor, item.source, item.order


def account_statement(books: Books, office: str, partner: str | None, chosen: Period) -> AccountStatement:
    """The office's items of the period, to pay first then to collect, by partner (in the members'
    order), then by date and sheet order; each with the payments matched to it."""
    members = {m.id: m for m in books.members}
    rank = {m.id: i for i, m in enumerate(books.members)}
    parts: dict[tuple[str, str, str, int], list[PaymentPart]] = defaultdict(list)
    for matched in books.settlement.payments:
        p = matched.payment
        for applied in matched.applied:
            parts[_key(applied.item)].append(PaymentPart(p.on, p.where.row, applied.amount, p.mode))
    found: list[tuple[tuple[int, int, date, int], Line]] = []
    for item in books.settlement.items:
        if office not in (item.debtor, item.creditor):
            continue
        pays = item.debtor == office
        other = item.creditor if pays else item.debtor
        if partner is not None and other != partner:
            continue
        if not chosen.holds(item.on, item.open > 0):
            continue
        matched_parts = tuple(parts.get(_key(item), ()))
        line = Line(
            office,
            other,
            members[other].name,
            PAY if pays else COLLECT,
            item.source,
            item.on,
            item.partner_ref if pays else item.ref,
            item.ref if pays else item.partner_ref,
            item.invoice,
            item.partner_invoice,
            item.label,
            item.amount,
            item.paid,
            matched_parts,
            item.paid - sum((p.amount for p in matched_parts), ZERO),
        )
        found.append(((0 if pays else 1, rank[other], item.on, item.order), line))
    lines = tuple(line for _, line in sorted(found, key=lambda pair: pair[0]))
    return AccountStatement(
        members[office],
        members[partner] if partner else None,
        books.as_of,
        chosen,
        books.settlement.mode,
        lines,
        # The shared tabs feed every statement; an office's sheet, the statements it is part of.
        _gaps(books, {"", office, partner} if partner else {"", *members}),
    )


def margin_statement(books: Books, office: str, partner: str | None, chosen: Period) -> MarginStatement:
    """The days the office bought with a resale price, dated in the financial year (without `year`,
    the current one: a margin is never "still open"), in sheet order. Only the office's own sheet
    feeds it."""
    if chosen.end is None:
        chosen = period(chosen.start, chosen.start.month, chosen.start.year)
    assert chosen.end is not None
    members = {m.id: m for m in books.members}
    bought = {d.where: d for d in books.dossiers if d.office == office and d.direction is Direction.PURCHASE}
    lines: list[MarginLine] = []
    for margin in books.margins:
        if margin.office != office or (partner is not None and margin.partner != partner):
            continue
        dossier = bought[margin.where]
        if not chosen.start <= dossier.start <= chosen.end:
            continue
        partner_name = members[margin.partner].name if margin.partner in members else margin.partner
        lines.append(
            MarginLine(
                office,
                margin.ref,
                dossier.start,
                dossier.client,
                margin.partner,
                partner_name,
                margin.purchase,
                margin.resale,
            )
        )
    return MarginStatement(
        members[office],
        members[partner] if partner else None,
        books.as_of,
        chosen,
        tuple(lines),
        _gaps(books, {office}),
    )


def _gaps(books: Books, sources: set[str]) -> tuple[Gap, ...]:
    """The gaps that concern a statement: its office's sheet, its partners', the shared tabs."""
    return tuple(g for g in books.gaps if g.source in sources)


# -- the fixed columns, for the CSV and the workbook ------------------------------


class Table(NamedTuple):
    """A statement as one header row and rows of typed values; `notes` go beside it (the workbook's
    second sheet), never inside the table, so that an import reads the same columns every time."""

    sheet: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    """Per column: "text", "date" or "money"."""
    widths: tuple[int, ...]
    rows: list[tuple[Value, ...]]
    notes: tuple[str, ...]


_STATEMENT_KINDS = ("text",) * 5 + ("date",) + ("text",) * 5 + ("money",) * 3 + ("text",)
_STATEMENT_WIDTHS = (11, 11, 36, 11, 17, 12, 16, 16, 14, 14, 36, 14, 14, 14, 50)
_MARGIN_KINDS = ("text", "text", "date", "text", "text", "text", "money", "money", "money")
_MARGIN_WIDTHS = (11, 14, 12, 36, 11, 36, 14, 14, 14)


def payments_cell(line: Line) -> str:
    """The payments that settled an item, as one cell: `450,00 € le 02/05/2026 (virement, ligne 2)`
    (the row of `Règlements`), and what a status settled (`soldé`, `Remboursé`)."""
    parts = [
        french.PAYMENT_PART.format(
            day=core_french.short_date(p.on),
            amount=core_french.money(p.amount),
            detail=(
                french.PAYMENT_MODE_ROW.format(mode=p.mode, row=p.row)
                if p.mode
                else french.PAYMENT_ROW.format(row=p.row)
            ),
        )
        for p in line.payments
    ]
    if line.paid_outside:
        outside = french.PAID_BY_SALE if line.source == "day" else french.PAID_BY_SHARE
        parts.append(outside.format(amount=core_french.money(line.paid_outside)))
    return french.PARTS_SEPARATOR.join(parts)


def statement_table(statement: AccountStatement) -> Table:
    rows: list[tuple[Value, ...]] = [
        (
            line.office,
            line.partner,
            line.partner_name,
            french.DIRECTIONS[line.direction],
            core_french.ITEM_SOURCES[line.source],
            line.on,
            line.ref,
            line.partner_ref,
            line.invoice,
            line.other_invoice,
            line.label,
            line.amount,
            line.paid,
            line.open,
            payments_cell(line),
        )
        for line in statement.lines
    ]
    notes = (_incomplete(french.STATEMENT_INCOMPLETE, statement.gaps),) if statement.gaps else ()
    return Table(
        french.STATEMENT_SHEET,
        french.STATEMENT_COLUMNS,
        _STATEMENT_KINDS,
        _STATEMENT_WIDTHS,
        rows,
        notes,
    )


def margin_table(statement: MarginStatement) -> Table:
    rows: list[tuple[Value, ...]] = [
        (m.office, m.ref, m.on, m.client, m.partner, m.partner_name, m.purchase, m.resale, m.margin)
        for m in statement.lines
    ]
    notes = (_incomplete(french.MARGIN_INCOMPLETE, statement.gaps),) if statement.gaps else ()
    return Table(
        french.MARGIN_SHEET,
        french.MARGIN_COLUMNS,
        _MARGIN_KINDS,
        _MARGIN_WIDTHS,
        rows,
        (*notes, french.MARGIN_RULE),
    )


def _incomplete(template: str, gaps: Sequence[Gap]) -> str:
    return template.format(reasons=" ; ".join(g.reason for g in gaps))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV cell as a formula (`=HYPERLINK(…)` typed as a label)."""


def _csv_cell(value: Value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money" and isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(table: Table) -> bytes:
    """The table as French spreadsheets and finance software import it: `;` between fields, a
    decimal comma and no thousands separator (`1234,50`), dates `JJ/MM/AAAA`, UTF-8 with a BOM
    (so that Excel reads the accents), CRLF line ends, the header row first and always the same.
    A text that would start a formula gets a leading `'`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_cell(v, k) for v, k in zip(row, table.kinds, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


MONEY_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"


def to_xlsx(table: Table) -> bytes:
    """The table as a workbook: real numbers with a euro format and real dates (so that sums and
    sorts work), text cells that stay text (even `=…`), the header row bold and frozen, the notes
    on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.sheet
    bold = Font(bold=True)
    for c, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=1, column=c, value=header)
        cell.font = bold
    for r, row in enumerate(table.rows, start=2):
        for c, (value, kind) in enumerate(zip(row, table.kinds, strict=True), start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if kind == "money":
                cell.number_format = MONEY_FORMAT
            elif kind == "date":
                cell.number_format = DATE_FORMAT
            else:
                cell.data_type = "s"  # a label typed `=HYPERLINK(…)` stays a label
    for c, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    if table.notes:
        notes = workbook.create_sheet(french.NOTES_SHEET)
        for r, note in enumerate(table.notes, start=1):
            notes.cell(row=r, column=1, value=note).data_type = "s"
        notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- JSON -------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _period_json(chosen: Period) -> dict[str, Any]:
    return {
        "year": chosen.year,
        "since": chosen.start.isoformat(),
        "until": chosen.end.isoformat() if chosen.end else None,
        "older_open": chosen.end is None,
    }


def _totals(lines: Sequence[Line]) -> dict[str, Any]:
    return {
        "count": len(lines),
        "amount": _money(sum((x.amount for x in lines), ZERO)),
        "paid": _money(sum((x.paid for x in lines), ZERO)),
        "open": _money(sum((x.open for x in lines), ZERO)),
    }


def statement_json(statement: AccountStatement) -> dict[str, Any]:
    """The statement as docs/commands.md documents it: codes (`pay`, `day`), ISO dates, amounts as
    strings with two decimals."""
    return {
        "office": statement.office.id,
        "partner": statement.partner.id if statement.partner else None,
        "as_of": statement.as_of.isoformat(),
        **_period_json(statement.period),
        "mode": statement.mode.value,
        "complete": not statement.gaps,
        "gaps": [g.reason for g in statement.gaps],
        "lines": [
            {
                "office": x.office,
                "partner": x.partner,
                "partner_name": x.partner_name,
                "direction": x.direction,
                "source": x.source,
                "date": x.on.isoformat(),
                "ref": x.ref,
                "partner_ref": x.partner_ref,
                "invoice": x.invoice,
                "other_invoice": x.other_invoice,
                "label": x.label,
                "amount": _money(x.amount),
                "paid": _money(x.paid),
                "open": _money(x.open),
                "payments": [
                    {"date": p.on.isoformat(), "row": p.row, "amount": _money(p.amount), "mode": p.mode}
                    for p in x.payments
                ],
                "paid_outside": _money(x.paid_outside),
            }
            for x in statement.lines
        ],
        "totals": {d: _totals([x for x in statement.lines if x.direction == d]) for d in (PAY, COLLECT)},
    }


def margins_json(statement: MarginStatement) -> dict[str, Any]:
    lines = statement.lines
    return {
        "office": statement.office.id,
        "partner": statement.partner.id if statement.partner else None,
        "as_of": statement.as_of.isoformat(),
        **_period_json(statement.period),
        "complete": not statement.gaps,
        "gaps": [g.reason for g in statement.gaps],
        "note": french.MARGIN_RULE,
        "margins": [
            {
                "office": m.office,
                "ref": m.ref,
                "date": m.on.isoformat(),
                "client": m.client,
                "partner": m.partner,
                "purchase": _money(m.purchase),
                "resale": _money(m.resale),
                "margin": _money(m.margin),
            }
            for m in lines
        ],
        "totals": {
            "count": len(lines),
            "purchase": _money(sum((m.purchase for m in lines), ZERO)),
            "resale": _money(sum((m.resale for m in lines), ZERO)),
            "margin": _money(sum((m.margin for m in lines), ZERO)),
        },
    }


# -- text ---------------------------------------------------------------------------


def _columns(rows: Sequence[Sequence[str]], right: set[int], indent: str = "  ") -> list[str]:
    """Rows of cells as aligned columns (amounts to the right), no trailing spaces."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        (
            indent
            + "  ".join(
                cell.rjust(widths[c]) if c in right else cell.ljust(widths[c]) for c, cell in enumerate(row)
            )
        ).rstrip()
        for row in rows
    ]


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _title(template: str, office: Member, partner: Member | None, as_of: date) -> str:
    return template.format(
        office=office.short,
        partner=french.STATEMENT_WITH.format(partner=partner.short) if partner else "",
        day=core_french.short_date(as_of),
    )


def _period_text(chosen: Period) -> str:
    if chosen.end is None:
        return french.STATEMENT_SINCE.format(start=core_french.short_date(chosen.start))
    return french.STATEMENT_YEAR.format(
        start=core_french.short_date(chosen.start), end=core_french.short_date(chosen.end)
    )


def statement_text(statement: AccountStatement, names: dict[str, str]) -> str:
    """A readable French statement: the gaps first, then per direction and partner a table of the
    items with their payments under each, a subtotal, and the totals to pay and to collect.
    `names` gives each member's short name."""
    out = [_title(french.STATEMENT_TITLE, statement.office, statement.partner, statement.as_of)]
    out.append(_period_text(statement.period))
    if statement.gaps:
        out.append(_incomplete(french.STATEMENT_INCOMPLETE, statement.gaps))
    if not statement.lines:
        return "\n".join([*out, "", french.STATEMENT_EMPTY])
    groups: dict[tuple[str, str], list[Line]] = {}
    for line in statement.lines:
        groups.setdefault((line.direction, line.partner), []).append(line)
    money = core_french.money
    for (direction, partner), lines in groups.items():
        title = french.STATEMENT_TO_PAY if direction == PAY else french.STATEMENT_TO_COLLECT
        count = core_french.plural(len(lines), french.STATEMENT_ITEM)
        out += ["", title.format(partner=names[partner], count=count)]
        table = [list(french.STATEMENT_TEXT_COLUMNS)]
        for x in lines:
            table.append(
                [
                    core_french.short_date(x.on),
                    core_french.ITEM_SOURCES[x.source],
                    x.ref,
                    x.partner_ref,
                    " / ".join(i for i in (x.invoice, x.other_invoice) if i),
                    _short(x.label),
                    money(x.amount),
                    money(x.paid),
                    money(x.open),
                ]
            )
        rendered = _columns(table, right={6, 7, 8})
        out.append(rendered[0])
        for x, text in zip(lines, rendered[1:], strict=True):
            out.append(text)
            if paid := payments_cell(x):
                out.append("      " + french.STATEMENT_PAID_BY.format(parts=paid))
        out.append("  " + _sum_text(french.STATEMENT_SUBTOTAL, lines))
    out.append("")
    for direction, template in ((PAY, french.STATEMENT_TOTAL_PAY), (COLLECT, french.STATEMENT_TOTAL_COLLECT)):
        out.append(_sum_text(template, [x for x in statement.lines if x.direction == direction]))
    return "\n".join(out)


def _sum_text(template: str, lines: Sequence[Line]) -> str:
    money = core_french.money
    return template.format(
        amount=money(sum((x.amount for x in lines), ZERO)),
        paid=money(sum((x.paid for x in lines), ZERO)),
        open=money(sum((x.open for x in lines), ZERO)),
    )


def margins_text(statement: MarginStatement, names: dict[str, str]) -> str:
    """The margin statement in French: one line per day bought and resold, the total, the rule."""
    out = [_title(french.MARGIN_TITLE, statement.office, statement.partner, statement.as_of)]
    start, end = statement.period.start, statement.period.end
    out.append(
        french.MARGIN_PERIOD.format(start=core_french.short_date(start), end=core_french.short_date(end))
    )
    if statement.gaps:
        out.append(_incomplete(french.MARGIN_INCOMPLETE, statement.gaps))
    out.append("")
    money = core_french.money
    if not statement.lines:
        out.append(french.MARGIN_EMPTY)
    else:
        table = [list(french.MARGIN_TEXT_COLUMNS)]
        for m in statement.lines:
            table.append(
                [
                    m.ref,
                    core_french.short_date(m.on),
                    _short(m.client),
                    names.get(m.partner, m.partner_name),
                    money(m.purchase),
                    money(m.resale),
                    money(m.margin),
                ]
            )
        rendered = _columns(table, right={4, 5, 6})
        out.append(rendered[0])
        for m, text in zip(statement.lines, rendered[1:], strict=True):
            out.append(text + (f"  {french.MARGIN_NOT_ZERO}" if m.margin else ""))
        out.append(
            "  "
            + french.MARGIN_TOTAL.format(
                purchase=money(sum((m.purchase for m in statement.lines), ZERO)),
                resale=money(sum((m.resale for m in statement.lines), ZERO)),
                margin=money(sum((m.margin for m in statement.lines), ZERO)),
            )
        )
    out += ["", french.MARGIN_RULE]
    return "\n".join(out)


def render(statement: AccountStatement | MarginStatement, output_format: str, names: dict[str, str]) -> bytes:
    """A statement in one of the formats of `lotsync statement` ("text", "csv", "xlsx", "json"), as
    the bytes to write; `names` gives each member's short name (for the text)."""
    if output_format in ("csv", "xlsx"):
        table = (
            margin_table(statement) if isinstance(statement, MarginStatement) else statement_table(statement)
        )
        return to_csv(table) if output_format == "csv" else to_xlsx(table)
    if output_format == "json":
        doc = margins_json(statement) if isinstance(statement, MarginStatement) else statement_json(statement)
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    text = (
        margins_text(statement, names)
        if isinstance(statement, MarginStatement)
        else statement_text(statement, names)
    )
    return (text + "\n").encode("utf-8")
