"""Which recorded exchange answers a request, and why the others do not.

A request is reduced to a :class:`RequestView` (method, scheme, host, port, decoded path, sorted
query pairs, parsed body, headers) after its secrets were replaced by placeholders, and every
placeholder is then generalised to one token, so a value recorded as ``<IMS_ORG-1>`` matches
whatever org the replaying client sends. :func:`differences` compares a recorded view with a
received one on the chosen parts and says, in words, what differs; an empty list is a match.
Like the ``responses`` library, a miss is explained by the closest candidates' differences.

Exchanges imported from Postman carry ``"wildcards": true``: there a ``{NAME}`` path segment
matches any segment, recorded query parameters are optional and an ``<...>`` value matches any
value, and bodies are not compared (Postman examples show a body's shape, not its values).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from mockaep.core import patterns
from mockaep.core.numbers import whole_number
from mockaep.core.patterns import PatternError
from mockaep.replay.cassette import Interaction
from mockaep.replay.scrub import GENERIC_PLACEHOLDER, Scrubber, generalize, is_json, load_json

MATCH_PARTS = ("method", "scheme", "host", "port", "path", "query", "body", "headers")
DEFAULT_MATCH_ON = ("method", "path", "query", "body")
#: Headers never compared by the ``headers`` part: transport details that vary between runs.
VOLATILE_HEADERS = frozenset({
    "host", "user-agent", "content-length", "accept-encoding", "connection", "keep-alive", "date",
    "x-request-id", "postman-token", "cache-control", "te", "transfer-encoding",
})
TEMPLATE_SEGMENT_RE = re.compile(r"^\{[^/{}]+\}$")
POSTMAN_VALUE_RE = re.compile(r"^(<[^<>]*>[,;\s]*)+$")


def parse_match_on(parts: Any) -> tuple[str, ...]:
    """Check a ``--match-on`` list (strings or one comma-separated string)."""
    if parts is None:
        return DEFAULT_MATCH_ON
    if isinstance(parts, str):
        parts = parts.split(",")
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in parts if p and p.strip()))
    unknown = [p for p in chosen if p not in MATCH_PARTS]
    if unknown:
        raise ValueError(f"unknown match part(s) {', '.join(unknown)}; choose from {', '.join(MATCH_PARTS)}")
    if not chosen:
        raise ValueError(f"match on at least one of {', '.join(MATCH_PARTS)}")
    return chosen


def normalize_path(path: str) -> str:
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path or "/"


@dataclass
class RequestView:
    method: str
    scheme: str
    host: str
    port: str
    path: str
    query: list[tuple[str, str]]
    body: tuple[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    wildcards: bool = False
    #: Path segments split before decoding, so an id holding ``%2F`` (Schema Registry) stays one.
    segments: tuple[str, ...] = ()

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def _body_view(body: bytes, headers: dict[str, list[str]]) -> tuple[str, Any]:
    if not body or not body.strip():
        return ("empty", None)
    media = ""
    for key, values in headers.items():
        if key.lower() == "content-type" and values:
            media = values[0].split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ("bytes", body)
    if media == "application/x-www-form-urlencoded":
        return ("form", sorted((k, generalize(v)) for k, v in parse_qsl(text, keep_blank_values=True)))
    if text.lstrip()[:1] in ("{", "[") or "json" in media:
        parsed = load_json(generalize(text))
        if is_json(parsed):
            return ("json", parsed)
    return ("text", generalize(text))


def view_of(interaction: Interaction, base_path: str = "") -> RequestView:
    """The comparable form of a recorded (already scrubbed) request."""
    split = urlsplit(interaction.uri)
    raw_path = split.path
    if base_path and raw_path.startswith(base_path):
        raw_path = raw_path[len(base_path):] or "/"
    path = unquote(raw_path)
    segments = tuple(unquote(segment) for segment in normalize_path(raw_path).split("/"))
    default_port = {"http": "80", "https": "443"}.get(split.scheme, "")
    return RequestView(
        method=interaction.method.upper(),
        scheme=split.scheme,
        host=(split.hostname or "").lower(),
        port=str(split.port) if split.port else default_port,
        path=normalize_path(path),
        query=sorted((k, generalize(v)) for k, v in parse_qsl(split.query, keep_blank_values=True)),
        body=_body_view(interaction.request_body, interaction.request_headers),
        headers={k.lower(): generalize(vs[0]) for k, vs in interaction.request_headers.items()
                 if vs and k.lower() not in VOLATILE_HEADERS},
        wildcards=bool(interaction.meta.get("wildcards")),
        segments=segments,
    )


def view_of_received(interaction: Interaction) -> RequestView:
    """The comparable form of a live request: its own secrets are scrubbed first."""
    return view_of(Scrubber().scrub(interaction))


# -- comparing -----------------------------------------------------------------------------------
def text_matches(recorded: str, received: str) -> bool:
    """Equality, where a generic placeholder in the recording matches any non-empty text."""
    if GENERIC_PLACEHOLDER not in recorded:
        return recorded == received
    try:
        return patterns.template(recorded.split(GENERIC_PLACEHOLDER)).fullmatch(received) is not None
    except PatternError:
        return False


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_difference(recorded: Any, received: Any, pointer: str = "") -> str | None:
    """Where two JSON values first differ (JSON pointer and both values), or None."""
    where = pointer or "/"
    if isinstance(recorded, str) and isinstance(received, str):
        return None if text_matches(recorded, received) else \
            f"at {where} recorded {_short(recorded)!r}, received {_short(received)!r}"
    if isinstance(recorded, dict) and isinstance(received, dict):
        missing = [k for k in recorded if k not in received]
        if missing:
            return f"at {where} missing key(s) {', '.join(map(repr, missing[:3]))}"
        extra = [k for k in received if k not in recorded]
        if extra:
            return f"at {where} unexpected key(s) {', '.join(map(repr, extra[:3]))}"
        for key in recorded:
            found = json_difference(recorded[key], received[key], f"{pointer}/{key}")
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(received, list):
        if len(recorded) != len(received):
            return f"at {where} recorded {len(recorded)} item(s), received {len(received)}"
        for position, (a, b) in enumerate(zip(recorded, received)):
            found = json_difference(a, b, f"{pointer}/{position}")
            if found:
                return found
        return None
    if type(recorded) is type(received) and recorded == received:
        return None
    return f"at {where} recorded {_short(recorded)}, received {_short(received)}"


def _path_difference(recorded: RequestView, received: RequestView) -> str | None:
    if recorded.wildcards:
        mine, theirs = recorded.segments, received.segments
        if len(mine) == len(theirs) and all(
                TEMPLATE_SEGMENT_RE.match(a) or text_matches(a, b) for a, b in zip(mine, theirs)):
            return None
    elif text_matches(recorded.path, received.path):
        return None
    return f"path: recorded {recorded.path}, received {received.path}"


def _query_difference(recorded: RequestView, received: RequestView) -> str | None:
    if recorded.wildcards:
        allowed = {}
        for key, value in recorded.query:
            allowed.setdefault(key, []).append(value)
        unexpected = [f"{k}={v}" for k, v in received.query
                      if k not in allowed or not any(POSTMAN_VALUE_RE.match(a) or text_matches(a, v)
                                                     for a in allowed[k])]
        return f"query: unexpected {', '.join(unexpected)}" if unexpected else None
    remaining = list(received.query)
    missing = []
    for key, value in recorded.query:
        for position, (k, v) in enumerate(remaining):
            if k == key and text_matches(value, v):
                del remaining[position]
                break
        else:
            missing.append(f"{key}={value}")
    if not missing and not remaining:
        return None
    said = []
    if missing:
        said.append(f"missing {', '.join(missing)}")
    if remaining:
        said.append(f"unexpected {', '.join(f'{k}={v}' for k, v in remaining)}")
    return f"query: {'; '.join(said)}"


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """``/scheduleParams/startTime`` → its reference tokens (``*`` stands for any key or index)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise ValueError(f"a body field to ignore must be a JSON pointer starting with '/', got {pointer!r}")
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/"))


