"""On Google, the ledger of sent digests is in the shared Journal, and mail can go through Gmail."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fake_google import FakeGoogle
from lotsync.adapters.backends import Router
from lotsync.adapters.config import load_config
from lotsync.app.demo_google import upload_demo
from lotsync.app.digests import ledger_for, run_digests
from lotsync.app.send_log import COLLECTIVE, JournalLedger
from lotsync.core.digest import Week

WEEK = Week.parse("2026-W48")
NOW = datetime(2026, 11, 23, 8, 0)


def test_digests_are_recorded_in_the_journal_and_sent_through_gmail_once(tmp_path: Path) -> None:
    with FakeGoogle() as google:
        path = upload_demo(tmp_path / "demo", google.base_url)
        text = path.read_text(encoding="utf-8").replace(
            'backend = "google"',
            'backend = "google"\n\n[mail]\ntransport = "gmail"\nsender = "lotsync@example.org"',
            1,
        )
        # The service account sends as a Workspace user (domain-wide delegation), as Gmail demands.
        path.write_text(
            text.replace("[google]\n", '[google]\nsend_as = "lotsync@example.org"\n', 1), encoding="utf-8"
        )
        config = load_config(path)

        first = run_digests(config, week=WEEK, now=NOW, backend=Router(config))
        assert {r.office: r.status for r in first} == {
            "cahors": "sent",
            "dordogne": "sent",
            "figeac": "sent",
            COLLECTIVE: "sent",
        }
        mails = google.sent_messages()
        assert len(mails) == 4
        assert all(m.get_content_type() == "multipart/alternative" for m in mails)

        ledger = ledger_for(config, Router(config))
        assert isinstance(ledger, JournalLedger)
        assert sorted(e.office for e in ledger.entries()) == ["cahors", COLLECTIVE, "dordogne", "figeac"]

        again = run_digests(config, week=WEEK, now=NOW, backend=Router(config))
        assert {r.status for r in again} == {"already_sent"}
        assert len(google.sent_messages()) == 4, "two runs in a row send once"

        fixes = next(m for m in mails if "OT Cahors" in m["Subject"])
        html = fixes.get_body(("html",)).get_content()
        assert "https://docs.google.com/spreadsheets/d/" in html, (
            "what to fix links to the row in Google Sheets"
        )
