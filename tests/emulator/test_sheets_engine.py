"""The Sheets part of the emulator without HTTP: A1 notation, cell values, grids, and the route handlers.

Expected answers come from Google's recorded behaviour (../shared/conformance) where it
shows it, and from how Google Sheets behaves for a user otherwise.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from fake_google import sheets, values, workbook
from fake_google.a1 import column_index, column_letters, format_box, parse_a1, quote_title
from fake_google.http import Request, Response
from fake_google.store import SPREADSHEET_MIME, ApiError, Cell, DriveFile, Store

OWNER = "owner@example.com"


# -- A1 notation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1", ("Sheet1", None, None, None, None)),
        ("'Sheet1'!A1", ("Sheet1", 0, 0, 1, 1)),
        ("'It''s here'!B2:C3", ("It's here", 1, 1, 3, 3)),
        ("Sheet1!A:C", ("Sheet1", None, 0, None, 3)),
        ("Sheet1!1:3", ("Sheet1", 0, None, 3, None)),
        ("Sheet1!A2:C", ("Sheet1", 1, 0, None, 3)),
        ("Sheet1!A1:1", ("Sheet1", 0, 0, 1, None)),
        ("Sheet1!D4:A1", ("Sheet1", 0, 0, 4, 4)),
        ("Sheet1!$A$1:$B$2", ("Sheet1", 0, 0, 2, 2)),
        ("A1:B2", (None, 0, 0, 2, 2)),
    ],
)
def test_a1_ranges_parse_to_grid_coordinates(text: str, expected: tuple[Any, ...]) -> None:
    parsed = parse_a1(text)
    assert (parsed.sheet, parsed.start_row, parsed.start_col, parsed.end_row, parsed.end_col) == expected


@pytest.mark.parametrize(
    "text", ["", "'Sheet1", "'Sheet1'A1", "Sheet1!", "Sheet1!A1:B2:C3", "Sheet1!A:B5", "S!AAAA1"]
)
def test_malformed_ranges_get_googles_400(text: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_a1(text)
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert caught.value.message == f"Unable to parse range: {text}"


def test_column_letters_round_trip() -> None:
    for index in (0, 25, 26, 51, 701, 702, 18277):
        assert column_index(column_letters(index)) == index
    assert (column_letters(0), column_letters(26), column_letters(702)) == ("A", "AA", "AAA")


def test_tab_names_are_quoted_only_when_google_quotes_them() -> None:
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("Données") == "Données"
    assert quote_title("My sheet") == "'My sheet'"
    assert quote_title("It's") == "'It''s'"
    assert quote_title("A1") == "'A1'"
    assert quote_title("2024") == "'2024'"
    assert format_box("Sheet1", 0, 0, 1, 1) == "Sheet1!A1"
    assert format_box("My sheet", 0, 0, 4, 4) == "'My sheet'!A1:D4"


# -- what a user typing gets ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value", "kind"),
    [
        ("123", 123, None),
        ("-1.5", -1.5, None),
        ("007", 7, None),
        ("1,234.5", 1234.5, "NUMBER"),
        ("12%", 0.12, "PERCENT"),
        ("$1,234.50", 1234.5, "CURRENCY"),
        ("-$5", -5, "CURRENCY"),
        ("1e3", 1000, "SCIENTIFIC"),
        ("TRUE", True, None),
        ("false", False, None),
        ("1/2/2024", 45293, "DATE"),
        ("2024-01-02", 45293, "DATE"),
        ("1/2/2024 12:00:00", 45293.5, "DATE_TIME"),
        ("18:00", 0.75, "TIME"),
        ("'0123", "0123", None),
        ("=SUM(A1:A3)", "=SUM(A1:A3)", None),
        ("1 234", "1 234", None),
        ("hello", "hello", None),
    ],
)
def test_user_entered_in_en_us(typed: str, value: Any, kind: str | None) -> None:
    parsed, number_format = values.parse_user_entered(typed, "en_US")
    assert parsed == value and type(parsed) is type(value)
    assert (number_format or {}).get("type") == kind


@pytest.mark.parametrize(
    ("typed", "value", "kind"),
    [
        ("1234,5", 1234.5, None),
        ("1 234,56", 1234.56, "NUMBER"),
        ("1\u202f234,56", 1234.56, "NUMBER"),
        ("12,5 %", 0.125, "PERCENT"),
        ("1 234,56 €", 1234.56, "CURRENCY"),
        ("02/01/2024", 45293, "DATE"),
        ("VRAI", True, None),
        ("1.5", "1.5", None),
    ],
)
def test_user_entered_in_fr_fr(typed: str, value: Any, kind: str | None) -> None:
    parsed, number_format = values.parse_user_entered(typed, "fr_FR")
    assert parsed == value
    assert (number_format or {}).get("type") == kind


def test_raw_keeps_strings_as_text() -> None:
    assert values.from_json("123", "RAW", "en_US") == ("123", None)
    assert values.from_json("=A1", "RAW", "en_US") == ("=A1", None)
    assert values.from_json(1.0, "RAW", "en_US") == (1, None)
    assert values.from_json("", "RAW", "en_US") == (None, None)


@pytest.mark.parametrize(
    ("value", "number_format", "locale", "shown"),
    [
        (1234.5, {"type": "CURRENCY", "pattern": "#,##0.00 [$€-1]"}, "fr_FR", "1\u202f234,50 €"),
        (1234.5, {"type": "CURRENCY"}, "en_US", "$1,234.50"),
        (-5, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}, "en_US", "-$5.00"),
        (-1234.5, {"type": "NUMBER", "pattern": "#,##0.00;(#,##0.00)"}, "en_US", "(1,234.50)"),
        (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "fr_FR", "12,5%"),
        (12345.678, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}, "en_US", "1.23E+04"),
        (45293, {"type": "DATE", "pattern": "dd/MM/yyyy"}, "fr_FR", "02/01/2024"),
        (45293, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "en_US", "2024-01-02"),
        (
            45293.75,
            {"type": "DATE_TIME", "pattern": "dddd d mmmm yyyy hh:mm"},
            "fr_FR",
            "mardi 2 janvier 2024 18:00",
        ),
        (
            45293.75,
            {"type": "DATE_TIME", "pattern": "ddd, mmm d, yyyy h:mm AM/PM"},
            "en_US",
            "Tue, Jan 2, 2024 6:00 PM",
        ),
        (0.75, {"type": "TIME"}, "en_US", "6:00:00 PM"),
        (1.75, {"type": "TIME", "pattern": "[h]:mm"}, "en_US", "42:00"),
        (1234.5, None, "fr_FR", "1234,5"),
        (1 / 3, None, "en_US", "0.3333333333"),
        (0.1 + 0.2, None, "en_US", "0.3"),
        (True, None, "fr_FR", "VRAI"),
        ("text", {"type": "NUMBER", "pattern": '0;-0;0;"<"@">"'}, "en_US", "<text>"),
        # lotsync's amount, date and percent formats, by the spreadsheet's locale: the group
        # separator is the locale's (CLDR fr: narrow no-break space), the space before the
        # euro sign is the pattern's own.
        (1234.5, {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}, "fr_FR", "1\u202f234,50 €"),
        (1234.5, {"type": "CURRENCY", "pattern": "#,##0.00\\ [$€-40C]"}, "fr_FR", "1\u202f234,50 €"),
        (-1234.5, {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}, "fr_FR", "-1\u202f234,50 €"),
        (14458.42, {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}, "en_US", "14,458.42 €"),
        (46356, {"type": "DATE", "pattern": "dd/mm/yyyy"}, "fr_FR", "30/11/2026"),
        (46356.5, {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}, "fr_FR", "30/11/2026 12:00"),
        (0.125, {"type": "PERCENT", "pattern": "0.0 %"}, "fr_FR", "12,5 %"),
        (-0.017, {"type": "PERCENT", "pattern": "0.0%"}, "en_US", "-1.7%"),
    ],
)
def test_formatted_value_follows_pattern_and_locale(
    value: Any, number_format: dict[str, Any] | None, locale: str, shown: str
) -> None:
    assert values.format_value(value, number_format, locale) == shown


def test_render_options() -> None:
    date_cell = Cell(45293, {"type": "DATE", "pattern": "M/d/yyyy"})
    assert values.render(date_cell, "FORMATTED_VALUE", "SERIAL_NUMBER", "en_US") == "1/2/2024"
    assert values.render(date_cell, "UNFORMATTED_VALUE", "SERIAL_NUMBER", "en_US") == 45293
    assert values.render(date_cell, "UNFORMATTED_VALUE", "FORMATTED_STRING", "en_US") == "1/2/2024"
    assert values.render(date_cell, "FORMULA", "SERIAL_NUMBER", "en_US") == 45293
    formula = Cell("=A1*2")
    for option in values.VALUE_RENDER_OPTIONS:
        assert values.render(formula, option, "SERIAL_NUMBER", "en_US") == "=A1*2"  # never computed
    assert values.render(None, "FORMATTED_VALUE", "SERIAL_NUMBER", "en_US") == ""


def test_colours_are_printed_as_google_stores_them() -> None:
    assert sheets.quantize({"red": 1, "green": 0, "blue": 0.5}) == {"red": 1, "blue": 0.49803922}


# -- spreadsheets and grids ----------------------------------------------------


@pytest.fixture
def store() -> Store:
    return Store()


def make_spreadsheet(store: Store, *, locale: str = "en_US", shared: dict[str, str] | None = None) -> str:
    file_id = "1" + "x" * 43
    store.files[file_id] = DriveFile(file_id, "Book", SPREADSHEET_MIME, owner=OWNER, shared=shared or {})
    workbook.new_spreadsheet(store, file_id, "Book", locale=locale)
    return file_id


def test_a_new_spreadsheet_has_googles_defaults(store: Store) -> None:
    spreadsheet = store.spreadsheets[make_spreadsheet(store)]
    assert {k: spreadsheet.properties[k] for k in ("title", "locale", "autoRecalc", "timeZone")} == {
        "title": "Book",
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
    }
    assert spreadsheet.sheets[0].properties == {
        "sheetId": 0,
        "title": "Sheet1",
        "index": 0,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }


def test_ranges_are_normalised_and_clipped_to_the_grid(store: Store) -> None:
    spreadsheet = store.spreadsheets[make_spreadsheet(store)]
    assert workbook.resolve(spreadsheet, "'Sheet1'").a1() == "Sheet1!A1:Z1000"
    assert workbook.resolve(spreadsheet, "Sheet1!A1:1").a1() == "Sheet1!A1:Z1"
    assert workbook.resolve(spreadsheet, "Sheet1!D4:A1").a1() == "Sheet1!A1:D4"
    assert workbook.resolve(spreadsheet, "B:B").a1() == "Sheet1!B1:B1000"
    assert workbook.resolve(spreadsheet, "Sheet1!A1:AZ2").a1() == "Sheet1!A1:Z2"
    with pytest.raises(ApiError, match=r"Unable to parse range: Nope!A1"):
        workbook.resolve(spreadsheet, "Nope!A1")
    with pytest.raises(ApiError, match=r"exceeds grid limits"):
        workbook.resolve(spreadsheet, "Sheet1!A1001")


def test_reads_trim_trailing_empty_cells_and_rows(store: Store) -> None:
    sheet = store.spreadsheets[make_spreadsheet(store)].sheets[0]
    rows = [
        ["A1", "B1", "", "D1"],
        ["", "b2", "", ""],
        ["", "", "", ""],
        ["A4", "B4", "", "D4"],
        ["", "", "", ""],
    ]
    workbook.write_matrix(sheet, 0, 0, rows, lambda raw: values.from_json(raw, "RAW", None))
    target = workbook.Target(sheet, 0, 0, 1000, 26)
    assert workbook.read_matrix(target, lambda c: c.value) == [
        ["A1", "B1", "", "D1"],
        ["", "b2"],
        [],
        ["A4", "B4", "", "D4"],
    ]
    assert workbook.read_matrix(target, lambda c: c.value, "COLUMNS")[:2] == [
        ["A1", "", "", "A4"],
        ["B1", "b2", "", "B4"],
    ]


def test_append_finds_the_table_around_the_last_filled_cell(store: Store) -> None:
    sheet = store.spreadsheets[make_spreadsheet(store)].sheets[0]
    sheet.cells[(0, 0)] = Cell("a")
    sheet.cells[(0, 2)] = Cell("c")
    whole = workbook.Target(sheet, 0, 0, 1000, 26)
    assert workbook.find_table(whole).a1() == "Sheet1!C1"  # as Google answered
    assert workbook.find_table(workbook.Target(sheet, 0, 0, 1, 1)).a1() == "Sheet1!A1"
    for row in range(1, 4):
        sheet.cells[(row, 1)] = Cell(row)
    assert workbook.find_table(workbook.Target(sheet, 0, 0, 1, 1)).a1() == "Sheet1!A1:C4"
    assert workbook.find_table(workbook.Target(sheet, 10, 0, 20, 5)) is None


def test_inserting_and_deleting_rows_moves_cells(store: Store) -> None:
    sheet = store.spreadsheets[make_spreadsheet(store)].sheets[0]
    sheet.cells[(0, 0)] = Cell("top")
    sheet.cells[(5, 1)] = Cell("low")
    workbook.insert_lines(sheet, "ROWS", 2, 3)
    assert set(sheet.cells) == {(0, 0), (8, 1)}
    assert workbook.grid_size(sheet) == (1003, 26)
    workbook.delete_lines(sheet, "COLUMNS", 0, 1)
    assert set(sheet.cells) == {(8, 0)}
    assert workbook.grid_size(sheet) == (1003, 25)


def test_xlsx_export_and_import_round_trip(store: Store) -> None:
    spreadsheet = store.spreadsheets[make_spreadsheet(store)]
    sheet = spreadsheet.sheets[0]
    sheet.cells[(0, 0)] = Cell("Montant")
    sheet.cells[(1, 0)] = Cell(1234.5, {"type": "NUMBER", "pattern": "#,##0.00"})
    sheet.cells[(2, 0)] = Cell(45293, {"type": "DATE", "pattern": "yyyy-mm-dd"})
    sheet.cells[(3, 0)] = Cell("=A2*2")
    data = workbook.export_xlsx(spreadsheet)
    page = load_workbook(io.BytesIO(data)).active
    assert page["A2"].value == 1234.5 and page["A2"].number_format == "#,##0.00"
    assert page["A4"].value == "=A2*2"
    imported = workbook.import_xlsx(store, "1" + "y" * 43, "Copy", data)
    cells = imported.sheets[0].cells
    assert cells[(0, 0)].value == "Montant"
    assert cells[(2, 0)].value == 45293 and cells[(2, 0)].number_format["type"] == "DATE"
    assert cells[(3, 0)].value == "=A2*2"


def test_csv_export_is_formatted_and_trimmed(store: Store) -> None:
    spreadsheet = store.spreadsheets[make_spreadsheet(store, locale="fr_FR")]
    sheet = spreadsheet.sheets[0]
    sheet.cells[(0, 0)] = Cell("Nom")
    sheet.cells[(1, 1)] = Cell(1234.5, {"type": "CURRENCY", "pattern": "#,##0.00 [$€-1]"})
    assert workbook.export_csv(spreadsheet, 0).decode() == 'Nom,\r\n,"1\u202f234,50 €"\r\n'


# -- route handlers, called directly -------------------------------------------


def call(
    store: Store, route: Any, method: str, params: dict[str, str], body: Any = None, **query: Any
) -> Response:
    """Run a handler as the server would, under the lock, turning ApiError into its status."""
    user = query.pop("user", OWNER)
    request = Request(
        method,
        "/",
        {k: v if isinstance(v, list) else [str(v)] for k, v in query.items()},
        {},
        json.dumps(body).encode() if body is not None else b"",
        user,
        dict(params),
    )
    with store.lock:
        try:
            return route.handler(store, request)
        except ApiError as error:
            return Response(error.code, {"error": {"code": error.code, "message": error.message}})


def test_update_counts_only_the_cells_given(store: Store) -> None:
    file_id = make_spreadsheet(store)
    params = {"id": file_id, "range": "'Sheet1'!A1:D6"}
    body = {"values": [["top_left", None, None, None], *[[None] * 4] * 4, [None, None, None, "bottom_right"]]}
    answer = call(store, sheets.update_values, "PUT", params, body, valueInputOption="RAW").body
    assert answer == {
        "spreadsheetId": file_id,
        "updatedRange": "Sheet1!A1:D6",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 2,
    }


def test_writes_outside_the_grid_are_refused(store: Store) -> None:
    file_id = make_spreadsheet(store)
    answer = call(
        store,
        sheets.update_values,
        "PUT",
        {"id": file_id, "range": "Sheet1!A1001"},
        {"values": [["x"]]},
        valueInputOption="RAW",
    )
    assert answer.status == 400
    assert answer.body["error"]["message"] == (
        "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_append_grows_the_grid_and_inserts_rows(store: Store) -> None:
    file_id = make_spreadsheet(store)
    sheet = store.spreadsheets[file_id].sheets[0]
    workbook.set_grid_size(sheet, 2, 2)
    sheet.cells[(0, 0)] = Cell("h")
    sheet.cells[(1, 0)] = Cell(1)
    answer = call(
        store,
        sheets.append_values,
        "POST",
        {"id": file_id, "range": "Sheet1!A1"},
        {"values": [[2, 3, 4]]},
        valueInputOption="USER_ENTERED",
        insertDataOption="INSERT_ROWS",
    ).body
    assert answer["tableRange"] == "Sheet1!A1:A2"
    assert answer["updates"]["updatedRange"] == "Sheet1!A3:C3"
    assert workbook.grid_size(sheet) == (3, 3)


def test_batch_update_is_all_or_nothing_and_names_the_bad_request(store: Store) -> None:
    file_id = make_spreadsheet(store)
    requests = [
        {"addSheet": {"properties": {"title": "Data"}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "Renamed"}, "fields": "title"}},
        {"addSheet": {"properties": {"title": "data"}}},
    ]
    answer = call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": requests})
    assert answer.status == 400
    assert answer.body["error"]["message"] == (
        'Invalid requests[2].addSheet: A sheet with the name "data" already exists. '
        "Please enter another name."
    )
    assert [s.title for s in store.spreadsheets[file_id].sheets] == ["Sheet1"]


def test_batch_update_replies_in_order(store: Store) -> None:
    file_id = make_spreadsheet(store)
    requests = [
        {"addSheet": {"properties": {"title": "Data", "gridProperties": {"rowCount": 5, "columnCount": 2}}}},
        {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                "rows": [
                    {
                        "values": [
                            {
                                "userEnteredValue": {"numberValue": 0.5},
                                "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0%"}},
                            },
                            {"userEnteredValue": {"formulaValue": "=A1*2"}},
                        ]
                    }
                ],
                "fields": "userEnteredValue,userEnteredFormat.numberFormat",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "tabColorStyle": {"rgbColor": {"red": 1}}},
                "fields": "tabColorStyle",
            }
        },
    ]
    answer = call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": requests}).body
    added = answer["replies"][0]["addSheet"]["properties"]
    assert (added["title"], added["index"], added["gridProperties"]) == (
        "Data",
        1,
        {"rowCount": 5, "columnCount": 2},
    )
    assert answer["replies"][1:] == [{}, {}]
    got = call(store, sheets.get_values, "GET", {"id": file_id, "range": "Sheet1!A1:B1"}).body
    assert got["values"] == [["50%", "=A1*2"]]


def test_hiding_every_sheet_is_refused(store: Store) -> None:
    file_id = make_spreadsheet(store)
    request = {"updateSheetProperties": {"properties": {"sheetId": 0, "hidden": True}, "fields": "hidden"}}
    answer = call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": [request]})
    assert answer.body["error"]["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )


def test_field_masks_select_parts_of_the_spreadsheet(store: Store) -> None:
    file_id = make_spreadsheet(store)
    answer = call(
        store, sheets.get_spreadsheet, "GET", {"id": file_id}, fields="sheets(properties(sheetId,title))"
    )
    assert answer.body == {"sheets": [{"properties": {"sheetId": 0, "title": "Sheet1"}}]}
    answer = call(
        store, sheets.get_spreadsheet, "GET", {"id": file_id}, fields="sheets.properties.tabColorStyle"
    )
    assert answer.body == {"sheets": [{"properties": {}}]}


def test_readers_cannot_write(store: Store) -> None:
    file_id = make_spreadsheet(store, shared={"reader@example.com": "reader"})
    params = {"id": file_id, "range": "Sheet1!A1"}
    assert call(store, sheets.get_values, "GET", params, user="reader@example.com").status == 200
    answer = call(
        store,
        sheets.update_values,
        "PUT",
        params,
        {"values": [["x"]]},
        valueInputOption="RAW",
        user="reader@example.com",
    )
    assert answer.status == 403


def test_writing_past_an_explicit_range_is_refused(store: Store) -> None:
    file_id = make_spreadsheet(store)
    answer = call(
        store,
        sheets.update_values,
        "PUT",
        {"id": file_id, "range": "Sheet1!A1:B2"},
        {"values": [[1, 2, 3]]},
        valueInputOption="RAW",
    )
    assert answer.status == 400
    assert answer.body["error"]["message"] == (
        "Requested writing within range ['Sheet1'!A1:B2], but tried writing to column [C]"
    )


def test_columns_major_writes_and_batch_reads(store: Store) -> None:
    file_id = make_spreadsheet(store)
    body = {
        "valueInputOption": "USER_ENTERED",
        "data": [{"range": "B2", "majorDimension": "COLUMNS", "values": [[1, 2], [3]]}],
    }
    answer = call(store, sheets.batch_update_values, "POST", {"id": file_id}, body).body
    assert answer["responses"][0]["updatedRange"] == "Sheet1!B2:C3"
    assert (answer["totalUpdatedCells"], answer["totalUpdatedSheets"]) == (3, 1)
    got = call(store, sheets.batch_get_values, "GET", {"id": file_id}, ranges=["B2:C3", "Sheet1!D:D"]).body
    assert got["valueRanges"] == [
        {"range": "Sheet1!B2:C3", "majorDimension": "ROWS", "values": [["1", "3"], ["2"]]},
        {"range": "Sheet1!D1:D1000", "majorDimension": "ROWS"},
    ]
    cleared = call(
        store, sheets.batch_clear_values, "POST", {"id": file_id}, {"ranges": ["Sheet1!B2:B3"]}
    ).body
    assert cleared["clearedRanges"] == ["Sheet1!B2:B3"]
    got = call(
        store,
        sheets.get_values,
        "GET",
        {"id": file_id, "range": "Sheet1"},
        valueRenderOption="UNFORMATTED_VALUE",
    )
    assert got.body["values"] == [[], ["", "", 3]]


def test_rows_and_tabs_can_be_inserted_deleted_and_duplicated(store: Store) -> None:
    file_id = make_spreadsheet(store)
    sheet = store.spreadsheets[file_id].sheets[0]
    sheet.cells[(1, 0)] = Cell("second")
    requests = [
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}},
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 5, "endIndex": 26}
            }
        },
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 8}},
        {"duplicateSheet": {"sourceSheetId": 0}},
    ]
    answer = call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": requests}).body
    copy = answer["replies"][3]["duplicateSheet"]["properties"]
    assert (copy["title"], copy["index"], copy["gridProperties"]) == (
        "Copy of Sheet1",
        1,
        {"rowCount": 1010, "columnCount": 5},
    )
    got = call(store, sheets.get_values, "GET", {"id": file_id, "range": "'Copy of Sheet1'!A1:A4"}).body
    assert got == {
        "range": "'Copy of Sheet1'!A1:A4",
        "majorDimension": "ROWS",
        "values": [[], [], [], ["second"]],
    }


def test_notes_come_back_through_a_grid_data_mask(store: Store) -> None:
    file_id = make_spreadsheet(store)
    note = {
        "updateCells": {
            "range": {
                "sheetId": 0,
                "startRowIndex": 1,
                "endRowIndex": 2,
                "startColumnIndex": 1,
                "endColumnIndex": 2,
            },
            "rows": [{"values": [{"note": "read me"}]}],
            "fields": "note",
        }
    }
    call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": [note]})
    answer = call(
        store, sheets.get_spreadsheet, "GET", {"id": file_id}, fields="sheets.data.rowData.values.note"
    )
    assert answer.body == {"sheets": [{"data": [{"rowData": [{}, {"values": [{}, {"note": "read me"}]}]}]}]}


def test_spreadsheets_create_makes_a_drive_file_for_the_caller(store: Store) -> None:
    body = {
        "properties": {"title": "Budget", "locale": "fr_FR"},
        "sheets": [{"properties": {"title": "Données"}}],
    }
    answer = call(store, sheets.create_spreadsheet, "POST", {}, body).body
    file = store.files[answer["spreadsheetId"]]
    assert (file.name, file.owner) == ("Budget", OWNER)
    assert answer["properties"]["locale"] == "fr_FR"
    assert [s["properties"]["title"] for s in answer["sheets"]] == ["Données"]
    assert answer["sheets"][0]["properties"]["sheetId"] == 0


# -- formats, frozen lines, sizes, metadata, protection ---------------------------


def batch(store: Store, file_id: str, *requests: dict[str, Any], user: str = OWNER) -> Response:
    return call(store, sheets.batch_update, "POST", {"id": file_id}, {"requests": list(requests)}, user=user)


def grid(store: Store, file_id: str, **query: Any) -> dict[str, Any]:
    answer = call(store, sheets.get_spreadsheet, "GET", {"id": file_id}, **query)
    assert answer.status == 200, answer.body
    return answer.body


MONEY = {"type": "CURRENCY", "pattern": '#,##0.00 "€"'}


def test_text_format_is_kept_beside_the_number_format_and_read_back_effective(store: Store) -> None:
    file_id = make_spreadsheet(store, locale="fr_FR")
    header = {
        "userEnteredValue": {"stringValue": "Montant"},
        "userEnteredFormat": {"textFormat": {"bold": True}},
    }
    amount = {"userEnteredValue": {"numberValue": 1234.5}, "userEnteredFormat": {"numberFormat": MONEY}}
    written = batch(
        store,
        file_id,
        {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": [header]}, {"values": [amount]}],
                "fields": "userEnteredValue,userEnteredFormat(numberFormat,textFormat)",
            }
        },
        # Only boldness: the amount keeps its number format.
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "endColumnIndex": 1},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
    )
    assert written.status == 200, written.body
    cells = [
        row["values"][0]
        for row in grid(store, file_id, includeGridData="true")["sheets"][0]["data"][0]["rowData"]
    ]
    assert cells[0]["userEnteredFormat"] == {"textFormat": {"bold": True}}
    assert cells[1]["userEnteredFormat"] == {"numberFormat": MONEY, "textFormat": {"bold": True}}
    assert cells[1]["formattedValue"] == "1\u202f234,50 €"
    effective = cells[1]["effectiveFormat"]
    assert list(effective)[:2] == ["numberFormat", "backgroundColor"], "CellFormat's order"
    assert effective["numberFormat"] == MONEY
    assert (
        effective["horizontalAlignment"] == "RIGHT"
        and cells[0]["effectiveFormat"]["horizontalAlignment"] == "LEFT"
    )
    assert effective["textFormat"] == {
        "foregroundColor": {},
        "fontFamily": "Arial",
        "fontSize": 10,
        "bold": True,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    }
    assert effective["hyperlinkDisplayType"] == "PLAIN_TEXT"
    got = call(store, sheets.get_values, "GET", {"id": file_id, "range": "Sheet1!A1:A2"}).body
    assert got["values"] == [["Montant"], ["1\u202f234,50 €"]], "FORMATTED_VALUE by the fr_FR locale"


def test_a_field_mask_narrows_grid_data_to_what_is_asked(store: Store) -> None:
    file_id = make_spreadsheet(store)
    sheet = store.spreadsheets[file_id].sheets[0]
    sheet.cells[(0, 0)] = Cell(14458.42, MONEY, style={"textFormat": {"bold": True}})
    sheet.cells[(0, 1)] = Cell(-0.017, {"type": "PERCENT", "pattern": "0.0%"})
    fields = "sheets(data(rowData(values(formattedValue,effectiveFormat(numberFormat(type))))))"
    answer = grid(store, file_id, fields=fields)
    assert answer == {
        "sheets": [
            {
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "formattedValue": "14,458.42 €",
                                        "effectiveFormat": {"numberFormat": {"type": "CURRENCY"}},
                                    },
                                    {
                                        "formattedValue": "-1.7%",
                                        "effectiveFormat": {"numberFormat": {"type": "PERCENT"}},
                                    },
                                ]
                            }
                        ]
                    }
                ]
            }
        ]
    }


def test_colours_of_a_cell_are_kept_both_ways(store: Store) -> None:
    file_id = make_spreadsheet(store)
    batch(
        store,
        file_id,
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {"userEnteredFormat": {"backgroundColor": {"red": 0.9, "green": 0.9, "blue": 0.9}}},
                "fields": "userEnteredFormat.backgroundColor",
            }
        },
    )
    cell = store.spreadsheets[file_id].sheets[0].cells[(0, 3)]
    assert cell.style == {
        "backgroundColor": {"red": 0.8980392, "green": 0.8980392, "blue": 0.8980392},
        "backgroundColorStyle": {"rgbColor": {"red": 0.8980392, "green": 0.8980392, "blue": 0.8980392}},
    }


def test_frozen_rows_and_column_widths_are_kept_and_returned(store: Store) -> None:
    file_id = make_spreadsheet(store)
    added = batch(
        store,
        file_id,
        {
            "addSheet": {
                "properties": {"title": "Soldes", "gridProperties": {"rowCount": 50, "frozenRowCount": 2}}
            }
        },
    ).body["replies"][0]["addSheet"]["properties"]
    assert added["gridProperties"] == {"rowCount": 50, "columnCount": 26, "frozenRowCount": 2}
    tab = added["sheetId"]
    store.spreadsheets[file_id].sheets[1].cells[(0, 1)] = Cell("Reste à payer au 30 novembre")
    answer = batch(
        store,
        file_id,
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": tab,
                    "gridProperties": {"frozenRowCount": 3, "frozenColumnCount": 1},
                },
                "fields": "gridProperties(frozenRowCount,frozenColumnCount)",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": tab, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 180},
                "fields": "pixelSize",
            }
        },
        {
            "autoResizeDimensions": {
                "dimensions": {"sheetId": tab, "dimension": "COLUMNS", "startIndex": 1, "endIndex": 3}
            }
        },
        {
            "insertDimension": {
                "range": {"sheetId": tab, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
            }
        },
    )
    assert answer.status == 200, answer.body
    fields = "sheets(properties(title,gridProperties),data(columnMetadata))"
    soldes = grid(store, file_id, fields=fields, ranges="Soldes!A1:D1")["sheets"][0]
    assert soldes["properties"]["gridProperties"] == {
        "rowCount": 50,
        "columnCount": 27,
        "frozenRowCount": 3,
        "frozenColumnCount": 1,
    }
    widths = [line["pixelSize"] for line in soldes["data"][0]["columnMetadata"]]
    assert widths[0] == 100 and widths[1] == 180, "the inserted column pushed the set width along"
    assert widths[2] > 100, "fitted to its text"
    assert widths[3] == 100, "an empty column keeps its width"
    refused = batch(
        store,
        file_id,
        {
            "updateSheetProperties": {
                "properties": {"sheetId": tab, "gridProperties": {"frozenRowCount": 50}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
    )
    assert (refused.status, refused.body["error"]["message"]) == (
        400,
        "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet.",
    )


def test_developer_metadata_is_created_searched_updated_and_deleted(store: Store) -> None:
    file_id = make_spreadsheet(store)
    tab = batch(store, file_id, {"addSheet": {"properties": {"title": "Soldes"}}}).body["replies"][0][
        "addSheet"
    ]["properties"]["sheetId"]
    created = batch(
        store,
        file_id,
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "lotsync.tab",
                    "metadataValue": "soldes",
                    "location": {"sheetId": tab},
                    "visibility": "DOCUMENT",
                }
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": 42,
                    "metadataKey": "lotsync.version",
                    "metadataValue": "12",
                    "location": {"spreadsheet": True},
                    "visibility": "PROJECT",
                }
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "lotsync.header",
                    "location": {
                        "dimensionRange": {
                            "sheetId": tab,
                            "dimension": "ROWS",
                            "startIndex": 0,
                            "endIndex": 1,
                        }
                    },
                    "visibility": "DOCUMENT",
                }
            }
        },
    ).body["replies"]
    on_tab = created[0]["createDeveloperMetadata"]["developerMetadata"]
    assert on_tab["location"] == {"locationType": "SHEET", "sheetId": tab}
    assert on_tab["metadataId"] > 0, "an id Google would draw"
    assert created[1]["createDeveloperMetadata"]["developerMetadata"] == {
        "metadataId": 42,
        "metadataKey": "lotsync.version",
        "metadataValue": "12",
        "location": {"locationType": "SPREADSHEET", "spreadsheet": True},
        "visibility": "PROJECT",
    }
    answer = grid(store, file_id)
    assert [m["metadataId"] for m in answer["developerMetadata"]] == [42]
    assert answer["sheets"][1]["developerMetadata"] == [on_tab]
    # The same id twice is refused, and the batch leaves nothing behind.
    again = {
        "metadataId": 42,
        "metadataKey": "x",
        "location": {"spreadsheet": True},
        "visibility": "DOCUMENT",
    }
    refused = batch(
        store, file_id, {"addSheet": {}}, {"createDeveloperMetadata": {"developerMetadata": again}}
    )
    assert refused.status == 400 and "requests[1].createDeveloperMetadata" in refused.body["error"]["message"]
    assert len(store.spreadsheets[file_id].sheets) == 2

    def search(*filters: dict[str, Any]) -> list[int]:
        found = call(
            store, sheets.search_developer_metadata, "POST", {"id": file_id}, {"dataFilters": list(filters)}
        )
        return [m["developerMetadata"]["metadataId"] for m in found.body.get("matchedDeveloperMetadata", [])]

    header_id = created[2]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
    assert search({"developerMetadataLookup": {"metadataKey": "lotsync.tab"}}) == [on_tab["metadataId"]]
    assert search({"developerMetadataLookup": {"locationType": "SPREADSHEET"}}) == [42]
    assert sorted(search({"a1Range": "Soldes!B1"})) == sorted([on_tab["metadataId"], header_id])
    assert search({"a1Range": "Soldes!B2"}) == [on_tab["metadataId"]], "row 1's metadata is not on row 2"
    # Row metadata moves with its row, and shows in rowMetadata.
    batch(
        store,
        file_id,
        {"insertDimension": {"range": {"sheetId": tab, "dimension": "ROWS", "startIndex": 0, "endIndex": 2}}},
    )
    rows = grid(store, file_id, ranges="Soldes!A1:A3", includeGridData="true")["sheets"][0]["data"][0][
        "rowMetadata"
    ]
    assert [("developerMetadata" in line) for line in rows] == [False, False, True]
    updated = batch(
        store,
        file_id,
        {
            "updateDeveloperMetadata": {
                "dataFilters": [{"developerMetadataLookup": {"metadataId": 42}}],
                "developerMetadata": {"metadataValue": "13"},
                "fields": "metadataValue",
            }
        },
    ).body["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert [m["metadataValue"] for m in updated] == ["13"]
    deleted = batch(
        store,
        file_id,
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": 42}}}},
    ).body["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert [m["metadataId"] for m in deleted] == [42]
    missing = call(store, sheets.get_developer_metadata, "GET", {"id": file_id, "metadata": "42"})
    assert (missing.status, missing.body["error"]["message"]) == (404, "No developer metadata with ID 42.")
    # Deleting the tab deletes its metadata.
    batch(store, file_id, {"deleteSheet": {"sheetId": tab}})
    assert search({"developerMetadataLookup": {"metadataKey": "lotsync.tab"}}) == []


def test_protected_ranges_keep_their_ids_and_say_who_may_edit(store: Store) -> None:
    file_id = make_spreadsheet(store, shared={"reader@example.com": "reader", "writer@example.com": "writer"})
    replies = batch(
        store,
        file_id,
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": 0}, "warningOnly": True, "description": "lotsync"}
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "protectedRangeId": 7,
                    "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2},
                    "editors": {"users": ["writer@example.com"]},
                }
            }
        },
    ).body["replies"]
    warning = replies[0]["addProtectedRange"]["protectedRange"]
    assert warning == {
        "protectedRangeId": warning["protectedRangeId"],
        "range": {"sheetId": 0},
        "description": "lotsync",
        "warningOnly": True,
        "requestingUserCanEdit": True,
    }
    protected = replies[1]["addProtectedRange"]["protectedRange"]
    assert protected["protectedRangeId"] == 7
    assert protected["editors"] == {"users": [OWNER, "writer@example.com"]}, "Google adds the owner"
    # A reader sees the protection, not its editors (false is left out, as protobuf JSON does).
    seen = grid(store, file_id, fields="sheets.protectedRanges", user="reader@example.com")
    assert [
        (p["protectedRangeId"], p.get("requestingUserCanEdit", False), "editors" in p)
        for p in seen["sheets"][0]["protectedRanges"]
    ] == [
        (warning["protectedRangeId"], False, False),
        (7, False, False),
    ]
    batch(
        store,
        file_id,
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 4}}},
    )
    assert store.spreadsheets[file_id].sheets[0].protected_ranges[1]["range"] == {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 5,
    }, "rows inserted inside grow it"
    answer = batch(
        store,
        file_id,
        {
            "updateProtectedRange": {
                "protectedRange": {"protectedRangeId": 7, "description": "en-tête"},
                "fields": "description",
            }
        },
        {"deleteProtectedRange": {"protectedRangeId": warning["protectedRangeId"]}},
    )
    assert answer.body["replies"] == [{}, {}]
    left = grid(store, file_id, fields="sheets.protectedRanges")["sheets"][0]["protectedRanges"]
    assert [(p["protectedRangeId"], p.get("description")) for p in left] == [(7, "en-tête")]
    refused = batch(store, file_id, {"deleteProtectedRange": {"protectedRangeId": 8}})
    assert (
        refused.body["error"]["message"]
        == "Invalid requests[0].deleteProtectedRange: No protected range with id: 8"
    )
    duplicate = batch(
        store,
        file_id,
        {"addProtectedRange": {"protectedRange": {"protectedRangeId": 7, "range": {"sheetId": 0}}}},
    )
    assert duplicate.status == 400


def test_tab_names_are_compared_regardless_of_case_and_limited_to_100_characters(store: Store) -> None:
    file_id = make_spreadsheet(store)
    tab = batch(store, file_id, {"addSheet": {"properties": {"title": "Soldes"}}}).body["replies"][0][
        "addSheet"
    ]["properties"]["sheetId"]
    requests: list[dict[str, Any]] = [
        {"addSheet": {"properties": {"title": "soldes"}}},
        {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": "SOLDES"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "soldes"}, "fields": "title"}},
    ]
    for request in requests:
        kind = next(iter(request))
        answer = batch(store, file_id, request)
        title = request[kind].get("newSheetName") or request[kind]["properties"]["title"]
        assert (answer.status, answer.body["error"]["message"]) == (
            400,
            f'Invalid requests[0].{kind}: A sheet with the name "{title}" already exists. '
            "Please enter another name.",
        )
    # A tab may change the case of its own name.
    renamed = batch(
        store,
        file_id,
        {"updateSheetProperties": {"properties": {"sheetId": tab, "title": "SOLDES"}, "fields": "title"}},
    )
    assert renamed.status == 200
    store.spreadsheets[file_id].sheets[1].cells[(0, 0)] = Cell("Solde")
    got = call(store, sheets.get_values, "GET", {"id": file_id, "range": "'soldes'!A1"}).body
    assert got["range"] == "SOLDES!A1" and got["values"] == [["Solde"]], "resolved to the tab, named as it is"
    long = "x" * 101
    for request in (
        {"addSheet": {"properties": {"title": long}}},
        {"duplicateSheet": {"sourceSheetId": 0, "newSheetName": long}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": long}, "fields": "title"}},
    ):
        assert batch(store, file_id, request).status == 400
    assert batch(store, file_id, {"addSheet": {"properties": {"title": "x" * 100}}}).status == 200


def test_a_failing_request_undoes_formats_metadata_and_protections(store: Store) -> None:
    file_id = make_spreadsheet(store)
    before = store.snapshot(file_id)
    answer = batch(
        store,
        file_id,
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS"},
                "properties": {"pixelSize": 50},
                "fields": "pixelSize",
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "k",
                    "location": {"sheetId": 0},
                    "visibility": "DOCUMENT",
                }
            }
        },
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": True}}},
        {"deleteSheet": {"sheetId": 0}},
    )
    assert answer.status == 400 and answer.body["error"]["message"] == (
        "Invalid requests[4].deleteSheet: You can't remove all the sheets in a document."
    )
    assert store.spreadsheets[file_id] == before


def test_the_state_file_keeps_formats_sizes_metadata_and_protections(store: Store, tmp_path: Any) -> None:
    file_id = make_spreadsheet(store)
    batch(
        store,
        file_id,
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "endColumnIndex": 1},
                "cell": {
                    "userEnteredValue": {"stringValue": "Nom"},
                    "userEnteredFormat": {"textFormat": {"bold": True}},
                },
                "fields": "userEnteredValue,userEnteredFormat.textFormat",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 30},
                "fields": "pixelSize",
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": "k",
                    "location": {"spreadsheet": True},
                    "visibility": "DOCUMENT",
                }
            }
        },
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": True}}},
    )
    store.save(tmp_path / "state.json")
    again = Store(tmp_path / "state.json")
    assert again.spreadsheets[file_id] == store.spreadsheets[file_id]
