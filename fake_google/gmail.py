"""Gmail v1: `users.messages.send` (raw RFC 822, base64url, or a media upload), and reading back.

Every sent message is kept in the store so that tests can parse it with the
standard `email` package (`FakeGoogle.sent_messages()`).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from email import message_from_bytes
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP, default
from typing import cast

from fake_google.http import Request, Response, route
from fake_google.store import ApiError, SentMessage, Store

_USER = r"/gmail/v1/users/(?P<user>[^/]+)"


def _mailbox(request: Request) -> str:
    """The sender's mailbox: "me" is the caller; another address needs delegation, which we refuse."""
    assert request.user is not None
    asked = request.params["user"]
    if asked not in ("me", request.user):
        raise ApiError(403, f"Delegation denied for {request.user}", "PERMISSION_DENIED", reason="forbidden")
    return request.user


def _store_message(store: Store, user: str, raw: bytes) -> Response:
    parsed = message_from_bytes(raw, policy=default)
    if not parsed.get("To") and not parsed.get("Cc") and not parsed.get("Bcc"):
        raise ApiError(400, "Invalid To header", "INVALID_ARGUMENT", reason="invalidArgument")
    message_id = secrets.token_hex(8)
    store.messages.append(SentMessage(message_id, message_id, user, raw))
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
