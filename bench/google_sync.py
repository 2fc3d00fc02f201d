"""Benchmark of the Google path: lotsync's sync of the demo books against a typical gspread script.

    .venv/bin/python bench/google_sync.py [--latency 0.2] [--format text|json]

Everything runs in one process. The Google emulator (`FakeGoogle`) serves from a
thread; the demo books are uploaded into it twice as Google Sheets (one copy for
lotsync, one for the baseline, so neither sees the other's tabs); then every API
call waits `--latency` seconds (the emulator's "latency" fault on "*"; faults
never touch the OAuth /token endpoint, and token requests are not counted).

Four runs, each with the emulator's request log cleared before it, so its calls
by endpoint are what the emulator answered (retries included):
- lotsync, first sync: `run_sync` (as_of 2026-11-26) through a fresh `Router`, as
  a new `lotsync sync` process would; it writes every tab; its request
  notifications (the demo's first sync has 6 mails to send) are measured apart,
  below, since they cost per mail, not per sync;
- lotsync, second sync: the same again, notifications included (all already
  sent: nothing to send); the tabs are already up to date, so the only write is
  the Journal line;
- lotsync, first sync's mails: what `run_sync` does after the first sync's write,
  through the same backend, under the same lock: `run_notifications`, each mail
  once, its intent and its success noted in the Journal (two appends a mail);
- baseline, first and second run: a sync written the way most gspread scripts
  are, one call after another, with fresh credentials: `open_by_key`,
  `worksheet`, `get_all_records` per tab read (`get_all_values` where it refuses
  the header row), lotsync's pure core (`compute_books`) on what gspread
  returned, then per output tab `worksheet` (or `add_worksheet`), `clear` and
  `update`, and the Journal line with `append_row`.
Before latency is switched on, and not timed: lotsync computes the reference
books from the local demo workbooks, and a dry run of each side loads the lazy
imports (gspread, pandas, Babel) and warms lotsync's caches, so neither side
pays them. Both sides' books are then compared with the reference.

Targets are reported as PASS/FAIL; a missed target does not change the exit
status (0). The status is 1 only when a measurement could not be made.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import gspread

from fake_google import FakeGoogle
from lotsync.adapters.backends import Router
from lotsync.adapters.config import Config, load_config
from lotsync.adapters.sources import classify
from lotsync.app import emulator_clients as clients
from lotsync.app import french as app_french
from lotsync.app.demo import CONFIG_FILE as LOCAL_CONFIG
from lotsync.app.demo_google import KEY_FILE, upload_demo
from lotsync.app.sync import SyncOutcome, run_sync
from lotsync.core import french as core_french
from lotsync.core.books import Books, Inputs, compute_books
from lotsync.core.dossiers import Sheet
from lotsync.tabs import french as tabs_french
from lotsync.tabs.results import JOURNAL_HEADER, JournalLine, Quantity, result_tabs

T = TypeVar("T")
SPREADSHEET_PATH = re.compile(r"/v4/spreadsheets/([^/:?]+)")

AS_OF = date(2026, 11, 26)
FIRST_NOW = datetime(2026, 11, 26, 18, 0)
SECOND_NOW = datetime(2026, 11, 26, 18, 5)
DEFAULT_LATENCY = 0.2
CALLS_PER_SOURCE = 2
SHARED_WRITES = 1
TIME_FRACTION = 3
"""lotsync's wall time must be at most the baseline's divided by this."""
NEW_TAB_ROWS, NEW_TAB_COLUMNS = 100, 26
"""The size a script gives a tab it adds (Google's default for a new sheet)."""


# -- one measured run ----------------------------------------------------------------


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    calls: dict[str, int] = field(default_factory=dict)
    """API calls by endpoint, from the emulator's request log (OAuth excluded)."""
    by_spreadsheet: dict[str, int] = field(default_factory=dict)
    """The same calls by spreadsheet (the office's id, or "shared")."""
    tokens: int = 0
    """Requests to the OAuth token endpoint (never delayed, not counted in `calls`)."""
    failed_calls: int = 0
    """Calls the emulator answered with an error (or dropped): each was retried or fatal."""
    note: str = ""
    error: str | None = None

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "seconds": round(self.seconds, 3),
            "calls": self.calls,
            "total_calls": self.total,
            "calls_by_spreadsheet": self.by_spreadsheet,
            "token_requests": self.tokens,
            "failed_calls": self.failed_calls,
            "note": self.note,
            "error": self.error,
        }


