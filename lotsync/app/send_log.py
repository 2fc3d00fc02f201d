"""The send log of digests: which office got which week's digest, with which Message-ID.

It is what makes a digest go out once. Each digest is noted twice, one at a time:

1. the intent, state "sending", with the Message-ID chosen in advance, BEFORE the mail leaves:
   if it cannot be noted (full disk, Google refusing), the mail does not leave;
2. the success, state "sent", right after the transport accepted the mail.

A run that finds an intent without its success (a crash, or a failure, between the two) sends
that digest again with the same Message-ID, which mail programs take for the same message.
`entries()` gives one entry per Message-ID, in the last state it reached; `was_sent` counts only
"sent" ones. A log that cannot be read raises `LedgerError` (French): without it nothing can be
sent safely, so nothing is.

It also keeps the live references of each digest, the "since" of the next one. Locally it is a
JSON file beside the shared workbook, replaced atomically:

    {"sent": [entry, ...], "sending": [entry, ...]}
    entry = {"office", "week", "message_id", "sent_at", "live_refs", "state"}

(a file written before intents existed has only "sent", without "state": all sent). On Google,
lines of the shared spreadsheet's `Journal`, appended: column B says "récapitulatif en cours
d'envoi" or "récapitulatif envoyé", the last column holds the entry as JSON.

The notifications of group requests (`lotsync.app.notifications`) go through the same log, with
the same two notes. Their entries are `SentDigest`s too, read by the same code: `office` is the
member told (or `COLLECTIVE`), and `week` holds a notification key instead of an ISO week,
`demande:<request>:<kind>` (`notification_key`), which never parses as a week nor sorts before
one (`last_for` skips them anyway). Their `live_refs` are empty, and nothing of the requester (name,
e-mail, phone) is ever in an entry: the Journal is read by whoever opens the shared spreadsheet. On
Google their lines say "notification en cours d'envoi" or "notification envoyée".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from lotsync.adapters.atomic import replace_file
from lotsync.app import french
from lotsync.core import french as core_french
from lotsync.core.errors import LotsyncError
from lotsync.tabs import french as tabs_french

COLLECTIVE = "collectif"
"""The ledger's name for the collective digest."""
SENDING, SENT = "sending", "sent"
STATES = (SENDING, SENT)
JOURNAL_OUTCOME = french.DIGEST_JOURNAL_SENT
JOURNAL_OUTCOMES = {
    french.DIGEST_JOURNAL_SENDING: SENDING,
    french.DIGEST_JOURNAL_SENT: SENT,
    french.NOTIFY_JOURNAL_SENDING: SENDING,
    french.NOTIFY_JOURNAL_SENT: SENT,
}
NOTIFICATION_PREFIX = "demande:"
"""The start of a notification key, in the `week` field of a notification's entry."""


class LedgerError(LotsyncError):
    """The send log cannot be read or written; the text is French and names the file or tab."""


class SentDigest(NamedTuple):
    """One entry of the log: a digest about to leave (SENDING) or gone (SENT)."""

    office: str
    week: str
    message_id: str
    sent_at: datetime
    live_refs: frozenset[str] = frozenset()
    state: str = SENT

    def as_dict(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "week": self.week,
            "message_id": self.message_id,
            "sent_at": self.sent_at.isoformat(timespec="seconds"),
            "live_refs": sorted(self.live_refs),
            "state": self.state,
        }

    @classmethod
    def from_dict(cls, data: Any, state: str | None = None) -> SentDigest:
        """`state` overrides the entry's own (the list or Journal line it came from says it)."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        refs = data.get("live_refs", [])
        if not isinstance(data["office"], str) or not isinstance(data["week"], str):
            raise ValueError("office and week are text")
        if not isinstance(refs, list):
            raise ValueError("live_refs is a list")
        found = state or str(data.get("state", SENT))
        if found not in STATES:
            raise ValueError(f"unknown state {found!r}")
        return cls(
            data["office"],
            data["week"],
            str(data.get("message_id", "")),
            datetime.fromisoformat(str(data["sent_at"])),
            frozenset(str(r) for r in refs),
            found,
        )


class Ledger(Protocol):
    def entries(self) -> list[SentDigest]:
        """One entry per Message-ID, in its last state; `LedgerError` if unreadable."""
        ...

    def record(self, entry: SentDigest) -> None:
        """Note an intent or a success; `LedgerError` if it could not be noted."""
        ...


def was_sent(entries: Sequence[SentDigest], office: str, week: str) -> bool:
    return any(e.office == office and e.week == week and e.state == SENT for e in entries)


def pending_for(entries: Sequence[SentDigest], office: str, week: str) -> SentDigest | None:
    """The latest intent for this digest that never became "sent": its Message-ID is reused."""
    waiting = [e for e in entries if e.office == office and e.week == week and e.state == SENDING]
    return max(waiting, key=lambda e: e.sent_at) if waiting else None


def notification_key(request: str, kind: str) -> str:
    """The key a request's notification is noted under, in `SentDigest.week`: `demande:n:w-12:retard`.

    `request` identifies the request without naming its requester (`notifications.request_ident`),
    `kind` is the French word for what was told (`french.NOTIFY_KEY_KINDS`)."""
    return f"{NOTIFICATION_PREFIX}{request}:{kind}"


def is_notification(entry: SentDigest) -> bool:
    """Whether an entry is a request's notification rather than a weekly digest."""
    return entry.week.startswith(NOTIFICATION_PREFIX)


