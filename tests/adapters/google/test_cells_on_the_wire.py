"""What lotsync sends Google for each cell: typed values, formats, and text always as text.

A sheet is written with `updateCells` CellData: `cell_data` decides each cell's
ExtendedValue. A person's `=IMPORTDATA(...)` read from an office sheet must come back
in the shared sheet as a `stringValue`, never as a `formulaValue` Google would compute.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from lotsync.adapters.backends.google import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    QUANTITY_FORMAT,
    cell_data,
    serial,
    wire_value,
)
from lotsync.app import emulator_clients as clients
from lotsync.tabs.results import Percent, Quantity

from .conftest import SHARED, Demo, Sent

IMPORTDATA = '=IMPORTDATA("http://x")'
TRICKY = (IMPORTDATA, "=1+1", "+33 5 65 35 09 56", "-x", "@foo", "=", "'=quoted", " =SUM(A1:A3)")


def entered(value: Any, style: str = "data") -> dict[str, Any]:
    return cell_data(value, style).get("userEnteredValue", {})


def number_format(value: Any) -> Any:
    return cell_data(value, "data").get("userEnteredFormat", {}).get("numberFormat")


# -- cell_data ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", TRICKY)
def test_text_that_looks_like_a_formula_or_a_number_stays_text(text: str) -> None:
    assert cell_data(text, "data") == {"userEnteredValue": {"stringValue": text}}


def test_amounts_are_numbers_with_a_euro_format() -> None:
    assert entered(Decimal("1234.50")) == {"numberValue": 1234.5}
    assert entered(Decimal("1000.00")) == {"numberValue": 1000}
    assert entered(Decimal("-333.33")) == {"numberValue": -333.33}
    assert number_format(Decimal("0.01")) == MONEY_FORMAT
    assert MONEY_FORMAT["type"] == "CURRENCY" and "€" in MONEY_FORMAT["pattern"]


def test_an_amount_to_the_cent_survives_the_json_double() -> None:
    for cents in (1, 10, 33, 99, 123_456_789):
        amount = Decimal(cents) / 100
        sent = json.loads(json.dumps(entered(amount)))["numberValue"]
        assert Decimal(repr(sent)).quantize(Decimal("0.01")) == amount


def test_dates_are_serial_numbers_with_a_date_format() -> None:
    assert entered(date(2026, 3, 31)) == {"numberValue": 46112}
    assert number_format(date(2026, 3, 31)) == DATE_FORMAT
    assert DATE_FORMAT["type"] == "DATE"
    moment = datetime(2026, 3, 31, 18, 0)
    assert entered(moment) == {"numberValue": 46112.75}
    assert number_format(moment) == DATETIME_FORMAT
    assert serial(date(1899, 12, 31)) == 1
    assert wire_value(date(2026, 3, 31)) == 46112 and wire_value("x") == "x"


def test_percentages_quantities_counts_and_booleans() -> None:
    assert entered(Percent("0.125")) == {"numberValue": 0.125}
    assert number_format(Percent("0.125")) == PERCENT_FORMAT and PERCENT_FORMAT["type"] == "PERCENT"
    assert entered(Quantity("1.25")) == {"numberValue": 1.25}
    assert number_format(Quantity("1.25")) == QUANTITY_FORMAT
    assert cell_data(48, "data") == {"userEnteredValue": {"numberValue": 48}}, "a count has no format"
    assert cell_data(True, "data") == {"userEnteredValue": {"boolValue": True}}
    assert cell_data(None, "data") == {}


def test_headers_and_totals_are_bold_and_keep_their_number_format() -> None:
    assert cell_data("Statut", "header")["userEnteredFormat"] == {"textFormat": {"bold": True}}
    total = cell_data(Decimal("12.00"), "total")["userEnteredFormat"]
    assert total == {"numberFormat": MONEY_FORMAT, "textFormat": {"bold": True}}
    assert "userEnteredFormat" not in cell_data("x", "data")


@pytest.mark.parametrize(
    "value",
    [*TRICKY, Decimal("1.5"), date(2026, 1, 1), datetime(2026, 1, 1, 8), Percent("0.5"), 7, True, object()],
    ids=repr,
)
def test_never_a_formula(value: Any) -> None:
    assert "formulaValue" not in json.dumps(cell_data(value, "data"))


# -- on the wire, end to end ---------------------------------------------------------------------


def all_values(node: Any) -> list[dict[str, Any]]:
    """Every ExtendedValue (userEnteredValue) in a batchUpdate body."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "userEnteredValue":
                found.append(value)
            else:
                found += all_values(value)
    elif isinstance(node, list):
        for value in node:
            found += all_values(value)
    return found


