"""What every API module of the emulator speaks: requests, responses, routes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from fake_google.store import ApiError, Store


@dataclass
class Request:
    method: str
    path: str
    """The path without the query string, percent-decoded per segment by the route."""
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    user: str | None
    params: dict[str, str] = field(default_factory=dict)
    """Named groups of the route's pattern, percent-decoded."""
    _parsed: Any = field(default=None, init=False, repr=False, compare=False)
    """The body once parsed: the schema check and the handler share one parse of large bodies."""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")

    def json(self) -> Any:
        if not self.body:
            return {}
        if self._parsed is None:
            try:
                self._parsed = json.loads(self.body)
            except ValueError as exc:
                raise ApiError(400, f"Invalid JSON payload received. {exc}", "INVALID_ARGUMENT") from exc
        return self._parsed

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class Response:
    status: int = 200
    body: Any = None
    """A JSON-able value, or bytes sent as they are."""
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    """The injected fault this answer stands for, if any (for the request log)."""
    refused: str | None = None
    """Why the method's discovery contract refused the request, if it did (for the request log)."""

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return (json.dumps(self.body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


Handler = Callable[[Store, Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    name: str
    """Endpoint name for the request log and faults, e.g. "sheets.values.get"."""
    api: str
    """"sheets", "drive", "gmail" or "oauth": decides the shape of error answers."""
    kind: str
    """"read" or "write": which per-minute quota it counts against."""


def route(method: str, pattern: str, name: str, api: str, kind: str) -> Callable[[Handler], Route]:
    """Decorator: `@route("GET", r"/v4/spreadsheets/(?P<id>[^/:]+)", "sheets.get", "sheets", "read")`."""

    def wrap(handler: Handler) -> Route:
        return Route(method, re.compile(pattern + r"$"), handler, name, api, kind)

    return wrap


def parse_query(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


def error_body(error: ApiError, api: str) -> dict[str, Any]:
    """Google's JSON error body: Sheets/Gmail style, or Drive's with `errors[]`; `error.body` as it is."""
    if error.body is not None:
        return {"error": error.body}
    if api == "drive":
        reason = error.reason or _DRIVE_REASONS.get(error.code, "invalid")
        entry: dict[str, Any] = {"message": error.message, "domain": _domain(reason), "reason": reason}
        if error.location:
            entry["location"] = error.location
            entry["locationType"] = error.location_type or "parameter"
        return {"error": {"code": error.code, "message": error.message, "errors": [entry]}}
    body: dict[str, Any] = {"code": error.code, "message": error.message, "status": error.status}
    if api == "gmail":
        body["errors"] = [
            {"message": error.message, "domain": _domain(error.reason), "reason": error.reason or "invalid"}
        ]
    return {"error": body}


_USAGE_LIMITS = {
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "dailyLimitExceeded",
    "sharingRateLimitExceeded",
}


def _domain(reason: str | None) -> str:
    """Google files its rate-limit reasons under "usageLimits", everything else under "global"."""
    return "usageLimits" if reason in _USAGE_LIMITS else "global"


_DRIVE_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}
