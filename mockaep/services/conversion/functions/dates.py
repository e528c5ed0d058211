"""Date and time functions (data-prep/functions.md, "Date and time").

Formats are Java ``DateTimeFormatter`` patterns (``yyyy-MM-dd'T'HH:mm:ss.SSSX``), as on the
platform; they are translated here into a parser and a formatter. Dates without a zone are read
as UTC. ``now()``/``timestamp()`` use the emulator's clock so runs are reproducible.

A format (from the expression or from the data) is read into a regular expression compiled with
RE2 (``mockaep.core.patterns``), so reading a date is linear in its length whatever the format.
"""
from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser

from mockaep.core.errors import shown
from mockaep.core.patterns import Pattern, PatternError, compile_pattern
from mockaep.services.conversion.functions.declaration import function
from mockaep.services.conversion.values import TransformError, is_number, to_text

#: Longest date format accepted (real ones are a few dozen characters).
MAX_FORMAT_LENGTH = 200
#: Longest date text read without a format (dates are short; free-form parsing is costly).
MAX_DATE_TEXT_LENGTH = 200

_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")
_MONTHS = list(calendar.month_name)[1:]
_DAYS = list(calendar.day_name)
#: Zone abbreviations Java still resolves, with their standard offsets.
_ABBREVIATIONS = {"UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
                  "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "CET": 1, "CEST": 2, "BST": 1, "IST": 5.5,
                  "JST": 9}
_TZINFOS = {name: int(hours * 3600) for name, hours in _ABBREVIATIONS.items()}
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])([0-9]{1,2}):?([0-9]{2})?$")
#: The widest zone offset Java's ``ZoneOffset`` takes (Python's ``timezone`` takes up to 24 h).
MAX_OFFSET = timedelta(hours=18)


