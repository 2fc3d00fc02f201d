"""Drive v3: create (a spreadsheet, or an uploaded file), get, list, export, delete, share.

Spreadsheets are Drive files whose content lives in the Sheets part of the
store. Uploads accept `uploadType=media`, `multipart` and `resumable`; an
uploaded .xlsx whose metadata asks for a Google spreadsheet is converted.
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
    Store,
    new_file_id,
)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
DEFAULT_FIELDS = "kind,id,name,mimeType"
_ID = r"(?P<id>[A-Za-z0-9_-]+)"
_uploads: dict[str, dict[str, Any]] = {}
"""Resumable upload sessions: upload_id → metadata and received bytes."""


def file_resource(store: Store, file: DriveFile) -> dict[str, Any]:
    """The full `drive#file` resource, before any `fields` mask."""
    resource: dict[str, Any] = {
        "kind": "drive#file",
        "id": file.id,
        "name": file.name,
        "mimeType": file.mime_type,
        "parents": list(file.parents) or ["root"],
        "trashed": file.trashed,
        "createdTime": file.created_time,
        "modifiedTime": file.modified_time,
        "owners": [{"kind": "drive#user", "emailAddress": file.owner, "me": False}],
        "shared": bool(file.shared),
        "webViewLink": _web_link(file),
    }
    if file.content is not None:
        resource["size"] = str(len(file.content))
    return resource


def _web_link(file: DriveFile) -> str:
    if file.mime_type == SPREADSHEET_MIME:
        return f"https://docs.google.com/spreadsheets/d/{file.id}/edit?usp=drivesdk"
    return f"https://drive.google.com/file/d/{file.id}/view?usp=drivesdk"


def _shaped(store: Store, file: DriveFile, request: Request, user: str | None = None) -> dict[str, Any]:
    resource = file_resource(store, file)
    if user is not None:
        resource["owners"][0]["me"] = file.owner == user
    return apply_mask(resource, parse_fields(request.arg("fields") or DEFAULT_FIELDS))


def _create(
    store: Store, request: Request, metadata: dict[str, Any], content: bytes | None, content_type: str | None
) -> DriveFile:
    assert request.user is not None
    name = metadata.get("name") or "Untitled"
    mime = metadata.get("mimeType") or content_type or "application/octet-stream"
    parents = list(metadata.get("parents") or [])
    for parent in parents:
        store.file_for(parent, request.user, "writer", api="drive")
    file = DriveFile(new_file_id(), name, mime, request.user, parents)
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
    file = store.file_for(request.params["id"], request.user, "reader", api="drive")
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
    file = store.file_for(request.params["id"], request.user, "reader", api="drive")
    mime = request.arg("mimeType")
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
    file = store.file_for(request.params["id"], request.user, "reader", api="drive")
    if file.owner != request.user:
        raise ApiError(
            403,
            "The user does not have sufficient permissions for this file.",
            "PERMISSION_DENIED",
            reason="insufficientFilePermissions",
        )
    del store.files[file.id]
    store.spreadsheets.pop(file.id, None)
    return Response(204, None, "text/html")


@route("POST", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.create", "drive", "write")
def share(store: Store, request: Request) -> Response:
    assert request.user is not None
    file = store.file_for(request.params["id"], request.user, "reader", api="drive")
    if file.role_of(request.user) not in ("owner", "writer"):
        raise ApiError(
            403,
            "The user does not have sufficient permissions for this file.",
            "PERMISSION_DENIED",
            reason="insufficientFilePermissions",
        )
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
    visible = [f for f in store.files.values() if f.role_of(user) is not None]
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
        "files": [file_resource(store, f) for f in page],
    }
    if start + size < len(found):
        body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    mask = parse_fields(
        request.arg("fields") or "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
    )
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


ROUTES = [create, upload, upload_chunk, export, get, delete, share, list_files]
