"""Which official operation a request is, and which routes are nearest to a request that has none.

:class:`OperationIndex` answers ``(service, operationId)`` for a method and path, from the app's
own URL map and the official specs (``mockaep/specs/openapi/*.json``, read once
per app by its :class:`mockaep.core.validation.Validators`): each spec operation's path, with sample values in its
parameters, is matched against the URL map once; a request then matches its route and picks the
operation of that route whose path template fits it. The journal and the fault rules use it.

:func:`install` makes a request that matches no route answer 404 naming the nearest routes.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RoutingException

from mockaep.core.errors import PlatformError
from mockaep.core.mounts import MOUNTS
from mockaep.web.gateway import render_http_exception, render_platform_error, service_of

#: Pseudo-services outside the five mounts, as journal entries and fault rules name them.
IMS_SERVICE = "ims"
CONTROL_SERVICE = "_mockaep"
CONTROL_PREFIX = "/_mockaep"
#: Paths whose operation is kept once matched (see ``OperationIndex._matched``), and the longest kept.
MATCHED_PATHS = 4096
MATCHED_PATH_CHARS = 512
#: Longest path looked at when looking for the nearest routes.
NEAREST_PATH_CHARS = 200
NEAREST_COUNT = 3

_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True)
class _Candidate:
    operation_id: str | None
    segment: re.Pattern[str]  # parameters match one path segment
    spanning: re.Pattern[str]  # parameters may span segments (decoded ids such as schema $ids)


def collapse_slashes(path: str) -> str:
    while "//" in path:
        path = path.replace("//", "/")
    return path


def service_name(path: str) -> str | None:
    """The service a path belongs to: a mount's name, ``ims``, ``_mockaep``, or None."""
    if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
        return CONTROL_SERVICE
    if path.startswith("/ims/"):
        return IMS_SERVICE
    for name, prefix, _shape in MOUNTS:
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def known_services() -> tuple[str, ...]:
    return tuple(name for name, _prefix, _shape in MOUNTS) + (IMS_SERVICE,)


def _template_pattern(template: str, param: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    return re.compile(param.join(re.escape(part) for part in parts))


class OperationIndex:
    """``(service, operationId)`` of a request, from the app's URL map and the official specs."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._table: dict[tuple[str, str], list[_Candidate]] | None = None
        self._operation_ids: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        #: (endpoint, method, path) → operation id, for endpoints that serve several operations
        #: (their paths are matched against each one's pattern); bounded, forgotten when full
        self._matched: dict[tuple[str, str, str], str | None] = {}

    def _build(self) -> dict[tuple[str, str], list[_Candidate]]:
        with self._lock:
            if self._table is not None:
                return self._table
            adapter = self._app.url_map.bind("localhost")
            table: dict[tuple[str, str], list[_Candidate]] = {}
            ids = set()
            for name, prefix, _shape in MOUNTS:
                spec = self._app.extensions["mockaep"].validators.openapi(name)
                for op in spec.operations():
                    path = op.path if op.path.startswith("/") else "/" + op.path
                    template = prefix + path
                    if op.operation_id:
                        ids.add(op.operation_id)
                    try:
                        endpoint, _args = adapter.match(_PARAM.sub("x0sample", template), method=op.method)
                    except (HTTPException, RoutingException):
                        continue  # not served: no request can be this operation
                    table.setdefault((endpoint, op.method), []).append(_Candidate(
                        op.operation_id, _template_pattern(template, "[^/]+"), _template_pattern(template, ".+")))
            self._operation_ids = frozenset(ids)
            self._table = table
            return table

    def operation_ids(self) -> frozenset[str]:
        """Every operation id of the official specs."""
        self._build()
        return self._operation_ids

    def lookup(self, method: str, path: str) -> tuple[str | None, str | None]:
        """``(service, operationId)`` by matching the URL map; the operation is None when no
        official operation is served there."""
        path = collapse_slashes(path)
        service = service_name(path)
        if service in (None, CONTROL_SERVICE, IMS_SERVICE):
            return service, None
        try:
            endpoint, _args = self._app.url_map.bind("localhost").match(path, method=method.upper())
        except (HTTPException, RoutingException):
            return service, None
        return service, self.operation_for(endpoint, method, path)

    def operation_for(self, endpoint: str | None, method: str, path: str) -> str | None:
        """The operation id of a request Flask routed to ``endpoint`` (None: not an official one)."""
        if endpoint is None:
            return None
        table = self._table if self._table is not None else self._build()  # built once: no lock after
        candidates = table.get((endpoint, method.upper()), [])
        if len(candidates) == 1:
            return candidates[0].operation_id
        if len(path) > MATCHED_PATH_CHARS:
            return self._match(candidates, path)
        key = (endpoint, method, path)
        if key in self._matched:
            return self._matched[key]
        if len(self._matched) >= MATCHED_PATHS:
            self._matched.clear()
        found = self._matched[key] = self._match(candidates, path)
        return found

    @staticmethod
    def _match(candidates: list[_Candidate], path: str) -> str | None:
        path = collapse_slashes(path)
        path = path.rstrip("/") or "/"  # routes take a trailing slash or not (strict_slashes off)
        for attribute in ("segment", "spanning"):
            for candidate in candidates:
                if getattr(candidate, attribute).fullmatch(path):
                    return candidate.operation_id
        return candidates[0].operation_id if candidates else None


# -- the 404 of a request no route matches -------------------------------------------------------
def _shown(rule_text: str) -> str:
    """A URL rule as the specs write paths: ``<converter:name>`` → ``{name}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", re.sub(r"<any\(([^)]*)\):[^>]+>",
                                                             lambda m: "{" + m.group(1).replace(" ", "") + "}",
                                                             rule_text))


