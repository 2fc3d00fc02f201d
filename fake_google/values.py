"""What a cell holds and how it reads back, as Google Sheets does it.

Writing:
* RAW stores JSON values as they are: numbers as numbers, booleans, strings as
  text (even "12" or "=A1").
* USER_ENTERED reads a string the way a user typing it in the spreadsheet's
  `locale` would get it: numbers ("1,234.5" in en_US, "1 234,5" in fr_FR) as
  numbers, "12%" as 0.12 under a percent format, "$5" / "5 €" as currency,
  TRUE/FALSE (VRAI/FAUX in French...) as booleans, dates and times ("1/2/2024",
  "02/01/2024" in fr_FR, "2024-01-02", "13:45") as serial numbers under a date
  or time format, "=..." as a formula, and a leading "'" keeps the rest as text.
  "" empties the cell; null leaves it untouched (the caller skips it).

Reading (`render`):
* FORMATTED_VALUE renders through the cell's number format with the locale's
  symbols ("#,##0.00 [$€-1]" on 1234.5 is "1 234,50 €" in fr_FR; narrow no-break
  spaces as French uses); numbers without a format render in the automatic style
  ("1234.5", "1234,5" in fr_FR); booleans as TRUE/FALSE (VRAI/FAUX...).
* UNFORMATTED_VALUE and FORMULA return numbers and booleans as JSON values; dates
  as serial numbers, or formatted when dateTimeRenderOption is FORMATTED_STRING.

Formats (`normalize_style`, `user_entered_format`, `effective_format`): what was set on a
cell comes back as `userEnteredFormat`; `effectiveFormat` is that over the spreadsheet's
`defaultFormat`, with the alignment Google gives each kind of value.

The group separator is the locale's own, from the CLDR through Babel (fr_FR: U+202F); spaces
and symbols written in a pattern (`#,##0.00 "€"`, `#,##0.00\\ [$€-40C]`) are rendered as
written. Which space Google itself puts between thousands in fr_FR could not be checked: no
stored recording or issue shows a French formatted value byte for byte.

Formulas are stored and returned as their text; they are NEVER computed. Under
FORMATTED_VALUE and UNFORMATTED_VALUE a formula cell therefore returns its formula
text ("=SUM(A1:A3)"), not a result. Serial numbers are wall-clock times in the
spreadsheet's time zone, so `timeZone` needs no conversion here (it would only
matter for NOW() and TODAY(), which are not computed).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_day_names, get_month_names
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol, get_territory_currencies

from fake_google.store import Cell

SERIAL_EPOCH = datetime(1899, 12, 30)
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})
VALUE_RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER_OPTIONS = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")

_BOOLEAN_WORDS = {
    "fr": ("VRAI", "FAUX"),
    "de": ("WAHR", "FALSCH"),
    "es": ("VERDADERO", "FALSO"),
    "it": ("VERO", "FALSO"),
    "pt": ("VERDADEIRO", "FALSO"),
    "nl": ("WAAR", "ONWAAR"),
}
_SPACES = " \u00a0\u202f"
_CURRENCY_SYMBOLS = ("$", "€", "£", "¥")


# -- locale ------------------------------------------------------------------


@dataclass(frozen=True)
class LocaleInfo:
    """The symbols and habits of one spreadsheet locale."""

    decimal: str
    group: str
    currency: str
    currency_pattern: str
    """The locale's currency format as a Sheets pattern: '"$"#,##0.00', '#,##0.00 "€"'."""
    date_order: str
    """"MDY", "DMY" or "YMD": how the locale writes a short date."""
    date_pattern: str
    time_pattern: str
    true_word: str
    false_word: str
    months: tuple[Mapping[int, str], Mapping[int, str]]
    """(abbreviated, wide) month names, 1-based."""
    days: tuple[Mapping[int, str], Mapping[int, str]]
    """(abbreviated, wide) weekday names, 0 = Monday."""


@lru_cache(maxsize=64)
def locale_info(name: str | None) -> LocaleInfo:
    """Babel's data for `name` ("fr_FR"); en_US when Babel does not know it."""
    try:
        loc = Locale.parse(name or "en_US")
    except (UnknownLocaleError, ValueError):
        loc = Locale.parse("en_US")
    short = get_date_format("short", locale=loc).pattern
    order = "".join(sorted("dMy", key=lambda letter: short.find(letter) if letter in short else 9))
    date_pattern = re.sub(r"y+", "yyyy", short)
    words = _BOOLEAN_WORDS.get(loc.language, ("TRUE", "FALSE"))
    return LocaleInfo(
        decimal=get_decimal_symbol(loc),
        group=get_group_symbol(loc),
        currency=_locale_currency(loc),
        currency_pattern=_currency_pattern(loc),
        date_order=order.replace("d", "D").replace("M", "M").replace("y", "Y"),
        date_pattern=date_pattern,
        time_pattern="h:mm:ss AM/PM" if "a" in _time_pattern(loc) else "HH:mm:ss",
        true_word=words[0],
        false_word=words[1],
        months=(get_month_names("abbreviated", locale=loc), get_month_names("wide", locale=loc)),
        days=(get_day_names("abbreviated", locale=loc), get_day_names("wide", locale=loc)),
    )


