"""Identity: google-auth's own grants against the emulator's /token, and Google's 401 and 403.

Scopes are Google's per method: a token holding none of the scopes the discovery document lists
for a method gets 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import google.auth.crypt
import google.auth.jwt
import pytest
from googleapiclient.errors import HttpError

SA_EMAIL = "lotsync@fake-project.iam.gserviceaccount.com"
ALICE = "alice@example.org"
DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"
DRIVE_METADATA_READONLY = "https://www.googleapis.com/auth/drive.metadata.readonly"
SPREADSHEETS_READONLY = "https://www.googleapis.com/auth/spreadsheets.readonly"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def error_of(exc: HttpError) -> dict:
    return json.loads(exc.content)["error"]


def assertion(sa_info: dict, audience: str, **claims: object) -> str:
    """A JWT signed with the throwaway key, as google-auth's service-account credentials build it."""
    now = int(time.time())
    payload = {
        "iss": sa_info["client_email"],
        "aud": audience,
        "scope": "https://www.googleapis.com/auth/drive",
        "iat": now,
        "exp": now + 3600,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    signer = google.auth.crypt.RSASigner.from_service_account_info(sa_info)
    return google.auth.jwt.encode(signer, payload).decode()


# -- service accounts: the JWT-bearer grant -------------------------------------------


def test_a_service_account_gets_its_token_through_the_jwt_grant(google, sa_creds, drive):
    assert not sa_creds.valid

    drive.files().create(body={"name": "hello.txt"}).execute()
    drive.files().list().execute()

    assert sa_creds.valid
    assert sa_creds.token.startswith("ya29.")
    tokens = [e for e in google.log.entries if e.endpoint == "oauth.token"]
    assert [(e.method, e.path, e.status) for e in tokens] == [("POST", "/token", 200)]
    assert google.log.by_endpoint() == {"drive.files.create": 1, "drive.files.list": 1}
    listed = drive.files().list(fields="files(name,owners)").execute()["files"]
    assert listed[0]["owners"][0]["emailAddress"] == SA_EMAIL


def test_the_token_endpoint_answers_a_signed_assertion_as_google_does(google, raw, sa_info):
    token = assertion(sa_info, google.base_url + "/token")

    answer = raw().post("/token", data={"grant_type": JWT_GRANT, "assertion": token})

    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    assert body["access_token"].startswith("ya29.")
    listed = raw().get("/drive/v3/files", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda info, aud: "not-a-jwt", id="not three parts"),
        pytest.param(lambda info, aud: "e30.!!!.c2ln", id="undecodable claims"),
        pytest.param(lambda info, aud: "W10.W10.c2ln", id="claims not an object"),
        pytest.param(
            lambda info, aud: assertion(info, aud, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
            id="expired",
        ),
        pytest.param(
            lambda info, aud: assertion(info, aud, exp=int(time.time()) + 7200), id="too long-lived"
        ),
        pytest.param(lambda info, aud: assertion(info, "https://example.org/other"), id="wrong audience"),
        pytest.param(lambda info, aud: assertion(info, aud, iss=None), id="no issuer"),
    ],
)
def test_a_malformed_assertion_gets_400_invalid_grant(google, raw, sa_info, make):
    answer = raw().post(
        "/token", data={"grant_type": JWT_GRANT, "assertion": make(sa_info, google.base_url + "/token")}
    )

    assert answer.status_code == 400
    body = answer.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == "invalid_grant"


def test_an_assertion_without_scopes_gets_400_invalid_scope(google, raw, sa_info):
    for scope in (None, ""):
        token = assertion(sa_info, google.base_url + "/token", scope=scope)
        answer = raw().post("/token", data={"grant_type": JWT_GRANT, "assertion": token})
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_scope"


# -- service accounts impersonating a user: domain-wide delegation --------------------


def test_a_subject_claim_makes_the_token_the_subjects(google, build, sa_creds):
    drive = build("drive", "v3", sa_creds.with_subject(ALICE))

    created = drive.files().create(body={"name": "notes.txt"}, fields="owners").execute()

    assert created["owners"][0]["emailAddress"] == ALICE
    [grant] = google.tokens.grants()
    assert (grant.user, grant.service_account, grant.subject) == (ALICE, SA_EMAIL, ALICE)


