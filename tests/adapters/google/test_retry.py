"""Google's bad days: the retry policy alone, then every fault kind and the quotas on the emulator.

Nothing really waits: the policy's `sleep` is a fake clock's, which records each delay and
moves the time the policy (and, for the quota tests, the emulator's quota) sees.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import gspread
import httplib2
import pytest
import requests
from google.auth import exceptions as auth_errors
from googleapiclient.errors import HttpError

from lotsync.adapters.google.retry import RATE_LIMIT_TRIES, GaveUp, RetryPolicy, rate_limited, transient
from lotsync.core.model import AnomalyKind

from .conftest import RESULT_TABS, SHARED, Demo, FakeClock, Uploaded

SA_EMAIL = "lotsync-demo@fake-project.iam.gserviceaccount.com"

# -- errors as the client libraries raise them ---------------------------------------------


def sheets_error(status: int, retry_after: str | None = None, reason: str | None = None) -> gspread.APIError:
    """What gspread's HTTP client raises for a Sheets error answer."""
    response = requests.Response()
    response.status_code = status
    response.url = "https://sheets.googleapis.com/v4/spreadsheets/x"
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    error: dict[str, Any] = {"code": status, "message": "m", "status": "S"}
    if reason:
        error["errors"] = [{"reason": reason, "domain": "global", "message": "m"}]
    response._content = json.dumps({"error": error}).encode()
    return gspread.exceptions.APIError(response)


def drive_error(status: int, reason: str, retry_after: str | None = None) -> HttpError:
    """What googleapiclient raises for a Drive error answer."""
    headers = {"status": str(status), "content-type": "application/json"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    body = {
        "error": {"code": status, "message": "m", "errors": [{"reason": reason, "domain": "usageLimits"}]}
    }
    return HttpError(httplib2.Response(headers), json.dumps(body).encode())


def failing(*errors: BaseException, result: str = "ok") -> Callable[[], str]:
    """An action that raises these errors in turn, then returns `result`; `.calls` counts calls."""
    pending = list(errors)

    def action() -> str:
        action.calls += 1  # type: ignore[attr-defined]
        if pending:
            raise pending.pop(0)
        return result

    action.calls = 0  # type: ignore[attr-defined]
    return action


def policy(clock: FakeClock, **options: Any) -> RetryPolicy:
    return RetryPolicy(sleep=clock.sleep, clock=clock, random=random.Random(1).random, **options)


# -- RetryPolicy ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    clock = FakeClock()
    action = failing(sheets_error(status), sheets_error(status))
    assert policy(clock).call(action) == "ok"
    assert action.calls == 3 and len(clock.delays) == 2


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_drives_403_rate_limits_are_retried(reason: str) -> None:
    clock = FakeClock()
    action = failing(drive_error(403, reason))
    assert policy(clock).call(action) == "ok"
    assert action.calls == 2
    assert rate_limited(drive_error(403, reason))


@pytest.mark.parametrize(
    "error",
    [
        sheets_error(403),
        sheets_error(403, reason="forbidden"),
        drive_error(403, "insufficientFilePermissions"),
        drive_error(403, "fileNotDownloadable"),
        sheets_error(404),
        drive_error(404, "notFound"),
        sheets_error(400),
        sheets_error(401),
    ],
    ids=["403", "403-forbidden", "drive-403", "drive-403-download", "404", "drive-404", "400", "401"],
)
def test_permission_errors_missing_files_and_bad_requests_fail_at_once(error: BaseException) -> None:
    clock = FakeClock()
    action = failing(error)
    with pytest.raises(type(error)) as raised:
        policy(clock).call(action)
    assert raised.value is error
    assert action.calls == 1 and clock.delays == []
    assert transient(error) == (False, None)


@pytest.mark.parametrize(
    "error",
    [
        requests.ConnectionError("reset"),
        requests.ReadTimeout("slow"),
        ConnectionResetError(),
        TimeoutError(),
        httplib2.ServerNotFoundError("dns"),
    ],
    ids=type,
)
def test_dropped_connections_and_timeouts_are_retried(error: BaseException) -> None:
    clock = FakeClock()
    assert policy(clock).call(failing(error)) == "ok"
    assert len(clock.delays) == 1


@pytest.mark.parametrize(
    ("error", "tries"),
    [
        (auth_errors.TransportError("connection reset while refreshing the token"), 2),
        (auth_errors.RefreshError("internal_failure", retryable=True), 2),
        (auth_errors.RefreshError("invalid_grant: Token has been expired or revoked."), 1),
    ],
    ids=["network", "token-endpoint-5xx", "refused-grant"],
)
def test_token_refresh_errors_are_retried_like_other_network_errors(error: BaseException, tries: int) -> None:
    clock = FakeClock()
    calls = []

    def refresh() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return "ok"

    if tries == 1:
        with pytest.raises(auth_errors.RefreshError):
            policy(clock).call(refresh)
    else:
        assert policy(clock).call(refresh) == "ok"
    assert len(calls) == tries


def test_a_programming_error_is_not_retried() -> None:
    clock = FakeClock()
    action = failing(ValueError("bug"))
    with pytest.raises(ValueError):
        policy(clock).call(action)
    assert action.calls == 1


@pytest.mark.parametrize(
    "error",
    [
        sheets_error(429, retry_after="7"),
        sheets_error(503, retry_after="7"),
        drive_error(403, "rateLimitExceeded", "7"),
    ],
    ids=["429", "503", "drive-403"],
)
def test_retry_after_is_honoured(error: BaseException) -> None:
    clock = FakeClock()
    assert policy(clock).call(failing(error)) == "ok"
    assert clock.delays[0] >= 7
    assert transient(error) == (True, 7.0)


def test_retry_after_is_waited_even_when_the_jitter_draws_zero() -> None:
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, clock=clock, random=lambda: 0.0)
    assert retry.call(failing(sheets_error(429, retry_after="3"), sheets_error(500))) == "ok"
    assert clock.delays == [3.0, 0.0]


