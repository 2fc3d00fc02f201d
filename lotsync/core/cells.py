"""Reading cell values as people really type them in French spreadsheets.

Each parser takes a raw cell (whatever the backend returned: a number, a date,
text, or anything else) and returns the value or raises `CellError` with a
French reason; nothing else ever escapes, whatever the cell holds. A value that
cannot be read with certainty is refused, never guessed or rounded.

Parsers of text are cached: real sheets repeat the same strings again and
again. What depends on the sync (`Limits`: the largest amount and pax, the
window of plausible dates) is checked after the cached parse.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from lotsync.core import french
from lotsync.core.errors import LotsyncError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SERIAL_EPOCH = date(1899, 12, 30)
"""Day zero of spreadsheet serial dates (Excel's 1900 system, Google Sheets)."""
SERIAL_RANGE = (1, 2958465)
FIRST_CERTAIN_SERIAL = 61
"""1 March 1900. Below it Excel and Google Sheets disagree: Excel counts a 29 February 1900
that never was (serial 60), so no earlier serial can be read with certainty."""

_CACHED_TEXT = 64
"""Longer texts are parsed without being cached (no real amount, count or date is this long)."""
_LONGEST_TEXT = 10_000
"""Longer texts are refused outright, before any parsing."""
_SHOWN_DIGITS = 40
"""`as_text` shows a number of more digits as "nombre de N chiffres"."""
_FLOAT_INTEGERS = 1e15
"""Numbers this large are far beyond any plausible amount (the configuration caps the limit at 1e9);
floats this large are whole numbers."""


class CellError(LotsyncError, ValueError):
    """A cell that cannot be read; the message says why, in French."""


class FormulaError(str):
    """A cell whose formula gives an error (`#DIV/0!`, `#REF!`, `#N/A`…), as a backend reads it.

    A str, so that messages show it as the spreadsheet does; a type of its own, so that no column
    takes it for something typed: the parsers of the tabs report it as an anomaly naming the cell
    (`headers.formula_errors`), where a plain "#N/A" would have passed for a client's name.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"FormulaError({str.__repr__(self)})"


class Limits(NamedTuple):
    """What a value may be before lotsync calls it implausible: beyond these it is an anomaly,
    never a guess. The configuration's `[limits]` section sets them; the date window is worked
    out from the as-of date by the caller."""

    max_amount: Decimal = Decimal("10000000")
    max_pax: int = 10_000
    earliest: date = date(1900, 3, 1)
    latest: date = date(2100, 12, 31)


DEFAULT_LIMITS = Limits()


class Bounds(NamedTuple):
    """The configured bounds (`[limits]`): the date window moves with the as-of date."""

    max_amount: Decimal = Decimal("10000000")
    max_pax: int = 10_000
    years_back: int = 30
    years_ahead: int = 10

    def window(self, as_of: date) -> Limits:
        """The limits for books at `as_of` (never before 1 March 1900, Excel's first true date)."""
        earliest = max(FIRST_TRUE_DATE, _years_from(as_of, -self.years_back))
        return Limits(self.max_amount, self.max_pax, earliest, _years_from(as_of, self.years_ahead))


FIRST_TRUE_DATE = date(1900, 3, 1)
"""Serial 61: before it, spreadsheets count a 29 February 1900 that never was."""


def _years_from(day: date, years: int) -> date:
    year = min(max(day.year + years, 1), 9999)
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def normalize(value: Any) -> str:
    """Fold case, accents, punctuation and spacing so that "Réf. OT " == "ref ot".

    Any value is accepted (a number is folded as the text `as_text` shows for it)."""
    return normalize_text(value if type(value) is str else as_text(value))


@lru_cache(maxsize=4096)
def normalize_text(text: str) -> str:
    """`normalize` for a value known to be a `str` (as `as_text` returns): one call less per cell."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", stripped).split())


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def ref_key(ref: str) -> str:
    """What a reference is compared by: `cah-26-001` and ` CAH-26-001 ` are the same dossier.

    Only case and surrounding spaces are ignored; the reference itself is kept as typed."""
    return ref.strip().casefold()


def invoice_key(text: str) -> str:
    """What invoice numbers and payment references are compared by: without regard to case, accents
    and spaces (`F 2026-12` is `f2026-12`), punctuation kept (`26-01` is not `2601`)."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def as_text(value: Any) -> str:
    """The raw value as the user would read it, for messages and output tabs. Never raises."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return french.CELL_TRUE if value else french.CELL_FALSE
    if isinstance(value, int):
        return _int_text(int(value))
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _FLOAT_INTEGERS:
            return str(int(value))
        return float.__repr__(value)  # 1234.5, 1e+308, nan, inf
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _duration_text(value)
    if isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) > _SHOWN_DIGITS:
        return french.CELL_HUGE_NUMBER.format(digits=len(value.as_tuple().digits))
    try:
        return str(value).strip()
    except Exception:  # an object whose __str__ fails still gets a name in the anomaly
        return type(value).__name__


def _int_text(number: int) -> str:
    """Its digits, or "nombre de 5001 chiffres" (Python refuses to write an int of over 4,300 digits)."""
    if number.bit_length() <= 128:
        return str(number)
    magnitude = abs(number)
    digits = int((magnitude.bit_length() - 1) * math.log10(2)) + 1
    if magnitude >= 10**digits:
        digits += 1
    return str(number) if digits <= _SHOWN_DIGITS else french.CELL_HUGE_NUMBER.format(digits=digits)


def _duration_text(duration: timedelta) -> str:
    """`26:30:00`, as a spreadsheet shows a duration."""
    seconds = duration.days * 86400 + duration.seconds
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- money --------------------------------------------------------------------
# The French rules, strictly (README, « Les montants ») :
# - the comma is the decimal separator, with one or two digits after it;
# - thousands are separated by a space (ordinary, no-break U+00A0, narrow no-break U+202F or
#   thin U+2009) or a dot, in groups of exactly three digits, the same separator throughout,
#   the first group of one to three digits not starting with 0;
# - a dot is read as the decimal separator only in a number with no other separator and one or
#   two digits after it (`1234.5`), where nothing else is possible; `1.234` is 1 234;
# - `€`, `EUR`, `euro(s)` before or after, with or without a space, then optionally `TTC`;
# - one optional sign first; a negative amount is refused (a cancelled day is a status).

_AMOUNT_TEXT = re.compile(
    r"""(?P<sign>[-+\u2212])?\s*
        (?:(?P<before>€|eur(?:os?)?)\s*)?
        (?P<sign2>[-+\u2212])?\s*
        (?P<number>[0-9](?:[0-9 \u00a0\u202f\u2009.,]*[0-9])?)
        (?:\s*(?P<after>€|eur(?:os?)?))?
        (?:\s*ttc)?""",
    re.VERBOSE | re.IGNORECASE,
)
_AMOUNT_NUMBER = re.compile(
    r"""(?:
            (?P<plain>0|[1-9][0-9]*)
          | (?P<grouped>[1-9][0-9]{0,2}(?P<sep>[ \u00a0\u202f\u2009.])[0-9]{3}(?:(?P=sep)[0-9]{3})*)
        )(?:,(?P<decimals>[0-9]+))?
      | (?P<pointed>0|[1-9][0-9]*)\.(?P<pointed_decimals>[0-9]{1,2})""",
    re.VERBOSE,
)
_FLOAT_NOISE = Decimal("1e-9")
"""A number cell this close to a whole number of cents is that amount (binary noise, 110.00000000000001)."""


def parse_amount(value: Any, limits: Limits = DEFAULT_LIMITS) -> Decimal:
    """Euros, to the cent, from a number cell or text such as `1 234,50 €`, `1.234,50`, `1234.5`."""
    kind = type(value)
    if kind is float and 0.0 <= value < _FLOAT_INTEGERS:  # the common case first: a number cell
        text = repr(value)  # the shortest text that reads back as the same float: 1234.5, 1e-05
        # At most two decimals (an exponent ends in two digits): what was typed. Else the slow way.
        amount = Decimal(text).quantize(CENT) if "." in text[-3:] and value else _amount_of_float(value)
    elif kind is str and len(value) <= _CACHED_TEXT:
        amount = _amount_of_text(value)
    else:
        amount = _amount_of_other(value)
    if amount > limits.max_amount:
        raise CellError(french.CELL_AMOUNT_TOO_LARGE.format(limit=french.money(limits.max_amount)))
    return amount


def _amount_of_float(value: float) -> Decimal:
    """A float in [0, 1e15) as cents: the amount its shortest text shows when that has at most two
    decimals (`parse_amount` inlines this case), else the whole number of cents it is within noise
    of (0.1 + 0.2), else refused."""
    text = repr(value)
    if "." in text[-3:] and value:
        return Decimal(text).quantize(CENT)
    exact = Decimal(value)
    cents = exact.quantize(CENT)
    if abs(exact - cents) > _FLOAT_NOISE:
        raise CellError(french.CELL_TOO_MANY_DECIMALS)
    return cents or ZERO


def _amount_of_other(value: Any) -> Decimal:
    """Any other cell: long text, an odd float, an int, a Decimal; bool and the rest are refused.
    The result is ≥ 0 with two decimals; the caller checks the limit."""
    if isinstance(value, str):
        if len(value) > _LONGEST_TEXT:
            raise CellError(french.CELL_NOT_AN_AMOUNT)
        return _read_amount_text(value)
    if isinstance(value, bool):
        raise CellError(french.CELL_NOT_AN_AMOUNT)
    if isinstance(value, float):  # NaN, infinities, negative, huge, or a subclass (numpy.float64)
        number = float(value)
        if not math.isfinite(number):
            raise CellError(french.CELL_NOT_AN_AMOUNT)
        if number < 0:
            raise CellError(french.CELL_NEGATIVE_AMOUNT)
        return Decimal(number) if number >= _FLOAT_INTEGERS else _amount_of_float(number)
    if isinstance(value, int):
        if value < 0:
            raise CellError(french.CELL_NEGATIVE_AMOUNT)
        return Decimal(int(value)) if value >= 10**15 else Decimal(int(value)).quantize(CENT)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(french.CELL_NOT_AN_AMOUNT)
        if value < 0:
            raise CellError(french.CELL_NEGATIVE_AMOUNT)
        if value >= 10**15:
            return value  # whole or not, far beyond any limit
        cents = value.quantize(CENT)
        if cents != value:
            raise CellError(french.CELL_TOO_MANY_DECIMALS)
        return cents or ZERO
    raise CellError(french.CELL_NOT_AN_AMOUNT)


def _read_amount_text(text: str) -> Decimal:
    """The signed amount a text means by the French rules above (limits are the caller's)."""
    m = _AMOUNT_TEXT.fullmatch(text.strip())
    if m is None or (m["sign"] and m["sign2"]) or (m["before"] and m["after"]):
        raise CellError(french.CELL_NOT_AN_AMOUNT)
    number = _AMOUNT_NUMBER.fullmatch(m["number"])
    if number is None:
        raise CellError(french.CELL_NOT_AN_AMOUNT)
    if number["pointed"] is not None:
        whole, decimals = number["pointed"], number["pointed_decimals"]
    else:
        whole = number["plain"] or number["grouped"].replace(number["sep"], "")
        decimals = number["decimals"] or ""
    negative = (m["sign"] or m["sign2"]) in ("-", "\u2212")
    if negative and (whole.strip("0") or decimals.strip("0")):
        raise CellError(french.CELL_NEGATIVE_AMOUNT)
    if len(decimals) > 2:
        raise CellError(french.CELL_TOO_MANY_DECIMALS)
    return Decimal(f"{whole}.{decimals:0<2}") or ZERO


_amount_of_text = lru_cache(maxsize=65536)(_read_amount_text)


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
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ t][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?")
_WORD_DATE = re.compile(r"([0-9]{1,2})(?:er)? ([a-z]+) ([0-9]{4})")
_SERIAL_TEXT = re.compile(r"[0-9]{1,7}(?:\.0+)?")
_LONGEST_DATE = 100


class _BeyondCalendar(CellError):
    """A serial number past 31 December 9999: reported as outside the sync's window."""


def parse_date(value: Any, limits: Limits = DEFAULT_LIMITS) -> date:
    """A date from a date cell, a serial number or French text (`31/03/26`, `31 mars 2026`),
    within the sync's window of plausible dates."""
    try:
        day = value if type(value) is date else _date_of(value)
    except _BeyondCalendar:
        day = None
    if day is None or not limits.earliest <= day <= limits.latest:
        raise CellError(
            french.CELL_DATE_IMPLAUSIBLE.format(
                earliest=french.short_date(limits.earliest), latest=french.short_date(limits.latest)
            )
        )
    return day


def _date_of(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if len(value) > _LONGEST_DATE:
            raise CellError(french.CELL_NOT_A_DATE)
        return _parse_date_text(value)
    if isinstance(value, time):
        raise CellError(french.CELL_TIME_NOT_A_DATE)
    if isinstance(value, timedelta):
        raise CellError(french.CELL_DURATION_NOT_A_DATE)
    if isinstance(value, bool):
        raise CellError(french.CELL_NOT_A_DATE)
    if isinstance(value, int | float | Decimal):
        return _from_serial(value)
    raise CellError(french.CELL_NOT_A_DATE)


def _from_serial(value: int | float | Decimal) -> date:
    """A spreadsheet serial number (its fraction is a time of day, which a date does not keep)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(french.CELL_NOT_A_DATE)
    if isinstance(value, Decimal) and not value.is_finite():
        raise CellError(french.CELL_NOT_A_DATE)
    if value < 1:
        raise CellError(french.CELL_TIME_NOT_A_DATE if value > 0 else french.CELL_NOT_A_DATE)
    if value < FIRST_CERTAIN_SERIAL:
        raise CellError(french.CELL_SERIAL_TOO_EARLY)
    if value >= SERIAL_RANGE[1] + 1:
        raise _BeyondCalendar(french.CELL_NOT_A_DATE)
    return SERIAL_EPOCH + timedelta(days=int(value))


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
        weekday = None
        if words and words[0] in _WEEKDAYS:
            weekday, words = _WEEKDAYS.index(words[0]), words[1:]
        if (m := _WORD_DATE.fullmatch(" ".join(words))) and m[2] in _MONTHS:
            day = date(int(m[3]), _MONTHS[m[2]], int(m[1]))
            if weekday is not None and day.weekday() != weekday:
                # "lundi 31 mars 2026" was a Tuesday: which of the two was meant cannot be known
                raise CellError(french.CELL_WRONG_WEEKDAY.format(day=_WEEKDAYS[day.weekday()]))
            return day
    except CellError:
        raise
    except ValueError as exc:
        raise CellError(french.CELL_NO_SUCH_DAY) from exc
    if _SERIAL_TEXT.fullmatch(raw):
        return _from_serial(int(raw.partition(".")[0]))
    raise CellError(french.CELL_NOT_A_DATE)


# -- counts -------------------------------------------------------------------

_COUNT_TEXT = re.compile(
    r"""(?:
            (?P<plain>[0-9]+)
          | (?P<grouped>[1-9][0-9]{0,2}(?P<sep>[ \u00a0\u202f\u2009])[0-9]{3}(?:(?P=sep)[0-9]{3})*)
        )
        (?:[.,]0+)?
        (?:\s*(?:pax|personnes?))?""",
    re.VERBOSE | re.IGNORECASE,
)
_COUNT_DIGITS = 18
"""A count text of more digits is refused as too large before it is turned into an int."""


def parse_count(value: Any, limits: Limits = DEFAULT_LIMITS) -> int:
    """A whole number ≥ 0 (a number of participants), at most `limits.max_pax`."""
    if type(value) is int:
        number = value
    elif isinstance(value, str):
        if len(value) > _LONGEST_TEXT:
            raise CellError(french.CELL_NOT_A_COUNT)
        number = _count_of_text(value) if len(value) <= _CACHED_TEXT else _read_count_text(value)
    elif isinstance(value, bool):
        raise CellError(french.CELL_NOT_A_COUNT)
    elif isinstance(value, int):
        number = int(value)
    elif isinstance(value, float | Decimal):
        number = _count_of_number(value, limits)
    else:
        raise CellError(french.CELL_NOT_A_COUNT)
    if number < 0:
        raise CellError(french.CELL_NOT_A_COUNT)
    if number > limits.max_pax:
        raise _too_many(limits)
    return number


def _count_of_number(value: float | Decimal, limits: Limits) -> int:
    """A float or Decimal that is a whole number, compared with the limit before int() (1e308)."""
    if isinstance(value, float):
        if not value.is_integer():  # also NaN and the infinities
            raise CellError(french.CELL_NOT_A_COUNT)
    elif not value.is_finite() or value != value.to_integral_value():
        raise CellError(french.CELL_NOT_A_COUNT)
    if value < 0:
        raise CellError(french.CELL_NOT_A_COUNT)
    if value > limits.max_pax:
        raise _too_many(limits)
    return int(value)


def _too_many(limits: Limits) -> CellError:
    return CellError(french.CELL_COUNT_TOO_LARGE.format(limit=french.integer(limits.max_pax)))


def _read_count_text(text: str) -> int:
    m = _COUNT_TEXT.fullmatch(text.strip())
    if m is None:
        raise CellError(french.CELL_NOT_A_COUNT)
    digits = (m["plain"] or m["grouped"].replace(m["sep"], "")).lstrip("0") or "0"
    return 10**_COUNT_DIGITS if len(digits) > _COUNT_DIGITS else int(digits)


_count_of_text = lru_cache(maxsize=4096)(_read_count_text)


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
    raise CellError(french.CELL_NOT_A_FLAG)
