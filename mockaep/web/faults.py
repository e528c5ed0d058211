"""Fault injection: rules that make chosen requests fail, slow down or lose their connection.

A rule (``POST /_mockaep/faults``, see :mod:`mockaep.web.control.faults`) has three parts::

    {"match":  {"service", "operationId", "method", "path" (glob), "pathRegex" (RE2), "org", "sandbox"},
     "effect": {"status", "retryAfter", "errorCode", "message", "latencyMs", "drop"},
     "when":   {"times", "probability", "seed", "from", "until"}}

``match``: every key given must hold (none: every request outside the control plane). ``path`` is
a glob on the request path: ``*`` and ``?`` stay within one segment, ``**`` spans segments.
``effect``: ``status`` answers that error (4xx/5xx) in the owning service's own error body (the
shapes of :mod:`mockaep.core.errors`; IMS answers OAuth 2's ``{"error", "error_description"}``),
with ``Retry-After`` when ``retryAfter`` (seconds, or an HTTP-date) is given; ``latencyMs`` delays
the request (bounded by :data:`MAX_LATENCY_MS`) before it is answered, normally or by the fault;
``drop`` closes the connection without an answer. ``when``: ``times`` fires on the next N matching
requests only; ``probability`` fires on that share of them, drawn from ``seed`` (reproducible; a
seed is chosen and shown when none is given); ``from``/``until`` limit it to a window on the
emulator clock (epoch ms or ISO-8601). The first rule (in the order added) that matches and fires
decides; :class:`FaultMiddleware` applies it outside Flask, so replayed answers can fail too.
"""
from __future__ import annotations

import email.utils
import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Callable, Iterable

from waitress.channel import ClientDisconnected

from mockaep.core.clock import ClockError, iso_ms, parse_instant
from mockaep.core.errors import EMULATOR, PlatformError
from mockaep.core.jsonreader import dumps
from mockaep.core.mounts import MOUNTS
from mockaep.core.numbers import whole_number
from mockaep.core.patterns import Pattern, PatternError, compile_pattern
from mockaep.core.ids import new_uuid
from mockaep.web.journal import FAULT_KEY
from mockaep.web.operations import (CONTROL_SERVICE, IMS_SERVICE, OperationIndex, collapse_slashes, known_services,
                                    service_name)

