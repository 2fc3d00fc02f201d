"""Drive v3 through the unmodified googleapiclient: create, upload, get, list, export, delete, share,
shared drives; and what the Sheets API says of an Excel file on Drive."""

from __future__ import annotations

import csv
import io
import json

import gspread
import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload
from openpyxl import Workbook, load_workbook

from lotsync.app import emulator_clients as clients

SA_EMAIL = "lotsync@fake-project.iam.gserviceaccount.com"
ALICE = "alice@example.org"
BOB = "bob@example.org"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error_of(exc: HttpError) -> dict:
    return json.loads(exc.content)["error"]


def xlsx_bytes(rows: list[list[object]], title: str = "Dossiers") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- create and upload ----------------------------------------------------------------


def test_create_a_spreadsheet_and_a_plain_file(google, drive):
    sheet = drive.files().create(body={"name": "Dossiers 2026", "mimeType": SPREADSHEET_MIME}).execute()
    plain = drive.files().create(body={"name": "empty.txt", "mimeType": "text/plain"}).execute()

    assert sheet == {
        "kind": "drive#file",
        "id": sheet["id"],
        "name": "Dossiers 2026",
        "mimeType": SPREADSHEET_MIME,
    }
    assert len(sheet["id"]) == 44
    assert plain["mimeType"] == "text/plain"
    assert sheet["id"] in google.store.spreadsheets
    assert plain["id"] not in google.store.spreadsheets
    assert drive.files().get_media(fileId=plain["id"]).execute() == b""


def test_a_folder_has_no_size_and_no_bytes(drive):
    folder = drive.files().create(body={"name": "Collectif", "mimeType": FOLDER_MIME}).execute()

    assert "size" not in drive.files().get(fileId=folder["id"], fields="*").execute()
    with pytest.raises(HttpError) as raised:
        drive.files().get_media(fileId=folder["id"]).execute()
    assert raised.value.resp.status == 403


def test_get_metadata_with_a_fields_mask(drive):
    created = drive.files().create(body={"name": "notes.txt", "mimeType": "text/plain"}).execute()

    got = (
        drive.files()
        .get(fileId=created["id"], fields="id,name,parents,trashed,owners(emailAddress)")
        .execute()
    )

    assert got == {
        "id": created["id"],
        "name": "notes.txt",
        "parents": ["root"],
        "trashed": False,
        "owners": [{"emailAddress": SA_EMAIL}],
    }
    default = drive.files().get(fileId=created["id"]).execute()
    assert set(default) == {"kind", "id", "name", "mimeType"}
    everything = drive.files().get(fileId=created["id"], fields="*").execute()
    assert {"createdTime", "modifiedTime", "webViewLink", "size"} <= set(everything)
    assert everything["owners"][0]["me"] is True


def test_multipart_upload_and_alt_media_download(google, drive):
    content = "Référence;Montant\nD-001;450\n".encode()
    media = MediaInMemoryUpload(content, mimetype="text/csv", resumable=False)

    created = (
        drive.files()
        .create(body={"name": "dossiers.csv"}, media_body=media, fields="id,name,mimeType,size")
        .execute()
    )

    assert created["name"] == "dossiers.csv"
    assert created["mimeType"] == "text/csv"
    assert created["size"] == str(len(content))
    assert drive.files().get_media(fileId=created["id"]).execute() == content
    upload = [e for e in google.log.entries if e.endpoint == "drive.files.create.upload"]
    assert [(e.method, e.path) for e in upload] == [("POST", "/upload/drive/v3/files")]