def measure(
    emulator: FakeGoogle, label: str, names: dict[str, str], action: Callable[[], T]
) -> tuple[Run, T | None]:
    """Run `action` with a fresh request log; its wall time and the API calls it made.

    `names`: spreadsheet id → how to call it in `by_spreadsheet`.
    """
    emulator.log.clear()
    run = Run(label)
    result: T | None = None
    started = time.perf_counter()
    try:
        result = action()
    except Exception as error:  # the run is reported as not measured, the others go on
        run.error = f"{type(error).__name__}: {error}"
    run.seconds = time.perf_counter() - started
    run.calls = emulator.log.by_endpoint()
    entries = emulator.log.as_dicts()
    run.tokens = sum(1 for e in entries if e["endpoint"] == "oauth.token")
    run.by_spreadsheet = dict(
        sorted(
            Counter(
                names.get(found[1], found[1])
                for e in entries
                if (found := SPREADSHEET_PATH.match(e["path"])) and e["endpoint"].startswith("sheets.")
            ).items()
        )
    )
    run.failed_calls = sum(
        1 for e in entries if e["endpoint"] != "oauth.token" and not 200 <= e["status"] < 300
    )
    return run, result


# -- lotsync -----------------------------------------------------------------------


def lotsync_sync(config: Config, now: datetime, backend: Router, *, notify: bool = True) -> SyncOutcome:
    """One `lotsync sync` through `backend`, a fresh Router (new credentials, new connections) as a
    new process has; its notifications sent unless `notify` is False."""
    outcome = run_sync(config, as_of=AS_OF, now=now, backend=backend, notify=notify)
    if outcome.error is not None:
        raise RuntimeError(outcome.error)
    return outcome


def lotsync_mails(config: Config, outcome: SyncOutcome | None, backend: Router, now: datetime) -> int:
    """What `run_sync` does once its write is done: the requests' notifications, through the same
    backend, under the work lock. The number of mails sent."""
    from lotsync.app.lock import work_lock
    from lotsync.app.notifications import run_notifications

    if outcome is None:
        raise RuntimeError("the first sync failed: no notifications to send")
    with work_lock(config):
        notices = run_notifications(config, outcome.books, backend, now=now)
    failed = [n for n in notices if n.status not in ("sent", "already_sent")]
    if failed:
        raise RuntimeError(f"{len(failed)} notification(s) not sent: {failed[0].error}")
    return sum(1 for n in notices if n.status == "sent")


# -- the baseline: a sync written the way most gspread scripts are --------------------


def read_tab(spreadsheet: gspread.Spreadsheet, tab: str) -> list[list[Any]]:
    """A tab's rows, header first, the usual way: `worksheet` then `get_all_records`.

    `get_all_records` numericises what Google sends, and Google sends FORMATTED
    strings (`value_render_option` left at its default): amounts such as
    `1 450,00 €` or `4,860.00 €` and dates such as `15/01/2025` reach lotsync's
    parser as display text, exactly the weakness lotsync avoids.
    """
    worksheet = spreadsheet.worksheet(tab)
    try:
        records = worksheet.get_all_records()
    except gspread.exceptions.GSpreadException:
        # A title block above the header row (Figeac's sheet) makes blank, duplicated "headers":
        # get_all_records refuses them, so the script falls back on the raw grid (one more call).
        return worksheet.get_all_values()
    if not records:
        return []
    return [list(records[0]), *[list(record.values()) for record in records]]


