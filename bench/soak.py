"""Soak run of `lotsync run` over the demo on Google, through the emulator, with faults.

    .venv/bin/python bench/soak.py                     # 10 minutes, a sync every minute
    .venv/bin/python bench/soak.py --minutes 30 --fault-rate 0.33 --format json

Not part of `make test`. What it does:
- starts the Google emulator (`FakeGoogle`) in this process and uploads the demo
  books into it (`lotsync.app.demo_google.upload_demo`), in a temporary directory;
- appends a `[schedule]` section to the demo's configuration: a sync every minute
  (`--sync-cron`), a digest every five minutes (`--digest-cron`; the ledger sends
  each week's digests once), state and lock files in the temporary directory;
- makes about a third of the Sheets calls fail (`--fault-rate`, split between
  503, 429, 500 and dropped connections; OAuth token requests are never faulted);
- runs `python -m lotsync run --log-format json` as a subprocess for `--minutes`;
- every 2 s reads the service's state file and notes each sync's outcome; every
  minute samples the subprocess's RSS (VmRSS in /proc/PID/status) and checks the
  shared spreadsheet straight in the emulator's store (no HTTP, so no fault):
  either no owned tab exists yet (no sync has written) or every owned tab starts
  with lotsync's marker line, and every Journal line is whole (no more cells than
  Journal columns, date and result filled in); RSS growth is measured from the
  first sample after a sync (before it, lotsync's lazy imports are still loading);
- then sends SIGTERM and times the exit.

It prints: syncs done / failed cleanly (failed with a cause, nothing half-written) /
other outcomes, Journal lines added (one per successful sync), half-written
checks, RSS first / last / max and last minus first, the exit code and how long
the stop took. Exit status: 0 all clean, 1 a check failed, 2 `lotsync run` is
not available yet (no `lotsync.app.service`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from fake_google import FakeGoogle
from lotsync.adapters.sources import classify
from lotsync.app.demo_google import upload_demo
from lotsync.core.layout import OWNED_TABS
from lotsync.tabs import french as tabs_french
from lotsync.tabs.results import JOURNAL_HEADER

DONE = {"ok", "success", "done"}
FAILED = {"failed", "error"}
# Share of the faulted calls by kind: together they hit `--fault-rate` of the Sheets calls.
FAULT_MIX = (("503", 0.45), ("429", 0.25), ("500", 0.15), ("drop", 0.15))
STOP_TIMEOUT = 35.0


def service_available() -> str | None:
    """None when `lotsync run` can be run, else why not."""
    if importlib.util.find_spec("lotsync.app.service") is None:
        return "lotsync/service.py n'existe pas encore : `lotsync run` n'est pas disponible."
    probe = subprocess.run(
        [sys.executable, "-m", "lotsync", "run", "--help"], capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        return f"`lotsync run --help` a échoué ({probe.returncode}) : {probe.stderr.strip()[-500:]}"
    if "--log-format" not in probe.stdout:
        return "`lotsync run` n'accepte pas encore --log-format."
    return None


def add_faults(google: FakeGoogle, rate: float) -> None:
    """Faults on about `rate` of the Sheets calls, split by FAULT_MIX (rules are tried in order)."""
    remaining = 1.0
    for kind, share in FAULT_MIX:
        # P(this rule fires | the previous ones did not) so that its overall share is rate × share.
        conditional = min(1.0, rate * share / remaining)
        options: dict[str, Any] = {"rate": conditional}
        if kind == "429":
            options["retry_after"] = 1
        google.faults.add(kind, "sheets.*", **options)
        remaining -= rate * share


def tab_rows(google: FakeGoogle, spreadsheet_id: str) -> dict[str, list[list[Any]]]:
    """Every tab of a spreadsheet as rows of values, read under the store's lock (a consistent view)."""
    with google.store.lock:
        book = google.store.spreadsheets[spreadsheet_id]
        tabs = {}
        for sheet in book.sheets:
            cells = dict(sheet.cells)
            height = max((r for r, _ in cells), default=-1) + 1
            width = max((c for _, c in cells), default=-1) + 1
            tabs[sheet.properties["title"]] = [
                [cells[(r, c)].value if (r, c) in cells else None for c in range(width)]
                for r in range(height)
            ]
    return tabs


