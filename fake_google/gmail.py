"""Gmail v1: `users.messages.send` (raw RFC 822, base64url, or a media upload), and reading back.

Every sent message is kept in the store so that tests can parse it with the
standard `email` package (`FakeGoogle.sent_messages()`).

A mailbox is a person's. A service account has none: its own token (no `sub`
claim) gets Google's 400 failedPrecondition on every Gmail call, as the client
maintainers explain ("The Gmail API isn't intended to be used with service
accounts (other than domain-wide delegation use cases.)",
googleapis/google-api-nodejs-client#2361). With a subject (domain-wide delegation)
the token is that user's, and the mail leaves from their mailbox. A `From` naming
another address is rewritten to the mailbox's own, as Gmail does for an address that
is not one of the account's send-as aliases (google-api-php-client#2393,
taylorwilsdon/google_workspace_mcp#1075); the emulator knows no aliases.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from email import message_from_bytes
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP, default
from email.utils import getaddresses
from typing import cast

from fake_google.http import Request, Response, route
from fake_google.store import ApiError, SentMessage, Store

_USER = r"/gmail/v1/users/(?P<user>[^/]+)"
SERVICE_ACCOUNT_DOMAIN = "gserviceaccount.com"
"""Every service account's address ends so (…@project.iam.gserviceaccount.com)."""


def is_service_account(address: str) -> bool:
    return address.lower().endswith("." + SERVICE_ACCOUNT_DOMAIN) or address.lower().endswith(
        "@" + SERVICE_ACCOUNT_DOMAIN
    )


def _mailbox(request: Request) -> str:
    """The mailbox the call is for: the caller's ("me" or their address), else Google's refusal.

    Another person's mailbox is 403 "Delegation denied for <caller>" (home-assistant/core#87920
    quotes it). A service account acting as itself has no mailbox: 400 failedPrecondition,
    "Precondition check failed.", in Gmail's shape (googleapis/google-api-java-client#1648
    shows the whole body; googleapis/google-api-python-client#984 the answer a service account
    gets to users.messages.send).
    """
    assert request.user is not None
    asked = request.params["user"]
    if asked.lower() not in ("me", request.user.lower()):
        raise ApiError(403, f"Delegation denied for {request.user}", "PERMISSION_DENIED", reason="forbidden")
    if is_service_account(request.user):
        raise ApiError(400, "Precondition check failed.", "FAILED_PRECONDITION", reason="failedPrecondition")
    return request.user


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FROM = re.compile(rb"^From:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", re.IGNORECASE | re.MULTILINE)


def _as_mailbox(raw: bytes, mailbox: str) -> bytes:
    """The message with its `From` set to the mailbox's address when it names another one.

    Only the address in the `From` line changes, so that the rest of the message keeps its
    bytes; the display name stays (what name Gmail then shows is not documented).
    """
    end = _HEADER_END.search(raw)
    found = _FROM.search(raw[: end.start()] if end else raw)
    if found is None:
        return raw
    line = found.group().decode("utf-8", "replace")
    pairs = getaddresses([line.split(":", 1)[1]])
    address = pairs[0][1] if pairs else ""
    if address.lower() == mailbox.lower():
        return raw
    fixed = line.replace(address, mailbox, 1) if address else f"From: {mailbox}"
    return raw[: found.start()] + fixed.encode("utf-8") + raw[found.end() :]


def _store_message(store: Store, user: str, raw: bytes) -> Response:
    parsed = message_from_bytes(raw, policy=default)
    if not parsed.get("To") and not parsed.get("Cc") and not parsed.get("Bcc"):
        raise ApiError(400, "Invalid To header", "INVALID_ARGUMENT", reason="invalidArgument")
    message_id = secrets.token_hex(8)
    store.messages.append(SentMessage(message_id, message_id, user, _as_mailbox(raw, user)))
    return Response(200, {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]})


@route("POST", rf"{_USER}/messages/send", "gmail.users.messages.send", "gmail", "write")
def send(store: Store, request: Request) -> Response:
    user = _mailbox(request)
    body = request.json()
    raw = body.get("raw")
    if not isinstance(raw, str) or not raw:
        raise ApiError(400, "Recipient address required", "INVALID_ARGUMENT", reason="invalidArgument")
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ApiError(
            400, "Invalid value for ByteString", "INVALID_ARGUMENT", reason="invalidArgument"
        ) from exc
    return _store_message(store, user, data)


@route(
    "POST",
    r"/upload/gmail/v1/users/(?P<user>[^/]+)/messages/send",
    "gmail.users.messages.send",
    "gmail",
    "write",
)
def send_upload(store: Store, request: Request) -> Response:
    if request.arg("uploadType") == "multipart":
        return _store_message(store, _mailbox(request), _multipart_message(request))
    return _store_message(store, _mailbox(request), request.body)


def _multipart_message(request: Request) -> bytes:
    """The message of a multipart upload: JSON metadata, then the message/rfc822 part."""
    head = f"Content-Type: {request.content_type}\r\n\r\n".encode()
    envelope = BytesParser(policy=HTTP).parsebytes(head + request.body)
    parts = list(envelope.iter_parts()) if envelope.is_multipart() else []
    if len(parts) != 2:
        raise ApiError(
            400, "Multipart upload needs metadata and media parts.", "INVALID_ARGUMENT", reason="badContent"
        )
    media = parts[1]
    if media.get_content_type() == "message/rfc822" and media.is_multipart():
        # A multipart part's payload is a list of messages; a leaf's decoded payload is bytes.
        return cast(Message, media.get_payload(0)).as_bytes(policy=default)
    return cast("bytes | None", media.get_payload(decode=True)) or b""


@route("GET", rf"{_USER}/messages/(?P<id>[0-9a-f]+)", "gmail.users.messages.get", "gmail", "read")
def get(store: Store, request: Request) -> Response:
    user = _mailbox(request)
    for message in store.messages:
        if message.id == request.params["id"] and message.user == user:
            raw = base64.urlsafe_b64encode(message.raw).decode()
            return Response(
                200,
                {"id": message.id, "threadId": message.thread_id, "labelIds": message.label_ids, "raw": raw},
            )
    raise ApiError(404, "Requested entity was not found.", "NOT_FOUND", reason="notFound")


@route("GET", rf"{_USER}/messages", "gmail.users.messages.list", "gmail", "read")
def list_messages(store: Store, request: Request) -> Response:
    user = _mailbox(request)
    mine = [{"id": m.id, "threadId": m.thread_id} for m in reversed(store.messages) if m.user == user]
    return Response(
        200, {"messages": mine, "resultSizeEstimate": len(mine)} if mine else {"resultSizeEstimate": 0}
    )


def parsed(message: SentMessage) -> Message:
    return message_from_bytes(message.raw, policy=default)


ROUTES = [send, send_upload, get, list_messages]
