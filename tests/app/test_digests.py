"""`lotsync digest`: each week's digests go out exactly once, through the outbox by default."""

from __future__ import annotations

import email
import email.policy
import errno
import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from adapters.test_mail_transports import Mailbox, free_port
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from app.test_lock import held_by_another_process
from lotsync.adapters.config import load_config
from lotsync.app import emulator_clients as clients
from lotsync.app.demo import write_demo
from lotsync.app.digests import ledger_for, run_digests
from lotsync.app.lock import Busy
from lotsync.app.send_log import COLLECTIVE, SENDING, SENT
from lotsync.cli.commands import cli
from lotsync.core.digest import Week

WEEK = Week.parse("2026-W48")
NOW = datetime(2026, 11, 23, 8, 0)


@pytest.fixture
def config(tmp_path: Path):
    return load_config(write_demo(tmp_path / "demo"))


def outbox(config) -> list[Path]:
    return sorted(Path(config.mail.outbox).glob("*.eml"))


def message_ids(config, office: str) -> list[str]:
    """The Message-ID of each mail of the outbox that went to `office`, oldest first."""
    members = {m.id: m.emails for m in config.members}
    emails = config.collective.emails if office == COLLECTIVE else members[office]
    found = []
    for path in outbox(config):
        message = email.message_from_bytes(path.read_bytes())
        if any(address in message["To"] for address in emails):
            found.append(message["Message-ID"])
    return found


def configured(config, sections: str):
    """The same demo with more TOML (`[mail]`, `[schedule]`…) at the end of its file."""
    path = Path(config.shared.source).parent / "lotsync.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + sections, encoding="utf-8")
    return load_config(path)


def statuses(results) -> dict[str, str]:
    return {r.office: r.status for r in results}


def test_the_weeks_digests_go_to_the_outbox_once(config) -> None:
    first = run_digests(config, week=WEEK, now=NOW)
    assert statuses(first) == {"cahors": "sent", "dordogne": "sent", "figeac": "sent", COLLECTIVE: "sent"}
    files = outbox(config)
    assert len(files) == 4
    message = email.message_from_bytes(files[0].read_bytes())
    assert message.get_content_type() == "multipart/alternative"
    assert "2026" in message["Subject"]

    again = run_digests(config, week=WEEK, now=NOW)
    assert set(statuses(again).values()) == {"already_sent"}
    assert len(outbox(config)) == 4, "two runs in a row send once"

    forced = run_digests(config, week=WEEK, now=NOW, force=True, office="figeac")
    assert statuses(forced) == {"figeac": "sent"}
    assert len(outbox(config)) == 5


def test_a_crash_between_sending_and_recording_resends_at_most_that_message(config) -> None:
    def crash_on_the_second(result) -> None:
        if result.office == "dordogne":
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        run_digests(config, week=WEEK, now=NOW, after_send=crash_on_the_second)
    assert len(outbox(config)) == 2, "cahors sent and recorded, dordogne sent but not recorded"

    resumed = run_digests(config, week=WEEK, now=NOW)
    assert statuses(resumed) == {
        "cahors": "already_sent",
        "dordogne": "sent",
        "figeac": "sent",
        COLLECTIVE: "sent",
    }
    assert len(outbox(config)) == 5, "only the unrecorded message went out twice"
    first, again = message_ids(config, "dordogne")
    assert first == again, "with the same Message-ID: mail programs show one message"
    assert [len(message_ids(config, o)) for o in ("cahors", "figeac", COLLECTIVE)] == [1, 1, 1]


def connections_to(port: int) -> list[str]:
    """The established TCP connections to 127.0.0.1:`port`, client side (Linux: /proc/net/tcp)."""
    remote = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]
    return [line for line in lines if line.split()[2] == remote and line.split()[3] == "01"]


def test_the_transport_a_run_opens_is_closed_even_when_the_run_is_cut_short(config, google) -> None:
    """The Gmail transport keeps its HTTP connection open between mails; the run must close it."""
    key = Path(config.shared.source).with_name("gmail-key.json")
    key.write_text(json.dumps(clients.service_account_info(google.base_url)), encoding="utf-8")
    config = configured(
        config,
        '[mail]\ntransport = "gmail"\nsender = "Collectif <collectif@example.org>"\n\n'
        f'[google]\ncredentials = "{key.name}"\nendpoint = "{google.base_url}"\n'
        'send_as = "collectif@example.org"\n',
    )
    port = int(google.base_url.rsplit(":", 1)[1])

    done = run_digests(config, week=WEEK, now=NOW, office="cahors")
    assert statuses(done) == {"cahors": "sent"} and len(google.sent_messages()) == 1
    assert connections_to(port) == [], "closed after a run that went to its end"

    def power_cut(result) -> None:
        raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt) as caught:  # `caught` keeps the run's frames alive
        run_digests(config, week=WEEK, now=NOW, office="figeac", after_send=power_cut)
    assert len(google.sent_messages()) == 2
    assert connections_to(port) == [], "closed after a run cut short after a mail left"
    del caught


