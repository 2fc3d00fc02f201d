"""Composing a digest into a MIME message: its structure, French text, and headers nobody can inject."""

from __future__ import annotations

import base64
import quopri
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_currency

from lotsync.adapters import french as adapters_french
from lotsync.adapters.mail import (
    CHANNEL_RECIPIENT,
    channel_recipients,
    clean_header,
    compose,
    is_channel_address,
    new_message_id,
    parse_address,
    recipients_of,
    shown,
)
from lotsync.core import french

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
CID = "chiffre-affaires@lotsync"
AMOUNT = format_currency(1234.5, "EUR", locale="fr_FR")  # Babel's own spaces: "1 234,50 €"
SENDER = "Collectif du Lot <digest@ot-lot.fr>"
MONDAY = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Europe/Paris"))


@dataclass
class Rendered:
    """What `lotsync.adapters.digest_render` hands over; a stand-in with the same attributes."""

    subject: str = "Collectif du Lot — Cahors — semaine du lundi 23 novembre 2026"
    text: str = (
        "Bonjour Florence,\n\nVous devez 1 234,50 € à Figeac ; "
        f"Dordogne vous doit {AMOUNT}.\nÀ corriger : « Réservé » sans date.\n"
    )
    html: str = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f"<p>Vous devez <b>1 234,50 €</b> à Figeac ; Dordogne vous doit {AMOUNT}.</p>"
        f'<p>À corriger : « Réservé » sans date.</p><img src="cid:{CID}" alt="Chiffre d\'affaires">'
        "</body></html>"
    )
    chart_png: bytes | None = PNG
    chart_cid: str = CID


def reparsed(message: EmailMessage) -> EmailMessage:
    """The message as a mail client would read it: serialized, then parsed by the `email` package."""
    return message_from_bytes(message.as_bytes(), policy=default)


def lines(text: str) -> str:
    """Text as written: on the wire every line ends with CRLF."""
    return text.replace("\r\n", "\n")


# -- structure -----------------------------------------------------------------------------------


def test_text_first_then_html_with_the_chart_inline() -> None:
    message = reparsed(compose(Rendered(), SENDER, ["florence@ot-cahors.fr"], date=MONDAY))

    assert message.get_content_type() == "multipart/alternative"
    text, related = message.get_payload()
    assert text.get_content_type() == "text/plain"
    assert text.get_content_charset() == "utf-8"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert html.get_content_charset() == "utf-8"
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == f"<{CID}>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    assert f'src="cid:{CID}"' in html.get_content()
    assert lines(text.get_content()) == Rendered.text
    assert lines(html.get_content()).rstrip("\n") == Rendered.html


def test_headers_subject_from_to_date_and_message_id() -> None:
    message = reparsed(
        compose(
            Rendered(),
            SENDER,
            ["Florence Martin <florence@ot-cahors.fr>", "accueil@ot-cahors.fr"],
            message_id_domain="ot-lot.fr",
            date=MONDAY,
        )
    )

    assert message["Subject"] == Rendered.subject
    assert message["From"].addresses[0].addr_spec == "digest@ot-lot.fr"
    assert message["From"].addresses[0].display_name == "Collectif du Lot"
    assert [a.addr_spec for a in message["To"].addresses] == ["florence@ot-cahors.fr", "accueil@ot-cahors.fr"]
    assert parsedate_to_datetime(message["Date"]) == MONDAY
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@ot-lot.fr>")
    assert message["MIME-Version"] == "1.0"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "fr"
    assert all("MIME-Version" not in part for part in message.walk() if part is not message)


def test_each_message_has_its_own_message_id() -> None:
    ids = {compose(Rendered(), SENDER, ["a@ot-lot.fr"])["Message-ID"] for _ in range(20)}
    assert len(ids) == 20


def test_without_a_chart_the_html_part_stands_alone() -> None:
    message = reparsed(compose(Rendered(chart_png=None, html="<p>Rien à signaler.</p>"), SENDER, ["a@b.fr"]))

    assert [p.get_content_type() for p in message.get_payload()] == ["text/plain", "text/html"]
    assert message.get_payload()[1].get_content().strip() == "<p>Rien à signaler.</p>"


