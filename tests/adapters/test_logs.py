"""lotsync.adapters.logs: one line per event on stderr, text or JSON, never a secret."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lotsync.adapters.logs import DEBUG_ENV, MASK, setup_logging

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_text_line_is_human_readable() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    logging.getLogger("lotsync.app.service").info("sync terminée en %s s", "1,2")
    line = stream.getvalue()
    assert line.count("\n") == 1
    date, time, level, message = line.rstrip("\n").split(" ", 3)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", date)
    assert re.fullmatch(r"\d\d:\d\d:\d\d[+-]\d\d:\d\d", time), "the time says its zone"
    assert (level, message) == ("INFO", "sync terminée en 1,2 s")


def log_at(
    moment: datetime, message: str, name: str = "lotsync.app.service", level: int = logging.INFO
) -> None:
    """A record as if logged at `moment` (the clock is not the subject here)."""
    record = logging.LogRecord(name, level, __file__, 1, message, None, None)
    record.created = moment.timestamp()
    logging.getLogger(name).handle(record)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 27, 8, 0, 1, tzinfo=PARIS), "2026-11-27 08:00:01+01:00"),
        (datetime(2026, 6, 29, 8, 0, 1, tzinfo=PARIS), "2026-06-29 08:00:01+02:00"),
    ],
)
def test_a_line_carries_the_offset_of_its_zone_in_text_and_json(moment: datetime, text: str) -> None:
    stream = io.StringIO()
    setup_logging(stream=stream, tz=PARIS)
    log_at(moment, "synchronisation réussie en 1.46 s (12 appels API)")
    assert stream.getvalue() == f"{text} INFO synchronisation réussie en 1.46 s (12 appels API)\n"

    stream = io.StringIO()
    setup_logging("json", stream=stream, tz="Europe/Paris")
    log_at(moment, "synchronisation réussie")
    assert json.loads(stream.getvalue())["time"] == text.replace(" ", "T")


def test_without_a_zone_lines_use_the_machines_own_with_its_offset() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    moment = datetime(2026, 11, 27, 7, 0, 1, tzinfo=ZoneInfo("UTC"))
    log_at(moment, "x")
    local = moment.astimezone().isoformat(sep=" ")
    assert stream.getvalue().startswith(f"{local} INFO x")


def test_apschedulers_english_lines_are_kept_for_debugging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    moment = datetime(2026, 11, 27, 8, 0, 1, tzinfo=PARIS)
    stream = io.StringIO()
    setup_logging(stream=stream, tz=PARIS)
    log_at(moment, 'Running job "sync (trigger: cron[...])"', "apscheduler.executors.default")
    log_at(moment, "Scheduler started", "apscheduler.scheduler")
    log_at(moment, 'Run time of job "sync" was missed by 0:00:05', "apscheduler.executors", logging.WARNING)
    log_at(moment, "synchronisation réussie en 1.46 s")
    assert stream.getvalue().splitlines() == [
        "2026-11-27 08:00:01+01:00 INFO synchronisation réussie en 1.46 s"
    ]

    log_at(moment, 'Job "sync" raised an exception', "apscheduler.executors.default", logging.ERROR)
    assert "raised an exception" in stream.getvalue(), "a broken scheduler is never hidden"

    def shown_with(**options) -> str:
        stream = io.StringIO()
        setup_logging(stream=stream, **options)
        log_at(moment, 'Running job "sync"', "apscheduler.executors.default")
        logging.getLogger("lotsync").debug("détail")
        return stream.getvalue()

    assert 'Running job "sync"' in shown_with(debug=True)  # what `lotsync run --debug` will pass
    assert "DEBUG détail" in shown_with(debug=True)
    monkeypatch.setenv(DEBUG_ENV, "1")
    assert 'Running job "sync"' in shown_with()
    assert 'Running job "sync"' not in shown_with(debug=False), "the argument wins over the variable"


def test_text_traceback_stays_on_one_line() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    try:
        raise RuntimeError("Google a répondu 503")
    except RuntimeError:
        logging.getLogger("lotsync").exception("sync en échec")
    assert stream.getvalue().count("\n") == 1
    assert "RuntimeError: Google a répondu 503" in stream.getvalue()


def test_json_lines_carry_extra_fields() -> None:
    stream = io.StringIO()
    setup_logging("json", stream=stream)
    log = logging.getLogger("lotsync.app.service")
    log.info("sync terminée", extra={"seconds": 1.2, "api_calls": 7})
    log.warning("récapitulatif manqué")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert {"time", "level", "logger", "message"} <= first.keys()
    assert first["level"] == "INFO" and first["logger"] == "lotsync.app.service"
    assert first["message"] == "sync terminée"
    assert (first["seconds"], first["api_calls"]) == (1.2, 7)
    assert second["level"] == "WARNING" and "seconds" not in second


def test_setup_twice_does_not_duplicate_lines() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    setup_logging(stream=stream)
    logging.getLogger("lotsync").info("une fois")
    assert stream.getvalue().count("une fois") == 1
    # Switching format replaces the handler too.
    setup_logging("json", stream=stream)
    logging.getLogger("lotsync").info("deux")
    assert stream.getvalue().count("deux") == 1
    assert json.loads(stream.getvalue().splitlines()[-1])["message"] == "deux"


def test_debug_hidden_at_info_level() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    logging.getLogger("lotsync").debug("détail")
    assert stream.getvalue() == ""


def test_unknown_format_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        setup_logging("xml")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secret_values_are_masked(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSYNC_SMTP_PASSWORD", "hunter2-sesame")
    monkeypatch.setenv("GMAIL_REFRESH_TOKEN", "1//0gAbCdEf")
    monkeypatch.setenv("MY_CLIENT_SECRET", "s3cr3t-value")
    monkeypatch.setenv("LOTSYNC_SMTP_USER", "offices@example.org")
    stream = io.StringIO()
    setup_logging(fmt, stream=stream)
    log = logging.getLogger("lotsync.adapters.mail")
    log.error("login refusé avec %s", "hunter2-sesame")
    log.info("jeton 1//0gAbCdEf", extra={"detail": "secret=s3cr3t-value"})
    try:
        raise ValueError("mot de passe hunter2-sesame refusé")
    except ValueError:
        log.exception("échec")
    log.info("utilisateur offices@example.org")
    out = stream.getvalue()
    for secret in ("hunter2-sesame", "1//0gAbCdEf", "s3cr3t-value"):
        assert secret not in out
    assert out.count(MASK) >= 4
    assert "offices@example.org" in out  # not a secret: its variable's name says USER
