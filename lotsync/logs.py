"""Logging for `lotsync run`: one line per event on stderr, text or JSON, secrets masked.

    setup_logging()              # 2026-11-27 08:00:01 INFO sync terminée en 1,2 s
    setup_logging("json")        # {"time": "...", "level": "INFO", "logger": "lotsync.service", ...}

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
from datetime import datetime
from typing import Any, TextIO

FORMATS = ("text", "json")
MASK = "***"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN")
MIN_SECRET_LENGTH = 4
"""Shorter values ("1", "yes") would mask half the log; they are not secrets anyway."""

_HANDLER_MARK = "_lotsync_handler"
_TEXT_DATE = "%Y-%m-%d %H:%M:%S"
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


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s", datefmt=_TEXT_DATE)

    def format(self, record: logging.LogRecord) -> str:
        # One line per event: a traceback's lines are joined so that `grep` keeps them together.
        return mask(super().format(record).replace("\n", " | "))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds"),
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


def setup_logging(fmt: str = "text", level: int | str = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every log record (lotsync's, APScheduler's) to `stream` (stderr), one line each."""
    if fmt not in FORMATS:
        raise ValueError(f"format de journal inconnu : {fmt!r} ({', '.join(FORMATS)})")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(SecretFilter())
    root.addHandler(handler)
    root.setLevel(level)
