"""Every request is checked against Google's own contract: the discovery documents the client ships.

The emulator refuses, with Google's status and wording, what Google's front end refuses before
any backend sees it: an unknown field name, a value of the wrong type, an enum value Google does
not know, two kinds in one Sheets request, an unknown query parameter, a `fields` mask naming
nothing, an update request whose own mask is missing or wrong. And it takes what Google takes:
field names in snake_case, integers as strings, enums in lower case, the extra field gspread
sends when it shares. Each expected message below is one Google was seen giving (the source is
cited in fake_google/schema.py).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import googleapiclient
import gspread
import pytest
from googleapiclient.errors import HttpError

from fake_google import FakeGoogle, schema
from fake_google.http import Request, parse_query
from fake_google.server import ROUTES
from fake_google.store import ApiError
from lotsync.app import emulator_clients as clients

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


@pytest.fixture
def gc(google: FakeGoogle, sa_creds: Any) -> gspread.Client:
    return clients.gspread_client(google.base_url, sa_creds)


@pytest.fixture
def sheets(build: Callable[[str, str, Any], Any], sa_creds: Any) -> Any:
    return build("sheets", "v4", sa_creds)


def api_error(raised: pytest.ExceptionInfo[Any]) -> dict[str, Any]:
    """The JSON `error` of a gspread APIError or a googleapiclient HttpError."""
    if isinstance(raised.value, HttpError):
        return json.loads(raised.value.content)["error"]
    return raised.value.response.json()["error"]


def violations(error: dict[str, Any]) -> list[dict[str, str]]:
    (details,) = error["details"]
    assert details["@type"] == BAD_REQUEST
    return details["fieldViolations"]


# -- bodies ------------------------------------------------------------------------------------


@pytest.mark.breaks_contract
def test_a_misspelt_field_in_update_cells_gets_googles_400(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update(
            {
                "requests": [
                    {
                        "updateCells": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "rows": [{"values": [{"userEnteredValue": {"stringValue": "Solde"}}]}],
                            "feilds": "userEnteredValue",
                        }
                    }
                ]
            }
        )
    error = api_error(raised)
    message = (
        "Invalid JSON payload received. Unknown name \"feilds\" at 'requests[0].update_cells': "
        "Cannot find field."
    )
    assert (error["code"], error["status"], error["message"]) == (400, "INVALID_ARGUMENT", message)
    assert violations(error) == [{"field": "requests[0].update_cells", "description": message}]
    assert book.sheet1.acell("A1").value is None, "nothing was applied"


@pytest.mark.breaks_contract
def test_an_enum_value_google_does_not_know(google: FakeGoogle, gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("Soldes")
    request = {
        "repeatCell": {
            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
            "cell": {"userEnteredFormat": {"horizontalAlignment": "MIDDLE"}},
            "fields": "userEnteredFormat.horizontalAlignment",
        }
    }
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().batchUpdate(spreadsheetId=book.id, body={"requests": [request]}).execute()
    assert raised.value.resp.status == 400
    # A nested enum's proto name is not in the documents: Google's older label TYPE_ENUM.
    assert api_error(raised)["message"] == (
        "Invalid value at 'requests[0].repeat_cell.cell.user_entered_format.horizontal_alignment' "
        '(TYPE_ENUM), "MIDDLE"'
    )


@pytest.mark.breaks_contract
def test_two_kinds_in_one_request(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update(
            {"requests": [{"addSheet": {"properties": {"title": "Journal"}}, "deleteSheet": {"sheetId": 0}}]}
        )
    error = api_error(raised)
    assert error["message"] == (
        "Invalid value at 'requests[0]' (oneof), oneof field 'kind' is already set. Cannot set 'deleteSheet'"
    )
    assert [w.title for w in book.worksheets()] == ["Sheet1"]


@pytest.mark.breaks_contract
def test_a_cell_value_with_two_kinds(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    cell = {"userEnteredValue": {"numberValue": 12.5, "stringValue": "12,50"}}
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update(
            {
                "requests": [
                    {
                        "updateCells": {
                            "start": {"sheetId": 0},
                            "rows": [{"values": [cell]}],
                            "fields": "userEnteredValue",
                        }
                    }
                ]
            }
        )
    assert api_error(raised)["message"] == (
        "Invalid value at 'requests[0].update_cells.rows[0].values[0].user_entered_value' (oneof), "
        "oneof field 'value' is already set. Cannot set 'stringValue'"
    )


@pytest.mark.breaks_contract
def test_a_request_given_as_a_string(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update({"requests": ["repeatCell"]})
    assert api_error(raised)["message"] == (
        "Invalid value at 'requests[0]' "
        '(type.googleapis.com/google.apps.sheets.v4.BatchUpdateSpreadsheetRequest.Request), "repeatCell"'
    )


@pytest.mark.breaks_contract
def test_wrong_json_types_are_all_reported_one_violation_each(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    request = {
        "updateCells": {
            "range": {"sheetId": 0, "startRowIndex": 1.5},
            "rows": [{"values": [{"userEnteredValue": {"numberValue": "douze"}}]}],
            "fields": "userEnteredValue",
        }
    }
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update({"requests": [request]})
    error = api_error(raised)
    first = "Invalid value at 'requests[0].update_cells.range.start_row_index' (TYPE_INT32), 1.5"
    second = (
        "Invalid value at 'requests[0].update_cells.rows[0].values[0].user_entered_value.number_value' "
        '(TYPE_DOUBLE), "douze"'
    )
    assert error["message"] == first + "\n" + second, "Google joins its sentences with newlines"
    assert [v["description"] for v in violations(error)] == [first, second]


@pytest.mark.breaks_contract
def test_a_list_where_a_single_value_belongs(gc: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        gc.http_client.request(
            "post",
            "https://sheets.googleapis.com/v4/spreadsheets",
            json={"properties": {"title": ["Soldes"]}},
        )
    assert api_error(raised)["message"] == (
        "Invalid JSON payload received. Unknown name \"title\" at 'spreadsheet.properties': "
        "Proto field is not repeating, cannot start list."
    )


@pytest.mark.breaks_contract
def test_values_that_are_not_a_list_of_rows_as_google_answered_gspread(gc: gspread.Client) -> None:
    """gspread's own recording (WorksheetTest.test_add_validation): a bare string for `values`."""
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.values_update(
            "Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": "X", "majorDimension": None}
        )
    error = api_error(raised)
    message = "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    assert error["message"] == message
    assert violations(error) == [{"field": "data.values", "description": message}]


