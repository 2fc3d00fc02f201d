"""Google's failed answers read by reason, in French, with Google's own words appended.

The bodies below are Google's error shape (https://cloud.google.com/apis/design/errors) with the
messages users have reported (the disabled-API one, for instance, from
github.com/openclaw/gogcli/issues/415 and github.com/home-assistant/core/issues/79744), raised
through the real exception types of gspread and googleapiclient.
"""

from __future__ import annotations

import json
from typing import Any

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError
from gspread.exceptions import APIError

from lotsync.adapters.google.errors import answer, explain, http_status

URL = "https://docs.google.com/spreadsheets/d/abc/edit"
WHO = "lotsync@projet.iam.gserviceaccount.com"


def body(code: int, status: str, message: str, v1_reason: str = "", **info: Any) -> dict[str, Any]:
    """Google's error body: `v1_reason` in `errors[]`, `info` as a `google.rpc.ErrorInfo` detail."""
    error: dict[str, Any] = {"code": code, "status": status, "message": message}
    if v1_reason:
        error["errors"] = [{"message": message, "domain": "global", "reason": v1_reason}]
    if info:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", **info}]
    return {"error": error}


def gspread_error(code: int, payload: dict[str, Any]) -> APIError:
    response = requests.Response()
    response.status_code = code
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return APIError(response)


def client_error(code: int, payload: dict[str, Any]) -> HttpError:
    return HttpError(httplib2.Response({"status": code}), json.dumps(payload).encode())


DISABLED = body(
    403,
    "PERMISSION_DENIED",
    "Google Sheets API has not been used in project 123456 before or it is disabled. Enable it by "
    "visiting https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456 "
    "then retry.",
    "accessNotConfigured",
    reason="SERVICE_DISABLED",
    domain="googleapis.com",
    metadata={
        "service": "sheets.googleapis.com",
        "serviceTitle": "Google Sheets API",
        "consumer": "projects/123456",
        "activationUrl": "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456",
    },
)


@pytest.mark.parametrize("raise_as", [gspread_error, client_error])
def test_a_disabled_api_says_which_to_enable_where_and_keeps_googles_words(raise_as) -> None:
    text = explain(raise_as(403, DISABLED), URL, WHO, "Lecteur")
    assert text.startswith("L'API « Google Sheets API » n'est pas activée dans le projet Google Cloud 123456")
    assert "overview?project=123456 (bouton « Activer »)" in text
    assert "partagez" not in text, "not the sharing advice a 403 used to get"
    assert "Google dit : « Google Sheets API has not been used in project 123456" in text


def test_a_missing_scope_says_to_log_in_again() -> None:
    payload = body(
        403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.",
        "insufficientPermissions", reason="ACCESS_TOKEN_SCOPE_INSUFFICIENT", domain="googleapis.com",
    )  # fmt: skip
    text = explain(gspread_error(403, payload), URL, WHO, "Lecteur")
    assert "Relancez « lotsync login »" in text
    assert "Google dit : « Request had insufficient authentication scopes. »" in text


def test_a_spreadsheet_not_shared_says_with_whom_and_as_what() -> None:
    payload = body(403, "PERMISSION_DENIED", "The caller does not have permission")
    text = explain(gspread_error(403, payload), URL, WHO, "Éditeur", "« Collectif » (url)")
    assert text.startswith(
        f"Accès refusé au classeur « Collectif » (url) : partagez-le avec {WHO} comme Éditeur"
    )
    assert text.endswith("Google dit : « The caller does not have permission »")


def test_not_found_an_excel_file_through_sheets_and_a_native_sheet_through_drive() -> None:
    found = explain(
        gspread_error(404, body(404, "NOT_FOUND", "Requested entity was not found.")), URL, WHO, "Lecteur"
    )
    assert found.startswith(f"Classeur introuvable : {URL}.") and "comme Lecteur" in found
    excel = body(400, "FAILED_PRECONDITION", "This operation is not supported for this document")
    assert "fichier Excel stocké sur Drive" in explain(gspread_error(400, excel), URL, WHO, "Lecteur")
    native = body(
        403, "PERMISSION_DENIED",
        "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
        "fileNotDownloadable",
    )  # fmt: skip
    assert "pas par drive:ID" in explain(client_error(403, native), URL, WHO, "Lecteur")


def test_rate_limits_and_any_other_error_name_googles_status_never_a_bare_http_code() -> None:
    limited = body(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'")
    assert "Google limite le nombre d'appels" in explain(gspread_error(429, limited), URL, WHO, "Lecteur")
    other = explain(
        gspread_error(400, body(400, "INVALID_ARGUMENT", "Invalid requests[0]")), URL, WHO, "Lecteur"
    )
    assert (
        other
        == f"Erreur de Google pour {URL} : HTTP 400 INVALID_ARGUMENT. Google dit : « Invalid requests[0] »"
    )


def test_no_answer_at_all_is_a_connection_problem() -> None:
    error = requests.ConnectionError("refused")
    assert http_status(error) is None and answer(error).reasons == []
    assert "connexion impossible : ConnectionError" in explain(error, URL, WHO, "Lecteur")
