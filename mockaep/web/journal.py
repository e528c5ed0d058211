"""The request journal: every exchange the emulator answered, newest first, in bounded memory.

:class:`JournalMiddleware` is WSGI middleware around the whole app (outside Flask, outside
replay), so it sees every request without a service knowing: time on the emulator clock, tenant,
method, path, query, status, duration, the official operation id (:mod:`mockaep.web.operations`),
the fault rule that answered if any (:mod:`mockaep.web.faults`), and request and response bodies
up to :data:`BODY_CAP` bytes each. It also writes the access-log line (:mod:`mockaep.web.accesslog`).

:class:`Journal` keeps the last ``size`` entries (a ring buffer). Requests to the control plane
(``/_mockaep/...``) are logged but not journaled: asking the journal must not fill it.
"""
from __future__ import annotations

import copy
import io
import itertools
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from mockaep.core.clock import iso_ms
from mockaep.core.errors import PlatformError, shown
from mockaep.core.jsonreader import dumps, parse_json
from mockaep.core.numbers import whole_number
from mockaep.web import accesslog
from mockaep.web.control.redaction import PLACEHOLDER, SECRET_NAME
from mockaep.web.gateway import BODY_KEY, ENDPOINT_KEY, REQUEST_ID_KEY
from mockaep.web.operations import CONTROL_SERVICE, OperationIndex, collapse_slashes, service_name

#: Bytes of each request and response body an entry keeps.
BODY_CAP = 16 * 1024
#: Bounds of ``--journal-size`` (entries); each entry holds at most 2 × BODY_CAP of bodies.
MIN_SIZE, MAX_SIZE = 1, 10_000
#: environ keys the edge middlewares share.
FAULT_KEY = "mockaep.fault"  # id of the fault rule that answered
FILTERS = ("org", "sandbox", "service", "operationId", "method", "path", "status", "limit", "secrets")
#: Nesting searched for secrets in a journaled JSON body (deeper values are left as they are).
MAX_REDACT_DEPTH = 32
#: Request headers an entry keeps (the ones that say who asked and how).
KEPT_HEADERS = ("content-type", "accept", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name", "x-request-id",
                "if-match", "user-agent")
#: (header name, WSGI environ key) of each kept header.
_KEPT_KEYS = tuple((name, "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_"))
                   for name in KEPT_HEADERS)


class JournalError(ValueError):
    """A journal query that cannot be answered (bad filter); the message says why."""


