"""Drive v3: create (a spreadsheet, or an uploaded file), get, list, export, delete, share;
shared drives (drives.create, get, list).

Spreadsheets are Drive files whose content lives in the Sheets part of the
store. Uploads accept `uploadType=media`, `multipart` and `resumable`; an
uploaded .xlsx whose metadata asks for a Google spreadsheet is converted.

Shared drives follow Google's opt-in: a call that addresses a shared drive's file
(get, get `alt=media`, export, delete, permissions.create, create under it) must pass
`supportsAllDrives=true`, else Drive answers 404 "File not found: <id>." as if the file
did not exist (https://developers.google.com/workspace/drive/api/guides/enable-shareddrives;
the 404 an application without the flag gets, in plotlinelabs/loma#111 and
PipedreamHQ/pipedream#2381). `files.list` returns shared drives' files only with
`includeItemsFromAllDrives=true` and `supportsAllDrives=true`, from the corpora it searches
(`corpora=drive` with `driveId`, `allDrives`, or a `'<folder>' in parents` clause naming a
shared drive's folder, which "can change" the corpus as the `corpora` parameter's
description in the discovery document says); without `includeItemsFromAllDrives` they are
silently left out (gimite/google-drive-ruby#367 shows the empty list).
"""

from __future__ import annotations

import base64
import re
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, cast