def test_the_intent_is_noted_before_the_mail_leaves_and_the_success_after(config) -> None:
    seen = []

    def look_at_the_ledger(result) -> None:  # the mail has left; its success is not noted yet
        [entry] = [e for e in ledger_for(config, None).entries() if e.office == result.office]
        seen.append((entry.state, entry.message_id == result.message_id))

    results = run_digests(config, week=WEEK, now=NOW, after_send=look_at_the_ledger)
    assert seen == [(SENDING, True)] * 4
    assert {e.state for e in ledger_for(config, None).entries()} == {SENT}
    assert sorted(e.message_id for e in ledger_for(config, None).entries()) == sorted(
        r.message_id for r in results
    )
    assert sorted(message_ids(config, "cahors") + message_ids(config, "dordogne")) == sorted(
        r.message_id for r in results if r.office in ("cahors", "dordogne")
    ), "the Message-ID noted is the one the mail carries"


def test_when_the_intent_cannot_be_noted_nothing_leaves(config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk is full for the ledger's folder: the OS refuses the write (here, its `fsync`).

    The same with a really full file system, in a process of its own, is in
    tests/app/test_digest_concurrency.py; it needs a mount namespace, which not every CI allows.
    """
    ledger = Path(config.shared.source).with_name("lotsync-digests.json")
    real_fsync = os.fsync

    def disk_full_beside_the_ledger(fd: int) -> None:
        if Path(os.readlink(f"/proc/self/fd/{fd}")).parent == ledger.parent:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full_beside_the_ledger)
    results = run_digests(config, week=WEEK, now=NOW)
    assert set(statuses(results).values()) == {"failed"}
    for result in results:
        assert result.error.startswith("Pas envoyé : impossible de noter au registre")
        assert f"disque plein ({ledger})" in result.error
        assert "No space" not in result.error
    assert outbox(config) == [], "nothing left"
    assert not ledger.exists() and not list(ledger.parent.glob(".lotsync-*.tmp"))

    monkeypatch.setattr(os, "fsync", real_fsync)  # room again
    assert set(statuses(run_digests(config, week=WEEK, now=NOW)).values()) == {"sent"}
    assert len(outbox(config)) == 4


def test_a_damaged_ledger_stops_everything_from_leaving_again(config) -> None:
    run_digests(config, week=WEEK.previous(), now=NOW)
    assert len(outbox(config)) == 4
    ledger = Path(config.shared.source).with_name("lotsync-digests.json")
    ledger.write_bytes(ledger.read_bytes()[:100])  # half a file, as a full disk of old would leave

    results = run_digests(config, week=WEEK.previous(), now=NOW)
    assert set(statuses(results)) == {"cahors", "dordogne", "figeac", COLLECTIVE}
    assert set(statuses(results).values()) == {"failed"}
    assert results[0].error.startswith(f"Registre des récapitulatifs illisible ({ledger}) : ")
    assert "ce n'est pas du JSON valide" in results[0].error and "Rien n'est envoyé" in results[0].error
    assert len(outbox(config)) == 4, "not everything again"
    only = run_digests(config, week=WEEK, now=NOW, office="figeac")
    assert statuses(only) == {"figeac": "failed"}


def test_a_failed_send_keeps_its_intent_and_the_retry_reuses_its_message_id(config) -> None:
    port = free_port()  # nobody listens there yet: the SMTP server is down
    config = configured(
        config,
        f'[mail]\ntransport = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_security = "none"\n'
        'sender = "Collectif <collectif@example.org>"\n',
    )
    down = run_digests(config, week=WEEK, now=NOW, office="cahors")
    assert statuses(down) == {"cahors": "failed"}
    assert "SMTP 127.0.0.1" in down[0].error and "connexion" in down[0].error
    [intent] = ledger_for(config, None).entries()
    assert intent.state == SENDING

    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        up = run_digests(config, week=WEEK, now=NOW, office="cahors")
    finally:
        server.stop()
    assert statuses(up) == {"cahors": "sent"}
    [received] = mailbox.received
    assert received.message["Message-ID"] == intent.message_id == up[0].message_id
    assert [e.state for e in ledger_for(config, None).entries()] == [SENT]


def test_sending_waits_for_the_work_lock_but_a_dry_run_or_a_preview_does_not(config, tmp_path: Path) -> None:
    config = configured(config, "[schedule]\nlock_wait = 0\n")
    config_path = Path(config.shared.source).parent / "lotsync.toml"
    with held_by_another_process(config_path) as other:
        assert set(statuses(run_digests(config, week=WEEK, now=NOW, dry_run=True)).values()) == {"dry_run"}
        preview = run_digests(config, week=WEEK, now=NOW, preview=tmp_path / "preview")
        assert set(statuses(preview).values()) == {"preview"}
        with pytest.raises(Busy) as caught:
            run_digests(config, week=WEEK, now=NOW)
    assert f"(processus {other.pid})" in str(caught.value)
    assert outbox(config) == [] and ledger_for(config, None).entries() == []


def test_dry_run_and_preview_send_and_record_nothing(config, tmp_path: Path) -> None:
    dry = run_digests(config, week=WEEK, now=NOW, dry_run=True)
    assert set(statuses(dry).values()) == {"dry_run"}
    preview = run_digests(config, week=WEEK, now=NOW, preview=tmp_path / "preview")
    assert set(statuses(preview).values()) == {"preview"}
    assert (tmp_path / "preview" / "2026-W48-cahors.html").exists()
    assert (tmp_path / "preview" / "2026-W48-cahors.txt").exists()
    assert outbox(config) == []
    assert ledger_for(config, None).entries() == []


def test_the_next_weeks_new_dossiers_are_those_not_in_the_last_digest(config) -> None:
    run_digests(config, week=WEEK.previous(), now=NOW)
    [entry] = [e for e in ledger_for(config, None).entries() if e.office == "cahors"]
    assert entry.live_refs, "the ledger keeps the live references, the next digest's starting point"


def test_the_digest_command(config) -> None:
    runner = CliRunner()
    config_path = str(Path(config.shared.source).parent / "lotsync.toml")
    result = runner.invoke(cli, ["digest", "--config", config_path, "--week", "2026-W48"])
    assert result.exit_code == 0, result.output
    assert "Récapitulatifs de la semaine 2026-W48" in result.output
    bad = runner.invoke(cli, ["digest", "--config", config_path, "--week", "semaine 48"])
    assert bad.exit_code == 2
    unknown = runner.invoke(cli, ["digest", "--config", config_path, "--office", "lyon"])
    assert unknown.exit_code == 2


def test_with_an_office_unread_the_digests_show_the_last_complete_balances_dated(config) -> None:
    from lotsync.app.sync import run_sync

    run_sync(config, as_of=WEEK.monday, now=datetime(2026, 11, 20, 18, 0))  # complete figures, Friday
    complete = run_sync(config, as_of=WEEK.monday, now=NOW, dry_run=True).books
    figeac = next(m for m in config.members if m.id == "figeac")
    Path(figeac.source).write_bytes(b"plus un classeur")

    results = run_digests(config, week=WEEK, now=NOW)

    assert set(statuses(results).values()) == {"sent"}
    bodies = {}
    for path in outbox(config):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        bodies[str(message["To"])] = message.get_body(preferencelist=("plain",)).get_content()
    cahors = next(m for m in config.members if m.id == "cahors")
    text = next(body for to, body in bodies.items() if cahors.emails[0] in to)
    assert "les soldes n'ont pas pu être recalculés cette semaine, car le tableur de" in text
    assert "du vendredi 20 novembre 2026 à 18:00" in text
    balance = next(b for b in complete.balances if b.member == "cahors")
    from lotsync.core.french import money

    assert balance.receivable > 0
    assert money(balance.receivable) in text  # the last complete figure, not one computed without Figeac


class ChannelTransport:
    """A delivery channel besides e-mail, as a new one would read its messages (adapters/mail.py)."""

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def send(self, message) -> str:
        from lotsync.adapters.mail import channel_recipients

        self.sent.append(channel_recipients(message))
        return str(message["Message-ID"])


def test_an_office_reached_on_another_channel_gets_its_digest_and_no_secret_is_shown(
    config, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = "https://hooks.example.org/services/T0/B0/s3cr3t"
    addresses = config.recipients
    monkeypatch.setattr(type(config), "recipients", lambda self, m: [hook] if m == "figeac" else addresses(m))
    channel = ChannelTransport()

    results = {r.office: r for r in run_digests(config, week=WEEK, now=NOW, transport=channel)}

    assert results["figeac"].status == "sent"
    assert [hook] in channel.sent, "the channel's transport reads its address from the message"
    assert results["figeac"].recipients == ["https://hooks.example.org/…"]
    assert "s3cr3t" not in repr(results)
