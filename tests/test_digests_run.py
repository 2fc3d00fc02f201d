"""`lotsync digest`: each week's digests go out exactly once, through the outbox by default."""

from __future__ import annotations

import email
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from lotsync.cli import cli
from lotsync.config import load_config
from lotsync.demo import write_demo
from lotsync.digest import Week
from lotsync.digests_run import ledger_for, run_digests
from lotsync.ledger import COLLECTIVE

WEEK = Week.parse("2026-W48")
NOW = datetime(2026, 11, 23, 8, 0)


@pytest.fixture
def config(tmp_path: Path):
    return load_config(write_demo(tmp_path / "demo"))


def outbox(config) -> list[Path]:
    return sorted(Path(config.mail.outbox).glob("*.eml"))


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
    sent_twice = [f for f in outbox(config) if "dordogne" in f.read_text(errors="ignore")]
    assert len(outbox(config)) == 5, "only the unrecorded message went out twice"
    assert sent_twice


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
