"""Whole numbers written as text (query parameters, JSON pointer segments, header values).

``str.isdigit()`` is true of ``²`` and other Unicode digits that ``int()`` refuses, and ``int()`` of
a long text costs (Python refuses one over 4300 digits): a number is read only from ASCII digits,
no longer than the caller's bound, before ``int()`` sees it.
"""
from __future__ import annotations


def whole_number(text: str, max_digits: int) -> int | None:
    """The non-negative integer ``text`` spells in at most ``max_digits`` ASCII digits (no sign, no
    spaces), or None."""
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None


def signed_number(text: str, max_digits: int, *, plus: bool = False) -> int | None:
    """The integer ``text`` spells: blanks around, an optional ``-`` (and ``+`` when ``plus``),
    then at most ``max_digits`` ASCII digits; None otherwise."""
    text = text.strip()
    sign = text[:1]
    if sign == "-" or (plus and sign == "+"):
        number = whole_number(text[1:], max_digits)
        return None if number is None else -number if sign == "-" else number
    return whole_number(text, max_digits)

