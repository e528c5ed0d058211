"""The one JSON reader (and writer): request bodies, stored records, state documents, files.

:func:`loads` reads as the standard library's parser does (exact integers of any length), refusing
``NaN``/``Infinity`` (not JSON; the platform refuses them too); orjson reads first what both read
alike. :func:`dumps` writes compact
JSON, key order kept, with ``orjson`` (several times faster than the standard library's encoder,
which matters for stored records and answers), or the standard library for what orjson does not
take (integers beyond 64 bits).

Depth: nothing deeper than :data:`MAX_JSON_DEPTH` is accepted (recursive processing of a deeper
document would exhaust the interpreter's stack). Counting brackets in the raw text is C-speed and
bounds the depth from above, so the exact measure runs only for the rare text with many brackets.

Files users hand the emulator (seed states, cassettes) are read with refusals that start with
the file name and say what is wrong (missing, a directory, not UTF-8, empty, invalid or truncated).
"""
from __future__ import annotations

import json
import math
import os
import pathlib
import re
from typing import Any

import orjson

from mockaep.core.errors import BadRequest

def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


#: A number of 19 digits or more: orjson may not read it as the standard library does (it makes
#: integers beyond 64 bits floats); text holding one is left to the standard library.
#: Bytes are checked at C speed: every digit made a ``0`` (no other byte is one), then 19 of them
#: looked for (a pattern scan costs several times the parse); text (files) through a pattern.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19
_LONG_DIGITS_TEXT = re.compile(r"[0-9]{19,}")
#: ... and only a run where a number can start counts (after ``:``, ``,``, ``[``, a blank or the
#: start, and a sign): a run inside a string (an org id of zeros) is no number.
_NUMBER_STARTS_TEXT = " \t\r\n:,["
_NUMBER_STARTS = frozenset(_NUMBER_STARTS_TEXT.encode())
#: What a lone surrogate can come from: a ``\uD800``-``\uDFFF`` escape, or its UTF-8 bytes (ED A0-BF).
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_SURROGATE_TEXT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def loads(raw: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text (``ValueError`` when it is not JSON). Integers stay exact whatever their
    length; ``NaN``, ``Infinity`` and numbers too large for a double are refused.

    The standard library's parser decides; orjson (several times faster) reads first the text
    on which both agree — no number of 19 digits or more (every integer fits 64 bits, every number is read
    to the same double): what orjson refuses (not JSON, ``NaN``, numbers beyond a double, a BOM,
    lone surrogates, very deep nesting…) goes to the standard library, which answers or refuses
    it with its own words (a text it reads is looked at for lone surrogates only when one of their
    spellings occurs in it). A lone surrogate (``"\\ud800"``), which the standard library reads, is
    refused: it is no character, and nothing holding one can be written as UTF-8."""
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if isinstance(raw, bytes):
        plain = not _has_long_number(raw)
    else:
        plain = isinstance(raw, str) and not _has_long_number(raw)
    if plain:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    document = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    if (_SURROGATE_BYTES if isinstance(raw, bytes) else _SURROGATE_TEXT).search(raw):
        _refuse_lone_surrogates(document)
    return document


def _has_long_number(raw: bytes | str) -> bool:
    """Whether ``raw`` may hold a number of 19 or more digits (see :data:`_LONG_DIGITS`)."""
    if isinstance(raw, bytes):
        zeros = raw.translate(_DIGITS_AS_ZERO)
        found = zeros.find(_LONG_DIGITS)
        while found >= 0:  # rare: only text holding such a run gets here
            start = found
            while start > 0 and zeros[start - 1] == 0x30:
                start -= 1
            if start > 0 and raw[start - 1] == 0x2D:  # a sign
                start -= 1
            if start == 0 or raw[start - 1] in _NUMBER_STARTS:
                return True
            end = found + len(_LONG_DIGITS)
            while end < len(zeros) and zeros[end] == 0x30:
                end += 1
            found = zeros.find(_LONG_DIGITS, end)
        return False
    for match in _LONG_DIGITS_TEXT.finditer(raw):
        start = match.start() - (1 if match.start() > 0 and raw[match.start() - 1] == "-" else 0)
        if start == 0 or raw[start - 1] in _NUMBER_STARTS_TEXT:
            return True
    return False


def _refuse_lone_surrogates(document: Any) -> None:
    """``ValueError`` when a string of ``document`` holds a lone surrogate (``"\\ud800"``, or the
    bytes ``ED A0 80`` the standard library reads with ``surrogatepass``): not a character, no
    UTF-8 text can carry it, so neither an answer, a hash nor a file holding it could be written.
    Encoding the document is a C-speed walk of every key and string."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        lone = exc.object[exc.start:exc.end].encode("unicode_escape").decode("ascii")
        raise ValueError(f"a string holds the lone surrogate {lone}, which is not a Unicode character") from None


def dumps(value: Any) -> bytes:
    """Compact JSON text (UTF-8), key order kept."""
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits, non-string keys: the standard library's way
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def canonical(value: Any) -> bytes:
    """The canonical JSON text of a value (keys sorted, compact, UTF-8): equal values, equal text,
    whatever their key order. For content keys and etags."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, non-string keys: the standard library's way
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")


def brackets(raw: bytes | str) -> int:
    """Opening brackets in JSON text: an upper bound of its nesting depth, counted at C speed."""
    if isinstance(raw, str):
        return raw.count("[") + raw.count("{")
    return raw.count(b"[") + raw.count(b"{")


def looks_truncated(text: str) -> bool:
    """Whether JSON text ends inside a string or with brackets left open (a cut-off file)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0


def read_text(path: str | os.PathLike[str], kind: str, error: type[ValueError] = ValueError) -> str:
    """The file's text; ``error("<path>: ...")`` naming ``kind`` when it cannot be read or is empty.

    ``kind`` is what the file holds, as messages name it: ``"cassette"``, ``"seed file"``.
    """
    name = str(path)
    file_noun = kind if kind.endswith(" file") else f"{kind} file"
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{name}: {file_noun} not found") from None
    except IsADirectoryError:
        raise error(f"{name}: is a directory, not a {file_noun}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{name}: {kind} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{name}: cannot read {kind}: {exc.strerror or exc}") from None
    if not text.strip():
        raise error(f"{name}: {file_noun} is empty")
    return text


def parse_text(text: str, name: str, kind: str, error: type[ValueError] = ValueError) -> Any:
    """Parse JSON text read from ``name``; invalid (or truncated) JSON → ``error`` naming it."""
    try:
        return loads(text)
    except RecursionError:
        raise error(f"{name}: {kind} nests too deeply to be read") from None
    except ValueError as exc:
        hint = " (the file looks truncated)" if looks_truncated(text) else ""
        raise error(f"{name}: {kind} is not valid JSON{hint}: {exc}") from None


def read_json(path: str | os.PathLike[str], kind: str, error: type[ValueError] = ValueError) -> Any:
    return parse_text(read_text(path, kind, error), str(path), kind, error)


#: Deeper documents are refused: no platform payload nests this far, and recursive processing
#: (copies, schema validation) of a deeper one would exhaust the interpreter's stack.
MAX_JSON_DEPTH = 128


def parse_json(raw: bytes | str, *, what: str) -> Any:
    """Parse JSON text, refusing malformed or absurdly deep documents with a 400."""
    try:
        document = loads(raw)
    except RecursionError:
        raise BadRequest(f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.") from None
    except (ValueError, UnicodeError) as exc:
        raise BadRequest(f"The {what} is not valid JSON: {exc}.") from None
    if brackets(raw) > MAX_JSON_DEPTH and json_depth(document) > MAX_JSON_DEPTH:
        raise BadRequest(f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.")
    return document


def deeper_than(value: Any, limit: int = MAX_JSON_DEPTH, text: bytes | str | None = None) -> bool:
    """Whether a parsed value nests deeper than ``limit``; ``text``, its JSON when known, lets
    the common case be decided by counting brackets."""
    if text is not None and brackets(text) <= limit:
        return False
    return json_depth(value) > limit


def json_depth(document: Any) -> int:
    """Nesting depth of a parsed JSON value (iterative, so any depth is measured safely)."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node)
    return deepest
