"""Damaged workbooks, thrown by the hundred at `XlsxBackend().read`: rows or a SourceError, nothing else.

Hypothesis damages a real demo workbook (`lotsync.app.demo.write_demo`) at the byte level (cut short,
bytes flipped) and inside its zip, in the sheet's XML: odd values in `<v>` (NaN, inf, text, huge
numbers), odd cell types (`t="d"` with garbage, shared-string indexes out of range), odd
references, garbage text, XML cut short. Each read must end within seconds with a ReadBook or a
French SourceError; any other exception, or a hang, fails the test.
"""

from __future__ import annotations

import io
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lotsync.adapters.backends import ReadBook, SourceError
from lotsync.adapters.backends.xlsx import XlsxBackend
from lotsync.app.demo import DOSSIERS_TAB, write_demo

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
    "<si><t>confirmé</t></si><si><t>Autocars du Quercy</t></si><si><t>=1+1</t></si></sst>"
)
SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
pytestmark = pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")  # openpyxl's own
BYTES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
XML = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Hang(BaseException):
    """A BaseException, so that no `except Exception` in the code under test can swallow it."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    def interrupt(signum: int, frame: Any) -> None:
        raise Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cahors' demo workbook: 250-odd dossiers in a `Dossiers` tab."""
    return write_demo(tmp_path_factory.mktemp("demo")).parent / "cahors.xlsx"


