"""`lotsync digest`: build, send and record the week's digests, each exactly once.

The books are read as for a sync (nothing is written to the sheets); each
office's digest not yet in the ledger is rendered, sent, and recorded at once,
one after the other. `--preview` writes the files instead of sending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lotsync.config import Config
from lotsync.digest import Week, collective_digest, office_digest
from lotsync.ledger import COLLECTIVE, FileLedger, JournalLedger, Ledger, SentDigest, last_for, was_sent
from lotsync.model import Where
from lotsync.sources import classify


@dataclass
class DigestResult:
    office: str
    week: str
    recipients: list[str]
    status: str
    """"sent", "already_sent", "dry_run", "preview", "no_recipient" or "failed"."""
    message_id: str | None = None
    error: str | None = None
    files: list[str] | None = None


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
    from lotsync.backends import Router
    from lotsync.digest_render import render_collective, render_office
    from lotsync.sync import run_sync

    backend = backend or Router(config)
    outcome = run_sync(config, as_of=week.monday, now=now, backend=backend, dry_run=True)
    books = outcome.books
    ledger = ledger or ledger_for(config, backend)
    entries = ledger.entries()

    def locate(where: Where) -> str:
        return backend.locate(where.spreadsheet, where.tab, where.row)

    wanted = [m for m in config.members if office in (None, m.id)]
    digests = []
    for member in config.members:
        last = last_for(entries, member.id, week.label)
        digests.append(
            office_digest(books, member.id, week, seen=last.live_refs if last else None, locate=locate)
        )
    jobs: list[tuple[str, list[str], Any, frozenset[str]]] = [
        (d.member.id, list(m.emails), render_office(d, config.collective.name), d.live_refs)
        for d, m in zip(digests, config.members, strict=True)
        if m in wanted
    ]
    if office in (None, COLLECTIVE):
        collective = collective_digest(books, week, digests)
        jobs.append(
            (
                COLLECTIVE,
                list(config.collective.emails),
                render_collective(collective, config.collective.name),
                frozenset(),
            )
        )

    results: list[DigestResult] = []
    opened = transport is None
    try:
        transport = _deliver(
            config,
            backend,
            jobs,
            week,
            now,
            entries,
            ledger,
            results,
            transport,
            dry_run=dry_run,
            preview=preview,
            force=force,
            after_send=after_send,
        )
    finally:
        if opened and transport is not None and hasattr(transport, "close"):
            transport.close()
    return results


def _deliver(
    config: Config,
    backend: Any,
    jobs: list[tuple[str, list[str], Any, frozenset[str]]],
    week: Week,
    now: datetime,
    entries: list[SentDigest],
    ledger: Ledger,
    results: list[DigestResult],
    transport: Any,
    *,
    dry_run: bool,
    preview: Path | None,
    force: bool,
    after_send: Callable[[DigestResult], None] | None,
) -> Any:
    """Send and record each digest in turn; returns the transport it opened, if any."""
    for ident, recipients, rendered, refs in jobs:
        result = DigestResult(ident, week.label, recipients, "sent")
        results.append(result)
        if preview is not None:
            result.status, result.files = "preview", _write_preview(preview, ident, week, rendered)
            continue
        if not recipients:
            result.status = "no_recipient"
            continue
        if was_sent(entries, ident, week.label) and not force:
            result.status = "already_sent"
            continue
        if dry_run:
            result.status = "dry_run"
            continue
        transport = transport or _transport(config, backend)
        result.message_id, result.error = _send(transport, config, rendered, recipients)
        if result.error:
            result.status = "failed"
            continue
        if after_send is not None:
            after_send(result)
        ledger.record(
            SentDigest(ident, week.label, result.message_id or "", now.replace(microsecond=0), refs)
        )
    return results


def _send(
    transport: Any, config: Config, rendered: Any, recipients: list[str]
) -> tuple[str | None, str | None]:
    from lotsync.mail import compose

    try:
        message = compose(rendered, config.mail.sender, recipients)
        return transport.send(message), None
    except Exception as error:  # one failed digest must not stop the others: it is reported
        return None, str(error) or type(error).__name__


def _transport(config: Config, backend: Any) -> Any:
    from lotsync.transports import transport_for

    credentials = None
    if config.mail.transport == "gmail":
        from lotsync.google.credentials import load_credentials, scopes_for

        credentials, _ = load_credentials(config, scopes_for(config, gmail=True))
    return transport_for(config, google_credentials=credentials)


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
