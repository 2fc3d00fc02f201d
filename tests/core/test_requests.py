"""Group requests (`lotsync/core/requests.py`): read from the `Demandes` tab, routed, followed up.

The tab is people's or a form plugin's: a title block, headers by synonyms, a blank status meaning a
new request. A request is kept whenever it can be known; what is wrong in it is an anomaly naming
the cell. Its age and lateness are in working days (weekends and French public holidays excluded).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lotsync.core.cells import normalize
from lotsync.core.dossiers import Sheet
from lotsync.core.layout import REQUEST_HEADERS, REQUEST_REQUIRED, REQUEST_STATUS_WORDS
from lotsync.core.model import AnomalyKind, Direction, Dossier, Kind, RequestStatus, Status, Where
from lotsync.core.places import Gazetteer, Place
from lotsync.core.requests import RequestBook, RequestRules, follow_up, parse_requests

MEMBERS = ("cahors", "dordogne", "figeac")
ALIASES = {normalize(w): m for m in MEMBERS for w in (m, m.capitalize(), f"OT {m}")}
GAZETTEER = Gazetteer(
    [
        Place("Cahors", "cahors", "commune", "CA du Grand Cahors"),
        Place("Saint-Cirq-Lapopie", "cahors", "commune", "CA du Grand Cahors"),
        Place("Rocamadour", "dordogne", "commune", "CC Causses et Vallée de la Dordogne"),
        Place("Figeac", "figeac", "commune", "CC Grand-Figeac"),
        Place("Sarlat-la-Canéda", None, "commune", "CC Sarlat-Périgord Noir"),
    ]
)
STATUS_WORDS = {normalize(w): s for s, words in REQUEST_STATUS_WORDS.items() for w in (s, *words)}
RULES = RequestRules(REQUEST_HEADERS, STATUS_WORDS, GAZETTEER)
AS_OF = date(2026, 11, 26)  # a Thursday

HEADER = (
    "N° demande", "Reçue le", "Demandeur", "Structure", "E-mail", "Téléphone", "Pax",
    "Lieux souhaités", "Lieu de séjour", "Attribuée à", "Statut", "Motif", "Répondu le", "Réf. dossier",
)  # fmt: skip


def row(**cells: Any) -> tuple[Any, ...]:
    """A request row in HEADER's order, from the fields of `REQUEST_HEADERS` given."""
    fields = ("number", "received", "requester", "structure", "email", "phone", "pax", "places",
              "stay", "assigned", "status", "reason", "answered", "dossier")  # fmt: skip
    return tuple(cells.get(f) for f in fields)


def sheet(*rows: tuple[Any, ...]) -> Sheet:
    title = ("Demandes reçues par le site groupes-lot.com",)
    return Sheet("collectif.xlsx", "Demandes", [title, (), HEADER, *rows])


def parsed(*rows: tuple[Any, ...]) -> tuple[list[Any], list[Any]]:
    return parse_requests(sheet(*rows), RULES, REQUEST_REQUIRED, ALIASES, MEMBERS)


def followed(
    *rows: tuple[Any, ...], rules: RequestRules = RULES, dossiers: tuple[Dossier, ...] = ()
) -> RequestBook:
    requests, anomalies = parse_requests(sheet(*rows), rules, REQUEST_REQUIRED, ALIASES, MEMBERS)
    return follow_up(requests, rules, dossiers, MEMBERS, AS_OF, anomalies)


def dossier(office: str, ref: str) -> Dossier:
    return Dossier(
        office, ref, "Lycée Champollion", Kind.DAY, date(2027, 5, 12), None, 40, Status.CONFIRMED,
        Decimal("1800.00"), None, Direction.SALE, None, None, Where(f"{office}.xlsx", "Dossiers", 9),
    )  # fmt: skip


# -- reading the tab ---------------------------------------------------------------------------


def test_a_request_under_a_title_block_is_read_with_a_blank_status_as_new() -> None:
    requests, anomalies = parsed(
        row(received=date(2026, 11, 24), requester="Marie Dupont", email="m.dupont@example.org", pax=32)
    )

    assert anomalies == []
    [request] = requests
    assert request.where == Where("collectif.xlsx", "Demandes", 4)
    assert (request.received, request.requester, request.pax) == (date(2026, 11, 24), "Marie Dupont", 32)
    assert request.status is RequestStatus.NEW and request.assigned is None