def plain(value: Any) -> str | int | float | bool:
    """A cell of lotsync's tabs as a script sends it: strings and JSON numbers, dates as French text."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):  # money, percentages and durations alike
        return float(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_tab(spreadsheet: gspread.Spreadsheet, title: str, values: list[list[Any]]) -> None:
    width = max((len(row) for row in values), default=1)
    try:
        worksheet = spreadsheet.worksheet(title)
    except gspread.exceptions.WorksheetNotFound:
        worksheet = spreadsheet.add_worksheet(
            title, rows=max(len(values), NEW_TAB_ROWS), cols=max(width, NEW_TAB_COLUMNS)
        )
    worksheet.clear()
    worksheet.update(values, "A1")


def append_journal(spreadsheet: gspread.Spreadsheet, line: JournalLine) -> None:
    try:
        worksheet = spreadsheet.worksheet(tabs_french.TAB_JOURNAL)
    except gspread.exceptions.WorksheetNotFound:
        worksheet = spreadsheet.add_worksheet(
            tabs_french.TAB_JOURNAL, rows=NEW_TAB_ROWS, cols=len(JOURNAL_HEADER)
        )
        worksheet.append_row(list(JOURNAL_HEADER))
    worksheet.append_row([plain(v) for v in line.cells()])


@dataclass
class BaselineResult:
    books: Books
    compute_seconds: float


def baseline_sync(client: gspread.Client, config: Config, now: datetime) -> BaselineResult:
    """Read every source, compute with lotsync's core, rewrite every tab: sequential, as such scripts are."""
    started = time.perf_counter()
    offices: dict[str, Sheet | None] = {}
    for member in config.members:
        spreadsheet = client.open_by_key(classify(member.source, config.backend).ref)
        offices[member.id] = Sheet(spreadsheet.title, member.tab, read_tab(spreadsheet, member.tab))
    shared = client.open_by_key(classify(config.shared.source, config.backend).ref)
    expenses = Sheet(shared.title, config.shared.expenses_tab, read_tab(shared, config.shared.expenses_tab))
    try:
        fees: Sheet | None = Sheet(
            shared.title, config.shared.fees_tab, read_tab(shared, config.shared.fees_tab)
        )
    except gspread.exceptions.WorksheetNotFound:  # the fees tab is optional (the demo has none)
        fees = None

    compute_started = time.perf_counter()
    books = compute_books(Inputs(offices, {"expenses": expenses, "fees": fees}), config.rules(), AS_OF)
    tabs = result_tabs(books)
    compute_seconds = time.perf_counter() - compute_started

    for tab in tabs:
        write_tab(shared, tab.name, [[plain(v) for v in row.cells] for row in tab.rows])
    detail = "; ".join(f"{core_french.RECON_STATUSES[k]} : {v}" for k, v in books.status_counts().items())
    line = JournalLine(
        now,
        app_french.JOURNAL_OK,
        AS_OF,
        len(config.members) + 1,
        sum(books.rows_read.values()),
        len(books.anomalies),
        len(books.reconciliation),
        ", ".join(t.name for t in tabs),
        Quantity(f"{time.perf_counter() - started:.2f}"),
        detail,
    )
    append_journal(shared, line)
    return BaselineResult(books, compute_seconds)


# -- do both compute the same books? -------------------------------------------------


def figures(books: Books) -> dict[str, Any]:
    return {
        "dossiers": len(books.dossiers),
        "anomalies": len(books.anomalies),
        "reconciliation lines": len(books.reconciliation),
        "reconciliation statuses": books.status_counts(),
        "turnover (year to date)": str(books.dashboard.total.turnover),
        "transfers": [f"{t.debtor} → {t.creditor} {t.amount}" for t in books.transfers],
    }


def comparable(books: Books) -> dict[str, list[tuple[Any, ...]]]:
    """Each output tab's rows, spreadsheet names without `.xlsx`: local workbooks are named by
    their file (`cahors.xlsx`), Google Sheets by their title (`cahors`)."""
    return {
        tab.name: [
            (row.style, *(c.removesuffix(".xlsx") if isinstance(c, str) else c for c in row.cells))
            for row in tab.rows
        ]
        for tab in result_tabs(books)
    }


def agreement(reference: Books, books: Books) -> dict[str, Any]:
    """Which output tabs and key figures of `books` differ from the `reference` books."""
    expected, got = comparable(reference), comparable(books)
    a, b = figures(reference), figures(books)
    return {
        "tabs": len(expected),
        "tabs_differing": [name for name in expected if expected[name] != got.get(name)],
        "figures_differing": {key: {"expected": a[key], "got": b[key]} for key in a if a[key] != b[key]},
    }


# -- the whole benchmark -----------------------------------------------------------


@dataclass
class Report:
    latency: float
    spreadsheets: int
    runs: list[Run]
    baseline_compute_s: list[float]
    agreement: dict[str, dict[str, Any]]
    """Each side's books against those computed from the local demo workbooks."""
    targets: list[dict[str, Any]]
    request_sizes: dict[str, Any]
    """The batchUpdate bodies of a first write at `BIG_ROWS` rows (`request_sizes`)."""

    @property
    def failed(self) -> bool:
        return any(r.error for r in self.runs)


