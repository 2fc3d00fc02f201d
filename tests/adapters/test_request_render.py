"""A request as a mail (`lotsync/adapters/request_render.py`): subject, escaped HTML, the text part."""

from __future__ import annotations

import email
import html
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from email.policy import default

from lotsync.adapters.mail import compose
from lotsync.adapters.request_render import (
    Notice,
    answer_due,
    render_assigned,
    render_late,
    what,
)
from lotsync.core.model import Where
from lotsync.core.places import Gazetteer, Place, route
from lotsync.core.requests import Request, RequestLine, RequestStatus

EVIL = "<script>alert(1)</script>"
NAMES = {"cahors": "OT Cahors", "dordogne": "OT Dordogne", "figeac": "OT Figeac"}
GAZETTEER = Gazetteer(
    [
        Place("Cahors", "cahors", "commune", "CA du Grand Cahors"),
        Place("Rocamadour", "dordogne", "commune", "CC Causses et Vallée de la Dordogne"),
        Place("Figeac", "figeac", "commune", "CC Grand-Figeac"),
    ]
)
SHEETS_LINK = "https://docs.google.com/spreadsheets/d/abc/edit#gid=7&range=A4"


def request(**changes: object) -> Request:
    base = Request(
        where=Where("collectif.xlsx", "Demandes", 4),
        key="n:w-12",
        number="W-12",
        received=date(2027, 4, 12),
        requester="Marie Dupont",
        structure="Club des aînés de Brive",
        email="marie.dupont@example.org",
        phone="06 12 34 56 78",
        group_type="Seniors",
        wanted="12/05/2027",
        duration="2 jours",
        pax=32,
        budget=Decimal("45.00"),
        places="Figeac, Cahors",
        stay="Rocamadour",
        message="Bonjour,\nnous aimerions visiter le Lot.",
        assigned="dordogne",
        status=RequestStatus.NEW,
        reason="",
        answered=None,
        dossier_ref="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def visible(markup: str) -> str:
    """What a mail client shows of the HTML: the text without its tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def notice(
    office: str | None = "dordogne",
    *,
    age: int = 1,
    late: bool = False,
    by_suggestion: bool = False,
    link: str = "collectif.xlsx",
    **changes: object,
) -> Notice:
    r = request(**changes)
    line = RequestLine(r, route(r.stay, r.places, GAZETTEER), office, by_suggestion, age, late, None, None)
    return Notice(line, "Groupes Lot", NAMES, link, 2)


def test_the_subject_names_the_structure_the_size_and_the_date() -> None:
    assert render_assigned(notice()).subject == (
        "[Groupes Lot] Nouvelle demande pour vous : Club des aînés de Brive, 32 pers., 12/05/2027"
    )


def test_a_late_request_s_subject_counts_working_days_and_says_when_nobody_has_it() -> None:
    assert render_late(notice(age=3, late=True)).subject == (
        "[Groupes Lot] Demande en retard (3 jours ouvrés) : Club des aînés de Brive, 32 pers., 12/05/2027"
    )
    assert render_late(notice(None, age=1, late=True)).subject == (
        "[Groupes Lot] Demande en retard, à attribuer (1 jour ouvré) : Club des aînés de Brive, 32 pers., "
        "12/05/2027"
    )


def test_the_subject_never_names_the_requester_and_stays_on_one_line() -> None:
    anonymous = notice(structure="", group_type="", pax=None, wanted="")
    assert what(anonymous.line) == "demande du 12/04/2027"
    assert "Marie Dupont" not in render_assigned(anonymous).subject

    typed = render_assigned(notice(structure="Club\r\ndes aînés\nBcc: x@evil.example", group_type="Scolaire"))
    assert "\n" not in typed.subject and "\r" not in typed.subject
    assert "Club des aînés Bcc: x@evil.example, 32 pers." in typed.subject

    by_type = notice(structure="", group_type="Scolaire")
    assert what(by_type.line) == "Scolaire, 32 pers., 12/05/2027"


def test_everything_needed_to_answer_is_in_both_parts() -> None:
    mail = render_assigned(notice(age=1, link=SHEETS_LINK))
    for part in (mail.text, visible(mail.html)):
        for shown in (
            "Marie Dupont",
            "Club des aînés de Brive",
            "marie.dupont@example.org",
            "06 12 34 56 78",
            "Seniors",
            "32",
            "12/05/2027",
            "2 jours",
            "45,00\u00a0€",
            "Figeac, Cahors",
            "Rocamadour",
            "nous aimerions visiter le Lot.",
            "Office suggéré",
            "OT Dordogne",
            "lieu de séjour : Rocamadour",
            "OT Figeac, OT Cahors",
            "lundi 12 avril 2027",
            "il y a 1 jour ouvré",
            "au plus tard le mercredi 14 avril 2027",
            "Demande n° W-12",
            "onglet « Demandes », ligne 4",
        ):
            assert shown in part, shown
    assert f'<a href="{SHEETS_LINK.replace("&", "&amp;")}"' in mail.html
    assert f"Ouvrir la ligne : {SHEETS_LINK}" in mail.text
    assert '<a href="mailto:marie.dupont@example.org"' in mail.html
    assert '<a href="tel:0612345678"' in mail.html
    assert "Bonjour,<br>nous aimerions" in mail.html, "the message's line breaks are kept"
    assert "Attribuée à OT Dordogne dans l'onglet « Demandes »" in mail.text


def test_a_request_assigned_by_the_suggestion_says_so() -> None:
    mail = render_assigned(notice(by_suggestion=True, assigned=None))
    assert "Attribuée d'office à OT Dordogne, l'office suggéré d'après les lieux de la demande." in mail.text


def test_a_late_assigned_request_says_it_is_late_and_who_is_told() -> None:
    assigned = render_assigned(notice(age=3, late=True))
    assert "EN RETARD : la réponse était attendue au plus tard le mercredi 14 avril 2027" in assigned.text
    late = render_late(notice(age=3, late=True))
    assert "Demande en retard : 3 jours ouvrés sans réponse" in late.text
    assert "Ce rappel part une seule fois, à OT Dordogne et au collectif." in late.text
    assert "Marie Dupont" in late.text and "marie.dupont@example.org" in late.html


def test_a_late_request_nobody_has_waits_for_someone_to_assign_it() -> None:
    late = render_late(notice(None, age=3, late=True, assigned=None))
    for part in (late.text, late.html):
        assert "Aucun office n'a cette demande : elle attend qu'une personne du collectif l'attribue" in part
        assert "(office suggéré : OT Dordogne)" in part
        assert "au collectif." in part


def test_html_is_escaped_and_the_text_part_is_as_typed() -> None:
    mail = render_assigned(
        notice(requester=EVIL, message='<img src=x onerror="alert(2)">\nfin', structure="A & B <b>")
    )
    assert "<script" not in mail.html and "<img" not in mail.html and "<b>" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;<br>fin" in mail.html
    assert "A &amp; B &lt;b&gt;" in mail.html
    assert EVIL in mail.text, "the text part is plain text: nothing to escape"


def test_only_a_plain_address_or_number_is_made_a_link() -> None:
    odd = render_assigned(notice(email="javascript:alert(1)//@x.fr", phone="le soir"))
    assert "mailto:" not in odd.html and "tel:" not in odd.html
    assert "javascript:alert(1)//@x.fr" in odd.html, "still shown, as text"

    blank = render_assigned(notice(email="", phone="", budget=None, pax=None, message=""))
    assert blank.text.count("non indiqué") == 4
    assert "Pas de message." in blank.text


def test_a_local_workbook_is_named_with_its_row() -> None:
    mail = render_assigned(notice(link="collectif.xlsx"))
    assert "collectif.xlsx, onglet « Demandes », ligne 4." in mail.text
    assert "<a href" not in mail.html.split("La demande dans le tableur")[1]


def test_no_office_of_the_collective_among_the_places() -> None:
    mail = render_assigned(notice(stay="Brive", places="Sarlat"))
    assert "Aucun office suggéré (aucun lieu connu du collectif ; lieux inconnus" in mail.text
    assert "Aucun autre office du collectif parmi les lieux demandés." in mail.text


def test_the_answer_is_due_after_working_days_only() -> None:
    assert answer_due(date(2027, 4, 12), 2) == date(2027, 4, 14)  # Monday → Wednesday
    assert answer_due(date(2027, 4, 9), 2) == date(2027, 4, 13)  # Friday → Tuesday
    assert answer_due(date(2027, 3, 26), 2) == date(2027, 3, 31), "Easter Monday 29 March 2027 is off"
    assert answer_due(date(2027, 4, 12), 0) == date(2027, 4, 12)


def test_the_mail_composes_into_a_text_and_an_html_part() -> None:
    mail = render_late(notice(age=3, late=True))
    message = compose(mail, "lotsync <lotsync@groupes-lot.fr>", ["groupes@ot-dordogne.fr"])
    parsed = email.message_from_bytes(message.as_bytes(), policy=default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert str(parsed["Subject"]) == mail.subject
    text = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Demande en retard : 3 jours ouvrés sans réponse" in text
    assert re.search(r"<title>\[Groupes Lot\] Demande en retard", mail.html)
