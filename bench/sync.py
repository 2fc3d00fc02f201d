"""Benchmark of a whole `lotsync sync`, as a fresh process, on synthetic office workbooks.

    .venv/bin/python bench/sync.py [--sizes 1000,10000,100000] [--format xlsx|ods] [--runs 3]

For each size, the books of bench/core.py (deterministic: three offices, title blocks, varied
headers, broken cells, inter-office days, payments) are written as three office workbooks (`.xlsx`
by openpyxl; `.ods` converted from them by LibreOffice) and a shared `.xlsx` workbook, with a
configuration. Then, each as a new process, timed with its peak RSS (`wait4`), median of `--runs`:

- **dry run**: `lotsync sync --dry-run`;
- **first write**: `lotsync sync` on a fresh copy of the shared workbook;
- **second sync**: `lotsync sync` again, nothing changed (only the Journal line is new).

And in the same run, the figures they are compared with:

- **floor**: reading the three office files with python-calamine alone, plus `compute_books` alone
  on what was read (one process, timed inside it, imports excluded);
- **openpyxl path**: the same files read with openpyxl (`read_only`), `compute_books`, and a load
  and save of the synced shared workbook with openpyxl: what a sync cost when openpyxl read and
  rewrote the whole workbook.

Targets are printed PASS/FAIL; a missed target does not change the exit status (0). The status is 1
only when a measurement could not be made.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2026-11-26"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
TARGET_ROWS = 100_000
TARGETS = {
    "dry_seconds": 3.0,
    "dry_over_floor": 1.5,
    "first_over_dry": 2.0,
    "second_over_dry": 1.3,
    "rss_mb": 400.0,
    "small_sync_seconds": 0.8,
    "ods_over_xlsx": 2.0,
}


def core_bench() -> Any:
    """bench/core.py as a module: its generator of synthetic books."""
    spec = importlib.util.spec_from_file_location("bench_core", HERE / "core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# -- the books, as files --------------------------------------------------------------------------


def write_books(folder: Path, size: int, file_format: str) -> Path:
    """Three office workbooks, the shared workbook and `lotsync.toml`; returns the configuration."""
    from openpyxl import Workbook

    bench = core_bench()
    offices, shared, _ = bench.build_inputs(size)
    folder.mkdir(parents=True, exist_ok=True)
    for office, sheet in offices.items():
        workbook = Workbook(write_only=True)
        tab = workbook.create_sheet("Dossiers")
        for row in sheet.rows:
            tab.append(list(row))
        workbook.save(folder / f"{office}.xlsx")
    shared_book = Workbook(write_only=True)
    expenses = shared_book.create_sheet("Dépenses communes")
    expenses.append(["Date", "Libellé", "Montant", "Payé par", "Répartition"])
    expenses.append(["02/03/2026", "Salon des CE de Toulouse", "900,00", "cahors", "égale"])
    payments = shared_book.create_sheet("Règlements")
    for row in shared["payments"].rows:
        payments.append(list(row))
    shared_book.save(folder / "collectif.xlsx")
    suffix = "xlsx"
    if file_format == "ods":
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise SystemExit("--format ods needs LibreOffice (soffice) to convert the office books")
        for office in offices:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--convert-to",
                    "ods",
                    "--outdir",
                    str(folder),
                    str(folder / f"{office}.xlsx"),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
        suffix = "ods"
    members = "\n".join(
        f'[[members]]\nid = "{o.id}"\nname = "{o.name}"\n'
        f"aliases = {json.dumps(list(o.aliases), ensure_ascii=False)}\n"
        f'source = "{o.id}.{suffix}"\n'
        for o in bench.OFFICES
    )
    config = folder / "lotsync.toml"
    config.write_text(
        '[shared]\nsource = "collectif.xlsx"\n\n'
        f"{members}\n"
        '[[fees]]\nyear = 2026\namount = 3000\npaid_by = "cahors"\n',
        encoding="utf-8",
    )
    return config


# -- measuring a process ------------------------------------------------------------------------


def run(argv: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    err = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):  # 3: partial results, which the synthetic books do not have
        raise RuntimeError(f"{' '.join(argv)} exited {code}: {err[-800:]}")
    return seconds, usage.ru_maxrss / 1024, out


def lotsync(*args: str) -> list[str]:
    return [sys.executable, "-m", "lotsync", *args]


FLOOR = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from bench_sync_floor import floor
print(json.dumps(floor(sys.argv[2], sys.argv[3])))
"""


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure_size(folder: Path, size: int, file_format: str, runs: int) -> dict[str, Any]:
    config = write_books(folder, size, file_format)
    pristine = folder / "collectif.pristine.xlsx"
    shutil.copyfile(folder / "collectif.xlsx", pristine)
    result: dict[str, Any] = {"rows": size, "format": file_format}
    times: dict[str, list[float]] = {"dry": [], "first": [], "second": []}
    rss: dict[str, list[float]] = {"dry": [], "first": [], "second": []}
    for _ in range(runs):
        s, m, _ = run(lotsync("sync", "--config", str(config), "--dry-run", "--as-of", AS_OF), folder)
        times["dry"].append(s)
        rss["dry"].append(m)
    for _ in range(runs):
        shutil.copyfile(pristine, folder / "collectif.xlsx")
        s, m, _ = run(lotsync("sync", "--config", str(config), "--as-of", AS_OF), folder)
        times["first"].append(s)
        rss["first"].append(m)
    for _ in range(runs):
        s, m, out = run(lotsync("sync", "--config", str(config), "--as-of", AS_OF), folder)
        times["second"].append(s)
        rss["second"].append(m)
    result["second_output"] = out.strip().splitlines()[-1] if out.strip() else ""
    for step in times:
        result[f"{step}_s"] = median(times[step])
        result[f"{step}_rss_mb"] = max(rss[step])
    floors = [
        json.loads(run([sys.executable, "-c", FLOOR, str(HERE), str(config), "calamine"], folder)[2])
        for _ in range(runs)
    ]
    result["floor_read_s"] = median([f["read_s"] for f in floors])
    result["floor_compute_s"] = median([f["compute_s"] for f in floors])
    result["floor_s"] = result["floor_read_s"] + result["floor_compute_s"]
    if file_format == "xlsx":
        old = [
            json.loads(run([sys.executable, "-c", FLOOR, str(HERE), str(config), "openpyxl"], folder)[2])
            for _ in range(runs)
        ]
        result["openpyxl_read_s"] = median([f["read_s"] for f in old])
        result["openpyxl_write_s"] = median([f["write_s"] for f in old])
        result["openpyxl_path_s"] = result["openpyxl_read_s"] + result["floor_compute_s"]
        result["openpyxl_write_path_s"] = result["openpyxl_path_s"] + result["openpyxl_write_s"]
    return result