def _time_pattern(loc: Locale) -> str:
    return loc.time_formats["medium"].pattern


def _currency_pattern(loc: Locale) -> str:
    pattern = loc.currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("\u00a0", " ").replace("\u202f", " ")
    return pattern.replace("¤", '"' + _locale_currency(loc) + '"')


def _locale_currency(loc: Locale) -> str:
    codes = get_territory_currencies(loc.territory) if loc.territory else []
    return get_currency_symbol(codes[0], locale=loc) if codes else "$"


# -- writing -----------------------------------------------------------------


def from_json(value: Any, input_option: str, locale: str | None) -> tuple[Any, dict[str, Any] | None]:
    """The stored value and the number format it brings, for one JSON value of a request."""
    if isinstance(value, bool | int | float):
        return _number(value), None
    if value is None:
        return None, None
    text = str(value)
    if input_option == "RAW":
        return (text or None), None
    return parse_user_entered(text, locale)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def parse_user_entered(text: str, locale: str | None) -> tuple[Any, dict[str, Any] | None]:
    """What typing `text` in a cell gives: (value, detected number format or None)."""
    if text == "":
        return None, None
    if text.startswith("'"):
        return text[1:], None
    if text.startswith("=") and len(text) > 1:
        return text, None
    info = locale_info(locale)
    stripped = text.strip()
    for parser in (_parse_boolean, _parse_plain_number, _parse_percent, _parse_currency, _parse_date_time):
        parsed = parser(stripped, info)
        if parsed is not None:
            return parsed
    return text, None


def _parse_boolean(text: str, info: LocaleInfo) -> tuple[Any, None] | None:
    upper = text.upper()
    if upper in ("TRUE", info.true_word):
        return True, None
    if upper in ("FALSE", info.false_word):
        return False, None
    return None


def _group_class(info: LocaleInfo) -> str:
    group = _SPACES if info.group in _SPACES else info.group
    return "[" + re.escape(group) + "]"


def _number_regexes(info: LocaleInfo) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    decimal = re.escape(info.decimal)
    plain = re.compile(rf"([+-]?)(\d+(?:{decimal}\d*)?|{decimal}\d+)")
    grouped = re.compile(rf"([+-]?)(\d{{1,3}}(?:{_group_class(info)}\d{{3}})+)({decimal}\d*)?")
    scientific = re.compile(rf"([+-]?)(\d+(?:{decimal}\d*)?[eE][+-]?\d+)")
    return plain, grouped, scientific


def _to_number(digits: str, info: LocaleInfo) -> int | float:
    for space in _SPACES + info.group:
        if space != info.decimal:
            digits = digits.replace(space, "")
    digits = digits.replace(info.decimal, ".")
    number = float(digits)
    return _number(number)


def _parse_plain_number(text: str, info: LocaleInfo) -> tuple[int | float, dict[str, Any] | None] | None:
    plain, grouped, scientific = _number_regexes(info)
    match = plain.fullmatch(text)
    if match:
        return _signed(match.group(1), _to_number(match.group(2), info)), None
    match = grouped.fullmatch(text)
    if match:
        number = _to_number(match.group(2) + (match.group(3) or ""), info)
        pattern = "#,##0.00" if match.group(3) and len(match.group(3)) > 1 else "#,##0"
        return _signed(match.group(1), number), {"type": "NUMBER", "pattern": pattern}
    match = scientific.fullmatch(text)
    if match:
        return _signed(match.group(1), _to_number(match.group(2), info)), {
            "type": "SCIENTIFIC",
            "pattern": "0.00E+00",
        }
    return None


def _signed(sign: str, number: int | float) -> int | float:
    return -number if sign == "-" else number


def _parse_percent(text: str, info: LocaleInfo) -> tuple[Any, dict[str, Any]] | None:
    if not text.endswith("%"):
        return None
    parsed = _parse_plain_number(text[:-1].rstrip(_SPACES), info)
    if parsed is None:
        return None
    number = parsed[0]
    has_decimals = info.decimal in text
    value = _number(float(Decimal(str(number)) / 100))
    return value, {"type": "PERCENT", "pattern": "0.00%" if has_decimals else "0%"}


