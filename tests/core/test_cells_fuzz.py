"""Whatever a backend hands over, a cell is read or it is an anomaly: never a crash.

Property-based: hypothesis throws arbitrary values (text, odd floats, unbounded
integers, decimals, dates and times, bytes) at each cell parser and at whole
sheets, and checks that the only failure is `CellError` / an `Anomaly`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from factories import IDS, MEMBERS
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lotsync.adapters.config import Config
from lotsync.core import french
from lotsync.core.cells import (
    CellError,
    Limits,
    as_text,
    is_blank,
    normalize,
    parse_amount,
    parse_count,
    parse_date,
    parse_flag,
)
from lotsync.core.dossiers import Sheet, parse_dossiers
from lotsync.core.expenses import KeyContext, parse_expenses
from lotsync.core.layout import DOSSIER_HEADERS, EXPENSE_HEADERS, EXPENSE_REQUIRED, FEE_HEADERS, FEE_REQUIRED
from lotsync.core.model import Anomaly

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEETS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

french_text = st.text(alphabet=st.sampled_from("0123456789 ,.-+€\u00a0\u202f\u2009eEuroTCsi'()"), max_size=30)
"""Text close to amounts and dates, where the parsing rules are subtle."""

values: st.SearchStrategy[Any] = st.one_of(
    st.text(),
    french_text,
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Nd", "No"]), max_size=20),
    st.integers(),
    st.integers(min_value=10**4000, max_value=10**6000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.just(Decimal("sNaN")),
    st.just("9" * 5000),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.booleans(),
    st.none(),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.builds(object),
)
"""Anything a backend could hand over, and more."""

PARSERS: tuple[Callable[[Any], Any], ...] = (parse_amount, parse_date, parse_count, parse_flag)


def only_cell_errors(parser: Callable[[Any], Any], value: Any) -> None:
    try:
        parser(value)
    except CellError as error:
        assert str(error), "a CellError always says why"


@FUZZ
@given(values)
def test_no_value_makes_a_parser_raise_anything_but_cell_error(value: Any) -> None:
    for parser in PARSERS:
        only_cell_errors(parser, value)
    assert isinstance(as_text(value), str)
    assert isinstance(normalize(value), str)
    assert isinstance(is_blank(value), bool)


@FUZZ
@given(
    values, st.decimals(min_value=1, max_value=10**9, places=2), st.integers(1, 10**6), st.dates(), st.dates()
)
def test_limits_of_any_size_never_crash_either(
    value: Any, max_amount: Decimal, max_pax: int, first: date, second: date
) -> None:
    limits = Limits(max_amount, max_pax, min(first, second), max(first, second))
    for parser in (parse_amount, parse_date, parse_count):
        only_cell_errors(partial(parser, limits=limits), value)


@st.composite
def typed_amounts(draw: st.DrawFn) -> tuple[str, Decimal]:
    """An amount as someone might type it in a French sheet, and the amount it means."""
    amount = draw(st.decimals(min_value=0, max_value=10**7, places=2))
    whole, cents = divmod(int(amount * 100), 100)
    groups = f"{whole:,d}".split(",")
    style = draw(st.sampled_from(["plain", "spaces", "dots", "point"]))
    if style == "point":  # 1234.5: a dot decimal, in a number with no other separator
        text = f"{whole}.{cents:02d}" if cents else f"{whole}"
        if text.endswith("0") and "." in text and draw(st.booleans()):
            text = text[:-1]
    else:
        spaces = st.sampled_from(" \u00a0\u202f\u2009")
        separator = {"plain": "", "dots": "."}[style] if style != "spaces" else draw(spaces)
        text = separator.join(groups)
        if cents or draw(st.booleans()):
            decimals = f"{cents:02d}"
            if decimals.endswith("0") and draw(st.booleans()):
                decimals = decimals[0]
            text += "," + decimals
    before = draw(st.sampled_from(["", "€", "€ ", "EUR "]))
    after = "" if before else draw(st.sampled_from(["", "€", " €", "\u00a0€", " EUR", " euros"]))
    return f"{before}{text}{after}", amount


@FUZZ
@given(typed_amounts())
def test_amounts_typed_the_french_way_are_read_exactly(typed: tuple[str, Decimal]) -> None:
    text, amount = typed
    assert parse_amount(text) == amount


@FUZZ
@given(st.one_of(french_text, typed_amounts().map(lambda typed: typed[0])))
def test_an_amount_read_from_text_reads_the_same_once_written_in_french(text: str) -> None:
    try:
        amount = parse_amount(text)
    except CellError:
        event("refused")
        return
    event("read")
    assert 0 <= amount <= Decimal(10**7) and amount == amount.quantize(Decimal("0.01"))
    assert parse_amount(french.money(amount)) == amount


# -- whole sheets ----------------------------------------------------------------

CONFIG = Config.model_validate(
    {
        "shared": {"source": "collectif.xlsx"},
        "members": [
            {"id": m.id, "name": m.name, "aliases": list(m.aliases), "source": f"{m.id}.xlsx"}
            for m in MEMBERS
        ],
    }
)
WORDS = CONFIG.rules().words
DOSSIER_HEADER = [
    "Référence", "Client", "Prestation", "Date", "Date fin", "Pax", "Statut", "Montant TTC",
    "OT partenaire", "Sens", "Réf. partenaire", "Prix revente",
]  # fmt: skip
EXPENSE_HEADER = ["Date", "Libellé", "Montant", "Payé par", "Répartition", "Catégorie", "Remboursé"]
FEE_HEADER = ["Année", "Montant", "Payé par", "Remboursé"]
CONTEXT = KeyContext(IDS, {}, {m: m for m in IDS})


@st.composite
def rows_of(draw: st.DrawFn, columns: list[st.SearchStrategy[Any]]) -> list[list[Any]]:
    """Rows as people fill them (each cell plausible for its column), the same with one odd cell,
    or rows of anything, shorter or longer than the header, as backends return them."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        shape = draw(st.sampled_from(["plausible", "one odd cell", "anything"]))
        if shape == "anything":
            rows.append(draw(st.lists(values, max_size=len(columns) + 2)))
            continue
        row = [draw(column) for column in columns]
        if shape == "one odd cell":
            row[draw(st.integers(0, len(columns) - 1))] = draw(values)
        rows.append(row)
    return rows


