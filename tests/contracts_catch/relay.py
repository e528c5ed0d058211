"""A transparent WSGI relay in front of an emulator, which a broken variant alters in one place.

:class:`Relay` reads each request into an :class:`Exchange`, hands it to the emulator and hands
the emulator's :class:`Answer` back. A variant overrides :meth:`Relay.handle` to change the
request on its way in, the answer on its way out, or to answer itself; nothing of mockaep is
touched. With ``defective=False`` every exchange takes the plain path (same plumbing, no defect),
which is what a variant's contracts must pass against.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from werkzeug.http import HTTP_STATUS_CODES

#: Gateway paths of the services (as the platform's gateway mounts them).
FLOW_SERVICE = "/data/foundation/flowservice"
SCHEMA_REGISTRY = "/data/foundation/schemaregistry"
CATALOG = "/data/foundation/catalog"
CONVERSION = "/data/foundation/conversion"
INGESTION = "/data/foundation/import"


@dataclass(frozen=True)
class Exchange:
    """One request as it reached the relay (header names lower-cased)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    environ: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def read(cls, environ: dict[str, Any]) -> "Exchange":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        return cls(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                   headers, body, dict(environ))

    def under(self, prefix: str) -> bool:
        return self.path == prefix or self.path.startswith(prefix + "/")

    def json(self) -> Any:
        return json.loads(self.body)

    def but(self, **changes: Any) -> "Exchange":
        """A copy with some parts changed (``headers`` replaces all of them; ``json`` the body)."""
        if "json" in changes:
            changes["body"] = json.dumps(changes.pop("json")).encode()
        return replace(self, **changes)

    def with_headers(self, **headers: str | None) -> "Exchange":
        """A copy with headers set (``name_with_underscores=value``) or removed (``=None``)."""
        merged = dict(self.headers)
        for name, value in headers.items():
            name = name.replace("_", "-").lower()
            merged.pop(name, None)
            if value is not None:
                merged[name] = value
        return self.but(headers=merged)

    def to_environ(self) -> dict[str, Any]:
        environ = {key: value for key, value in self.environ.items()
                   if not key.startswith("HTTP_") and key not in ("CONTENT_TYPE", "CONTENT_LENGTH")}
        environ.update({"REQUEST_METHOD": self.method, "PATH_INFO": self.path, "QUERY_STRING": self.query,
                        "wsgi.input": io.BytesIO(self.body), "CONTENT_LENGTH": str(len(self.body))})
        for name, value in self.headers.items():
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
            else:
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        return environ


@dataclass(frozen=True)
class Answer:
    """One answer of the emulator (or of a variant standing in for it)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of_json(cls, status: int, document: Any, headers: tuple[tuple[str, str], ...] = ()) -> "Answer":
        kept = tuple((k, v) for k, v in headers if k.lower() not in ("content-type", "content-length"))
        return cls(status, kept + (("Content-Type", "application/json"),), json.dumps(document).encode())

    def json(self) -> Any:
        return json.loads(self.body)

    def but(self, *, status: int | None = None, json_body: Any = None) -> "Answer":
        """The same answer with another status and/or JSON body (headers kept)."""
        if json_body is None:
            return replace(self, status=self.status if status is None else status)
        return Answer.of_json(self.status if status is None else status, json_body, self.headers)

    def ok(self) -> bool:
        return 200 <= self.status < 300


class Relay:
    """The emulator behind a relay that passes every exchange on unchanged.

    Subclasses (the broken variants) override :meth:`handle`; ``defective=False`` bypasses it.
    """

    def __init__(self, app: Callable[..., Any], *, defective: bool = True) -> None:
        self.app = app
        self.defective = defective

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        request = Exchange.read(environ)
        answer = self.handle(request) if self.defective else self.forward(request)
        headers = [(k, v) for k, v in answer.headers if k.lower() != "content-length"]
        reason = HTTP_STATUS_CODES.get(answer.status, "Unknown")
        start_response(f"{answer.status} {reason}", headers + [("Content-Length", str(len(answer.body)))])
        return [answer.body]

    def handle(self, request: Exchange) -> Answer:
        return self.forward(request)

    def forward(self, request: Exchange) -> Answer:
        """``request`` as the emulator answers it."""
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            captured.update(status=int(status.split(" ", 1)[0]), headers=tuple(headers))
            return lambda _data: None

        chunks = self.app(request.to_environ(), start_response)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return Answer(captured["status"], captured["headers"], body)