def _parse_currency(text: str, info: LocaleInfo) -> tuple[Any, dict[str, Any]] | None:
    symbols = {info.currency, *_CURRENCY_SYMBOLS}
    for symbol in sorted(symbols, key=len, reverse=True):
        found = _strip_symbol(text, symbol)
        if found is None:
            continue
        rest, prefix, spaced = found
        sign = ""
        if rest.startswith("-"):
            sign, rest = "-", rest[1:].lstrip(_SPACES)
        parsed = _parse_plain_number(rest, info)
        if parsed is None or (sign and rest.startswith(("+", "-"))):
            continue
        quoted = '"' + symbol + '"'
        pattern = f"{quoted}#,##0.00" if prefix else "#,##0.00" + (" " if spaced else "") + quoted
        return _signed(sign, parsed[0]), {"type": "CURRENCY", "pattern": pattern}
    return None


def _strip_symbol(text: str, symbol: str) -> tuple[str, bool, bool] | None:
    """(number text, symbol was a prefix, a space separated it) when `text` carries `symbol`."""
    negative = text.startswith("-")
    body = text[1:] if negative else text
    if body.startswith(symbol):
        rest = body[len(symbol) :]
        return ("-" if negative else "") + rest.lstrip(_SPACES), True, rest[:1] in _SPACES and rest != ""
    if text.endswith(symbol):
        rest = text[: -len(symbol)]
        return rest.rstrip(_SPACES), False, rest[-1:] in _SPACES and rest != ""
    return None


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?")
_NUMERIC_DATE = re.compile(r"(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{1,4}))?")


def _parse_date_time(text: str, info: LocaleInfo) -> tuple[Any, dict[str, Any]] | None:
    clock = _parse_time(text)
    if clock is not None:
        seconds, pattern = clock
        return _number(seconds / 86400), {"type": "TIME", "pattern": pattern}
    whole = _parse_date(text, info) or _parse_named_date(text, info)
    if whole is not None:
        day, pattern = whole
        return _serial_of_date(day), {"type": "DATE", "pattern": pattern}
    date_text, _, time_text = text.partition(" ")
    day_part = _parse_date(date_text, info)
    clock = _parse_time(time_text.strip()) if day_part is not None and time_text.strip() else None
    if day_part is None or clock is None:
        return None
    (day, date_pattern), (seconds, time_pattern) = day_part, clock
    serial = _number(_serial_of_date(day) + seconds / 86400)
    return serial, {"type": "DATE_TIME", "pattern": f"{date_pattern} {time_pattern}"}


def _parse_time(text: str) -> tuple[float, str] | None:
    """Seconds since midnight and the pattern echoing how it was typed."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    seconds = int(match.group(3) or 0) + int((match.group(4) or "0").ljust(3, "0")) / 1000
    meridiem = (match.group(5) or "").upper()
    if minutes > 59 or seconds >= 60 or (meridiem and not 1 <= hours <= 12) or (hours > 23 and not meridiem):
        return None
    if meridiem:
        hours = hours % 12 + (12 if meridiem == "P" else 0)
    shown = ":ss" if match.group(3) else ""
    pattern = f"h:mm{shown} AM/PM" if meridiem else f"H:mm{shown}"
    return hours * 3600 + minutes * 60 + seconds, pattern


def _parse_date(text: str, info: LocaleInfo) -> tuple[date, str] | None:
    """(day, pattern) for numeric dates in the locale's order; "1/2" is in the current year."""
    match = _NUMERIC_DATE.fullmatch(text)
    if match is None or (match.group(4) is None and match.group(2) != "/"):
        return None
    first, separator, second, third = match.groups()
    if len(first) == 4:
        if third is None:
            return None
        year, month, day = int(first), int(second), int(third)
        pattern = "yyyy-mm-dd" if separator == "-" else f"yyyy{separator}mm{separator}dd"
    else:
        if third is not None and len(third) == 3:
            return None
        parts = {"M": 0, "D": 0, "Y": date.today().year}
        order = [letter for letter in info.date_order if letter != "Y"] if third is None else info.date_order
        if order[0] == "Y":
            return None
        for letter, number in zip(order, (first, second, third), strict=False):
            if number is not None:
                parts[letter] = int(number)
        if third is not None and len(third) <= 2:
            parts["Y"] = _full_year(int(third))
        year, month, day = parts["Y"], parts["M"], parts["D"]
        pattern = info.date_pattern
    try:
        return date(year, month, day), pattern
    except ValueError:
        return None


def _full_year(two_digits: int) -> int:
    return 2000 + two_digits if two_digits < 30 else 1900 + two_digits


