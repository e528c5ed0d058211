"""The schemaregistry backend: what other services may ask it (its port: ``mockaep.core.ports.SchemaRegistryPort``),
bound to one request context. Reached through ``ctx.backend("schemaregistry")``, never imported by
another service."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.services.schemaregistry import models


class SchemaRegistryBackend:
    """``ctx.backend("schemaregistry")``."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def find_resource(self, ref: str) -> dict[str, Any] | None:
        """The stored resource (schema, class, field group, data type) with this ``$id`` or
        ``meta:altId`` — tenant resources of ``ctx``'s org/sandbox or the global standard library —
        in its raw (``xed+json``) form, or ``None`` when it does not exist."""
        return models.find_resource(self.ctx, ref)

    def resolve_schema(self, ref: str) -> dict[str, Any] | None:
        """The resolved (``xed-full+json``) form: ``allOf``/``$ref`` expanded into ``properties``,
        a JSON Schema that data can be validated against; ``None`` when ``ref`` does not exist."""
        return models.resolve_schema(self.ctx, ref)

    def field_paths(self, ref: str) -> set[str] | None:
        """Every dotted field path of the resolved schema (objects and leaves, e.g. ``person``,
        ``person.name``, ``person.name.fullName``, ``_repo.createDate``); ``None`` when missing."""
        return models.field_paths(self.ctx, ref)