# -- reporting --------------------------------------------------------------------------------------


def targets(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(name: str, value: float, limit: float, shown: str) -> None:
        checks.append({"target": name, "value": shown, "pass": value <= limit})

    big = next((r for r in results if r["rows"] == TARGET_ROWS and r["format"] == "xlsx"), None)
    if big is not None:
        check(
            f"{TARGET_ROWS:,} rows xlsx: dry run ≤ {TARGETS['dry_seconds']:g} s",
            big["dry_s"],
            TARGETS["dry_seconds"],
            f"{big['dry_s']:.2f} s",
        )
        ratio = big["dry_s"] / big["floor_s"]
        check(
            f"{TARGET_ROWS:,} rows xlsx: dry run ≤ {TARGETS['dry_over_floor']:g}× the floor",
            ratio,
            TARGETS["dry_over_floor"],
            f"{ratio:.2f}× ({big['floor_s']:.2f} s)",
        )
        ratio = big["first_s"] / big["dry_s"]
        check(
            f"{TARGET_ROWS:,} rows xlsx: first write ≤ {TARGETS['first_over_dry']:g}× the dry run",
            ratio,
            TARGETS["first_over_dry"],
            f"{ratio:.2f}× ({big['first_s']:.2f} s)",
        )
        ratio = big["second_s"] / big["dry_s"]
        check(
            f"{TARGET_ROWS:,} rows xlsx: unchanged second sync ≤ {TARGETS['second_over_dry']:g}× the dry run",
            ratio,
            TARGETS["second_over_dry"],
            f"{ratio:.2f}× ({big['second_s']:.2f} s)",
        )
    for r in results:
        peak = max(r["dry_rss_mb"], r["first_rss_mb"], r["second_rss_mb"])
        check(
            f"{r['rows']:,} rows {r['format']}: peak RSS ≤ {TARGETS['rss_mb']:g} MB",
            peak,
            TARGETS["rss_mb"],
            f"{peak:.0f} MB",
        )
    small = next((r for r in results if r["rows"] == 1_000 and r["format"] == "xlsx"), None)
    if small is not None:
        check(
            f"1,000 rows xlsx: a whole sync ≤ {TARGETS['small_sync_seconds']:g} s",
            small["first_s"],
            TARGETS["small_sync_seconds"],
            f"{small['first_s']:.2f} s",
        )
    by_size = {(r["rows"], r["format"]): r for r in results}
    for (rows, fmt), r in sorted(by_size.items()):
        if fmt == "ods" and (rows, "xlsx") in by_size:
            ratio = r["dry_s"] / by_size[(rows, "xlsx")]["dry_s"]
            check(
                f"{rows:,} rows: ods dry run ≤ {TARGETS['ods_over_xlsx']:g}× xlsx",
                ratio,
                TARGETS["ods_over_xlsx"],
                f"{ratio:.2f}×",
            )
    return checks


def print_text(results: list[dict[str, Any]], checks: list[dict[str, Any]], runs: int) -> None:
    print(f"lotsync sync benchmark — fresh processes, median of {runs}, peak RSS the largest; as of {AS_OF}")
    head = (
        f"{'rows':>8} {'fmt':>4} {'dry s':>7} {'first s':>8} {'second s':>9} {'floor s':>8} {'read':>6} "
        f"{'compute':>8} {'RSS MB':>7}   vs floor   openpyxl path (in-process, no start-up) / lotsync"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        peak = max(r["dry_rss_mb"], r["first_rss_mb"], r["second_rss_mb"])
        versus = ""
        if "openpyxl_path_s" in r:
            versus = (
                f"dry {r['openpyxl_path_s'] / r['dry_s']:.2f}, "
                f"first write {r['openpyxl_write_path_s'] / r['first_s']:.2f}"
            )
        print(
            f"{r['rows']:>8,} {r['format']:>4} {r['dry_s']:>7.2f} {r['first_s']:>8.2f} {r['second_s']:>9.2f} "
            f"{r['floor_s']:>8.2f} {r['floor_read_s']:>6.2f} {r['floor_compute_s']:>8.2f} {peak:>7.0f}   "
            f"{r['dry_s'] / r['floor_s']:>6.2f}×   {versus}"
        )
    for r in results:
        if "openpyxl_path_s" in r:
            print(
                f"\n{r['rows']:,} rows: openpyxl read {r['openpyxl_read_s']:.2f} s "
                f"(calamine {r['floor_read_s']:.2f} s), "
                f"openpyxl load+save of the shared workbook {r['openpyxl_write_s']:.2f} s; "
                f"second sync said: {r['second_output']}"
            )
    print("\nTargets:")
    for c in checks:
        print(f"  {'PASS' if c['pass'] else 'FAIL'}  {c['target']}: {c['value']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--format", choices=("xlsx", "ods", "both"), default="xlsx")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    formats = ("xlsx", "ods") if args.format == "both" else (args.format,)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="lotsync-bench-sync-") as tmp:
            for size in sizes:
                for fmt in formats:
                    results.append(measure_size(Path(tmp, f"{fmt}-{size}"), size, fmt, args.runs))
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"measurement failed: {error}", file=sys.stderr)
        return 1
    checks = targets(results)
    if args.json:
        print(json.dumps({"results": results, "targets": checks}, indent=2, ensure_ascii=False))
    else:
        print_text(results, checks, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