def test_resumable_upload_in_several_chunks(google, drive):
    chunk = 256 * 1024
    content = bytes(range(256)) * (chunk * 2 // 256) + b"tail"
    media = MediaInMemoryUpload(content, mimetype="application/octet-stream", chunksize=chunk, resumable=True)
    request = drive.files().create(body={"name": "big.bin"}, media_body=media, fields="id,size")

    progress, response = [], None
    while response is None:
        status, response = request.next_chunk()
        if status:
            progress.append(status.resumable_progress)

    assert progress == [chunk, 2 * chunk]
    assert response["size"] == str(len(content))
    assert drive.files().get_media(fileId=response["id"]).execute() == content
    upload = [(e.method, e.status) for e in google.log.entries if e.endpoint == "drive.files.create.upload"]
    assert upload == [("POST", 200), ("PUT", 308), ("PUT", 308), ("PUT", 200)]


def test_resumable_upload_in_one_request(drive):
    media = MediaInMemoryUpload(b"small", mimetype="text/plain", resumable=True)

    created = drive.files().create(body={"name": "small.txt"}, media_body=media, fields="id,name").execute()

    assert created["name"] == "small.txt"
    assert drive.files().get_media(fileId=created["id"]).execute() == b"small"


def test_simple_media_upload_on_the_wire(raw):
    alice = raw(ALICE)

    answer = alice.post(
        "/upload/drive/v3/files",
        params={"uploadType": "media"},
        data=b"hello",
        headers={"Content-Type": "text/plain"},
    )

    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["mimeType"]) == ("Untitled", "text/plain")
    assert alice.get(f"/drive/v3/files/{body['id']}", params={"alt": "media"}).content == b"hello"


def test_an_uploaded_xlsx_becomes_a_spreadsheet_and_exports_back(drive):
    rows = [["Référence", "Montant"], ["D-001", 450], ["D-002", 250]]
    media = MediaInMemoryUpload(xlsx_bytes(rows), mimetype=XLSX_MIME, resumable=False)

    created = (
        drive.files()
        .create(
            body={"name": "Dordogne", "mimeType": SPREADSHEET_MIME}, media_body=media, fields="id,mimeType"
        )
        .execute()
    )

    assert created["mimeType"] == SPREADSHEET_MIME
    exported = drive.files().export(fileId=created["id"], mimeType="text/csv").execute()
    assert list(csv.reader(io.StringIO(exported.decode("utf-8")))) == [
        ["Référence", "Montant"], ["D-001", "450"], ["D-002", "250"],
    ]  # fmt: skip


def test_a_spreadsheet_cannot_be_downloaded_with_alt_media(drive):
    sheet = drive.files().create(body={"name": "S", "mimeType": SPREADSHEET_MIME}).execute()

    with pytest.raises(HttpError) as raised:
        drive.files().get_media(fileId=sheet["id"]).execute()

    assert raised.value.resp.status == 403
    message = "Only files with binary content can be downloaded. Use Export with Docs Editors files."
    assert error_of(raised.value) == {
        "code": 403,
        "message": message,
        "errors": [
            {"message": message, "domain": "global", "reason": "fileNotDownloadable", "location": "alt",
             "locationType": "parameter"}
        ],
    }  # fmt: skip


def test_an_excel_file_opened_through_the_sheets_api_is_400_failed_precondition(
    google, drive, build, sa_creds
):
    media = MediaInMemoryUpload(xlsx_bytes([["Référence"], ["D-001"]]), mimetype=XLSX_MIME, resumable=False)
    excel = (
        drive.files().create(body={"name": "Dordogne.xlsx"}, media_body=media, fields="id,mimeType").execute()
    )
    sheets = build("sheets", "v4", sa_creds)

    for call in (
        sheets.spreadsheets().get(spreadsheetId=excel["id"]),
        sheets.spreadsheets().values().get(spreadsheetId=excel["id"], range="A1:B2"),
    ):
        with pytest.raises(HttpError) as raised:
            call.execute()
        assert raised.value.resp.status == 400
        assert error_of(raised.value) == {
            "code": 400,
            "message": "This operation is not supported for this document",
            "status": "FAILED_PRECONDITION",
        }

    assert excel["mimeType"] == XLSX_MIME
    with pytest.raises(gspread.exceptions.APIError, match="not supported for this document"):
        clients.gspread_client(google.base_url, sa_creds).open_by_key(excel["id"])