def test_without_a_subject_the_token_is_the_service_accounts_own(google, drive):
    drive.files().list().execute()

    [grant] = google.tokens.grants()
    assert (grant.user, grant.service_account, grant.subject) == (SA_EMAIL, SA_EMAIL, None)


def test_delegation_an_admin_did_not_authorise_gets_401_unauthorized_client(google, raw, sa_info):
    google.tokens.delegation = {SA_EMAIL: frozenset({GMAIL_SEND})}

    def token(**claims: object):
        return raw().post(
            "/token",
            data={
                "grant_type": JWT_GRANT,
                "assertion": assertion(sa_info, google.base_url + "/token", **claims),
            },
        )

    assert token(sub=ALICE, scope=GMAIL_SEND).status_code == 200
    refused = token(sub=ALICE, scope=f"{GMAIL_SEND} https://www.googleapis.com/auth/drive")
    assert refused.status_code == 401
    assert refused.json() == {
        "error": "unauthorized_client",
        "error_description": "Client is unauthorized to retrieve access tokens using this method, or "
        "client not authorized for any of the scopes requested.",
    }
    google.tokens.delegation = {}
    assert token(sub=ALICE, scope=GMAIL_SEND).status_code == 401
    assert token(scope=GMAIL_SEND).status_code == 200  # no subject: no delegation needed


def test_an_unknown_grant_type_is_refused(raw):
    answer = raw().post("/token", data={"grant_type": "password", "username": "x", "password": "y"})

    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


# -- people: the refresh-token grant --------------------------------------------------


def test_user_credentials_get_a_token_with_their_refresh_token(google, user_creds, build):
    creds = user_creds(ALICE)
    drive = build("drive", "v3", creds)

    created = drive.files().create(body={"name": "notes.txt"}, fields="id,owners").execute()

    assert created["owners"][0]["emailAddress"] == ALICE
    assert google.log.count("oauth.token") == 1
    assert creds.valid


def test_the_refresh_token_grant_on_the_wire(raw):
    answer = raw().post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": ALICE, "client_id": "x", "client_secret": "y"},
    )

    assert answer.status_code == 200
    token = answer.json()["access_token"]
    mine = raw().post(
        "/drive/v3/files",
        json={"name": "a"},
        headers={"Authorization": f"Bearer {token}"},
        params={"fields": "owners"},
    )
    assert mine.json()["owners"][0]["emailAddress"] == ALICE
    missing = raw().post("/token", data={"grant_type": "refresh_token", "client_id": "x"})
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"


def test_a_rejected_token_is_refreshed_by_google_auth(google, user_creds, build):
    creds = user_creds(ALICE)
    drive = build("drive", "v3", creds)
    drive.files().list().execute()
    # A token the emulator never issued (or has forgotten), that google-auth still believes valid.
    creds.token = "ya29.stale"
    creds.expiry = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None)

    drive.files().list().execute()

    statuses = [e.status for e in google.log.entries if e.endpoint == "drive.files.list"]
    assert statuses == [200, 401, 200]
    assert google.log.count("oauth.token") == 2
    assert creds.token != "ya29.stale"


# -- 401 and 403 ----------------------------------------------------------------------


def test_no_token_gets_401_in_drives_shape(raw):
    answer = raw().get("/drive/v3/files")

    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == 401
    assert error["message"].startswith("Request is missing required authentication credential.")
    assert error["errors"] == [
        {
            "message": error["message"],
            "domain": "global",
            "reason": "authError",
            "location": "Authorization",
            "locationType": "header",
        }
    ]


def test_no_token_gets_401_unauthenticated_in_sheets_shape(raw):
    answer = raw().get("/v4/spreadsheets/1abcdefghijklmnopqrstuvwxyz", params={"includeGridData": "false"})

    assert answer.status_code == 401
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "status"}
    assert (error["code"], error["status"]) == (401, "UNAUTHENTICATED")