class Journal:
    """The last ``size`` exchanges (oldest dropped first), thread-safe."""

    def __init__(self, size: int = 1000) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
            raise ValueError(f"journal size must be an integer in {MIN_SIZE}..{MAX_SIZE}, got {size!r}")
        self.size = size
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._entries)
            self._entries.clear()
            return cleared

    def entries(self, filters: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Entries matching every filter, newest first (see :data:`FILTERS`).

        Credentials in bodies (IMS client secrets and tokens, connection passwords: names that
        look like secrets) are shown as a placeholder, as in a state export, unless
        ``secrets=include``.
        """
        filters = filters or {}
        test, limit = _compile_filters(filters, self.size)
        with self._lock:
            snapshot = list(self._entries)
        found = [materialized(entry) for entry in itertools.islice((e for e in reversed(snapshot) if test(e)), limit)]
        if filters.get("secrets") == "include":
            return found
        return [redacted(entry) for entry in found]


def _compile_filters(filters: Mapping[str, str], size: int) -> tuple[Callable[[Mapping[str, Any]], bool], int]:
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise JournalError(f"unknown filter(s) {shown(', '.join(unknown))}; filters: {', '.join(FILTERS)}")
    checks: list[Callable[[Mapping[str, Any]], bool]] = []
    for key in ("org", "sandbox", "service", "operationId"):
        if key in filters:
            checks.append(lambda entry, key=key, wanted=filters[key]: entry.get(key) == wanted)
    if "method" in filters:
        checks.append(lambda entry, wanted=filters["method"].upper(): entry["method"] == wanted)
    if "path" in filters:
        checks.append(lambda entry, prefix=filters["path"]: entry["path"].startswith(prefix))
    if "status" in filters:
        checks.append(_status_check(filters["status"]))
    if filters.get("secrets", "include") != "include":
        raise JournalError("secrets takes only the value include (bodies with their credentials)")
    limit = size
    if "limit" in filters:
        text = filters["limit"]
        value = whole_number(text, 5)
        if value is None or not 1 <= value <= MAX_SIZE:
            raise JournalError(f"limit must be an integer in 1..{MAX_SIZE}, got {shown(text, quoted=True)}")
        limit = value
    return (lambda entry: all(check(entry) for check in checks)), limit


def _status_check(text: str) -> Callable[[Mapping[str, Any]], bool]:
    """``status=404`` (exact) or ``status=4xx`` (a class)."""
    value = text.strip().lower()
    if len(value) == 3 and value[0] in "12345" and value[1:] == "xx":
        return lambda entry: entry.get("status") is not None and entry["status"] // 100 == int(value[0])
    status = whole_number(value, 3)
    if status is not None and 100 <= status <= 599:
        return lambda entry: entry.get("status") == status
    raise JournalError(f"status must be an HTTP status (404) or a class (4xx), got {shown(text, quoted=True)}")


def _redact_value(node: Any, depth: int = 0) -> Any:
    if depth > MAX_REDACT_DEPTH:
        return node
    if isinstance(node, dict):
        return {key: PLACEHOLDER if SECRET_NAME.search(str(key)) and isinstance(value, (str, int, float))
                else _redact_value(value, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_redact_value(item, depth + 1) for item in node]
    return node


def _redact_body(part: dict[str, Any]) -> None:
    """Credentials in a journaled JSON or form body → :data:`PLACEHOLDER` (in place)."""
    text = part.get("body") or ""
    if not text or part.get("bodyTruncated"):
        return  # a cut body is shown as cut; its secrets may be cut too, so hide it whole
    media = str(part.get("headers", {}).get("content-type") or part.get("headers", {}).get("Content-Type") or "")
    if "x-www-form-urlencoded" in media:
        pairs = parse_qsl(text, keep_blank_values=True)
        part["body"] = urlencode([(k, PLACEHOLDER if SECRET_NAME.search(k) else v) for k, v in pairs])
        return
    try:
        document = parse_json(text, what="journaled body")
    except PlatformError:
        return  # not JSON: shown as sent
    hidden = _redact_value(document)
    if hidden != document:
        part["body"] = dumps(hidden).decode("utf-8")


def redacted(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``entry`` whose bodies show credentials as a placeholder."""
    view = copy.deepcopy(dict(entry))
    for side in ("request", "response"):
        part = view.get(side) or {}
        if part.get("bodyTruncated") and part.get("body"):
            part["body"] = part["body"] if not SECRET_NAME.search(part["body"]) else PLACEHOLDER
        _redact_body(part)
    return view


class _Part:
    """One side of a journaled exchange as received: its first bytes, size and headers. Turned into
    text only when the journal is read (a request pays for keeping, not for showing)."""

    __slots__ = ("data", "total", "headers")

    def __init__(self, data: bytes, total: int, headers: dict[str, Any]) -> None:
        self.data, self.total, self.headers = data[:BODY_CAP], total, headers

    def shown(self) -> dict[str, Any]:
        return {"body": self.data.decode("utf-8", "replace"), "bodyBytes": self.total,
                "bodyTruncated": self.total > BODY_CAP, "headers": dict(self.headers)}


def materialized(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An entry as ``GET /_mockaep/requests`` shows it."""
    shown = {"time": iso_ms(entry["timeMs"]), **entry}
    for side in ("request", "response"):
        if isinstance(shown.get(side), _Part):
            shown[side] = shown[side].shown()
    return shown


class _TeeInput:
    """``wsgi.input`` that keeps the first :data:`BODY_CAP` bytes the app reads."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.kept = bytearray()
        self.total = 0

    def _keep(self, data: bytes) -> bytes:
        self.total += len(data)
        room = BODY_CAP - len(self.kept)
        if room > 0:
            self.kept += data[:room]
        return data

    def read(self, *args: Any) -> bytes:
        return self._keep(self._stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._keep(self._stream.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        return [self._keep(line) for line in self._stream.readlines(*args)]

    def __iter__(self):
        for line in self._stream:
            yield self._keep(line)


class JournalMiddleware:
    """Journals and logs every exchange of ``app`` (see the module docstring).

    The answer is gathered whole before it is handed to the server, so an entry exists by the
    time the client has its response (a test can ask the journal right after a call).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], journal: Journal, operations: OperationIndex,
                 clock: Callable[[], int], default_sandbox: str) -> None:
        self.app = app
        self.journal = journal
        self.operations = operations
        self.clock = clock
        self.default_sandbox = default_sandbox

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        now = self.clock()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = collapse_slashes(environ.get("PATH_INFO", "") or "/")
        service = service_name(path)
        request_body = self._capture_request(environ)
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return chunks.append

        chunks: list[bytes] = []
        try:
            result = self.app(environ, capture)
            try:
                for chunk in result:
                    if chunk:
                        chunks.append(chunk)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except BaseException:
            self._record(environ, method, path, service, now, started, None, request_body, b"", [])
            raise
        body = b"".join(chunks)
        status = int(answer["status"].split(" ", 1)[0])
        request_id = environ.get(REQUEST_ID_KEY)  # set when the gateway saw the request
        if request_id is not None and not any(name.lower() == "x-request-id" for name, _value in answer["headers"]):
            answer["headers"] = [*answer["headers"], ("x-request-id", request_id)]
        self._record(environ, method, path, service, now, started, status, request_body, body, answer["headers"])
        start_response(answer["status"], answer["headers"], answer.get("exc_info"))
        return [body]

    @staticmethod
    def _capture_request(environ: dict[str, Any]) -> Any:
        """Read a small body up front (so a refused request's body is journaled too); tee a large one."""
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        length_text = environ.get("CONTENT_LENGTH") or ""
        length = whole_number(length_text, 19)
        if length is not None and length <= BODY_CAP:
            data = stream.read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(data)
            if len(data) == length:  # a short body stays for werkzeug to refuse
                environ[BODY_KEY] = data
            return data
        tee = _TeeInput(stream)
        environ["wsgi.input"] = tee
        return tee

    def _record(self, environ: dict[str, Any], method: str, path: str, service: str | None, now: int,
                started: float, status: int | None, request_body: Any, response_body: bytes,
                response_headers: list[tuple[str, str]]) -> None:
        if ENDPOINT_KEY in environ:  # Flask routed it
            operation_id = self.operations.operation_for(environ[ENDPOINT_KEY], method, path)
        else:  # answered before Flask (a fault rule, a replayed exchange): match the URL map once
            operation_id = self.operations.lookup(method, path)[1]
        headers = {name: environ[key] for name, key in _KEPT_KEYS if key in environ}
        if isinstance(request_body, _TeeInput):
            request_part = _Part(bytes(request_body.kept), request_body.total, headers)
        else:
            request_part = _Part(request_body, len(request_body), headers)
        response_part = _Part(response_body, len(response_body), response_headers)
        org = (environ.get("HTTP_X_GW_IMS_ORG_ID") or "").strip() or None
        sandbox = (environ.get("HTTP_X_SANDBOX_NAME") or "").strip() or None
        if sandbox is None and org is not None and service not in (None, CONTROL_SERVICE, "ims"):
            sandbox = self.default_sandbox
        entry = {
            "timeMs": now, "org": org, "sandbox": sandbox, "service": service,
            "operationId": operation_id, "method": method, "path": path,
            "query": environ.get("QUERY_STRING", ""), "status": status,
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "fault": environ.get(FAULT_KEY), "dropped": status is None,
            "request": request_part, "response": response_part,
        }
        accesslog.log_exchange(entry)
        if service != CONTROL_SERVICE:
            self.journal.add(entry)