def spreadsheet_names(config: Config) -> dict[str, str]:
    """Spreadsheet id → the office's id, or "shared"."""
    names = {classify(m.source, config.backend).ref: m.id for m in config.members}
    names[classify(config.shared.source, config.backend).ref] = "shared"
    return names


def spreadsheet_count(config: Config) -> int:
    return len({config.shared.source, *(m.source for m in config.members)})


def gspread_client(directory: Path, base_url: str) -> gspread.Client:
    info = json.loads((directory / KEY_FILE).read_text(encoding="utf-8"))
    return clients.gspread_client(base_url, clients.service_account_credentials(base_url, info))


def benchmark(latency: float) -> Report:
    with tempfile.TemporaryDirectory(prefix="lotsync-bench-") as tmp, FakeGoogle() as emulator:
        ours_dir, theirs_dir = Path(tmp, "lotsync"), Path(tmp, "baseline")
        ours_dir.mkdir()
        theirs_dir.mkdir()
        ours = load_config(upload_demo(ours_dir, emulator.base_url))
        theirs = load_config(upload_demo(theirs_dir, emulator.base_url))

        def baseline(now: datetime) -> BaselineResult:
            # Fresh credentials and connections, as a new process has (lotsync gets a fresh Router).
            return baseline_sync(gspread_client(theirs_dir, emulator.base_url), theirs, now)

        # Not timed, before any latency: the reference books, from the local demo workbooks
        # (upload_demo wrote them and their configuration), and a warm-up of both sides: lazy
        # imports (gspread, pandas, Babel) and caches.
        local = run_sync(load_config(ours_dir / LOCAL_CONFIG), as_of=AS_OF, now=FIRST_NOW, dry_run=True)
        run_sync(ours, as_of=AS_OF, now=FIRST_NOW, backend=Router(ours), dry_run=True)
        gspread_client(theirs_dir, emulator.base_url).open_by_key(
            classify(theirs.shared.source, theirs.backend).ref
        )
        emulator.faults.add("latency", "*", seconds=latency)

        names = spreadsheet_names(ours) | spreadsheet_names(theirs)
        router = Router(ours)
        first, first_outcome = measure(
            emulator,
            "lotsync, first sync",
            names,
            lambda: lotsync_sync(ours, FIRST_NOW, router, notify=False),
        )
        mails, sent = measure(
            emulator,
            "lotsync, first sync's mails",
            names,
            lambda: lotsync_mails(ours, first_outcome, router, FIRST_NOW),
        )
        second, second_outcome = measure(
            emulator, "lotsync, second sync", names, lambda: lotsync_sync(ours, SECOND_NOW, Router(ours))
        )
        base_first, base_first_result = measure(
            emulator, "baseline, first run", names, lambda: baseline(FIRST_NOW)
        )
        base_second, base_second_result = measure(
            emulator, "baseline, second run", names, lambda: baseline(SECOND_NOW)
        )

    for run, outcome in ((first, first_outcome), (second, second_outcome)):
        if outcome is not None and outcome.report is not None:
            rewritten = outcome.report.rewritten
            run.note = "one batchUpdate: " + (
                f"{', '.join(rewritten)} and the Journal line" if rewritten else "the Journal line only"
            )
    mails.note = f"{sent or 0} request notification(s), each noted before it leaves and after"
    base_first.note = "adds the tabs, clears and rewrites them, appends the Journal line"
    base_second.note = "clears and rewrites every tab, appends the Journal line"
    results = [r for r in (base_first_result, base_second_result) if r is not None]
    agreed: dict[str, dict[str, Any]] = {}
    if first_outcome is not None:
        agreed["lotsync"] = agreement(local.books, first_outcome.books)
    if base_first_result is not None:
        agreed["baseline"] = agreement(local.books, base_first_result.books)
    count = spreadsheet_count(ours)
    return Report(
        latency,
        count,
        [first, second, base_first, base_second, mails],
        [r.compute_seconds for r in results],
        agreed,
        targets(count, [(first, base_first), (second, base_second)]) + mail_targets(mails, sent),
        request_sizes(),
    )


BIG_ROWS = 100_000


