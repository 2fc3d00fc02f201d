"""`lotsync digest`: build, send and record the week's digests, each exactly once.

The books are read as for a sync (nothing is written to the sheets); each office's
digest not yet in the send log is rendered and then, one after the other: its intent
noted with a Message-ID chosen in advance, the mail sent, its success noted
(`lotsync.app.send_log`). A digest whose intent is found without a success is sent again
with the same Message-ID. `--preview` writes the files instead of sending.

A run that sends holds `work_lock(config)` from start to end, so that two commands
never both find a digest "not sent yet"; a dry run or a preview sends nothing and
takes no lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lotsync.adapters.config import Config
from lotsync.adapters.mail import shown
from lotsync.adapters.sources import classify
from lotsync.app.send_log import (
    COLLECTIVE,
    SENDING,
    Delivery,
    FileLedger,
    JournalLedger,
    Ledger,
    LedgerError,
    SentDigest,
    deliver_once,
    last_for,
    pending_for,
    was_sent,
)
from lotsync.core.digest import Week, WeekError, collective_digest, office_digest
from lotsync.core.model import Where

if TYPE_CHECKING:
    from lotsync.adapters.mail_transports import RunTransport


@dataclass
class DigestResult(Delivery):
    office: str
    week: str
    recipients: list[str]
    status: str
    """"sent", "already_sent", "dry_run", "preview", "no_recipient", "failed" (nothing left), or
    "sent_unrecorded" (the mail left but its success could not be noted: it will leave again,
    with the same Message-ID)."""
    message_id: str | None = None
    """The Message-ID header, as noted in the send log (for Gmail too, not Gmail's own id)."""
    error: str | None = None
    files: list[str] | None = None


@dataclass
class _Job:
    ident: str
    recipients: list[str]
    rendered: Any
    refs: frozenset[str]


def ledger_for(config: Config, backend: Any) -> Ledger:
    """Where the ledger lives: the shared spreadsheet's Journal on Google, a file beside it locally."""
    shared = classify(config.shared.source, config.backend)
    if shared.is_google:
        return JournalLedger(backend.google, shared.ref)
    path = (
        Path(config.mail.ledger) if config.mail.ledger else Path(shared.ref).with_name("lotsync-digests.json")
    )
    return FileLedger(path)


def run_digests(
    config: Config,
    *,
    week: Week,
    now: datetime,
    office: str | None = None,
    dry_run: bool = False,
    preview: Path | None = None,
    force: bool = False,
    backend: Any = None,
    transport: Any = None,
    ledger: Ledger | None = None,
    after_send: Callable[[DigestResult], None] | None = None,
) -> list[DigestResult]:
    """The week's digests, sent (or prepared, or previewed), each with what became of it.

    Raises `lotsync.app.lock.Busy` when another command holds the work lock beyond
    `[schedule] lock_wait` (`LockError` if the lock file cannot be opened). `after_send` is
    called right after each mail leaves, before its success is noted (tests use it to cut
    the power there).
    """
    from lotsync.app.lock import work_lock

    sends = not dry_run and preview is None
    with work_lock(config) if sends else contextlib.nullcontext():
        return _run(
            config,
            week=week,
            now=now,
            office=office,
            dry_run=dry_run,
            preview=preview,
            force=force,
            backend=backend,
            transport=transport,
            ledger=ledger,
            after_send=after_send,
        )


def _run(
    config: Config,
    *,
    week: Week,
    now: datetime,
    office: str | None,
    dry_run: bool,
    preview: Path | None,
    force: bool,
    backend: Any,
    transport: Any,
    ledger: Ledger | None,
    after_send: Callable[[DigestResult], None] | None,
) -> list[DigestResult]:
    from lotsync.adapters.backends import Router
    from lotsync.adapters.digest_render import render_collective, render_office
    from lotsync.app.sync import run_sync

    backend = backend or Router(config)
    outcome = run_sync(config, as_of=week.monday, now=now, backend=backend, dry_run=True)
    books = outcome.books
    ledger = ledger or ledger_for(config, backend)
    wanted = [m for m in config.members if office in (None, m.id)]
    try:
        entries = ledger.entries()
    except LedgerError as error:  # without the log, every digest would leave again: none does
        refused = [(m.id, config.recipients(m.id)) for m in wanted]
        if office in (None, COLLECTIVE):
            refused.append((COLLECTIVE, config.recipients(None)))
        return [
            DigestResult(ident, week.label, [shown(r) for r in to], "failed", error=str(error))
            for ident, to in refused
        ]

    def locate(where: Where) -> str:
        return backend.locate(where.spreadsheet, where.tab, where.row)

    digests = []
    for member in config.members:
        last = last_for(entries, member.id, week.label)
        digests.append(
            office_digest(
                books,
                member.id,
                week,
                seen=last.live_refs if last else None,
                locate=locate,
                last_complete=outcome.last_complete,
                last_week=_week_of(last),
            )
        )
    jobs = [
        _Job(d.member.id, config.recipients(m.id), render_office(d, config.collective.name), d.live_refs)
        for d, m in zip(digests, config.members, strict=True)
        if m in wanted
    ]
    if office in (None, COLLECTIVE):
        last = last_for(entries, COLLECTIVE, week.label)
        collective = collective_digest(
            books, week, digests, outcome.last_complete, last_week=_week_of(last), locate=locate
        )
        jobs.append(
            _Job(
                COLLECTIVE,
                config.recipients(None),
                render_collective(collective, config.collective.name),
                frozenset(),
            )
        )

    results: list[DigestResult] = []
    from lotsync.adapters.mail_transports import RunTransport  # smtplib and ssl: only to send

    transports = RunTransport(config, transport)
    try:
        _deliver(
            config,
            jobs,
            week,
            now,
            entries,
            ledger,
            results,
            transports,
            dry_run=dry_run,
            preview=preview,
            force=force,
            after_send=after_send,
        )
    finally:  # however the run ends (an interrupt after a mail left included)
        transports.close()
    return results


def _week_of(sent: SentDigest | None) -> Week | None:
    """The week of the last digest sent: the payments listed as new go back to it."""
    if sent is None:
        return None
    try:
        return Week.parse(sent.week)
    except WeekError:  # a week the send log holds but that does not parse: count from last week
        return None


def _deliver(
    config: Config,
    jobs: list[_Job],
    week: Week,
    now: datetime,
    entries: list[SentDigest],
    ledger: Ledger,
    results: list[DigestResult],
    transports: RunTransport,
    *,
    dry_run: bool,
    preview: Path | None,
    force: bool,
    after_send: Callable[[DigestResult], None] | None,
) -> None:
    """Note, send and note again each digest in turn (`send_log.deliver_once`), appending what
    became of it to `results`."""
    when = now.replace(microsecond=0)
    for job in jobs:
        result = DigestResult(job.ident, week.label, [shown(r) for r in job.recipients], "sent")
        results.append(result)
        if preview is not None:
            result.status, result.files = "preview", _write_preview(preview, job.ident, week, job.rendered)
            continue
        if not job.recipients:
            result.status = "no_recipient"
            continue
        if was_sent(entries, job.ident, week.label) and not force:
            result.status = "already_sent"
            continue
        if dry_run:
            result.status = "dry_run"
            continue
        deliver_once(
            ledger,
            transports,
            result,
            pending_for(entries, job.ident, week.label),
            _intent(job, week, when),
            (job.rendered, config.mail.sender, job.recipients),
            after_send,
        )


def _intent(job: _Job, week: Week, when: datetime) -> Callable[[str], SentDigest]:
    """The send log's entry of a digest about to leave, given its Message-ID."""
    return lambda message_id: SentDigest(job.ident, week.label, message_id, when, job.refs, SENDING)


def _write_preview(folder: Path, ident: str, week: Week, rendered: Any) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{week.label}-{ident}"
    files = [stem.with_suffix(".html"), stem.with_suffix(".txt")]
    files[0].write_text(rendered.html, encoding="utf-8")
    files[1].write_text(rendered.text, encoding="utf-8")
    if rendered.chart_png:
        files.append(stem.with_suffix(".png"))
        files[-1].write_bytes(rendered.chart_png)
    return [str(f) for f in files]