amounts = st.one_of(
    typed_amounts().map(lambda typed: typed[0]),
    st.decimals(0, 10**4, places=2).map(float),  # number cells, as Excel stores them
    st.decimals(0, 10**4, places=2),
    st.integers(0, 10**4),
)
days = st.one_of(
    st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.sampled_from(["31/03/2026", "1er mai 2026", 46112])
)
refs = st.one_of(
    st.sampled_from(["C-1", "c-1 ", " C-2"]), st.from_regex(r"[A-Z]{3}-[0-9]{2,5}", fullmatch=True)
)
members = st.sampled_from(["cahors", "OT Dordogne", "figeac", "Lot Tourisme"])
DOSSIER_COLUMNS = [
    refs,
    st.text(max_size=10),
    st.sampled_from(["Journée", "visite", "séjour", ""]),
    days,
    st.one_of(st.none(), days),
    st.one_of(st.integers(0, 60), st.just("12 pax")),
    st.sampled_from(["confirmé", "OK", "annulé", "devis", "soldé"]),
    amounts,
    st.sampled_from([None, "dordogne", "OT Figeac"]),
    st.sampled_from([None, "achat", "vente"]),
    refs,
    st.one_of(st.none(), amounts),
]
EXPENSE_COLUMNS = [
    days,
    st.text(min_size=1, max_size=10),
    amounts,
    members,
    st.sampled_from(["égale", "cahors:1; figeac:2", "", "moitié"]),
    st.text(max_size=5),
    st.sampled_from(["oui", "non", None, "bientôt"]),
]
FEE_COLUMNS = [
    st.sampled_from([2026, "2026", 1999, 2026.0]),
    amounts,
    members,
    st.sampled_from(["oui", None]),
]


def cents(amount: Decimal) -> bool:
    """Every amount lotsync reads has exactly two decimals, as it writes them."""
    return amount.as_tuple().exponent == -2


def each_row_is_read_or_reported(rows: list[list[Any]], read: set[int], anomalies: list[Anomaly]) -> None:
    """A row that is not blank is either read or has at least one anomaly, at the row the user sees."""
    flagged = {a.where.row for a in anomalies}
    assert not read & flagged, "a row with an anomaly is left out"
    for anomaly in anomalies:
        assert 2 <= anomaly.where.row <= len(rows) + 1
        assert anomaly.message and isinstance(anomaly.value, str)
    for number, row in enumerate(rows, start=2):
        if any(not is_blank(v) for v in row):
            assert number in read or number in flagged, f"row {number} neither read nor reported"


@SHEETS
@given(rows_of(DOSSIER_COLUMNS))
def test_a_sheet_of_anything_gives_dossiers_and_anomalies_never_an_exception(rows: list[list[Any]]) -> None:
    sheet = Sheet("cahors.xlsx", "Dossiers", [DOSSIER_HEADER, *rows])
    parsed = parse_dossiers(sheet, "cahors", DOSSIER_HEADERS, WORDS, MEMBERS)
    each_row_is_read_or_reported(rows, {d.where.row for d in parsed.dossiers}, parsed.anomalies)
    event(f"{len(parsed.dossiers)} row(s) read")
    for d in parsed.dossiers:
        for amount in (d.amount, d.resale):
            assert amount is None or (0 <= amount <= Decimal("10000000") and cents(amount))
        assert d.pax is None or 0 <= d.pax <= 10_000
        assert date(1900, 3, 1) <= d.start <= date(2100, 12, 31)


@SHEETS
@given(rows_of(EXPENSE_COLUMNS))
def test_a_shared_costs_tab_of_anything_never_raises(rows: list[list[Any]]) -> None:
    sheet = Sheet("collectif.xlsx", "Dépenses communes", [EXPENSE_HEADER, *rows])
    expenses, anomalies = parse_expenses(sheet, EXPENSE_HEADERS, EXPENSE_REQUIRED, CONTEXT)
    each_row_is_read_or_reported(rows, {e.where.row for e in expenses if e.where}, anomalies)
    event(f"{len(expenses)} row(s) read")
    assert all(0 <= e.amount <= Decimal("10000000") and cents(e.amount) for e in expenses)


@SHEETS
@given(rows_of(FEE_COLUMNS))
def test_a_fees_tab_of_anything_never_raises(rows: list[list[Any]]) -> None:
    sheet = Sheet("collectif.xlsx", "Cotisations", [FEE_HEADER, *rows])
    fees, anomalies = parse_expenses(sheet, FEE_HEADERS, FEE_REQUIRED, CONTEXT, fees=True)
    each_row_is_read_or_reported(rows, {f.where.row for f in fees if f.where}, anomalies)
    assert all(2000 <= f.year <= 2100 for f in fees)