# -- export ---------------------------------------------------------------------------


def test_export_a_spreadsheet_as_xlsx_and_csv(google, drive, sa_creds):
    sheet = drive.files().create(body={"name": "Cahors", "mimeType": SPREADSHEET_MIME}).execute()
    worksheet = clients.gspread_client(google.base_url, sa_creds).open_by_key(sheet["id"]).sheet1
    worksheet.update([["Référence", "Pax", "Montant"], ["C-001", 30, 450.5], ["C-002", 20, 320]], "A1")

    xlsx = drive.files().export(fileId=sheet["id"], mimeType=XLSX_MIME).execute()
    book = load_workbook(io.BytesIO(xlsx))
    values = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert book.sheetnames == [worksheet.title]
    assert values == [["Référence", "Pax", "Montant"], ["C-001", 30, 450.5], ["C-002", 20, 320]]

    text = drive.files().export(fileId=sheet["id"], mimeType="text/csv").execute().decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Référence", "Pax", "Montant"], ["C-001", "30", "450.5"], ["C-002", "20", "320"],
    ]  # fmt: skip


def test_exporting_a_plain_file_or_to_an_unknown_format_is_refused(drive):
    plain = drive.files().create(body={"name": "a.txt", "mimeType": "text/plain"}).execute()
    sheet = drive.files().create(body={"name": "S", "mimeType": SPREADSHEET_MIME}).execute()

    with pytest.raises(HttpError) as raised:
        drive.files().export(fileId=plain["id"], mimeType="text/csv").execute()
    assert raised.value.resp.status == 403
    assert error_of(raised.value)["errors"] == [
        {
            "message": "Export only supports Docs Editors files.",
            "domain": "global",
            "reason": "fileNotExportable",
        }
    ]

    with pytest.raises(HttpError) as raised:
        drive.files().export(fileId=sheet["id"], mimeType="application/x-unknown").execute()
    assert raised.value.resp.status == 400
    assert error_of(raised.value)["message"] == "The requested conversion is not supported."


# -- list -----------------------------------------------------------------------------


@pytest.fixture
def tree(google, drive):
    """A folder holding a spreadsheet, a csv and a text file; a file outside it; a trashed one."""
    folder = drive.files().create(body={"name": "Collectif", "mimeType": FOLDER_MIME}).execute()["id"]

    def make(name: str, mime: str, parents: list[str] | None = None) -> str:
        body = {"name": name, "mimeType": mime, **({"parents": parents} if parents else {})}
        return drive.files().create(body=body).execute()["id"]

    ids = {
        "folder": folder,
        "sheet": make("Dossiers 2026", SPREADSHEET_MIME, [folder]),
        "csv": make("export.csv", "text/csv", [folder]),
        "txt": make("lisez-moi.txt", "text/plain", [folder]),
        "outside": make("Dossiers 2025", SPREADSHEET_MIME),
        "trashed": make("old.txt", "text/plain", [folder]),
    }
    with google.store.lock:
        google.store.files[ids["trashed"]].trashed = True
    return ids


def names(drive, q: str) -> set[str]:
    return {f["name"] for f in drive.files().list(q=q, fields="files(id,name)").execute()["files"]}


