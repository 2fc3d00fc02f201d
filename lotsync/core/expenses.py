"""Shared costs: the `Dépenses communes` and `Cotisations` tabs, and fees from the configuration."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from lotsync.core import french
from lotsync.core.cells import (
    DEFAULT_LIMITS,
    CellError,
    Limits,
    as_text,
    is_blank,
    normalize,
    parse_amount,
    parse_date,
    parse_flag,
)
from lotsync.core.dossiers import Sheet
from lotsync.core.headers import cell, find_header, formula_errors, header_anomalies, is_blank_row, label
from lotsync.core.layout import EQUAL_SPLIT_WORDS
from lotsync.core.model import Anomaly, AnomalyKind, Expense, Where
from lotsync.core.split import SplitKeyError, resolve_key

_YEAR = re.compile(r"[0-9]{4}")


class KeyContext(NamedTuple):
    """What is needed to read a split key and a payer: members, named keys, aliases."""

    members: Sequence[str]
    named: Mapping[str, Mapping[str, Decimal]]
    aliases: Mapping[str, str]


def parse_expenses(
    sheet: Sheet,
    synonyms: Mapping[str, Sequence[str]],
    required: Sequence[str],
    context: KeyContext,
    *,
    fees: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[Expense], list[Anomaly]]:
    """Rows of a shared-costs tab; `fees=True` reads the `Cotisations` layout (a year per row).
    Amounts and dates beyond `limits` are anomalies."""
    header = find_header(sheet.rows, synonyms, required)
    anomalies: list[Anomaly] = []

    def report(kind: AnomalyKind, row: int, field: str | None, value: Any, message: str) -> None:
        column = label(header, field, synonyms) if field else ""
        anomalies.append(
            Anomaly(kind, Where(sheet.spreadsheet, sheet.tab, row), column, as_text(value), message)
        )

    anomalies.extend(header_anomalies(sheet.spreadsheet, sheet.tab, header, synonyms, required))
    if header is None or anomalies:
        return [], anomalies

    col = header.columns.get
    amount_of = partial(parse_amount, limits=limits)
    date_of = partial(parse_date, limits=limits)
    members = ", ".join(context.members)
    keys = ", ".join(context.named) or "aucune"
    expenses: list[Expense] = []
    for index in range(header.index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if is_blank_row(row):
            continue
        number = index + 1
        before = len(anomalies)

        def bad(kind: AnomalyKind, field: str, value: Any, message: str, number: int = number) -> None:
            report(kind, number, field, value, message)

        def get(field: str, row: Sequence[Any] = row) -> Any:
            return cell(row, col(field))

        if errors := formula_errors(row, header, synonyms):
            for field, value, message in errors:
                bad(AnomalyKind.MISSING_VALUE, field, value, message)
            continue

        label_text = as_text(get("label"))
        amount = _read(
            get("amount"),
            amount_of,
            "amount",
            AnomalyKind.INVALID_AMOUNT,
            bad,
            column=label(header, "amount", synonyms),
        )
        on = None
        year = None
        if fees:
            raw_year = get("year")
            year_text = as_text(raw_year)
            if _YEAR.fullmatch(year_text) and 2000 <= int(year_text) <= 2100:
                year = int(year_text)
            else:
                bad(
                    AnomalyKind.INVALID_DATE,
                    "year",
                    raw_year,
                    french.INVALID_CELL.format(value=as_text(raw_year), reason=french.CELL_NOT_A_YEAR),
                )
            label_text = label_text or f"{french.FEE_CATEGORY} {year}"
        else:
            on = _read(
                get("on"),
                date_of,
                "on",
                AnomalyKind.INVALID_DATE,
                bad,
                column=label(header, "on", synonyms),
            )
            year = on.year if on else None
            if not label_text:
                bad(
                    AnomalyKind.MISSING_VALUE,
                    "label",
                    "",
                    french.MISSING_VALUE.format(column=label(header, "label", synonyms)),
                )

        raw_payer = get("paid_by")
        payer = context.aliases.get(normalize(as_text(raw_payer))) if not is_blank(raw_payer) else None
        if is_blank(raw_payer):
            bad(
                AnomalyKind.MISSING_VALUE,
                "paid_by",
                "",
                french.MISSING_VALUE.format(column=label(header, "paid_by", synonyms)),
            )
        elif payer is None:
            bad(
                AnomalyKind.UNKNOWN_MEMBER,
                "paid_by",
                raw_payer,
                french.UNKNOWN_MEMBER.format(value=as_text(raw_payer), members=members),
            )

        key_text = as_text(get("key")) or EQUAL_SPLIT_WORDS[0]
        try:
            resolve_key(key_text, context.members, context.named, context.aliases)
        except SplitKeyError:
            bad(
                AnomalyKind.INVALID_SPLIT,
                "key",
                key_text,
                french.INVALID_SPLIT.format(value=key_text, keys=keys),
            )

        raw_flag = get("reimbursed")
        reimbursed, shares_paid = False, frozenset[str]()
        if not is_blank(raw_flag):
            try:
                reimbursed = parse_flag(raw_flag)
            except CellError:
                shares_paid = _paid_shares(as_text(raw_flag), context.aliases)
                if not shares_paid:
                    bad(
                        AnomalyKind.INVALID_FLAG,
                        "reimbursed",
                        raw_flag,
                        french.INVALID_PAID_SHARES.format(value=as_text(raw_flag), members=members),
                    )

        if len(anomalies) > before or amount is None or payer is None:
            continue
        category = french.FEE_CATEGORY if fees else as_text(get("category"))
        expenses.append(
            Expense(
                label_text,
                amount,
                payer,
                key_text,
                category,
                on,
                year or 0,
                bool(reimbursed),
                Where(sheet.spreadsheet, sheet.tab, number),
                fee=fees,
                shares_paid=shares_paid,
            )
        )
    return expenses, anomalies


_LIST = re.compile(r"[;,\n]")


def _paid_shares(text: str, aliases: Mapping[str, str]) -> frozenset[str]:
    """`cahors; OT Figeac` → the members named (by id, name or alias); empty if one is unknown."""
    words = [w for w in _LIST.split(text) if w.strip()]
    found = [aliases.get(normalize(w)) for w in words]
    return frozenset(m for m in found if m) if words and all(found) else frozenset()


def _read(
    raw: Any,
    parser: Any,
    field: str,
    kind: AnomalyKind,
    bad: Any,
    *,
    optional: bool = False,
    message: str | None = None,
    column: str = "",
) -> Any:
    if is_blank(raw):
        if not optional:
            bad(AnomalyKind.MISSING_VALUE, field, "", french.MISSING_VALUE.format(column=column))
        return None
    try:
        return parser(raw)
    except CellError as error:
        text = as_text(raw)
        bad(kind, field, raw, (message or french.INVALID_CELL).format(value=text, reason=error))
        return None


def fee_expenses(fees: Sequence[Any]) -> list[Expense]:
    """Fees from the configuration (`[[fees]]`) as shared costs with no sheet row."""
    return [
        Expense(
            f.name,
            f.amount,
            f.paid_by,
            f.key,
            french.FEE_CATEGORY,
            f.on or date(f.year, 1, 1),
            f.year,
            f.reimbursed,
            None,
            fee=True,
        )
        for f in fees
    ]