@pytest.mark.breaks_contract
def test_an_update_request_without_its_fields_mask(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update(
            {
                "requests": [
                    {
                        "repeatCell": {
                            "range": {"sheetId": 0, "endRowIndex": 1},
                            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        }
                    }
                ]
            }
        )
    error = api_error(raised)
    assert error == {
        "code": 400,
        "message": "Invalid requests[0].repeatCell: At least one field must be listed in 'fields'. "
        "(Use '*' to indicate all fields.)",
        "status": "INVALID_ARGUMENT",
    }, "a backend refusal: no details"


@pytest.mark.breaks_contract
def test_an_update_mask_path_that_names_no_field(gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    request = {
        "updateSheetProperties": {
            "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
            "fields": "gridProperties.frozenRows",
        }
    }
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.batch_update({"requests": [request]})
    error = api_error(raised)
    # Google's prefix; the rest is the emulator's own (Google's sentence was not found).
    assert error["message"].startswith("Invalid requests[0].updateSheetProperties: ")
    assert "gridProperties.frozenRows" in error["message"]
    assert error["status"] == "INVALID_ARGUMENT"


@pytest.mark.breaks_contract
def test_a_drive_body_with_a_list_for_a_map(drive: Any) -> None:
    with pytest.raises(HttpError) as raised:
        drive.files().create(body={"name": "Soldes.xlsx", "appProperties": ["lotsync"]}).execute()
    error = api_error(raised)
    message = "Invalid value at 'payload' (Map), Cannot bind a list to map for field 'appProperties'."
    assert error["message"] == message
    assert error["errors"] == [{"message": message, "reason": "invalid"}], "Drive keeps its errors[] entry"
    assert violations(error) == [{"field": "payload", "description": message}]


@pytest.mark.breaks_contract
def test_a_gmail_body_with_an_unknown_field(build: Callable[[str, str, Any], Any], user_creds: Any) -> None:
    gmail = build("gmail", "v1", user_creds("marine@example.org"))
    raw = base64.urlsafe_b64encode(b"To: compta@example.org\r\nSubject: Soldes\r\n\r\nBonjour").decode()
    with pytest.raises(HttpError) as raised:
        gmail.users().messages().send(userId="me", body={"raw": raw, "sendAt": "2026-11-30"}).execute()
    assert raised.value.resp.status == 400
    assert (
        api_error(raised)["message"]
        == 'Invalid JSON payload received. Unknown name "sendAt": Cannot find field.'
    )


# -- query parameters and masks ------------------------------------------------------------------


@pytest.mark.breaks_contract
def test_an_unknown_query_parameter(google: FakeGoogle, gc: gspread.Client, raw: Callable[..., Any]) -> None:
    """The client libraries refuse unknown keywords themselves; on the wire, Google does."""
    book = gc.create("Soldes")
    answer = raw("lotsync@fake-project.iam.gserviceaccount.com").get(
        f"/v4/spreadsheets/{book.id}/values/A1", params={"valueRenderOptions": "FORMULA"}
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    message = (
        'Invalid JSON payload received. Unknown name "valueRenderOptions": Cannot bind query parameter. '
        "Field 'valueRenderOptions' could not be found in request message."
    )
    assert (error["message"], error["status"]) == (message, "INVALID_ARGUMENT")
    assert violations(error) == [{"description": message}], "no `field` for a parameter that binds nowhere"


@pytest.mark.breaks_contract
def test_a_query_enum_google_does_not_know(gc: gspread.Client) -> None:
    """googleapiclient refuses the value itself; gspread sends it, and Google names the enum."""
    book = gc.create("Soldes")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        book.values_update("Sheet1!A1", params={"valueInputOption": "USER_ENTER"}, body={"values": [["1"]]})
    assert api_error(raised)["message"] == (
        "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "
        '"USER_ENTER"'
    )


@pytest.mark.breaks_contract
def test_a_fields_mask_naming_nothing_in_sheets(gc: gspread.Client, sheets: Any) -> None:
    """As Google answered r-lib/gargle's recording (sheets-spreadsheets-get-bad-field-mask_400)."""
    book = gc.create("Soldes")
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().get(spreadsheetId=book.id, fields="sheets.sheetProperties").execute()
    error = api_error(raised)
    assert error["message"] == "Request contains an invalid argument."
    assert violations(error) == [
        {
            "field": "sheets.sheetProperties",
            "description": "Error expanding 'fields' parameter. Cannot find matching fields for path "
            "'sheets.sheetProperties'.",
        }
    ]


@pytest.mark.breaks_contract
def test_sheets_does_not_trim_a_space_in_its_fields_mask(gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("Soldes")
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().get(spreadsheetId=book.id, fields="properties, sheets.properties").execute()
    assert "path ' sheets.properties'" in violations(api_error(raised))[0]["description"]


@pytest.mark.breaks_contract
def test_a_fields_mask_naming_nothing_in_drive(drive: Any) -> None:
    with pytest.raises(HttpError) as raised:
        drive.files().list(fields="nextPageToken, files(id, title)").execute()
    error = api_error(raised)
    assert error["message"] == "Invalid field selection title"
    assert error["errors"][0]["reason"] == "invalidParameter"
    assert error["errors"][0]["location"] == "fields"


# -- what Google takes ---------------------------------------------------------------------------


def test_what_lotsync_sends_to_its_tabs_passes(google: FakeGoogle, gc: gspread.Client) -> None:
    """Values, bold headers, number formats per column, frozen rows, widths: all accepted and applied."""
    book = gc.create("Soldes")
    sheet = book.sheet1
    sheet.update([["Office", "Solde"], ["Cahors", 1234.5]], "A1", raw=True)
    sheet.format("A1:B1", {"textFormat": {"bold": True}, "horizontalAlignment": "CENTER"})
    sheet.freeze(rows=1)
    book.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                        },
                        "cell": {
                            "userEnteredFormat": {
                                "numberFormat": {"type": "CURRENCY", "pattern": "#,##0.00 €"}
                            }
                        },
                        "fields": "userEnteredFormat.numberFormat",
                    }
                },
                {
                    "updateDimensionProperties": {
                        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2},
                        "properties": {"pixelSize": 140},
                        "fields": "pixelSize",
                    }
                },
            ]
        }
    )
    assert sheet.get_all_values()[1][0] == "Cahors"