def test_tries_are_bounded_by_max_tries() -> None:
    clock = FakeClock()
    error = sheets_error(503)
    action = failing(*[error] * 50)
    with pytest.raises(GaveUp) as raised:
        policy(clock, max_tries=4).call(action)
    assert raised.value.tries == 4 and raised.value.last is error
    assert action.calls == 4 and len(clock.delays) == 3


def test_total_time_is_bounded_by_max_seconds() -> None:
    clock = FakeClock()
    action = failing(*[sheets_error(503, retry_after="40")] * 50)
    with pytest.raises(GaveUp):
        policy(clock, max_tries=20, max_seconds=100).call(action)
    assert clock.delays == [40.0, 40.0], "a third wait would end after max_seconds"
    assert sum(clock.delays) <= 100


def test_a_rate_limit_outlasts_a_quota_minute_but_stays_bounded() -> None:
    """Six quick back-offs end within seconds; a per-minute quota needs a minute."""
    clock = FakeClock()
    started = clock.now
    action = failing(*[sheets_error(429)] * 1000)
    retry = policy(clock, max_tries=6, max_seconds=120)
    with pytest.raises(GaveUp) as raised:
        retry.call(action)
    assert sum(clock.delays) > 60, "long enough for a one-minute window to slide"
    assert clock.now - started <= 120
    assert raised.value.tries <= 6 * RATE_LIMIT_TRIES

    clock = FakeClock()
    action = failing(*[sheets_error(500)] * 1000)
    with pytest.raises(GaveUp) as raised:
        policy(clock, max_tries=6, max_seconds=120).call(action)
    assert raised.value.tries == 6, "other errors: max_tries"


@pytest.mark.parametrize("attempt", range(10))
def test_full_jitter_stays_within_zero_and_the_capped_exponential(attempt: int) -> None:
    retry = RetryPolicy(base_delay=0.5, max_delay=32.0, random=random.Random(attempt).random)
    cap = min(32.0, 0.5 * 2**attempt)
    delays = [retry.delay(attempt, None) for _ in range(400)]
    assert all(0 <= d <= cap for d in delays)
    assert min(delays) < 0.1 * cap and max(delays) > 0.9 * cap, "full jitter: the whole range is used"
    assert RetryPolicy(random=lambda: 0.0).delay(attempt, None) == 0.0
    edge = RetryPolicy(base_delay=0.5, max_delay=32.0, random=lambda: 1.0).delay(attempt, None)
    assert edge == pytest.approx(cap)


def test_the_backend_uses_the_configured_bounds(demo: Demo) -> None:
    config = demo.with_google(max_tries=3, max_seconds=42)
    backend = demo.backend(config)
    assert (backend.retry.max_tries, backend.retry.max_seconds) == (3, 42)
    assert backend.retry.sleep == demo.clock.sleep


# -- every fault kind of the emulator, end to end -----------------------------------------------


def results(demo: Demo) -> dict[str, Any]:
    return {title: demo.tab(title) for title in RESULT_TABS}


def expected_results(uploaded: Uploaded) -> dict[str, Any]:
    spreadsheet = uploaded.synced[uploaded.ids[SHARED]]
    return {
        sheet.title: {k: c.value for k, c in sheet.cells.items() if c.value not in (None, "")}
        for sheet in spreadsheet.sheets
        if sheet.title in RESULT_TABS
    }


HANG_TIMEOUT = 1.0
"""google.timeout for the tests where the emulator hangs: a normal call takes well under it."""

