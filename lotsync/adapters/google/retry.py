"""Insisting politely on Google's bad days: exponential back-off with full jitter.

Retried: 408, 429, 500, 502, 503, 504, Drive's 403 rateLimitExceeded and
userRateLimitExceeded, dropped connections and timeouts; `Retry-After` is
honoured. Everything else (a 403 permission error, a 404, a 400) fails at once.
Tries and total time are bounded; gspread's own back-off client, which retries
forever and without jitter, is not used. A rate limit (429, Drive's 403 rate
limits) is Google asking to slow down until its per-minute quota refills: those
retries are bounded by `max_seconds` (and `RATE_LIMIT_TRIES` times `max_tries`),
since `max_tries` quick back-offs alone end long before a minute's window slides.
"""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lotsync.adapters.google.errors import answer
from lotsync.core.errors import LotsyncError

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
RATE_LIMIT_TRIES = 4


class GaveUp(LotsyncError):
    """Google kept failing: `last` is the last error, `tries` how many calls were made."""

    def __init__(self, last: BaseException, tries: int):
        super().__init__(str(last))
        self.last = last
        self.tries = tries


@dataclass
class RetryPolicy:
    max_tries: int = 6
    max_seconds: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = field(default_factory=lambda: random.Random().random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter: uniform in [0, min(max_delay, base·2^attempt)], but never before Retry-After."""
        jittered = self.random() * min(self.max_delay, self.base_delay * 2**attempt)
        return max(jittered, retry_after or 0.0)

    def call(self, action: Callable[[], T]) -> T:
        started = self.clock()
        attempt = 0
        while True:
            try:
                return action()
            except Exception as error:  # classified just below; anything else is re-raised
                retry, retry_after = transient(error)
                attempt += 1
                if not retry:
                    raise
                wait = self.delay(attempt - 1, retry_after)
                tries = self.max_tries * (RATE_LIMIT_TRIES if rate_limited(error) else 1)
                if attempt >= tries or self.clock() - started + wait > self.max_seconds:
                    raise GaveUp(error, attempt) from error
                self.sleep(wait)


def transient(error: BaseException) -> tuple[bool, float | None]:
    """Whether an error is worth another try, and the server's Retry-After in seconds.

    Getting a token goes through google-auth, which raises its own errors: a network failure
    (`TransportError`) is retried like any other; a `RefreshError` only when google-auth marks it
    `retryable` (the token endpoint answered 5xx or 429), never a refused grant."""
    from google.auth import exceptions as auth_errors

    if isinstance(error, auth_errors.TransportError):
        return True, None
    if isinstance(error, auth_errors.GoogleAuthError):
        return bool(getattr(error, "retryable", False)), None
    status, headers, body = _http_parts(error)
    if status is None:
        return _is_network_error(error), None
    retry_after = _retry_after(headers)
    if status in RETRYABLE_STATUS:
        return True, retry_after
    if status == 403 and _reason(body) in RATE_LIMIT_REASONS:
        return True, retry_after
    return False, None


def rate_limited(error: BaseException) -> bool:
    """A 429, or Drive's 403 rate limit: the quota will refill, only time is needed."""
    status, _, body = _http_parts(error)
    return status == 429 or (status == 403 and _reason(body) in RATE_LIMIT_REASONS)


def _http_parts(error: BaseException) -> tuple[int | None, Any, Any]:
    found = answer(error)
    return found.status, found.headers, found.body


def _retry_after(headers: Any) -> float | None:
    if headers is None:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _reason(body: Any) -> str | None:
    try:
        return body["error"]["errors"][0]["reason"]
    except (KeyError, IndexError, TypeError):
        return None


def _is_network_error(error: BaseException) -> bool:
    import requests

    network: tuple[type[BaseException], ...] = (
        requests.ConnectionError,
        requests.Timeout,
        ConnectionError,
        TimeoutError,
        socket.timeout,
    )
    try:
        import httplib2

        network = (*network, httplib2.HttpLib2Error)
    except ImportError:  # pragma: no cover - httplib2 comes with googleapiclient
        pass
    return isinstance(error, network)
