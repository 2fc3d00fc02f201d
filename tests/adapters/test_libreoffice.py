"""The demo workbooks, synced, open in LibreOffice: every tab converts to CSV.

Runs where LibreOffice is installed (`apt-get install libreoffice-calc-nogui`); skipped elsewhere.
"""

import csv
import shutil
import subprocess
from datetime import date, datetime

import pytest

from lotsync.adapters.config import load_config
from lotsync.app.demo import write_demo
from lotsync.app.sync import run_sync
from lotsync.tabs.results import OWNED_TABS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_reads_every_tab_of_the_synced_demo(tmp_path):
    config_path = write_demo(tmp_path / "demo")
    outcome = run_sync(load_config(config_path), as_of=date(2026, 11, 26), now=datetime(2026, 11, 26, 9, 0))
    assert outcome.written
    out = tmp_path / "csv"
    books = sorted((tmp_path / "demo").glob("*.xlsx"))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            ALL_SHEETS_CSV,
            "--outdir",
            str(out),
            *map(str, books),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    for tab in (*OWNED_TABS, "Dépenses communes"):
        with open(out / f"collectif-{tab}.csv", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][0].startswith("Généré par lotsync") or tab == "Dépenses communes"
        assert len(rows) > 1
    for office in ("cahors", "dordogne", "figeac"):
        assert (out / f"{office}-Dossiers.csv").stat().st_size > 10_000
