"""Cells as people type them: money, dates, counts, yes/no."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from lotsync.cells import CellError, normalize, parse_amount, parse_count, parse_date, parse_flag


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1234.5, "1234.50"),
        (1200, "1200.00"),
        ("1 234,50 €", "1234.50"),
        ("1\u202f234,50\u00a0€", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234,5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234", "1234.00"),
        ("12 000 €", "12000.00"),
        ("-250,00", "-250.00"),
        ("350 EUR", "350.00"),
        (0.1 + 0.2, "0.30"),
        (Decimal("99.999"), "100.00"),
    ],
)
def test_amounts_as_number_cells_or_french_text(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["douze", "1 234,567", "12,3,4", "€", True, "1.2.3,4,5"])
def test_unreadable_amounts_say_why_in_french(raw):
    with pytest.raises(CellError) as error:
        parse_amount(raw)
    assert "montant" in str(error.value) or "décimales" in str(error.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2026, 3, 31), date(2026, 3, 31)),
        (datetime(2026, 3, 31, 0, 0), date(2026, 3, 31)),
        (46112, date(2026, 3, 31)),
        (46112.0, date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("31/03/26", date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("31 mars 2026", date(2026, 3, 31)),
        ("1er août 2026", date(2026, 8, 1)),
        ("lundi 30 novembre 2026", date(2026, 11, 30)),
        ("30 NOV 2026", date(2026, 11, 30)),
        ("31.03.2026", date(2026, 3, 31)),
    ],
)
def test_dates_as_cells_serials_or_french_text(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2026", "demain", "2026-13-01", "32 mars 2026", -5])
def test_unreadable_dates(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [(40, 40), (40.0, 40), ("40", 40), ("0", 0), ("45 pax", 45), ("35 PAX", 35)]
)
def test_counts(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", [-1, 2.5, "quarante", "4O"])
def test_bad_counts(raw):
    with pytest.raises(CellError):
        parse_count(raw)


def test_flags():
    assert parse_flag("oui") and parse_flag("OUI ") and parse_flag(True)
    assert not parse_flag(None) and not parse_flag("") and not parse_flag("non")
    with pytest.raises(CellError):
        parse_flag("peut-être")


def test_headers_match_without_case_accents_or_spacing():
    assert normalize("  Réf.  Partenaire ") == normalize("ref partenaire")
    assert normalize("ÉTAT") == "etat"
    assert normalize("N° dossier") == normalize("n dossier")
    assert normalize("Nº dossier") == normalize("No dossier")
