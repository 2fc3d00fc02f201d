"""The group requests' notifications (issue 14): each office told of a request once, a late one reminded once.

After a sync has computed the books, `run_notifications` sends, through the digests' transport and
send log (`lotsync.app.send_log`, `lotsync.app.digests.ledger_for`):

- to the office a request is assigned to (by a person in `Attribuée à`, or by the suggestion when
  `[requests] assign = "suggested"`), one mail with everything needed to answer it
  (`lotsync.adapters.request_render.render_assigned`). It is noted per (request, office): a request
  reassigned to another office tells the new one, once; assigned back, nobody is told again;
- for a request late for the first time, one reminder (`render_late`) to its office and to the
  collective's addresses together, or to the collective's alone when no office has it (it waits for
  someone to assign it). It is noted per request: reassigned, it is not reminded again.

Only open requests received at most `[requests] notify_within_days` days before the books' as-of
date are notified: turning the feature on does not mail every request of past years.

Each mail is noted twice, as digests are: its intent with the Message-ID chosen in advance, then its
success; an intent found without its success is sent again with the same Message-ID, to whoever
has the request now. The send log keeps the office and the key (`notification_key`:
`demande:<request>:attribuée` or `…:retard`), never the requester: a request is named by its
number (`n:w-12`), or, without one, by the core's digest of its date, requester and e-mail
(`r:49ad5f86e1705f61`), as the JSON names it. Log lines give keys, offices and counts only.

This module takes no lock: its caller holds `work_lock(config)`, as around a sync that writes.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lotsync.adapters.config import Config
from lotsync.app import french
from lotsync.app.digests import ledger_for
from lotsync.app.send_log import (
    COLLECTIVE,
    SENDING,
    SENT,
    Delivery,
    Ledger,
    LedgerError,
    SentDigest,
    deliver_once,
    notification_key,
    pending_for,
    was_sent,
)
from lotsync.core.books import Books
from lotsync.core.requests import AWAITING, Request, RequestLine

if TYPE_CHECKING:
    from lotsync.adapters.mail_transports import RunTransport

log = logging.getLogger(__name__)

_SAFE_KEY = re.compile(r"n:[^@]*|r:[0-9a-f]+", re.DOTALL)
"""A request's key that names nobody: its number (not an address typed as one), or the core's digest."""

ASSIGNED, LATE = "assigned", "late"
KINDS = (ASSIGNED, LATE)


@dataclass
class NotificationResult(Delivery):
    office: str
    """The member told, or `send_log.COLLECTIVE` (a late request no office has)."""
    key: str
    """The notification's key in the send log: `demande:n:w-12:attribuée`."""
    kind: str
    """`ASSIGNED` or `LATE`."""
    recipients: list[str]
    status: str
    """"sent", "already_sent", "no_recipient", "dry_run", "failed" (nothing left), or
    "sent_unrecorded" (the mail left but its success could not be noted: it will leave again,
    with the same Message-ID)."""
    message_id: str | None = None
    error: str | None = None
    """Why it failed, in French (never a requester's contact detail)."""


@dataclass
class _Job:
    office: str
    """Whom the entry names: the office told, or COLLECTIVE."""
    key: str
    kind: str
    recipients: list[str]
    rendered: Any
    sent: bool
    """Already noted "sent" in the log."""
    pending: SentDigest | None
    """Its intent noted without a success: sent again with that Message-ID."""


def request_ident(request: Request) -> str:
    """How the send log names a request, without its requester: its key as the core makes it
    (`Request.key`: `n:w-12` from its number, else `r:` and a digest of its received date,
    requester and e-mail), the same as the JSON shows. A key of any other shape is digested here,
    so that nothing of who asked can reach the send log."""
    if _SAFE_KEY.fullmatch(request.key):
        return request.key
    return "r:" + hashlib.sha256(request.key.encode("utf-8")).hexdigest()[:16]


def key_of(line: RequestLine, kind: str) -> str:
    """The key a request's notification of `kind` is noted under."""
    return notification_key(request_ident(line.request), french.NOTIFY_KEY_KINDS[kind])


def to_notify(books: Books, within_days: int) -> list[RequestLine]:
    """The open requests received at most `within_days` days before the books' as-of date."""
    since = books.as_of - timedelta(days=within_days)
    return [line for line in books.requests.lines if line.is_open and line.request.received >= since]


