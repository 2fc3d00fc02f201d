"""An office's dossier tab → `Dossier` records, and an anomaly for every bad cell.

A row with any problem is left out of every computation (and reported); all
other rows go on. Rows are numbered as the user sees them in the sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from lotsync.core import french
from lotsync.core.cells import (
    DEFAULT_LIMITS,
    CellError,
    Limits,
    as_text,
    is_blank,
    normalize_text,
    parse_amount,
    parse_count,
    parse_date,
    ref_key,
)
from lotsync.core.headers import cell, find_header, formula_errors, header_anomalies, is_blank_row, label
from lotsync.core.layout import DOSSIER_REQUIRED
from lotsync.core.model import (
    Anomaly,
    AnomalyKind,
    Direction,
    Dossier,
    Kind,
    Member,
    Status,
    Where,
)


class Sheet(NamedTuple):
    """A tab's raw cell values as a backend read them, row 1 first."""

    spreadsheet: str
    tab: str
    rows: Sequence[Sequence[Any]]


class Words(NamedTuple):
    """Normalized word → canonical value, for the columns read by vocabulary."""

    status: Mapping[str, str]
    kind: Mapping[str, str]
    direction: Mapping[str, str]
    partner: Mapping[str, str]


class Parsed(NamedTuple):
    dossiers: list[Dossier]
    anomalies: list[Anomaly]
    duplicates: list[Dossier]
    """Rows left out because their reference is not unique (reconciliation lists them)."""
    rows: int
    """Non-blank rows under the header."""


