"""Reading an office's tab as people fill it: every problem points at sheet, row, column, value."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from factories import MEMBERS

from lotsync.books import words_from
from lotsync.config import Config
from lotsync.dossiers import Sheet, parse_dossiers
from lotsync.layout import DOSSIER_HEADERS
from lotsync.model import AnomalyKind as A
from lotsync.model import Direction, Kind, Status

CONFIG = Config.model_validate(
    {
        "shared": {"source": "collectif.xlsx"},
        "members": [
            {"id": m.id, "name": m.name, "aliases": list(m.aliases), "source": f"{m.id}.xlsx"}
            for m in MEMBERS
        ],
    }
)
WORDS = words_from(CONFIG)
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


def parse(*rows, header=HEADER, title=()):
    sheet = Sheet("dordogne.xlsx", "Dossiers", [*title, header, *rows])
    return parse_dossiers(sheet, "dordogne", DOSSIER_HEADERS, WORDS, MEMBERS)


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


def test_a_duplicate_reference_reports_both_rows_and_keeps_neither():
    parsed = parse(row(ref="D-7"), row(ref="D-8"), row(ref="D-7", partner="cahors", direction="vente"))
    assert [d.ref for d in parsed.dossiers] == ["D-8"]
    assert [(a.kind, a.where.row) for a in parsed.anomalies] == [(A.DUPLICATE, 2), (A.DUPLICATE, 4)]
    assert "ligne 4" in parsed.anomalies[0].message
    assert [d.where.row for d in parsed.duplicates] == [2, 4]


def test_no_header_row_is_one_anomaly():
    parsed = parse_dossiers(
        Sheet("x.xlsx", "Dossiers", [["a", "b"], [1, 2]]), "cahors", DOSSIER_HEADERS, WORDS, MEMBERS
    )
    assert [a.kind for a in parsed.anomalies] == [A.MISSING_HEADER]


def test_a_missing_required_column_is_named():
    parsed = parse(["D-1", "X", 3], header=["Référence", "Client", "Pax"])
    [anomaly] = parsed.anomalies
    assert anomaly.kind is A.MISSING_COLUMN and anomaly.column == "Date" and anomaly.where.row == 1
