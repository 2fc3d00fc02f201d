"""Logging for `lotsync run`: one line per event on stderr, text or JSON, secrets masked.

    setup_logging()              # 2026-11-27 08:00:01+01:00 INFO sync terminée en 1,2 s
    setup_logging("json")        # {"time": "2026-11-27T08:00:01+01:00", "level": "INFO", ...}
    setup_logging(debug=True)    # also DEBUG lines, and APScheduler's own (as LOTSYNC_DEBUG=1 does)

Every time carries its offset, so that a line read in another zone, or across a change
of summer time, means one instant: the machine's zone, or `tz` (the collective's).
APScheduler's lines ("Running job …", "Added job …") are English and say nothing lotsync's
own French lines do not: they are shown only in debug mode, except its errors (a broken
scheduler is never hidden).

Calling `setup_logging` again replaces lotsync's handler instead of adding another.
A filter masks the value of every environment variable whose name contains
PASSWORD, SECRET or TOKEN wherever it would appear in a line (message, fields,
traceback).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from lotsync.adapters import french

FORMATS = ("text", "json")
MASK = "***"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN")
MIN_SECRET_LENGTH = 4
"""Shorter values ("1", "yes") would mask half the log; they are not secrets anyway."""

DEBUG_ENV = "LOTSYNC_DEBUG"
"""Set to 1 (or true, yes, oui, on) for debug lines, APScheduler's included."""
_TRUE = {"1", "true", "yes", "oui", "on"}
SCHEDULER_LOGGER = "apscheduler"

_HANDLER_MARK = "_lotsync_handler"
# Attributes every LogRecord has: anything else came from `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of the environment variables that look like secrets, longest first."""
    environ = os.environ if environ is None else environ
    values = {
        value
        for name, value in environ.items()
        if any(word in name.upper() for word in SECRET_WORDS) and len(value) >= MIN_SECRET_LENGTH
    }
    return sorted(values, key=len, reverse=True)


def mask(text: str, secrets: list[str] | None = None) -> str:
    for secret in secret_values() if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """Replaces secret values in a record's message and string fields (read at each record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = secret_values()
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to logging's own error report
            return True
        record.msg, record.args = mask(message, secrets), None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask(value, secrets))
        return True


class QuietScheduler(logging.Filter):
    """Drops APScheduler's records below ERROR (its English chatter about every job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == SCHEDULER_LOGGER or record.name.startswith(SCHEDULER_LOGGER + ".")
        return not own or record.levelno >= logging.ERROR


def debug_from_env(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(DEBUG_ENV, "")
    return value.strip().lower() in _TRUE


def _moment(record: logging.LogRecord, tz: tzinfo | None) -> datetime:
    if tz is None:
        return datetime.fromtimestamp(record.created).astimezone()  # the machine's zone
    return datetime.fromtimestamp(record.created, tz)


class TextFormatter(logging.Formatter):
    """`2026-11-27 08:00:01+01:00 INFO message`."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.tz = tz

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _moment(record, self.tz).isoformat(sep=" ", timespec="seconds")

    def format(self, record: logging.LogRecord) -> str:
        # One line per event: a traceback's lines are joined so that `grep` keeps them together.
        return mask(super().format(record).replace("\n", " | "))


class JsonFormatter(logging.Formatter):
    def __init__(self, tz: tzinfo | None = None) -> None:
        super().__init__()
        self.tz = tz

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": _moment(record, self.tz).isoformat(timespec="seconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return mask(json.dumps(data, ensure_ascii=False, default=str))


def setup_logging(
    fmt: str = "text",
    level: int | str = logging.INFO,
    stream: TextIO | None = None,
    *,
    debug: bool | None = None,
    tz: tzinfo | str | None = None,
) -> None:
    """Send log records to `stream` (stderr), one line each.

    `debug` (default: $LOTSYNC_DEBUG) lowers the level to DEBUG and lets APScheduler's lines
    through; `tz` is the zone of the times written (default: the machine's), e.g. the
    collective's `Europe/Paris`.
    """
    if fmt not in FORMATS:
        raise ValueError(french.LOG_UNKNOWN_FORMAT.format(fmt=fmt, formats=", ".join(FORMATS)))
    if debug is None:
        debug = debug_from_env()
    if debug:
        level = logging.DEBUG
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter(zone) if fmt == "json" else TextFormatter(zone))
    if not debug:
        handler.addFilter(QuietScheduler())
    handler.addFilter(SecretFilter())
    root.addHandler(handler)
    root.setLevel(level)