def test_list_with_the_q_clauses_people_use(drive, tree):
    folder = tree["folder"]

    assert names(drive, f"'{folder}' in parents and trashed = false") == {
        "Dossiers 2026", "export.csv", "lisez-moi.txt",
    }  # fmt: skip
    assert names(drive, f"mimeType = '{SPREADSHEET_MIME}'") == {"Dossiers 2026", "Dossiers 2025"}
    assert names(drive, f"'{folder}' in parents and mimeType = '{SPREADSHEET_MIME}' and trashed = false") == {
        "Dossiers 2026"
    }
    assert names(drive, "name = 'export.csv'") == {"export.csv"}
    assert names(drive, "name contains 'Dossiers'") == {"Dossiers 2026", "Dossiers 2025"}
    assert names(drive, "name contains 'Dossiers' and not name contains '2025'") == {"Dossiers 2026"}
    assert names(drive, f"mimeType = '{FOLDER_MIME}'") == {"Collectif"}
    assert names(drive, "mimeType != 'text/plain' and trashed = false") == {
        "Collectif", "Dossiers 2026", "export.csv", "Dossiers 2025",
    }  # fmt: skip
    assert names(drive, "trashed = true") == {"old.txt"}
    assert names(drive, "name = 'export.csv' or name = 'lisez-moi.txt'") == {"export.csv", "lisez-moi.txt"}
    assert names(drive, "name = 'l\\'absent'") == set()


def test_list_masks_files_with_fields(drive, tree):
    listed = drive.files().list(q="name = 'export.csv'", fields="files(id,mimeType)").execute()

    assert listed == {"files": [{"id": tree["csv"], "mimeType": "text/csv"}]}


def test_list_pages_through_nextpagetoken(drive):
    created = {
        drive.files().create(body={"name": f"f{i}.txt", "mimeType": "text/plain"}).execute()["id"]
        for i in range(5)
    }

    pages, token = [], None
    while True:
        page = drive.files().list(pageSize=2, pageToken=token, fields="nextPageToken,files(id)").execute()
        pages.append([f["id"] for f in page["files"]])
        token = page.get("nextPageToken")
        if token is None:
            break

    assert [len(p) for p in pages] == [2, 2, 1]
    assert {i for p in pages for i in p} == created

    # googleapiclient's own pager walks the same pages.
    seen, request = [], drive.files().list(pageSize=2)
    while request is not None:
        page = request.execute()
        seen.extend(f["id"] for f in page["files"])
        request = drive.files().list_next(request, page)
    assert sorted(seen) == sorted(created)


def test_an_unparseable_q_gets_drives_400(raw):
    answer = raw(ALICE).get("/drive/v3/files", params={"q": "name === 'x'"})

    assert answer.status_code == 400
    assert answer.json() == {
        "error": {
            "code": 400,
            "message": "Invalid Value",
            "errors": [
                {"message": "Invalid Value", "domain": "global", "reason": "invalid", "location": "q",
                 "locationType": "parameter"}
            ],
        }
    }  # fmt: skip


# -- access: owners, share lists, delete ----------------------------------------------


def test_an_unknown_id_gets_drives_404_body(raw):
    answer = raw(ALICE).get("/drive/v3/files/1doesnotexist")

    assert answer.status_code == 404
    assert answer.json() == {
        "error": {
            "code": 404,
            "message": "File not found: 1doesnotexist.",
            "errors": [
                {
                    "message": "File not found: 1doesnotexist.",
                    "domain": "global",
                    "reason": "notFound",
                    "location": "fileId",
                    "locationType": "parameter",
                }
            ],
        }
    }


def test_a_file_not_shared_with_you_is_404_until_shared(drive, drive_as):
    created = drive.files().create(body={"name": "privé.txt", "mimeType": "text/plain"}).execute()
    alice = drive_as(ALICE)

    with pytest.raises(HttpError) as raised:
        alice.files().get(fileId=created["id"]).execute()
    assert raised.value.resp.status == 404
    assert error_of(raised.value)["errors"][0]["reason"] == "notFound"
    assert alice.files().list().execute()["files"] == []

    permission = (
        drive.permissions()
        .create(fileId=created["id"], body={"type": "user", "role": "reader", "emailAddress": ALICE})
        .execute()
    )

    assert permission["kind"] == "drive#permission"
    assert (permission["type"], permission["role"]) == ("user", "reader")
    assert alice.files().get(fileId=created["id"]).execute()["name"] == "privé.txt"
    assert [f["id"] for f in alice.files().list().execute()["files"]] == [created["id"]]
    owned = alice.files().get(fileId=created["id"], fields="owners").execute()["owners"][0]
    assert (owned["emailAddress"], owned["me"]) == (SA_EMAIL, False)


