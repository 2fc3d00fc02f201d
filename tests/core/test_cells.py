"""Cells as people type them: money, dates, counts, yes/no — and nothing a cell holds can crash lotsync."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from lotsync.core.cells import (
    DEFAULT_LIMITS,
    CellError,
    Limits,
    as_text,
    is_blank,
    normalize,
    parse_amount,
    parse_count,
    parse_date,
    parse_flag,
    ref_key,
)

EXPECTED_FORM = "exemple attendu : 1 234,50 €"
HUGE = pytest.param(10**5000, id="10**5000")
"""Python itself refuses to write this int as text (more than 4,300 digits): pytest needs an id."""

# -- money --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234,50 €", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1\u202f234,50\u00a0€", "1234.50"),
        ("1\u2009234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1.234.567,89", "1234567.89"),
        ("1234.5", "1234.50"),
        ("1234.50", "1234.50"),
        ("12.5", "12.50"),
        ("1234,5", "1234.50"),
        ("1.234", "1234.00"),
        ("12 345", "12345.00"),
        ("12 000 €", "12000.00"),
        ("0,5", "0.50"),
        ("0", "0.00"),
        ("-0", "0.00"),
        ("+12", "12.00"),
        ("€ 12", "12.00"),
        ("€12", "12.00"),
        ("12€", "12.00"),
        ("12 EUR", "12.00"),
        ("350 euros", "350.00"),
        ("1 234,50 € TTC", "1234.50"),
        ("  1 234,50 €\u00a0 ", "1234.50"),
    ],
)
def test_amount_text_by_french_rules(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw",
    [
        "0,500 €",  # three decimals, even zeros: never rounded
        "0.500",  # a dot group after 0 is neither thousands nor cents
        "0,001",
        "1,234",  # three decimals (or an English 1,234: either way not certain)
        "0.250,00",  # first group starts with 0
        "+-5",
        "5-",
        "500 -",
        "1 23 4",
        "1e308",
        "12,345.67",  # English
        "1,234.50",  # English
        "1'234",  # Swiss
        "(12)",  # accountants' negative
        "1 234.50",  # spaces and a dot decimal: two conventions in one number
        "1.234 567",  # two kinds of thousands separators
        "1  234",  # two spaces
        "1234.567",
        "0123",
        ",50",
        "€ 12 €",
        "12 € HT",  # excluding VAT: reading it as the amount incl. VAT would be a guess
        "12,3,4",
        "1.2.3,4,5",
        "douze",
        "€",
        "",
        "١٢",  # Arabic-Indic digits
        "１２",  # full-width digits
    ],
)
def test_unreadable_amount_text_shows_the_expected_form(raw):
    with pytest.raises(CellError) as error:
        parse_amount(raw)
    assert EXPECTED_FORM in str(error.value)


@pytest.mark.parametrize("raw", ["9" * 29, "9" * 400, "10 000 000,01", 10_000_001, 1e308, Decimal("1e30")])
def test_an_amount_beyond_the_limit_is_implausible(raw):
    with pytest.raises(
        CellError, match="montant invraisemblable : au-delà de 10\u202f000\u202f000,00\u00a0€"
    ):
        parse_amount(raw)


def test_the_limit_is_the_callers():
    small = Limits(max_amount=Decimal("500"))
    assert parse_amount("500,00 €", small) == Decimal("500.00")
    with pytest.raises(CellError, match="au-delà de 500,00\u00a0€"):
        parse_amount("500,01 €", small)
    assert parse_amount("10 000 000", DEFAULT_LIMITS) == Decimal("10000000.00")


@pytest.mark.parametrize(
    "raw", ["-250,00", "- 250,00 €", "-€12", "€ -12", "\u2212250", -250, -0.01, Decimal("-1")]
)
def test_a_negative_amount_says_a_cancelled_day_is_a_status(raw):
    with pytest.raises(CellError, match="statut « annulé », pas un montant négatif"):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234.5, "1234.50"),
        (1200, "1200.00"),
        (0.1 + 0.2, "0.30"),  # binary noise, not a third decimal
        (110.00000000000001, "110.00"),
        (9_999_999.99, "9999999.99"),
        (-0.0, "0.00"),
        (Decimal("12.50"), "12.50"),
        (Decimal("12.5000"), "12.50"),
        (Decimal("-0"), "0.00"),
    ],
)
def test_amounts_as_number_cells(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", [12.345, 0.001, 1e-5, Decimal("99.999"), Decimal("1e-999999")])
def test_a_number_cell_with_a_third_decimal_is_never_rounded(raw):
    with pytest.raises(CellError, match="au plus deux décimales"):
        parse_amount(raw)


@pytest.mark.parametrize(
    "raw",
    [
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        date(2026, 3, 31),
        datetime(2026, 3, 31, 10, 0),
        time(10, 30),
        timedelta(days=1),
        b"12",
        object(),
        [12],
        None,
    ],
)
def test_what_is_not_an_amount_at_all(raw):
    with pytest.raises(CellError) as error:
        parse_amount(raw)
    assert EXPECTED_FORM in str(error.value)


def test_huge_integers_are_implausible_not_a_crash():
    for raw in (10**30, 10**5000, -(10**5000)):
        with pytest.raises(CellError):
            parse_amount(raw)


# -- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2026, 3, 31), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 0, 0), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 18, 30), date(2026, 3, 31)),
        (46112, date(2026, 3, 31)),
        (46112.0, date(2026, 3, 31)),
        (46112.75, date(2026, 3, 31)),  # a date and a time of day
        (Decimal(46112), date(2026, 3, 31)),
        (61, date(1900, 3, 1)),
        ("46112", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("31/03/26", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31 10:00", date(2026, 3, 31)),
        ("31 mars 2026", date(2026, 3, 31)),
        ("1er août 2026", date(2026, 8, 1)),
        ("lundi 30 novembre 2026", date(2026, 11, 30)),
        ("30 NOV 2026", date(2026, 11, 30)),
        ("31.03.2026", date(2026, 3, 31)),
    ],
)
def test_dates_as_cells_serials_or_french_text(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["31/02/2026", "demain", "2026-13-01", "32 mars 2026", -5, 0, True, None, b"2026", object()]
)
def test_unreadable_dates(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "word"), [(time(10, 30), "heure"), (0.5, "heure"), (timedelta(days=3), "durée")]
)
def test_a_time_of_day_or_a_duration_is_not_a_date(raw, word):
    with pytest.raises(CellError, match=f"c'est une {word}, pas une date"):
        parse_date(raw)


@pytest.mark.parametrize("raw", [1, 59, 60, 60.5, "60"])
def test_serials_before_march_1900_are_ambiguous(raw):
    """Excel counts a 29 February 1900 that never was (serial 60): before serial 61 no reading is certain."""
    with pytest.raises(CellError, match="1er mars 1900"):
        parse_date(raw)


@pytest.mark.parametrize(
    "raw",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        1e308,
        10**30,
        HUGE,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("1e999999"),
        "9" * 5000,
        "1" * 20,
    ],
)
def test_no_number_is_too_odd_to_be_refused_as_a_date(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    "raw", [date(1899, 12, 31), date(2101, 1, 1), "01/01/0001", "31/12/9999", 2958465, datetime(1, 1, 1)]
)
def test_a_date_outside_the_window_is_implausible(raw):
    with pytest.raises(CellError, match=r"date invraisemblable .* du 01/03/1900 au 31/12/2100"):
        parse_date(raw)


def test_the_date_window_is_the_callers():
    window = Limits(earliest=date(1996, 11, 26), latest=date(2036, 11, 26))
    assert parse_date("26/11/2036", window) == date(2036, 11, 26)
    for raw in ("27/11/2036", date(1996, 11, 25), 35394):  # 35394 is 25/11/1996
        with pytest.raises(CellError, match="du 26/11/1996 au 26/11/2036"):
            parse_date(raw, window)


# -- counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (40, 40),
        (40.0, 40),
        (Decimal("40"), 40),
        ("40", 40),
        ("0", 0),
        ("45 pax", 45),
        ("35 PAX", 35),
        ("12 personnes", 12),
        ("1 personne", 1),
        ("40,0", 40),
        ("1 200", 1200),
        (10_000, 10_000),
    ],
)
def test_counts(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        -1,
        2.5,
        "12.5",
        "quarante",
        "4O",
        "-5",
        "1 2",
        "1e308",
        1e308,
        10**20,
        HUGE,
        "9" * 5000,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("1e999999"),
        Decimal("12.5"),
        True,
        None,
        date(2026, 3, 31),
        b"12",
    ],
)
def test_bad_counts(raw):
    with pytest.raises(CellError):
        parse_count(raw)


def test_a_count_beyond_the_limit_is_implausible():
    with pytest.raises(CellError, match="au-delà de 10\u202f000"):
        parse_count(10_001)
    with pytest.raises(CellError, match="au-delà de 60"):
        parse_count("61 pax", Limits(max_pax=60))


# -- yes / no -----------------------------------------------------------------


def test_flags():
    assert parse_flag("oui") and parse_flag("OUI ") and parse_flag(True) and parse_flag(1)
    assert not parse_flag(None) and not parse_flag("") and not parse_flag("non") and not parse_flag(0.0)
    for raw in ("peut-être", float("nan"), 10**5000, date(2026, 1, 1), b"oui", object()):
        with pytest.raises(CellError):
            parse_flag(raw)


# -- text ---------------------------------------------------------------------


def test_headers_match_without_case_accents_or_spacing():
    assert normalize("  Réf.  Partenaire ") == normalize("ref partenaire")
    assert normalize("ÉTAT") == "etat"
    assert normalize("N° dossier") == normalize("n dossier")
    assert normalize("Nº dossier") == normalize("No dossier")


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for you")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  C-12 ", "C-12"),
        (None, ""),
        (1200.0, "1200"),
        (1234.5, "1234.5"),
        (10**30, "1000000000000000000000000000000"),
        pytest.param(10**5000, "nombre de 5001 chiffres", id="10**5000"),
        pytest.param(-(10**5000), "nombre de 5001 chiffres", id="-10**5000"),
        (True, "VRAI"),
        (False, "FAUX"),
        (datetime(2026, 3, 31), "2026-03-31"),
        (datetime(2026, 3, 31, 10, 30), "2026-03-31 10:30:00"),
        (time(10, 30), "10:30:00"),
        (timedelta(days=1, hours=2, minutes=30), "26:30:00"),
        (Decimal("sNaN"), "sNaN"),
        (Unprintable(), "Unprintable"),
    ],
)
def test_as_text_shows_any_value_and_never_raises(raw, expected):
    assert as_text(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, 12, HUGE, float("nan"), [1], {"a": 1}, bytearray(b"x"), "\ud800", Unprintable()]
)
def test_normalize_and_is_blank_take_anything(raw):
    assert isinstance(normalize(raw), str)
    assert isinstance(is_blank(raw), bool)


def test_references_compare_without_case_or_surrounding_spaces():
    assert ref_key(" CAH-26-001 ") == ref_key("cah-26-001")
    assert ref_key("CAH 26 001") != ref_key("CAH-26-001"), "only case and surrounding spaces"


def test_a_weekday_that_does_not_match_the_date_is_not_guessed() -> None:
    assert parse_date("mardi 31 mars 2026") == date(2026, 3, 31)
    with pytest.raises(CellError, match="ce jour-là était un mardi"):
        parse_date("lundi 31 mars 2026")
