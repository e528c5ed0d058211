"""``/rpc/export``, ``/rpc/import`` and ``/rpc/sampledata`` (export.md, import.md, sample-data.md).

An export lists a tenant resource after everything it depends on, with the tenant's id replaced
by ``<XDM_TENANTID_PLACEHOLDER>``; an import puts the importing tenant's id back in and stores
the resources under the same ids, checked exactly as creations are — all of them before any is
written, so a refused import leaves the sandbox unchanged.

Descriptors travel too: each exported resource is followed by its descriptors (identity,
display names, relationships — the destination schema of a relationship is exported before it),
without their ``@id`` and bookkeeping, the tenant id replaced like everywhere else. An import
recognises them by ``@type`` and recreates them against the importing sandbox's ids, after every
resource of the payload is staged (an identity descriptor may be what lets an imported schema
join its union). Re-importing the same payload replaces, rather than duplicates, a descriptor
saying the same thing about the same field.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.services.schemaregistry import audit, descriptors, evolution, kinds, rules, sample, unions
from mockaep.services.schemaregistry.models import full_form
from mockaep.services.schemaregistry.registry import Registry, normalize_ref

PLACEHOLDER = "<XDM_TENANTID_PLACEHOLDER>"
#: Items one import may hold (an export of one resource lists it, its dependencies and their
#: descriptors: tens, not thousands).
MAX_IMPORT_ITEMS = 1000
#: Bookkeeping that belongs to the exporting org and sandbox, not to the resource.
NOT_EXPORTED = ("imsOrg", "meta:registryMetadata", "refs", "meta:tenantNamespace", "meta:containerId")
ID_RE = re.compile(r"^https://ns\.adobe\.com/(?P<tenant>[^/]+)/(?P<type>schemas|classes|mixins|datatypes)/(?P<hex>[^/]+)$")


def _swap_tenant(document: Any, old: str, new: str) -> Any:
    text = json.dumps(document)
    text = text.replace(f"ns.adobe.com/{old}/", f"ns.adobe.com/{new}/").replace(f"_{old}", f"_{new}")
    return json.loads(text)


def export(ctx: RequestContext, ref: str) -> list[dict[str, Any]]:
    reg = Registry(ctx)
    found = reg.tenant(ref)
    if found is None:
        raise NotFound(f"No tenant resource {normalize_ref(ref)[:300]} exists in this sandbox to export.",
                       code=kinds.OTHER_NOT_FOUND)
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()
    # Depth first, without recursion (a chain of resources may be long): each resource after what
    # it references, then its descriptors, each after the destination schema it names.
    tasks: list[tuple[str, Mapping[str, Any]]] = [("visit", found[1])]
    while tasks:
        action, item = tasks.pop()
        if action == "emit":
            ordered.append(dict(item))
            continue
        if item["$id"] in seen:
            continue
        seen.add(item["$id"])
        steps: list[tuple[str, Mapping[str, Any]]] = []
        for dep in item.get("refs", []):
            tenant_dep = reg.tenant(dep)
            if tenant_dep is not None:
                steps.append(("visit", tenant_dep[1]))
        steps.append(("emit", {k: v for k, v in item.items() if k not in NOT_EXPORTED}))
        for descriptor in descriptors.of_schema(reg, item["$id"]):
            destination = descriptor.get("xdm:destinationSchema")
            tenant_dest = reg.tenant(destination) if isinstance(destination, str) else None
            if tenant_dest is not None:
                steps.append(("visit", tenant_dest[1]))
            steps.append(("emit", descriptors.portable(descriptor)))
        tasks.extend(reversed(steps))
    return [_swap_tenant(item, reg.tenant_id, PLACEHOLDER) for item in ordered]


def _located(position: int, what: str, exc: BadRequest) -> BadRequest:
    exc.detail = f"Item {position} ({what}): {exc.detail}"
    return exc


def import_resources(ctx: RequestContext, body: Any) -> list[dict[str, Any]]:
    validation.check_body(ctx, "schemaregistry", "POST", "/rpc/import", body)
    if not body:
        raise BadRequest("Nothing to import: send the array an export returned.")
    if len(body) > MAX_IMPORT_ITEMS:
        raise BadRequest(f"An import holds at most {MAX_IMPORT_ITEMS} items (resources and descriptors).")
    reg = Registry(ctx)
    staged: list[tuple[int, kinds.Kind, dict[str, Any], Mapping[str, Any] | None]] = []
    staged_descriptors: list[tuple[int, dict[str, Any]]] = []
    for position, item in enumerate(body):
        resource = _swap_tenant(item, PLACEHOLDER, reg.tenant_id)
        if "@type" in resource:
            staged_descriptors.append((position, resource))
            continue
        match = ID_RE.match(str(resource.get("$id", "")))
        if not match or match["tenant"] != reg.tenant_id:
            raise BadRequest(f"Item {position} has no importable $id (https://ns.adobe.com/"
                             f"{PLACEHOLDER}/<schemas|classes|mixins|datatypes>/<id>) and is not a "
                             f"descriptor (no '@type'): {resource.get('$id')!r}.")
        kind = kinds.BY_TYPE[match["type"]]
        existing = reg.tenant(resource["$id"], kind)
        try:
            record = rules.compose(reg, kind, resource, existing[1] if existing else None,
                                   keep_id=resource["$id"])
        except BadRequest as exc:
            raise _located(position, resource["$id"], exc) from None
        reg.pending[record["$id"]] = record
        staged.append((position, kind, record, existing[1] if existing else None))
    stored_descriptors: dict[int, dict[str, Any]] = {}
    for position, item in staged_descriptors:
        try:
            stored_descriptors[position] = descriptors.stage_import(reg, item)
        except BadRequest as exc:
            raise _located(position, f"descriptor {item.get('@type')}", exc) from None
    for position, kind, record, existing in staged:
        try:
            evolution.check_change(reg, kind, existing, record)
            unions.check_enablement(reg, record, existing)
        except BadRequest as exc:
            raise _located(position, record["$id"], exc) from None
    reg.pending.clear()  # what follows reads the stored records
    for _p, kind, record, existing in staged:
        reg.save(kind, record, existing)
        audit.record(reg, record["$id"], kind, existing, record)
    descriptors.store_staged(reg)
    shown = {position: record for position, _k, record, _e in staged}
    shown.update(stored_descriptors)
    return [shown[position] for position in sorted(shown)]


def sample_data(ctx: RequestContext, ref: str) -> dict[str, Any]:
    reg = Registry(ctx)
    found = reg.find(ref) or unions.find_union(reg, ref)
    if found is None:
        raise NotFound(f"The requested schema resource {normalize_ref(ref)[:300]} with version 1 is not found.",
                       code=kinds.SCHEMAS.not_found)
    return sample.sample_document(full_form(reg, found[1]))