from fake_google.http import Request, Response, route
from fake_google.masks import apply_mask, parse_fields
from fake_google.store import (
    SPREADSHEET_MIME,
    ApiError,
    DriveFile,
    SharedDrive,
    Store,
    new_file_id,
    not_found,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
DEFAULT_FIELDS = "kind,id,name,mimeType"
_ID = r"(?P<id>[A-Za-z0-9_-]+)"
_MANAGERS = ("owner", "organizer", "fileOrganizer", "writer")
"""Who may share a file (a shared drive's writers may, by the drive's default settings)."""
_uploads: dict[str, dict[str, Any]] = {}
"""Resumable upload sessions: upload_id → metadata and received bytes."""


def all_drives(request: Request) -> bool:
    """Whether the caller says it handles shared drives (`supportsTeamDrives` is the old name)."""
    return request.flag("supportsAllDrives") or request.flag("supportsTeamDrives")


def file_resource(store: Store, file: DriveFile, user: str | None = None) -> dict[str, Any]:
    """The full `drive#file` resource, before any `fields` mask.

    A shared drive's file has `driveId` (and the deprecated `teamDriveId`) and no `owners`:
    "Not populated for items in shared drives" (the File schema of the discovery document).
    """
    resource: dict[str, Any] = {
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "parents": list(file.parents) or ["root"],
        "trashed": file.trashed,
        "createdTime": file.created_time,
        "modifiedTime": file.modified_time,
        "owners": [{"kind": "drive#user", "emailAddress": file.owner, "me": file.owner == user}],
        "shared": bool(file.shared),
        "webViewLink": _web_link(file),
    }
    if file.drive_id is not None:
        del resource["owners"]
        resource["driveId"] = resource["teamDriveId"] = file.drive_id
        resource["shared"] = True
    if file.content is not None:
        resource["size"] = str(len(file.content))
    return resource


def _web_link(file: DriveFile) -> str:
    if file.mime_type == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=drivesdk"
    return f"https://drive.google.com/file/d/{file.id}/view?usp=drivesdk"


def _shaped(store: Store, file: DriveFile, request: Request, user: str | None = None) -> dict[str, Any]:
    resource = file_resource(store, file, user)
    return apply_mask(resource, parse_fields(request.arg("fields") or DEFAULT_FIELDS))


def _parent_drive(store: Store, request: Request, parent: str) -> str | None:
    """The shared drive a new file under `parent` goes to (None: My Drive), if the caller may write there.

    A parent is a folder, or a shared drive itself (its id is the top folder's). Without
    `supportsAllDrives` a shared drive's folder is not found, as for every other call.
    """
    assert request.user is not None
    drive = store.shared_drives.get(parent)
    if drive is None:
        folder = store.file_for(parent, request.user, "writer", api="drive", all_drives=all_drives(request))
        return folder.drive_id
    role = drive.members.get(request.user)
    if not all_drives(request) or role is None:
        raise not_found(parent, "drive")
    if role in ("reader", "commenter"):
        raise _insufficient_permissions()
    return drive.id


def _requested_file(store: Store, request: Request) -> DriveFile:
    """The file of the URL's `fileId`, as Drive lets the caller see it (see `Store.file_for`)."""
    assert request.user is not None
    return store.file_for(request.params["id"], request.user, api="drive", all_drives=all_drives(request))


def _insufficient_permissions() -> ApiError:
    return ApiError(
        403,
        "The user does not have sufficient permissions for this file.",
        "PERMISSION_DENIED",
        reason="insufficientFilePermissions",
    )


def _create(
    store: Store, request: Request, metadata: dict[str, Any], content: bytes | None, content_type: str | None
) -> DriveFile:
    assert request.user is not None
    name = metadata.get("name") or "Untitled"
    mime = metadata.get("mimeType") or content_type or "application/octet-stream"
    parents = list(metadata.get("parents") or [])
    drives = {_parent_drive(store, request, parent) for parent in parents}
    file = DriveFile(new_file_id(), name, mime, request.user, parents, drive_id=next(iter(drives), None))
    if mime == SPREADSHEET_MIME:
        from fake_google import workbook

        if content:
            if content_type not in (XLSX_MIME, None, "application/octet-stream"):
                raise ApiError(
                    400, "The requested conversion is not supported.", "INVALID_ARGUMENT", reason="badRequest"
                )
            spreadsheet = workbook.import_xlsx(store, file.id, name, content)
        else:
            spreadsheet = workbook.new_spreadsheet(store, file.id, name)
        store.spreadsheets[file.id] = spreadsheet
    elif not mime.startswith("application/vnd.google-apps."):  # folders and the like have no bytes
        file.content = content if content is not None else b""
    store.files[file.id] = file
    return file


@route("POST", r"/drive/v3/files", "drive.files.create", "drive", "write")
def create(store: Store, request: Request) -> Response:
    file = _create(store, request, request.json(), None, None)
    return Response(200, _shaped(store, file, request))


@route("POST", r"/upload/drive/v3/files", "drive.files.create.upload", "drive", "write")
def upload(store: Store, request: Request) -> Response:
    kind = request.arg("uploadType", "media")
    if kind == "media":
        file = _create(store, request, {}, request.body, request.content_type or None)
    elif kind == "multipart":
        metadata, content, content_type = _multipart(request)
        file = _create(store, request, metadata, content, content_type)
    elif kind == "resumable":
        upload_id = secrets.token_urlsafe(16)
        _uploads[upload_id] = {
            "metadata": request.json(),
            "content_type": request.headers.get("x-upload-content-type"),
            "user": request.user,
            "data": b"",
        }
        host = request.headers.get("host", "127.0.0.1")
        location = f"http://{host}/upload/drive/v3/files?uploadType=resumable&upload_id={upload_id}"
        if request.arg("fields"):
            location += f"&fields={request.arg('fields')}"
        return Response(200, None, headers={"Location": location})
    else:
        raise ApiError(400, f"Invalid value for uploadType: {kind}", "INVALID_ARGUMENT", reason="invalid")
    return Response(200, _shaped(store, file, request))


@route("PUT", r"/upload/drive/v3/files", "drive.files.create.upload", "drive", "write")
def upload_chunk(store: Store, request: Request) -> Response:
    session = _uploads.get(request.arg("upload_id") or "")
    if session is None or session["user"] != request.user:
        raise ApiError(404, "Upload session not found.", "NOT_FOUND", reason="notFound")
    session["data"] += request.body
    total = _total_from_range(request.headers.get("content-range"))
    if total is not None and len(session["data"]) < total:
        return Response(308, None, headers={"Range": f"bytes=0-{len(session['data']) - 1}"})
    del _uploads[request.arg("upload_id") or ""]
    file = _create(store, request, session["metadata"], session["data"], session["content_type"])
    return Response(200, _shaped(store, file, request))


def _total_from_range(header: str | None) -> int | None:
    if not header:
        return None
    found = re.match(r"bytes (?:\d+-\d+|\*)/(\d+|\*)", header)
    if not found or found[1] == "*":
        return None
    return int(found[1])


def _multipart(request: Request) -> tuple[dict[str, Any], bytes, str | None]:
    import json

    head = f"Content-Type: {request.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if len(parts) != 2:
        raise ApiError(
            400, "Multipart upload needs metadata and media parts.", "INVALID_ARGUMENT", reason="badContent"
        )
    # Both parts are leaves: their decoded payloads are bytes (or None when empty).
    metadata = json.loads(cast("bytes | None", parts[0].get_payload(decode=True)) or b"{}")
    media = parts[1]
    return metadata, cast("bytes | None", media.get_payload(decode=True)) or b"", media.get_content_type()


@route("GET", rf"/drive/v3/files/{_ID}", "drive.files.get", "drive", "read")
def get(store: Store, request: Request) -> Response:
    assert request.user is not None
    file = _requested_file(store, request)
    if request.arg("alt") == "media":
        if file.content is None:
            raise ApiError(
                403,
                "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                "PERMISSION_DENIED",
                reason="fileNotDownloadable",
                location="alt",
                location_type="parameter",
            )
        return Response(200, file.content, file.mime_type)
    return Response(200, _shaped(store, file, request, request.user))


@route("GET", rf"/drive/v3/files/{_ID}/export", "drive.files.export", "drive", "read")
def export(store: Store, request: Request) -> Response:
    from fake_google import workbook

    assert request.user is not None
    # files.export has no supportsAllDrives parameter (discovery document): a shared drive's
    # spreadsheet exports as any other the caller can read.
    file = store.file_for(request.params["id"], request.user, "reader", api="drive", all_drives=True)
    mime = request.arg("mimeType")
    if file.mime_type != SPREADSHEET_MIME and not file.mime_type.startswith("application/vnd.google-apps."):
        # A file with bytes of its own: 403 fileNotExportable, worded "Export only supports
        # Docs Editors files." since Google renamed "Google Docs" (withoneai/knowledge#46;
        # the older "Export only supports Google Docs." with its reason in
        # NastuzziSamy/files_external_gdrive#3).
        raise ApiError(
            403,
            "Export only supports Docs Editors files.",
            "PERMISSION_DENIED",
            reason="fileNotExportable",
        )
    if file.mime_type != SPREADSHEET_MIME or mime not in (XLSX_MIME, CSV_MIME):
        raise ApiError(
            400,
            "The requested conversion is not supported.",
            "INVALID_ARGUMENT",
            reason="badRequest",
            location="convertTo",
            location_type="parameter",
        )
    spreadsheet = store.spreadsheets[file.id]
    if mime == XLSX_MIME:
        return Response(200, workbook.export_xlsx(spreadsheet), XLSX_MIME)
    return Response(200, workbook.export_csv(spreadsheet, spreadsheet.sheets[0].sheet_id), "text/csv")


@route("DELETE", rf"/drive/v3/files/{_ID}", "drive.files.delete", "drive", "write")
def delete(store: Store, request: Request) -> Response:
    assert request.user is not None
    file = _requested_file(store, request)
    # "If the file belongs to a shared drive, the user must be an `organizer`" (files.delete
    # in the discovery document); in My Drive, its owner.
    if store.role_of(file, request.user) != ("owner" if file.drive_id is None else "organizer"):
        raise _insufficient_permissions()
    del store.files[file.id]
    store.spreadsheets.pop(file.id, None)
    return Response(204, None, "text/html")


@route("POST", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.create", "drive", "write")
def share(store: Store, request: Request) -> Response:
    assert request.user is not None
    file = _requested_file(store, request)
    if store.role_of(file, request.user) not in _MANAGERS:
        raise _insufficient_permissions()
    body = request.json()
    role = body.get("role", "reader")
    email = body.get("emailAddress") or ("anyone" if body.get("type") == "anyone" else None)
    if not email or role not in ("reader", "commenter", "writer"):
        raise ApiError(400, "Invalid permission.", "INVALID_ARGUMENT", reason="invalid")
    file.shared[email] = role
    permission = {
        "kind": "drive#permission",
        "id": base64.b32encode(email.encode()).decode()[:20],
        "type": body.get("type", "user"),
        "role": role,
    }
    return Response(200, apply_mask(permission, parse_fields(request.arg("fields") or "kind,id,type,role")))


# -- files.list ---------------------------------------------------------------

_CLAUSE = re.compile(
    r"""\s*(?:
        (?P<value_in>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s+in\s+(?P<in_field>parents|owners|writers|readers)
      | (?P<field>name|mimeType|trashed|starred|fullText)\s*(?P<op>!=|=|contains)\s*
        (?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|true|false)
    )\s*""",
    re.VERBOSE,
)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _parse_query(q: str) -> list[list[tuple[str, str, str]]]:
    """`a and b or c` → [[a, b], [c]] (or of ands); each clause (field, op, value)."""
    alternatives: list[list[tuple[str, str, str]]] = [[]]
    rest = q.strip()
    while rest:
        negate = False
        if rest.lower().startswith("not "):
            negate, rest = True, rest[4:]
        found = _CLAUSE.match(rest)
        if not found:
            raise _invalid_query()
        if found["in_field"]:
            clause = (found["in_field"], "not in" if negate else "in", _unquote(found["value_in"]))
        else:
            value = found["value"]
            value = _unquote(value) if value[0] in "'\"" else value
            op = found["op"]
            if negate:
                op = {"=": "!=", "!=": "=", "contains": "not contains"}[op]
            clause = (found["field"], op, value)
        alternatives[-1].append(clause)
        rest = rest[found.end() :]
        connective = re.match(r"(and|or)\s+", rest, re.IGNORECASE)
        if connective:
            if connective[1].lower() == "or":
                alternatives.append([])
            rest = rest[connective.end() :]
        elif rest:
            raise _invalid_query()
    return alternatives


def _invalid_query() -> ApiError:
    return ApiError(
        400, "Invalid Value", "INVALID_ARGUMENT", reason="invalid", location="q", location_type="parameter"
    )


def _matches(file: DriveFile, clause: tuple[str, str, str]) -> bool:
    field, op, value = clause
    if field in ("parents", "owners", "writers", "readers"):
        if field == "parents":
            members = file.parents or ["root"]
        elif field == "owners":
            members = [file.owner]
        else:
            wanted = ("writer",) if field == "writers" else ("reader", "commenter", "writer")
            members = [file.owner] + [e for e, r in file.shared.items() if r in wanted]
        return (value in members) == (op == "in")
    actual: Any = {
        "name": file.name,
        "mimeType": file.mime_type,
        "fullText": file.name,
        "trashed": str(file.trashed).lower(),
        "starred": "false",
    }[field]
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    contains = value.lower() in actual.lower()
    return contains if op == "contains" else not contains


@route("GET", r"/drive/v3/files", "drive.files.list", "drive", "read")
def list_files(store: Store, request: Request) -> Response:
    assert request.user is not None
    user = request.user
    query = request.arg("q") or ""
    alternatives = _parse_query(query) if query.strip() else [[]]
    mentions_trashed = "trashed" in query
    my_drive, drives = _corpora(store, request, alternatives)
    visible = [
        f
        for f in store.files.values()
        if (my_drive if f.drive_id is None else f.drive_id in drives) and store.role_of(f, user) is not None
    ]
    found = [
        f
        for f in visible
        if (mentions_trashed or not f.trashed)
        and any(all(_matches(f, c) for c in alt) for alt in alternatives)
    ]
    found.sort(key=_order_key(request.arg("orderBy")), reverse=_descending(request.arg("orderBy")))
    try:
        size = min(max(int(request.arg("pageSize") or 100), 1), 1000)
        start = int(base64.urlsafe_b64decode(request.arg("pageToken") or "MA==").decode() or 0)
    except ValueError as exc:
        raise ApiError(
            400,
            "Invalid Value",
            "INVALID_ARGUMENT",
            reason="invalid",
            location="pageToken",
            location_type="parameter",
        ) from exc
    page = found[start : start + size]
    body: dict[str, Any] = {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [file_resource(store, f, user) for f in page],
    }
    if start + size < len(found):
        body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    mask = parse_fields(
        request.arg("fields") or "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
    )
    return Response(200, apply_mask(body, mask))


def _corpora(
    store: Store, request: Request, alternatives: list[list[tuple[str, str, str]]]
) -> tuple[bool, set[str]]:
    """Where files.list looks: My Drive (and files shared with the caller) or not, and which shared drives.

    Google's refusals, with the wording of the threads that met them: a `driveId` without
    `corpora=drive` or the reverse (google-api-php-client#1825, reason
    teamDriveIdRequiresTeamDriveCorpora; its status code is not shown there, 400 is
    assumed as for Drive's other bad parameters), and a shared drive's corpus without
    `includeItemsFromAllDrives=true` (403, nithinmurali/pygsheets#437; the thread shows no
    reason, so Drive's generic 403 "forbidden" stands in). A shared drive the caller is not
    a member of is "Shared drive not found" (the wording a client matches on in the code
    index; the id is appended as in "File not found: <id>.").
    """
    assert request.user is not None
    corpora = {c.strip() for c in (request.arg("corpora") or "user").split(",")}
    drive_id = request.arg("driveId") or request.arg("teamDriveId")
    include = request.flag("includeItemsFromAllDrives") or request.flag("includeTeamDriveItems")
    if (drive_id is not None) != ("drive" in corpora):
        raise ApiError(
            400,
            "The driveId parameter must be specified if and only if corpora is set to drive.",
            "INVALID_ARGUMENT",
            reason="teamDriveIdRequiresTeamDriveCorpora",
        )
    if (drive_id is not None or "allDrives" in corpora) and not include:
        raise ApiError(
            403,
            "The includeItemsFromAllDrives parameter must be set to true when driveId is specified "
            "or corpora contains drive or allDrives.",
            "PERMISSION_DENIED",
        )
    member_of = {d.id for d in store.shared_drives.values() if request.user in d.members}
    if drive_id is not None and drive_id not in member_of:
        raise _shared_drive_not_found(drive_id)
    if not (include and all_drives(request)):
        # Without both flags a shared drive's files are simply not in the answer.
        return "drive" not in corpora, set()
    if "allDrives" in corpora:
        return True, member_of
    if drive_id is not None:
        return False, {drive_id}
    # `'<folder>' in parents` with a shared drive's folder searches that drive.
    named = {value for alt in alternatives for field, op, value in alt if field == "parents" and op == "in"}
    drives = {v for v in named if v in store.shared_drives}
    drives |= {d for v in named if v in store.files and (d := store.files[v].drive_id) is not None}
    return True, drives & member_of


# -- shared drives: drives.create, get, list -----------------------------------------


def drive_resource(drive: SharedDrive) -> dict[str, Any]:
    """The `drive#drive` resource, before any `fields` mask."""
    return {
        "kind": "drive#drive",
        "id": drive.id,
        "name": drive.name,
        "createdTime": drive.created_time,
        "hidden": False,
    }


DRIVE_FIELDS = "kind,id,name"
"""What drives.create and drives.get answer without `fields`, as files answer kind,id,name,mimeType."""


def _drive_shaped(drive: SharedDrive, request: Request) -> dict[str, Any]:
    return apply_mask(drive_resource(drive), parse_fields(request.arg("fields") or DRIVE_FIELDS))


def _shared_drive_not_found(drive_id: str) -> ApiError:
    return ApiError(
        404,
        f"Shared drive not found: {drive_id}",
        "NOT_FOUND",
        reason="notFound",
        location="driveId",
        location_type="parameter",
    )


@route("POST", r"/drive/v3/drives", "drive.drives.create", "drive", "write")
def create_drive(store: Store, request: Request) -> Response:
    """A new shared drive; its creator is its organizer.

    `requestId` is required (googleapiclient refuses to send the call without it); a repeated
    `requestId` is not recognised, where Google answers 409 (wording not seen).
    """
    assert request.user is not None
    if not request.arg("requestId"):
        # Wording not seen for this method: Drive's "Required parameter: <name>" pattern.
        raise ApiError(
            400,
            "Required parameter: requestId",
            "INVALID_ARGUMENT",
            reason="required",
            location="requestId",
            location_type="parameter",
        )
    body = request.json()
    drive = store.create_shared_drive(str(body.get("name") or "Untitled"), request.user)
    return Response(200, _drive_shaped(drive, request))


@route("GET", rf"/drive/v3/drives/{_ID}", "drive.drives.get", "drive", "read")
def get_drive(store: Store, request: Request) -> Response:
    assert request.user is not None
    drive = store.shared_drives.get(request.params["id"])
    if drive is None or request.user not in drive.members:
        raise _shared_drive_not_found(request.params["id"])
    return Response(200, _drive_shaped(drive, request))


@route("GET", r"/drive/v3/drives", "drive.drives.list", "drive", "read")
def list_drives(store: Store, request: Request) -> Response:
    """The shared drives the caller is a member of (one page; no `q`)."""
    assert request.user is not None
    mine = [d for d in store.shared_drives.values() if request.user in d.members]
    body = {"kind": "drive#driveList", "drives": [drive_resource(d) for d in mine]}
    mask = parse_fields(request.arg("fields") or "kind,nextPageToken,drives(kind,id,name)")
    return Response(200, apply_mask(body, mask))


def _order_key(order: str | None) -> Any:
    field = (order or "modifiedTime desc").split(",")[0].split()[0]
    if field in ("name", "name_natural"):
        return lambda f: f.name.lower()
    if field == "createdTime":
        return lambda f: f.created_time
    return lambda f: f.modified_time


def _descending(order: str | None) -> bool:
    return (order or "modifiedTime desc").split(",")[0].strip().endswith("desc")


ROUTES = [
    create, upload, upload_chunk, export, get, delete, share, list_files,
    create_drive, get_drive, list_drives,
]  # fmt: skip