def _parse_named_date(text: str, info: LocaleInfo) -> tuple[date, str] | None:
    """'2 janv. 2024', 'January 2, 2024', '2 Jan 2024'."""
    names = _month_lookup(info)
    match = re.fullmatch(r"(\d{1,2})\.?\s+([^\W\d]+\.?)\s+(\d{4})", text)
    if match:
        day, name, year = match.groups()
        pattern = "d {month} yyyy"
    else:
        match = re.fullmatch(r"([^\W\d]+\.?)\s+(\d{1,2}),?\s+(\d{4})", text)
        if match is None:
            return None
        name, day, year = match.groups()
        pattern = "{month} d, yyyy"
    month = names.get(name.lower().rstrip("."))
    if month is None:
        return None
    full = name.lower() in {
        n.lower() for source in (info.months[1], locale_info("en_US").months[1]) for n in source.values()
    }
    pattern = pattern.format(month="mmmm" if full else "mmm")
    try:
        return date(int(year), month, int(day)), pattern
    except ValueError:
        return None


def _month_lookup(info: LocaleInfo) -> dict[str, int]:
    english = locale_info("en_US")
    lookup: dict[str, int] = {}
    for source in (*english.months, *info.months):
        for number, name in source.items():
            lookup[name.lower().rstrip(".")] = number
    return lookup


def _serial_of_date(day: date) -> int:
    return (day - SERIAL_EPOCH.date()).days


