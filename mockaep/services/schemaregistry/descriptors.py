"""Descriptors: metadata attached to schema fields (identity, display names, relationships).

Descriptors are stored per tenant keyed by ``@id`` and indexed by ``xdm:sourceSchema``.
The official request schema types ``xdm:sourceVersion`` as a string, while every documented
request and response uses the integer ``1``: both are accepted and the integer is stored.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import ids, validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound, shown
from mockaep.core.paging import registry as paging
from mockaep.core.paging.selection import select
from mockaep.core.store import Collection
from mockaep.services.schemaregistry import kinds
from mockaep.services.schemaregistry.registry import Registry, check_container, normalize_ref

IDENTITY = "xdm:descriptorIdentity"
NEEDS_PROPERTY = (IDENTITY, "xdm:alternateDisplayInfo", "xdm:descriptorReferenceIdentity",
                  "xdm:descriptorOneToOne", "xdm:descriptorRelationship")
RELATIONSHIPS = ("xdm:descriptorOneToOne", "xdm:descriptorRelationship")
SYSTEM_KEYS = ("@id", "imsOrg", "version", "meta:containerId", "meta:sandboxId", "meta:sandboxType",
               "createdUser", "updatedUser", "createdClient", "updatedClient", "created", "updated")


def _collection(reg: Registry) -> Collection:
    return reg.collection(kinds.DESCRIPTORS)


def not_found(descriptor_id: str) -> NotFound:
    return NotFound(f"The requested descriptor {descriptor_id[:100]} is not found.", code=kinds.DESCRIPTORS.not_found)


def _pointer_to_path(pointer: str) -> str:
    return ".".join(p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/"))


def _compose(reg: Registry, body: Any, existing: Mapping[str, Any] | None, spec_method: str,
             spec_path: str) -> dict[str, Any]:
    shaped = body
    if isinstance(body, dict) and isinstance(body.get("xdm:sourceVersion"), int) \
            and not isinstance(body.get("xdm:sourceVersion"), bool):
        shaped = {**body, "xdm:sourceVersion": str(body["xdm:sourceVersion"])}
    validation.check_body(reg.ctx, "schemaregistry", spec_method, spec_path, shaped)
    record = {k: v for k, v in body.items() if k not in SYSTEM_KEYS}
    kind = record.get("@type")
    if not isinstance(kind, str):
        raise BadRequest("A descriptor needs an '@type'.")
    source = record.get("xdm:sourceSchema")
    if not isinstance(source, str) or not source:
        raise BadRequest("A descriptor needs 'xdm:sourceSchema', the $id of the schema it describes.")
    found = reg.own(source)
    if found is None:
        raise BadRequest(f"'xdm:sourceSchema' {source[:300]} is not a resource of this sandbox.")
    record["xdm:sourceSchema"] = found[1]["$id"]
    version = record.get("xdm:sourceVersion", 1)
    if str(version) not in ("1", "1.0"):
        raise BadRequest("'xdm:sourceVersion' must be 1: only major version 1 of a schema exists.")
    record["xdm:sourceVersion"] = 1
    if kind in NEEDS_PROPERTY:
        prop = record.get("xdm:sourceProperty")
        if not isinstance(prop, str) or not prop.startswith("/") or prop.endswith("/") or prop == "/":
            raise BadRequest("'xdm:sourceProperty' must be a path such as /personalEmail/address (starting with "
                             "'/', not ending with one).")
        paths = reg.field_paths(found[1]["$id"])
        if paths is None or _pointer_to_path(prop) not in paths:
            raise BadRequest(f"'xdm:sourceProperty' {shown(prop)} is not a field of {found[1]['$id']}.")
    if kind == IDENTITY:
        if not isinstance(record.get("xdm:namespace"), str) or not record["xdm:namespace"]:
            raise BadRequest("An identity descriptor needs 'xdm:namespace' (an identity namespace code).")
        record.setdefault("xdm:property", "xdm:code")
        primary = record.setdefault("xdm:isPrimary", False)
        if not isinstance(primary, bool):
            raise BadRequest("'xdm:isPrimary' must be a boolean.")
        if primary:
            for other_id, other in _scan_schema(reg, record["xdm:sourceSchema"]):
                if other.get("@type") == IDENTITY and other.get("xdm:isPrimary") and \
                        (existing is None or other_id != existing["@id"]):
                    raise BadRequest(f"{record['xdm:sourceSchema']} already has a primary identity ({other_id}).")
    if kind in RELATIONSHIPS:
        destination = record.get("xdm:destinationSchema")
        if not isinstance(destination, str) or reg.find(destination) is None:
            raise BadRequest("A relationship descriptor needs an existing 'xdm:destinationSchema'.")
    if kind == "xdm:descriptorReferenceIdentity" and not isinstance(record.get("xdm:identityNamespace"), str):
        raise BadRequest("A reference identity descriptor needs 'xdm:identityNamespace'.")
    now = reg.ctx.now_ms
    record.update({
        "@id": existing["@id"] if existing else ids.new_hex(40),
        "imsOrg": reg.ctx.org, "version": "1", "meta:containerId": "tenant", **reg.sandbox_meta(),
        "createdUser": (existing or {}).get("createdUser", reg.ctx.user_id), "updatedUser": reg.ctx.user_id,
        "createdClient": (existing or {}).get("createdClient", reg.ctx.client_id), "updatedClient": reg.ctx.client_id,
        "created": (existing or {}).get("created", now), "updated": now,
    })
    return record


def _scan_schema(reg: Registry, schema_id: str):
    """(id, descriptor) of a resource: stored ones (through the ``xdm:sourceSchema`` index, in
    creation order, as listed), as a running import is about to leave them."""
    coll = _collection(reg)
    staged = {i: d for i, d in reg.pending_descriptors.items() if d["xdm:sourceSchema"] == schema_id}
    for descriptor_id in coll.ids(among=coll.hits("xdm:sourceSchema", schema_id)):
        found = staged.get(descriptor_id) or coll.get(descriptor_id)
        if found is not None:
            yield descriptor_id, found
    for descriptor_id, descriptor in staged.items():
        if descriptor_id not in coll:
            yield descriptor_id, descriptor


#: What makes two descriptors "the same" for an import (its @id belongs to the exporting sandbox).
SAME = ("@type", "xdm:sourceSchema", "xdm:sourceProperty", "xdm:destinationSchema", "xdm:destinationProperty")


def portable(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    """A descriptor as an export carries it: what it says, not who made it where."""
    return {k: v for k, v in descriptor.items() if k not in SYSTEM_KEYS}


def stage_import(reg: Registry, body: Any) -> dict[str, Any]:
    """Check an imported descriptor exactly as a creation and stage it in ``reg``; one saying the
    same as a stored descriptor (:data:`SAME`) replaces it, keeping its ``@id``."""
    if not isinstance(body, dict):
        raise BadRequest("A descriptor must be a JSON object.")
    source = reg.own(str(body.get("xdm:sourceSchema", "")))
    existing = None
    if source is not None:
        wanted = {**{k: body.get(k) for k in SAME}, "xdm:sourceSchema": source[1]["$id"]}
        for _i, other in _scan_schema(reg, source[1]["$id"]):
            if all(other.get(k) == wanted[k] for k in SAME):
                existing = other
    record = _compose(reg, body, existing, "POST", "/tenant/descriptors")
    reg.pending_descriptors[record["@id"]] = record
    return record


def store_staged(reg: Registry) -> None:
    for descriptor_id, record in reg.pending_descriptors.items():
        _collection(reg).put(descriptor_id, record)


def create(ctx: RequestContext, body: Any) -> dict[str, Any]:
    reg = Registry(ctx)
    record = _compose(reg, body, None, "POST", "/tenant/descriptors")
    return _collection(reg).put(record["@id"], record)


def replace(ctx: RequestContext, descriptor_id: str, body: Any) -> dict[str, Any]:
    reg = Registry(ctx)
    descriptor_id = normalize_ref(descriptor_id)
    existing = _collection(reg).get(descriptor_id)
    if existing is None:
        raise not_found(descriptor_id)
    record = _compose(reg, body, existing, "PUT", "/tenant/descriptors/{DESCRIPTOR_ID}")
    return _collection(reg).put(record["@id"], record)


def get(ctx: RequestContext, container: str, descriptor_id: str) -> bytes:
    """The descriptor as stored (its JSON text)."""
    check_container(container)
    descriptor_id = normalize_ref(descriptor_id)
    found = _collection(Registry(ctx)).raw(descriptor_id) if container == "tenant" else None
    if found is None:
        raise not_found(descriptor_id)
    return found


def delete(ctx: RequestContext, descriptor_id: str) -> None:
    descriptor_id = normalize_ref(descriptor_id)
    if not _collection(Registry(ctx)).delete(descriptor_id):
        raise not_found(descriptor_id)


def delete_for_schema(reg: Registry, schema_id: str) -> None:
    """A deleted schema takes its descriptors with it."""
    coll = _collection(reg)
    for descriptor_id in list(coll.ids(among=coll.hits("xdm:sourceSchema", schema_id))):
        coll.delete(descriptor_id)


def has_primary_identity(reg: Registry, schema_id: str) -> bool:
    return any(d.get("@type") == IDENTITY and d.get("xdm:isPrimary") for _i, d in _scan_schema(reg, schema_id))


def of_schema(reg: Registry, schema_id: str) -> list[dict[str, Any]]:
    return [d for _i, d in _scan_schema(reg, schema_id)]


def listing(ctx: RequestContext, container: str, form: str, paged: bool, base_url: str) -> dict[str, Any]:
    """Descriptors grouped by ``@type``, or (``-v2`` media types) one page of ``results``.

    The grouped forms hold every matching descriptor (they have no paging): their cost is their
    answer. ``property`` filters on ``xdm:sourceSchema`` or ``@type`` are answered by an index.
    """
    check_container(container)
    reg = Registry(ctx)
    conditions = paging.read_filters(ctx.query.getlist("property"))
    request = paging.read_page_request(ctx.query)
    coll = _collection(reg) if container == "tenant" else Collection("global descriptors")

    def shown(descriptor: dict[str, Any]) -> Any:
        if form == "id":
            return descriptor["@id"]
        if form == "link":
            return f"/{container}/descriptors/{descriptor['@id']}"
        return descriptor

    if paged:
        return paging.page(coll, conditions, request, base_url=base_url, query=ctx.query).body(shown)
    grouped: dict[str, list[Any]] = {}
    for descriptor in select(coll, conditions).records:
        grouped.setdefault(descriptor["@type"], []).append(shown(descriptor))
    return grouped