def test_only_the_owner_deletes(google, drive, drive_as):
    created = drive.files().create(body={"name": "shared.txt", "mimeType": "text/plain"}).execute()
    drive.permissions().create(
        fileId=created["id"], body={"type": "user", "role": "writer", "emailAddress": BOB}
    ).execute()
    bob = drive_as(BOB)

    with pytest.raises(HttpError) as raised:
        bob.files().delete(fileId=created["id"]).execute()
    assert raised.value.resp.status == 403
    assert error_of(raised.value)["errors"][0]["reason"] == "insufficientFilePermissions"
    assert created["id"] in google.store.files

    assert drive.files().delete(fileId=created["id"]).execute() == ""
    with pytest.raises(HttpError) as raised:
        drive.files().get(fileId=created["id"]).execute()
    assert raised.value.resp.status == 404


def test_deleting_a_spreadsheet_removes_its_content(google, drive):
    sheet = drive.files().create(body={"name": "S", "mimeType": SPREADSHEET_MIME}).execute()

    drive.files().delete(fileId=sheet["id"]).execute()

    assert sheet["id"] not in google.store.spreadsheets
    assert sheet["id"] not in google.store.files


def test_delete_answers_204_with_no_body(raw):
    alice = raw(ALICE)
    file_id = alice.post("/drive/v3/files", json={"name": "x"}).json()["id"]

    answer = alice.delete(f"/drive/v3/files/{file_id}")

    assert answer.status_code == 204
    assert answer.content == b""


def test_a_reader_cannot_share_and_bad_permissions_are_refused(drive, drive_as):
    created = drive.files().create(body={"name": "a.txt", "mimeType": "text/plain"}).execute()
    drive.permissions().create(
        fileId=created["id"], body={"type": "user", "role": "reader", "emailAddress": ALICE}
    ).execute()

    with pytest.raises(HttpError) as raised:
        drive_as(ALICE).permissions().create(
            fileId=created["id"], body={"type": "user", "role": "reader", "emailAddress": BOB}
        ).execute()
    assert raised.value.resp.status == 403

    with pytest.raises(HttpError) as raised:
        drive.permissions().create(
            fileId=created["id"], body={"type": "user", "role": "owner-ish", "emailAddress": BOB}
        ).execute()
    assert raised.value.resp.status == 400


def test_creating_in_a_folder_you_cannot_write_is_refused(drive, drive_as):
    folder = drive.files().create(body={"name": "Collectif", "mimeType": FOLDER_MIME}).execute()["id"]
    alice = drive_as(ALICE)

    with pytest.raises(HttpError) as raised:
        alice.files().create(body={"name": "x.txt", "parents": [folder]}).execute()
    assert raised.value.resp.status == 404

    drive.permissions().create(
        fileId=folder, body={"type": "user", "role": "writer", "emailAddress": ALICE}
    ).execute()
    created = alice.files().create(body={"name": "x.txt", "parents": [folder]}, fields="id,parents").execute()
    assert created["parents"] == [folder]


def test_a_file_shared_with_anyone_is_visible_to_everyone(drive, drive_as):
    created = drive.files().create(body={"name": "public.txt", "mimeType": "text/plain"}).execute()

    drive.permissions().create(fileId=created["id"], body={"type": "anyone", "role": "reader"}).execute()

    assert drive_as(BOB).files().get(fileId=created["id"]).execute()["name"] == "public.txt"


# -- shared drives --------------------------------------------------------------------


