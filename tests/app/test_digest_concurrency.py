"""Each digest leaves exactly once, with real `lotsync digest` processes: side by side, killed in the
middle of a send, or on a disk that is full for real."""

from __future__ import annotations

import email
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from adapters.test_mail_transports import Mailbox, free_port
from aiosmtpd.controller import Controller

from app.test_lock import held_by_another_process
from lotsync.app.demo import write_demo

LOTSYNC = str(Path(sys.executable).with_name("lotsync"))
WEEK = "2026-W48"
DIGESTS = ("cahors", "dordogne", "figeac", "collectif")


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo-master")).parent


@pytest.fixture
def demo(tmp_path: Path, demo_master: Path) -> Path:
    """A fresh copy of the demo; returns its configuration file (outbox transport)."""
    shutil.copytree(demo_master, tmp_path / "demo")
    return tmp_path / "demo" / "lotsync.toml"


def add_toml(config: Path, text: str) -> Path:
    config.write_text(config.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")
    return config


def smtp_toml(port: int) -> str:
    return (
        f'[mail]\ntransport = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        'smtp_security = "none"\nsender = "Collectif du Lot <collectif@example.org>"\n'
    )


def digest(config: Path, *args: str) -> subprocess.Popen[str]:
    """`lotsync digest --format json` for the week, started (not waited for)."""
    return subprocess.Popen(
        [LOTSYNC, "digest", "--config", str(config), "--week", WEEK, "--format", "json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, dict[str, Any], str]:
    """(exit code, {office: result}, stderr) of a `digest` process."""
    out, err = process.communicate(timeout=120)
    results = {r["office"]: r for r in json.loads(out)["digests"]} if out.strip() else {}
    return process.returncode, results, err


def statuses(results: dict[str, Any]) -> dict[str, str]:
    return {office: r["status"] for office, r in results.items()}


def outbox_ids(config: Path) -> list[str]:
    return [
        email.message_from_bytes(p.read_bytes())["Message-ID"]
        for p in sorted((config.parent / "outbox").glob("*.eml"))
    ]


# -- side by side --------------------------------------------------------------------------------


def test_two_digest_commands_at_once_send_each_digest_once(demo: Path) -> None:
    first, second = digest(demo), digest(demo)
    runs = [finished(first), finished(second)]
    assert [code for code, _, _ in runs] == [0, 0], runs
    assert sorted(sorted(set(statuses(r).values())) for _, r, _ in runs) == [["already_sent"], ["sent"]], (
        "one sent everything; the other waited for it, then found everything sent"
    )
    ids = outbox_ids(demo)
    assert len(ids) == len(set(ids)) == 4

    code, third, _ = finished(digest(demo))
    assert code == 0 and set(statuses(third).values()) == {"already_sent"}
    assert len(outbox_ids(demo)) == 4, "a third run sends nothing"


def test_two_digest_commands_at_once_through_smtp(demo: Path) -> None:
    mailbox, port = Mailbox(), free_port()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        add_toml(demo, smtp_toml(port))
        runs = [finished(p) for p in (digest(demo), digest(demo))]
        third = finished(digest(demo))
    finally:
        server.stop()
    assert [code for code, _, _ in runs] == [0, 0], runs
    received = [m.message["Message-ID"] for m in mailbox.received]
    assert len(received) == len(set(received)) == 4, "each digest reached the server once"
    assert set(statuses(third[1]).values()) == {"already_sent"}


def test_a_second_command_waits_for_the_first_then_goes_on(demo: Path) -> None:
    with held_by_another_process(demo):  # a `lotsync sync` writing the shared workbook, say
        waiting = digest(demo)
        time.sleep(2)
        assert waiting.poll() is None, "it waits"
        assert outbox_ids(demo) == [], "and has sent nothing"
    code, results, err = finished(waiting)
    assert code == 0, err
    assert set(statuses(results).values()) == {"sent"}
    assert len(outbox_ids(demo)) == 4


def test_with_lock_wait_zero_a_busy_lock_is_one_french_line_and_exit_1(demo: Path) -> None:
    add_toml(demo, "[schedule]\nlock_wait = 0\n")
    with held_by_another_process(demo) as other:
        code, _, err = finished(digest(demo))
    assert code == 1
    assert err.startswith(f"Une autre commande lotsync (processus {other.pid}) écrit ou envoie en ce moment")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert outbox_ids(demo) == []


# -- a crash in the middle -----------------------------------------------------------------------


class KillsTheSender(Mailbox):
    """Takes the message, then kills the process that sent it before it hears "250 OK": the mail
    has left, and the sender never knew it."""

    victim: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
            self.victim = None
        return reply


def test_a_sender_killed_mid_send_resends_that_digest_with_the_same_message_id(demo: Path) -> None:
    mailbox, port = KillsTheSender(), free_port()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        add_toml(demo, smtp_toml(port))
        killed = digest(demo, "--office", "dordogne")
        mailbox.victim = killed.pid
        code, _, _ = finished(killed)
        assert code == -signal.SIGKILL
        [lost] = mailbox.received

        code, resumed, err = finished(digest(demo))
        assert code == 0, err
        assert statuses(resumed) == dict.fromkeys(DIGESTS, "sent")
        code, third, _ = finished(digest(demo))
        assert set(statuses(third).values()) == {"already_sent"}
    finally:
        server.stop()
    dordogne = [m.message["Message-ID"] for m in mailbox.received if "dordogne" in ",".join(m.rcpt_tos)]
    assert dordogne == [lost.message["Message-ID"]] * 2, "sent twice, as one message for mail programs"
    assert resumed["dordogne"]["message_id"] == lost.message["Message-ID"]
    assert len(mailbox.received) == 5


# -- a full disk, for real -----------------------------------------------------------------------

FULL_DISK = """\
set -u
mount -t tmpfs -o size=8k,mode=0755 tmpfs "$LEDGER_DIR"
# 1. Full from the start: the intent cannot be noted.
dd if=/dev/zero of="$LEDGER_DIR/filler" bs=4096 count=2 2>/dev/null
"$LOTSYNC" digest --config "$CONFIG" --week "$WEEK" --office collectif --format json >"$OUT/1.json"
echo $? >"$OUT/1.rc"
# 2. One page free: the intent fits, its success (a second copy, then a rename) does not.
truncate -s 4096 "$LEDGER_DIR/filler"
"$LOTSYNC" digest --config "$CONFIG" --week "$WEEK" --office collectif --format json >"$OUT/2.json"
echo $? >"$OUT/2.rc"
cp "$LEDGER_DIR/lotsync-digests.json" "$OUT/2.ledger"
# 3. Room again: the digest noted as leaving goes again, same Message-ID, and is noted.
rm "$LEDGER_DIR/filler"
"$LOTSYNC" digest --config "$CONFIG" --week "$WEEK" --office collectif --format json >"$OUT/3.json"
echo $? >"$OUT/3.rc"
"$LOTSYNC" digest --config "$CONFIG" --week "$WEEK" --office collectif --format json >"$OUT/4.json"
cp "$LEDGER_DIR/lotsync-digests.json" "$OUT/4.ledger"
"""


def in_a_mount_namespace(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = ["unshare", "--mount", "--map-root-user", "sh", "-c", script]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_a_full_disk_stops_the_send_before_and_is_reported_after(demo: Path, tmp_path: Path) -> None:
    """A tmpfs of two pages, in a mount namespace of the test's own: ENOSPC from the kernel."""
    ledger_dir, out = tmp_path / "registre", tmp_path / "out"
    ledger_dir.mkdir()
    out.mkdir()
    probe = in_a_mount_namespace(
        'mount -t tmpfs -o size=8k tmpfs "$LEDGER_DIR"', {"LEDGER_DIR": str(ledger_dir)}
    )
    if shutil.which("unshare") is None or probe.returncode != 0:
        pytest.skip(f"no mount namespace here ({probe.stderr.strip()}); see test_digests_run.py's fsync test")
    add_toml(demo, f'[mail]\nledger = "{ledger_dir}/lotsync-digests.json"\n')
    done = in_a_mount_namespace(
        FULL_DISK,
        {
            "LEDGER_DIR": str(ledger_dir),
            "OUT": str(out),
            "CONFIG": str(demo),
            "WEEK": WEEK,
            "LOTSYNC": LOTSYNC,
        },
    )
    assert done.returncode == 0, done.stderr

    def run(n: int) -> dict[str, Any]:
        return json.loads((out / f"{n}.json").read_text(encoding="utf-8"))["digests"][0]

    ledger = ledger_dir / "lotsync-digests.json"
    full = run(1)
    assert full["status"] == "failed"
    assert full["error"].startswith("Pas envoyé : impossible de noter au registre")
    assert f"disque plein ({ledger})" in full["error"]
    assert (out / "1.rc").read_text().strip() == "1"

    unrecorded = run(2)
    assert unrecorded["status"] == "sent_unrecorded"
    assert unrecorded["error"].startswith("Parti, mais impossible de le noter au registre (disque plein (")
    assert f"même identifiant de message {unrecorded['message_id']}" in unrecorded["error"]
    assert json.loads((out / "2.ledger").read_text())["sending"][0]["message_id"] == unrecorded["message_id"]

    again = run(3)
    assert again["status"] == "sent" and again["message_id"] == unrecorded["message_id"]
    assert (out / "3.rc").read_text().strip() == "0"
    assert run(4)["status"] == "already_sent"
    assert [e["message_id"] for e in json.loads((out / "4.ledger").read_text())["sent"]] == [
        again["message_id"]
    ]

    assert outbox_ids(demo) == [again["message_id"]] * 2, "nothing left on the full disk; then twice the same"
