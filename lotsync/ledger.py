"""The ledger of sent digests: which office got which week's digest, when, with which message.

It is what makes digests go out exactly once: a digest is recorded right after
it is sent, one at a time, so a run interrupted between the two resends at most
that one. It also keeps the live references of each digest, the "since" of the
next one. Locally it is a JSON file beside the shared workbook; on Google, lines
of the shared spreadsheet's `Journal`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from lotsync import messages
from lotsync.atomic import replace_file

COLLECTIVE = "collectif"
"""The ledger's name for the collective digest."""
JOURNAL_OUTCOME = "récapitulatif envoyé"


class SentDigest(NamedTuple):
    office: str
    week: str
    message_id: str
    sent_at: datetime
    live_refs: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "week": self.week,
            "message_id": self.message_id,
            "sent_at": self.sent_at.isoformat(timespec="seconds"),
            "live_refs": sorted(self.live_refs),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentDigest:
        return cls(
            str(data["office"]),
            str(data["week"]),
            str(data.get("message_id", "")),
            datetime.fromisoformat(str(data["sent_at"])),
            frozenset(str(r) for r in data.get("live_refs", [])),
        )


class Ledger(Protocol):
    def entries(self) -> list[SentDigest]: ...

    def record(self, entry: SentDigest) -> None: ...


def was_sent(entries: Sequence[SentDigest], office: str, week: str) -> bool:
    return any(e.office == office and e.week == week for e in entries)


def last_for(entries: Sequence[SentDigest], office: str, before_week: str) -> SentDigest | None:
    """The latest digest an office got for an earlier week: its references are the next "since"."""
    earlier = [e for e in entries if e.office == office and e.week < before_week]
    return max(earlier, key=lambda e: (e.week, e.sent_at)) if earlier else None


class FileLedger:
    """A JSON file, rewritten atomically after each sent digest."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def entries(self) -> list[SentDigest]:
        if not self.path.exists():
            return []
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return [SentDigest.from_dict(item) for item in data.get("sent", [])]

    def record(self, entry: SentDigest) -> None:
        entries = [*self.entries(), entry]
        data = json.dumps({"sent": [e.as_dict() for e in entries]}, ensure_ascii=False, indent=1)
        replace_file(self.path, data.encode("utf-8"))


class JournalLedger:
    """Lines of the shared spreadsheet's `Journal` on Google (read and appended as plain text)."""

    def __init__(self, backend: Any, spreadsheet_id: str):
        self.backend = backend
        self.spreadsheet_id = spreadsheet_id

    def entries(self) -> list[SentDigest]:
        from lotsync.sources import Source

        try:
            rows = self.backend._batch_get(Source("sheet", self.spreadsheet_id), [messages.TAB_JOURNAL])
        except Exception as error:
            if getattr(getattr(error, "response", None), "status_code", None) == 400:
                return []  # no Journal yet: no digest was ever recorded
            raise
        found = []
        for row in rows.get(messages.TAB_JOURNAL, [])[2:]:
            if len(row) > 1 and row[1] == JOURNAL_OUTCOME and row[-1]:
                try:
                    found.append(SentDigest.from_dict(json.loads(row[-1])))
                except (ValueError, KeyError):
                    continue
        return found

    def record(self, entry: SentDigest) -> None:
        line = [
            entry.sent_at.isoformat(sep=" ", timespec="seconds"),
            JOURNAL_OUTCOME,
            entry.week,
            "",
            "",
            "",
            "",
            "",
            "",
            json.dumps(entry.as_dict(), ensure_ascii=False),
        ]
        client = self.backend._client()
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}

        def append() -> Any:
            return self.backend._call(
                "sheets.values.append",
                lambda: client.values_append(
                    self.spreadsheet_id, f"'{messages.TAB_JOURNAL}'!A:J", params, {"values": [line]}
                ),
            )

        try:
            append()
        except Exception as error:
            if getattr(getattr(error, "response", None), "status_code", None) != 400:
                raise
            self._create_journal(client, entry.sent_at)
            append()

    def _create_journal(self, client: Any, when: datetime) -> None:
        """The Journal as a sync would have made it: marker line and header, then lines."""
        from lotsync.outputs import JOURNAL_HEADER

        marker = messages.MARKER_LINE.format(when=messages.timestamp(when))
        self.backend._call(
            "sheets.spreadsheets.batchUpdate",
            lambda: client.batch_update(
                self.spreadsheet_id,
                {"requests": [{"addSheet": {"properties": {"title": messages.TAB_JOURNAL}}}]},
            ),
        )
        self.backend._call(
            "sheets.values.update",
            lambda: client.values_update(
                self.spreadsheet_id,
                f"'{messages.TAB_JOURNAL}'!A1",
                params={"valueInputOption": "RAW"},
                body={"values": [[marker], list(JOURNAL_HEADER)]},
            ),
        )