def test_a_form_plugin_s_timestamp_and_status_synonyms_are_understood() -> None:
    requests, anomalies = parsed(
        row(received="24/11/2026 14:32:10", requester="A", status="Devis", assigned="OT Figeac"),
        row(received=datetime(2026, 11, 24, 9, 5), requester="B", status="gagné", assigned="dordogne"),
    )

    assert anomalies == []
    assert [(r.received, r.status, r.assigned) for r in requests] == [
        (date(2026, 11, 24), RequestStatus.QUOTED, "figeac"),
        (date(2026, 11, 24), RequestStatus.CONFIRMED, "dordogne"),
    ]


def test_an_unknown_office_leaves_the_request_unassigned_and_says_which_cell() -> None:
    requests, [anomaly] = parsed(row(received=date(2026, 11, 24), requester="A", assigned="Gourdon"))

    assert requests[0].assigned is None, "the request is still followed up"
    assert anomaly.kind is AnomalyKind.UNKNOWN_MEMBER
    assert (anomaly.where.row, anomaly.column, anomaly.value) == (4, "Attribuée à", "Gourdon")
    assert "cahors, dordogne, figeac" in anomaly.message


def test_a_bad_pax_is_left_out_and_the_request_kept() -> None:
    requests, [anomaly] = parsed(row(received=date(2026, 11, 24), requester="A", pax="beaucoup"))

    assert requests[0].pax is None
    assert (anomaly.kind, anomaly.column, anomaly.value) == (AnomalyKind.INVALID_PAX, "Pax", "beaucoup")


def test_a_budget_per_person_is_read_as_its_amount() -> None:
    sheet_ = Sheet(
        "collectif.xlsx",
        "Demandes",
        [("Reçue le", "Demandeur", "Budget"), *((date(2026, 11, 24), n, b) for n, b in (
            ("A", "45 €/pers"), ("B", "30 € par personne"), ("C", 1500), ("D", "beaucoup"),
        ))],
    )  # fmt: skip

    requests, [anomaly] = parse_requests(sheet_, RULES, REQUEST_REQUIRED, ALIASES, MEMBERS)

    assert [r.budget for r in requests] == [Decimal("45.00"), Decimal("30.00"), Decimal("1500.00"), None]
    assert (anomaly.kind, anomaly.value) == (AnomalyKind.INVALID_AMOUNT, "beaucoup")


def test_an_unknown_status_leaves_the_row_out_with_the_words_to_use() -> None:
    requests, [anomaly] = parsed(row(received=date(2026, 11, 24), requester="A", status="peut-être"))

    assert requests == []
    assert anomaly.kind is AnomalyKind.INVALID_STATUS
    assert "nouvelle, transmise, devis envoyé" in anomaly.message


def test_a_row_without_a_date_or_anyone_to_answer_cannot_be_followed() -> None:
    requests, anomalies = parsed(row(requester="A"), row(received=date(2026, 11, 24), pax=10))

    assert requests == []
    assert [(a.kind, a.where.row, a.column) for a in anomalies] == [
        (AnomalyKind.MISSING_VALUE, 4, "Reçue le"),
        (AnomalyKind.MISSING_VALUE, 5, "Demandeur"),
    ]


def test_the_same_request_twice_is_counted_once() -> None:
    same = row(received=date(2026, 11, 24), requester="Marie Dupont", email="M.Dupont@example.org")
    numbered = row(number="W-12", received=date(2026, 11, 25), requester="A")

    requests, anomalies = parsed(same, same, numbered, row(number="w-12", received=date(2026, 11, 26)))

    assert [r.where.row for r in requests] == [4, 6]
    assert [(a.kind, a.where.row) for a in anomalies] == [
        (AnomalyKind.DUPLICATE, 5),
        (AnomalyKind.DUPLICATE, 7),
    ]
    assert "ligne 4" in anomalies[0].message and "ligne 6" in anomalies[1].message


def test_a_reply_before_the_request_is_ignored() -> None:
    requests, [anomaly] = parsed(row(received=date(2026, 11, 24), requester="A", answered=date(2026, 11, 2)))

    assert requests[0].answered is None
    assert anomaly.column == "Répondu le" and "24/11/2026" in anomaly.message


# -- following up ------------------------------------------------------------------------------


