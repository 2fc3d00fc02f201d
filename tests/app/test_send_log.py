"""The send log: intent before the mail leaves and success after, in a file or the Journal."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from fake_google import FakeGoogle
from lotsync.adapters.backends import Router
from lotsync.adapters.config import load_config
from lotsync.adapters.sources import classify
from lotsync.app.demo_google import upload_demo
from lotsync.app.digests import ledger_for
from lotsync.app.send_log import (
    SENDING,
    SENT,
    FileLedger,
    JournalLedger,
    LedgerError,
    SentDigest,
    deliver_once,
    last_for,
    pending_for,
    was_sent,
)
from lotsync.tabs.results import journal_note

MONDAY = datetime(2026, 11, 23, 8, 0)
MESSAGE_ID = "<176.1234.42@lotsync.local>"


def intent(office: str = "cahors", week: str = "2026-W48", message_id: str = MESSAGE_ID) -> SentDigest:
    return SentDigest(office, week, message_id, MONDAY, frozenset({"C-001", "C-002"}), SENDING)


def test_intent_then_success_in_a_file(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "lotsync-digests.json")
    assert ledger.entries() == []

    ledger.record(intent())
    [pending] = ledger.entries()
    assert pending.state == SENDING
    assert not was_sent(ledger.entries(), "cahors", "2026-W48"), "an intent is not a sent digest"
    assert pending_for(ledger.entries(), "cahors", "2026-W48") == pending
    assert last_for(ledger.entries(), "cahors", "2026-W49") is None, "nor the next week's starting point"

    ledger.record(pending._replace(state=SENT))
    [sent] = ledger.entries()
    assert sent.state == SENT and sent.message_id == MESSAGE_ID
    assert was_sent(ledger.entries(), "cahors", "2026-W48")
    assert pending_for(ledger.entries(), "cahors", "2026-W48") is None
    assert last_for(ledger.entries(), "cahors", "2026-W49") == sent

    data = json.loads((tmp_path / "lotsync-digests.json").read_text(encoding="utf-8"))
    assert data["sending"] == []
    assert data["sent"] == [
        {
            "office": "cahors",
            "week": "2026-W48",
            "message_id": MESSAGE_ID,
            "sent_at": "2026-11-23T08:00:00",
            "live_refs": ["C-001", "C-002"],
            "state": "sent",
        }
    ]


def test_a_file_from_before_intents_is_read_as_sent(tmp_path: Path) -> None:
    path = tmp_path / "lotsync-digests.json"
    path.write_text(
        json.dumps(
            {
                "sent": [
                    {
                        "office": "figeac",
                        "week": "2026-W47",
                        "message_id": "<old@lotsync.local>",
                        "sent_at": "2026-11-16T08:00:02",
                        "live_refs": ["F-001"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    ledger = FileLedger(path)
    [old] = ledger.entries()
    assert old.state == SENT and was_sent([old], "figeac", "2026-W47")
    ledger.record(intent("figeac", "2026-W48"))
    assert [e.state for e in ledger.entries()] == [SENT, SENDING], "the old entry is kept"


def test_a_resent_intent_is_not_noted_twice(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "lotsync-digests.json")
    ledger.record(intent())
    ledger.record(intent())
    assert len(ledger.entries()) == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"sent": [', "ce n'est pas du JSON valide (ligne 1, colonne 11)"),
        (b"\xff\xfe{}", "ce n'est pas du texte UTF-8"),
        (b'["sent"]', "ce n'est pas un registre de lotsync"),
        (b'{"sent": [{"office": "cahors"}]}', "l'entrée n° 1 de « sent » est incomplète ou mal formée"),
        (b'{"sent": [], "sending": [{"office": "x", "week": 3, "sent_at": "hier"}]}', "n° 1 de « sending »"),
        (b"", "ce n'est pas du JSON valide"),
    ],
)
def test_a_damaged_file_is_refused_in_french(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "lotsync-digests.json"
    path.write_bytes(content)
    with pytest.raises(LedgerError) as caught:
        FileLedger(path).entries()
    message = str(caught.value)
    assert message.startswith(f"Registre des récapitulatifs illisible ({path}) : ")
    assert reason in message
    assert "Rien n'est envoyé" in message


def test_a_ledger_that_is_a_folder_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "lotsync-digests.json"
    path.mkdir()
    with pytest.raises(LedgerError, match="c'est un dossier, pas un fichier"):
        FileLedger(path).entries()


def test_a_failed_write_names_the_file_and_keeps_the_old_content(tmp_path: Path) -> None:
    blocker = tmp_path / "registres"
    blocker.write_text("un fichier, là où le dossier du registre devrait être", encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        FileLedger(blocker / "lotsync-digests.json").record(intent())
    assert "un élément du chemin n'est pas un dossier" in str(caught.value)
    assert str(blocker / "lotsync-digests.json") in str(caught.value)
    assert blocker.read_text(encoding="utf-8").startswith("un fichier")


def test_the_files_folder_is_created(tmp_path: Path) -> None:
    ledger = FileLedger(tmp_path / "var" / "lotsync" / "lotsync-digests.json")
    ledger.record(intent())
    assert len(ledger.entries()) == 1


# -- on Google: lines of the shared spreadsheet's Journal ----------------------------------------


def test_intent_then_success_in_the_journal(tmp_path: Path) -> None:
    with FakeGoogle() as google:
        config = load_config(upload_demo(tmp_path / "demo", google.base_url))
        ledger = ledger_for(config, Router(config))
        assert isinstance(ledger, JournalLedger)
        assert ledger.entries() == []  # no Journal yet

        ledger.record(intent())
        [pending] = ledger.entries()
        assert pending.state == SENDING
        ledger.record(pending._replace(state=SENT))
        [sent] = ledger.entries()
        assert sent.state == SENT and sent.live_refs == {"C-001", "C-002"}

        rows = journal_rows(google, config)
        assert [row[1] for row in rows[2:]] == ["récapitulatif en cours d'envoi", "récapitulatif envoyé"]
        assert [json.loads(row[-1])["message_id"] for row in rows[2:]] == [MESSAGE_ID, MESSAGE_ID]


def test_a_damaged_journal_line_is_refused_not_skipped(tmp_path: Path) -> None:
    with FakeGoogle() as google:
        config = load_config(upload_demo(tmp_path / "demo", google.base_url))
        ledger = ledger_for(config, Router(config))
        ledger.record(intent())
        sent = datetime(2026, 11, 23, 8, 1)
        damaged = journal_note(sent, "récapitulatif envoyé", "2026-W48", "{")  # its detail is not JSON
        ledger.backend.append_journal(classify(config.shared.source, config.backend).ref, damaged, sent)
        with pytest.raises(LedgerError) as caught:
            ledger.entries()
        message = str(caught.value)
        assert "onglet Journal du classeur partagé" in message
        assert "la ligne 4 du Journal est marquée « récapitulatif envoyé »" in message
        assert "Rien n'est envoyé" in message


def journal_rows(google: FakeGoogle, config) -> list[list[str]]:
    rows = Router(config).google.journal_rows(classify(config.shared.source, config.backend).ref)
    assert rows is not None
    return rows


def test_a_journal_whose_creation_fails_is_not_left_half_made(tmp_path: Path) -> None:
    """The Journal is made with its marker and first line in one atomic batchUpdate. It used to be
    an addSheet, then a values.update: a failure between the two left a tab without its marker,
    which every later write refused as a person's."""
    with FakeGoogle() as google:
        config = load_config(upload_demo(tmp_path / "demo", google.base_url))
        ledger = ledger_for(config, Router(config))
        google.faults.add("500", "sheets.values.update", times=100)  # the old second step
        google.faults.add("500", "sheets.spreadsheets.batchUpdate", times=1)  # one bad moment, retried

        ledger.record(intent())

        rows = journal_rows(google, config)
        assert rows[0][0].startswith("Généré par lotsync") and rows[1][0] == "Date et heure"
        [pending] = ledger.entries()
        assert pending.state == SENDING