def without(value: Any, pointer: tuple[str, ...]) -> Any:
    """A copy of a JSON value with what sits at ``pointer`` removed (nothing if absent)."""
    if not pointer:
        return value
    head, rest = pointer[0], pointer[1:]
    if isinstance(value, dict):
        keys = list(value) if head == "*" else [head]
        out = dict(value)
        for key in keys:
            if key in out:
                if rest:
                    out[key] = without(out[key], rest)
                else:
                    del out[key]
        return out
    if isinstance(value, list):
        if head == "*":
            return [without(item, rest) for item in value] if rest else []
        if (index := whole_number(head, 9)) is not None and index < len(value):
            out = list(value)
            if rest:
                out[index] = without(out[index], rest)
            else:
                del out[index]
            return out
    return value


def _body_difference(recorded: RequestView, received: RequestView,
                     ignore: tuple[tuple[str, ...], ...] = ()) -> str | None:
    if recorded.wildcards:
        return None
    (kind_a, body_a), (kind_b, body_b) = recorded.body, received.body
    if kind_a != kind_b:
        return f"body: recorded {kind_a} body, received {kind_b} body"
    if kind_a == "json":
        for pointer in ignore:
            body_a, body_b = without(body_a, pointer), without(body_b, pointer)
        found = json_difference(body_a, body_b)
        return f"body: {found}" if found else None
    if kind_a == "form":
        return None if len(body_a) == len(body_b) and all(
            ka == kb and text_matches(va, vb) for (ka, va), (kb, vb) in zip(body_a, body_b)) \
            else f"body: form fields differ (recorded {_short(body_a)}, received {_short(body_b)})"
    if kind_a == "text":
        return None if text_matches(body_a, body_b) else \
            f"body: recorded {_short(body_a)!r}, received {_short(body_b)!r}"
    if body_a != body_b:
        return f"body: recorded {len(body_a or b'')} bytes, received {len(body_b or b'')} different bytes"
    return None