@pytest.fixture(scope="module")
def members(demo: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(demo) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def outcome(path: Path, data: bytes) -> str:
    """Read `data` as a workbook file: "lu" or "refusé", and nothing else can happen."""
    path.write_bytes(data)
    try:
        with within(20):
            book = XlsxBackend().read(str(path), [DOSSIERS_TAB])
    except SourceError as error:
        message = str(error)
        assert message.startswith(("Impossible de lire ce classeur : ", "Impossible d'ouvrir ce classeur : "))
        assert "Error" not in message and "Traceback" not in message, message
        event(f"refusé : {message.split(' : ')[1][:40]}")
        return "refusé"
    assert isinstance(book, ReadBook)
    assert all(isinstance(row, list) for row in book.tabs.get(DOSSIERS_TAB, []))
    event("lu")
    return "lu"


def zipped(members: dict[str, bytes], changes: dict[str, Callable[[str], str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name in changes:
                content = changes[name](content.decode("utf-8")).encode("utf-8", "surrogatepass")
            archive.writestr(name, content)
        for name, change in changes.items():
            if name not in members:
                archive.writestr(name, change(""))
    return out.getvalue()


# -- bytes -------------------------------------------------------------------------------


@BYTES
@given(data=st.data())
def test_a_workbook_cut_short_anywhere(
    demo: Path, tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    whole = demo.read_bytes()
    cut = data.draw(st.integers(0, len(whole) - 1))

    assert outcome(tmp_path_factory.getbasetemp() / "cut.xlsx", whole[:cut]) == "refusé"


@BYTES
@given(data=st.data())
def test_a_workbook_with_flipped_bytes(
    demo: Path, tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    damaged = bytearray(demo.read_bytes())
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, len(damaged) - 1), st.integers(1, 255)), min_size=1, max_size=8)
    )
    for where, mask in flips:
        damaged[where] ^= mask

    outcome(tmp_path_factory.getbasetemp() / "flipped.xlsx", bytes(damaged))


# -- the changes ---------------------------------------------------------------------------------


class _Change:
    def __init__(self, describe: str, apply: Callable[[str], str]):
        self.describe, self.apply = describe, apply

    def __call__(self, xml: str) -> str:
        return self.apply(xml)

    def __repr__(self) -> str:
        return self.describe


def _nth(pattern: str, xml: str, index: int) -> re.Match[str] | None:
    found = list(re.finditer(pattern, xml))
    return found[index % len(found)] if found else None


def _replace(xml: str, match: re.Match[str] | None, group: int, text: str) -> str:
    return xml if match is None else xml[: match.start(group)] + text + xml[match.end(group) :]


def _set_value(index: int, value: str) -> _Change:
    return _Change(
        f"<v>{value[:20]!r}</v> in cell #{index}",
        lambda xml: _replace(xml, _nth(r"<v>([^<]*)</v>", xml, index), 1, value),
    )


def _set_type(index: int, kind: str) -> _Change:
    def apply(xml: str) -> str:
        match = _nth(r'<c r="[A-Z]+[0-9]+"( t="[^"]*")?', xml, index)
        return _replace(xml, match, 1, f' t="{kind}"') if match and match.group(1) else xml

    return _Change(f't="{kind}" on cell #{index}', apply)


def _set_shared(index: int, position: int) -> _Change:
    def apply(xml: str) -> str:
        match = _nth(r'<c r="([A-Z]+[0-9]+)"[^>]*>.*?</c>', xml, index)
        cell = match and f'<c r="{match.group(1)}" t="s"><v>{position}</v></c>'
        return xml if match is None else xml[: match.start()] + cell + xml[match.end() :]

    return _Change(f"shared string {position} in cell #{index}", apply)


def _set_reference(index: int, reference: str) -> _Change:
    return _Change(
        f'r="{reference}" on cell #{index}',
        lambda xml: _replace(xml, _nth(r'<c r="([A-Z]+[0-9]+)"', xml, index), 1, reference),
    )


def _set_row(index: int, number: str) -> _Change:
    return _Change(
        f'<row r="{number}"> on row #{index}',
        lambda xml: _replace(xml, _nth(r'<row r="([0-9]+)"', xml, index), 1, number),
    )


def _insert(where: float, text: str) -> _Change:
    return _Change(
        f"{text!r} inserted at {where:.0%}",
        lambda xml: xml[: int(len(xml) * where)] + text + xml[int(len(xml) * where) :],
    )


def _cut(where: float) -> _Change:
    return _Change(f"cut at {where:.0%}", lambda xml: xml[: int(len(xml) * where)])


# -- XML inside the zip ---------------------------------------------------------------------

ODD_NUMBERS = [
    *("NaN", "nan", "inf", "-inf", "Infinity", "abc", "", "1e400", "-1e400", "1e-400", "1e", ".", "-", "+1"),
    *("0x1F", "1,5", "1 234,50 €", "١٢٣", " 12 ", "1_000", "9" * 300, "9" * 5000, "-0", "4.5E+15"),
]
odd_values = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.text(max_size=12).map(lambda text: text.replace("<", "").replace("&", "")),
)
odd_types = st.sampled_from(["d", "s", "b", "e", "str", "inlineStr", "n", "zz", ""])
odd_references = st.sampled_from(["0", "-1", "x", "A0", "ZZZZ1", "B", "A1048577", "XFE1", "", "A01"])


def mutation() -> st.SearchStrategy[Callable[[str], str]]:
    """One change to a sheet's XML, shown by hypothesis as its description when a test fails."""
    return st.one_of(
        st.builds(_set_value, st.integers(0, 400), odd_values),
        st.builds(_set_type, st.integers(0, 400), odd_types),
        st.builds(_set_shared, st.integers(0, 400), st.integers(-5, 10**7)),
        st.builds(_set_reference, st.integers(0, 400), odd_references),
        st.builds(_set_row, st.integers(0, 300), odd_references),
        st.builds(_insert, st.floats(0, 1), st.text(max_size=20)),
        st.builds(_cut, st.floats(0, 1)),
    )


@XML
@given(changes=st.lists(mutation(), min_size=1, max_size=4), shared_strings=st.booleans())
def test_a_workbook_whose_sheet_xml_is_damaged(
    members: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory, changes: Any, shared_strings: bool
) -> None:
    def damage(xml: str) -> str:
        for change in changes:
            xml = change(xml)
        return xml

    edits: dict[str, Callable[[str], str]] = {SHEET: damage}
    if shared_strings:
        edits["xl/sharedStrings.xml"] = lambda _: SHARED_STRINGS
        edits["[Content_Types].xml"] = lambda xml: xml.replace("</Types>", SHARED_STRINGS_TYPE + "</Types>")

    outcome(tmp_path_factory.getbasetemp() / "xml.xlsx", zipped(members, edits))


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/.rels"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.floats(0, 1), garbage=st.sampled_from(["", "<", "&bad;", "<x>", '"', "\x00", "]]>"]))
def test_a_workbook_whose_other_parts_are_damaged(
    members: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory, part: str, where: float, garbage: str
) -> None:
    damaged = zipped(members, {part: lambda xml: _insert(where, garbage)(_cut(0.5 + where / 2)(xml))})

    outcome(tmp_path_factory.getbasetemp() / "part.xlsx", damaged)