def test_late_after_two_working_days_across_a_weekend() -> None:
    """As of Thursday 26 November: received Monday (3 working days) is late, Tuesday (2) is not."""
    book = followed(
        row(received=date(2026, 11, 23), requester="lundi"),
        row(received=date(2026, 11, 24), requester="mardi"),
        row(received=date(2026, 11, 20), requester="vendredi, répondu", answered=date(2026, 11, 24)),
    )

    assert [(line.request.requester, line.age, line.late) for line in book.lines] == [
        ("lundi", 3, True),
        ("mardi", 2, False),
        ("vendredi, répondu", 4, False),
    ]
    assert book.lines[2].reply_days == 2  # Friday → Tuesday


def test_the_eleventh_of_november_is_not_a_working_day() -> None:
    """Received Tuesday 10 November 2026: the 11th is a holiday, so two working days is the 13th."""
    rules = RULES._replace(reply_within=2)
    requests, _ = parse_requests(
        sheet(row(received=date(2026, 11, 10), requester="A")), rules, REQUEST_REQUIRED, ALIASES, MEMBERS
    )

    on_the_13th = follow_up(requests, rules, (), MEMBERS, date(2026, 11, 13))
    on_the_16th = follow_up(requests, rules, (), MEMBERS, date(2026, 11, 16))

    assert (on_the_13th.lines[0].age, on_the_13th.lines[0].late) == (2, False)
    assert (on_the_16th.lines[0].age, on_the_16th.lines[0].late) == (3, True)


def test_a_person_s_office_wins_over_the_suggestion() -> None:
    book = followed(row(received=date(2026, 11, 24), requester="A", stay="Rocamadour", assigned="Figeac"))

    [line] = book.lines
    assert line.routing.suggested == "dordogne"
    assert (line.office, line.by_suggestion) == ("figeac", False)


def test_with_assign_suggested_an_unassigned_request_goes_to_the_suggested_office() -> None:
    book = followed(
        row(received=date(2026, 11, 24), requester="A", places="Saint-Cirq-Lapopie, Figeac"),
        row(received=date(2026, 11, 24), requester="B", places="Sarlat-la-Canéda"),
        rules=RULES._replace(assign_suggested=True),
    )

    assert [(line.office, line.by_suggestion) for line in book.lines] == [("cahors", True), (None, False)]
    assert book.lines[0].routing.partners == ("figeac",)


def test_a_request_becomes_a_dossier_through_its_reference_in_the_office_s_sheet() -> None:
    book = followed(
        row(
            received=date(2026, 3, 2),
            requester="A",
            assigned="Cahors",
            status="confirmée",
            dossier="cah-2026-014",
        ),
        row(
            received=date(2026, 3, 3),
            requester="B",
            assigned="Cahors",
            status="confirmée",
            dossier="CAH-2026-999",
        ),
        dossiers=(dossier("cahors", "CAH-2026-014"),),
    )

    assert book.lines[0].dossier is not None and book.lines[0].dossier.ref == "CAH-2026-014"
    [anomaly] = book.anomalies
    assert (anomaly.kind, anomaly.where.row, anomaly.column) == (
        AnomalyKind.UNKNOWN_DOSSIER,
        5,
        "Réf. dossier",
    )
    assert "CAH-2026-999" in anomaly.message and "cahors" in anomaly.message


def test_an_unread_office_s_dossiers_are_not_called_unknown() -> None:
    requests, _ = parsed(row(received=date(2026, 3, 2), requester="A", assigned="Cahors", dossier="CAH-1"))

    book = follow_up(requests, RULES, (), MEMBERS, AS_OF, unread=frozenset({"cahors"}))

    assert book.anomalies == ()


def test_requests_closed_more_than_the_retention_ago_are_left_out() -> None:
    book = followed(
        row(received=date(2023, 3, 1), requester="ancienne", status="perdue", answered=date(2023, 3, 6)),
        row(received=date(2023, 12, 1), requester="récente", status="perdue", answered=date(2023, 12, 4)),
        row(received=date(2023, 3, 1), requester="ouverte", status="devis envoyé"),
    )

    assert [r.requester for r in book.expired] == ["ancienne"]  # answered before 26/11/2023
    assert [line.request.requester for line in book.lines] == ["récente", "ouverte"]