def last_for(entries: Sequence[SentDigest], office: str, before_week: str) -> SentDigest | None:
    """The latest digest an office got for an earlier week: its references are the next "since"."""
    earlier = [
        e
        for e in entries
        if e.office == office and e.week < before_week and e.state == SENT and not is_notification(e)
    ]
    return max(earlier, key=lambda e: (e.week, e.sent_at)) if earlier else None


def latest_states(entries: Iterable[SentDigest]) -> list[SentDigest]:
    """One entry per Message-ID (the last one noted wins), in the order they first appeared."""
    by_id: dict[str, SentDigest] = {}
    anonymous: list[SentDigest] = []
    for entry in entries:
        if entry.message_id:
            by_id[entry.message_id] = entry
        else:
            anonymous.append(entry)
    return [*by_id.values(), *anonymous]


class FileLedger:
    """A JSON file, replaced in one step (`os.replace`) at each intent and each success."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileLedger({str(self.path)!r})"

    def entries(self) -> list[SentDigest]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []  # no digest was ever sent from this configuration
        except OSError as error:
            raise self._unreadable(core_french.os_reason(error)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self._unreadable(french.LEDGER_NOT_TEXT) from None
        except json.JSONDecodeError as error:
            raise self._unreadable(
                french.LEDGER_NOT_JSON.format(line=error.lineno, column=error.colno)
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("sent", []), list):
            raise self._unreadable(french.LEDGER_BAD_SHAPE)
        found: list[SentDigest] = []
        for key, state in (("sent", SENT), ("sending", SENDING)):
            items = data.get(key, [])
            if not isinstance(items, list):
                raise self._unreadable(french.LEDGER_BAD_SHAPE)
            for number, item in enumerate(items, 1):
                try:
                    found.append(SentDigest.from_dict(item, state))
                except (KeyError, TypeError, ValueError):
                    raise self._unreadable(french.LEDGER_BAD_ENTRY.format(number=number, key=key)) from None
        return found

    def record(self, entry: SentDigest) -> None:
        kept = [e for e in self.entries() if e.message_id != entry.message_id or not entry.message_id]
        entries = [*kept, entry]
        data = {
            "sent": [e.as_dict() for e in entries if e.state == SENT],
            "sending": [e.as_dict() for e in entries if e.state == SENDING],
        }
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, text.encode("utf-8"))
        except OSError as error:
            raise LedgerError(core_french.os_error(error, self.path)) from None

    def _unreadable(self, reason: str) -> LedgerError:
        return LedgerError(french.LEDGER_UNREADABLE.format(where=self.path, reason=reason))


class JournalLedger:
    """Lines of the shared spreadsheet's `Journal` on Google (read and appended as plain text)."""

    def __init__(self, backend: Any, spreadsheet_id: str):
        self.backend = backend
        self.spreadsheet_id = spreadsheet_id

    def __repr__(self) -> str:
        return f"JournalLedger({self.spreadsheet_id!r})"

    @property
    def where(self) -> str:
        return french.LEDGER_JOURNAL.format(tab=tabs_french.TAB_JOURNAL)

    def entries(self) -> list[SentDigest]:
        from lotsync.adapters.backends import SourceError

        try:
            rows = self.backend.journal_rows(self.spreadsheet_id)
        except SourceError as error:
            raise self._unreadable(str(error)) from error
        found = []
        for number, row in enumerate(rows or [], 1):
            state = JOURNAL_OUTCOMES.get(row[1]) if number > 2 and len(row) > 1 else None
            if state is None:
                continue  # a sync's line, the marker or the header
            try:
                found.append(SentDigest.from_dict(json.loads(str(row[-1])), state))
            except (KeyError, TypeError, ValueError):
                reason = french.LEDGER_BAD_LINE.format(row=number, outcome=row[1])
                raise self._unreadable(reason) from None
        return latest_states(found)

    def record(self, entry: SentDigest) -> None:
        from lotsync.adapters.backends import WriteError
        from lotsync.tabs.results import journal_note

        if is_notification(entry):
            outcome = french.NOTIFY_JOURNAL_SENDING if entry.state == SENDING else french.NOTIFY_JOURNAL_SENT
        else:
            outcome = french.DIGEST_JOURNAL_SENDING if entry.state == SENDING else french.DIGEST_JOURNAL_SENT
        detail = json.dumps(entry.as_dict(), ensure_ascii=False)
        try:
            self.backend.append_journal(
                self.spreadsheet_id, journal_note(entry.sent_at, outcome, entry.week, detail), entry.sent_at
            )
        except WriteError as error:
            raise LedgerError(french.LEDGER_WRITE_FAILED.format(where=self.where, error=error)) from error

    def _unreadable(self, reason: str) -> LedgerError:
        return LedgerError(french.LEDGER_UNREADABLE.format(where=self.where, reason=reason))


