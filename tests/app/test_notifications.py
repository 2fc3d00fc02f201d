"""Requests' notifications (`lotsync/app/notifications.py`): each office told once, a late request
reminded once, through the digests' transports and send log, and no contact detail outside the mail.

The books come from a real shared workbook with a `Demandes` tab, read by a dry-run sync as the
service will; mails go to the outbox or to a real SMTP server on 127.0.0.1 (aiosmtpd).
"""

from __future__ import annotations

import email
import json
import logging
import os
import re
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from adapters.test_mail_transports import Mailbox, free_port
from aiosmtpd.controller import Controller

from lotsync.adapters.backends import Router
from lotsync.adapters.config import load_config
from lotsync.adapters.mail_transports import OutboxTransport
from lotsync.app.digests import ledger_for, run_digests
from lotsync.app.notifications import ASSIGNED, LATE, request_ident, run_notifications
from lotsync.app.send_log import COLLECTIVE, SENDING, SENT, FileLedger, LedgerError, SentDigest
from lotsync.app.sync import run_sync
from lotsync.core.books import Inputs, compute_books
from lotsync.core.digest import Week
from lotsync.core.dossiers import Sheet

AS_OF = date(2027, 4, 15)  # a Thursday
NOW = datetime(2027, 4, 15, 9, 0)
REQUESTER, EMAIL, PHONE = "Marie Dupont", "marie.dupont@example.org", "06 12 34 56 78"
EVIL = "<script>alert(1)</script>"
CAHORS, DORDOGNE, FIGEAC = "groupes@ot-cahors.fr", "groupes@ot-dordogne.fr", "groupes@ot-figeac.fr"
COLLECTIVE_MAIL = "collectif@groupes-lot.fr"

CONFIG = f"""\
[collective]
name = "Groupes Lot"
emails = ["{COLLECTIVE_MAIL}"]

[shared]
source = "collectif.xlsx"

[[members]]
id = "cahors"
name = "Office de tourisme Cahors – Vallée du Lot"
aliases = ["OT Cahors"]
source = "offices/cahors.xlsx"
emails = ["{CAHORS}"]

[[members]]
id = "dordogne"
name = "Office de tourisme Vallée de la Dordogne"
aliases = ["OT Dordogne"]
source = "offices/dordogne.xlsx"
emails = ["{DORDOGNE}"]

[[members]]
id = "figeac"
name = "Office de tourisme Grand Figeac"
aliases = ["OT Figeac"]
source = "offices/figeac.xlsx"
emails = ["{FIGEAC}"]
"""

HEADER = (
    "N° demande", "Reçue le", "Demandeur", "Structure", "E-mail", "Téléphone", "Type de groupe",
    "Date souhaitée", "Durée", "Pax", "Budget", "Lieux souhaités", "Lieu de séjour", "Message",
    "Attribuée à", "Statut", "Répondu le",
)  # fmt: skip


def row(
    number: str,
    received: date,
    office: str | None = None,
    *,
    status: str | None = None,
    requester: str = REQUESTER,
    stay: str = "Rocamadour",
) -> tuple[Any, ...]:
    """A request as the website's form plugin writes it, in HEADER's order."""
    return (
        number, received, requester, "Club des aînés de Brive", EMAIL, PHONE, "Seniors",
        date(2027, 5, 12), "2 jours", 32, 45, "Figeac", stay, "Bonjour,\nnous aimerions venir.",
        office, status, None,
    )  # fmt: skip


NEW = row("W-1", date(2027, 4, 14), "Cahors")
"""Received yesterday, assigned to Cahors: not late."""
LATE_ONE = row("W-2", date(2027, 4, 12), "Dordogne")
"""Received on Monday, 3 working days ago: late (2 days to answer)."""
NOBODYS = row("W-3", date(2027, 4, 12))
"""Late, and assigned to nobody."""


def write_requests(shared: Path, *rows: tuple[Any, ...], tab: str = "Demandes") -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = tab
    sheet.append(("Demandes reçues par le site groupes-lot.fr",))
    sheet.append(())
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    workbook.save(shared)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    folder = tmp_path / "collectif"
    folder.mkdir()
    path = folder / "lotsync.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def config(config_path: Path) -> Any:
    return load_config(config_path)


