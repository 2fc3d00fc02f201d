"""The tabs lotsync owns: how it recognises them and tells whether they need rewriting."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, overload

from lotsync.core import french as core_french
from lotsync.tabs import french
from lotsync.tabs.results import OutputTab


def is_marked(rows: Sequence[Sequence[Any]]) -> bool:
    """True when the tab's first cell says lotsync generated it."""
    return bool(rows and rows[0] and isinstance(rows[0][0], str) and rows[0][0].startswith(french.MARKER))


def foreign_tabs(
    tabs: dict[str, list[list[Any]]], owned: Sequence[str], names: Sequence[str] = ()
) -> list[str]:
    """Tabs with an owned name that a person made: lotsync must not overwrite them. Names are
    compared without regard to case, as Google does: a person's `soldes` is a person's tab."""
    wanted = {t.casefold(): t for t in owned}
    found = [name for name in owned if name in tabs and not is_marked(tabs[name])]
    found += [n for n in names if n.casefold() in wanted and n not in wanted.values()]
    return found


def foreign_refusal(
    book_name: str, tabs: dict[str, list[list[Any]]], owned: Sequence[str], names: Sequence[str] = ()
) -> str | None:
    """Why nothing may be written when people made tabs with lotsync's names, or None."""
    foreign = foreign_tabs(tabs, owned, names)
    if not foreign:
        return None
    return french.WRITE_REFUSED_FOREIGN.format(
        path=book_name,
        tabs=", ".join(core_french.QUOTED.format(t) for t in foreign),
        verb=french.FOREIGN_VERB_ONE if len(foreign) == 1 else french.FOREIGN_VERB_MANY,
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
    new = plain_rows([row.cells for row in tab.rows])
    if isinstance(existing, StoredTab):
        return _content(_reprs(new)) == existing.content
    return plain_rows(existing[1:]) == new


class StoredTab(Sequence[Sequence[Any]]):
    """One of lotsync's tabs whose stored bytes are, to the byte, those lotsync last wrote (the
    backend compared them with the digest it kept): its first line, and the digest of what lies
    under it, are known without reading it. Its rows are read only when something asks for them,
    which a sync that changes nothing never does; no person can have edited it."""

    def __init__(self, first: str, content: str, load: Callable[[], Sequence[Sequence[Any]]]):
        self.first = first
        self.content = content
        """`fingerprint(rows)["content"]` of the rows under the first line."""
        self._load = load
        self._rows: Sequence[Sequence[Any]] | None = None

    @property
    def loaded(self) -> bool:
        """Whether its rows were read (they are once something asked for more than the first line)."""
        return self._rows is not None

    @property
    def rows(self) -> Sequence[Sequence[Any]]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows

    @overload
    def __getitem__(self, index: int) -> Sequence[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Sequence[Any]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int) and index == 0 and self._rows is None:
            return [self.first]
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return True  # it has its first line at least

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self.rows)

    def __repr__(self) -> str:
        return f"StoredTab({self.first!r}, {self.content!r}, loaded={self._rows is not None})"


_BEFORE_WHEN, _AFTER_WHEN = french.MARKER_LINE.split("{when}")
_GENERATED_ON = re.compile(re.escape(_BEFORE_WHEN) + "(.+?)" + re.escape(_AFTER_WHEN[0]) + r"(?:\s|$)")
"""The first line's date, in `MARKER_LINE` and in `STALE_MARKER` alike (both begin the same way)."""


def is_stale(rows: Sequence[Sequence[Any]]) -> bool:
    """A tab of lotsync's that holds the last complete figures, not recomputed (see `OutputTab.keep`)."""
    return is_marked(rows) and f". {french.STALE} " in rows[0][0]


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
    return not (isinstance(first, str) and first.startswith(french.NEVER_COMPLETE.split(" :")[0]))


# -- what lotsync last wrote: a fingerprint kept in the workbook ------------------------------------
#
# A tab's fingerprint is a short hash of each of its rows and of each of its columns, taken under
# the first line (which changes at every sync). A person's edit changes the hash of its row and of
# its column: comparing both names the cells, without keeping a copy of the tab. Its `content` is a
# strong hash of the whole: equal content means equal tabs, which short hashes cannot promise.


def _digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=4).hexdigest()