def request_sizes(rows: int = BIG_ROWS) -> dict[str, Any]:
    """The batchUpdate bodies lotsync's first write of `rows` dossier rows would send (the books of
    bench/core.py, payments included), counted without sending: the largest, and how many."""
    import importlib.util

    from lotsync.adapters.backends import ReadBook
    from lotsync.adapters.backends.google import MAX_REQUEST_BYTES, GoogleBackend, SheetToken
    from lotsync.tabs.owned import write_plan
    from lotsync.tabs.results import Quantity

    spec = importlib.util.spec_from_file_location("bench_core", Path(__file__).with_name("core.py"))
    assert spec is not None and spec.loader is not None
    core_bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = core_bench  # dataclasses look their module up there
    spec.loader.exec_module(core_bench)
    offices, shared, _ = core_bench.build_inputs(rows)
    config = core_bench.build_config()
    books = compute_books(Inputs(offices, shared), config.rules(), core_bench.AS_OF)
    tabs = result_tabs(books)
    book = ReadBook("sheets:bench", "collectif", {}, [], SheetToken("bench", {}, {}))
    line = JournalLine(FIRST_NOW, "réussie", core_bench.AS_OF, 4, rows, 0, 0, "", Quantity("1.00"), "bench")
    batches = GoogleBackend(config).write_batches(book, write_plan({}, tabs), line, FIRST_NOW)
    sizes = [
        len(json.dumps({"requests": b}, separators=(",", ":"), ensure_ascii=False).encode()) for b in batches
    ]
    return {
        "rows": rows,
        "batches": len(sizes),
        "largest_bytes": max(sizes),
        "limit_bytes": MAX_REQUEST_BYTES,
        "total_bytes": sum(sizes),
    }


def ratio(baseline: float, ours: float) -> float | None:
    return round(baseline / ours, 2) if ours else None


def targets(spreadsheets: int, pairs: Sequence[tuple[Run, Run]]) -> list[dict[str, Any]]:
    limit = CALLS_PER_SOURCE * spreadsheets + SHARED_WRITES
    checks: list[dict[str, Any]] = []
    for ours, _ in pairs:
        checks.append(
            {
                "target": (
                    f"{ours.label}: ≤ {limit} API calls ({CALLS_PER_SOURCE} per spreadsheet × "
                    f"{spreadsheets} + {SHARED_WRITES} write)"
                ),
                "value": ours.error or f"{ours.total} calls",
                "pass": ours.error is None and ours.total <= limit,
            }
        )
    for ours, theirs in pairs:
        ok = ours.error is None and theirs.error is None
        checks.append(
            {
                "target": f"{ours.label}: wall time ≤ 1/{TIME_FRACTION} of {theirs.label}",
                "value": (
                    f"{ours.seconds:.2f} s vs {theirs.seconds:.2f} s (1/{theirs.seconds / ours.seconds:.1f})"
                    if ok
                    else ours.error or theirs.error
                ),
                "pass": ok and ours.seconds * TIME_FRACTION <= theirs.seconds,
            }
        )
    return checks


MAIL_CALLS = 2
"""What a mail costs on Google: its intent appended to the Journal before it leaves, its success after."""


def mail_targets(mails: Run, sent: int | None) -> list[dict[str, Any]]:
    appends = mails.calls.get("sheets.values.append", 0)
    return [
        {
            "target": f"{mails.label}: ≤ {MAIL_CALLS} API calls a mail (Journal appends), none other",
            "value": mails.error or f"{mails.total} calls for {sent} mails ({appends} appends)",
            "pass": mails.error is None and bool(sent) and mails.total == appends <= MAIL_CALLS * (sent or 0),
        }
    ]


# -- the report ----------------------------------------------------------------------


