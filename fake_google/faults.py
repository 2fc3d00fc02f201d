"""Google's bad days on demand, its per-minute quotas, and the request log.

Faults are rules matched against an endpoint name (`fnmatch`, so "sheets.*" or
"*"): each fires for its first `times` matching calls, or with probability
`rate` (seeded, so a run can be replayed), until removed.

Besides the bad days, two set-up mistakes Google answers with a 403 can be asked for:
"service_disabled" (the API is not enabled in the Cloud project `project`) and
"scope_insufficient" (the token lacks the method's scope, whatever it holds; without
the fault the emulator gives that answer only when the token really lacks it).
`error_for` builds their answers.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fake_google.store import ApiError

FAULT_KINDS = (
    "latency",  # wait `seconds` then answer normally
    "429",  # RESOURCE_EXHAUSTED, with Retry-After when `retry_after` is set
    "rate_limit",  # Drive's 403 rateLimitExceeded / userRateLimitExceeded (`reason`)
    "500",
    "502",
    "503",
    "drop",  # close the connection without answering
    "hang",  # never answer (until the server stops or `seconds` pass)
    "service_disabled",  # 403 SERVICE_DISABLED: the API is not enabled in `project`
    "scope_insufficient",  # 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT
)
DEFAULT_PROJECT = "000000000000"
"""The Cloud project number Google names in its answers, as in the emulator's quota errors."""


@dataclass
class Fault:
    kind: str
    endpoint: str = "*"
    times: int | None = None
    """Fire for this many matching calls, then stop; None: use `rate`."""
    rate: float = 1.0
    seconds: float = 0.0
    """Latency for "latency"; how long "hang" holds (0: until the server stops)."""
    retry_after: int | None = None
    reason: str = "rateLimitExceeded"
    project: str = DEFAULT_PROJECT
    """The Cloud project number a "service_disabled" answer names."""
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "endpoint": self.endpoint, "times": self.times, "rate": self.rate,
            "seconds": self.seconds, "retry_after": self.retry_after, "reason": self.reason,
            "project": self.project, "fired": self.fired,
        }  # fmt: skip


SERVICES = {
    "sheets": ("sheets.googleapis.com", "Google Sheets API"),
    "drive": ("drive.googleapis.com", "Google Drive API"),
    "gmail": ("gmail.googleapis.com", "Gmail API"),
}
"""Each API's service name and title, as SERVICE_DISABLED answers name them."""


def error_for(fault: Fault, api: str, endpoint: str) -> ApiError | None:
    """The answer of a fault that stands for a set-up mistake, or None for the bad-day kinds."""
    if fault.kind == "service_disabled":
        return service_disabled(api, fault.project)
    if fault.kind == "scope_insufficient":
        from fake_google import auth

        method = auth.method_id(endpoint)
        return auth.insufficient_scope(api, method, auth.discovery_scopes().get(method or "", ()))
    return None


def service_disabled(api: str, project: str = DEFAULT_PROJECT) -> ApiError:
    """Google's 403 for an API that is not enabled in the caller's Cloud project.

    The message is Google's, word for word in every thread that quotes it (burnash/gspread#1286
    for Drive, associatedpress/harvester#10 and home-assistant/core#79744 for Sheets). The
    details are those of recent answers: an ErrorInfo SERVICE_DISABLED in the googleapis.com
    domain whose metadata names the consumer, service, title, container and activation URL,
    a LocalizedMessage repeating the message, and a Help link to the console
    (google-gemini/gemini-cli#1343, lbjlaq/Antigravity-Manager#3058; the Help link as in
    burnash/gspread#1286). Drive and Gmail also keep their `errors[]` entry: domain
    usageLimits, reason accessNotConfigured, extendedHelp (burnash/gspread#1286).
    """
    service, title = SERVICES[api]
    url = f"https://console.developers.google.com/apis/api/{service}/overview?project={project}"
    message = (
        f"{title} has not been used in project {project} before or it is disabled. Enable it by "
        f"visiting {url} then retry. If you enabled this API recently, wait a few minutes for the "
        "action to propagate to our systems and retry."
    )
    body: dict[str, Any] = {"code": 403, "message": message}
    if api != "sheets":
        body["errors"] = [
            {
                "message": message,
                "domain": "usageLimits",
                "reason": "accessNotConfigured",
                "extendedHelp": "https://console.developers.google.com",
            }
        ]
    body["status"] = "PERMISSION_DENIED"
    body["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "consumer": f"projects/{project}",
                "service": service,
                "serviceTitle": title,
                "containerInfo": project,
                "activationUrl": url,
            },
        },
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message},
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Google developers console API activation", "url": url}],
        },
    ]
    return ApiError(403, message, "PERMISSION_DENIED", reason="accessNotConfigured", body=body)


