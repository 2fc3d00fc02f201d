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