@dataclass(frozen=True)
class _Route:
    service: str | None
    segments: tuple[str, ...]  # "{…}" for a parameter
    methods: tuple[str, ...]
    shown: str


def _routes(app: Flask) -> tuple[_Route, ...]:
    """The app's routes as segments, built once per app (the URL map does not change once served)."""
    found = app.extensions.get("mockaep_routes")
    if found is None:
        routes = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            shown = _shown(rule.rule)
            methods = tuple(sorted(m for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS")))
            routes.append(_Route(service_of(rule.rule.split("<", 1)[0].rstrip("/") or "/"),
                                 tuple(s for s in shown.split("/") if s), methods, shown))
        found = app.extensions["mockaep_routes"] = tuple(routes)
    return found


def _likeness(wanted: tuple[str, ...], route: tuple[str, ...]) -> float:
    """Segments equal at the same place score 2, a parameter's place 1; a length gap costs 1 a
    segment. Linear in the segments: a 404 costs little whatever its path."""
    score = 0.0
    for mine, theirs in zip(wanted, route):
        if mine == theirs:
            score += 2
        elif theirs.startswith("{"):
            score += 1
        else:  # a typo: how much of the two names' starts and ends agree
            a, b = mine.lower()[:64], theirs.lower()[:64]
            head = len(os.path.commonprefix([a, b]))
            tail = len(os.path.commonprefix([a[head:][::-1], b[head:][::-1]]))
            score += 1.9 * (head + tail) / max(len(a), len(b), 1)
    return score - abs(len(wanted) - len(route))


def nearest_routes(app: Flask, method: str, path: str, count: int = NEAREST_COUNT) -> list[str]:
    """The ``count`` routes whose paths look most like ``path`` (``"GET /a/{id}"``), best first:
    routes of the service the path names come first, then by likeness of their segments."""
    wanted = tuple(s for s in path[:NEAREST_PATH_CHARS].split("/") if s)[:32]
    service = service_of(path)
    scored = []
    routes = _routes(app)
    own = [route for route in routes if service is not None and route.service == service]
    for route in own or routes:  # a path naming a service is compared with that service's routes
        likeness = _likeness(wanted, route.segments)
        for verb in route.methods:
            scored.append((route.service == service if service is not None else False,
                           likeness + (0.5 if verb == method else 0.0), f"{verb} {route.shown}"))
    scored.sort(key=lambda item: (not item[0], -item[1], item[2]))
    found: list[str] = []
    for _same, _score, text in scored:
        if text not in found:
            found.append(text)
        if len(found) == count:
            break
    return found


def _route_not_found(error: NotFound):
    if request.url_rule is not None:  # a route answered 404 itself: not a routing miss
        return render_http_exception(error)
    nearest = nearest_routes(current_app, request.method, request.path)
    detail = f"No resource matches {request.method} {request.path}."
    if nearest:
        detail += " Nearest routes: " + "; ".join(nearest) + "."
    return render_platform_error(PlatformError(detail, status=404, title="Resource not found",
                                               report={"nearestRoutes": nearest}))


def install(app: Flask) -> None:
    """Name the nearest routes in the 404 of a request that matches none."""
    app.register_error_handler(NotFound, _route_not_found)