def test_what_the_issue_12_tabs_will_send_passes_the_contract() -> None:
    """Developer metadata and a warning-only protection, checked by the contract alone."""
    body = {
        "requests": [
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": "lotsync.tab",
                        "metadataValue": "soldes",
                        "location": {"sheetId": 7},
                        "visibility": "DOCUMENT",
                    }
                }
            },
            {
                "addProtectedRange": {
                    "protectedRange": {"range": {"sheetId": 7}, "description": "lotsync", "warningOnly": True}
                }
            },
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 7, "gridProperties": {"frozenRowCount": 2}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
            {
                "deleteDeveloperMetadata": {
                    "dataFilter": {"developerMetadataLookup": {"metadataKey": "lotsync.tab"}}
                }
            },
        ]
    }
    check("sheets.spreadsheets.batchUpdate", "POST", "/v4/spreadsheets/abc:batchUpdate", body)


def test_names_in_snake_case_integers_as_strings_and_enums_in_lower_case_are_taken() -> None:
    """protobuf's JSON parser takes all three (and enums by ordinal, measured: brekkylab/backlot#342)."""
    body = {
        "requests": [
            {
                "update_sheet_properties": {
                    "properties": {"sheet_id": "7", "grid_properties": {"frozen_row_count": 1}},
                    "fields": "gridProperties.frozenRowCount",
                }
            },
            {
                "insertDimension": {
                    "range": {"sheetId": 7, "dimension": "rows", "startIndex": 0, "endIndex": 1}
                }
            },
            {"deleteDimension": {"range": {"sheetId": 7, "dimension": 1, "startIndex": 0, "endIndex": 1}}},
        ]
    }
    check("sheets.spreadsheets.batchUpdate", "POST", "/v4/spreadsheets/abc:batchUpdate", body)
    check("sheets.values.get", "GET", "/v4/spreadsheets/abc/values/A1", valueRenderOption="formula")


