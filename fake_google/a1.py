"""A1 notation, as the Sheets API reads and writes it.

`parse_a1` turns the text of a request into an `A1Range` without looking at any
spreadsheet; `workbook.resolve_range` then binds it to a tab and its grid size.
Indexes are 0-based and ends are exclusive, like the API's `GridRange`; `None`
means "open on that side" (`A:C` has no rows, `A2:C` no end row).

Supported: `Sheet1`, `'It''s here'`, `Sheet1!A1`, `Sheet1!A1:B2`, `A:C`, `1:3`,
`A2:C`, `A1:1`, reversed corners (`D4:A1`), `$` anchors, and references with no
tab name (they mean the first visible tab). Not supported: R1C1 and named ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fake_google.store import ApiError

MAX_COLUMN_LETTERS = 3
"""ZZZ, column 18278: the widest grid Google allows."""

_ENDPOINT = re.compile(r"\$?([A-Za-z]{0,3})\$?([0-9]*)")


@dataclass(frozen=True)
class A1Range:
    """A parsed range. `sheet` is None when the text named no tab.

    `bare` keeps a reference given without "!" (like `Sheet2` or `A1`): it may
    name a tab or a cell, which only the spreadsheet can tell.
    """

    sheet: str | None
    start_row: int | None = None
    start_col: int | None = None
    end_row: int | None = None
    end_col: int | None = None
    bare: str | None = None

    @property
    def whole_sheet(self) -> bool:
        return (self.start_row, self.start_col, self.end_row, self.end_col) == (None, None, None, None)


def parse_error(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}", "INVALID_ARGUMENT")


def column_index(letters: str) -> int:
    """'A' → 0, 'Z' → 25, 'AA' → 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def column_letters(index: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    letters = ""
    index += 1
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    return f"{column_letters(col)}{row + 1}"


def parse_a1(text: str) -> A1Range:
    """Parse `text`; raise Google's 400 "Unable to parse range" when it is not A1 notation."""
    if not text or not text.strip():
        raise parse_error(text)
    if text.startswith("'"):
        title, rest = _split_quoted(text)
        if rest == "":
            return A1Range(sheet=title)
        if not rest.startswith("!"):
            raise parse_error(text)
        return _with_reference(title, rest[1:], text)
    if "!" in text:
        title, reference = text.rsplit("!", 1)
        if not title:
            raise parse_error(text)
        return _with_reference(title, reference, text)
    try:
        cells = _parse_reference(text, text)
    except ApiError:
        return A1Range(sheet=text)
    return A1Range(None, *cells, bare=text)


def _split_quoted(text: str) -> tuple[str, str]:
    """`'It''s'!A1` → ("It's", "!A1")."""
    title: list[str] = []
    position = 1
    while position < len(text):
        char = text[position]
        if char == "'":
            if text[position + 1 : position + 2] == "'":
                title.append("'")
                position += 2
                continue
            return "".join(title), text[position + 1 :]
        title.append(char)
        position += 1
    raise parse_error(text)


def _with_reference(title: str, reference: str, text: str) -> A1Range:
    return A1Range(title, *_parse_reference(reference, text))


def _parse_reference(reference: str, text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """`A1:B2` → (start_row, start_col, end_row, end_col), ends exclusive."""
    parts = reference.split(":")
    if len(parts) > 2:
        raise parse_error(text)
    first = _parse_endpoint(parts[0], text)
    if len(parts) == 1:
        row, col = first
        if row is None or col is None:
            raise parse_error(text)
        return row, col, row + 1, col + 1
    second = _parse_endpoint(parts[1], text)
    return _corners(first, second, text)


def _parse_endpoint(endpoint: str, text: str) -> tuple[int | None, int | None]:
    """`B3` → (2, 1); `B` → (None, 1); `3` → (2, None)."""
    match = _ENDPOINT.fullmatch(endpoint)
    if match is None or not (match.group(1) or match.group(2)):
        raise parse_error(text)
    letters, digits = match.groups()
    row = int(digits) - 1 if digits else None
    if row is not None and row < 0:
        raise parse_error(text)
    col = column_index(letters) if letters else None
    return row, col


def _corners(
    first: tuple[int | None, int | None], second: tuple[int | None, int | None], text: str
) -> tuple[int | None, int | None, int | None, int | None]:
    """Order two endpoints into a box; a missing row or column leaves that side open."""
    (row1, col1), (row2, col2) = first, second
    if (row1 is None) != (row2 is None) and row1 is None:
        # `A:B5` is not A1 notation Google accepts; `A5:B` is (open rows).
        raise parse_error(text)
    if (col1 is None) != (col2 is None) and col1 is None:
        raise parse_error(text)
    start_row, end_row = _ordered(row1, row2)
    start_col, end_col = _ordered(col1, col2)
    return start_row, start_col, end_row, end_col


def _ordered(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    if a is None and b is None:
        return None, None
    if b is None:
        return a, None
    if a is None:
        return None, b + 1
    return min(a, b), max(a, b) + 1


_PLAIN_TITLE = re.compile(r"[^\W\d]\w*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


def quote_title(title: str) -> str:
    """A tab name as Google writes it in a range: bare when it can be, else quoted."""
    if _PLAIN_TITLE.fullmatch(title) and not _CELL_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def always_quoted(title: str) -> str:
    """Quoted whatever it is, as Google writes names in its grid-limit errors."""
    return "'" + title.replace("'", "''") + "'"


def format_box(title: str, top: int, left: int, bottom: int, right: int, *, quote: bool = False) -> str:
    """`Sheet1!A1:D4`, or `Sheet1!A1` for one cell. Ends are exclusive."""
    name = always_quoted(title) if quote else quote_title(title)
    start = cell_name(top, left)
    if bottom - top <= 1 and right - left <= 1:
        return f"{name}!{start}"
    return f"{name}!{start}:{cell_name(bottom - 1, right - 1)}"