def configured(config_path: Path, text: str) -> Any:
    config_path.write_text(config_path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return load_config(config_path)


def shared_of(config: Any) -> Path:
    return Path(config.shared.source)


def notify(config: Any, *rows: tuple[Any, ...], as_of: date = AS_OF, **options: Any) -> list[Any]:
    """Write the requests, read them with a dry-run sync as the service does, then notify."""
    write_requests(shared_of(config), *rows)
    backend = Router(config)
    books = run_sync(config, as_of=as_of, now=NOW, backend=backend, dry_run=True).books
    assert books.requests.read
    return run_notifications(config, books, backend, now=datetime.combine(as_of, NOW.time()), **options)


def outcome(results: list[Any]) -> list[tuple[str, str, str]]:
    return [(r.office, r.kind, r.status) for r in results]


def outbox(config: Any) -> list[Any]:
    """The outbox's messages, oldest first (two in the same second are `…-slug.eml`, `…-slug-2.eml`)."""
    return [
        email.message_from_bytes(p.read_bytes(), policy=default)
        for p in sorted(Path(config.mail.outbox).glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def ledger_text(config: Any) -> str:
    return shared_of(config).with_name("lotsync-digests.json").read_text(encoding="utf-8")


def lotsync_log(caplog: pytest.LogCaptureFixture) -> str:
    """What lotsync logged (not the test's SMTP server, which logs every line it receives)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("lotsync"))


def body(message: Any, kind: str = "plain") -> str:
    return str(message.get_body(preferencelist=(kind,)).get_content())


# -- once per assignment -----------------------------------------------------------------------


def test_an_assigned_request_is_mailed_once_to_its_office(config: Any) -> None:
    first = notify(config, NEW)
    assert outcome(first) == [("cahors", ASSIGNED, "sent")]
    assert first[0].key == "demande:n:w-1:attribuée" and first[0].recipients == [CAHORS]
    [message] = outbox(config)
    assert str(message["To"]) == CAHORS
    assert str(message["Subject"]) == (
        "[Groupes Lot] Nouvelle demande pour vous : Club des aînés de Brive, 32 pers., 12/05/2027"
    )
    assert message["Message-ID"] == first[0].message_id
    text = body(message)
    for shown in (REQUESTER, EMAIL, PHONE, "Seniors", "Rocamadour", "nous aimerions venir."):
        assert shown in text
    assert "Office suggéré : OT Dordogne (lieu de séjour : Rocamadour)." in text
    assert "Offices partenaires, à qui acheter les journées sur leur territoire : OT Figeac." in text
    assert "Réponse attendue au plus tard le vendredi 16 avril 2027" in text
    assert "collectif.xlsx, onglet « Demandes », ligne 4." in text

    again = notify(config, NEW)
    assert outcome(again) == [("cahors", ASSIGNED, "already_sent")]
    assert len(outbox(config)) == 1, "a second run sends nothing"


def test_a_request_already_quoted_when_first_seen_is_in_hand_and_not_announced(config: Any) -> None:
    quoted = row("W-9", date(2027, 4, 14), "Cahors", status="devis envoyé")

    assert notify(config, quoted) == []
    assert outbox(config) == []


def test_a_reassigned_request_tells_the_new_office_once_and_nobody_when_it_comes_back(config: Any) -> None:
    assert outcome(notify(config, NEW)) == [("cahors", ASSIGNED, "sent")]
    moved = row("W-1", date(2027, 4, 14), "OT Figeac")

    assert outcome(notify(config, moved)) == [("figeac", ASSIGNED, "sent")]
    assert outcome(notify(config, moved)) == [("figeac", ASSIGNED, "already_sent")]
    assert outcome(notify(config, NEW)) == [("cahors", ASSIGNED, "already_sent")], "back to Cahors"
    assert [str(m["To"]) for m in outbox(config)] == [CAHORS, FIGEAC]


def test_with_assign_suggested_the_suggested_office_is_told(config_path: Path) -> None:
    config = configured(config_path, '[requests]\nassign = "suggested"\n')
    fresh = row("W-4", date(2027, 4, 14))  # nobody wrote `Attribuée à`; staying at Rocamadour
    assert outcome(notify(config, fresh)) == [("dordogne", ASSIGNED, "sent")]
    [message] = outbox(config)
    assert str(message["To"]) == DORDOGNE
    assert "Attribuée d'office à OT Dordogne, l'office suggéré d'après les lieux de la demande." in body(
        message
    )

    person = row("W-4", date(2027, 4, 14), "Cahors")  # then a person chooses another office
    assert outcome(notify(config, person)) == [("cahors", ASSIGNED, "sent")]


# -- late, once ---------------------------------------------------------------------------------


def test_a_late_request_is_reminded_once_to_its_office_and_the_collective(config: Any) -> None:
    assert outcome(notify(config, LATE_ONE, as_of=date(2027, 4, 13))) == [("dordogne", ASSIGNED, "sent")]

    late = notify(config, LATE_ONE, as_of=date(2027, 4, 15))
    assert outcome(late) == [("dordogne", ASSIGNED, "already_sent"), ("dordogne", LATE, "sent")]
    assert late[1].key == "demande:n:w-2:retard"
    assert late[1].recipients == [DORDOGNE, COLLECTIVE_MAIL]
    reminder = outbox(config)[-1]
    assert str(reminder["To"]) == f"{DORDOGNE}, {COLLECTIVE_MAIL}"
    assert str(reminder["Subject"]) == (
        "[Groupes Lot] Demande en retard (3 jours ouvrés) : Club des aînés de Brive, 32 pers., 12/05/2027"
    )
    assert "Ce rappel part une seule fois, à OT Dordogne et au collectif." in body(reminder)

    later = notify(config, LATE_ONE, as_of=date(2027, 4, 16))
    assert outcome(later) == [("dordogne", ASSIGNED, "already_sent"), ("dordogne", LATE, "already_sent")]
    moved = row("W-2", date(2027, 4, 12), "Figeac")
    assert outcome(notify(config, moved, as_of=date(2027, 4, 16))) == [
        ("figeac", ASSIGNED, "sent"),
        ("figeac", LATE, "already_sent"),
    ], "reassigned, the new office is told, but the request is not reminded twice"
    assert len(outbox(config)) == 3


def test_a_late_request_nobody_has_goes_to_the_collective_alone(config: Any) -> None:
    results = notify(config, NOBODYS)
    assert outcome(results) == [(COLLECTIVE, LATE, "sent")]
    assert results[0].recipients == [COLLECTIVE_MAIL]
    [message] = outbox(config)
    assert str(message["To"]) == COLLECTIVE_MAIL
    assert str(message["Subject"]).startswith("[Groupes Lot] Demande en retard, à attribuer (3 jours ouvrés)")
    assert "elle attend qu'une personne du collectif l'attribue" in body(message)

    assigned = row("W-3", date(2027, 4, 12), "Cahors")
    assert outcome(notify(config, assigned, as_of=date(2027, 4, 16))) == [
        ("cahors", ASSIGNED, "sent"),
        ("cahors", LATE, "already_sent"),
    ]


def test_only_open_requests_of_the_last_days_are_notified(config_path: Path) -> None:
    config = load_config(config_path)
    old = row("W-0", date(2027, 2, 1), "Figeac")  # late for weeks, before lotsync notified anything
    closed = row("W-9", date(2027, 4, 12), "Figeac", status="confirmée")
    lost = row("W-8", date(2027, 4, 12), "Figeac", status="perdue")
    assert notify(config, old, closed, lost) == []
    assert outbox(config) == []
    assert not shared_of(config).with_name("lotsync-digests.json").exists()

    wider = configured(config_path, "[requests]\nnotify_within_days = 90\n")
    assert outcome(notify(wider, old, closed, lost)) == [
        ("figeac", ASSIGNED, "sent"),
        ("figeac", LATE, "sent"),
    ]


def test_without_a_requests_tab_nothing_is_done(config: Any) -> None:
    write_requests(shared_of(config), NEW, tab="Autre chose")
    backend = Router(config)
    books = run_sync(config, as_of=AS_OF, now=NOW, backend=backend, dry_run=True).books
    assert not books.requests.read
    assert run_notifications(config, books, backend, now=NOW) == []
    assert outbox(config) == []


def test_an_office_without_an_address_is_said_and_not_noted(config_path: Path) -> None:
    config = load_config(config_path)
    text = config_path.read_text(encoding="utf-8").replace(f'emails = ["{CAHORS}"]', "emails = []")
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    assert outcome(notify(config, NEW)) == [("cahors", ASSIGNED, "no_recipient")]
    assert not shared_of(config).with_name("lotsync-digests.json").exists()


# -- dry run, escaping ----------------------------------------------------------------------------


def test_a_dry_run_sends_and_notes_nothing(config: Any) -> None:
    dry = notify(config, NEW, LATE_ONE, NOBODYS, dry_run=True)
    assert {r.status for r in dry} == {"dry_run"} and len(dry) == 4
    assert outbox(config) == []
    assert not shared_of(config).with_name("lotsync-digests.json").exists()

    real = notify(config, NEW, LATE_ONE, NOBODYS)
    assert {r.status for r in real} == {"sent"} and len(outbox(config)) == 4


def test_a_requester_named_like_a_script_stays_text(config: Any) -> None:
    notify(config, row("W-5", date(2027, 4, 14), "Cahors", requester=EVIL))
    [message] = outbox(config)
    html = body(message, "html")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert EVIL in body(message), "the text part shows it as typed"


# -- exactly once, through crashes ----------------------------------------------------------------


class SuccessNotNoted(FileLedger):
    """A send log whose second write (the success) fails, as a disk that fills up in between."""

    def record(self, entry: SentDigest) -> None:
        if entry.state == SENT:
            raise LedgerError("disque plein (registre de test)")
        super().record(entry)


def test_a_mail_sent_but_not_noted_leaves_again_with_the_same_message_id(config: Any) -> None:
    ledger = SuccessNotNoted(shared_of(config).with_name("lotsync-digests.json"))
    [unrecorded] = notify(config, NEW, ledger=ledger)
    assert unrecorded.status == "sent_unrecorded" and unrecorded.failed
    assert "disque plein (registre de test)" in unrecorded.error
    assert f"même identifiant de message {unrecorded.message_id}" in unrecorded.error
    [intent] = ledger_for(config, None).entries()
    assert (intent.state, intent.message_id) == (SENDING, unrecorded.message_id)

    [again] = notify(config, NEW)
    assert (again.status, again.message_id) == ("sent", unrecorded.message_id)
    assert [m["Message-ID"] for m in outbox(config)] == [unrecorded.message_id] * 2
    assert [e.state for e in ledger_for(config, None).entries()] == [SENT]
    assert outcome(notify(config, NEW)) == [("cahors", ASSIGNED, "already_sent")]


def test_a_power_cut_after_a_mail_left_resends_only_that_one(config: Any) -> None:
    def cut_after_the_late_reminder(result: Any) -> None:
        if result.kind == LATE:
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        notify(config, LATE_ONE, NEW, after_send=cut_after_the_late_reminder)
    assert len(outbox(config)) == 2, "W-2's assignment noted, its reminder left but not noted"

    resumed = notify(config, LATE_ONE, NEW)
    assert outcome(resumed) == [
        ("dordogne", ASSIGNED, "already_sent"),
        ("dordogne", LATE, "sent"),
        ("cahors", ASSIGNED, "sent"),
    ]
    reminders = [m["Message-ID"] for m in outbox(config) if "retard" in str(m["Subject"])]
    assert reminders == [resumed[1].message_id] * 2, "twice, as one message for mail programs"


KILLABLE = """\
import json, sys
from datetime import date, datetime
from lotsync.adapters.backends import Router
from lotsync.adapters.config import load_config
from lotsync.app.notifications import run_notifications
from lotsync.app.sync import run_sync

config = load_config(sys.argv[1])
backend = Router(config)
books = run_sync(config, as_of=date(2027, 4, 15), now=datetime(2027, 4, 15, 9), backend=backend, dry_run=True)
results = run_notifications(config, books.books, backend, now=datetime(2027, 4, 15, 9))
print(json.dumps([r.status for r in results]))
"""


class KillsTheSender(Mailbox):
    """Takes the message, then kills the process that sent it before it hears "250 OK"."""

    victim: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
            self.victim = None
        return reply


def smtp(port: int) -> str:
    return (
        f'[mail]\ntransport = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        'smtp_security = "none"\nsender = "Groupes Lot <lotsync@groupes-lot.fr>"\n'
    )


def test_a_sender_killed_once_the_server_has_the_mail_sends_it_again_with_the_same_id(
    config_path: Path,
) -> None:
    mailbox, port = KillsTheSender(), free_port()
    config = configured(config_path, smtp(port))
    write_requests(shared_of(config), NEW)
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        killed = subprocess.Popen(
            [sys.executable, "-c", KILLABLE, str(config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        mailbox.victim = killed.pid
        _, err = killed.communicate(timeout=120)
        assert killed.returncode == -signal.SIGKILL, err
        [lost] = mailbox.received
        [intent] = ledger_for(config, None).entries()
        assert intent.state == SENDING and intent.message_id == lost.message["Message-ID"]

        [resumed] = notify(config, NEW)
        assert outcome(notify(config, NEW)) == [("cahors", ASSIGNED, "already_sent")]
    finally:
        server.stop()
    assert resumed.status == "sent" and resumed.message_id == lost.message["Message-ID"]
    assert [m.message["Message-ID"] for m in mailbox.received] == [lost.message["Message-ID"]] * 2
    assert [m.rcpt_tos for m in mailbox.received] == [[CAHORS]] * 2


def test_a_failed_send_keeps_its_intent_and_the_retry_reuses_its_message_id(config_path: Path) -> None:
    port = free_port()  # nobody listens there yet: the SMTP server is down
    config = configured(config_path, smtp(port))
    [down] = notify(config, NEW)
    assert down.status == "failed" and "SMTP 127.0.0.1" in down.error
    [intent] = ledger_for(config, None).entries()

    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        [up] = notify(config, NEW)
    finally:
        server.stop()
    assert up.status == "sent" and up.message_id == intent.message_id
    assert [m.message["Message-ID"] for m in mailbox.received] == [intent.message_id]


def test_an_unreadable_send_log_sends_nothing(config: Any) -> None:
    ledger = shared_of(config).with_name("lotsync-digests.json")
    ledger.write_text('{"sent": [', encoding="utf-8")
    results = notify(config, NEW, NOBODYS)
    assert outcome(results) == [("cahors", ASSIGNED, "failed"), (COLLECTIVE, LATE, "failed")]
    assert results[0].error.startswith(f"Registre des récapitulatifs illisible ({ledger})")
    assert outbox(config) == []


# -- through SMTP, and what the logs and the send log keep --------------------------------------


def test_through_a_real_smtp_server_no_contact_detail_is_logged_or_noted(
    config_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox, port = Mailbox(), free_port()
    config = configured(config_path, smtp(port))
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        results = notify(config, NEW, LATE_ONE, NOBODYS, row("W-6", date(2027, 4, 14), "Figeac"))
    finally:
        server.stop()
    assert outcome(results) == [
        ("cahors", ASSIGNED, "sent"),
        ("dordogne", ASSIGNED, "sent"),
        ("dordogne", LATE, "sent"),
        (COLLECTIVE, LATE, "sent"),
        ("figeac", ASSIGNED, "sent"),
    ]
    assert [m.rcpt_tos for m in mailbox.received] == [
        [CAHORS],
        [DORDOGNE],
        [DORDOGNE, COLLECTIVE_MAIL],
        [COLLECTIVE_MAIL],
        [FIGEAC],
    ]
    assert [m.message["Message-ID"] for m in mailbox.received] == [r.message_id for r in results]
    assert all(EMAIL in body(m.message) and PHONE in body(m.message) for m in mailbox.received)

    down = notify(config, row("W-7", date(2027, 4, 14), "Figeac"))  # the server is gone: a failure
    assert down[0].status == "failed"

    logged = lotsync_log(caplog)
    assert "demande:n:w-2:retard" in logged, "keys and offices are logged"
    assert "notifications des demandes : envoyée : 5" in logged
    noted = ledger_text(config)
    assert "demande:n:w-1:attribuée" in noted and '"office": "collectif"' in noted
    for secret in (EMAIL, PHONE, PHONE.replace(" ", ""), REQUESTER, "Marie", "Dupont"):
        assert secret not in logged, secret
        assert secret not in noted, secret


def test_a_request_without_a_number_is_noted_without_its_requester(config: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    [result] = notify(config, row("", date(2027, 4, 14), "Cahors"))
    assert result.status == "sent"
    assert re.fullmatch(r"demande:r:[0-9a-f]+:attribuée", result.key)
    noted, logged = ledger_text(config), lotsync_log(caplog)
    for secret in (EMAIL, "marie.dupont", REQUESTER, "marie dupont", "2027-04-14|"):
        assert secret not in noted and secret not in logged and secret not in result.key


def test_a_request_keeps_its_name_in_the_send_log_from_one_run_to_the_next(config: Any) -> None:
    unnumbered = row("", date(2027, 4, 14), "Cahors")
    write_requests(shared_of(config), unnumbered)
    first = run_sync(config, as_of=AS_OF, now=NOW, dry_run=True).books.requests.lines[0].request
    write_requests(shared_of(config), NEW, unnumbered)  # a row above it: same request, another row
    second = run_sync(config, as_of=AS_OF, now=NOW, dry_run=True).books.requests.lines[1].request
    assert first.where.row != second.where.row
    assert request_ident(first) == request_ident(second) == first.key, "the key the JSON shows"
    spelled_out = replace(first, key=f"r:2027-04-14|{REQUESTER.casefold()}|{EMAIL}")
    assert re.fullmatch(r"r:[0-9a-f]{16}", request_ident(spelled_out)), "any other key is digested"
    assert re.fullmatch(r"r:[0-9a-f]{16}", request_ident(replace(first, key=f"n:{EMAIL}")))
    assert request_ident(replace(first, key="n:w-12")) == "n:w-12"


def test_notifications_share_the_send_log_with_the_digests(config: Any) -> None:
    """The digests of the same configuration still go out, and find their own entries only."""
    notify(config, NEW, NOBODYS)
    digests = run_digests(config, week=Week.parse("2027-W15"), now=NOW)
    assert {r.status for r in digests} == {"sent"}
    again = run_digests(config, week=Week.parse("2027-W15"), now=NOW)
    assert {r.status for r in again} == {"already_sent"}
    entries = ledger_for(config, None).entries()
    assert sorted(e.week for e in entries if e.office in ("cahors", COLLECTIVE)) == [
        "2027-W15",
        "2027-W15",
        "demande:n:w-1:attribuée",
        "demande:n:w-3:retard",
    ]


# -- on Google: lines of the shared spreadsheet's Journal ----------------------------------------


def test_on_google_the_journal_says_notification_and_keeps_no_contact_detail(tmp_path: Path, google) -> None:
    from lotsync.adapters.sources import classify
    from lotsync.app.demo_google import upload_demo
    from lotsync.app.send_log import JournalLedger

    config = load_config(upload_demo(tmp_path / "demo", google.base_url))
    sheet = Sheet("collectif.xlsx", "Demandes", [("Demandes",), (), HEADER, NEW, NOBODYS])
    inputs = Inputs({m.id: None for m in config.members}, {}, (), sheet)
    books = compute_books(inputs, config.rules(), AS_OF)
    backend = Router(config)
    outbox_folder = tmp_path / "outbox"

    results = run_notifications(config, books, backend, now=NOW, transport=OutboxTransport(outbox_folder))
    assert [r.status for r in results] == ["sent", "sent"]
    ledger = ledger_for(config, backend)
    assert isinstance(ledger, JournalLedger)
    assert {(e.office, e.week, e.state) for e in ledger.entries()} == {
        ("cahors", "demande:n:w-1:attribuée", SENT),
        (COLLECTIVE, "demande:n:w-3:retard", SENT),
    }
    rows = backend.google.journal_rows(classify(config.shared.source, config.backend).ref)
    notes = [r for r in rows[2:] if str(r[1]).startswith("notification")]
    assert [r[1] for r in notes] == ["notification en cours d'envoi", "notification envoyée"] * 2
    assert [r[2] for r in notes][:2] == ["demande:n:w-1:attribuée"] * 2
    journal = json.dumps(rows, ensure_ascii=False)
    for secret in (EMAIL, PHONE, REQUESTER):
        assert secret not in journal
    again = run_notifications(config, books, backend, now=NOW, transport=OutboxTransport(outbox_folder))
    assert [r.status for r in again] == ["already_sent", "already_sent"]
    assert len(list(outbox_folder.glob("*.eml"))) == 2
