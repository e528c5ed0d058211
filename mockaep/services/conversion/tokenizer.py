"""The tokenizer of the Data Prep expression language, and the operators it knows.

Quoted literals keep JEXL's escapes, ``${...}`` reads a field name with any characters, numbers
accept Java's type suffixes; an integer literal is held to the digits a transformation may
produce and a decimal one to the range of a double.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from mockaep.core.errors import shown
from mockaep.services.conversion.values import MAX_INTEGER_DIGITS

WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<", "le": "<=",
                  "gt": ">", "ge": ">=", "div": "/", "mod": "%"}
#: Binary operators by precedence, lowest first (JEXL's order).
BINARY_LEVELS: tuple[tuple[str, ...], ...] = (
    ("||",), ("&&",), ("|",), ("^",), ("&",),
    ("==", "!=", "=~", "!~", "=^", "=$", "!^", "!$"),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "/", "%"),
)
UNARY_OPERATORS = ("-", "!", "~")
_SYMBOLS = sorted({"?:", "?", ":", "(", ")", "[", "]", "{", "}", ",", ".", *UNARY_OPERATORS,
                   *(op for level in BINARY_LEVELS for op in level)}, key=len, reverse=True)


_HEX4 = re.compile(r"[0-9a-fA-F]{4}")


class ExpressionSyntaxError(ValueError):
    """An expression that cannot be read; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass
class Token:
    kind: str    # num str ident field sym eof
    value: Any
    position: int
    segments: list[str] = field(default_factory=list)


# -- tokenizer -----------------------------------------------------------------------------------
def _is_digit(ch: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts digits int() cannot read (``²``)."""
    return "0" <= ch <= "9"


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "_$"


def _is_ident_part(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


def _read_string(text: str, start: int) -> tuple[str, int]:
    """A quoted literal. As in JEXL, only ``\\\\``, ``\\"``, ``\\'`` and ``\\uXXXX`` are escapes;
    any other backslash is kept, so regular expressions (``"\\d+"``) need no doubling."""
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and _HEX4.fullmatch(text[i + 2:i + 6]):
                out.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            if nxt not in ("\\", '"', "'"):
                out.append("\\")
            out.append(nxt)
            i += 2
            continue
        if ch == quote:
            return _paired("".join(out), start), i + 1
        out.append(ch)
        i += 1
    raise ExpressionSyntaxError("unterminated string literal", start)


def _paired(value: str, start: int) -> str:
    """A literal whose ``\\uXXXX`` escapes spell surrogate pairs gets the characters they pair
    into (``"\\ud83d\\ude00"`` is one emoji, as in Java); a lone surrogate is no character (no
    UTF-8 text, hence no answer, can hold it) and is refused."""
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise ExpressionSyntaxError("a string literal holds a lone surrogate (\\uD800-\\uDFFF not in a pair)",
                                    start) from None


def _read_braced_field(text: str, start: int) -> tuple[list[str], int]:
    """``${...}``: any characters; an unescaped ``.`` separates levels, ``\\x`` is a literal x."""
    segments, current = [], []
    i = start + 2
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
        elif ch == "}":
            segments.append("".join(current))
            if any(not s for s in segments):
                raise ExpressionSyntaxError("empty field name in ${...}", start)
            return segments, i + 1
        elif ch == ".":
            segments.append("".join(current))
            current = []
            i += 1
        else:
            current.append(ch)
            i += 1
    raise ExpressionSyntaxError("unterminated ${...} field reference", start)


def _read_number(text: str, start: int) -> tuple[int | float, int]:
    i = start
    while i < len(text) and _is_digit(text[i]):
        i += 1
    is_float = False
    if i + 1 < len(text) and text[i] == "." and _is_digit(text[i + 1]):
        is_float = True
        i += 1
        while i < len(text) and _is_digit(text[i]):
            i += 1
    if i < len(text) and text[i] in "eE":
        j = i + 1
        if j < len(text) and text[j] in "+-":
            j += 1
        if j < len(text) and _is_digit(text[j]):
            is_float = True
            i = j
            while i < len(text) and _is_digit(text[i]):
                i += 1
    literal = text[start:i]
    if i < len(text) and text[i] in "lLfFdD" and not (i + 1 < len(text) and _is_ident_part(text[i + 1])):
        is_float = is_float or text[i] in "fFdD"
        i += 1  # Java-style type suffixes (1L, 2.5d) are accepted and ignored
    if i < len(text) and _is_ident_part(text[i]):
        raise ExpressionSyntaxError(f"malformed number {shown(text[start:i + 1], quoted=True)}", start)
    if is_float:
        value = float(literal)
        if not math.isfinite(value):
            raise ExpressionSyntaxError(f"the number {shown(literal)} is out of the range of a double", start)
        return value, i
    if len(literal) > MAX_INTEGER_DIGITS:
        raise ExpressionSyntaxError(f"an integer literal may have at most {MAX_INTEGER_DIGITS} digits", start)
    return int(literal), i


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "\"'":
            value, end = _read_string(text, i)
            tokens.append(Token("str", value, i))
            i = end
        elif ch == "$" and text.startswith("${", i):
            segments, end = _read_braced_field(text, i)
            tokens.append(Token("field", None, i, segments))
            i = end
        elif _is_digit(ch):
            value, end = _read_number(text, i)
            tokens.append(Token("num", value, i))
            i = end
        elif _is_ident_start(ch) or ch == "\\":
            name, j = [], i
            while j < len(text) and (_is_ident_part(text[j]) or text[j] == "\\"):
                if text[j] == "\\":
                    if j + 1 >= len(text):
                        raise ExpressionSyntaxError("dangling escape character", j)
                    name.append(text[j + 1])
                    j += 2
                else:
                    name.append(text[j])
                    j += 1
            tokens.append(Token("ident", "".join(name), i))
            i = j
        else:
            for symbol in _SYMBOLS:
                if text.startswith(symbol, i) and not (symbol.endswith("$") and text.startswith("{", i + len(symbol))):
                    tokens.append(Token("sym", symbol, i))
                    i += len(symbol)
                    break
            else:
                raise ExpressionSyntaxError(f"unexpected character {ch!r}", i)
    tokens.append(Token("eof", None, len(text)))
    return tokens
