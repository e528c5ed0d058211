"""Attribute paths of mapping sources and destinations.

``customerInfo.emails[0].email``, ``pi[*].names``, ``address.street\\.name``, ``${First Name}``:
names separated by unescaped dots, each optionally followed by ``[n]`` (an index) or ``[*]``
(every element, paired element by element with a ``[*]`` destination) — see
data-prep/mapping-set.md and data-prep/home.md (escaping).
"""
from __future__ import annotations

from typing import Any, Mapping, Union

from mockaep.services.conversion.values import MAX_ARRAY_LENGTH, TransformError
from mockaep.core.errors import shown
from mockaep.core.numbers import whole_number

#: Largest index a path may name: writing ``a[n]`` builds an array of n + 1 items, and no
#: transformation builds arrays longer than MAX_ARRAY_LENGTH.
MAX_INDEX = MAX_ARRAY_LENGTH - 1
#: Longest path read (XDM paths are a few dozen characters; the reader walks it character by
#: character).
MAX_PATH_LENGTH = 1024


class Wildcard:
    """The ``[*]`` step."""

    def __repr__(self) -> str:
        return "[*]"


WILDCARD = Wildcard()
Segment = Union[str, int, Wildcard]


class PathError(ValueError):
    """A path that cannot be read."""


def parse_path(text: str) -> list[Segment]:
    if not isinstance(text, str) or not text.strip():
        raise PathError("the path is empty")
    if len(text) > MAX_PATH_LENGTH:
        raise PathError(f"a path may have at most {MAX_PATH_LENGTH} characters")
    body = text.strip()
    if body.startswith("${") and body.endswith("}"):
        body = body[2:-1]
    segments: list[Segment] = []
    name: list[str] = []
    has_name = False
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                raise PathError(f"{shown(text, quoted=True)} ends with an escape character")
            name.append(body[i + 1])
            has_name = True
            i += 2
        elif ch == ".":
            if not has_name and (not segments or isinstance(segments[-1], str)):
                raise PathError(f"{shown(text, quoted=True)} has an empty name")
            if has_name:
                segments.append("".join(name))
            name, has_name = [], False
            i += 1
        elif ch == "[":
            if has_name:
                segments.append("".join(name))
                name, has_name = [], False
            elif not segments:
                raise PathError(f"{shown(text, quoted=True)} starts with an index")
            end = body.find("]", i)
            if end < 0:
                raise PathError(f"{shown(text, quoted=True)} has an unclosed '['")
            inside = body[i + 1:end].strip()
            if inside == "*":
                segments.append(WILDCARD)
            elif inside.isascii() and inside.isdigit():
                index = whole_number(inside, len(str(MAX_INDEX)))
                if index is None or index > MAX_INDEX:
                    raise PathError(f"{shown(text, quoted=True)} has an index larger than {MAX_INDEX}")
                segments.append(index)
            else:
                raise PathError(f"{shown(text, quoted=True)} has an index that is neither a number nor '*'")
            i = end + 1
            if i < len(body) and body[i] not in ".[":
                raise PathError(f"{shown(text, quoted=True)} needs '.' after ']'")
        else:
            name.append(ch)
            has_name = True
            i += 1
    if has_name:
        segments.append("".join(name))
    elif not segments or body.endswith("."):
        raise PathError(f"{shown(text, quoted=True)} has an empty name")
    return segments


def schema_path(segments: list[Segment]) -> str:
    """The dotted schema field a path designates (indexes dropped): ``pi[*].names`` → ``pi.names``."""
    return ".".join(s for s in segments if isinstance(s, str))


def has_wildcard(segments: list[Segment]) -> bool:
    return any(s is WILDCARD for s in segments)


def lookup(node: Any, segments: list[Segment]) -> Any:
    """The value at ``segments`` in a source row, ``None`` when absent.

    A name missing at some level is also tried joined with the following names
    (``Full.Name`` as one CSV column), since flat sources often have dotted column names.
    """
    if not segments:
        return node
    head, rest = segments[0], segments[1:]
    if head is WILDCARD:
        if not isinstance(node, list):
            return None
        return [lookup(item, rest) for item in node]
    if isinstance(head, int):
        if isinstance(node, list) and 0 <= head < len(node):
            return lookup(node[head], rest)
        return None
    if not isinstance(node, Mapping):
        return None
    if head in node:
        return lookup(node[head], rest)
    joined = head
    for count, following in enumerate(rest, start=1):
        if not isinstance(following, str):
            break
        joined = f"{joined}.{following}"
        if joined in node:
            return lookup(node[joined], rest[count:])
    return None


def lookup_attribute(row: Mapping[str, Any], source: str) -> Any:
    """An ATTRIBUTE source: an exact column name first, then the path reading."""
    if source in row:
        return row[source]
    return lookup(row, parse_path(source))


def write(target: dict[str, Any], segments: list[Segment], value: Any) -> None:
    """Place ``value`` at ``segments`` in the document being built, creating levels on the way."""
    _write(target, segments, value)


def _write(node: Any, segments: list[Segment], value: Any) -> Any:
    if not segments:
        return value
    head, rest = segments[0], segments[1:]
    if head is WILDCARD:
        if not isinstance(value, list):
            raise TransformError("a [*] destination needs a source that yields an array ([*] source)")
        items = node if isinstance(node, list) else []
        for position, item in enumerate(value):
            while len(items) <= position:
                items.append(None)
            items[position] = _write(items[position], rest, item)
        return items
    if isinstance(head, int):
        items = node if isinstance(node, list) else []
        while len(items) <= head:
            items.append(None)
        items[head] = _write(items[head], rest, value)
        return items
    container = node if isinstance(node, dict) else {}
    container[head] = _write(container.get(head), rest, value)
    return container
