"""Serving a cassette: WSGI middleware in front of the emulator (strict or hybrid).

For each request the player takes the first recorded exchange that matches and has not been
played yet, so repeated identical requests get their answers in recorded order; once all
matching exchanges were played, the last one answers again (polling loops keep working).
Unmatched requests get a 404 naming the closest recordings and what differed (``strict``) or
go on to the stateful emulator (``hybrid``). The emulator's control plane (``/_mockaep/...``)
is always served by the emulator; ``GET /_mockaep/replay`` reports what was played and
``POST /_mockaep/replay/rewind`` starts the tape again.

Placeholders in a recorded request (``<IMS_ORG-1>`` in ``x-gw-ims-org-id``…) are bound to the
values the live request carries in the same place, and those values are put back wherever the
placeholder appears in the recorded answer, so a client sees its own org id in ``imsOrgId``.
Apart from that substitution the recorded body is served byte for byte.
"""
from __future__ import annotations

import heapq
import io
import json
import logging
import os
import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlsplit

from mockaep.core import errors, patterns
from mockaep.core.patterns import PatternError
from mockaep.core.ids import new_uuid
from mockaep.web.gateway import service_of
from mockaep.replay.cassette import Cassette, Interaction
from mockaep.replay.matcher import (RequestView, differences, parse_match_on, parse_pointer, view_of,
                                    view_of_received)
from mockaep.replay.scrub import PLACEHOLDER_RE, SECRET_FIELDS, SECRET_HEADERS, is_json, load_json

logger = logging.getLogger("mockaep.replay")

MODES = ("strict", "hybrid")
CONTROL_PREFIX = "/_mockaep"
#: Headers the player computes itself instead of replaying them.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                        "trailers", "transfer-encoding", "upgrade", "content-length", "content-encoding"})
NEAREST = 3


@dataclass
class Entry:
    index: int
    interaction: Interaction
    view: RequestView
    plays: int = 0


def bind_placeholders(recorded: str, received: str) -> dict[str, str]:
    """Placeholder → live value, where a recorded value and the live one line up."""
    pieces = PLACEHOLDER_RE.split(recorded)
    if len(pieces) == 1:
        return {}
    # split() yields text, kind, number, text, …: the texts around one group per placeholder
    names = [f"<{pieces[i + 1]}-{pieces[i + 2]}>" for i in range(0, len(pieces) - 1, 3)]
    try:
        found = patterns.template(pieces[0::3]).fullmatch(received)
    except PatternError:
        return {}
    if not found:
        return {}
    return {name: found.group(i + 1) for i, name in enumerate(names)}


def _bind(recorded: Interaction, received: Interaction, bindings: dict[str, str]) -> None:
    """Placeholders of the recorded request → the values the live request has in their place
    (secret headers, secret query/form fields, JSON body strings)."""
    for name, values in recorded.request_headers.items():
        if name.lower() in SECRET_HEADERS and values:
            live = received.header(name)
            if live is not None:
                bindings.update(bind_placeholders(values[0], live))
    recorded_fields = parse_qsl(urlsplit(recorded.uri).query, keep_blank_values=True)
    live_fields = dict(parse_qsl(urlsplit(received.uri).query, keep_blank_values=True))
    if "form-urlencoded" in (recorded.header("content-type") or ""):
        recorded_fields += parse_qsl(recorded.request_body.decode("utf-8", "replace"), keep_blank_values=True)
        live_fields.update(parse_qsl(received.request_body.decode("utf-8", "replace"), keep_blank_values=True))
    for key, value in recorded_fields:
        if key.lower() in SECRET_FIELDS and key in live_fields:
            bindings.update(bind_placeholders(value, live_fields[key]))
    if b"<" in recorded.request_body and recorded.request_body.lstrip()[:1] in (b"{", b"["):
        mine, theirs = load_json(recorded.request_body), load_json(received.request_body)
        if is_json(mine) and is_json(theirs):
            _bind_json(mine, theirs, bindings)


def _bind_json(recorded: Any, live: Any, bindings: dict[str, str]) -> None:
    """Walk both bodies together; a recorded string holding placeholders binds the live one."""
    if isinstance(recorded, str) and isinstance(live, str):
        bindings.update(bind_placeholders(recorded, live))
    elif isinstance(recorded, dict) and isinstance(live, dict):
        for key, value in recorded.items():
            if key in live:
                _bind_json(value, live[key], bindings)
    elif isinstance(recorded, list) and isinstance(live, list):
        for mine, theirs in zip(recorded, live):
            _bind_json(mine, theirs, bindings)


