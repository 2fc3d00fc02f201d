"""The floors bench/sync.py compares a whole sync with, run in a process of their own.

`floor(config, "calamine")`: the office files read with python-calamine alone, then
`compute_books` alone on what was read. `floor(config, "openpyxl")`: the same files read with
openpyxl (`read_only`), and a load and save of the shared workbook with openpyxl (the whole-workbook
write). Module imports are done before the clock starts; lotsync's lazy imports inside
`compute_books` (pandas, Babel) count in compute, as they do in a sync.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any


def floor(config_path: str, reader: str) -> dict[str, Any]:
    from lotsync.adapters.config import load_config
    from lotsync.core.books import Inputs, compute_books
    from lotsync.core.dossiers import Sheet

    config = load_config(config_path)
    folder = Path(config_path).parent
    sources = {m.id: folder / m.source for m in config.members}
    if reader == "calamine":
        from python_calamine import CalamineWorkbook

        started = time.perf_counter()
        rows = {
            m: CalamineWorkbook.from_path(str(p)).get_sheet_by_name("Dossiers").to_python()
            for m, p in sources.items()
        }
    else:
        from openpyxl import load_workbook

        started = time.perf_counter()
        rows = {}
        for m, p in sources.items():
            workbook = load_workbook(p, read_only=True, data_only=True)
            rows[m] = [list(r) for r in workbook["Dossiers"].iter_rows(values_only=True)]
            workbook.close()
    read_s = time.perf_counter() - started
    rules = config.rules()
    inputs = Inputs({m: Sheet(str(sources[m]), "Dossiers", r) for m, r in rows.items()})
    started = time.perf_counter()
    compute_books(inputs, rules, date(2026, 11, 26))
    compute_s = time.perf_counter() - started
    write_s = 0.0
    if reader == "openpyxl":
        from openpyxl import load_workbook

        shared = folder / "collectif.xlsx"
        started = time.perf_counter()
        workbook = load_workbook(shared)
        workbook.save(folder / "collectif.openpyxl-copy.xlsx")
        write_s = time.perf_counter() - started
    return {"read_s": read_s, "compute_s": compute_s, "write_s": write_s}