FAILED_STATUSES = frozenset({"failed", "sent_unrecorded"})
"""The statuses a caller reports as failures (`lotsync digest` exits with 1 on them)."""


class Delivery:
    """What a run says of one mail, the base of `DigestResult` and `NotificationResult` (dataclasses
    that declare these fields): `deliver_once` fills it."""

    status: str
    message_id: str | None
    error: str | None

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def left(self) -> bool:
        """The mail went to the transport, noted or not."""
        return self.status in ("sent", "sent_unrecorded")


def deliver_once(
    ledger: Ledger,
    transports: Any,
    result: Delivery,
    pending: SentDigest | None,
    entry: Callable[[str], SentDigest],
    mail: tuple[Any, str, list[str]],
    after_send: Callable[[Any], None] | None = None,
) -> None:
    """The send log's protocol for one mail, in one place for every kind of mail.

    The intent is noted (`entry(message_id)`, state SENDING) with a Message-ID chosen in advance
    BEFORE the mail leaves; the mail is sent; its success is noted. An intent found without its
    success (`pending`: a crash, or a failure, between the two) is sent again with its Message-ID,
    which mail programs take for the same message. `mail` is (rendered, sender, recipients);
    `transports` a `mail_transports.RunTransport`; `after_send(result)` runs once the mail left,
    before its success is noted. `result.status` ends "sent", "failed" (the intent, if noted, stays
    for a retry) or "sent_unrecorded"; `result.error` says why in French.
    """
    from lotsync.adapters.mail import compose, new_message_id

    try:
        transport = transports.get()
        result.message_id = pending.message_id if pending is not None else new_message_id()
    except Exception as error:  # a transport that does not open: this mail fails, not the run
        result.status, result.error = "failed", _reason(error)
        return
    noted = entry(result.message_id)
    if pending is None:
        try:
            ledger.record(noted)
        except LedgerError as error:
            result.status, result.error = "failed", french.LEDGER_INTENT_FAILED.format(reason=error)
            return
    rendered, sender, recipients = mail
    try:
        transport.send(compose(rendered, sender, recipients, message_id=result.message_id))
    except Exception as error:  # one failed mail must not stop the others: it is reported
        result.status, result.error = "failed", _reason(error)
        return
    if after_send is not None:
        after_send(result)
    try:
        ledger.record(noted._replace(state=SENT))
    except LedgerError as error:
        result.status = "sent_unrecorded"
        result.error = french.LEDGER_SENT_UNRECORDED.format(reason=error, message_id=result.message_id)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return core_french.os_error(error)
    return str(error) or type(error).__name__
