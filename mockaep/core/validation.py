"""The one validation entry point: official OpenAPI request schemas and embedded JSON Schemas.

Three layers check every write (see ARCHITECTURE.md): (1) the official request schema of the
operation (:func:`check_body`), (2) the JSON Schemas the platform embeds in its own objects — a
connection spec's ``authSpec``, a flow spec's ``scheduleSpec``… (:func:`check_embedded`), (3)
references and rules in the service models. Data (batch rows, run rows) is checked against a
resolved XDM schema with :func:`data_checker`.

Compiled validators belong to the app (``Emulator.validators``), never to a module: the official
documents' validators are kept per operation; embedded and data schemas are content-addressed
(keyed by the schema's own JSON text), so a ``PUT /connectionSpecs/{id}`` that changes a spec
changes validation on the very next request, and nothing can go stale.

Each checker pairs a compiled validator (``jsonschema-rs``) that answers "valid" fast with the
reference implementation (``jsonschema``) that words the violations; they are configured to
agree (same draft, same format checks, linear-time regular expressions in both: RE2 through
``mockaep.core.patterns`` here, Rust's ``regex`` there), and ``tests/core/test_validation.py``
checks that they do over generated instances. ``$ref`` inside the official documents is
resolved by ``referencing`` against the document itself. OpenAPI 3.0 and Swagger 2.0 schema
objects are close to JSON Schema draft 4, so draft 4 is used for them; embedded platform schemas
declare their draft (default 7).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator, Mapping
from urllib.parse import quote

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from mockaep.core import jsonreader
from mockaep.core.errors import BadRequest, PlatformError, shown
from mockaep.core.packagedata import PackageData, read_package_json
from mockaep.core.patterns import PatternError, compile_pattern

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
SERVICES_WITH_SPECS = ("flowservice", "schemaregistry", "catalog", "conversion", "ingestion", "dataaccess")
#: Characters of one violation's message: the reference validator quotes the instance whole
#: (``'<a megabyte>' is too long``), and a refusal quotes the violations.
MAX_MESSAGE_LENGTH = 300
#: Content-addressed validators kept per app (embedded and data schemas), least recently used out.
MAX_CACHED_VALIDATORS = 512


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


# -- the reference validator, with linear-time patterns ------------------------------------------
def _pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    try:
        compiled = compile_pattern(pattern)
    except PatternError as exc:
        yield jsonschema.ValidationError(f"the schema's pattern cannot be used: {exc}")
        return
    if not compiled.search(instance):
        yield jsonschema.ValidationError(f"{shown(instance, quoted=True)} does not match {shown(pattern, quoted=True)}")


def _pattern_keys(patterns: Mapping[str, Any], key: str) -> Iterator[str]:
    for pattern in patterns:
        try:
            if compile_pattern(pattern).search(key):
                yield pattern
        except PatternError:
            continue


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for key, value in instance.items():
        for pattern in _pattern_keys(patterns, key):
            yield from validator.descend(value, patterns[pattern], path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extras = [k for k in instance if k not in declared and not any(True for _ in _pattern_keys(patterns, k))]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        listed = ", ".join(shown(e, quoted=True) for e in sorted(extras)[:10])
        yield jsonschema.ValidationError(f"Additional properties are not allowed ({listed} "
                                         f"{'was' if len(extras) == 1 else 'were'} unexpected)")


_LINEAR = {"pattern": _pattern, "patternProperties": _pattern_properties,
           "additionalProperties": _additional_properties}


def _reference_class(cls):
    return jsonschema.validators.extend(cls, _LINEAR)


def _format_names(schema: Any) -> set[str]:
    names: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                names.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return names


class Checker:
    """A compiled fast validator and the reference one, configured to agree."""

    def __init__(self, fast: Any, reference: Any) -> None:
        self.fast = fast
        self.reference = reference

    def is_valid(self, instance: Any) -> bool:
        if self.fast is not None:
            try:
                return bool(self.fast.is_valid(instance))
            except (ValueError, TypeError, OverflowError):
                pass  # values jsonschema-rs cannot take (integers past 64 bits): the reference decides
        return not any(True for _ in self.reference.iter_errors(instance))

    def violations(self, instance: Any, limit: int = 20) -> list[Violation]:
        if self.is_valid(instance):
            return []
        found = []
        for error in self.reference.iter_errors(instance):
            found.append(error)
            if len(found) >= 4 * limit:
                break
        found.sort(key=lambda e: ([str(p) for p in e.absolute_path], e.message))
        return [Violation(shown("".join(f"/{p}" for p in e.absolute_path)), _message(e))
                for e in found[:limit]]


def _message(error: jsonschema.ValidationError) -> str:
    """The violation's message, the instance it quotes cut with :func:`shown`, at most
    :data:`MAX_MESSAGE_LENGTH` characters (what it says of the instance is kept)."""
    message = error.message
    if len(message) <= MAX_MESSAGE_LENGTH:
        return message
    if isinstance(error.instance, str):  # the messages quote a text instance by its repr
        message = message.replace(repr(error.instance), shown(error.instance, quoted=True))
    return shown(message, MAX_MESSAGE_LENGTH)


def _embedded_checker(schema: Mapping[str, Any]) -> Checker:
    """Checker for a self-contained JSON Schema (its ``$schema`` picks the draft; default 7)."""
    base = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    format_checker = base.FORMAT_CHECKER
    reference = _reference_class(base)(schema, format_checker=format_checker)
    names = _format_names(schema)
    try:
        fast = jsonschema_rs.validator_for(
            schema, validate_formats=bool(names), ignore_unknown_formats=True,
            formats={n: (lambda value, n=n: format_checker.conforms(value, n)) for n in names},
            pattern_options=jsonschema_rs.RegexOptions())
    except (ValueError, jsonschema_rs.ReferencingError):
        fast = None  # a schema jsonschema-rs refuses to compile: the reference validator alone
    return Checker(fast, reference)


class OpenAPISpec:
    """One official spec (package data) and its operations."""

    def __init__(self, service: str, document: Mapping[str, Any]) -> None:
        self.service = service
        self.document = document
        self.uri = f"urn:mockaep:openapi:{service}"
        self.registry = Registry().with_resource(self.uri, Resource.from_contents(document, default_specification=DRAFT4))
        self._fast_registry: Any = None

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

    def body_checker(self, method: str, path: str, media_type: str = "application/json") -> Checker | None:
        pointer = self.body_pointer(method, path, media_type)
        if pointer is None:
            return None
        ref = {"$ref": f"{self.uri}#{quote(pointer, safe='/~')}"}  # braces of path templates escaped
        reference = _reference_class(jsonschema.Draft4Validator)(ref, registry=self.registry)
        try:
            if self._fast_registry is None:
                self._fast_registry = jsonschema_rs.Registry([(self.uri, dict(self.document))])
            fast = jsonschema_rs.Draft4Validator(ref, registry=self._fast_registry, validate_formats=False,
                                                 pattern_options=jsonschema_rs.RegexOptions())
        except (ValueError, jsonschema_rs.ReferencingError):
            fast = None
        return Checker(fast, reference)


def load_openapi(service: str) -> OpenAPISpec:
    """The packaged official spec of a service, read now (tools and coverage; apps use
    :meth:`Validators.openapi`, which reads it once)."""
    return OpenAPISpec(service, read_package_json(f"openapi/{service}.json"))


class Validators:
    """The compiled validators of one app."""

    def __init__(self, package: PackageData) -> None:
        self.package = package
        self._bodies: dict[tuple[str, str, str, str], Checker | None] = {}
        self._by_content: OrderedDict[str, Checker] = OrderedDict()
        self._records: dict[str, Checker] = {}
        self._lock = threading.Lock()

    def openapi(self, service: str) -> OpenAPISpec:
        return self.package.memo(("openapi", service), lambda: OpenAPISpec(
            service, self.package.json(f"openapi/{service}.json")))

    def body_checker(self, service: str, method: str, path: str, media_type: str) -> Checker | None:
        key = (service, method.lower(), path, media_type)
        with self._lock:
            if key in self._bodies:
                return self._bodies[key]
        checker = self.openapi(service).body_checker(method, path, media_type)
        with self._lock:
            return self._bodies.setdefault(key, checker)

    def schema_checker(self, schema: Mapping[str, Any]) -> Checker:
        """A checker for a self-contained schema, keyed by the schema's content."""
        key = hashlib.sha256(jsonreader.canonical(schema)).hexdigest()
        with self._lock:
            found = self._by_content.get(key)
            if found is not None:
                self._by_content.move_to_end(key)
                return found
        checker = _embedded_checker(schema)
        with self._lock:
            self._by_content[key] = checker
            while len(self._by_content) > MAX_CACHED_VALIDATORS:
                self._by_content.popitem(last=False)
        return checker


    def record_checker(self, kind: Any) -> Checker:
        """The checker of a resource kind's ``record_schema``."""
        checker = self._records.get(kind.collection)
        if checker is None:  # kinds are code: one checker per collection for the app's life
            checker = self._records.setdefault(kind.collection, self.schema_checker(kind.record_schema))
        return checker

    def record_reason(self, kind: Any, record: Any) -> str | None:
        """Why a stored record does not fit its resource kind's ``record_schema`` (state
        documents are checked record by record with it), or ``None``."""
        found = self.record_checker(kind).violations(record, limit=1)
        return f"{found[0].message} (at {found[0].pointer or '/'})" if found else None


