"""Value rules shared by the evaluator and the mapping functions (text form, truth, dates), and
the bounds on what one transformation may build.

The platform documents no limits; these keep the work of a request proportional to its size:
every function or operator that builds a value larger than its inputs checks the size first.
"""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from mockaep.core.errors import shown


#: Digits of the largest integer a transformation produces (Java's BigInteger has no limit;
#: Python refuses to print integers past 4300 digits, and the work grows with the size).
MAX_INTEGER_DIGITS = 1000
_INTEGER_LIMIT = 10 ** MAX_INTEGER_DIGITS
#: Characters of the longest text a function or ``+`` builds.
MAX_TEXT_LENGTH = 1_000_000
#: Items of the longest array a function builds.
MAX_ARRAY_LENGTH = 100_000


class TransformError(ValueError):
    """A transformation that failed for one row; Data Prep nulls the attribute and reports it."""


def check_integer(value: int) -> int:
    """``value`` unless it has more than :data:`MAX_INTEGER_DIGITS` digits (then TransformError)."""
    if value.bit_length() > 3 * MAX_INTEGER_DIGITS and abs(value) >= _INTEGER_LIMIT:
        raise TransformError(f"integer overflow: the result has more than {MAX_INTEGER_DIGITS} digits")
    return value


def check_text_length(length: int) -> None:
    """Refuse, before building it, a text longer than :data:`MAX_TEXT_LENGTH`."""
    if length > MAX_TEXT_LENGTH:
        raise TransformError(f"the result would have {shown(length)} characters; at most {MAX_TEXT_LENGTH} are allowed")


def check_array_length(length: int) -> None:
    """Refuse, before building it, an array longer than :data:`MAX_ARRAY_LENGTH`."""
    if length > MAX_ARRAY_LENGTH:
        raise TransformError(f"the result would have {shown(length)} items; at most {MAX_ARRAY_LENGTH} are allowed")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def iso(value: datetime) -> str:
    """ISO 8601 as the platform prints dates: seconds always, fraction only when present, ``Z`` for UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    if value.microsecond:  # milliseconds, or microseconds when needed (Java prints groups of 3)
        micro = value.microsecond
        text += f".{micro // 1000:03d}" if micro % 1000 == 0 else f".{micro:06d}"
    offset = value.utcoffset()
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def to_text(value: Any) -> str:
    """The text form of a value (Java's ``String.valueOf`` conventions for the common cases)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"  # Java's names for the non-finite doubles (a double overflow gives Infinity)
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e16:
            return f"{value:.1f}"
        return repr(value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, (list, dict)):
        return json.dumps(to_json(value), separators=(",", ":"))
    return str(value)


def truthy(value: Any) -> bool:
    """Truth as the language reads it: null, false, 0, "" , "false" and empty collections are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if is_number(value):
        return value != 0
    if isinstance(value, str):
        return value != "" and value.lower() != "false"
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def to_json(value: Any) -> Any:
    """A JSON-ready copy: dates become ISO strings; non-finite numbers are refused."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise TransformError("the result is not a finite number")
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value