def test_chart_cid_given_in_angle_brackets_is_not_doubled() -> None:
    message = compose(Rendered(chart_cid=f"<{CID}>"), SENDER, ["a@b.fr"])
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == f"<{CID}>"


@pytest.mark.parametrize("cid", ["", "a b@c", "x\r\nBcc: y@z", "é@lotsync"])
def test_an_unusable_chart_cid_is_refused(cid: str) -> None:
    with pytest.raises(ValueError, match="Identifiant d'image invalide"):
        compose(Rendered(chart_cid=cid), SENDER, ["a@b.fr"])


# -- French text ---------------------------------------------------------------------------------


def test_french_text_survives_the_wire_and_the_wire_is_seven_bit() -> None:
    message = compose(
        Rendered(), "Équipe du Collectif <digest@ot-lot.fr>", ["Élodie Müller <e@ot-figeac.fr>"]
    )
    raw = message.as_bytes()

    assert raw.isascii()  # quoted-printable bodies, RFC 2047 headers: no server can mangle it
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    back = message_from_bytes(raw, policy=default)
    assert back["Subject"] == Rendered.subject
    assert back["From"].addresses[0].display_name == "Équipe du Collectif"
    assert back["To"].addresses[0].display_name == "Élodie Müller"
    text, related = back.get_payload()
    assert "1 234,50 €" in text.get_content()
    assert AMOUNT in text.get_content()
    assert "« Réservé »" in text.get_content()
    assert AMOUNT in related.get_payload()[0].get_content()


def test_an_internationalized_domain_goes_out_as_punycode() -> None:
    message = reparsed(compose(Rendered(), SENDER, ["office@tourisme-lot-échanges.fr"]))
    assert message["To"].addresses[0].domain == "xn--tourisme-lot-changes-n2b.fr"
    assert "tourisme-lot-échanges.fr".encode("idna") == b"xn--tourisme-lot-changes-n2b.fr"


# -- header injection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        "Semaine 48\r\nBcc: evil@x.com",
        "Semaine 48\nBcc: evil@x.com",
        "Semaine 48\rBcc: evil@x.com",
        "Semaine 48\u2028Bcc: evil@x.com",
        "Semaine 48\x85Bcc: evil@x.com",
        "Semaine 48\r\n\r\nCorps injecté",
    ],
)
def test_a_line_break_in_the_subject_cannot_add_a_header(subject: str) -> None:
    message = compose(Rendered(subject=subject), SENDER, ["a@b.fr"])
    raw = message.as_bytes()
    back = message_from_bytes(raw, policy=default)

    assert back["Bcc"] is None
    assert recipients_of(back) == ["a@b.fr"]
    assert "\n" not in back["Subject"] and "\r" not in back["Subject"]
    assert back["Subject"].startswith("Semaine 48 ")
    assert not any(line.lower().startswith(b"bcc:") for line in raw.split(b"\r\n"))
    assert back.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize(
    "recipient",
    [
        "a@b.c\r\nBcc: x@y.fr",
        "a@b.c\nBcc: x@y.fr",
        "a@b.c\rCc: x@y.fr",
        "a@b.c, x@y.fr",  # two addresses where one is expected
        "a@b.c; x@y.fr",
        "Groupe: a@b.c, x@y.fr;",
        "pas une adresse",
        "nope",
        "a@",
        "@b.fr",
        "<>",
        "",
        "   ",
        "é@ot-lot.fr",  # would need SMTPUTF8, which many servers refuse
    ],
)
def test_a_recipient_that_is_not_exactly_one_address_is_refused(recipient: str) -> None:
    with pytest.raises(ValueError, match="Adresse e-mail invalide") as caught:
        compose(Rendered(), SENDER, ["ok@ot-lot.fr", recipient])
    assert "destinataire" in str(caught.value)


@pytest.mark.parametrize(
    "recipient",
    ["Florence\r\nBcc: evil@x.com\r\n <f@ot-cahors.fr>", "Florence <f@ot-cahors.fr>\r\nBcc: evil@x.com"],
)
def test_a_line_break_around_a_display_name_is_refused(recipient: str) -> None:
    with pytest.raises(ValueError, match="Adresse e-mail invalide"):
        compose(Rendered(), SENDER, [recipient])