MAX_RULES = 100
MAX_LATENCY_MS = 30_000
MAX_TIMES = 1_000_000
MAX_RETRY_AFTER_SECONDS = 86_400
#: Longest ``retryAfter`` HTTP-date (``Wed, 21 Oct 2026 07:28:00 GMT`` is 29 characters).
MAX_HTTP_DATE = 64
MAX_TEXT = 1000
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
RULE_KEYS = ("id", "match", "effect", "when")
MATCH_KEYS = ("service", "operationId", "method", "path", "pathRegex", "org", "sandbox")
EFFECT_KEYS = ("status", "retryAfter", "errorCode", "message", "latencyMs", "drop")
WHEN_KEYS = ("times", "probability", "seed", "from", "until")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SHAPES = {name: shape for name, _prefix, shape in MOUNTS}
_DEFAULT_MESSAGES = {
    429: "Too many requests. Please retry after some time.",
    503: "The service is temporarily unavailable. Please try again later.",
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status Python does not name (e.g. 499)
        return "Error"


class FaultRuleError(ValueError):
    """A rule that cannot be used; the message names the field and the problem."""


class DroppedConnection(ClientDisconnected, ConnectionAbortedError):
    """Raised to the server so that it closes the connection without answering.

    waitress closes the socket on :class:`ClientDisconnected` before writing anything; the
    in-process transport (``mockaep_client.WSGIAdapter``) turns a ``ConnectionError`` into
    ``requests.ConnectionError``, as a socket would.
    """


# -- parsing and validating a rule ---------------------------------------------------------------
def _object(value: Any, where: str, keys: Iterable[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FaultRuleError(f"{where} must be an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise FaultRuleError(f"{where}: unknown field(s) {', '.join(unknown)}; fields: {', '.join(keys)}")
    return value


def _text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FaultRuleError(f"{where} must be a non-empty string")
    if len(value) > limit:
        raise FaultRuleError(f"{where} is longer than {limit} characters")
    return value


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultRuleError(f"{where} must be an integer in {low}..{high}")
    return value


def glob_to_pattern(glob: str) -> Pattern:
    """A path glob as an anchored RE2 pattern: ``*``/``?`` within a segment, ``**`` across segments."""
    out = []
    position = 0
    while position < len(glob):
        char = glob[position]
        if glob.startswith("**", position):
            out.append(".*")
            position += 2
            continue
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        position += 1
    return compile_pattern("".join(out))


def _retry_after(value: Any) -> str:
    seconds = whole_number(value.strip(), len(str(MAX_RETRY_AFTER_SECONDS))) if isinstance(value, str) else None
    if seconds is not None:
        value = seconds  # seconds written as a string, as the header itself carries them
    if isinstance(value, str):
        if not (value.isascii() and value.isprintable()) or len(value) > MAX_HTTP_DATE:
            # it is sent as a header: a control character (CR, LF) would break the answer
            raise FaultRuleError(f"effect.retryAfter must be an HTTP-date of at most {MAX_HTTP_DATE} printable "
                                 "ASCII characters (Wed, 21 Oct 2026 07:28:00 GMT)")
        try:
            email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            raise FaultRuleError("effect.retryAfter must be seconds (an integer) or an HTTP-date "
                                 "(Wed, 21 Oct 2026 07:28:00 GMT)") from None
        return value
    return str(_integer(value, "effect.retryAfter", 0, MAX_RETRY_AFTER_SECONDS))


@dataclass
class FaultRule:
    """One validated rule, with its counters (``matched``: requests in scope; ``fired``)."""

    id: str
    match: dict[str, Any]
    effect: dict[str, Any]
    when: dict[str, Any]
    path_pattern: Pattern | None = None
    rng: random.Random | None = None
    matched: int = 0
    fired: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def as_dict(self) -> dict[str, Any]:
        times = self.when.get("times")
        view = {"id": self.id, "match": dict(self.match), "effect": dict(self.effect), "when": dict(self.when),
                "matched": self.matched, "fired": self.fired}
        if times is not None:
            view["remaining"] = max(times - self.fired, 0)
        for key in ("from", "until"):
            if key in self.when:
                view["when"][key] = iso_ms(self.when[key])
        return view

    # -- deciding --------------------------------------------------------------------------------
    def in_scope(self, service: str | None, operation_id: Callable[[], str | None], method: str, path: str,
                 org: str | None, sandbox: str | None) -> bool:
        m = self.match
        return ((m.get("service") is None or m["service"] == service)
                and (m.get("method") is None or m["method"] == method)
                and (self.path_pattern is None or self.path_pattern.fullmatch(path) is not None)
                and (m.get("org") is None or m["org"] == org)
                and (m.get("sandbox") is None or m["sandbox"] == sandbox)
                and (m.get("operationId") is None or m["operationId"] == operation_id()))

    def fires(self, now_ms: int) -> bool:
        """Called for a request in scope: whether the fault applies to it (and count it)."""
        with self.lock:
            self.matched += 1
            when = self.when
            if "from" in when and now_ms < when["from"]:
                return False
            if "until" in when and now_ms >= when["until"]:
                return False
            if "times" in when and self.fired >= when["times"]:
                return False
            if self.rng is not None and self.rng.random() >= when["probability"]:
                return False
            self.fired += 1
            return True


def parse_rule(document: Any, rule_id: str, operation_ids: frozenset[str]) -> FaultRule:
    """A :class:`FaultRule` from its JSON, or :class:`FaultRuleError` naming the first problem."""
    if not isinstance(document, dict):
        raise FaultRuleError("a fault rule must be a JSON object with match, effect and when")
    _object(document, "rule", RULE_KEYS)
    if "id" in document:
        rule_id = document["id"]
        if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
            raise FaultRuleError("id must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    match = dict(_object(document.get("match"), "match", MATCH_KEYS))
    effect = dict(_object(document.get("effect"), "effect", EFFECT_KEYS))
    when = dict(_object(document.get("when"), "when", WHEN_KEYS))

    for key in ("org", "sandbox", "path", "pathRegex"):
        if key in match:
            _text(match[key], f"match.{key}")
    if "service" in match and match["service"] not in known_services():
        raise FaultRuleError(f"match.service must be one of {', '.join(known_services())}")
    operation = match.get("operationId")
    if "operationId" in match and (not isinstance(operation, str) or operation not in operation_ids):
        raise FaultRuleError(f"match.operationId '{str(match['operationId'])[:100]}' is not an operation of "
                             "the official specs (GET /_mockaep/requests shows the operationId of each request)")
    if "method" in match:
        if not isinstance(match["method"], str) or match["method"].upper() not in METHODS:
            raise FaultRuleError(f"match.method must be one of {', '.join(METHODS)}")
        match["method"] = match["method"].upper()
    if "path" in match and "pathRegex" in match:
        raise FaultRuleError("match takes path (a glob) or pathRegex (RE2), not both")
    try:
        if "path" in match:
            path_pattern: Pattern | None = glob_to_pattern(match["path"])
        elif "pathRegex" in match:
            path_pattern = compile_pattern(match["pathRegex"])
        else:
            path_pattern = None
    except PatternError as exc:
        raise FaultRuleError(f"match.{'path' if 'path' in match else 'pathRegex'}: {exc}") from None

    if "status" in effect:
        _integer(effect["status"], "effect.status", 400, 599)
    if "latencyMs" in effect:
        _integer(effect["latencyMs"], "effect.latencyMs", 0, MAX_LATENCY_MS)
    if "drop" in effect and not isinstance(effect["drop"], bool):
        raise FaultRuleError("effect.drop must be true or false")
    if effect.get("drop") and "status" in effect:
        raise FaultRuleError("effect takes status or drop, not both")
    if "status" not in effect and not effect.get("drop") and not effect.get("latencyMs"):
        raise FaultRuleError("effect needs status, drop or latencyMs")
    for key in ("retryAfter", "errorCode", "message"):
        if key in effect and "status" not in effect:
            raise FaultRuleError(f"effect.{key} goes with effect.status")
    if "retryAfter" in effect:
        effect["retryAfter"] = _retry_after(effect["retryAfter"])
    if "errorCode" in effect:
        _text(effect["errorCode"], "effect.errorCode", 64)
    if "message" in effect:
        _text(effect["message"], "effect.message")

    rng = None
    if "times" in when:
        _integer(when["times"], "when.times", 1, MAX_TIMES)
    if "seed" in when and "probability" not in when:
        raise FaultRuleError("when.seed goes with when.probability")
    if "probability" in when:
        probability = when["probability"]
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            raise FaultRuleError("when.probability must be a number in 0..1")
        when.setdefault("seed", secrets.randbelow(2**31))
        rng = random.Random(_integer(when["seed"], "when.seed", 0, 2**63 - 1))
    try:
        for key in ("from", "until"):
            if key in when:
                when[key] = parse_instant(when[key])
    except ClockError as exc:
        raise FaultRuleError(f"when.{key}: {exc}") from None
    if "from" in when and "until" in when and when["until"] <= when["from"]:
        raise FaultRuleError("when.until must be later than when.from")
    return FaultRule(rule_id, match, effect, when, path_pattern, rng)


class FaultBook:
    """The rules of one emulator, in the order added (thread-safe)."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, documents: list[Any], operation_ids: frozenset[str]) -> list[FaultRule]:
        """Validate every rule, then add them all (or none)."""
        with self._lock:
            taken = {rule.id for rule in self._rules}
            if len(self._rules) + len(documents) > MAX_RULES:
                raise FaultRuleError(f"at most {MAX_RULES} fault rules at once ({len(self._rules)} exist)")
            parsed = []
            for position, document in enumerate(documents):
                try:
                    rule = parse_rule(document, f"fault-{uuid.uuid4().hex[:8]}", operation_ids)
                except FaultRuleError as exc:
                    raise FaultRuleError(f"rule {position}: {exc}" if len(documents) > 1 else str(exc)) from None
                if rule.id in taken:
                    raise FaultRuleError(f"a fault rule with id '{rule.id}' exists already")
                taken.add(rule.id)
                parsed.append(rule)
            self._rules.extend(parsed)
            return parsed

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            removed = len(kept) != len(self._rules)
            self._rules = kept
            return removed

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._rules)
            self._rules = []
            return cleared

    def empty(self) -> bool:
        """Whether no rule exists (read without the lock: a rule added meanwhile applies from the
        next request on, as it would have had the request come a moment earlier)."""
        return not self._rules

    def pick(self, service: str | None, operation_id: Callable[[], str | None], method: str, path: str,
             org: str | None, sandbox: str | None, now_ms: int) -> FaultRule | None:
        """The first rule in scope that fires; ``operation_id`` is asked only when a rule needs it
        (matching the URL map costs a little on every request otherwise)."""
        with self._lock:
            if not self._rules:
                return None
            rules = list(self._rules)
        for rule in rules:
            if rule.in_scope(service, operation_id, method, path, org, sandbox) and rule.fires(now_ms):
                return rule
        return None


# -- applying a rule -----------------------------------------------------------------------------
def error_body(service: str | None, status: int, rule: FaultRule, request_id: str) -> dict[str, Any]:
    """The error body the owning service answers ``status`` with."""
    message = rule.effect.get("message") or _DEFAULT_MESSAGES.get(status) or (
        "An internal error has occurred. Please try again. If the problem persists, please contact customer support."
        if status >= 500 else _phrase(status) + ".")
    if service == IMS_SERVICE:
        error = rule.effect.get("errorCode") or ("temporarily_unavailable" if status in (429, 503)
                                                 else "server_error" if status >= 500 else "invalid_request")
        return {"error": error, "error_description": message}
    shape = _SHAPES.get(service or "", EMULATOR)
    code = rule.effect.get("errorCode") or shape.default_codes.get(status) or shape.default_codes.get(
        500 if status >= 500 else 400, str(status))
    return shape.render(PlatformError(message, status=status, code=code, title=_phrase(status)), request_id)


class FaultMiddleware:
    """Applies the first rule that matches and fires (see the module docstring)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], book: FaultBook, operations: OperationIndex,
                 clock: Callable[[], int], default_sandbox: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.app = app
        self.book = book
        self.operations = operations
        self.clock = clock
        self.default_sandbox = default_sandbox
        self.sleep = sleep

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.book.empty():  # the common case: nothing to match the request against
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = collapse_slashes(environ.get("PATH_INFO", "") or "/")
        service = service_name(path)
        if service == CONTROL_SERVICE:
            return self.app(environ, start_response)
        org = (environ.get("HTTP_X_GW_IMS_ORG_ID") or "").strip() or None
        sandbox = (environ.get("HTTP_X_SANDBOX_NAME") or "").strip() or (
            self.default_sandbox if org is not None and service not in (None, IMS_SERVICE) else None)
        rule = self.book.pick(service, lambda: self.operations.lookup(method, path)[1], method, path, org, sandbox,
                              self.clock())
        if rule is None:
            return self.app(environ, start_response)
        environ[FAULT_KEY] = rule.id
        if rule.effect.get("latencyMs"):
            self.sleep(rule.effect["latencyMs"] / 1000)
        if rule.effect.get("drop"):
            raise DroppedConnection(f"mockaep fault rule {rule.id} dropped the connection")
        status = rule.effect.get("status")
        if status is None:
            return self.app(environ, start_response)
        request_id = (environ.get("HTTP_X_REQUEST_ID") or "").strip() or new_uuid()
        body = dumps(error_body(service, status, rule, request_id))
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                   ("x-request-id", request_id), ("x-mockaep-fault", rule.id)]
        if "retryAfter" in rule.effect:
            headers.append(("Retry-After", rule.effect["retryAfter"]))
        start_response(f"{status} {_phrase(status)}", headers)
        return [body]