RECOVERED = [
    pytest.param("latency", "sheets.*", {"seconds": 0.05}, 0, id="latency"),
    pytest.param("429", "sheets.spreadsheets.get", {"times": 2}, 2, id="429"),
    pytest.param("429", "sheets.values.batchGet", {"times": 1, "retry_after": 9}, 1, id="429-retry-after"),
    pytest.param("500", "sheets.spreadsheets.get", {"times": 2}, 2, id="500"),
    pytest.param("502", "sheets.values.batchGet", {"times": 2}, 2, id="502"),
    pytest.param("503", "sheets.spreadsheets.batchUpdate", {"times": 2}, 2, id="503-on-the-write"),
    pytest.param("drop", "sheets.spreadsheets.get", {"times": 2}, 2, id="drop"),
    pytest.param("drop", "sheets.spreadsheets.batchUpdate", {"times": 1}, 1, id="drop-on-the-write"),
    pytest.param("hang", "sheets.spreadsheets.get", {"times": 1, "seconds": 2}, 1, id="hang"),
    pytest.param(
        "hang", "sheets.spreadsheets.batchUpdate", {"times": 1, "seconds": 2}, 1, id="hang-on-write"
    ),
]


@pytest.mark.parametrize(("kind", "endpoint", "options", "retries"), RECOVERED)
def test_a_passing_fault_ends_in_a_successful_sync_after_retries(
    demo: Demo, uploaded: Uploaded, kind: str, endpoint: str, options: dict[str, Any], retries: int
) -> None:
    config = demo.with_google(timeout=HANG_TIMEOUT) if kind == "hang" else demo.config
    fault = demo.google.faults.add(kind, endpoint, **options)

    outcome = demo.sync(config)

    assert outcome.error is None and outcome.written
    assert fault.fired == options.get("times", demo.google.log.count("sheets.*"))
    assert not [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]
    assert len(demo.clock.delays) == retries
    if "retry_after" in options:
        assert demo.clock.delays == [pytest.approx(options["retry_after"])], "Retry-After honoured"
    else:  # full jitter: at most base·2^n after the n-th retry of one call (base 0.5 s)
        assert all(0 <= d <= 0.5 * 2 ** (retries - 1) for d in demo.clock.delays), demo.clock.delays
    assert results(demo) == expected_results(uploaded), "the same tabs as on a good day"
    journal_lines = {r for r, _ in demo.tab("Journal")}
    assert len(journal_lines) == 3, "marker, header and exactly one line: nothing written twice"


def test_drives_rate_limit_on_an_excel_source_is_retried(demo: Demo, uploaded: Uploaded) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")
    config = demo.with_sources(figeac=f"drive:{excel_id}")
    fault = demo.google.faults.add("rate_limit", "drive.files.get", times=2, retry_after=4)
    user_fault = demo.google.faults.add(
        "rate_limit", "drive.files.get", times=1, reason="userRateLimitExceeded"
    )

    outcome = demo.sync(config)

    assert outcome.error is None and outcome.written
    assert fault.fired == 2 and user_fault.fired == 1
    assert demo.clock.delays[:2] == [pytest.approx(4), pytest.approx(4)]
    assert len(demo.clock.delays) == 3
    shown_as_on_drive = {
        title: {k: v.replace("figeac.xlsx", "figeac") if isinstance(v, str) else v for k, v in cells.items()}
        for title, cells in results(demo).items()
    }
    assert shown_as_on_drive == expected_results(uploaded)


FAILED_WRITE = [
    pytest.param("429", {}, id="429"),
    pytest.param("429", {"retry_after": 30}, id="429-retry-after"),
    pytest.param("500", {}, id="500"),
    pytest.param("502", {}, id="502"),
    pytest.param("503", {}, id="503"),
    pytest.param("drop", {}, id="drop"),
    pytest.param("hang", {"seconds": 2}, id="hang"),
]


@pytest.mark.parametrize(("kind", "options"), FAILED_WRITE)
def test_a_lasting_fault_on_the_write_fails_cleanly_with_nothing_written(
    synced: Demo, kind: str, options: dict[str, Any]
) -> None:
    demo = synced
    config = demo.with_google(max_tries=2, max_seconds=100)
    if kind == "hang":
        config = demo.with_google(timeout=HANG_TIMEOUT, max_tries=2, max_seconds=100)
    demo.google.faults.add(kind, "sheets.spreadsheets.batchUpdate", **options)
    before = demo.snapshot()

    outcome = demo.sync(config)

    assert outcome.failed and not outcome.written
    assert demo.snapshot() == before, "nothing written"
    message = outcome.error or ""
    assert "Google n'a pas répondu correctement après" in message
    assert "Rien n'a été écrit" in message
    assert f"https://docs.google.com/spreadsheets/d/{demo.shared_id}/edit" in message
    assert ("HTTP " + kind) in message if kind.isdigit() else "connexion impossible" in message
    if options.get("retry_after"):
        assert all(d >= options["retry_after"] for d in demo.clock.delays), demo.clock.delays
    assert sum(demo.clock.delays) <= 100