def _headers_difference(recorded: RequestView, received: RequestView) -> str | None:
    said = []
    for name, value in recorded.headers.items():
        if name not in received.headers:
            said.append(f"missing {name}")
        elif recorded.wildcards and POSTMAN_VALUE_RE.match(value):
            continue
        elif not text_matches(value, received.headers[name]):
            said.append(f"{name} recorded {_short(value, 40)!r}, received {_short(received.headers[name], 40)!r}")
    return f"headers: {'; '.join(said)}" if said else None


def differences(recorded: RequestView, received: RequestView, match_on: tuple[str, ...],
                ignore: tuple[tuple[str, ...], ...] = ()) -> list[str]:
    """What differs between a recording and a request on the chosen parts (empty: a match).

    ``ignore``: parsed JSON pointers of body fields not compared (timestamps a client computes).
    """
    found: list[str | None] = []
    for part in match_on:
        if part == "method":
            found.append(None if recorded.method == received.method
                         else f"method: recorded {recorded.method}, received {received.method}")
        elif part in ("scheme", "host", "port"):
            a, b = getattr(recorded, part), getattr(received, part)
            found.append(None if a == b else f"{part}: recorded {a}, received {b}")
        elif part == "path":
            found.append(_path_difference(recorded, received))
        elif part == "query":
            found.append(_query_difference(recorded, received))
        elif part == "body":
            found.append(_body_difference(recorded, received, ignore))
        elif part == "headers":
            found.append(_headers_difference(recorded, received))
    return [d for d in found if d]