# -- deliver_once: the protocol every mail follows ---------------------------------------------


class Result:
    """What a run says of one mail, as `DigestResult` and `NotificationResult` do."""

    def __init__(self) -> None:
        self.status, self.message_id, self.error = "sent", None, None


class Given:
    """A transport handed to `deliver_once` the way `mail_transports.RunTransport` hands it."""

    def __init__(self, transport: object) -> None:
        self.transport = transport

    def get(self) -> object:
        return self.transport


def mail() -> tuple[object, str, list[str]]:
    from lotsync.adapters.digest_render import Rendered

    return (
        Rendered("Objet", "Bonjour", "<p>Bonjour</p>", None, ""),
        "lotsync@example.org",
        ["a@example.org"],
    )


def test_deliver_once_notes_the_intent_sends_then_notes_the_success(tmp_path: Path) -> None:
    from lotsync.adapters.mail_transports import OutboxTransport

    ledger = FileLedger(tmp_path / "log.json")
    result = Result()
    seen_before_success: list[list[str]] = []

    def after_send(done: Result) -> None:
        seen_before_success.append([e.state for e in ledger.entries()])

    deliver_once(
        ledger, Given(OutboxTransport(tmp_path / "outbox")), result, None,
        lambda message_id: intent(message_id=message_id), mail(), after_send,
    )  # fmt: skip

    assert result.status == "sent" and result.message_id
    assert seen_before_success == [["sending"]], "the intent is noted before the mail leaves"
    assert [(e.state, e.message_id) for e in ledger.entries()] == [("sent", result.message_id)]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_deliver_once_resends_a_pending_intent_with_its_message_id(tmp_path: Path) -> None:
    from lotsync.adapters.mail_transports import OutboxTransport

    ledger = FileLedger(tmp_path / "log.json")
    pending = intent(message_id="<deja-note@lotsync.local>")
    ledger.record(pending)
    result = Result()

    deliver_once(
        ledger, Given(OutboxTransport(tmp_path / "outbox")), result, pending,
        lambda message_id: intent(message_id=message_id), mail(),
    )  # fmt: skip

    assert (result.status, result.message_id) == ("sent", "<deja-note@lotsync.local>")
    [eml] = (tmp_path / "outbox").glob("*.eml")
    assert "<deja-note@lotsync.local>" in eml.read_text(encoding="utf-8")


def test_deliver_once_sends_nothing_when_the_intent_cannot_be_noted(tmp_path: Path) -> None:
    from lotsync.adapters.mail_transports import OutboxTransport

    folder = tmp_path / "pas-un-dossier"
    folder.write_text("un fichier", encoding="utf-8")  # the log's folder is a file: no intent
    result = Result()

    deliver_once(
        FileLedger(folder / "log.json"), Given(OutboxTransport(tmp_path / "outbox")), result, None,
        lambda message_id: intent(message_id=message_id), mail(),
    )  # fmt: skip

    assert result.status == "failed" and result.error
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())
