"""One sync: read every source through a backend, compute the books, write the results.

This is the only place where the core meets I/O. Reading problems become
anomalies and the sync goes on; a write either lands whole or not at all.
"""

from __future__ import annotations

import gc
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from lotsync.adapters.backends import Backend, ReadBook, Router, SourceError, WriteError, WriteReport
from lotsync.adapters.config import Config
from lotsync.app import french
from lotsync.core import french as core_french
from lotsync.core.books import Books, Inputs, compute_books
from lotsync.core.dossiers import Sheet
from lotsync.core.layout import REQUESTS_INPUT, SHARED_INPUTS
from lotsync.core.model import Anomaly, AnomalyKind, Where
from lotsync.tabs import french as tabs_french
from lotsync.tabs.owned import (
    edited_by_hand,
    foreign_tabs,
    generated_on,
    hand_edit_refusal,
    holds_figures,
    write_plan,
)
from lotsync.tabs.results import (
    OWNED_TABS,
    JournalLine,
    LastComplete,
    OutputTab,
    Quantity,
    Row,
    read_balances_tab,
    result_tabs,
)


class SyncOutcome(NamedTuple):
    books: Books
    tabs: list[OutputTab]
    shared: str
    """The shared spreadsheet's name."""
    dry_run: bool
    written: bool
    report: WriteReport | None
    error: str | None
    """Why nothing was written (French), or None."""
    seconds: Decimal
    api_calls: dict[str, int]
    """Google API calls by endpoint (empty for local workbooks)."""
    last_complete: LastComplete | None = None
    """When the books are incomplete: the last complete balances, read back from `Soldes`."""
    notifications: tuple[Any, ...] = ()
    """The requests' mails (`app.notifications.NotificationResult`), sent after the write."""

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def notifications_failed(self) -> bool:
        return any(n.failed for n in self.notifications)

    @property
    def complete(self) -> bool:
        """False when something could not be read: the figures that depend on it were kept as they
        were (the last complete ones), not recomputed."""
        return self.books.complete

    @property
    def stale_tabs(self) -> list[str]:
        return [t.name for t in self.tabs if t.name in self.books.stale_tabs()]


def default_backend(config: Config) -> Router:
    """Local files through openpyxl, Google sources through the Google backend."""
    return Router(config)


def _source_anomaly(kind: AnomalyKind, name: str, tab: str, message: str, office: str | None) -> Anomaly:
    return Anomaly(kind, Where(name, tab, 1), "", "", message, office)


def read_inputs(config: Config, backend: Backend) -> tuple[Inputs, ReadBook | None]:
    """Every office's tab and the shared spreadsheet, as raw rows; problems become anomalies."""
    problems: list[Anomaly] = []
    offices: dict[str, Sheet | None] = {}
    # Spreadsheets are read at the same time: on Google each read is a round trip.
    shared_problems: list[Anomaly] = []
    request_problems: list[Anomaly] = []
    with ThreadPoolExecutor(max_workers=config.google.concurrency) as pool:
        shared_read = pool.submit(read_shared, config, backend, shared_problems)
        requests_read = (
            pool.submit(read_requests, config, backend, request_problems)
            if config.requests.source is not None
            else None
        )
        reads = [
            (member, pool.submit(_read_quietly, backend, member.source, [member.tab]))
            for member in config.members
        ]
        for member, future in reads:
            offices[member.id] = None
            book, error = future.result()
            if error is not None:
                problems.append(
                    _source_anomaly(
                        AnomalyKind.SOURCE_UNREADABLE,
                        _display(member.source),
                        member.tab,
                        str(error),
                        member.id,
                    )
                )
                continue
            assert book is not None
            if member.tab not in book.tabs:
                problems.append(
                    _source_anomaly(
                        AnomalyKind.MISSING_TAB,
                        book.name,
                        member.tab,
                        french.MISSING_TAB.format(tab=member.tab, tabs=", ".join(book.tab_names)),
                        member.id,
                    )
                )
                continue
            offices[member.id] = Sheet(book.name, member.tab, book.tabs[member.tab])
        sheets, shared = shared_read.result()
        requests = (
            requests_read.result() if requests_read is not None else sheets.pop(REQUESTS_INPUT.key, None)
        )
    return Inputs(offices, sheets, problems + shared_problems + request_problems, requests), shared


def _read_quietly(
    backend: Backend, source: str, tabs: list[str]
) -> tuple[ReadBook | None, SourceError | None]:
    try:
        return backend.read(source, tabs), None
    except SourceError as error:
        return None, error


