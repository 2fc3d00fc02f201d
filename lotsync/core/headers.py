"""Finding the header row of a tab, even under a title block, and its columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lotsync.core import french
from lotsync.core.cells import FormulaError, normalize
from lotsync.core.model import Anomaly, AnomalyKind, Where

SCAN_ROWS = 30
"""How many rows from the top may hold titles, logos or notes above the header."""


@dataclass(frozen=True)
class Header:
    index: int
    """0-based index of the header row in the tab's rows."""
    columns: dict[str, int]
    """Field → 0-based column index."""
    labels: dict[str, str]
    """Field → the header as written in the sheet (for messages)."""

    @property
    def row(self) -> int:
        """The header's row number as the user sees it."""
        return self.index + 1


def synonym_table(synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Normalized header text → field."""
    table: dict[str, str] = {}
    for field, words in synonyms.items():
        for word in words:
            table.setdefault(normalize(word), field)
    return table


def find_header(
    rows: Sequence[Sequence[Any]],
    synonyms: Mapping[str, Sequence[str]],
    required: Sequence[str],
) -> Header | None:
    """The row among the first ones that names the most known fields.

    A row qualifies when it names every required field, or at least two fields
    (so that a missing required column is reported as such, not as "no header").
    """
    table = synonym_table(synonyms)
    best: Header | None = None
    for index, row in enumerate(rows[:SCAN_ROWS]):
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        for col, value in enumerate(row):
            if not isinstance(value, str):
                continue
            field = table.get(normalize(value))
            if field and field not in columns:
                columns[field] = col
                labels[field] = value.strip()
        if len(columns) < 2 and not all(f in columns for f in required):
            continue
        if best is None or len(columns) > len(best.columns):
            best = Header(index, columns, labels)
    return best


def header_anomalies(
    spreadsheet: str,
    tab: str,
    header: Header | None,
    synonyms: Mapping[str, Sequence[str]],
    required: Sequence[str],
    office: str | None = None,
) -> list[Anomaly]:
    """What stops a tab from being read at all: no header row, or a required column missing."""
    if header is None:
        columns = ", ".join(french.QUOTED.format(synonyms[f][0]) for f in required)
        message = french.MISSING_HEADER.format(rows=SCAN_ROWS, columns=columns)
        return [Anomaly(AnomalyKind.MISSING_HEADER, Where(spreadsheet, tab, 1), "", "", message, office)]
    return [
        Anomaly(
            AnomalyKind.MISSING_COLUMN,
            Where(spreadsheet, tab, header.row),
            synonyms[field][0],
            "",
            french.MISSING_COLUMN.format(
                column=synonyms[field][0],
                accepted=", ".join(french.QUOTED.format(s) for s in synonyms[field]),
            ),
            office,
        )
        for field in required
        if field not in header.columns
    ]


def label(header: Header | None, field: str, synonyms: Mapping[str, Sequence[str]]) -> str:
    """The header a message should name for a field: the sheet's own, else the default."""
    if header and field in header.labels:
        return header.labels[field]
    return synonyms[field][0]


def cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def is_blank_row(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def formula_errors(
    row: Sequence[Any], header: Header, synonyms: Mapping[str, Sequence[str]]
) -> list[tuple[str, FormulaError, str]]:
    """The fields whose cell in `row` shows a formula's error (`#DIV/0!`, `#N/A`…), in column order,
    each with its value and its French message.

    Each is an anomaly and the row is left out: a dossier whose amount is `#DIV/0!` has no amount,
    and one whose partner's reference is `#N/A` cannot be paired. An error in a column lotsync does
    not read is no one's concern here. A row without one costs a single pass in C over its types.
    """
    if FormulaError not in map(type, row):
        return []
    found = sorted(
        (col, field) for field, col in header.columns.items() if type(cell(row, col)) is FormulaError
    )
    return [
        (field, row[col], french.FORMULA_ERROR.format(value=row[col], column=label(header, field, synonyms)))
        for col, field in found
    ]