@pytest.fixture
def team(google, drive):
    """A shared drive the service account organizes, Alice reads, holding a spreadsheet and a csv."""
    team = drive.drives().create(requestId="team-1", body={"name": "Collectif"}).execute()
    with google.store.lock:
        google.store.shared_drives[team["id"]].members[ALICE] = "reader"

    def make(name: str, mime: str) -> str:
        body = {"name": name, "mimeType": mime, "parents": [team["id"]]}
        return drive.files().create(body=body, supportsAllDrives=True).execute()["id"]

    return {
        "drive": team["id"],
        "sheet": make("Dossiers 2026", SPREADSHEET_MIME),
        "csv": make("a.csv", "text/csv"),
    }


def not_found_body(file_id: str) -> dict:
    message = f"File not found: {file_id}."
    return {
        "code": 404,
        "message": message,
        "errors": [
            {"message": message, "domain": "global", "reason": "notFound", "location": "fileId",
             "locationType": "parameter"}
        ],
    }  # fmt: skip


def test_drives_create_makes_a_shared_drive_its_creator_organizes(google, drive):
    created = drive.drives().create(requestId="req-1", body={"name": "Collectif"}).execute()

    assert created == {"kind": "drive#drive", "id": created["id"], "name": "Collectif"}
    assert (len(created["id"]), created["id"][:2]) == (19, "0A")
    assert google.store.shared_drives[created["id"]].members == {SA_EMAIL: "organizer"}
    assert drive.drives().get(driveId=created["id"]).execute()["name"] == "Collectif"
    assert [d["id"] for d in drive.drives().list().execute()["drives"]] == [created["id"]]


def test_a_shared_drive_is_not_found_by_someone_outside_it(drive, drive_as):
    created = drive.drives().create(requestId="req-1", body={"name": "Collectif"}).execute()

    with pytest.raises(HttpError) as raised:
        drive_as(BOB).drives().get(driveId=created["id"]).execute()

    assert raised.value.resp.status == 404
    error = error_of(raised.value)
    assert error["message"] == f"Shared drive not found: {created['id']}"
    assert error["errors"][0] | {"message": ""} == {
        "message": "", "domain": "global", "reason": "notFound", "location": "driveId",
        "locationType": "parameter",
    }  # fmt: skip
    assert drive_as(BOB).drives().list().execute()["drives"] == []


def test_creating_in_a_shared_drive_needs_supports_all_drives(drive, team):
    with pytest.raises(HttpError) as raised:
        drive.files().create(body={"name": "x.txt", "parents": [team["drive"]]}).execute()

    assert raised.value.resp.status == 404
    assert error_of(raised.value) == not_found_body(team["drive"])


def test_a_shared_drive_file_is_404_unless_the_call_supports_all_drives(drive, team):
    file_id = team["csv"]
    calls = {
        "files.get": lambda **flag: drive.files().get(fileId=file_id, **flag),
        "files.get alt=media": lambda **flag: drive.files().get_media(fileId=file_id, **flag),
        "permissions.create": lambda **flag: drive.permissions().create(
            fileId=file_id, body={"type": "user", "role": "reader", "emailAddress": BOB}, **flag
        ),
    }

    for name, call in calls.items():
        with pytest.raises(HttpError) as raised:
            call().execute()
        assert (name, raised.value.resp.status) == (name, 404)
        assert error_of(raised.value) == not_found_body(file_id)
        call(supportsAllDrives=True).execute()
        call(supportsTeamDrives=True).execute()  # the deprecated name still counts


def test_a_shared_drive_file_has_a_drive_id_and_no_owners(drive, team):
    got = drive.files().get(fileId=team["csv"], fields="*", supportsAllDrives=True).execute()

    assert got["driveId"] == team["drive"]
    assert got["parents"] == [team["drive"]]
    assert "owners" not in got