def run_notifications(
    config: Config,
    books: Books,
    backend: Any,
    *,
    now: datetime,
    dry_run: bool = False,
    transport: Any = None,
    after_send: Callable[[NotificationResult], None] | None = None,
    ledger: Ledger | None = None,
) -> list[NotificationResult]:
    """Send what the requests of `books` call for, each mail once; what became of each.

    `backend` is the one that read the books: its `locate` links each mail to the request's row
    (on Google it knows the links of what it read). `transport` is used as given (its caller closes
    it), else `[mail] transport` is opened at the first mail and closed at the end. `ledger` is the
    send log, by default the digests' (`ledger_for`). `after_send` is called right after each mail
    leaves, before its success is noted (tests cut the power there). A dry run reads the send log,
    sends and notes nothing. Nothing at all when there is no requests tab (`books.requests.read`).
    Holds no lock: the caller holds `work_lock(config)`.
    """
    if not books.requests.read:
        return []
    lines = to_notify(books, config.requests.notify_within_days)
    if not lines:
        log.info(french.NOTIFY_LOG_NONE)
        return []
    ledger = ledger or ledger_for(config, backend)
    try:
        entries = ledger.entries()
    except LedgerError as error:  # without the log, every mail would leave again: none does
        refused = [
            NotificationResult(office, key_of(line, kind), kind, _shown(to), "failed", error=str(error))
            for line, kind, office, to in _wanted(config, lines)
        ]
        _log(refused)
        return refused

    def locate(request: Request) -> str:
        where = request.where
        if backend is None:
            return where.spreadsheet
        return str(backend.locate(where.spreadsheet, where.tab, where.row))

    jobs = _jobs(config, lines, entries, locate)
    results: list[NotificationResult] = []
    from lotsync.adapters.mail_transports import RunTransport  # smtplib and ssl: only to send

    transports = RunTransport(config, transport)
    try:
        for job in jobs:
            result = NotificationResult(job.office, job.key, job.kind, _shown(job.recipients), "sent")
            results.append(result)
            _deliver(config, job, result, ledger, transports, now, dry_run=dry_run, after_send=after_send)
    finally:  # however the run ends (an interrupt after a mail left included)
        transports.close()
    _log(results)
    return results


def _shown(recipients: Sequence[str]) -> list[str]:
    """The recipients as a result may show them (no secret of a channel's address)."""
    from lotsync.adapters.mail import shown

    return [shown(r) for r in recipients]


def _wanted(config: Config, lines: Sequence[RequestLine]) -> list[tuple[RequestLine, str, str, list[str]]]:
    """(line, kind, office noted, recipients) of every mail the requests may call for."""
    found = []
    for line in lines:
        if line.office is not None and line.request.status in AWAITING:  # a quote sent: it is in hand
            found.append((line, ASSIGNED, line.office, config.recipients(line.office)))
        if line.late:
            found.append((line, LATE, line.office or COLLECTIVE, _late_recipients(config, line)))
    return found


def _late_recipients(config: Config, line: RequestLine) -> list[str]:
    """The office's addresses and the collective's, once each (a late request no office has: the
    collective's alone)."""
    addresses = [*(config.recipients(line.office) if line.office else []), *config.recipients(None)]
    return list(dict.fromkeys(addresses))


def _jobs(
    config: Config,
    lines: Sequence[RequestLine],
    entries: Sequence[SentDigest],
    locate: Callable[[Request], str],
) -> list[_Job]:
    from lotsync.adapters.request_render import Notice, render_assigned, render_late

    names = {m.id: m.short for m in config.core_members()}
    jobs = []
    for line, kind, office, recipients in _wanted(config, lines):
        key = key_of(line, kind)
        notice = Notice(
            line,
            config.collective.name,
            names,
            locate(line.request),
            config.requests.reply_within_working_days,
        )
        if kind == ASSIGNED:  # once per (request, office)
            sent, pending = was_sent(entries, office, key), pending_for(entries, office, key)
            rendered = render_assigned(notice)
        else:  # once per request, whoever has it
            sent = any(e.week == key and e.state == SENT for e in entries)
            waiting = [e for e in entries if e.week == key and e.state == SENDING]
            pending = max(waiting, key=lambda e: e.sent_at) if waiting else None
            rendered = render_late(notice)
        jobs.append(_Job(office, key, kind, recipients, rendered, sent, pending))
    return jobs


def _deliver(
    config: Config,
    job: _Job,
    result: NotificationResult,
    ledger: Ledger,
    transports: RunTransport,
    now: datetime,
    *,
    dry_run: bool,
    after_send: Callable[[NotificationResult], None] | None,
) -> None:
    """Note, send and note again one mail (`send_log.deliver_once`), saying in `result` what
    became of it."""
    if job.sent:
        result.status = "already_sent"
        return
    if not job.recipients:
        result.status = "no_recipient"
        return
    if dry_run:
        result.status = "dry_run"
        return
    deliver_once(
        ledger,
        transports,
        result,
        job.pending,
        lambda message_id: SentDigest(
            job.office, job.key, message_id, now.replace(microsecond=0), frozenset(), SENDING
        ),
        (job.rendered, config.mail.sender, job.recipients),
        after_send,
    )


def _log(results: Sequence[NotificationResult]) -> None:
    """One line per mail that left or failed, then the counts: keys and offices, no contact detail."""
    for r in results:
        status = french.NOTIFY_STATUSES[r.status]
        if r.error:
            log.warning(
                french.NOTIFY_LOG_FAILED.format(key=r.key, office=r.office, status=status, error=r.error)
            )
        elif r.status in ("sent", "dry_run"):
            log.info(french.NOTIFY_LOG_RESULT.format(key=r.key, office=r.office, status=status))
    counts = Counter(r.status for r in results)
    text = ", ".join(
        french.NOTIFY_LOG_COUNT.format(status=french.NOTIFY_STATUSES[s], count=n) for s, n in counts.items()
    )
    log.info(french.NOTIFY_LOG_SUMMARY.format(counts=text) if results else french.NOTIFY_LOG_NONE)