def print_text(report: Report) -> None:
    runs = report.runs
    print(
        f"lotsync Google sync benchmark — the demo books ({report.spreadsheets} spreadsheets), as_of {AS_OF}"
    )
    print(
        f"Emulator in-process, {report.latency * 1000:.0f} ms of latency on every API call (none on /token);"
    )
    print("calls from the emulator's request log, OAuth token requests excluded.\n")
    endpoints = sorted({e for r in runs for e in r.calls})
    width = max([len(e) for e in endpoints] + [len("wall time (s)")])
    columns = [r.label.replace(", ", " ") for r in runs]
    print(f"{'':<{width}}  " + "  ".join(f"{c:>20}" for c in columns))
    for endpoint in endpoints:
        print(f"{endpoint:<{width}}  " + "  ".join(f"{r.calls.get(endpoint, 0):>20}" for r in runs))
    print(f"{'total calls':<{width}}  " + "  ".join(f"{r.total:>20}" for r in runs))
    print(f"{'wall time (s)':<{width}}  " + "  ".join(f"{r.seconds:>20.2f}" for r in runs))
    print(f"{'(token requests)':<{width}}  " + "  ".join(f"{r.tokens:>20}" for r in runs))
    for r in runs:
        extra = f"; {r.failed_calls} calls answered with an error" if r.failed_calls else ""
        print(f"  {r.label}: {r.error or r.note}{extra}")
        print(f"    calls by spreadsheet: {shown(r.by_spreadsheet)}")
    if report.baseline_compute_s:
        compute = ", ".join(f"{s:.2f} s" for s in report.baseline_compute_s)
        print(f"  baseline's compute_books + result_tabs (in its wall time): {compute}")
    first, mails = runs[0], runs[4]
    print(
        f"  lotsync, first sync with its mails, as `lotsync sync` does them: {first.total + mails.total} "
        f"calls, {first.seconds + mails.seconds:.2f} s"
    )

    print("\nRatios (baseline / lotsync):")
    for ours, theirs in ((runs[0], runs[2]), (runs[1], runs[3])):
        if ours.error or theirs.error:
            print(f"  {theirs.label} / {ours.label}: n/a (a run failed)")
            continue
        calls, seconds = ratio(theirs.total, ours.total), ratio(theirs.seconds, ours.seconds)
        print(
            f"  {theirs.label} / {ours.label}: calls {calls:.1f}×, wall time {seconds:.1f}×"
            if calls and seconds
            else f"  {theirs.label} / {ours.label}: n/a"
        )

    print("\nSame books as from the local demo workbooks (first runs; spreadsheet names aside)?")
    for side, a in report.agreement.items():
        differing = a["tabs_differing"]
        print(
            f"  {side}: {'yes' if not differing else 'no'}, {len(differing)} of {a['tabs']} tabs differ"
            + (f" ({', '.join(differing)})" if differing else "")
        )
        for key, pair in a["figures_differing"].items():
            print(f"    {key}: expected {shown(pair['expected'])}; got {shown(pair['got'])}")
    if report.agreement.get("baseline", {}).get("tabs_differing"):
        print(
            "  The baseline reads Google's formatted text and get_all_records numericises it: French\n"
            "  amounts typed as text come out wrong (`370,00` → 37000, `1.764,00` → 1.764). lotsync\n"
            "  reads UNFORMATTED_VALUE and parses text cells by French rules."
        )

    sizes = report.request_sizes
    print(
        f"\nRequest bodies of a first write of {sizes['rows']:,} dossier rows (bench/core.py's books): "
        f"{sizes['batches']} batchUpdate(s), the largest {sizes['largest_bytes']:,} bytes "
        f"(limit {sizes['limit_bytes']:,}), {sizes['total_bytes']:,} bytes in all"
    )
    print("\nTargets:")
    for c in report.targets:
        print(f"  {'PASS' if c['pass'] else 'FAIL'}  {c['target']}: {c['value']}")


def shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def as_json(report: Report) -> dict[str, Any]:
    runs = report.runs
    ratios = {}
    for key, ours, theirs in (("first", runs[0], runs[2]), ("second", runs[1], runs[3])):
        if not (ours.error or theirs.error):
            ratios[key] = {
                "calls": ratio(theirs.total, ours.total),
                "seconds": ratio(theirs.seconds, ours.seconds),
            }
    return {
        "as_of": AS_OF.isoformat(),
        "latency_s": report.latency,
        "spreadsheets": report.spreadsheets,
        "runs": [r.as_dict() for r in runs],
        "baseline_compute_s": [round(s, 3) for s in report.baseline_compute_s],
        "ratios_baseline_over_lotsync": ratios,
        "agreement": report.agreement,
        "targets": report.targets,
        "request_sizes": report.request_sizes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--latency",
        type=float,
        default=DEFAULT_LATENCY,
        help="seconds added to every API call (default: %(default)s)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if not 0 <= args.latency <= 10:
        parser.error("--latency: between 0 and 10 seconds")
    report = benchmark(args.latency)
    if args.format == "json":
        print(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    else:
        print_text(report)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
