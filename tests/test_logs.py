"""lotsync.logs: one line per event on stderr, text or JSON, never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from lotsync.logs import MASK, setup_logging


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
    logging.getLogger("lotsync.service").info("sync terminée en %s s", "1,2")
    line = stream.getvalue()
    assert line.count("\n") == 1
    date, time, level, message = line.rstrip("\n").split(" ", 3)
    assert len(date) == 10 and date[4] == "-" and len(time) == 8 and time[2] == ":"
    assert (level, message) == ("INFO", "sync terminée en 1,2 s")


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
    log = logging.getLogger("lotsync.service")
    log.info("sync terminée", extra={"seconds": 1.2, "api_calls": 7})
    log.warning("récapitulatif manqué")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert {"time", "level", "logger", "message"} <= first.keys()
    assert first["level"] == "INFO" and first["logger"] == "lotsync.service"
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
    log = logging.getLogger("lotsync.mail")
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
