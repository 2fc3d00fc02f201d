"""The tabs lotsync owns: how it recognises them and tells whether they need rewriting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lotsync import messages
from lotsync.outputs import OutputTab


def is_marked(rows: Sequence[Sequence[Any]]) -> bool:
    """True when the tab's first cell says lotsync generated it."""
    return bool(rows and rows[0] and isinstance(rows[0][0], str) and rows[0][0].startswith(messages.MARKER))


def foreign_tabs(tabs: dict[str, list[list[Any]]], owned: Sequence[str]) -> list[str]:
    """Tabs with an owned name that a person made: lotsync must not overwrite them."""
    return [name for name in owned if name in tabs and not is_marked(tabs[name])]


def foreign_refusal(book_name: str, tabs: dict[str, list[list[Any]]], owned: Sequence[str]) -> str | None:
    """Why nothing may be written when people made tabs with lotsync's names, or None."""
    foreign = foreign_tabs(tabs, owned)
    if not foreign:
        return None
    return messages.WRITE_REFUSED_FOREIGN.format(
        path=book_name, tabs=", ".join(f"« {t} »" for t in foreign), verb="a" if len(foreign) == 1 else "ont"
    )


def _plain(value: Any) -> Any:
    """A cell as a comparable value, whatever the backend returned for it."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return (
            value.date() if value.hour == value.minute == value.second == 0 else value.replace(microsecond=0)
        )
    if isinstance(value, date):
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    return str(value)


def plain_rows(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        cells = [_plain(v) for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return out


def unchanged(existing: Sequence[Sequence[Any]] | None, tab: OutputTab) -> bool:
    """Whether the existing tab (marker line included) already holds exactly this content."""
    if existing is None or not is_marked(existing):
        return False
    if tab.keep is not None:
        return existing[0][0] == tab.keep
    if is_stale(existing):
        return False  # the same figures again, but now complete: the first line must say so
    return plain_rows(existing[1:]) == plain_rows([row.cells for row in tab.rows])


_GENERATED_ON = re.compile(re.escape(messages.MARKER) + r" le (.+?)\.(?:\s|$)")


def is_stale(rows: Sequence[Sequence[Any]]) -> bool:
    """A tab of lotsync's that holds the last complete figures, not recomputed (see `OutputTab.keep`)."""
    return is_marked(rows) and f". {messages.STALE} " in rows[0][0]


def generated_on(rows: Sequence[Sequence[Any]]) -> str | None:
    """When lotsync last wrote complete figures in a tab, as its first line says."""
    if not is_marked(rows):
        return None
    found = _GENERATED_ON.match(rows[0][0])
    return found[1] if found else None


def holds_figures(rows: Sequence[Sequence[Any]]) -> bool:
    """A tab of lotsync's with figures under its first line (not the "not yet complete" placeholder)."""
    if not is_marked(rows) or len(rows) < 2:
        return False
    first = rows[1][0] if rows[1] else None
    return not (isinstance(first, str) and first.startswith(messages.NEVER_COMPLETE.split(" :")[0]))