def test_a_display_name_with_a_comma_or_accents_stays_one_address() -> None:
    back = reparsed(compose(Rendered(), SENDER, ['"Martin, Florence" <f@ot-cahors.fr>', "Zoé <z@b.fr>"]))
    assert [(a.display_name, a.addr_spec) for a in back["To"].addresses] == [
        ("Martin, Florence", "f@ot-cahors.fr"),
        ("Zoé", "z@b.fr"),
    ]


def test_the_sender_is_checked_too() -> None:
    with pytest.raises(ValueError, match=r"Adresse e-mail invalide \(expéditeur\)"):
        compose(Rendered(), "lotsync@ot-lot.fr\r\nBcc: x@y.fr", ["a@b.fr"])


def test_no_recipient_is_refused() -> None:
    with pytest.raises(ValueError, match="Aucun destinataire"):
        compose(Rendered(), SENDER, [])


def test_a_bare_string_is_one_recipient_and_duplicates_are_dropped() -> None:
    assert recipients_of(compose(Rendered(), SENDER, "a@b.fr")) == ["a@b.fr"]
    assert recipients_of(compose(Rendered(), SENDER, ["a@b.fr", "A@B.fr", "c@b.fr"])) == ["a@b.fr", "c@b.fr"]


# -- recipients on another channel ---------------------------------------------------------------

HOOK = "https://hooks.example.org/services/T0/B0/s3cr3t?token=abc"


def test_a_recipient_on_another_channel_travels_in_its_own_header_not_in_to() -> None:
    message = reparsed(compose(Rendered(), SENDER, ["a@b.fr", HOOK, "tg:-100123", HOOK]))

    assert recipients_of(message) == ["a@b.fr"], "mail transports see only addresses"
    assert channel_recipients(message) == [HOOK, "tg:-100123"], "in order, once each"
    assert message.get_all(CHANNEL_RECIPIENT) == [HOOK, "tg:-100123"]


def test_a_message_for_another_channel_alone_has_no_to() -> None:
    message = compose(Rendered(), SENDER, [HOOK])

    assert message["To"] is None and channel_recipients(message) == [HOOK]


@pytest.mark.parametrize(
    "recipient",
    ["https://hooks.example.org/a\r\nBcc: x@y.fr", "https://hooks.example.org/a b", "mailto:a@b.fr"],
)
def test_what_is_not_a_plain_uri_is_read_as_an_address(recipient: str) -> None:
    assert not is_channel_address(recipient)
    with pytest.raises(ValueError, match="Adresse e-mail invalide"):
        compose(Rendered(), SENDER, [recipient])


def test_what_is_shown_of_a_recipient_never_holds_a_channels_secret() -> None:
    assert shown("Florence <florence@ot-cahors.fr>") == "Florence <florence@ot-cahors.fr>"
    assert shown(HOOK) == "https://hooks.example.org/…"
    assert shown("https://user:pw@hooks.example.org:8443/x") == "https://hooks.example.org:8443/…"
    assert shown("tg:-100123") == "tg:…"


def test_clean_header_and_parse_address_helpers() -> None:
    assert clean_header("  Semaine\t48 \r\n — Cahors\x00 ") == "Semaine 48 — Cahors"
    address = parse_address("  Florence\tMartin  <florence@ot-cahors.fr> ")
    assert (address.display_name, address.addr_spec) == ("Florence Martin", "florence@ot-cahors.fr")


# -- the Message-ID, chosen before sending -------------------------------------------------------


def test_a_message_id_chosen_in_advance_is_the_one_sent() -> None:
    """The send log notes the Message-ID before the mail leaves; a resend carries the same one."""
    chosen = new_message_id("ot-lot.fr")
    assert chosen.startswith("<") and chosen.endswith("@ot-lot.fr>")
    first = reparsed(compose(Rendered(), SENDER, ["a@b.fr"], message_id=chosen))
    again = reparsed(compose(Rendered(), SENDER, ["a@b.fr"], message_id=chosen))
    assert first["Message-ID"] == again["Message-ID"] == chosen
    bare = compose(Rendered(), SENDER, ["a@b.fr"], message_id=chosen.strip("<>"))
    assert bare["Message-ID"] == chosen