def read_shared(
    config: Config, backend: Backend, problems: list[Anomaly]
) -> tuple[dict[str, Sheet | None], ReadBook | None]:
    """The shared spreadsheet: its input tabs (`layout.SHARED_INPUTS`) as sheets by key, and the
    book itself (for writing). A required tab that is missing is an anomaly; an optional one is not."""
    shared_cfg = config.shared
    tabs = config.shared_tabs()
    sheets: dict[str, Sheet | None] = {t.key: None for t in SHARED_INPUTS}
    shared: ReadBook | None = None
    requests_here = config.requests.source is None  # read in the same call
    wanted = [*(t.name for t in tabs.values()), *([config.requests.tab] if requests_here else [])]
    try:
        shared = backend.read(shared_cfg.source, [*wanted, *OWNED_TABS])
    except SourceError as error:
        problems.append(
            _source_anomaly(
                AnomalyKind.SOURCE_UNREADABLE,
                _display(shared_cfg.source),
                tabs[SHARED_INPUTS[0].key].name,
                str(error),
                None,
            )
        )
        return sheets, None
    for tab in SHARED_INPUTS:
        name = tabs[tab.key].name
        if name in shared.tabs:
            sheets[tab.key] = Sheet(shared.name, name, shared.tabs[name])
        elif not tab.optional:
            problems.append(
                _source_anomaly(
                    AnomalyKind.MISSING_TAB,
                    shared.name,
                    name,
                    french.MISSING_TAB.format(tab=name, tabs=", ".join(shared.tab_names)),
                    None,
                )
            )
    if requests_here:
        sheets[REQUESTS_INPUT.key] = _requests_sheet(config, shared, problems)
    for name in foreign_tabs(shared.tabs, OWNED_TABS, shared.tab_names):
        problems.append(
            _source_anomaly(
                AnomalyKind.FOREIGN_TAB, shared.name, name, french.FOREIGN_TAB.format(tab=name), None
            )
        )
    return sheets, shared


def _requests_sheet(config: Config, book: ReadBook, problems: list[Anomaly]) -> Sheet | None:
    """The requests tab of `book`; its absence is an anomaly only when `[requests]` asks for it."""
    name = config.requests.tab
    if name in book.tabs:
        return Sheet(book.name, name, book.tabs[name])
    if config.requests_configured:
        problems.append(
            _source_anomaly(
                AnomalyKind.MISSING_TAB,
                book.name,
                name,
                french.MISSING_TAB.format(tab=name, tabs=", ".join(book.tab_names)),
                None,
            )
        )
    return None


def read_requests(config: Config, backend: Backend, problems: list[Anomaly]) -> Sheet | None:
    """The requests tab when `[requests] source` puts it in a spreadsheet of its own."""
    source = config.requests_source()
    book, error = _read_quietly(backend, source, [config.requests.tab])
    if error is not None:
        problems.append(
            _source_anomaly(
                AnomalyKind.SOURCE_UNREADABLE, _display(source), config.requests.tab, str(error), None
            )
        )
        return None
    assert book is not None
    return _requests_sheet(config, book, problems)