def test_an_unknown_or_malformed_token_gets_401(raw):
    for header in ("Bearer ya29.never-issued", "Basic dXNlcjpwYXNz", "ya29.no-scheme"):
        answer = raw().get("/gmail/v1/users/me/messages", headers={"Authorization": header})
        assert answer.status_code == 401
        error = answer.json()["error"]
        assert error["status"] == "UNAUTHENTICATED"
        assert error["code"] == 401


def test_drive_readonly_can_list_but_not_create(google, build, sa_creds_with):
    drive = build("drive", "v3", sa_creds_with(DRIVE_READONLY))

    assert drive.files().list().execute()["files"] == []
    with pytest.raises(HttpError) as raised:
        drive.files().create(body={"name": "nope.txt"}).execute()

    assert raised.value.resp.status == 403
    assert error_of(raised.value) == {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [
            {"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}
        ],
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "drive.googleapis.com",
                    "method": "google.apps.drive.v3.DriveFiles.Create",
                },
            }
        ],
    }
    challenge = raised.value.resp["www-authenticate"]
    assert challenge.startswith(
        'Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="'
    )
    assert "https://www.googleapis.com/auth/drive.file" in challenge
    assert google.store.files == {}


def test_scopes_are_checked_per_method_as_the_discovery_documents_list_them(google, build, sa_creds_with):
    owner = build("drive", "v3", sa_creds_with("https://www.googleapis.com/auth/drive"))
    sheet = owner.files().create(body={"name": "S", "mimeType": SPREADSHEET_MIME}).execute()["id"]
    drive = build("drive", "v3", sa_creds_with(DRIVE_METADATA_READONLY))

    # files.list and files.get list drive.metadata.readonly; files.export does not.
    assert [f["id"] for f in drive.files().list().execute()["files"]] == [sheet]
    assert drive.files().get(fileId=sheet).execute()["id"] == sheet
    with pytest.raises(HttpError) as raised:
        drive.files().export(fileId=sheet, mimeType="text/csv").execute()
    assert raised.value.resp.status == 403
    assert error_of(raised.value)["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_a_read_only_sheets_token_reads_but_cannot_write_in_sheets_shape(google, build, sa_creds_with):
    owner = build("drive", "v3", sa_creds_with("https://www.googleapis.com/auth/drive"))
    sheet = owner.files().create(body={"name": "S", "mimeType": SPREADSHEET_MIME}).execute()["id"]
    sheets = build("sheets", "v4", sa_creds_with(SPREADSHEETS_READONLY))

    assert sheets.spreadsheets().values().get(spreadsheetId=sheet, range="A1").execute()["range"]
    with pytest.raises(HttpError) as raised:
        sheets.spreadsheets().values().update(
            spreadsheetId=sheet, range="A1", valueInputOption="RAW", body={"values": [[1]]}
        ).execute()

    assert raised.value.resp.status == 403
    assert error_of(raised.value) == {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "sheets.googleapis.com",
                    "method": "google.apps.sheets.v4.SpreadsheetsService.UpdateValues",
                },
            }
        ],
    }


def test_a_send_only_token_cannot_read_mail(google, build, sa_creds_with):
    gmail = build("gmail", "v1", sa_creds_with(GMAIL_SEND).with_subject(ALICE))

    with pytest.raises(HttpError) as raised:
        gmail.users().messages().list(userId="me").execute()

    assert raised.value.resp.status == 403
    error = error_of(raised.value)
    assert error["status"] == "PERMISSION_DENIED"
    assert error["details"][0]["metadata"] == {
        "service": "gmail.googleapis.com",
        "method": "caribou.api.proto.MailboxService.ListMessages",
    }


def test_token_for_gives_every_scope(google, raw):
    alice = raw(ALICE)

    assert alice.post("/drive/v3/files", json={"name": "a"}).status_code == 200
    assert alice.get("/gmail/v1/users/me/messages").status_code == 200
    assert google.log.count("oauth.token") == 0
