"""What other services may ask the Schema Registry (the only cross-service entry points).

Catalog checks a dataset's ``schemaRef``, Data Prep checks mapping destinations, Batch
Ingestion validates rows, Flow Service compares schemas: they call these functions and never
read the registry's collections directly.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext


def find_resource(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    """The stored resource (schema, class, field group, data type) with this ``$id`` or
    ``meta:altId`` — tenant resources of ``ctx``'s org/sandbox or the global standard library —
    in its raw (``xed+json``) form, or ``None`` when it does not exist."""
    from mockaep.services.schemaregistry import models

    return models.find_resource(ctx, ref)


def resolve_schema(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    """The resolved (``xed-full+json``) form: ``allOf``/``$ref`` expanded into ``properties``,
    a JSON Schema that data can be validated against; ``None`` when ``ref`` does not exist."""
    from mockaep.services.schemaregistry import models

    return models.resolve_schema(ctx, ref)


def field_paths(ctx: RequestContext, ref: str) -> set[str] | None:
    """Every dotted field path of the resolved schema (objects and leaves, e.g. ``person``,
    ``person.name``, ``person.name.fullName``, ``_repo.createDate``); ``None`` when missing."""
    from mockaep.services.schemaregistry import models

    return models.field_paths(ctx, ref)