@pytest.mark.parametrize("kind", ["500", "503", "drop", "hang", "latency"])
def test_a_lasting_fault_on_reading_fails_cleanly_with_nothing_written(synced: Demo, kind: str) -> None:
    demo = synced
    config = demo.with_google(timeout=HANG_TIMEOUT, max_tries=2)
    demo.google.faults.add(kind, "sheets.spreadsheets.get", seconds=3)
    before = demo.snapshot()

    outcome = demo.sync(config)

    assert outcome.failed and not outcome.written
    assert demo.snapshot() == before
    assert "Google n'a pas répondu correctement après 2 essais" in (outcome.error or "")
    assert demo.google.log.count("sheets.spreadsheets.batchUpdate") == 0


def test_a_drive_source_that_keeps_failing_is_reported_and_the_rest_written(demo: Demo) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")
    config = demo.with_sources(figeac=f"drive:{excel_id}")
    config = config.model_copy(update={"google": config.google.model_copy(update={"max_tries": 2})})
    demo.google.faults.add("rate_limit", "drive.files.get")

    outcome = demo.sync(config)

    anomaly = next(a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE)
    assert anomaly.office == "figeac"
    assert f"https://drive.google.com/file/d/{excel_id}/view" in anomaly.message
    assert "HTTP 403" in anomaly.message and "Réessayez plus tard" in anomaly.message
    assert outcome.written, "the other offices' results are still written"
    assert len(demo.clock.delays) >= 2, "Drive's rate limit was retried"


# -- the per-minute quotas -------------------------------------------------------------------


def quota_on(demo: Demo, limit: int = 60) -> None:
    demo.google.quota.enabled = True
    demo.google.quota.clock = demo.clock
    demo.google.quota.user_limit = limit
    demo.google.quota.reset()


def statuses(demo: Demo) -> list[int]:
    return [e.status for e in demo.google.log.entries if e.endpoint.startswith("sheets.")]


def test_with_googles_quotas_syncs_of_the_demo_in_one_minute_get_no_429(synced: Demo) -> None:
    demo = synced
    quota_on(demo)
    for _ in range(3):
        outcome = demo.sync()
        assert outcome.error is None
    assert 429 not in statuses(demo)
    assert demo.clock.delays == []


def test_with_the_minute_nearly_spent_elsewhere_the_sync_waits_for_the_quota_and_recovers(
    synced: Demo, uploaded: Uploaded
) -> None:
    demo = synced
    quota_on(demo)
    for _ in range(58):  # another program of the same account read a lot just before
        assert demo.google.quota.admit(SA_EMAIL, "read") is None

    # One reader at a time: the fake clock adds up the waits of concurrent readers, which in real
    # time overlap, so with several of them the 120 s budget would be spent faster than it is.
    outcome = demo.sync(demo.with_google(concurrency=1))

    assert outcome.error is None and outcome.written
    assert not [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]
    assert 429 in statuses(demo)
    assert demo.clock.now - 1000.0 >= 60, "it waited for the window to slide"
    assert results(demo) == expected_results(uploaded)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_with_very_low_quotas_a_sync_of_the_demo_recovers_from_every_429(
    demo: Demo, uploaded: Uploaded, concurrency: int
) -> None:
    quota_on(demo, limit=3)
    # The fake clock adds up the waits of concurrent readers (in real time they overlap): the
    # time budget is scaled by as much, so that it stays the 120 s each reader has in real time.
    config = demo.with_google(concurrency=concurrency, max_seconds=120 * concurrency)

    outcome = demo.sync(config)

    assert outcome.error is None and outcome.written
    assert not [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]
    assert statuses(demo).count(429) >= 1
    assert statuses(demo)[-1] == 200
    assert results(demo) == expected_results(uploaded)


def test_a_write_whose_answer_is_lost_is_not_applied_twice(synced: Demo) -> None:
    import time

    demo = synced
    lines_before = len({r for r, _ in demo.tab("Journal")})
    demo.google.faults.add("latency", "sheets.spreadsheets.batchUpdate", seconds=1.3, times=1)

    outcome = demo.sync(demo.with_google(timeout=HANG_TIMEOUT))
    deadline = time.monotonic() + 3
    while demo.google.log.count("sheets.spreadsheets.batchUpdate") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the first, slow request is applied after lotsync stopped waiting for it

    assert outcome.written
    assert len({r for r, _ in demo.tab("Journal")}) == lines_before + 1
