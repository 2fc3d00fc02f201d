"""How lotsync's tabs look on Google: formats per run of cells, frozen headers, widths, marks.

These check the requests the backend builds; tests/adapters/google/test_backend_e2e.py checks what
the emulator holds after a sync.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lotsync.adapters.backends.google import (
    DATE_FORMAT,
    METADATA_KEY,
    MONEY_FORMAT,
    GoogleBackend,
    SheetToken,
    cell_data,
)
from lotsync.tabs.results import Row


def requests_for(rows: list[Row], marks: dict[str, tuple[bool, bool]] | None = None) -> list[dict]:
    token = SheetToken(
        "sheet-id",
        {"Soldes": {"sheetId": 7, "gridProperties": {"rowCount": 100, "columnCount": 26}}},
        marks or {},
    )
    return GoogleBackend.tab_requests("Soldes", rows, None, token, {7}, (20, 12))


ROWS = [
    Row("marker", ("Généré par lotsync le …",)),
    Row("header", ("Office", "Montant", "Date")),
    Row("data", ("OT Cahors", Decimal("1234.50"), date(2026, 11, 30))),
    Row("data", ("OT Figeac", Decimal("-20.00"), date(2026, 12, 1))),
    Row("total", ("Total", Decimal("1214.50"), None)),
]


def kinds(requests: list[dict]) -> list[str]:
    return [next(iter(r)) for r in requests]


def test_cells_carry_no_number_format_the_runs_of_a_column_do() -> None:
    requests = requests_for(ROWS)
    [update] = [r["updateCells"] for r in requests if "updateCells" in r]
    assert all(
        "numberFormat" not in v.get("userEnteredFormat", {}) for row in update["rows"] for v in row["values"]
    )
    runs = [r["repeatCell"] for r in requests if "repeatCell" in r]
    assert [
        (r["range"]["startRowIndex"], r["range"]["endRowIndex"], r["range"]["startColumnIndex"]) for r in runs
    ] == [
        (2, 5, 1),  # the three amounts, total included
        (2, 4, 2),  # the two dates
    ]
    assert runs[0]["cell"]["userEnteredFormat"]["numberFormat"] == MONEY_FORMAT
    assert runs[1]["cell"]["userEnteredFormat"]["numberFormat"] == DATE_FORMAT
    assert all(r["fields"] == "userEnteredFormat.numberFormat" for r in runs), "bold headers kept"


def test_the_header_of_a_one_table_tab_is_frozen_and_columns_get_their_widths() -> None:
    requests = requests_for(ROWS)
    [frozen] = [r["updateSheetProperties"] for r in requests if "updateSheetProperties" in r]
    assert frozen["properties"]["gridProperties"]["frozenRowCount"] == 2
    widths = [
        r["updateDimensionProperties"]["properties"]["pixelSize"]
        for r in requests
        if "updateDimensionProperties" in r
    ]
    assert widths == [150, 94]


def test_a_new_tab_is_marked_and_protected_an_already_marked_one_is_not_marked_twice() -> None:
    fresh = requests_for(ROWS)
    [metadata] = [
        r["createDeveloperMetadata"]["developerMetadata"] for r in fresh if "createDeveloperMetadata" in r
    ]
    assert (metadata["metadataKey"], metadata["location"], metadata["visibility"]) == (
        METADATA_KEY,
        {"sheetId": 7},
        "DOCUMENT",
    )
    [protection] = [r["addProtectedRange"]["protectedRange"] for r in fresh if "addProtectedRange" in r]
    assert protection["warningOnly"] is True and protection["range"] == {"sheetId": 7}
    again = requests_for(ROWS, {"Soldes": (True, True)})
    assert "createDeveloperMetadata" not in kinds(again) and "addProtectedRange" not in kinds(again)


def test_the_bytes_saved_by_formats_per_run() -> None:
    import json

    rows = [Row("data", (f"Office {i}", Decimal("1234.50"), date(2026, 1, 1))) for i in range(1000)]
    per_cell = len(json.dumps([[cell_data(v, r.style) for v in r.cells] for r in rows]))
    per_run = len(json.dumps(requests_for(rows)))
    assert per_run < per_cell / 2