def test_gspread_share_sends_withlink_which_drive_takes(google: FakeGoogle, gc: gspread.Client) -> None:
    book = gc.create("Soldes")
    book.share("compta@example.org", perm_type="user", role="writer", notify=False)
    assert google.store.files[book.id].shared["compta@example.org"] == "writer"


def test_drive_takes_a_parameter_of_another_method_as_google_did(gc: gspread.Client) -> None:
    """Google answered gspread's files.get?includeItemsFromAllDrives=True with 200 (the recordings)."""
    book = gc.create("Soldes")
    gc.http_client.request(
        "get",
        f"https://www.googleapis.com/drive/v3/files/{book.id}",
        params={"supportsAllDrives": True, "includeItemsFromAllDrives": True, "fields": "id,name"},
    )


# -- the contract itself ---------------------------------------------------------------------------


def test_every_route_serves_a_method_of_the_discovery_documents() -> None:
    assert [route.name for route in ROUTES if schema.method_for(route.name) is None] == []


def test_the_documents_are_those_of_the_installed_client_library() -> None:
    package = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    for api, version in schema.APIS.items():
        shipped = json.loads((package / f"{api}.{version}.json").read_text(encoding="utf-8"))
        assert schema.contract(api).revision == shipped["revision"]
    emulator = Path(schema.__file__).parent
    assert not list(emulator.rglob("*.json")), "fake_google keeps no copy of a discovery document"


def test_the_tables_name_what_the_documents_have() -> None:
    schemas = schema.contract("sheets").schemas
    for request, target in schema.MASK_TARGETS.items():
        assert "fields" in schemas[request]["properties"] and target in schemas
    for message, members in schema.ONEOFS.items():
        assert set(members) <= set(schemas[message]["properties"]), message


def check(name: str, method: str, path: str, body: Any = None, **query: str) -> None:
    """Run the contract check alone on a request to the route `name`; raises on a refusal."""
    (route,) = [r for r in ROUTES if r.name == name and r.method == method and r.pattern.match(path)]
    raw = json.dumps(body).encode() if body is not None else b""
    request = Request(
        method,
        path,
        parse_query("&".join(f"{k}={v}" for k, v in query.items())),
        {"content-type": "application/json"},
        raw,
        "marine@example.org",
    )
    try:
        schema.check(route, request)
    except ApiError as error:
        pytest.fail(f"refused: {error.message}")


# -- the suite holds lotsync to the contract -----------------------------------------------------

GUARDED_TEST = """
import pytest
import requests

BAD = {"requests": [{"updateCells": {"range": {"sheetId": 0}, "feilds": "*"}}]}


def send(google):
    auth = {"Authorization": "Bearer " + google.token_for("alice@example.org")}
    book = requests.post(google.base_url + "/v4/spreadsheets", json={}, headers=auth).json()
    url = google.base_url + "/v4/spreadsheets/" + book["spreadsheetId"] + ":batchUpdate"
    return requests.post(url, json=BAD, headers=auth).status_code


def test_sends_what_google_refuses_and_swallows_the_400(google):
    assert send(google) == 400


@pytest.mark.breaks_contract
def test_sends_it_on_purpose(google):
    assert send(google) == 400
"""


@pytest.mark.breaks_contract  # the inner run's emulator is one this test starts
def test_the_suite_fails_a_test_in_which_google_would_refuse_a_request(pytester: pytest.Pytester) -> None:
    """A refused request fails its test even when the test (or lotsync) swallowed the error."""
    tests = Path(__file__).resolve().parents[1]
    pytester.makeconftest((tests / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_guarded=GUARDED_TEST)
    pytester.makeini("[pytest]\nmarkers =\n    breaks_contract: on purpose\n")

    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=2, errors=1)
    refusal = "*requests Google would refuse: POST /v4/spreadsheets/*:batchUpdate*feilds*"
    result.stdout.fnmatch_lines([refusal])