def check(checker: Checker | None, instance: Any, *, what: str = "request body",
          error: type[PlatformError] = BadRequest, code: str | None = None, prefix: str = "") -> None:
    """Raise ``error`` listing every violation when ``instance`` does not fit."""
    if checker is None:
        return
    found = checker.violations(instance)
    if not found:
        return
    first = found[0]
    where = f"{prefix}{first.pointer}" or "/"
    detail = f"The {what} is invalid: {first.message} (at {where})."
    if len(found) > 1:
        detail += f" {len(found) - 1} more problem(s) listed in the report."
    subs = [{"path": f"{prefix}{v.pointer}" or "/", "message": v.message} for v in found]
    raise error(detail, code=code, sub_errors=subs)


def _validators(ctx: Any) -> Validators:
    return ctx.runtime.validators


def check_body(ctx: Any, service: str, method: str, path: str, body: Any, *, code: str | None = None,
               media_type: str = "application/json") -> None:
    """Layer 1: the official request schema of ``METHOD path`` in the service's spec."""
    check(_validators(ctx).body_checker(service, method, path, media_type), body, code=code)


def check_embedded(ctx: Any, schema: Mapping[str, Any], instance: Any, *, what: str, code: str | None = None,
                   prefix: str = "") -> None:
    """Layer 2: a JSON Schema embedded in a platform object (authSpec, scheduleSpec…)."""
    check(_validators(ctx).schema_checker(schema), instance, what=what, code=code, prefix=prefix)


def check_record(ctx: Any, kind: Any, record: Any, *, what: str) -> None:
    """What a write would store must fit its resource kind's ``record_schema``."""
    check(_validators(ctx).record_checker(kind), record, what=what)


def data_checker(ctx: Any, schema: Mapping[str, Any]) -> Checker:
    """A checker for data (batch rows, run rows) against a resolved XDM schema."""
    return _validators(ctx).schema_checker(schema)


def openapi_document(ctx: Any, service: str) -> Mapping[str, Any]:
    """The official document of a service (read-only), e.g. to read a component schema."""
    return _validators(ctx).openapi(service).document


def all_operations(services: tuple[str, ...] = SERVICES_WITH_SPECS) -> list[Operation]:
    ops: list[Operation] = []
    for service in services:
        ops.extend(load_openapi(service).operations())
    return ops
