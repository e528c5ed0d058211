"""String and regular-expression functions (data-prep/functions.md, "String", "Regular expression").

Null in, null out, as the platform's string helpers do; non-text arguments are read in their
text form (``upper(12)`` is ``"12"``).
"""
from __future__ import annotations

import re
from typing import Any

from mockaep.services.conversion.functions import function
from mockaep.services.conversion.values import TransformError, is_number, to_text


#: Longest text a padding function builds (a guard against runaway sizes).
MAX_TEXT = 1_000_000


def _text(value: Any) -> str | None:
    return None if value is None else to_text(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not is_number(value) or int(value) != value:
        raise TransformError(f"{what} must be an integer")
    return int(value)


def compile_regex(pattern: Any) -> re.Pattern[str]:
    try:
        return re.compile(to_text(pattern))
    except re.error as exc:
        raise TransformError(f"invalid regular expression {to_text(pattern)!r}: {exc}") from None


@function("concat")
def concat(*values: Any) -> str | None:
    """Null arguments are skipped; all-null gives null."""
    present = [to_text(v) for v in values if v is not None]
    return "".join(present) if present else None


@function("explode")
def explode(value: Any, regex: Any = ",") -> list[str] | None:
    text = _text(value)
    if text is None:
        return None
    parts = compile_regex("," if regex is None else regex).split(text)
    while parts and parts[-1] == "":  # Java's String.split drops trailing empty parts
        parts.pop()
    return parts


@function("instr")
def instr(value: Any, substring: Any, start: Any = 0, occurrence: Any = 1) -> int | None:
    """0-based position of the n-th occurrence at or after ``start``; -1 when absent."""
    text, part = _text(value), _text(substring)
    if text is None or part is None:
        return None
    position = _count(start, "START_POSITION") if start is not None else 0
    nth = _count(occurrence, "OCCURRENCE") if occurrence is not None else 1
    if nth < 1:
        raise TransformError("OCCURRENCE must be at least 1")
    found = max(position, 0) - 1
    for _ in range(nth):
        found = text.find(part, found + 1)
        if found < 0:
            return -1
    return found


@function("replacestr")
def replacestr(value: Any, to_find: Any, to_replace: Any) -> str | None:
    text = _text(value)
    if text is None or to_find is None:
        return text
    return text.replace(to_text(to_find), "" if to_replace is None else to_text(to_replace))


@function("substr")
def substr(value: Any, start: Any, length: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    begin, count = _count(start, "START_INDEX"), _count(length, "LENGTH")
    if begin < 0 or count < 0:
        raise TransformError("START_INDEX and LENGTH must not be negative")
    return text[begin:begin + count]


@function("lower", "lcase")
def lower(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else text.lower()


@function("upper", "ucase")
def upper(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else text.upper()


@function("split")
def split(value: Any, separator: Any) -> list[str] | None:
    """Every character of ``separator`` splits; empty pieces are dropped."""
    text = _text(value)
    if text is None:
        return None
    chars = to_text(separator) if separator is not None else ""
    if not chars:
        return text.split()
    pieces = re.split("|".join(re.escape(c) for c in chars), text)
    return [piece for piece in pieces if piece]


@function("join")
def join(separator: Any, *objects: Any) -> str:
    glue = "" if separator is None else to_text(separator)
    flat: list[Any] = []
    for item in objects:
        flat.extend(item if isinstance(item, list) else [item])
    return glue.join("" if item is None else to_text(item) for item in flat)


def _pad(value: Any, count: Any, padding: Any, left: bool) -> str | None:
    text = _text(value)
    if text is None:
        return None
    size = _count(count, "COUNT")
    if size > MAX_TEXT:
        raise TransformError(f"COUNT may be at most {MAX_TEXT}")
    fill = to_text(padding) if padding not in (None, "") else " "
    missing = size - len(text)
    if missing <= 0:
        return text
    pad = (fill * (missing // len(fill) + 1))[:missing]
    return pad + text if left else text + pad


@function("lpad")
def lpad(value: Any, count: Any, padding: Any) -> str | None:
    return _pad(value, count, padding, True)


@function("rpad")
def rpad(value: Any, count: Any, padding: Any) -> str | None:
    return _pad(value, count, padding, False)


@function("left")
def left(value: Any, count: Any) -> str | None:
    text = _text(value)
    size = _count(count, "COUNT")
    return None if text is None else text[:max(size, 0)]


@function("right")
def right(value: Any, count: Any) -> str | None:
    text = _text(value)
    size = _count(count, "COUNT")
    return None if text is None else (text[-size:] if size > 0 else "")


@function("ltrim")
def ltrim(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else text.lstrip()


@function("rtrim")
def rtrim(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else text.rstrip()


@function("trim")
def trim(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else text.strip()


@function("len")
def length(value: Any) -> int | None:
    text = _text(value)
    return None if text is None else len(text)


@function("extract_regex")
def extract_regex(value: Any, regex: Any) -> list[str | None] | None:
    """The whole match followed by each group; null when nothing matches."""
    text = _text(value)
    if text is None:
        return None
    match = compile_regex(regex).search(text)
    if match is None:
        return None
    return [match.group(0), *match.groups()]


@function("matches_regex")
def matches_regex(value: Any, regex: Any) -> bool:
    """The whole string must match, as Java's ``String.matches``."""
    text = _text(value)
    return text is not None and compile_regex(regex).fullmatch(text) is not None