def check_book(google: FakeGoogle, spreadsheet_id: str) -> tuple[list[str], int]:
    """(problems, Journal lines): owned tabs marked, Journal lines whole."""
    tabs = tab_rows(google, spreadsheet_id)
    problems = []
    if not any(name in tabs for name in OWNED_TABS):
        return [], 0  # no sync has written yet: nothing, which is whole
    for name in OWNED_TABS:
        rows = tabs.get(name)
        if rows is None:
            problems.append(f"onglet {name} absent (les autres sont là)")
        elif not (
            rows and rows[0] and isinstance(rows[0][0], str) and rows[0][0].startswith(tabs_french.MARKER)
        ):
            problems.append(f"onglet {name} sans ligne « {tabs_french.MARKER} »")
    journal = tabs.get(tabs_french.TAB_JOURNAL) or []
    header_at = next((i for i, row in enumerate(journal) if row and row[0] == JOURNAL_HEADER[0]), None)
    lines = 0
    if journal and header_at is None:
        problems.append("Journal sans ligne d'en-tête")
    for number, row in enumerate(journal[(header_at or 0) + 1 :], start=(header_at or 0) + 2):
        if not any(v not in (None, "") for v in row):
            continue
        lines += 1
        if len(row) > len(JOURNAL_HEADER) or row[0] in (None, "") or row[1] in (None, ""):
            problems.append(f"Journal ligne {number} incomplète : {row}")
    return problems, lines


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def soak(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="lotsync-soak-"))
    state_file, lock_file = work / "lotsync-state.json", work / "lotsync.lock"
    log_file = work / "lotsync-run.log"
    with FakeGoogle() as google:
        config_file = upload_demo(work / "demo", google.base_url)
        with config_file.open("a", encoding="utf-8") as handle:
            handle.write(
                "\n[schedule]\n"
                f'sync = "{args.sync_cron}"\n'
                f'digest = "{args.digest_cron}"\n'
                f'state_file = "{state_file}"\n'
                f'lock_file = "{lock_file}"\n'
            )
        from lotsync.adapters.config import load_config

        config = load_config(config_file)
        spreadsheet = classify(config.shared.source, config.backend).ref
        _, initial_lines = check_book(google, spreadsheet)  # the demo books may not have a Journal yet
        add_faults(google, args.fault_rate)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [
            sys.executable,
            "-m",
            "lotsync",
            "run",
            "--config",
            str(config_file),
            "--log-format",
            "json",
        ]
        started = time.monotonic()
        with log_file.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
        outcomes: dict[str, str] = {}  # sync "at" → outcome
        errors: dict[str, str] = {}
        samples: list[dict[str, Any]] = []
        problems: list[str] = []
        deadline = started + args.minutes * 60
        next_sample = started + 5  # the first sample once the interpreter and lotsync are loaded
        while time.monotonic() < deadline and process.poll() is None:
            try:
                state = json.loads(state_file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):  # not written yet, or being replaced
                state = {}
            sync = state.get("sync") or state.get("last_sync") or {}
            if sync.get("at"):
                outcomes[sync["at"]] = str(sync.get("outcome"))
                if sync.get("error"):
                    errors[sync["at"]] = str(sync["error"])
            if time.monotonic() >= next_sample:
                found, lines = check_book(google, spreadsheet)
                minute = round((time.monotonic() - started) / 60, 1)
                problems += [f"{minute} min : {p}" for p in found]
                samples.append(
                    {
                        "minute": minute,
                        "rss_kib": rss_kib(process.pid),
                        "journal_lines": lines,
                        "after_sync": bool(outcomes),
                    }
                )
                next_sample += 60
            time.sleep(2)
        early_exit = process.poll()
        stop_started = time.monotonic()
        if early_exit is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        stop_seconds = time.monotonic() - stop_started
        google.faults.clear()
        found, journal_lines = check_book(google, spreadsheet)
        problems += [f"fin : {p}" for p in found]
    counts = Counter(
        "done" if o in DONE else "failed" if o in FAILED else f"other:{o}" for o in outcomes.values()
    )
    # Before the first sync ends, lotsync's lazy imports (pandas, Google clients) are still loading:
    # "flat" is measured from the first sample after a sync.
    rss = [s["rss_kib"] for s in samples if s["rss_kib"] and s["after_sync"]]
    return {
        "minutes": args.minutes,
        "fault_rate": args.fault_rate,
        "sync_cron": args.sync_cron,
        "work_dir": str(work),
        "log_file": str(log_file),
        "syncs_seen": len(outcomes),
        "syncs_done": counts.get("done", 0),
        "syncs_failed_cleanly": sum(1 for at, o in outcomes.items() if o in FAILED and at in errors),
        "syncs_failed_without_cause": sum(
            1 for at, o in outcomes.items() if o in FAILED and at not in errors
        ),
        "syncs_other": {k: v for k, v in counts.items() if k.startswith("other:")},
        "journal_lines_added": journal_lines - initial_lines,
        "half_written": problems,
        "rss_kib": rss,
        "rss_first_kib": rss[0] if rss else None,
        "rss_last_kib": rss[-1] if rss else None,
        "rss_max_kib": max(rss) if rss else None,
        "rss_growth_kib": rss[-1] - rss[0] if len(rss) >= 2 else None,
        "exited_early": early_exit,
        "exit_code": process.returncode,
        "stop_seconds": round(stop_seconds, 1),
        "errors": sorted(Counter(errors.values()).items(), key=lambda kv: -kv[1])[:5],
    }