def shared_values(demo: Demo, tab: str, render: str) -> list[list[Any]]:
    """A tab of the shared spreadsheet read through googleapiclient's Sheets v4, as anyone would."""
    import json as json_

    info = json_.loads((demo.directory / "google-demo-key.json").read_text(encoding="utf-8"))
    creds = clients.service_account_credentials(demo.google.base_url, info)
    sheets = clients.build_service("sheets", "v4", demo.google.base_url, creds)
    answer = (
        sheets.spreadsheets()
        .values()
        .get(spreadsheetId=demo.shared_id, range=f"'{tab}'", valueRenderOption=render)
    )
    return answer.execute().get("values", [])


def test_a_formula_typed_in_an_office_sheet_comes_back_in_the_shared_sheet_as_text(
    demo: Demo, wire: list[Sent]
) -> None:
    person = demo.person()
    # Typed as people type: USER_ENTERED, so the emulator keeps them as formulas.
    person.open_by_key(demo.ids["dordogne"]).worksheet("Dossiers").update([[IMPORTDATA]], "B2", raw=False)
    person.open_by_key(demo.ids["cahors"]).worksheet("Dossiers").update([[IMPORTDATA]], "G2", raw=False)
    with demo.google.store.lock:
        typed = demo.google.store.spreadsheets[demo.ids["dordogne"]].sheets[0].cells[(1, 1)].value
    assert typed == IMPORTDATA, "a formula in the office's sheet"
    wire.clear()

    outcome = demo.sync()

    assert outcome.error is None and outcome.written
    (write,) = [s for s in wire if s.endpoint == "sheets.spreadsheets.batchUpdate"]
    values = all_values(write.json())
    assert values and not [v for v in values if "formulaValue" in v], "lotsync never sends a formula"
    assert values.count({"stringValue": IMPORTDATA}) == 2, "the client in Rapprochement, the pax in Anomalies"

    rapprochement = shared_values(demo, "Rapprochement", "FORMULA")
    header = rapprochement[1]
    line = next(r for r in rapprochement if len(r) > 6 and r[header.index("Réf. acheteur")] == "VD2025-0001")
    assert line[header.index("Client")] == IMPORTDATA
    anomalies = shared_values(demo, "Anomalies", "FORMULA")
    header = anomalies[1]
    pax = next(r for r in anomalies[2:] if r[header.index("Valeur")] == IMPORTDATA)
    assert pax[header.index("Classeur")] == "cahors" and pax[header.index("Ligne")] == 2

    with demo.google.store.lock:
        spreadsheet = demo.google.store.spreadsheets[demo.shared_id]
        stored = [
            cell.value
            for sheet in spreadsheet.sheets
            for cell in sheet.cells.values()
            if isinstance(cell.value, str) and cell.value.startswith("=")
        ]
    # The emulator keeps a text cell and a formula cell alike (a str starting with "="): what
    # makes this one text is the stringValue lotsync sent, checked on the wire above.
    assert stored == [IMPORTDATA, IMPORTDATA]


def test_the_demo_books_tabs_are_typed_cells_on_the_wire(demo: Demo, wire: list[Sent]) -> None:
    """Dates, amounts and counts arrive as numbers, with their formats; no text number."""
    outcome = demo.sync()
    assert outcome.error is None
    (write,) = [s for s in wire if s.endpoint == "sheets.spreadsheets.batchUpdate"]
    body = write.json()
    formats = json.dumps(body)
    assert '"CURRENCY"' in formats and '"DATE"' in formats and '"PERCENT"' in formats
    values = all_values(body)
    assert not [v for v in values if "formulaValue" in v]
    texts = [v["stringValue"] for v in values if "stringValue" in v]
    assert not [t for t in texts if t.replace(",", "").replace(".", "").strip().isdigit()], (
        "numbers as numbers"
    )
    unformatted = shared_values(demo, "Soldes", "UNFORMATTED_VALUE")
    assert any(isinstance(v, int | float) for row in unformatted for v in row)
    assert outcome.shared == SHARED
