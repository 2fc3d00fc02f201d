"""Reading cell values as people really type them in French spreadsheets.

Each parser takes a raw cell (whatever the backend returned: a number, a date,
text) and returns the value or raises `CellError` with a French reason. Parsers
of text are cached: real sheets repeat the same strings again and again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, NamedTuple

from lotsync import messages

CENT = Decimal("0.01")
SERIAL_EPOCH = date(1899, 12, 30)
"""Day zero of spreadsheet serial dates (Excel's 1900 system, Google Sheets)."""
SERIAL_RANGE = (1, 2958465)


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in French."""


class Limits(NamedTuple):
    """What a value may be before lotsync calls it implausible: beyond these it is an anomaly,
    never a guess. The configuration's `[limits]` section sets them; the date window is worked
    out from the as-of date by the caller."""

    max_amount: Decimal = Decimal("10000000")
    max_pax: int = 10_000
    earliest: date = date(1900, 3, 1)
    latest: date = date(2100, 12, 31)


DEFAULT_LIMITS = Limits()


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing so that "Réf. OT " == "ref ot"."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped).split())


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """The raw value as the user would read it, for messages and output tabs."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- money --------------------------------------------------------------------

_CURRENCY = re.compile(r"(€|eur(os?)?|ttc|ht)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


def parse_amount(value: Any) -> Decimal:
    """Euros from a number cell or text such as `1 234,50 €`, `1.234,50`, `1234.5`."""
    if isinstance(value, bool):
        raise CellError(messages.CELL_NOT_AN_AMOUNT)
    if isinstance(value, int):
        return Decimal(value).quantize(CENT)
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: no binary noise.
        return to_cents(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return to_cents(value)
    if isinstance(value, str):
        return _parse_amount_text(value)
    raise CellError(messages.CELL_NOT_AN_AMOUNT)


@lru_cache(maxsize=65536)
def _parse_amount_text(text: str) -> Decimal:
    cleaned = _SPACES.sub("", _CURRENCY.sub("", text.strip()))
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-+()")
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned):
        raise CellError(messages.CELL_NOT_AN_AMOUNT)
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_sep = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if cleaned.count(decimal_sep) > 1:
            raise CellError(messages.CELL_NOT_AN_AMOUNT)
        integer, _, fraction = cleaned.partition(decimal_sep)
        integer = _ungroup(integer, group_sep)
    elif commas + dots == 0:
        integer, fraction = cleaned, ""
    else:
        sep = "," if commas else "."
        parts = cleaned.split(sep)
        if len(parts) > 2 or len(parts[-1]) == 3:
            # "1.234.567" or "1.234": a thousands separator, as French writes it.
            integer, fraction = _ungroup(cleaned, sep), ""
        else:
            integer, fraction = parts
    if not integer:
        integer = "0"
    if len(fraction) > 2 and fraction.rstrip("0")[2:]:
        raise CellError(messages.CELL_TOO_MANY_DECIMALS)
    try:
        amount = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex above guards this
        raise CellError(messages.CELL_NOT_AN_AMOUNT) from exc
    return to_cents(-amount if negative else amount)


def _ungroup(text: str, sep: str) -> str:
    groups = text.split(sep)
    if any(len(g) != 3 for g in groups[1:]) or not groups[0] or len(groups[0]) > 3:
        raise CellError(messages.CELL_NOT_AN_AMOUNT)
    return "".join(groups)


# -- dates --------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?")
_WORD_DATE = re.compile(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})")


def parse_date(value: Any) -> date:
    """A date from a date cell, a serial number or French text (`31/03/26`, `31 mars 2026`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(messages.CELL_NOT_A_DATE)
    if isinstance(value, int | float | Decimal):
        return _from_serial(value)
    if isinstance(value, str):
        return _parse_date_text(value)
    raise CellError(messages.CELL_NOT_A_DATE)


def _from_serial(value: int | float | Decimal) -> date:
    days = int(value)
    if not SERIAL_RANGE[0] <= days <= SERIAL_RANGE[1]:
        raise CellError(messages.CELL_NOT_A_DATE)
    return SERIAL_EPOCH + timedelta(days=days)


@lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> date:
    raw = text.strip().casefold()
    try:
        if m := _ISO_DATE.fullmatch(raw):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC_DATE.fullmatch(raw):
            year = int(m[3])
            if len(m[3]) == 2:
                year += 2000 if year < 70 else 1900
            return date(year, int(m[2]), int(m[1]))
        words = normalize(raw).split()
        if words and words[0] in _WEEKDAYS:
            words = words[1:]
        if (m := _WORD_DATE.fullmatch(" ".join(words))) and m[2] in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        if re.fullmatch(r"\d+(\.0+)?", raw):
            return _from_serial(int(raw.split(".")[0]))
    except ValueError as exc:
        raise CellError(messages.CELL_NO_SUCH_DAY) from exc
    raise CellError(messages.CELL_NOT_A_DATE)


# -- counts -------------------------------------------------------------------


def parse_count(value: Any) -> int:
    """A whole number ≥ 0 (a number of participants)."""
    if isinstance(value, bool):
        raise CellError(messages.CELL_NOT_A_COUNT)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if value != int(value):
            raise CellError(messages.CELL_NOT_A_COUNT)
        number = int(value)
    elif isinstance(value, str):
        text = _SPACES.sub("", value).casefold().removesuffix("pax").removesuffix("personnes")
        if not re.fullmatch(r"\d+([.,]0+)?", text):
            raise CellError(messages.CELL_NOT_A_COUNT)
        number = int(re.split(r"[.,]", text)[0])
    else:
        raise CellError(messages.CELL_NOT_A_COUNT)
    if number < 0:
        raise CellError(messages.CELL_NOT_A_COUNT)
    return number


# -- yes / no -----------------------------------------------------------------

_YES = {"oui", "o", "x", "yes", "y", "true", "vrai", "1", "rembourse", "fait", "ok"}
_NO = {"", "non", "n", "no", "false", "faux", "0", "a rembourser", "en attente"}


def parse_flag(value: Any) -> bool:
    """`oui`/`non` (blank is no), as typed in the `Remboursé` column."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    word = normalize(as_text(value))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(messages.CELL_NOT_A_FLAG)