def serial_of(moment: datetime | date | time) -> int | float:
    """Spreadsheet serial number of a date, a datetime or a time of day."""
    if isinstance(moment, datetime):
        delta = moment.replace(tzinfo=None) - SERIAL_EPOCH
        return _number(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    if isinstance(moment, date):
        return _serial_of_date(moment)
    return _number((moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400)


def datetime_of(serial: float) -> datetime:
    """The wall-clock moment of a serial number, to the millisecond."""
    return SERIAL_EPOCH + timedelta(milliseconds=round(serial * 86400000))


# -- reading -----------------------------------------------------------------


def is_empty(cell: Cell | None) -> bool:
    return cell is None or cell.value is None or cell.value == ""


def render(cell: Cell | None, value_option: str, date_option: str, locale: str | None) -> Any:
    """The value of `cell` as values.get returns it; "" for an empty cell."""
    if is_empty(cell):
        return ""
    assert cell is not None
    value = cell.value
    if value_option == "FORMATTED_VALUE":
        return format_value(value, cell.number_format, locale)
    if isinstance(value, str | bool):
        return value
    if date_option == "FORMATTED_STRING" and is_date_format(cell.number_format):
        return format_value(value, cell.number_format, locale)
    return _number(value)


def is_date_format(number_format: dict[str, Any] | None) -> bool:
    return bool(number_format and number_format.get("type") in DATE_TYPES)


def format_value(value: Any, number_format: dict[str, Any] | None, locale: str | None) -> str:
    """FORMATTED_VALUE of one value."""
    info = locale_info(locale)
    if isinstance(value, bool):
        return info.true_word if value else info.false_word
    pattern = effective_pattern(number_format, info)
    if isinstance(value, str):
        return _format_text(value, pattern)
    if pattern is None:
        return automatic(value, info)
    return format_number(value, pattern, info)


def effective_pattern(number_format: dict[str, Any] | None, info: LocaleInfo) -> str | None:
    """The pattern a number format applies: its own, or the locale's default for its type."""
    if not number_format:
        return None
    pattern = number_format.get("pattern")
    if pattern:
        return pattern
    kind = number_format.get("type", "NUMBER_FORMAT_TYPE_UNSPECIFIED")
    defaults = {
        "TEXT": "@",
        "NUMBER": "#,##0.00",
        "PERCENT": "0.00%",
        "CURRENCY": info.currency_pattern,
        "DATE": info.date_pattern,
        "TIME": info.time_pattern,
        "DATE_TIME": f"{info.date_pattern} {info.time_pattern}",
        "SCIENTIFIC": "0.00E+00",
    }
    return defaults.get(kind)


def automatic(value: float, info: LocaleInfo) -> str:
    """A number under Google's automatic format: as short as it is exact, up to 10 decimals."""
    if value != 0 and (abs(value) >= 1e15 or abs(value) < 1e-9):
        mantissa, exponent = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}E{sign}{int(exponent[1:]):02d}"
    elif float(value).is_integer():
        text = str(int(value))
    else:
        text = format(round(value, 10), ".15g")
        if "e" in text:
            text = format(Decimal(text), "f")
    return text.replace(".", info.decimal)


# -- number format patterns --------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str
    """lit, digit, dot, comma, percent, exp, text, or date."""
    text: str = ""


_DATE_LETTERS = set("yYmMdDhHsS")
_ELAPSED = {"h", "hh", "m", "mm", "s", "ss"}


def split_sections(pattern: str) -> list[str]:
    """A pattern's ';'-separated sections, ignoring ';' inside quotes and brackets."""
    sections, current, quoted, bracket = [], [], False, False
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and not quoted:
            current.append(pattern[position : position + 2])
            position += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "[" and not quoted:
            bracket = True
        elif char == "]" and not quoted:
            bracket = False
        if char == ";" and not quoted and not bracket:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    sections.append("".join(current))
    return sections


@lru_cache(maxsize=512)
def tokenize(section: str) -> tuple[Token, ...]:
    """The tokens of one pattern section."""
    tokens: list[Token] = []
    position = 0
    while position < len(section):
        token, position = _next_token(section, position, tokens)
        if token is not None:
            tokens.append(token)
    return tuple(_resolve_minutes(tokens))


def _next_token(section: str, position: int, tokens: list[Token]) -> tuple[Token | None, int]:
    char = section[position]
    rest = section[position:]
    if char == '"':
        end = section.find('"', position + 1)
        end = len(section) if end < 0 else end
        return Token("lit", section[position + 1 : end]), end + 1
    if char == "\\":
        return Token("lit", section[position + 1 : position + 2]), position + 2
    if char == "_":
        return Token("lit", " "), position + 2
    if char == "*":
        return None, position + 2
    if char == "[":
        return _bracket(section, position)
    if char in "0#?":
        return Token("digit", char), position + 1
    if char == ".":
        return _dot(section, position, tokens)
    if char == ",":
        return Token("comma"), position + 1
    if char == "%":
        return Token("percent"), position + 1
    if char in "Ee" and rest[1:2] in ("+", "-"):
        return Token("exp", rest[1]), position + 2
    if char == "@":
        return Token("text"), position + 1
    if rest.upper().startswith("AM/PM"):
        return Token("date", "AM/PM" if rest[0] == "A" else "am/pm"), position + 5
    if rest.upper().startswith("A/P"):
        return Token("date", rest[:3]), position + 3
    if char in _DATE_LETTERS:
        end = position
        while end < len(section) and _same_letter(section[end], char):
            end += 1
        return Token("date", section[position:end]), end
    return Token("lit", char), position + 1


def _same_letter(candidate: str, letter: str) -> bool:
    """Runs of a date letter, case-blind except m (minutes/months) and M (months)."""
    if letter.lower() == "m":
        return candidate == letter
    return candidate.lower() == letter.lower()


def _bracket(section: str, position: int) -> tuple[Token | None, int]:
    end = section.find("]", position)
    end = len(section) if end < 0 else end
    content = section[position + 1 : end]
    if content.startswith("$"):
        return Token("lit", content[1:].split("-")[0]), end + 1
    if content.lower() in _ELAPSED:
        return Token("date", "[" + content.lower() + "]"), end + 1
    return None, end + 1  # colours and conditions change nothing in the text


def _dot(section: str, position: int, tokens: list[Token]) -> tuple[Token, int]:
    previous = next((t for t in reversed(tokens) if t.kind != "lit"), None)
    if previous is not None and previous.kind == "date" and previous.text.lower().lstrip("[").startswith("s"):
        end = position + 1
        while end < len(section) and section[end] == "0":
            end += 1
        return Token("date", "." + "0" * (end - position - 1)), end
    return Token("dot"), position + 1


def _resolve_minutes(tokens: list[Token]) -> list[Token]:
    """Lowercase m/mm means minutes right after hours or right before seconds."""
    dated = [i for i, t in enumerate(tokens) if t.kind == "date"]
    resolved = list(tokens)
    for place, index in enumerate(dated):
        token = tokens[index]
        if token.text not in ("m", "mm"):
            continue
        before = tokens[dated[place - 1]].text.lower() if place > 0 else ""
        after = tokens[dated[place + 1]].text.lower() if place + 1 < len(dated) else ""
        if before.lstrip("[").startswith("h") or after.lstrip("[").startswith("s"):
            resolved[index] = Token("date", "minute" + str(len(token.text)))
    return resolved


def _format_text(value: str, pattern: str | None) -> str:
    if not pattern:
        return value
    sections = split_sections(pattern)
    section = sections[3] if len(sections) >= 4 else next((s for s in sections if "@" in s), None)
    if section is None:
        return value
    out = []
    for token in tokenize(section):
        out.append(value if token.kind == "text" else token.text if token.kind == "lit" else "")
    return "".join(out)


def format_number(value: float, pattern: str, info: LocaleInfo) -> str:
    """`value` under a Sheets number format pattern."""
    if pattern.strip().lower() == "general":
        return automatic(value, info)
    sections = split_sections(pattern)
    section, signed = _pick_section(value, sections)
    tokens = tokenize(section)
    if any(t.kind == "date" for t in tokens):
        return _format_date(value, tokens, info)
    if not any(t.kind in ("digit", "dot") for t in tokens):
        return "".join(t.text for t in tokens if t.kind == "lit") or automatic(value, info)
    text, is_zero = _format_digits(abs(value), tokens, info)
    if signed and value < 0 and not is_zero:
        return "-" + text
    return text


def _pick_section(value: float, sections: list[str]) -> tuple[str, bool]:
    """(section, whether a minus sign must be added)."""
    numeric = sections[:3]
    if value < 0 and len(numeric) >= 2:
        return numeric[1], False
    if value == 0 and len(numeric) >= 3:
        return numeric[2], False
    return numeric[0], True


def _format_digits(value: float, tokens: tuple[Token, ...], info: LocaleInfo) -> tuple[str, bool]:
    """Render the digit placeholders; (text, rounded to zero)."""
    layout = _NumberLayout.of(tokens)
    scaled = Decimal(repr(float(value))) * (100**layout.percents) / (1000**layout.scale_commas)
    exponent = 0
    if layout.exponent_sign is not None and scaled != 0:
        exponent = math.floor(math.log10(scaled)) - (max(layout.integer_digits, 1) - 1)
        scaled = scaled.scaleb(-exponent)
    rounded = scaled.quantize(Decimal(1).scaleb(-layout.decimals), rounding=ROUND_HALF_UP)
    if layout.exponent_sign is not None and rounded >= Decimal(10) ** max(layout.integer_digits, 1):
        exponent += 1
        rounded = (scaled / 10).quantize(Decimal(1).scaleb(-layout.decimals), rounding=ROUND_HALF_UP)
    integer_text, fraction_text = _split_rounded(rounded, layout)
    out: list[str] = []
    integer_done = False
    for token in _number_tokens(tokens):
        if token.kind == "digit" and not integer_done:
            out.append(_group(integer_text, info) if layout.grouping else integer_text)
            integer_done = True
        elif token.kind == "dot":
            out.append(info.decimal + fraction_text)
        elif token.kind == "exp":
            sign = "-" if exponent < 0 else ("+" if token.text == "+" else "")
            out.append("E" + sign + str(abs(exponent)).rjust(layout.exponent_digits, "0"))
        elif token.kind == "percent":
            out.append("%")
        elif token.kind == "lit":
            out.append(token.text)
    if not integer_done:
        out.insert(0, integer_text)
    return "".join(out), rounded == 0


def _number_tokens(tokens: tuple[Token, ...]) -> list[Token]:
    """Tokens with the fraction and exponent digits folded into their dot and exp."""
    kept: list[Token] = []
    in_tail = False
    for token in tokens:
        if token.kind in ("dot", "exp"):
            in_tail = True
            kept.append(token)
        elif token.kind == "digit" and in_tail:
            continue
        else:
            kept.append(token)
    return kept


@dataclass(frozen=True)
class _NumberLayout:
    integer_digits: int
    integer_zeros: int
    decimals: int
    decimal_zeros: int
    grouping: bool
    scale_commas: int
    percents: int
    exponent_sign: str | None
    exponent_digits: int

    @classmethod
    def of(cls, tokens: tuple[Token, ...]) -> _NumberLayout:
        integer: list[str] = []
        fraction: list[str] = []
        exponent: list[str] = []
        part = integer
        grouping = False
        trailing_commas = 0
        exponent_sign = None
        for token in tokens:
            if token.kind == "dot":
                part = fraction
            elif token.kind == "exp":
                part, exponent_sign = exponent, token.text
            elif token.kind == "digit":
                if part is integer and trailing_commas:
                    grouping, trailing_commas = True, 0
                part.append(token.text)
            elif token.kind == "comma" and part is integer and integer:
                trailing_commas += 1
        return cls(
            integer_digits=len(integer),
            integer_zeros=integer.count("0"),
            decimals=len(fraction),
            decimal_zeros=fraction.count("0"),
            grouping=grouping,
            scale_commas=trailing_commas,
            percents=sum(1 for t in tokens if t.kind == "percent"),
            exponent_sign=exponent_sign,
            exponent_digits=max(exponent.count("0"), 1),
        )


def _split_rounded(rounded: Decimal, layout: _NumberLayout) -> tuple[str, str]:
    text = format(abs(rounded), "f")
    integer_text, _, fraction_text = text.partition(".")
    integer_text = integer_text.lstrip("0")
    integer_text = integer_text.rjust(layout.integer_zeros, "0")
    fraction_text = fraction_text.ljust(layout.decimals, "0")[: layout.decimals]
    while len(fraction_text) > layout.decimal_zeros and fraction_text.endswith("0"):
        fraction_text = fraction_text[:-1]
    return integer_text, fraction_text


def _group(digits: str, info: LocaleInfo) -> str:
    if len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return info.group.join(parts)


def _format_date(value: float, tokens: tuple[Token, ...], info: LocaleInfo) -> str:
    shows_fraction = any(t.kind == "date" and t.text.startswith(".") for t in tokens)
    moment = datetime_of(value)
    if not shows_fraction:
        moment = datetime_of(round(value * 86400) / 86400)
    twelve_hour = any(t.kind == "date" and "/" in t.text for t in tokens)
    literal = {"comma": ",", "dot": ".", "percent": "%"}
    return "".join(
        _date_part(t.text, moment, value, twelve_hour, info)
        if t.kind == "date"
        else literal.get(t.kind, t.text)
        for t in tokens
        if t.kind in ("date", "lit", *literal)
    )


def _date_part(code: str, moment: datetime, serial: float, twelve_hour: bool, info: LocaleInfo) -> str:
    lower = code.lower()
    if lower.startswith("y"):
        return str(moment.year)[-2:] if len(code) <= 2 else str(moment.year)
    if lower.startswith("minute"):
        return str(moment.minute).zfill(int(code[-1]))
    if lower.startswith("m"):
        return _month_part(len(code), moment.month, info)
    if lower.startswith("d"):
        return _day_part(len(code), moment, info)
    if lower.startswith("h"):
        hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
        return str(hour).zfill(len(code))
    if lower.startswith("s"):
        return str(moment.second).zfill(len(code))
    if code.startswith("."):
        return info.decimal + str(moment.microsecond // 1000).zfill(3)[: len(code) - 1]
    if "/" in code:
        return _meridiem(code, moment.hour)
    return _elapsed(lower, serial)


def _month_part(width: int, month: int, info: LocaleInfo) -> str:
    if width <= 2:
        return str(month).zfill(width)
    if width == 3:
        return info.months[0][month]
    name = info.months[1][month]
    return name[0] if width == 5 else name


def _day_part(width: int, moment: datetime, info: LocaleInfo) -> str:
    if width <= 2:
        return str(moment.day).zfill(width)
    return info.days[0 if width == 3 else 1][moment.weekday()]


def _meridiem(code: str, hour: int) -> str:
    after_noon = hour >= 12
    text = ("PM" if after_noon else "AM") if code.upper() == "AM/PM" else ("P" if after_noon else "A")
    return text.lower() if code[0].islower() else text


def _elapsed(code: str, serial: float) -> str:
    seconds = round(serial * 86400)
    unit = {"[h]": 3600, "[hh]": 3600, "[m]": 60, "[mm]": 60}.get(code, 1)
    return str(seconds // unit).zfill(len(code) - 2)


def float32(value: float) -> float:
    """The shortest decimal that survives a trip through a 32-bit float, as Google prints colours."""
    single = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        candidate = float(f"{single:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == single:
            return _number(candidate)
    return single


def quantize_color(color: dict[str, Any]) -> dict[str, Any]:
    """A colour as Google keeps it: 8-bit channels, printed as 32-bit floats, zeros left out."""
    out = {}
    for channel in ("red", "green", "blue", "alpha"):
        value = color.get(channel)
        if value is None:
            continue
        stored = float32(int(float(value) * 255) / 255) if channel != "alpha" else float(value)
        if stored:
            out[channel] = stored
    return out


# -- cell formats ------------------------------------------------------------
#
# A cell's `userEnteredFormat` is what was set on it; its `effectiveFormat` is that
# over the spreadsheet's `defaultFormat`, with what Google adds when it renders: an
# alignment by the kind of value and `hyperlinkDisplayType`. The shape follows a
# real answer of spreadsheets.get with grid data (a number cell: "horizontalAlignment":
# "RIGHT", a text cell: "LEFT", "fontFamily": "Arial" although defaultFormat says
# "arial,sans,sans-serif", "hyperlinkDisplayType": "PLAIN_TEXT"), quoted in a comment of
# a public project's schema file (SpreadsheetSchema, found with the search tool), and
# keys come in the order of CellFormat's fields, as Google prints them.

CELL_FORMAT_ORDER = (
    "numberFormat",
    "backgroundColor",
    "borders",
    "padding",
    "horizontalAlignment",
    "verticalAlignment",
    "wrapStrategy",
    "textDirection",
    "textFormat",
    "hyperlinkDisplayType",
    "textRotation",
    "backgroundColorStyle",
)
TEXT_FORMAT_ORDER = (
    "foregroundColor",
    "fontFamily",
    "fontSize",
    "bold",
    "italic",
    "strikethrough",
    "underline",
    "foregroundColorStyle",
    "link",
)


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    rank = {key: i for i, key in enumerate(order)}
    return {key: data[key] for key in sorted(data, key=lambda k: rank.get(k, len(order)))}


def _color_pair(data: dict[str, Any], plain: str, styled: str) -> None:
    """Google stores a colour both ways (`backgroundColor` and `backgroundColorStyle`); the
    style wins when both are given, as the API reference says of every *ColorStyle field."""
    style, color = data.get(styled), data.get(plain)
    if isinstance(style, dict) and isinstance(style.get("rgbColor"), dict):
        rgb = quantize_color(style["rgbColor"])
        data[plain], data[styled] = rgb, {"rgbColor": dict(rgb)}
    elif isinstance(style, dict) and style.get("themeColor"):
        data.pop(plain, None)
        data[styled] = {"themeColor": style["themeColor"]}
    elif isinstance(color, dict):
        rgb = quantize_color(color)
        data[plain], data[styled] = rgb, {"rgbColor": dict(rgb)}
    else:
        data.pop(plain, None)
        data.pop(styled, None)


def normalize_style(style: dict[str, Any] | None) -> dict[str, Any] | None:
    """A cell's format (without numberFormat) as Google keeps it: colours paired and
    quantized, empty parts dropped, keys in Google's order; None when nothing is left."""
    if not style:
        return None
    out = {key: value for key, value in style.items() if value not in (None, {}, [])}
    if "backgroundColor" in out or "backgroundColorStyle" in out:
        _color_pair(out, "backgroundColor", "backgroundColorStyle")
    text = out.get("textFormat")
    if isinstance(text, dict):
        text = {key: value for key, value in text.items() if value is not None}
        if "foregroundColor" in text or "foregroundColorStyle" in text:
            _color_pair(text, "foregroundColor", "foregroundColorStyle")
        if text:
            out["textFormat"] = _ordered(text, TEXT_FORMAT_ORDER)
        else:
            out.pop("textFormat")
    return _ordered(out, CELL_FORMAT_ORDER) or None


def user_entered_format(cell: Cell) -> dict[str, Any] | None:
    """The cell's `userEnteredFormat`, or None when nothing was set on it."""
    if cell.number_format is None and not cell.style:
        return None
    data: dict[str, Any] = {}
    if cell.number_format is not None:
        data["numberFormat"] = dict(cell.number_format)
    if cell.style:
        data.update(cell.style)
    return _ordered(data, CELL_FORMAT_ORDER)


def value_kind(value: Any) -> str | None:
    """ "bool", "number", "text", or None for an empty cell: what decides the alignment."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


_ALIGNMENTS = {"number": "RIGHT", "text": "LEFT", "bool": "CENTER"}
"""The alignment Google renders when none is set: numbers right, text left (both seen in a real
answer, see above). Booleans centred is how the Sheets editor shows TRUE/FALSE; no recorded API
answer with a boolean cell was found to confirm it, nor one for an empty formatted cell (no
alignment is given there)."""


def effective_format(
    cell: Cell, default_format: dict[str, Any], theme_font: str | None, only: set[str] | None = None
) -> dict[str, Any]:
    """The cell's `effectiveFormat`. `only` limits the work to some top-level keys (a field mask
    asking for `effectiveFormat(numberFormat)` needs nothing else)."""
    if only is not None and only <= {"numberFormat"}:
        return {"numberFormat": dict(cell.number_format)} if cell.number_format else {}
    style = cell.style or {}
    out: dict[str, Any] = {key: value for key, value in default_format.items() if key != "textFormat"}
    for key, value in style.items():
        if key != "textFormat":
            out[key] = value
    if "backgroundColor" in style or "backgroundColorStyle" in style:
        for key in ("backgroundColor", "backgroundColorStyle"):
            out.pop(key, None)
            if key in style:
                out[key] = style[key]
    text = dict(default_format.get("textFormat") or {})
    if theme_font:
        text["fontFamily"] = theme_font
    given = style.get("textFormat") or {}
    if "foregroundColor" in given or "foregroundColorStyle" in given:
        text.pop("foregroundColor", None)
        text.pop("foregroundColorStyle", None)
    text.update(given)
    out["textFormat"] = _ordered(text, TEXT_FORMAT_ORDER)
    if cell.number_format:
        out["numberFormat"] = dict(cell.number_format)
    kind = value_kind(cell.value)
    if "horizontalAlignment" not in out and kind is not None:
        out["horizontalAlignment"] = _ALIGNMENTS[kind]
    out.setdefault("hyperlinkDisplayType", "PLAIN_TEXT")
    return _ordered(out, CELL_FORMAT_ORDER)
