"""The emulator's HTTP server: one port, every API by path.

`FakeGoogle` runs in-process (start/stop, for pytest fixtures) or from the
command line (`python -m fake_google`). Each request is
authenticated, matched to a route, passed through the fault rules and the
quota, checked against the method's discovery contract (schema.py), handled
under the store's lock, and logged.

Control endpoints under `/_emulator/` (no token needed; loopback only) let a
test or benchmark in another process set faults, switch quotas and read the
request log.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from fake_google import drive, gmail, schema, sheets
from fake_google.auth import Tokens, authorization_endpoint, check_scope, token_endpoint
from fake_google.faults import Fault, Faults, LogEntry, Quota, RequestLog, error_for
from fake_google.http import Request, Response, Route, error_body, parse_query
from fake_google.schema import SchemaError
from fake_google.store import ApiError, Store

ROUTES: list[Route] = [*sheets.ROUTES, *drive.ROUTES, *gmail.ROUTES]
AUTHORIZATION_PATH = "/o/oauth2/auth"
"""Google's consent page (`auth_uri` of a client secrets file); the emulator approves at once."""


class FakeGoogle:
    """A running emulator: `base_url`, `store`, `faults`, `quota`, `log`, `tokens`."""

    def __init__(self, port: int = 0, state_file: Path | None = None, *, host: str = "127.0.0.1"):
        self.store = Store(state_file)
        self.faults = Faults()
        self.quota = Quota()
        self.log = RequestLog()
        self.tokens = Tokens()
        self.stopping = threading.Event()
        self._server = _Server((host, port), _Handler, self)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        # An AF_INET server's address is (host, port) with a str host.
        host, port = cast("tuple[str, int]", self._server.server_address[:2])
        return f"http://{host}:{port}"

    def start(self) -> FakeGoogle:
        self._thread = threading.Thread(target=self.serve_forever, name="fake-google", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        # A short poll so that stop() returns in a few milliseconds, not socketserver's 0.5 s.
        self._server.serve_forever(poll_interval=0.02)

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self.store.save()

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- conveniences for tests ----------------------------------------------

    def token_for(self, user: str) -> str:
        """An access token for `user` with every scope, as if they had logged in."""
        return self.tokens.issue(user)["access_token"]

    def sent_messages(self) -> list[Message]:
        """Every mail sent through Gmail, parsed by the standard `email` package."""
        with self.store.lock:
            return [gmail.parsed(m) for m in self.store.messages]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, emulator: FakeGoogle):
        super().__init__(address, handler)
        self.emulator = emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (its timeout, a test's hang fault) is not an error of the emulator."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Dropped(Exception):
    """The fault asked to close the connection without answering."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK hold every keep-alive answer back by some 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is the record."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _serve(self) -> None:
        emulator = self.server.emulator
        started = time.perf_counter()
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            self.command,
            split.path,
            parse_query(split.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
            None,
        )
        endpoint, fault_name, refused = "unknown", None, None
        try:
            route, response = self._dispatch(emulator, request)
            endpoint = route.name if route else _control_name(request.path)
            fault_name, refused = response.fault, response.refused
        except _Dropped:
            emulator.log.add(
                LogEntry(
                    time.time(),
                    self.command,
                    split.path,
                    request.params.get("_endpoint", "?"),
                    0,
                    request.user,
                    time.perf_counter() - started,
                    "drop",
                )
            )
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.encode()
        # Logged before answering, so that a client that has its answer also finds it in the log.
        emulator.log.add(
            LogEntry(
                time.time(),
                self.command,
                split.path,
                endpoint,
                response.status,
                request.user,
                time.perf_counter() - started,
                fault_name,
                refused,
            )
        )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _dispatch(self, emulator: FakeGoogle, request: Request) -> tuple[Route | None, Response]:
        if request.path == "/token" and request.method == "POST":
            return None, token_endpoint(emulator.tokens, request)
        if request.path == AUTHORIZATION_PATH and request.method == "GET":
            return None, authorization_endpoint(emulator.tokens, request)
        if request.path.startswith("/_emulator/"):
            try:
                return None, _control(emulator, request)
            except (TypeError, ValueError, KeyError) as exc:  # a bad rule or body: say so, change nothing
                return None, Response(400, {"error": f"{type(exc).__name__}: {exc}"})
        route, params = _match(request)
        if route is None:
            return None, Response(404, _not_found_page(request.path), "text/html; charset=UTF-8")
        request.params = params
        request.params["_endpoint"] = route.name
        try:
            grant = emulator.tokens.grant_for(request.headers.get("authorization"))
            request.user = grant.user
            check_scope(grant, route.api, route.kind, route.name)
            failure = self._apply_faults(emulator, route)
            if failure is not None:
                return route, failure
            # The per-minute quotas are the Sheets API's; Drive and Gmail calls do not spend them.
            limit = emulator.quota.admit(grant.user, route.kind) if route.api == "sheets" else None
            if limit is not None:
                raise _quota_error(route, limit)
            # Google's front end refuses a request that breaks the method's discovery contract
            # before the backend sees it; always on, as it is at Google.
            try:
                schema.check(route, request)
            except SchemaError as error:
                return route, Response(error.code, error.answer, refused=str(error))
            except ApiError as error:  # a field mask the contract refuses
                body = error_body(error, route.api)
                return route, Response(error.code, body, headers=error.headers, refused=str(error))
            with emulator.store.lock:
                response = route.handler(emulator.store, request)
        except ApiError as error:
            response = Response(error.code, error_body(error, route.api), headers=error.headers)
        return route, response

    def _apply_faults(self, emulator: FakeGoogle, route: Route) -> Response | None:
        for fault in emulator.faults.pick(route.name):
            if fault.kind == "latency":
                emulator.stopping.wait(fault.seconds)
                continue
            return _fault_response(emulator, fault, route)
        return None


def _fault_response(emulator: FakeGoogle, fault: Fault, route: Route) -> Response:
    refusal = error_for(fault, route.api, route.name)
    if refusal is not None:  # service_disabled, scope_insufficient: Google's answer for a set-up mistake
        response = Response(refusal.code, error_body(refusal, route.api), headers=refusal.headers)
        response.fault = fault.kind
        return response
    if fault.kind == "drop":
        raise _Dropped()
    if fault.kind == "hang":
        emulator.stopping.wait(fault.seconds or None)
        raise _Dropped()
    if fault.kind == "429":
        error = ApiError(
            429,
            "Resource has been exhausted (e.g. check quota).",
            "RESOURCE_EXHAUSTED",
            reason="rateLimitExceeded",
            headers={"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {},
        )
    elif fault.kind == "rate_limit":
        message = (
            "User Rate Limit Exceeded" if fault.reason == "userRateLimitExceeded" else "Rate Limit Exceeded"
        )
        error = ApiError(
            403,
            message,
            "PERMISSION_DENIED",
            reason=fault.reason,
            headers={"Retry-After": str(fault.retry_after)} if fault.retry_after else {},
        )
        response = Response(403, error_body(error, "drive"), headers=error.headers)
        response.fault = fault.kind
        return response
    else:
        code = int(fault.kind)
        texts = {
            500: ("Internal error encountered.", "INTERNAL"),
            502: ("Bad Gateway", "UNAVAILABLE"),
            503: ("The service is currently unavailable.", "UNAVAILABLE"),
        }
        message, status = texts[code]
        if code == 502:
            response = Response(502, _BAD_GATEWAY_PAGE, "text/html; charset=UTF-8")
            response.fault = fault.kind
            return response
        error = ApiError(code, message, status, reason="backendError")
    response = Response(error.code, error_body(error, route.api), headers=error.headers)
    response.fault = fault.kind
    return response


def _quota_error(route: Route, limit: str) -> ApiError:
    metric = "Read requests" if route.kind == "read" else "Write requests"
    scope = "per minute per user" if limit == "user" else "per minute"
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{metric}' and limit '{metric} {scope}' of service "
        "'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
        "RESOURCE_EXHAUSTED",
        reason="rateLimitExceeded",
    )


def _match(request: Request) -> tuple[Route | None, dict[str, str]]:
    for candidate in ROUTES:
        if candidate.method != request.method:
            continue
        found = candidate.pattern.match(request.path)
        if found:
            return candidate, {k: unquote(v) for k, v in found.groupdict().items() if v is not None}
    return None, {}


def _control_name(path: str) -> str:
    if path == "/token":
        return "oauth.token"
    if path == AUTHORIZATION_PATH:
        return "oauth.authorize"
    return "emulator." + path.removeprefix("/_emulator/").replace("/", ".")


def _control(emulator: FakeGoogle, request: Request) -> Response:
    """Faults, quota and log, for tests and benchmarks in another process."""
    name = request.path.removeprefix("/_emulator/")
    data = json.loads(request.body or b"{}")
    if name == "faults":
        if request.method == "POST":
            rules = data if isinstance(data, list) else [data]
            for rule in rules:  # check every rule before adding any
                Fault(**rule)
            for rule in rules:
                emulator.faults.add(**rule)
        elif request.method == "DELETE":
            emulator.faults.clear()
        return Response(200, {"faults": emulator.faults.rules()})
    if name == "quota" and request.method in ("POST", "PUT"):
        emulator.quota.enabled = bool(data.get("enabled", True))
        emulator.quota.user_limit = int(data.get("user_limit", emulator.quota.user_limit))
        emulator.quota.project_limit = int(data.get("project_limit", emulator.quota.project_limit))
        emulator.quota.reset()
        return Response(200, {"enabled": emulator.quota.enabled})
    if name == "log":
        if request.method == "DELETE":
            emulator.log.clear()
        return Response(200, {"by_endpoint": emulator.log.by_endpoint(), "entries": emulator.log.as_dicts()})
    if name == "token" and request.method == "POST":
        return Response(200, emulator.tokens.issue(str(data["user"])))
    if name == "share" and request.method == "POST":
        with emulator.store.lock:
            file = emulator.store.files[data["file_id"]]
            file.shared[data["email"]] = data.get("role", "reader")
        return Response(200, {"shared": file.shared})
    return Response(404, {"error": f"unknown control endpoint {name}"})


def _not_found_page(path: str) -> bytes:
    return (
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 404 (Not Found)!!1</title>"
        f"<p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>{path}</code> "
        "was not found on this server. <ins>That’s all we know.</ins>"
    ).encode()


_BAD_GATEWAY_PAGE = (
    b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
    b"<p><b>502.</b> <ins>That\xe2\x80\x99s an error.</ins><p>The server encountered a temporary error "
    b"and could not complete your request.<p>Please try again in 30 seconds. "
    b"<ins>That\xe2\x80\x99s all we know.</ins>"
)