def verdict(result: dict[str, Any], rss_limit_kib: int) -> list[str]:
    failures = []
    if result["syncs_seen"] == 0:
        failures.append("aucune synchronisation vue dans le fichier d'état")
    if result["half_written"]:
        failures.append(f"{len(result['half_written'])} constat(s) d'onglet à moitié écrit")
    if result["syncs_failed_without_cause"]:
        failures.append(f"{result['syncs_failed_without_cause']} échec(s) sans cause")
    if result["syncs_other"]:
        failures.append(f"résultats inattendus : {result['syncs_other']}")
    if result["exited_early"] is not None:
        failures.append(f"`lotsync run` s'est arrêté seul (code {result['exited_early']})")
    elif result["exit_code"] != 0 or result["stop_seconds"] > 30:
        failures.append(
            f"arrêt : code {result['exit_code']} en {result['stop_seconds']} s (attendu 0 en ≤ 30 s)"
        )
    if result["rss_growth_kib"] is not None and result["rss_growth_kib"] > rss_limit_kib:
        failures.append(f"mémoire : +{result['rss_growth_kib']} Kio (limite {rss_limit_kib})")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--fault-rate", type=float, default=0.33, help="Share of Sheets calls that fail.")
    parser.add_argument("--sync-cron", default="* * * * *")
    parser.add_argument("--digest-cron", default="*/5 * * * *")
    parser.add_argument(
        "--rss-limit", type=int, default=20_000, help="Allowed RSS growth, KiB (first vs last sample)."
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if reason := service_available():
        print(f"soak : impossible de lancer le service. {reason}", file=sys.stderr)
        return 2
    result = soak(args)
    failures = verdict(result, args.rss_limit)
    result["failures"] = failures
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        head = f"soak : {result['minutes']} min, sync « {result['sync_cron']} »"
        print(f"{head}, fautes {result['fault_rate']:.0%}")
        print(f"  synchronisations vues        : {result['syncs_seen']}")
        print(f"    terminées                  : {result['syncs_done']}")
        print(f"    échouées proprement        : {result['syncs_failed_cleanly']}")
        print(f"    échouées sans cause        : {result['syncs_failed_without_cause']}")
        print(f"  lignes ajoutées au Journal   : {result['journal_lines_added']}")
        print(f"  onglets à moitié écrits      : {len(result['half_written'])}")
        for problem in result["half_written"][:10]:
            print(f"    - {problem}")
        print(
            f"  mémoire (RSS, Kio)           : début {result['rss_first_kib']}, "
            f"fin {result['rss_last_kib']}, max {result['rss_max_kib']}, "
            f"fin − début {result['rss_growth_kib']}"
        )
        print(f"  arrêt (SIGTERM)              : code {result['exit_code']} en {result['stop_seconds']} s")
        for error, count in result["errors"]:
            print(f"  cause ×{count} : {error}")
        print(f"  journal du service           : {result['log_file']}")
        print("PASS" if not failures else "FAIL : " + " ; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
