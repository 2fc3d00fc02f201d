"""The `Règlements` tab: transfers actually made from one office to another, one per row."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

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
)
from lotsync.core.dossiers import Sheet
from lotsync.core.headers import cell, find_header, formula_errors, header_anomalies, is_blank_row, label
from lotsync.core.model import Anomaly, AnomalyKind, Payment, Where

_REFERENCES = re.compile(r"[;\n]")


def split_references(text: str) -> tuple[str, ...]:
    """`F-12; CAH-26-001` → the references a payment names, in order (`;` or line breaks)."""
    return tuple(part.strip() for part in _REFERENCES.split(text) if part.strip())


def parse_payments(
    sheet: Sheet,
    synonyms: Mapping[str, Sequence[str]],
    required: Sequence[str],
    aliases: Mapping[str, str],
    members: Sequence[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[list[Payment], list[Anomaly]]:
    """Every valid row as a `Payment`, in sheet order; a bad row is an anomaly and is left out."""
    header = find_header(sheet.rows, synonyms, required)
    anomalies = list(header_anomalies(sheet.spreadsheet, sheet.tab, header, synonyms, required))
    if header is None or anomalies:
        return [], anomalies
    names = ", ".join(members)
    payments: list[Payment] = []
    for index in range(header.index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if is_blank_row(row):
            continue
        where = Where(sheet.spreadsheet, sheet.tab, index + 1)
        before = len(anomalies)

        def get(field: str, row: Sequence[Any] = row) -> Any:
            return cell(row, header.columns.get(field))

        def bad(kind: AnomalyKind, field: str, value: Any, message: str, where: Where = where) -> None:
            anomalies.append(Anomaly(kind, where, label(header, field, synonyms), as_text(value), message))

        if errors := formula_errors(row, header, synonyms):
            for field, value, message in errors:
                bad(AnomalyKind.MISSING_VALUE, field, value, message)
            continue

        def required_cell(field: str, row: Sequence[Any] = row) -> Any:
            raw = get(field, row)
            if is_blank(raw):
                bad(
                    AnomalyKind.MISSING_VALUE,
                    field,
                    "",
                    french.MISSING_VALUE.format(column=label(header, field, synonyms)),
                )
                return None
            return raw

        on = amount = None
        if (raw := required_cell("on")) is not None:
            try:
                on = parse_date(raw, limits=limits)
            except CellError as error:
                bad(
                    AnomalyKind.INVALID_DATE,
                    "on",
                    raw,
                    french.INVALID_CELL.format(value=as_text(raw), reason=error),
                )
        if (raw := required_cell("amount")) is not None:
            try:
                amount = parse_amount(raw, limits=limits)
            except CellError as error:
                negative = str(error) == french.CELL_NEGATIVE_AMOUNT  # a refund goes the other way
                message = (
                    french.NOT_POSITIVE_PAYMENT.format(value=as_text(raw))
                    if negative
                    else french.INVALID_CELL.format(value=as_text(raw), reason=error)
                )
                bad(AnomalyKind.INVALID_AMOUNT, "amount", raw, message)
            else:
                if amount <= 0:
                    bad(
                        AnomalyKind.INVALID_AMOUNT,
                        "amount",
                        raw,
                        french.NOT_POSITIVE_PAYMENT.format(value=as_text(raw)),
                    )
        offices: dict[str, str | None] = {}
        for field in ("payer", "payee"):
            offices[field] = None
            if (raw := required_cell(field)) is not None:
                offices[field] = aliases.get(normalize(raw))
                if offices[field] is None:
                    bad(
                        AnomalyKind.UNKNOWN_MEMBER,
                        field,
                        raw,
                        french.UNKNOWN_MEMBER.format(value=as_text(raw), members=names),
                    )
        payer, payee = offices["payer"], offices["payee"]
        if payer is not None and payer == payee:
            bad(
                AnomalyKind.SELF_PARTNER,
                "payee",
                get("payee"),
                french.SELF_PAYMENT.format(value=as_text(get("payee"))),
            )
        if len(anomalies) > before or on is None or amount is None or payer is None or payee is None:
            continue
        references = split_references(as_text(get("references")))
        columns = (label(header, "references", synonyms), label(header, "amount", synonyms))
        payments.append(Payment(on, payer, payee, amount, references, as_text(get("mode")), where, columns))
    return payments, anomalies
