"""Reading the JSON files users hand the emulator (seed state, cassettes) with clear refusals.

Every problem becomes a ``ValueError`` subclass whose message starts with the file name and says
what is wrong (missing, a directory, not UTF-8, empty, invalid or truncated JSON).
"""
from __future__ import annotations

import json
import os
import pathlib
from typing import Any

from mockaep.core.errors import BadRequest


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
        return json.loads(text)
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
        document = json.loads(raw)
    except RecursionError:
        raise BadRequest(f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The {what} is not valid JSON: {exc}.") from None
    if json_depth(document) > MAX_JSON_DEPTH:
        raise BadRequest(f"The {what} nests deeper than {MAX_JSON_DEPTH} levels.")
    return document


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