def rehydrate(text: bytes, bindings: dict[str, str], json_escape: bool) -> bytes:
    """Bound placeholders in a recorded answer → the live values they stand for."""
    if b"<" not in text:
        return text
    for placeholder, value in bindings.items():
        spelled = json.dumps(value)[1:-1] if json_escape else value
        text = text.replace(placeholder.encode("utf-8"), spelled.encode("utf-8"))
    return text


class Player:
    """The tape: matching, play counts, bindings. Thread-safe; knows nothing of WSGI."""

    def __init__(self, cassette: Cassette, match_on: Any = None, mode: str = "strict",
                 ignore_body_fields: Any = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown replay mode {mode!r}; choose from {', '.join(MODES)}")
        self.cassette = cassette
        self.mode = mode
        self.match_on = parse_match_on(match_on)
        # The cassette may name body fields a client fills with the time of the call.
        declared = cassette.meta.get("ignoreBodyFields") or []
        if not isinstance(declared, list):
            raise ValueError(f"{cassette.path}: mockaep.ignoreBodyFields must be a list of JSON pointers")
        try:
            self.ignore = tuple(parse_pointer(p) for p in [*declared, *ignore_body_fields])
        except ValueError as exc:
            raise ValueError(f"{cassette.path}: {exc}") from None
        base_path = str(cassette.meta.get("upstreamBasePath") or "")
        self.entries = [Entry(i, it, view_of(it, base_path)) for i, it in enumerate(cassette.interactions)]
        # Candidates by (method, path): a request compares with the recordings it can match, not
        # the whole tape; recordings whose path has placeholders or wildcards are compared always.
        self._exact: dict[tuple[str, str], list[Entry]] = {}
        self._loose: dict[str, list[Entry]] = {}
        for entry in self.entries:
            method = self._method_key(entry.view)
            if "path" in self.match_on and not entry.view.wildcards and "<" not in entry.view.path:
                self._exact.setdefault((method, entry.view.path), []).append(entry)
            else:
                self._loose.setdefault(method, []).append(entry)
        self.bindings: dict[str, str] = {}
        self.misses = 0
        self._lock = threading.Lock()

    def _method_key(self, view: RequestView) -> str:
        return view.method if "method" in self.match_on else ""

    def rewind(self) -> None:
        with self._lock:
            for entry in self.entries:
                entry.plays = 0
            self.misses = 0

    def find(self, received: Interaction) -> tuple[Entry | None, list[tuple[Entry, list[str]]], dict[str, str]]:
        """The exchange that answers ``received`` (marked played) and the placeholder values to put
        back into its answer; or None, the nearest misses and no values."""
        view = view_of_received(received)
        with self._lock:
            method = self._method_key(view)
            candidates = heapq.merge(self._exact.get((method, view.path), ()), self._loose.get(method, ()),
                                     key=lambda entry: entry.index)
            matching = [e for e in candidates if not differences(e.view, view, self.match_on, self.ignore)]
            if matching:
                chosen = next((e for e in matching if e.plays == 0), matching[-1])
                chosen.plays += 1
                current: dict[str, str] = {}
                _bind(chosen.interaction, received, current)
                # values seen earlier (a token from an IMS answer…) fill what this request lacks
                self.bindings.update(current)
                return chosen, [], {**self.bindings, **current}
            self.misses += 1
            scored = [(e, differences(e.view, view, self.match_on, self.ignore)) for e in self.entries]
            scored.sort(key=lambda pair: (len(pair[1]), pair[0].view.path != view.path, pair[0].index))
            return None, scored[:NEAREST], {}

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "cassette": os.path.abspath(self.cassette.path), "mode": self.mode, "matchOn": list(self.match_on),
                "interactions": len(self.entries),
                "played": sum(1 for e in self.entries if e.plays),
                "misses": self.misses,
                "unplayed": [{"index": e.index, "request": e.view.describe()} for e in self.entries if not e.plays],
            }


# -- WSGI ----------------------------------------------------------------------------------------
def read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > 0:
        return stream.read(length)
    if environ.get("wsgi.input_terminated"):
        return stream.read()
    return b""