def _reprs(plain: Sequence[tuple[Any, ...]]) -> list[bytes]:
    return [repr(row).encode("utf-8") for row in plain]


def _content(reprs: Sequence[bytes]) -> str:
    """128 bits over every row (a row's repr never holds a raw line break: text in it is escaped)."""
    return hashlib.blake2b(b"\n".join(reprs), digest_size=16).hexdigest()


_EMPTY_COLUMN = _digest([])


def _columns(plain: Sequence[tuple[Any, ...]]) -> list[str]:
    width = max((len(r) for r in plain), default=0)
    return [
        _digest([(i, row[c]) for i, row in enumerate(plain) if c < len(row) and row[c] is not None])
        for c in range(width)
    ]


def fingerprint(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The fingerprint of a tab's content under its first line (as written, or as read back)."""
    plain = plain_rows(rows)
    reprs = _reprs(plain)
    return {
        "rows": [hashlib.blake2b(r, digest_size=4).hexdigest() for r in reprs],
        "columns": _columns(plain),
        "content": _content(reprs),
    }


def _merged(digests: Sequence[str], block: int) -> list[str]:
    """Row digests merged by runs of `block` rows: one digest a run."""
    if block <= 1:
        return list(digests)
    return [
        hashlib.blake2b("".join(digests[i : i + block]).encode("ascii"), digest_size=4).hexdigest()
        for i in range(0, len(digests), block)
    ]


_HEX8 = re.compile(r"(?:[0-9a-f]{8})*")


def fingerprint_text(known: Mapping[str, Any], budget: int) -> str:
    """A fingerprint as compact JSON of at most about `budget` characters, for a store that keeps
    little (Google's developer metadata): when one digest a row would not fit, rows are merged by
    runs (`block`), and an edit is then named by the run of rows it is in."""
    columns, content = "".join(known["columns"]), known["content"]
    room = max((budget - len(columns) - len(content) - 60) // 8, 1)
    block = max(1, -(-len(known["rows"]) // room))
    text = {"v": 1, "block": block, "rows": "".join(_merged(known["rows"], block))}
    return json.dumps({**text, "columns": columns, "content": content}, separators=(",", ":"))


def fingerprint_from_text(text: str | None) -> dict[str, Any] | None:
    """The fingerprint `fingerprint_text` wrote, or None for anything else (a value of an older
    lotsync, or one someone changed): no fingerprint, no hand edit named."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != 1:
        return None
    block, rows, columns, content = (data.get(k) for k in ("block", "rows", "columns", "content"))
    if not (isinstance(block, int) and block >= 1 and isinstance(content, str)):
        return None
    if not (isinstance(rows, str) and isinstance(columns, str)):
        return None
    if not (_HEX8.fullmatch(rows) and _HEX8.fullmatch(columns)):
        return None
    split = [rows[i : i + 8] for i in range(0, len(rows), 8)]
    return {"rows": split, "columns": [columns[i : i + 8] for i in range(0, len(columns), 8)],
            "content": content, "block": block}  # fmt: skip


def hand_edits(rows: Sequence[Sequence[Any]], known: Mapping[str, Any]) -> list[str]:
    """The cells (A1 notation, row numbers as people see them) that differ from what lotsync
    wrote, given the tab's rows under its first line and the fingerprint kept at the last write.
    A fingerprint whose rows were merged by runs (`block`) names the run: `D5:D7`, `lignes 5 à 7`."""
    plain = plain_rows(rows)
    if known.get("content") and _content(_reprs(plain)) == known["content"]:
        return []
    block = known.get("block", 1) if isinstance(known.get("block"), int) else 1
    now = {"rows": _merged([_digest(r) for r in plain], block), "columns": _columns(plain)}

    def differing(axis: str) -> list[int]:
        old, new = list(known.get(axis, [])), now[axis]
        blank = _EMPTY_COLUMN if axis == "columns" else None
        return [
            i
            for i in range(max(len(old), len(new)))
            if (old[i] if i < len(old) else blank) != (new[i] if i < len(new) else blank)
        ]

    rows_changed, columns_changed = differing("rows"), differing("columns")
    if not rows_changed:
        return []
    if block <= 1:
        if not columns_changed:  # a whole row deleted or moved, say: name the rows
            return [french.HAND_EDIT_ROW.format(row=r + 2) for r in rows_changed]
        return [f"{_letters(c)}{r + 2}" for r in rows_changed for c in columns_changed]
    runs = [(b * block + 2, max(min((b + 1) * block, len(plain)), b * block + 1) + 1) for b in rows_changed]
    if not columns_changed:
        return [french.HAND_EDIT_ROWS.format(first=first, last=last) for first, last in runs]
    return [
        f"{_letters(c)}{first}" + (f":{_letters(c)}{last}" if last > first else "")
        for first, last in runs
        for c in columns_changed
    ]


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class WritePlan(NamedTuple):
    """What a write does to lotsync's tabs, decided once for every backend (`write_plan`)."""

    rewrite: tuple[OutputTab, ...]
    """Tabs to write: whole, or only their first line when `keep` is set."""
    unchanged: tuple[str, ...]
    """Tabs that already hold exactly this content: left alone."""

    @property
    def rewritten(self) -> list[str]:
        return [tab.name for tab in self.rewrite]


def write_plan(
    existing: Mapping[str, Sequence[Sequence[Any]]],
    tabs: Sequence[OutputTab],
    as_stored: Callable[[OutputTab], OutputTab] = lambda tab: tab,
) -> WritePlan:
    """Which tabs a write rewrites and which it leaves: `as_stored` gives a tab as the backend
    will read it back (Google returns dates as serial numbers), so that equal means equal."""
    rewrite, same = [], []
    for tab in tabs:
        if unchanged(existing.get(tab.name), as_stored(tab)):
            same.append(tab.name)
        else:
            rewrite.append(tab)
    return WritePlan(tuple(rewrite), tuple(same))


def fingerprints_after(
    existing: Mapping[str, Sequence[Sequence[Any]]], plan: WritePlan, kept: Mapping[str, Any] | None = None
) -> dict:
    """What to keep in the workbook after carrying out `plan`: each tab's fingerprint as it will be.

    An unchanged tab keeps the fingerprint `kept` holds for it (the write was refused if a person
    had changed it), which spares hashing it again: at 100,000 rows that is most of a sync that
    changes nothing."""
    known = (kept or {}).get("tabs") or {} if (kept or {}).get("version") == 1 else {}
    found = {
        name: known[name]
        if isinstance(known.get(name), Mapping)
        else fingerprint((existing.get(name) or [])[1:])
        for name in plan.unchanged
    }
    for tab in plan.rewrite:
        before = existing.get(tab.name)
        if (
            tab.keep is not None
            and isinstance(before, StoredTab)
            and isinstance(known.get(tab.name), Mapping)
        ):
            found[tab.name] = known[tab.name]  # only its first line changes
        elif tab.keep is not None:
            found[tab.name] = fingerprint(before[1:] if before else [])
        else:
            found[tab.name] = fingerprint([row.cells for row in tab.rows])
    return {"version": 1, "tabs": found}


def edited_by_hand(
    existing: Mapping[str, Sequence[Sequence[Any]]], kept: Mapping[str, Any] | None
) -> list[tuple[str, list[str]]]:
    """lotsync's tabs that a person changed since lotsync wrote them, with the cells changed."""
    known = (kept or {}).get("tabs") or {}
    found = []
    for name, fp in known.items():
        rows = existing.get(name)
        if rows is None or isinstance(rows, StoredTab) or not is_marked(rows) or not isinstance(fp, Mapping):
            continue
        cells = hand_edits(rows[1:], fp)
        if cells:
            found.append((name, cells))
    return found


def hand_edit_refusal(book_name: str, edits: Sequence[tuple[str, list[str]]], saved_by: str | None) -> str:
    """Why nothing was written: which tabs and cells a person changed, and what to do."""
    shown = french.HAND_EDIT_TABS_SEPARATOR.join(
        french.HAND_EDIT_TAB.format(tab=tab, cells=", ".join(cells[:8]) + (" …" if len(cells) > 8 else ""))
        for tab, cells in edits
    )
    who = french.HAND_EDIT_WHO.format(who=saved_by) if saved_by else ""
    first = edits[0][0]
    return french.HAND_EDIT_REFUSED.format(path=book_name, tabs=shown, who=who, tab=first)