class Faults:
    """The active fault rules. Thread-safe; `pick` is called once per request."""

    def __init__(self, seed: int = 0):
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._random = random.Random(seed)

    def add(self, kind: str, endpoint: str = "*", **options: Any) -> Fault:
        fault = Fault(kind, endpoint, **options)
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_dict() for f in self._rules]

    def pick(self, endpoint: str) -> list[Fault]:
        """The faults that fire for this call: latency ones first, then at most one failure."""
        chosen: list[Fault] = []
        failure = None
        with self._lock:
            for fault in self._rules:
                if not fnmatch.fnmatchcase(endpoint, fault.endpoint):
                    continue
                if fault.times is not None:
                    if fault.fired >= fault.times:
                        continue
                elif self._random.random() >= fault.rate:
                    continue
                if fault.kind == "latency":
                    fault.fired += 1
                    chosen.append(fault)
                elif failure is None:
                    fault.fired += 1
                    failure = fault
        return [*chosen, failure] if failure else chosen


# Google's Sheets API limits: per minute, per user and per project, for reads and writes.
USER_LIMIT = 60
PROJECT_LIMIT = 300
WINDOW = 60.0


class Quota:
    """Sliding one-minute windows of calls, per (user, kind) and per kind for the project."""

    def __init__(
        self,
        enabled: bool = False,
        user_limit: int = USER_LIMIT,
        project_limit: int = PROJECT_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.enabled = enabled
        self.user_limit = user_limit
        self.project_limit = project_limit
        self.clock = clock
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, str], deque[float]] = {}

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    def admit(self, user: str, kind: str) -> str | None:
        """None when the call may go on, else which limit it exceeded ("user" or "project")."""
        if not self.enabled:
            return None
        now = self.clock()
        with self._lock:
            mine = self._window(("user:" + user, kind), now)
            everyone = self._window(("project", kind), now)
            if len(mine) >= self.user_limit:
                return "user"
            if len(everyone) >= self.project_limit:
                return "project"
            mine.append(now)
            everyone.append(now)
        return None

    def _window(self, key: tuple[str, str], now: float) -> deque[float]:
        calls = self._calls.setdefault(key, deque())
        while calls and calls[0] <= now - WINDOW:
            calls.popleft()
        return calls


@dataclass
class LogEntry:
    at: float
    method: str
    path: str
    endpoint: str
    status: int
    user: str | None
    seconds: float
    fault: str | None = None
    refused: str | None = None
    """Google's message when the discovery contract refused the request."""


@dataclass
class RequestLog:
    """Every request the emulator answered (or dropped), for tests and benchmarks to count."""

    entries: list[LogEntry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: LogEntry) -> None:
        with self._lock:
            self.entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def by_endpoint(self, *, api_only: bool = True) -> dict[str, int]:
        with self._lock:
            counts = Counter(
                e.endpoint
                for e in self.entries
                if not (api_only and e.endpoint.startswith(("oauth.", "emulator.")))
            )
        return dict(sorted(counts.items()))

    def count(self, pattern: str = "*") -> int:
        with self._lock:
            return sum(1 for e in self.entries if fnmatch.fnmatchcase(e.endpoint, pattern))

    def refused(self) -> list[LogEntry]:
        """The requests the discovery contract refused (a client sent what Google would not take)."""
        with self._lock:
            return [e for e in self.entries if e.refused is not None]

    def as_dicts(self) -> list[dict[str, Any]]:
        with self._lock:
            return [e.__dict__.copy() for e in self.entries]