def zone(name: Any) -> tzinfo:
    text = to_text(name).strip()
    if len(text) > 64:  # the longest IANA names are about 30 characters
        raise TransformError("unknown time zone (the name is too long)")
    if text.upper() in _ABBREVIATIONS:
        return timezone(timedelta(hours=_ABBREVIATIONS[text.upper()]))
    found = _OFFSET.match(text)
    if found:
        minutes = int(found.group(3) or 0)
        delta = timedelta(hours=int(found.group(2)), minutes=minutes)
        if minutes > 59 or delta > MAX_OFFSET:
            raise TransformError(f"zone offset {shown(text, quoted=True)} is out of range (-18:00 to +18:00)")
        return timezone(-delta if found.group(1) == "-" else delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise TransformError(f"unknown time zone {shown(text, quoted=True)}") from None


def _tokens(pattern: str) -> list[tuple[str, int] | str]:
    """(letter, count) for pattern letters, plain strings for literals."""
    if len(pattern) > MAX_FORMAT_LENGTH:
        raise TransformError(f"a date format may have at most {MAX_FORMAT_LENGTH} characters")
    out: list[tuple[str, int] | str] = []
    for match in _TOKEN.finditer(pattern):
        text = match.group(0)
        if text.startswith("'"):
            out.append("'" if text == "''" else text[1:-1].replace("''", "'"))
        elif match.group(1):
            out.append((text[0], len(text)))
        else:
            out.append(text)
    return out


def _offset_text(value: datetime, style: str, count: int) -> str:
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0 and (style == "X" or (style == "Z" and count == 5)):
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    if style == "Z":
        return f"GMT{sign}{hours:02d}:{mins:02d}" if count == 4 else (
            f"{sign}{hours:02d}:{mins:02d}" if count == 5 else f"{sign}{hours:02d}{mins:02d}")
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{mins:02d}" if mins else "")
    return f"{sign}{hours:02d}{':' if count >= 3 else ''}{mins:02d}"


def format_date(value: datetime, pattern: str) -> str:
    out: list[str] = []
    for token in _tokens(pattern):
        if isinstance(token, str):
            out.append(token)
            continue
        letter, count = token
        number = {"y": value.year, "u": value.year, "M": value.month, "L": value.month, "d": value.day,
                  "D": value.timetuple().tm_yday, "H": value.hour, "m": value.minute, "s": value.second,
                  "h": (value.hour % 12) or 12, "K": value.hour % 12, "k": value.hour or 24}.get(letter)
        if letter in "yu" and count == 2:
            out.append(f"{value.year % 100:02d}")
        elif letter in "ML" and count >= 3:
            name = _MONTHS[value.month - 1]
            out.append(name if count >= 4 else name[:3])
        elif number is not None:
            out.append(str(number).zfill(count))
        elif letter == "S":
            out.append(f"{value.microsecond:06d}{'0' * max(count - 6, 0)}"[:count])
        elif letter == "a":
            out.append("AM" if value.hour < 12 else "PM")
        elif letter == "E":
            name = _DAYS[value.weekday()]
            out.append(name if count >= 4 else name[:3])
        elif letter in "XxZ":
            out.append(_offset_text(value, letter, count))
        elif letter == "z":
            out.append(value.tzname() or "UTC")
        elif letter == "V":
            out.append(getattr(value.tzinfo, "key", None) or _offset_text(value, "X", 3))
        else:
            raise TransformError(f"unsupported pattern letter '{letter}' in {shown(pattern, quoted=True)}")
    return "".join(out)


def _parse_regex(pattern: str) -> tuple[Pattern, list[tuple[str, int]]]:
    parts, fields = [], []
    for token in _tokens(pattern):
        if isinstance(token, str):
            parts.append(re.escape(token))
            continue
        letter, count = token
        if letter in "yu":
            rx = r"\d{2}" if count == 2 else (r"\d{4}" if count == 4 else r"[+-]?\d{1,9}")
        elif letter in "ML" and count >= 3:
            rx = "|".join(sorted((m if count >= 4 else m[:3] for m in _MONTHS), key=len, reverse=True))
        elif letter in "MdHhKkmsL":
            rx = r"\d{2}" if count == 2 else r"\d{1,2}"
        elif letter == "D":
            rx = r"\d{1,3}"
        elif letter == "S":
            rx = r"\d{%d}" % count
        elif letter == "a":
            rx = "AM|PM|am|pm"
        elif letter == "E":
            rx = "|".join(sorted((d if count >= 4 else d[:3] for d in _DAYS), key=len, reverse=True))
        elif letter in "XxZ":
            rx = r"Z|[+-]\d{2}(?::?\d{2})?|GMT[+-]\d{2}:\d{2}"
        elif letter in "zV":
            rx = r"[A-Za-z][A-Za-z_/+\-0-9]*"
        else:
            raise TransformError(f"unsupported pattern letter '{letter}' in {shown(pattern, quoted=True)}")
        parts.append(f"(?P<g{len(fields)}>{rx})")
        fields.append((letter, count))
    try:
        return compile_pattern("".join(parts), ignore_case=True), fields
    except PatternError:
        raise TransformError(f"the date format {shown(pattern, quoted=True)} is too long or too complex") from None


def parse_with_pattern(text: str, pattern: str) -> datetime:
    regex, fields = _parse_regex(pattern)
    match = regex.fullmatch(text.strip())
    if match is None:
        raise TransformError(f"{shown(text, quoted=True)} does not match the date format {shown(pattern, quoted=True)}")
    parts: dict[str, Any] = {"year": 1970, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0,
                             "microsecond": 0}
    zone_info: tzinfo = timezone.utc
    pm: bool | None = None
    for position, (letter, count) in enumerate(fields):
        raw = match.group(f"g{position}")
        if letter in "yu":
            parts["year"] = 2000 + int(raw) if count == 2 else int(raw)
        elif letter in "ML":
            parts["month"] = int(raw) if raw.isdigit() else [m[:len(raw)].lower() for m in _MONTHS].index(raw.lower()) + 1
        elif letter == "d":
            parts["day"] = int(raw)
        elif letter in "Hk":
            parts["hour"] = int(raw) % 24
        elif letter in "hK":
            parts["hour"] = int(raw) % 12
        elif letter == "m":
            parts["minute"] = int(raw)
        elif letter == "s":
            parts["second"] = int(raw)
        elif letter == "S":
            parts["microsecond"] = int((raw + "000000")[:6])
        elif letter == "a":
            pm = raw.upper() == "PM"
        elif letter in "XxZ":
            zone_info = timezone.utc if raw.upper() == "Z" else zone(raw.replace("GMT", ""))
        elif letter in "zV":
            zone_info = zone(raw)
    if pm is not None and parts["hour"] < 12 and pm:
        parts["hour"] += 12
    try:
        return datetime(tzinfo=zone_info, **parts)
    except ValueError as exc:
        raise TransformError(f"{shown(text, quoted=True)} is not a valid date: {exc}") from None


def as_date(value: Any) -> datetime | None:
    """A date from a date, an ISO/free-form string or epoch milliseconds; zone-less means UTC."""
    if value is None or isinstance(value, datetime):
        return value
    if is_number(value):
        try:
            return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise TransformError(f"{shown(value)} milliseconds is outside the supported date range") from None
    text = to_text(value).strip()
    if len(text) > MAX_DATE_TEXT_LENGTH:
        raise TransformError(f"a date text may have at most {MAX_DATE_TEXT_LENGTH} characters")
    try:
        try:
            found = date_parser.isoparse(text)
        except ValueError:
            found = date_parser.parse(text, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        raise TransformError(f"{shown(text, quoted=True)} is not a date") from None
    if found.tzinfo is None:
        return found.replace(tzinfo=timezone.utc)
    try:  # dateutil keeps any offset it reads ("+99:99"); Python refuses one of 24 h or more when asked
        offset = found.utcoffset()
    except ValueError:
        offset = None
    if offset is None or abs(offset) > MAX_OFFSET:
        raise TransformError(f"{shown(text, quoted=True)} is not a date: its zone offset is out of range (-18:00 to +18:00)")
    return found


@function("now", env=True)
def now(env: Any) -> datetime:
    return env.now


@function("timestamp", env=True)
def timestamp(env: Any) -> int:
    return int(env.now.timestamp() * 1000)


@function("date")
def date(value: Any, pattern: Any = None, default: Any = None) -> datetime | None:
    """Read a date; the default (when given) stands in for a null or unreadable one."""
    if value is None:
        return as_date(default)
    try:
        if pattern is None or isinstance(value, datetime) or is_number(value):
            return as_date(value)
        return parse_with_pattern(to_text(value), to_text(pattern))
    except TransformError:
        if default is not None:
            return as_date(default)
        raise


@function("format")
def format_(value: Any, pattern: Any) -> str | None:
    found = as_date(value)
    return None if found is None else format_date(found, to_text(pattern))


@function("dformat")
def dformat(milliseconds: Any, pattern: Any) -> str | None:
    if milliseconds is None:
        return None
    if isinstance(milliseconds, str) and milliseconds.strip().lstrip("-").isdecimal() and len(milliseconds) <= 20:
        milliseconds = int(milliseconds)
    if not is_number(milliseconds):
        raise TransformError("TIMESTAMP must be a number of milliseconds")
    return format_date(datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc), to_text(pattern))


_PARTS = {
    **dict.fromkeys(("year", "yyyy", "yy"), "year"), **dict.fromkeys(("quarter", "qq", "q"), "quarter"),
    **dict.fromkeys(("month", "mm", "m"), "month"), **dict.fromkeys(("dayofyear", "dy", "y"), "dayofyear"),
    **dict.fromkeys(("day", "dd", "d"), "day"), **dict.fromkeys(("week", "ww", "w"), "week"),
    **dict.fromkeys(("weekday", "dw"), "weekday"), **dict.fromkeys(("hour", "hh", "hh24"), "hour"),
    "hh12": "hour12", **dict.fromkeys(("minute", "mi", "n"), "minute"),
    **dict.fromkeys(("second", "ss", "s"), "second"), **dict.fromkeys(("millisecond", "sss"), "millisecond"),
}


@function("date_part")
def date_part(component: Any, value: Any) -> int | None:
    part = _PARTS.get(to_text(component).strip().lower())
    if part is None:
        raise TransformError(f"unknown date component {shown(to_text(component), quoted=True)}")
    found = as_date(value)
    if found is None:
        return None
    return {"year": found.year, "quarter": (found.month - 1) // 3 + 1, "month": found.month,
            "dayofyear": found.timetuple().tm_yday, "day": found.day, "week": found.isocalendar()[1],
            "weekday": found.isoweekday(), "hour": found.hour, "hour12": (found.hour % 12) or 12,
            "minute": found.minute, "second": found.second, "millisecond": found.microsecond // 1000}[part]


_SETTABLE = {"year": "year", "month": "month", "day": "day", "hour": "hour", "minute": "minute", "second": "second"}


@function("set_date_part")
def set_date_part(component: Any, value: Any, target: Any) -> datetime | None:
    part = _SETTABLE.get(_PARTS.get(to_text(component).strip().lower(), ""))
    if part is None:
        raise TransformError(f"date component {shown(to_text(component), quoted=True)} cannot be set")
    found = as_date(target)
    if found is None:
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value) <= 20:
        value = int(value)
    if not is_number(value) or int(value) != value:
        raise TransformError("VALUE must be an integer")
    return found.replace(**{part: int(value)})


@function("make_date_time", "make_timestamp")
def make_date_time(year: Any, month: Any, day: Any, hour: Any, minute: Any, second: Any, nanosecond: Any,
                   time_zone: Any) -> datetime:
    """The parts are a wall-clock time in TIMEZONE and the date keeps that zone's offset:
    (2019, 10, 17, 11, 55, 12, 999, "America/Los_Angeles") is 2019-10-17T11:55:12-07:00.
    functions.md prints 2019-10-17T11:55:12Z for that call, another instant unless TIMEZONE were
    ignored, so that sample is not followed. Below a microsecond, NANOSECOND is dropped (Python
    dates stop at microseconds; the documented sample drops the 999 ns as well)."""
    numbers = [year, month, day, hour, minute, second, nanosecond]
    if not all(is_number(n) and int(n) == n for n in numbers):
        raise TransformError("every part but the time zone must be an integer")
    y, mo, d, h, mi, s, ns = (int(n) for n in numbers)
    if not 0 <= ns <= 999_999_999:
        raise TransformError("NANOSECOND must be between 0 and 999999999")
    return datetime(y, mo, d, h, mi, s, ns // 1000, tzinfo=zone(time_zone))


@function("zone_date_to_utc")
def zone_date_to_utc(value: Any) -> datetime | None:
    found = as_date(value)
    return None if found is None else found.astimezone(timezone.utc)


@function("zone_date_to_zone")
def zone_date_to_zone(value: Any, time_zone: Any) -> datetime | None:
    found = as_date(value)
    return None if found is None else found.astimezone(zone(time_zone))