def test_the_funnel_per_office_and_year() -> None:
    book = followed(
        row(
            received=date(2026, 1, 5),
            requester="A",
            assigned="Cahors",
            status="confirmée",
            answered=date(2026, 1, 7),
        ),
        row(
            received=date(2026, 2, 2),
            requester="B",
            assigned="Cahors",
            status="perdue",
            reason="prix",
            answered=date(2026, 2, 6),
        ),
        row(
            received=date(2026, 3, 2),
            requester="C",
            assigned="Cahors",
            status="perdue",
            answered=date(2026, 3, 3),
        ),
        row(
            received=date(2026, 4, 1),
            requester="D",
            assigned="Cahors",
            status="devis envoyé",
            answered=date(2026, 4, 3),
        ),
        row(received=date(2026, 11, 24), requester="E", assigned="Cahors"),
        row(received=date(2025, 6, 1), requester="F", assigned="Figeac", status="sans suite"),
        row(received=date(2026, 11, 25), requester="G"),
    )

    cahors, figeac, unassigned = book.funnel
    assert (cahors.office, cahors.year) == ("cahors", 2026)
    assert (cahors.received, cahors.answered, cahors.quoted, cahors.confirmed) == (5, 4, 2, 1)
    assert cahors.lost == (("non précisé", 1), ("prix", 1))
    assert cahors.conversion == Decimal("0.2000")
    assert cahors.median_reply_days == Decimal("2")  # replies of 2, 4, 1 and 2 working days
    assert (figeac.office, figeac.year, figeac.dropped, figeac.median_reply_days) == ("figeac", 2025, 1, None)
    assert (unassigned.office, unassigned.received) == (None, 1)


def test_open_requests_late_first_then_by_office() -> None:
    book = followed(
        row(received=date(2026, 11, 25), requester="récente", assigned="Figeac"),
        row(received=date(2026, 11, 16), requester="en retard", assigned="Figeac"),
        row(received=date(2026, 11, 24), requester="cahors", assigned="Cahors", status="devis envoyé"),
        row(received=date(2026, 11, 24), requester="à attribuer"),
        row(received=date(2026, 11, 2), requester="close", assigned="Cahors", status="perdue"),
    )

    assert [line.request.requester for line in book.open_lines] == [
        "en retard",
        "cahors",
        "récente",
        "à attribuer",
    ]
    assert [line.request.requester for line in book.for_office("figeac")] == ["en retard", "récente"]


def test_a_request_s_identity_never_shows_who_asked() -> None:
    requests, _ = parsed(
        row(received=date(2026, 11, 24), requester="Marie Dupont", email="m.dupont@example.org"),
        row(number="W-12", received=date(2026, 11, 24), requester="Paul Martin"),
    )

    unnumbered, numbered = (r.key for r in requests)
    assert unnumbered.startswith("r:") and "dupont" not in unnumbered.casefold()
    assert numbered == "n:w-12"  # a number is no contact detail


def test_a_wanted_date_read_as_a_serial_number_is_a_date() -> None:
    """Google gives a date cell as its serial number: 46520 is 13 May 2027."""
    sheet_ = Sheet(
        "collectif", "Demandes", [("Reçue le", "Demandeur", "Date souhaitée"), (46350, "A", 46520)]
    )

    [request], anomalies = parse_requests(sheet_, RULES, REQUEST_REQUIRED, ALIASES, MEMBERS)

    assert anomalies == [] and (request.received, request.wanted) == (date(2026, 11, 24), "13/05/2027")


def test_the_free_message_is_never_read_for_places() -> None:
    """« Bach » is a commune of the Lot, and so is Figeac: a message is not a place field."""
    sheet_ = Sheet(
        "collectif",
        "Demandes",
        [
            ("Reçue le", "Demandeur", "Message", "Lieux souhaités"),
            (date(2026, 11, 24), "Jean Bach", "Nous aimerions voir Figeac et Rocamadour.", None),
            (date(2026, 11, 24), "Anne", "Peu importe, surprenez-nous !", "Cahors"),
        ],
    )
    requests, _ = parse_requests(sheet_, RULES, REQUEST_REQUIRED, ALIASES, MEMBERS)

    book = follow_up(requests, RULES, (), MEMBERS, AS_OF)

    assert [line.routing.suggested for line in book.lines] == [None, "cahors"]
    assert book.lines[0].routing.because.name == "NO_KNOWN_PLACE"


def test_no_anomaly_ever_shows_a_requester_s_e_mail() -> None:
    only_email = row(received=date(2026, 11, 24), email="m.dupont@example.org", pax="beaucoup")

    _, anomalies = parsed(only_email, only_email)

    assert [a.kind for a in anomalies] == [
        AnomalyKind.INVALID_PAX,
        AnomalyKind.INVALID_PAX,
        AnomalyKind.DUPLICATE,
    ]
    assert "example.org" not in repr(anomalies)