def _display(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def run_sync(
    config: Config,
    *,
    as_of: date,
    now: datetime,
    backend: Backend | None = None,
    dry_run: bool = False,
    notify: bool = True,
) -> SyncOutcome:
    """Read, compute, and (unless `dry_run`) write the shared spreadsheet's tabs and Journal line,
    then (unless `notify` is False) send the requests' notifications once the write is done
    (`app.notifications`; none in a dry run).

    A sync that writes holds the configuration's work lock from its first read to its last write
    (`lotsync.app.lock.work_lock`): two syncs, or a sync and a digest, never interleave. Raises
    `lotsync.app.lock.LockError` when another command holds it longer than `[schedule] lock_wait`.
    """
    if dry_run:
        return _sync(config, as_of=as_of, now=now, backend=backend, dry_run=True)
    from lotsync.app.lock import work_lock
    from lotsync.app.notifications import run_notifications

    backend = backend or default_backend(config)
    with work_lock(config):
        outcome = _sync(config, as_of=as_of, now=now, backend=backend, dry_run=False)
        if not outcome.written or not notify:  # a refused write needs a person first; mails wait
            return outcome
        # Each mail once (the send log is the digests'), under the same lock as the write.
        notices = run_notifications(config, outcome.books, backend, now=now)
    return outcome._replace(notifications=tuple(notices))


def _sync(
    config: Config, *, as_of: date, now: datetime, backend: Backend | None, dry_run: bool
) -> SyncOutcome:
    started = time.perf_counter()
    backend = backend or default_backend(config)
    inputs, shared = read_inputs(config, backend)
    books = _without_cyclic_gc(
        lambda: compute_books(
            inputs, config.rules(requests=inputs.requests is not None or config.requests_configured), as_of
        )
    )
    tabs = result_tabs(books)
    if not books.complete:
        previous = shared.tabs if shared else {}
        stale = books.stale_tabs()
        tabs = [stale_version(t, previous.get(t.name), stale[t.name]) if t.name in stale else t for t in tabs]
    shared_name = shared.name if shared else _display(config.shared.source)

    def elapsed() -> Decimal:
        return Decimal(f"{time.perf_counter() - started:.2f}")

    def calls() -> dict[str, int]:
        return dict(getattr(backend, "calls", {}))

    edits = edited_by_hand(shared.tabs, shared.fingerprints) if shared is not None else []
    last_complete = None
    edited = {tab for tab, _ in edits}
    if not books.complete and shared is not None and core_french.TAB_BALANCES not in edited:
        # The last complete balances, read back for the digests (never figures someone changed).
        last_complete = read_balances_tab(shared.tabs.get(core_french.TAB_BALANCES) or [], books.members)

    if dry_run:
        return SyncOutcome(
            books, tabs, shared_name, True, False, None, None, elapsed(), calls(), last_complete
        )
    if shared is None:
        error = next(
            a.message for a in books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE and a.office is None
        )
        return SyncOutcome(
            books, tabs, shared_name, False, False, None, error, elapsed(), calls(), last_complete
        )

    local_now = now.replace(tzinfo=None, microsecond=0)
    detail = _status_summary(books)
    if not books.complete:
        detail = french.PARTIAL_SUMMARY.format(reasons=books.gap_reasons()) + " " + detail
    journal = JournalLine(
        local_now,
        french.JOURNAL_OK if books.complete else french.JOURNAL_PARTIAL,
        as_of,
        len(config.members) + 1,
        sum(books.rows_read.values()),
        len(books.anomalies),
        len(books.reconciliation),
        "",
        Quantity(elapsed()),
        # The run's id makes its line recognisable (a write whose answer was lost is checked by it).
        french.JOURNAL_RUN.format(detail=detail, run=secrets.token_hex(4)),
    )
    if edits:
        error = hand_edit_refusal(shared.name, edits, shared.saved_by)
        return SyncOutcome(
            books, tabs, shared_name, False, False, None, error, elapsed(), calls(), last_complete
        )
    try:
        plan = write_plan(shared.tabs, tabs, lambda tab: backend.as_stored(shared, tab))
        journal = journal._replace(rewritten=", ".join(plan.rewritten) or french.JOURNAL_NOTHING_REWRITTEN)
        report = backend.write(shared, plan, journal, local_now)
    except WriteError as error:
        return SyncOutcome(
            books, tabs, shared_name, False, False, None, str(error), elapsed(), calls(), last_complete
        )
    return SyncOutcome(books, tabs, shared_name, False, True, report, None, elapsed(), calls(), last_complete)


def _without_cyclic_gc(compute: Callable[[], Books]) -> Books:
    """Parsing makes hundreds of thousands of small immutable records and no cycles: the cyclic
    garbage collector would rescan them for nothing (`bench/core.py --gc` shows what it costs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return compute()
    finally:
        if enabled:
            gc.enable()


def stale_version(tab: OutputTab, previous: list[list[Any]] | None, reasons: list[str]) -> OutputTab:
    """What to write instead of figures computed without something unread: the last complete
    figures, untouched, under a first line that says since when and why; or, when there never
    were complete figures, a line that says so and no figure at all."""
    why = " ; ".join(reasons)
    if previous is not None and holds_figures(previous):
        since = generated_on(previous) or tabs_french.UNKNOWN_DATE
        keep = french.STALE_MARKER.format(since=since, reasons=why)
        return OutputTab(tab.name, [], tab.widths, keep=keep)
    return OutputTab(tab.name, [Row("title", (tabs_french.NEVER_COMPLETE.format(reasons=why),))], tab.widths)


def _status_summary(books: Books) -> str:
    counts = books.status_counts()
    return "; ".join(
        french.STATUS_COUNT.format(status=core_french.RECON_STATUSES[k], count=v) for k, v in counts.items()
    )