def test_list_leaves_shared_drive_files_out_unless_asked_with_both_flags(drive, team):
    drive.files().create(body={"name": "mine.txt", "mimeType": "text/plain"}).execute()

    def listed(**params: object) -> set[str]:
        return {f["name"] for f in drive.files().list(fields="files(name)", **params).execute()["files"]}

    assert listed() == {"mine.txt"}
    assert listed(supportsAllDrives=True) == {"mine.txt"}
    assert listed(includeItemsFromAllDrives=True) == {"mine.txt"}
    both = {"includeItemsFromAllDrives": True, "supportsAllDrives": True}
    team_files = {"Dossiers 2026", "a.csv"}
    assert listed(corpora="allDrives", **both) == {"mine.txt"} | team_files
    assert listed(corpora="drive", driveId=team["drive"], **both) == team_files
    in_team = f"'{team['drive']}' in parents"
    assert listed(q=in_team) == set()
    assert listed(q=in_team, **both) == team_files


def test_list_refuses_a_drive_id_without_corpora_drive_and_a_drive_corpus_without_its_items(drive, team):
    with pytest.raises(HttpError) as raised:
        drive.files().list(
            driveId=team["drive"], includeItemsFromAllDrives=True, supportsAllDrives=True
        ).execute()
    assert raised.value.resp.status == 400
    assert error_of(raised.value)["errors"][0]["reason"] == "teamDriveIdRequiresTeamDriveCorpora"
    assert error_of(raised.value)["message"] == (
        "The driveId parameter must be specified if and only if corpora is set to drive."
    )

    with pytest.raises(HttpError) as raised:
        drive.files().list(corpora="drive", driveId=team["drive"], supportsAllDrives=True).execute()
    assert raised.value.resp.status == 403
    assert error_of(raised.value)["message"] == (
        "The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora "
        "contains drive or allDrives."
    )


def test_a_shared_drive_member_reads_by_the_drive_role_and_only_organizers_delete(
    google, drive, drive_as, team
):
    alice = drive_as(ALICE)

    assert alice.files().get(fileId=team["csv"], supportsAllDrives=True).execute()["name"] == "a.csv"
    with pytest.raises(HttpError) as raised:
        drive_as(BOB).files().get(fileId=team["csv"], supportsAllDrives=True).execute()
    assert raised.value.resp.status == 404
    with pytest.raises(HttpError) as raised:
        alice.files().delete(fileId=team["csv"], supportsAllDrives=True).execute()
    assert raised.value.resp.status == 403
    with pytest.raises(HttpError) as raised:
        alice.files().create(body={"name": "x", "parents": [team["drive"]]}, supportsAllDrives=True).execute()
    assert raised.value.resp.status == 403

    drive.files().delete(fileId=team["csv"], supportsAllDrives=True).execute()
    assert team["csv"] not in google.store.files


def test_a_shared_drive_spreadsheet_exports_and_opens_in_sheets_without_any_flag(
    google, drive, sa_creds, team
):
    # files.export and the Sheets API have no supportsAllDrives parameter.
    worksheet = clients.gspread_client(google.base_url, sa_creds).open_by_key(team["sheet"]).sheet1
    worksheet.update([["Référence"], ["D-001"]], "A1")

    text = drive.files().export(fileId=team["sheet"], mimeType="text/csv").execute().decode("utf-8")

    assert list(csv.reader(io.StringIO(text))) == [["Référence"], ["D-001"]]


def test_the_store_puts_an_existing_file_in_a_shared_drive(google, drive, drive_as):
    created = drive.files().create(body={"name": "Dossiers.xlsx", "mimeType": XLSX_MIME}).execute()
    with google.store.lock:
        team = google.store.create_shared_drive("Collectif", SA_EMAIL, {ALICE: "writer"})
        google.store.move_to_shared_drive(created["id"], team.id)

    with pytest.raises(HttpError) as raised:
        drive_as(ALICE).files().get_media(fileId=created["id"]).execute()
    assert raised.value.resp.status == 404
    assert drive_as(ALICE).files().get_media(fileId=created["id"], supportsAllDrives=True).execute() == b""
