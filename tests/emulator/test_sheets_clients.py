"""Sheets v4 through the real, unmodified gspread and googleapiclient: what lotsync will rely on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread
import pytest
from googleapiclient.errors import HttpError

from fake_google import FakeGoogle
from lotsync.app import emulator_clients as clients


@pytest.fixture
def gc(google: FakeGoogle, sa_creds: Any) -> gspread.Client:
    return clients.gspread_client(google.base_url, sa_creds)


@pytest.fixture
def sheets(build: Callable[[str, str, Any], Any], sa_creds: Any) -> Any:
    return build("sheets", "v4", sa_creds)


def test_gspread_writes_and_reads_back(gc: gspread.Client) -> None:
    book = gc.create("Dossiers OT Cahors")
    sheet = book.sheet1
    sheet.update([["Référence", "Montant TTC"], ["C-1", 1234.5], ["C-2", "=1+1"]], "A1", raw=True)
    assert sheet.get_all_values() == [["Référence", "Montant TTC"], ["C-1", "1234.5"], ["C-2", "=1+1"]]
    assert sheet.acell("B2").value == "1234.5"
    assert [w.title for w in book.worksheets()] == ["Sheet1"]


def test_unformatted_values_and_serial_dates_as_lotsync_reads_them(gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("Collectif")
    book.sheet1.update([["Date", "Montant"], ["31/03/2026", "1 234,50 €"]], "A1", raw=False)
    book.update_locale("fr_FR")
    book.sheet1.update([["31/03/2026", "1 234,50 €"]], "A3", raw=False)
    answer = (
        sheets.spreadsheets()
        .values()
        .batchGet(
            spreadsheetId=book.id,
            ranges=["'Sheet1'"],
            valueRenderOption="UNFORMATTED_VALUE",
            dateTimeRenderOption="SERIAL_NUMBER",
        )
        .execute()
    )
    rows = answer["valueRanges"][0]["values"]
    assert rows[2] == [46112, 1234.5], "French text typed in a fr_FR sheet becomes a date serial and a number"
    formatted = sheets.spreadsheets().values().get(spreadsheetId=book.id, range="Sheet1!B3").execute()
    shown = formatted["values"][0][0]
    assert shown.replace("\u202f", " ").replace("\u00a0", " ") == "1 234,50 €", "as French shows it"


def test_a_batch_update_with_one_bad_request_changes_nothing(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Rapprochement"}}},
                    {"addSheet": {"properties": {"title": "Sheet1"}}},
                ]
            }
        )
    assert raised.value.response.status_code == 400
    assert "requests[1]" in raised.value.response.json()["error"]["message"]
    assert [w.title for w in gc.open_by_key(book.id).worksheets()] == ["Sheet1"]


def test_someone_the_sheet_is_not_shared_with_gets_403_and_an_unknown_id_404(
    google: FakeGoogle,
    gc: gspread.Client,
    user_creds: Callable[[str], Any],
) -> None:
    book = gc.create("Dossiers OT Grand Figeac")
    stranger = clients.gspread_client(google.base_url, user_creds("isabelle@figeac.example.org"))
    with pytest.raises(PermissionError) as raised:  # gspread turns Google's 403 into PermissionError
        stranger.open_by_key(book.id)
    answer = raised.value.__cause__.response
    assert answer.status_code == 403 and answer.json()["error"]["status"] == "PERMISSION_DENIED"
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound) as missing:
        gc.open_by_key("1" + "x" * 43)
    assert missing.value.__cause__.response.status_code == 404
    book.share("isabelle@figeac.example.org", perm_type="user", role="reader", notify=False)
    assert stranger.open_by_key(book.id).title == "Dossiers OT Grand Figeac"


def test_a_reader_cannot_write(
    google: FakeGoogle, gc: gspread.Client, user_creds: Callable[[str], Any]
) -> None:
    book = gc.create("Dossiers")
    book.share("marine@dordogne.example.org", perm_type="user", role="reader", notify=False)
    reader = clients.gspread_client(google.base_url, user_creds("marine@dordogne.example.org"))
    with pytest.raises(gspread.exceptions.APIError) as raised:
        reader.open_by_key(book.id).sheet1.update([["x"]], "A1")
    assert raised.value.response.status_code == 403


def test_a_malformed_range_is_googles_400(gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("Collectif")
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().values().get(spreadsheetId=book.id, range="Sheet1!A1:?").execute()
    assert raised.value.status_code == 400
    assert "Unable to parse range: Sheet1!A1:?" in raised.value.reason


def test_googleapiclient_retries_a_503_and_the_log_counts_every_call(
    google: FakeGoogle,
    gc: gspread.Client,
    sheets: Any,
    no_sleep: Any,
) -> None:
    book = gc.create("Collectif")
    google.log.clear()
    google.faults.add("503", "sheets.values.get", times=1)
    request = sheets.spreadsheets().values().get(spreadsheetId=book.id, range="A1")
    delays = no_sleep(request)
    answer = request.execute(num_retries=2)
    assert len(delays) == 1, "one back-off before the second try"
    assert answer["range"] == "Sheet1!A1"
    assert google.log.by_endpoint() == {"sheets.values.get": 2}


# -- what lotsync's tabs rely on: formats, frozen headers, widths, metadata, protection ----------

MONEY = {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}
DAY = {"type": "DATE", "pattern": "dd/mm/yyyy"}


def test_amounts_and_dates_read_back_formatted_by_a_french_spreadsheets_locale(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    book.update_locale("fr_FR")
    tab = book.sheet1
    book.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": tab.id, "rowIndex": 0, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    {"userEnteredValue": {"stringValue": "Montant"}},
                                    {"userEnteredValue": {"stringValue": "Échéance"}},
                                ]
                            },
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"numberValue": 1234.5},
                                        "userEnteredFormat": {"numberFormat": MONEY},
                                    },
                                    {
                                        "userEnteredValue": {"numberValue": 46356},
                                        "userEnteredFormat": {"numberFormat": DAY},
                                    },
                                ]
                            },
                        ],
                        "fields": "userEnteredValue,userEnteredFormat(numberFormat,textFormat)",
                    }
                }
            ]
        }
    )
    tab.format(
        "A1:B1", {"textFormat": {"bold": True}}
    )  # gspread's repeatCell on userEnteredFormat(textFormat)
    shown = tab.get("A1:B2", value_render_option=gspread.utils.ValueRenderOption.formatted)
    assert shown == [["Montant", "Échéance"], ["1\u202f234,50 €", "30/11/2026"]]
    raw = tab.get("A2:B2", value_render_option=gspread.utils.ValueRenderOption.unformatted)
    assert raw == [[1234.5, 46356]]
    fields = "sheets(data(rowData(values(userEnteredFormat,effectiveFormat(textFormat(bold),numberFormat)))))"
    cells = book.fetch_sheet_metadata(params={"ranges": "Sheet1!A1:A2", "fields": fields})["sheets"][0][
        "data"
    ][0]
    header, amount = (row["values"][0] for row in cells["rowData"])
    assert header["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert header["effectiveFormat"] == {"textFormat": {"bold": True}}
    assert amount["effectiveFormat"] == {"numberFormat": MONEY, "textFormat": {"bold": False}}


def test_in_an_en_us_spreadsheet_the_same_formats_show_american_numbers(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    tab = book.sheet1
    tab.update([[14458.42, -0.017]], "A1", raw=True)
    tab.format("A1", {"numberFormat": MONEY})
    tab.format("B1", {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}})
    assert tab.get("A1:B1") == [["14,458.42 €", "-1.7%"]]


def test_frozen_header_rows_and_column_widths_round_trip(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    tab = book.add_worksheet("Soldes", rows=20, cols=4)
    tab.freeze(rows=2)
    tab.update([["Office", "Reste à payer"]], "A1")
    book.batch_update(
        {
            "requests": [
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": tab.id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                        "properties": {"pixelSize": 160},
                        "fields": "pixelSize",
                    }
                }
            ]
        }
    )
    tab.columns_auto_resize(1, 2)
    again = gc.open_by_key(book.id).worksheet("Soldes")
    assert again.frozen_row_count == 2
    fields = "sheets(properties(title,gridProperties(frozenRowCount)),data(columnMetadata(pixelSize)))"
    answer = book.fetch_sheet_metadata(params={"ranges": "Soldes!A1:C1", "fields": fields})
    widths = [line["pixelSize"] for line in answer["sheets"][0]["data"][0]["columnMetadata"]]
    assert widths[0] == 160 and widths[1] > 21 and widths[2] == 100


def test_developer_metadata_marks_a_tab_and_is_found_and_deleted(gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("Collectif")
    tab = book.add_worksheet("Soldes", rows=20, cols=4)
    mark = {
        "metadataKey": "lotsync.owned",
        "metadataValue": "Soldes",
        "location": {"sheetId": tab.id},
        "visibility": "DOCUMENT",
    }
    reply = (
        sheets.spreadsheets()
        .batchUpdate(
            spreadsheetId=book.id,
            body={"requests": [{"createDeveloperMetadata": {"developerMetadata": mark}}]},
        )
        .execute()
    )
    created = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    metadata_id = created["metadataId"]
    assert created == {
        **mark,
        "metadataId": metadata_id,
        "location": {"locationType": "SHEET", "sheetId": tab.id},
    }
    lookup = {"developerMetadataLookup": {"metadataKey": "lotsync.owned"}}
    found = (
        sheets.spreadsheets()
        .developerMetadata()
        .search(spreadsheetId=book.id, body={"dataFilters": [lookup]})
        .execute()
    )
    assert found == {"matchedDeveloperMetadata": [{"developerMetadata": created, "dataFilters": [lookup]}]}
    got = (
        sheets.spreadsheets().developerMetadata().get(spreadsheetId=book.id, metadataId=metadata_id).execute()
    )
    assert got == created
    shown = (
        sheets.spreadsheets()
        .get(spreadsheetId=book.id, fields="sheets(properties.title,developerMetadata)")
        .execute()
    )
    assert shown["sheets"][1] == {"properties": {"title": "Soldes"}, "developerMetadata": [created]}
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=book.id, body={"requests": [{"deleteDeveloperMetadata": {"dataFilter": lookup}}]}
    ).execute()
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().developerMetadata().get(spreadsheetId=book.id, metadataId=metadata_id).execute()
    assert raised.value.status_code == 404
    assert raised.value.reason == f"No developer metadata with ID {metadata_id}."


def test_a_warning_only_protection_round_trips_with_its_id(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    tab = book.add_worksheet("Soldes", rows=20, cols=4)
    reply = book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": tab.id},
                            "description": "Onglet de lotsync",
                            "warningOnly": True,
                        }
                    }
                }
            ]
        }
    )
    added = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert added["warningOnly"] is True and added["requestingUserCanEdit"] is True
    assert added["protectedRangeId"] > 0
    listed = book.list_protected_ranges(tab.id)
    assert listed == [added]
    tab.delete_protected_range(added["protectedRangeId"])
    assert book.list_protected_ranges(tab.id) == []
    with pytest.raises(gspread.exceptions.APIError) as raised:
        tab.delete_protected_range(added["protectedRangeId"])
    assert raised.value.response.json()["error"]["message"] == (
        f"Invalid requests[0].deleteProtectedRange: No protected range with id: {added['protectedRangeId']}"
    )


def test_a_persons_soldes_tab_is_lotsyncs_soldes_to_google(gc: gspread.Client) -> None:
    book = gc.create("Collectif")
    book.add_worksheet("soldes", rows=10, cols=3).update([["à moi"]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.add_worksheet("Soldes", rows=10, cols=3)
    error = raised.value.response.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "Soldes" already exists. '
        "Please enter another name."
    )
    answer = book.values_get("'Soldes'!A1")
    assert answer["range"] == "soldes!A1" and answer["values"] == [["à moi"]]
