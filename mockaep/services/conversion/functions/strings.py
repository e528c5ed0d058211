"""String and regular-expression functions (data-prep/functions.md, "String", "Regular expression").

Null in, null out, as the platform's string helpers do; non-text arguments are read in their
text form (``upper(12)`` is ``"12"``). Regular expressions run on RE2 (``mockaep.core.patterns``):
linear time whatever the pattern; back-references and look-around are refused.
"""
from __future__ import annotations

import math
from typing import Any

from mockaep.core.patterns import Pattern, PatternError, compile_pattern
from mockaep.services.conversion.functions.declaration import function
from mockaep.services.conversion.values import (TransformError, check_array_length,
                                                check_text_length, is_number, to_text)


def _text(value: Any) -> str | None:
    return None if value is None else to_text(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal() and len(value.strip()) <= 19:
        value = int(value)  # longer digit strings exceed every count Java could take
    if not is_number(value) or isinstance(value, float) and not math.isfinite(value) or int(value) != value:
        raise TransformError(f"{what} must be an integer")
    return int(value)


def compile_regex(pattern: Any) -> Pattern:
    """A user's regular expression (from the row or the expression), compiled with RE2."""
    try:
        return compile_pattern(to_text(pattern))
    except PatternError as exc:
        raise TransformError(str(exc)) from None


@function("concat")
def concat(*values: Any) -> str | None:
    """Null arguments are skipped; all-null gives null."""
    present = [to_text(v) for v in values if v is not None]
    check_text_length(sum(len(part) for part in present))
    return "".join(present) if present else None


@function("explode", patterns=(1,))
def explode(value: Any, regex: Any = ",") -> list[str] | None:
    """Java's ``String.split``: the text between matches (never a group's capture), no empty
    first piece for a match of nothing at the start, trailing empty pieces dropped.

    Matches are walked one by one and counted: past :data:`MAX_ARRAY_LENGTH` of them the text is
    refused, whatever trailing empty pieces would have been dropped (each match costs a few
    microseconds; a long text with a pattern matching everywhere would cost seconds)."""
    text = _text(value)
    if text is None:
        return None
    pattern = compile_regex("," if regex is None else regex)
    pieces: list[str] = []
    index = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if end == 0:
            continue
        check_array_length(len(pieces) + 1)
        pieces.append(text[index:start])
        index = end
    pieces.append(text[index:])
    while pieces and pieces[-1] == "":
        pieces.pop()
    return pieces


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
    find, replacement = to_text(to_find), ("" if to_replace is None else to_text(to_replace))
    # the size of the result, before building it (an empty TO_FIND matches between every character)
    matches = text.count(find)
    check_text_length(len(text) + matches * (len(replacement) - len(find)))
    return text.replace(find, replacement)


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
    """Every character of ``separator`` splits; empty pieces are dropped.

    At most :data:`MAX_ARRAY_LENGTH` pieces, as ``explode``: the split itself is one linear pass
    over a text the request already holds; the array past the bound is refused, not returned."""
    text = _text(value)
    if text is None:
        return None
    chars = set(to_text(separator)) if separator is not None else set()
    if not chars:
        pieces = text.split()
    else:
        first = next(iter(chars))  # every separator becomes the same one, then one split
        pieces = [piece for piece in text.translate({ord(char): first for char in chars}).split(first) if piece]
    check_array_length(len(pieces))
    return pieces


@function("join")
def join(separator: Any, *objects: Any) -> str:
    glue = "" if separator is None else to_text(separator)
    flat: list[Any] = []
    for item in objects:
        flat.extend(item if isinstance(item, list) else [item])
    parts = ["" if item is None else to_text(item) for item in flat]
    check_text_length(sum(len(part) for part in parts) + len(glue) * max(len(parts) - 1, 0))
    return glue.join(parts)


def _pad(value: Any, count: Any, padding: Any, left: bool) -> str | None:
    text = _text(value)
    if text is None:
        return None
    size = _count(count, "COUNT")
    check_text_length(size)
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


@function("extract_regex", patterns=(1,))
def extract_regex(value: Any, regex: Any) -> list[str | None] | None:
    """The whole match followed by each group; null when nothing matches."""
    text = _text(value)
    if text is None:
        return None
    match = compile_regex(regex).search(text)
    if match is None:
        return None
    return [match.group(0), *match.groups()]


@function("matches_regex", patterns=(1,))
def matches_regex(value: Any, regex: Any) -> bool:
    """The whole string must match, as Java's ``String.matches``."""
    text = _text(value)
    return text is not None and compile_regex(regex).fullmatch(text) is not None
