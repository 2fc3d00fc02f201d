"""Google's bad days on demand, its per-minute quotas, and the request log.

Faults are rules matched against an endpoint name (`fnmatch`, so "sheets.*" or
"*"): each fires for its first `times` matching calls, or with probability
`rate` (seeded, so a run can be replayed), until removed.
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

FAULT_KINDS = (
    "latency",  # wait `seconds` then answer normally
    "429",  # RESOURCE_EXHAUSTED, with Retry-After when `retry_after` is set
    "rate_limit",  # Drive's 403 rateLimitExceeded / userRateLimitExceeded (`reason`)
    "500",
    "502",
    "503",
    "drop",  # close the connection without answering
    "hang",  # never answer (until the server stops or `seconds` pass)
)


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
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "endpoint": self.endpoint, "times": self.times, "rate": self.rate,
            "seconds": self.seconds, "retry_after": self.retry_after, "reason": self.reason,
            "fired": self.fired,
        }  # fmt: skip


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

    def as_dicts(self) -> list[dict[str, Any]]:
        with self._lock:
            return [e.__dict__.copy() for e in self.entries]
