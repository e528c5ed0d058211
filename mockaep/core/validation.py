"""The one validation entry point: official OpenAPI request schemas and embedded JSON Schemas.

Three layers check every write (see ARCHITECTURE.md): (1) the official request schema of the
operation, (2) the JSON Schemas the platform embeds in its own objects (a connection spec's
``authSpec``, a flow spec's ``scheduleSpec``…), (3) references and rules in the service models.
Layers 1 and 2 go through :func:`check`; compiled validators are cached, so no spec is parsed
per request.

The OpenAPI data are the official specs with their prose removed (``tools/extract_openapi.py``),
shipped in ``mockaep/specs/openapi/``. ``$ref`` inside them is resolved by ``referencing``
against the spec document itself. OpenAPI 3.0 and Swagger 2.0 schema objects are close to JSON
Schema draft 4, so draft 4 semantics are used for them; embedded platform schemas declare
draft 7 and get it.
"""
from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Mapping

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from mockaep.core.errors import BadRequest, PlatformError

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


@dataclass(frozen=True)
class Violation:
    """One reason an instance does not fit its schema, with a JSON Pointer to the spot."""

    pointer: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.pointer or "/", "message": self.message}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    operation_id: str | None


class OpenAPISpec:
    """One official spec (package data), with cached body validators per operation."""

    def __init__(self, service: str, document: Mapping[str, Any]) -> None:
        self.service = service
        self.document = document
        self.uri = f"urn:mockaep:openapi:{service}"
        resource = Resource.from_contents(document, default_specification=DRAFT4)
        self.registry = Registry().with_resource(self.uri, resource)
        self._validators: dict[tuple[str, str, str], jsonschema.protocols.Validator | None] = {}
        self._lock = threading.Lock()

    @property
    def swagger2(self) -> bool:
        return "swagger" in self.document

    def operations(self) -> list[Operation]:
        found = []
        for path, item in self.document.get("paths", {}).items():
            for method, op in item.items():
                if method in HTTP_METHODS and isinstance(op, dict):
                    found.append(Operation(self.service, method.upper(), path, op.get("operationId")))
        return found

    def operation(self, method: str, path: str) -> Mapping[str, Any]:
        try:
            return self.document["paths"][path][method.lower()]
        except KeyError:
            raise KeyError(f"{self.service}: no operation {method.upper()} {path} in the official spec") from None

    def body_pointer(self, method: str, path: str, media_type: str = "application/json") -> str | None:
        """JSON Pointer (within the spec) to the request body schema, or None if it has none."""
        op = self.operation(method, path)
        escaped = path.replace("~", "~0").replace("/", "~1")
        base = f"/paths/{escaped}/{method.lower()}"
        if self.swagger2:
            for position, param in enumerate(op.get("parameters", [])):
                if param.get("in") == "body":
                    return f"{base}/parameters/{position}/schema"
                # Swagger 2.0 shares parameters through "$ref": "#/parameters/<name>".
                ref = param.get("$ref", "")
                if ref.startswith("#/parameters/"):
                    name = ref[len("#/parameters/"):]
                    if self.document.get("parameters", {}).get(name, {}).get("in") == "body":
                        return f"{ref[1:]}/schema"
            return None
        content = op.get("requestBody", {}).get("content", {})
        if media_type not in content:
            media_type = next((m for m in content if "json" in m), None)  # type: ignore[assignment]
        if media_type is None or "schema" not in content[media_type]:
            return None
        escaped_media = media_type.replace("~", "~0").replace("/", "~1")
        return f"{base}/requestBody/content/{escaped_media}/schema"

    def body_validator(self, method: str, path: str, media_type: str = "application/json"):
        key = (method.lower(), path, media_type)
        with self._lock:
            if key not in self._validators:
                pointer = self.body_pointer(method, path, media_type)
                self._validators[key] = None if pointer is None else jsonschema.Draft4Validator(
                    {"$ref": f"{self.uri}#{pointer}"}, registry=self.registry)
            return self._validators[key]


@functools.lru_cache(maxsize=None)
def openapi(service: str) -> OpenAPISpec:
    """The packaged official spec of a service (``flowservice``, ``schemaregistry``…)."""
    text = resources.files("mockaep.specs").joinpath("openapi", f"{service}.json").read_text("utf-8")
    return OpenAPISpec(service, json.loads(text))


SERVICES_WITH_SPECS = ("flowservice", "schemaregistry", "catalog", "conversion", "ingestion")


def violations(validator, instance: Any, limit: int = 20) -> list[Violation]:
    found = sorted(validator.iter_errors(instance), key=lambda e: (list(e.absolute_path), e.message))
    return [Violation("".join(f"/{p}" for p in e.absolute_path), e.message) for e in found[:limit]]


_schema_validators: dict[str, Any] = {}
_schema_lock = threading.Lock()


def compiled(schema: Mapping[str, Any], cache_key: str | None = None):
    """A validator for an embedded JSON Schema (its ``$schema`` picks the draft; default 7)."""
    key = cache_key or json.dumps(schema, sort_keys=True)
    with _schema_lock:
        found = _schema_validators.get(key)
        if found is None:
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
            found = _schema_validators[key] = cls(schema, format_checker=cls.FORMAT_CHECKER)
        return found


def check(
    validator,
    instance: Any,
    *,
    what: str = "request body",
    error: type[PlatformError] = BadRequest,
    code: str | None = None,
    prefix: str = "",
) -> None:
    """Raise ``error`` listing every violation when ``instance`` does not fit ``validator``."""
    if validator is None:
        return
    found = violations(validator, instance)
    if not found:
        return
    first = found[0]
    where = f"{prefix}{first.pointer}" or "/"
    detail = f"The {what} is invalid: {first.message} (at {where})."
    if len(found) > 1:
        detail += f" {len(found) - 1} more problem(s) listed in the report."
    subs = [{"path": f"{prefix}{v.pointer}" or "/", "message": v.message} for v in found]
    raise error(detail, code=code, sub_errors=subs)


def check_body(service: str, method: str, path: str, body: Any, *, code: str | None = None,
               media_type: str = "application/json") -> None:
    """Layer 1: the official request schema of ``METHOD path`` in the service's spec."""
    check(openapi(service).body_validator(method, path, media_type), body, code=code)


def check_embedded(schema: Mapping[str, Any], instance: Any, *, what: str, cache_key: str | None = None,
                   code: str | None = None, prefix: str = "") -> None:
    """Layer 2: a JSON Schema embedded in a platform object (authSpec, scheduleSpec…)."""
    check(compiled(schema, cache_key), instance, what=what, code=code, prefix=prefix)


def all_operations(services: Iterable[str] = SERVICES_WITH_SPECS) -> list[Operation]:
    ops: list[Operation] = []
    for service in services:
        ops.extend(openapi(service).operations())
    return ops
