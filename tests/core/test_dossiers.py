"""Reading an office's tab as people fill it: every problem points at sheet, row, column, value."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from factories import MEMBERS

from lotsync.adapters.config import Config
from lotsync.core.cells import Limits
from lotsync.core.dossiers import Sheet, parse_dossiers
from lotsync.core.layout import DOSSIER_HEADERS
from lotsync.core.model import AnomalyKind as A
from lotsync.core.model import Direction, Kind, Status

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
HEADER = [
    "N° dossier",
    "Groupe",
    "Type",
    "Date d'arrivée",
    "Date de départ",
    "Nb pax",
    "État",
    "Montant",
    "Partenaire",
    "Achat/Vente",
    "Réf. OT",
    "Prix client",
]


def parse(*rows, header=HEADER, title=(), **kw):
    sheet = Sheet("dordogne.xlsx", "Dossiers", [*title, header, *rows])
    return parse_dossiers(sheet, "dordogne", DOSSIER_HEADERS, WORDS, MEMBERS, **kw)


def row(
    ref="D-1",
    client="Autocars Delmas",
    kind="Journée",
    start="31/03/2026",
    end=None,
    pax=40,
    status="OK",
    amount="1 234,50 €",
    partner=None,
    direction=None,
    pref=None,
    resale=None,
):
    return [ref, client, kind, start, end, pax, status, amount, partner, direction, pref, resale]


def test_a_row_under_a_title_block_with_synonym_headers():
    parsed = parse(
        row(partner="OT Cahors", direction="Achat", pref="C-12", resale="1200"),
        title=[["Office de tourisme Vallée de la Dordogne"], [None], ["Suivi 2026"]],
    )
    [d] = parsed.dossiers
    assert parsed.anomalies == []
    assert (d.ref, d.kind, d.start, d.pax, d.status, d.amount) == (
        "D-1",
        Kind.DAY,
        date(2026, 3, 31),
        40,
        Status.CONFIRMED,
        Decimal("1234.50"),
    )
    assert (d.partner, d.direction, d.partner_ref, d.resale) == (
        "cahors",
        Direction.PURCHASE,
        "C-12",
        Decimal("1200.00"),
    )
    assert d.where.row == 5, "row numbers are those the user sees"


def test_headers_in_odd_case_and_spacing_and_blank_rows():
    header = ["  référence ", "CLIENT", "prestation", "date", "statut", "montant ttc"]
    parsed = parse(
        ["C-1", "X", "visite guidée", datetime(2026, 5, 1), "Payé", 300.0],
        [None] * 6,
        ["C-2", "Y", "dégustation", 46150, "validé", 120],
        header=header,
    )
    assert [(d.ref, d.kind, d.status) for d in parsed.dossiers] == [
        ("C-1", Kind.VISIT, Status.PAID),
        ("C-2", Kind.OTHER, Status.CONFIRMED),
    ]
    assert parsed.rows == 2


@pytest.mark.parametrize(
    ("bad", "kind", "column", "value"),
    [
        ({"ref": None}, A.MISSING_VALUE, "N° dossier", ""),
        ({"start": "32/13/2026"}, A.INVALID_DATE, "Date d'arrivée", "32/13/2026"),
        ({"end": "30/03/2026"}, A.END_BEFORE_START, "Date de départ", "30/03/2026"),
        ({"amount": "douze cents"}, A.INVALID_AMOUNT, "Montant", "douze cents"),
        ({"amount": None}, A.MISSING_VALUE, "Montant", ""),
        ({"pax": "quarante"}, A.INVALID_PAX, "Nb pax", "quarante"),
        ({"status": "peut-être"}, A.INVALID_STATUS, "État", "peut-être"),
        ({"partner": "OT Lyon", "direction": "achat"}, A.UNKNOWN_PARTNER, "Partenaire", "OT Lyon"),
        ({"partner": "Dordogne", "direction": "achat"}, A.SELF_PARTNER, "Partenaire", "Dordogne"),
        ({"partner": "figeac", "direction": "troc"}, A.INVALID_DIRECTION, "Achat/Vente", "troc"),
        ({"partner": "figeac"}, A.MISSING_DIRECTION, "Achat/Vente", ""),
    ],
)
def test_each_bad_cell_is_an_anomaly_and_the_row_is_left_out(bad, kind, column, value):
    parsed = parse(row(**bad), row(ref="D-2"))
    assert [d.ref for d in parsed.dossiers] == ["D-2"], "the other rows go on"
    [anomaly] = parsed.anomalies
    assert (anomaly.kind, anomaly.column, anomaly.value) == (kind, column, value)
    assert (anomaly.where.spreadsheet, anomaly.where.tab, anomaly.where.row) == (
        "dordogne.xlsx",
        "Dossiers",
        2,
    )
    assert anomaly.message and anomaly.office == "dordogne"


@pytest.mark.parametrize(
    ("bad", "kind", "column", "says"),
    [
        ({"amount": "-250,00"}, A.INVALID_AMOUNT, "Montant", "statut « annulé », pas un montant négatif"),
        ({"amount": -250.0}, A.INVALID_AMOUNT, "Montant", "statut « annulé », pas un montant négatif"),
        (
            {"partner": "cahors", "direction": "achat", "resale": "-10"},
            A.INVALID_AMOUNT,
            "Prix client",
            "pas un montant négatif",
        ),
        ({"amount": "0,500 €"}, A.INVALID_AMOUNT, "Montant", "exemple attendu : 1 234,50 €"),
        ({"amount": 12.345}, A.INVALID_AMOUNT, "Montant", "au plus deux décimales"),
        ({"amount": "9" * 29}, A.INVALID_AMOUNT, "Montant", "montant invraisemblable"),
        ({"amount": True}, A.INVALID_AMOUNT, "Montant", "ce n'est pas un montant"),
        ({"amount": float("nan")}, A.INVALID_AMOUNT, "Montant", "ce n'est pas un montant"),
        ({"pax": 10**20}, A.INVALID_PAX, "Nb pax", "invraisemblable"),
        ({"pax": "9" * 5000}, A.INVALID_PAX, "Nb pax", "invraisemblable"),
        ({"pax": 12.5}, A.INVALID_PAX, "Nb pax", "nombre entier"),
        ({"start": time(10, 30)}, A.INVALID_DATE, "Date d'arrivée", "c'est une heure"),
        ({"start": timedelta(days=2)}, A.INVALID_DATE, "Date d'arrivée", "c'est une durée"),
        ({"start": 60}, A.INVALID_DATE, "Date d'arrivée", "1er mars 1900"),
        ({"start": "31/03/2126"}, A.INVALID_DATE, "Date d'arrivée", "date invraisemblable"),
        ({"end": float("inf")}, A.INVALID_DATE, "Date de départ", "pas une date"),
    ],
)
def test_odd_cells_are_anomalies_that_say_why(bad, kind, column, says):
    parsed = parse(row(**bad), row(ref="D-2"))
    assert [d.ref for d in parsed.dossiers] == ["D-2"]
    [anomaly] = parsed.anomalies
    assert (anomaly.kind, anomaly.column) == (kind, column)
    assert says in anomaly.message


def test_a_huge_number_shows_as_its_size_not_its_digits():
    [anomaly] = parse(row(amount=10**5000)).anomalies
    assert anomaly.value == "nombre de 5001 chiffres"
    assert "« nombre de 5001 chiffres »" in anomaly.message


def test_the_limits_of_the_sync_are_applied():
    """The lead works them out from `[limits]` and the as-of date; the parser only applies them."""
    limits = Limits(Decimal("2000"), 50, date(2020, 1, 1), date(2030, 12, 31))
    parsed = parse(
        row(ref="D-1", amount="2 000,00 €", pax=50, start="31/12/2030"),
        row(ref="D-2", amount="2 000,01 €"),
        row(ref="D-3", pax=51),
        row(ref="D-4", start="31/12/2019"),
        row(ref="D-5", start="01/01/2026", end="01/01/2031"),
        limits=limits,
    )
    assert [d.ref for d in parsed.dossiers] == ["D-1"]
    assert [(a.where.row, a.kind) for a in parsed.anomalies] == [
        (3, A.INVALID_AMOUNT),
        (4, A.INVALID_PAX),
        (5, A.INVALID_DATE),
        (6, A.INVALID_DATE),
    ]
    assert "du 01/01/2020 au 31/12/2030" in parsed.anomalies[2].message


def test_a_duplicate_reference_reports_both_rows_and_keeps_neither():
    parsed = parse(row(ref="D-7"), row(ref="D-8"), row(ref="D-7", partner="cahors", direction="vente"))
    assert [d.ref for d in parsed.dossiers] == ["D-8"]
    assert [(a.kind, a.where.row) for a in parsed.anomalies] == [(A.DUPLICATE, 2), (A.DUPLICATE, 4)]
    assert "ligne 4" in parsed.anomalies[0].message
    assert [d.where.row for d in parsed.duplicates] == [2, 4]


def test_references_differing_only_by_case_or_spaces_are_duplicates():
    parsed = parse(row(ref="cah-26-001"), row(ref=" CAH-26-001 "), row(ref="CAH-26-002"))
    assert [d.ref for d in parsed.dossiers] == ["CAH-26-002"]
    assert [(a.kind, a.where.row, a.value) for a in parsed.anomalies] == [
        (A.DUPLICATE, 2, "cah-26-001"),
        (A.DUPLICATE, 3, "CAH-26-001"),
    ]
    assert "ligne 3" in parsed.anomalies[0].message
    assert [d.ref for d in parsed.duplicates] == ["cah-26-001", "CAH-26-001"], "kept as typed"


def test_no_header_row_is_one_anomaly():
    parsed = parse_dossiers(
        Sheet("x.xlsx", "Dossiers", [["a", "b"], [1, 2]]), "cahors", DOSSIER_HEADERS, WORDS, MEMBERS
    )
    assert [a.kind for a in parsed.anomalies] == [A.MISSING_HEADER]


def test_a_missing_required_column_is_named():
    parsed = parse(["D-1", "X", 3], header=["Référence", "Client", "Pax"])
    [anomaly] = parsed.anomalies
    assert anomaly.kind is A.MISSING_COLUMN and anomaly.column == "Date" and anomaly.where.row == 1