@pytest.mark.parametrize(
    "message_id", ["", "<>", "pas-un-identifiant", "<a@b.fr>\r\nBcc: x@y.fr", "<é@b.fr>", "<a b@c>"]
)
def test_an_unusable_message_id_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="Identifiant de message invalide"):
        compose(Rendered(), SENDER, ["a@b.fr"], message_id=message_id)


# -- the subject, as every mail program decodes it -----------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?]+)\?([qQbB])\?([^?]*)\?=")


def as_mail_programs_read_it(value: str) -> str:
    """A plain RFC 2047 decoder, as Thunderbird, Gmail or Outlook do it: unfold, decode each
    encoded word, drop the white space between two adjacent encoded words, keep all other."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value)
    parts, end, after_word = [], 0, False
    for found in _ENCODED_WORD.finditer(value):
        between = value[end : found.start()]
        if not (after_word and not between.strip()):
            parts.append(between)
        charset, encoding, text = found.groups()
        if encoding in "qQ":
            raw = quopri.decodestring(text.replace("_", " ").encode("ascii"))
        else:
            raw = base64.b64decode(text)
        parts.append(raw.decode(charset))
        end, after_word = found.end(), True
    parts.append(value[end:])
    return "".join(parts)


def wire_subject(raw: bytes) -> str:
    """The Subject header's value exactly as on the wire, folded lines and all."""
    [found] = re.findall(rb"^Subject: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", raw, flags=re.M)
    return found.decode("ascii")


def digest_subject(collective: str, office: str, monday: date) -> str:
    span = french.span(monday, monday + timedelta(days=6))
    return adapters_french.DIGEST_SUBJECT.format(collective=collective, office=office, span=span)


DEMO = "Collectif des offices de tourisme du Lot"
SUBJECTS = [
    # The one that came out as « OT Cahors —récapitulatif » (Python folded the dash alone).
    digest_subject(DEMO, "OT Cahors", date(2025, 12, 29)),
    digest_subject(DEMO, "OT Grand Figeac", date(2025, 12, 29)),
    digest_subject(DEMO, "Tous les offices", date(2026, 11, 23)),
    digest_subject(DEMO, "OT Vallée de la Dordogne", date(2026, 11, 30)),
    digest_subject(
        "Collectif Destination Vallée du Lot", "Grand Figeac – Vallées du Lot et du Célé", date(2026, 1, 26)
    ),
    digest_subject(
        "Offices de tourisme réunis de la vallée du Lot, du Célé et de la Dordogne (Quercy, Périgord)",
        "Office de Tourisme Vallée de la Dordogne — Rocamadour, Padirac, Collonges-la-Rouge et Turenne",
        date(2026, 12, 28),
    ),
    "[Lot] Cahors - semaine 48",  # plain ASCII stays plain
    "[Lot] =?utf-8?q?pas_un_mot_cod=C3=A9?= et _ ? = pour de vrai",  # looks encoded, is not
    "Ça va — « très » bien : 100 % ; 1 234,50 € ; 日本",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_decodes_the_same_in_every_mail_program(subject: str) -> None:
    raw = compose(Rendered(subject=subject), SENDER, ["a@b.fr"]).as_bytes()
    on_the_wire = wire_subject(raw)

    assert str(make_header(decode_header(on_the_wire))) == subject
    assert message_from_bytes(raw, policy=default)["Subject"] == subject
    assert as_mail_programs_read_it(on_the_wire) == subject
    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert raw.isascii() and max(len(line) for line in lines) <= 78
    assert not any(line.endswith((b" ", b"\t")) for line in lines), "no white space left at a fold"


def test_every_demo_subject_of_two_years_decodes_the_same() -> None:
    offices = ("OT Cahors", "OT Vallée de la Dordogne", "OT Grand Figeac", "Tous les offices")
    monday = date(2025, 12, 29)
    for week in range(105):
        for office in offices:
            subject = digest_subject(DEMO, office, monday + timedelta(weeks=week))
            on_the_wire = wire_subject(compose(Rendered(subject=subject), SENDER, ["a@b.fr"]).as_bytes())
            assert as_mail_programs_read_it(on_the_wire) == subject
            assert str(make_header(decode_header(on_the_wire))) == subject
