"""The demo files: deterministic, loadable, and covering every status and anomaly."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lotsync.adapters.config import load_config
from lotsync.app.demo import write_demo
from lotsync.core.books import Books, Inputs, compute_books
from lotsync.core.dossiers import Sheet
from lotsync.core.model import AnomalyKind, ReconStatus, Status
from lotsync.tabs.results import OWNED_TABS

AS_OF = date(2026, 11, 26)
OFFICES = ("cahors", "dordogne", "figeac")
WORKBOOKS = (*(f"{o}.xlsx" for o in OFFICES), "collectif.xlsx")
ALL_FILES = (*WORKBOOKS, "lotsync.toml")
WHOLE_FILE_KINDS = {
    AnomalyKind.SOURCE_UNREADABLE,
    AnomalyKind.MISSING_TAB,
    AnomalyKind.MISSING_HEADER,
    AnomalyKind.MISSING_COLUMN,
    AnomalyKind.FOREIGN_TAB,
}
ROW_KINDS = set(AnomalyKind) - WHOLE_FILE_KINDS


def read_sheet(path: Path, tab: str) -> Sheet:
    workbook = openpyxl.load_workbook(path)
    rows = [list(r) for r in workbook[tab].iter_rows(values_only=True)]
    return Sheet(spreadsheet=path.name, tab=tab, rows=rows)


def all_values(directory: Path) -> dict[tuple[str, str], list[tuple]]:
    values = {}
    for name in WORKBOOKS:
        workbook = openpyxl.load_workbook(directory / name)
        for ws in workbook.worksheets:
            values[(name, ws.title)] = list(ws.iter_rows(values_only=True))
    return values


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    write_demo(directory)
    return directory


@pytest.fixture(scope="module")
def books(demo_dir: Path) -> Books:
    config = load_config(demo_dir / "lotsync.toml")
    offices = {o: read_sheet(demo_dir / f"{o}.xlsx", "Dossiers") for o in OFFICES}
    expenses = read_sheet(demo_dir / "collectif.xlsx", "Dépenses communes")
    return compute_books(Inputs(offices=offices, shared={"expenses": expenses}), config.rules(), AS_OF)


def test_writes_every_file_and_returns_the_config(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "demo"
    config = write_demo(target)
    assert config == target / "lotsync.toml"
    assert sorted(p.name for p in target.iterdir()) == sorted(ALL_FILES)


def test_generating_twice_gives_the_same_cells(tmp_path: Path, demo_dir: Path) -> None:
    write_demo(tmp_path)
    first, second = all_values(demo_dir), all_values(tmp_path)
    assert first.keys() == second.keys()
    for key in first:
        assert first[key] == second[key], key
    assert (demo_dir / "lotsync.toml").read_text() == (tmp_path / "lotsync.toml").read_text()


def test_config_loads_with_members_keys_and_fees(demo_dir: Path) -> None:
    config = load_config(demo_dir / "lotsync.toml")
    assert config.member_ids == OFFICES
    assert [m.short for m in config.core_members()] == [
        "OT Cahors",
        "OT Vallée de la Dordogne",
        "OT Grand Figeac",
    ]
    for member in config.members:
        assert Path(member.source) == (demo_dir / f"{member.id}.xlsx").resolve()
        assert all(e.endswith("@example.org") for e in member.emails)
    assert Path(config.shared.source) == (demo_dir / "collectif.xlsx").resolve()
    assert {k: int(v) for k, v in config.split_keys["effectifs"].items()} == {
        "cahors": 33,
        "dordogne": 30,
        "figeac": 11,
    }
    fees = {f.year: (str(f.amount), f.paid_by, f.reimbursed) for f in config.fees}
    assert fees == {2025: ("3000.00", "cahors", True), 2026: ("3000.00", "dordogne", False)}


def test_every_reconciliation_status_occurs(books: Books) -> None:
    counts = books.status_counts()
    assert set(counts) == {s.value for s in ReconStatus}
    assert counts[ReconStatus.OK] > 50


def test_some_days_are_owed_and_others_paid(books: Books) -> None:
    owed = [line for line in books.reconciliation if line.owed]
    paid = [line for line in books.reconciliation if line.sale and line.sale.status is Status.PAID]
    assert owed and paid
    paired = Counter(line.paired_by for line in books.reconciliation)
    assert paired["reference"] and paired["date"]


def test_every_row_level_anomaly_occurs_and_no_whole_file_one(books: Books) -> None:
    kinds = Counter(a.kind for a in books.anomalies)
    assert set(kinds) == ROW_KINDS
    per_office = Counter(a.office for a in books.anomalies if a.office)
    assert all(2 <= per_office[o] <= 5 for o in OFFICES), per_office


def test_about_150_rows_per_office_and_year(books: Books) -> None:
    per_office = Counter(d.office for d in books.dossiers)
    per_year = Counter((d.office, d.start.year) for d in books.dossiers)
    for office in OFFICES:
        assert 250 <= per_office[office] <= 400
        assert 250 <= books.rows_read[office] <= 400
        for year in (2025, 2026):
            assert 120 <= per_year[(office, year)] <= 200
    assert min(d.start for d in books.dossiers) < date(2025, 2, 1)
    assert max(d.start for d in books.dossiers) > date(2026, 12, 1)


def test_sheets_carry_the_quirks_of_real_ones(demo_dir: Path) -> None:
    figeac = read_sheet(demo_dir / "figeac.xlsx", "Dossiers").rows
    assert figeac[0][0].startswith("Office de tourisme Grand Figeac")
    assert " date début " in figeac[3]
    cahors = read_sheet(demo_dir / "cahors.xlsx", "Dossiers").rows
    texts = [v for row in cahors[1:] for v in row[4:9] if isinstance(v, str)]
    assert any("€" in v for v in texts)
    assert any(v.count("/") == 2 for v in texts)
    assert any(all(v is None for v in row) for row in cahors[1:])
    headers = {tuple(read_sheet(demo_dir / f"{o}.xlsx", "Dossiers").rows[0]) for o in ("cahors", "dordogne")}
    assert len(headers) == 2


@pytest.mark.parametrize(
    ("name", "header_row"), [("cahors.xlsx", 1), ("figeac.xlsx", 4), ("collectif.xlsx", 1)]
)
def test_header_rows_are_styled(demo_dir: Path, name: str, header_row: int) -> None:
    ws = openpyxl.load_workbook(demo_dir / name).worksheets[0]
    cell = ws.cell(row=header_row, column=1)
    assert cell.font.bold
    assert cell.fill.fill_type == "solid"
    assert ws.column_dimensions["B"].width > 10


def test_shared_workbook_has_only_the_input_tab(demo_dir: Path) -> None:
    workbook = openpyxl.load_workbook(demo_dir / "collectif.xlsx")
    assert workbook.sheetnames == ["Dépenses communes"]
    assert not set(workbook.sheetnames) & set(OWNED_TABS)


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path) -> None:
    (tmp_path / "lotsync.toml").write_text("# à moi\n", encoding="utf-8")
    (tmp_path / "cahors.xlsx").write_bytes(b"not a workbook")
    write_demo(tmp_path)
    assert (tmp_path / "lotsync.toml").read_text(encoding="utf-8") == "# à moi\n"
    assert (tmp_path / "cahors.xlsx").read_bytes() == b"not a workbook"
    assert openpyxl.load_workbook(tmp_path / "figeac.xlsx").sheetnames == ["Dossiers"]

    write_demo(tmp_path, overwrite=True)
    assert "[[members]]" in (tmp_path / "lotsync.toml").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(tmp_path / "cahors.xlsx").sheetnames == ["Dossiers"]