def parse_dossiers(
    sheet: Sheet,
    office: str,
    synonyms: Mapping[str, Sequence[str]],
    words: Words,
    members: Sequence[Member],
    limits: Limits = DEFAULT_LIMITS,
) -> Parsed:
    """Every row of an office's tab: amounts, pax and dates beyond `limits` are anomalies."""
    header = find_header(sheet.rows, synonyms, DOSSIER_REQUIRED)
    anomalies: list[Anomaly] = []

    def report(kind: AnomalyKind, row: int, field: str | None, value: Any, message: str) -> None:
        column = label(header, field, synonyms) if field else ""
        anomalies.append(
            Anomaly(kind, Where(sheet.spreadsheet, sheet.tab, row), column, as_text(value), message, office)
        )

    anomalies.extend(
        header_anomalies(sheet.spreadsheet, sheet.tab, header, synonyms, DOSSIER_REQUIRED, office)
    )
    if header is None or anomalies:
        return Parsed([], anomalies, [], 0)

    col = header.columns.get
    c_ref, c_client, c_kind, c_start = col("ref"), col("client"), col("kind"), col("start")
    c_end, c_pax, c_status, c_amount = col("end"), col("pax"), col("status"), col("amount")
    c_partner, c_dir, c_pref, c_resale = col("partner"), col("direction"), col("partner_ref"), col("resale")
    c_invoice = col("invoice")
    member_names = ", ".join(m.id for m in members)
    status_of = {word: Status(value) for word, value in words.status.items()}
    direction_of = {word: Direction(value) for word, value in words.direction.items()}
    kind_of = {word: Kind(value) for word, value in words.kind.items()}
    dossiers: list[Dossier] = []
    rows = 0

    for index in range(header.index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if is_blank(cell(row, c_ref)) and is_blank_row(row):
            continue
        number = index + 1
        before = len(anomalies)
        rows += 1

        def bad(kind: AnomalyKind, field: str, value: Any, message: str, number: int = number) -> None:
            report(kind, number, field, value, message)

        if errors := formula_errors(row, header, synonyms):
            for field, value, message in errors:
                bad(AnomalyKind.MISSING_VALUE, field, value, message)
            continue

        def invalid(kind: AnomalyKind, field: str, value: Any, error: CellError) -> None:
            bad(kind, field, value, french.INVALID_CELL.format(value=as_text(value), reason=error))

        def optional(raw: Any, parser: Any, kind: AnomalyKind, field: str) -> Any:
            """The parsed value of a cell that may be blank (None), or None and an anomaly."""
            if is_blank(raw):
                return None
            try:
                return parser(raw, limits)
            except CellError as error:
                invalid(kind, field, raw, error)
                return None

        def missing_value(field: str) -> None:
            bad(
                AnomalyKind.MISSING_VALUE,
                field,
                "",
                french.MISSING_VALUE.format(column=label(header, field, synonyms)),
            )

        raw_ref = cell(row, c_ref)
        ref = as_text(raw_ref)
        if not ref:
            missing_value("ref")

        raw_start = cell(row, c_start)
        start = optional(raw_start, parse_date, AnomalyKind.INVALID_DATE, "start")
        if is_blank(raw_start):
            missing_value("start")

        raw_end = cell(row, c_end)
        end = optional(raw_end, parse_date, AnomalyKind.INVALID_DATE, "end")
        if end is not None and start is not None and end < start:
            bad(
                AnomalyKind.END_BEFORE_START,
                "end",
                raw_end,
                french.END_BEFORE_START.format(end=french.short_date(end), start=french.short_date(start)),
            )

        pax = optional(cell(row, c_pax), parse_count, AnomalyKind.INVALID_PAX, "pax")

        raw_status = cell(row, c_status)
        status = None
        if is_blank(raw_status):
            if c_status is not None:
                missing_value("status")
            else:
                status = Status.CONFIRMED
        else:
            found = status_of.get(normalize_text(as_text(raw_status)))
            if found is None:
                bad(
                    AnomalyKind.INVALID_STATUS,
                    "status",
                    raw_status,
                    french.INVALID_STATUS.format(value=as_text(raw_status)),
                )
            else:
                status = found

        raw_amount = cell(row, c_amount)
        amount = optional(raw_amount, parse_amount, AnomalyKind.INVALID_AMOUNT, "amount")
        if is_blank(raw_amount) and status is not None and status not in (Status.QUOTE, Status.CANCELLED):
            bad(AnomalyKind.MISSING_VALUE, "amount", "", french.MISSING_AMOUNT.format(status=status.value))

        resale = optional(cell(row, c_resale), parse_amount, AnomalyKind.INVALID_AMOUNT, "resale")

        raw_partner = cell(row, c_partner)
        partner = None
        if not is_blank(raw_partner):
            partner = words.partner.get(normalize_text(as_text(raw_partner)))
            if partner is None:
                bad(
                    AnomalyKind.UNKNOWN_PARTNER,
                    "partner",
                    raw_partner,
                    french.UNKNOWN_PARTNER.format(value=as_text(raw_partner), members=member_names),
                )
            elif partner == office:
                bad(
                    AnomalyKind.SELF_PARTNER,
                    "partner",
                    raw_partner,
                    french.SELF_PARTNER.format(value=as_text(raw_partner)),
                )
                partner = None

        raw_dir = cell(row, c_dir)
        direction = None
        if not is_blank(raw_dir):
            found_direction = direction_of.get(normalize_text(as_text(raw_dir)))
            if found_direction is None:
                bad(
                    AnomalyKind.INVALID_DIRECTION,
                    "direction",
                    raw_dir,
                    french.INVALID_DIRECTION.format(value=as_text(raw_dir)),
                )
            elif is_blank(raw_partner):
                bad(
                    AnomalyKind.MISSING_VALUE,
                    "partner",
                    "",
                    french.DIRECTION_WITHOUT_PARTNER.format(
                        value=as_text(raw_dir), column=label(header, "partner", synonyms)
                    ),
                )
            else:
                direction = found_direction
        elif partner is not None:
            bad(
                AnomalyKind.MISSING_DIRECTION,
                "direction",
                "",
                french.MISSING_DIRECTION.format(
                    partner=as_text(raw_partner), column=label(header, "direction", synonyms)
                ),
            )

        if len(anomalies) > before or status is None:  # no status without an anomaly, but mypy can't know
            continue
        kind_text = as_text(cell(row, c_kind))
        kind = kind_of.get(normalize_text(kind_text), Kind.OTHER) if kind_text else Kind.OTHER
        partner_ref = as_text(cell(row, c_pref)) or None
        dossiers.append(
            Dossier(
                office,
                ref,
                as_text(cell(row, c_client)),
                kind,
                start,
                end,
                pax,
                status,
                amount,
                partner,
                direction,
                partner_ref,
                resale,
                Where(sheet.spreadsheet, sheet.tab, number),
                as_text(cell(row, c_invoice)) or None,
            )
        )

    kept, left_out = _drop_duplicates(dossiers, anomalies, label(header, "ref", synonyms))
    return Parsed(kept, anomalies, left_out, rows)


def _drop_duplicates(
    dossiers: list[Dossier], anomalies: list[Anomaly], ref_label: str
) -> tuple[list[Dossier], list[Dossier]]:
    """A reference on two rows (whatever their case and surrounding spaces): both are reported
    and both are left out."""
    keys = [ref_key(d.ref) for d in dossiers]
    rows_by_ref: dict[str, list[Dossier]] = defaultdict(list)
    for key, d in zip(keys, dossiers, strict=True):
        rows_by_ref[key].append(d)
    duplicated = {key: ds for key, ds in rows_by_ref.items() if len(ds) > 1}
    if not duplicated:
        return dossiers, []
    for rows in duplicated.values():
        for d in rows:
            others = [str(o.where.row) for o in rows if o is not d]
            anomalies.append(
                Anomaly(
                    AnomalyKind.DUPLICATE,
                    d.where,
                    ref_label,
                    d.ref,
                    french.DUPLICATE.format(
                        value=d.ref, others=", ".join(others), s="s" if len(others) > 1 else ""
                    ),
                    d.office,
                )
            )
    kept = [d for key, d in zip(keys, dossiers, strict=True) if key not in duplicated]
    left_out = [d for key, d in zip(keys, dossiers, strict=True) if key in duplicated]
    return kept, left_out