def raw_path(environ: dict[str, Any]) -> str:
    """The path as the client sent it, still percent-encoded (``%2F`` inside an id stays)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        if "://" in raw:  # absolute-form request target
            raw = urlsplit(raw).path
        return raw.split("?", 1)[0] or "/"
    path = environ.get("PATH_INFO", "") or "/"
    try:  # WSGI carries the decoded path as latin-1 text; undo that to get UTF-8 back
        path = path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return quote(path, safe="/:@!$&()*+,;=-._~")


def received_interaction(environ: dict[str, Any], body: bytes) -> Interaction:
    """The live request as an (answerless) exchange, comparable with the recorded ones."""
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.setdefault(key[5:].replace("_", "-").title(), []).append(value)
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = [environ[key]]
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    query = environ.get("QUERY_STRING", "")
    uri = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{raw_path(environ)}"
    if query:
        uri += "?" + query
    return Interaction(method=environ.get("REQUEST_METHOD", "GET").upper(), uri=uri,
                       request_headers=headers, request_body=body)


def _json_reply(start_response: Callable, status: int, body: Any, extra: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    payload = json.dumps(body, indent=2).encode("utf-8")
    start_response(f"{status} {HTTPStatus(status).phrase}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(payload))), *extra])
    return [payload]


class ReplayMiddleware:
    """Answers from the cassette; what it cannot answer goes to ``app`` (hybrid) or is refused."""

    def __init__(self, app: Callable, player: Player) -> None:
        self.app = app
        self.player = player

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path.startswith(CONTROL_PREFIX + "/"):  # the control plane (replay status included) is Flask's
            return self.app(environ, start_response)
        body = read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        received = received_interaction(environ, body)
        entry, nearest, bindings = self.player.find(received)
        if entry is not None:
            return self._answer(entry, bindings, start_response, head=method == "HEAD")
        if self.player.mode == "hybrid":
            return self.app(environ, start_response)
        return self._refuse(received, nearest, start_response)

    def _answer(self, entry: Entry, bindings: dict[str, str], start_response: Callable,
                head: bool = False) -> list[bytes]:
        recorded = entry.interaction
        media = (recorded.header("content-type", response=True) or "").lower()
        body = rehydrate(recorded.response_body, bindings, json_escape="json" in media)
        headers = []
        for name, values in recorded.response_headers.items():
            # a HEAD answer keeps the recorded length of the body it does not carry
            if name.lower() in HOP_BY_HOP and not (head and name.lower() == "content-length"):
                continue
            for value in values:
                headers.append((name, rehydrate(value.encode("utf-8"), bindings, False).decode("utf-8")))
        if head:
            body = b""
        elif recorded.status not in (204, 304) and not (100 <= recorded.status < 200):
            headers.append(("Content-Length", str(len(body))))
        else:
            body = b""
        headers.append(("x-mockaep-replay", f"interaction={entry.index}"))
        reason = recorded.reason or status_phrase(recorded.status)
        start_response(f"{recorded.status} {reason}", headers)
        return [body]

    def _refuse(self, received: Interaction, nearest: list[tuple[Entry, list[str]]],
                start_response: Callable) -> list[bytes]:
        view = view_of_received(received)
        if nearest:
            closest = "; ".join(f"#{e.index} {e.view.describe()} ({', '.join(d)})" for e, d in nearest)
            detail = (f"No recorded exchange in {self.player.cassette.path} matches {view.describe()} "
                      f"(matching on {', '.join(self.player.match_on)}). Closest: {closest}.")
        else:
            detail = f"No recorded exchange in {self.player.cassette.path}: the cassette is empty."
        logger.info("replay miss: %s", detail)
        found = service_of(urlsplit(received.uri).path)
        shape = found[1] if found else errors.EMULATOR
        error = errors.PlatformError(detail, status=404, title="Request not recorded")
        body = shape.render(error, received.header("x-request-id") or new_uuid())
        body["replay"] = {
            "cassette": self.player.cassette.path,
            "matchOn": list(self.player.match_on),
            "request": view.describe(),
            "closest": [{"index": e.index, "request": e.view.describe(), "differences": d} for e, d in nearest],
        }
        return _json_reply(start_response, 404, body, [("x-mockaep-replay", "miss")])


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
