"""Schema Registry rules and state changes (no Flask here; routes.py adapts HTTP).

Tenant resources are stored raw (the ``xed+json`` form, ``meta:*`` included) in one collection
per resource type, keyed by ``$id``; the standard library is package data (library.py).
"""
from __future__ import annotations

import time
from typing import Any, Mapping

import jsonpatch
import jsonpointer

from mockaep.core import validation
from mockaep.core.errors import BadRequest, MethodNotAllowed, NotFound
from mockaep.core.context import RequestContext
from mockaep.services.schemaregistry import accept, descriptors, evolution, fields, kinds, listing, rules, unions
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.registry import UNION_SUFFIX, Registry, check_container, copy_of, normalize_ref

PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")
DATE_PATTERNS = {
    "date-time": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}


# -- what other services call (api.py) -------------------------------------------------------------
def find_resource(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    reg = Registry(ctx)
    found = reg.peek(ref) or unions.peek_union(reg, ref)
    return copy_of(found[1]) if found else None


def resolve_schema(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    reg = Registry(ctx)
    found = reg.peek(ref) or unions.peek_union(reg, ref)
    if found is None:
        return None
    resolved = full_form(reg, found[1])
    resolved["$schema"] = "http://json-schema.org/draft-06/schema#"
    # jsonschema checks "date-time" only when an optional package is installed; a pattern makes
    # the dates the platform refuses fail validation wherever the schema is used.
    for node in fields.walk(resolved):
        if node.get("type") == "string" and node.get("format") in DATE_PATTERNS and "pattern" not in node:
            node["pattern"] = DATE_PATTERNS[node["format"]]
    return resolved


def field_paths(ctx: RequestContext, ref: str) -> set[str] | None:
    reg = Registry(ctx)
    found = reg.peek(ref)
    if found is not None:  # read-only body of a stored resource: no copy needed for its paths
        return fields.field_paths(reg.resolver(strict=False).body(found[1]))
    union = unions.peek_union(reg, ref)
    return None if union is None else fields.field_paths(full_form(reg, union[1]))


def full_form(reg: Registry, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved form (a private copy), with the fields the platform adds to a union."""
    out = reg.resolver(strict=False).full(resource)
    if resource.get("meta:resourceType") == unions.UNION_KIND.resource_type:
        unions.add_system_fields(reg, resource, out)
    return out


# -- reads -----------------------------------------------------------------------------------------
def render(reg: Registry, resource: Mapping[str, Any], form: accept.LookupForm) -> dict[str, Any]:
    """A resource in the lookup form the Accept header chose."""
    if form.resolved:
        out = full_form(reg, resource)
        if not form.deprecated:
            _drop_deprecated(out)
        if form.descriptors:
            out["meta:descriptors"] = descriptors.of_schema(reg, out["$id"])
    else:
        out = copy_of(resource)
    if not form.text:
        fields.strip_text(out)
    return out


def _drop_deprecated(node: dict[str, Any]) -> None:
    """Plain resolved forms hide deprecated fields; ``xed-deprecatefield`` shows them flagged."""
    for current in fields.walk(node):
        props = current.get("properties")
        if isinstance(props, dict):
            for name in [n for n, sub in props.items() if isinstance(sub, dict)
                         and sub.get("meta:status") == "deprecated"]:
                del props[name]


def lookup(ctx: RequestContext, container: str, kind: Kind, ref: str, accept_header: str | None) -> dict[str, Any]:
    form = accept.for_lookup(accept_header)
    reg = Registry(ctx)
    if kind is kinds.SCHEMAS and container == "tenant" and normalize_ref(ref).endswith(UNION_SUFFIX):
        return lookup_union(ctx, ref, accept_header)  # unions.md: unions are looked up under /schemas too
    return render(reg, reg.require(container, kind, ref), form)


# -- writes ----------------------------------------------------------------------------------------
def require_tenant_container(container: str, kind: Kind) -> None:
    """Writes go to the ``tenant`` container only; ``global`` is Adobe's read-only library."""
    check_container(container)
    if container != "tenant" or kind.collection is None:
        raise MethodNotAllowed(f"The {container} container is read-only: {kind.label} resources can only be "
                               "created, changed or deleted in the 'tenant' container.")


def create(ctx: RequestContext, kind: Kind, body: Any, spec_path: str) -> dict[str, Any]:
    validation.check_body(ctx, "schemaregistry", "POST", spec_path, body)
    reg = Registry(ctx)
    record = rules.compose(reg, kind, body, None)
    unions.check_enablement(reg, record, None)
    reg.collection(kind).put(record["$id"], record)
    audit(reg, record["$id"], kind, None, record)
    return record


def replace(ctx: RequestContext, kind: Kind, ref: str, body: Any, spec_path: str) -> dict[str, Any]:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    validation.check_body(ctx, "schemaregistry", "PUT", spec_path, body)
    record = rules.compose(reg, kind, body, existing)
    evolution.check_change(reg, kind, existing, record)
    unions.check_enablement(reg, record, existing)
    reg.collection(kind).put(record["$id"], record)
    audit(reg, record["$id"], kind, existing, record)
    return record


def patch(ctx: RequestContext, kind: Kind, ref: str, operations: Any, spec_path: str) -> dict[str, Any]:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    check_patch(ctx, operations, spec_path)
    for op in operations:
        head = op["path"].lstrip("/").split("/", 1)[0].replace("~1", "/").replace("~0", "~")
        if head in rules.IMMUTABLE or op["path"] in ("", "/"):
            raise BadRequest(f"'{op['path']}' is read-only and cannot be patched.")
        if head == "meta:immutableTags" and op["op"] in ("remove", "move"):
            raise BadRequest("Immutable tags cannot be removed once set.")
    try:
        candidate = jsonpatch.apply_patch(copy_of(existing), operations)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, ValueError) as exc:
        raise BadRequest(f"The JSON Patch cannot be applied: {exc}.") from None
    record = rules.compose(reg, kind, candidate, existing, bump=True)
    evolution.check_change(reg, kind, existing, record)
    unions.check_enablement(reg, record, existing)
    reg.collection(kind).put(record["$id"], record)
    audit(reg, record["$id"], kind, existing, record)
    return record


def check_patch(ctx: RequestContext, operations: Any, spec_path: str) -> None:
    """JSON Patch shape. The spec types every ``value`` as a string, but the documented PATCH
    requests send objects and arrays (``{"$ref": …}``, ``["union"]``): values are checked by the
    resource rules after the patch, not against the spec's ``value`` type."""
    if isinstance(operations, list):
        shaped = [{k: v for k, v in op.items() if k != "value"} if isinstance(op, dict) else op
                  for op in operations]
    else:
        shaped = operations
    validation.check_body(ctx, "schemaregistry", "PATCH", spec_path, shaped)
    if not operations:
        raise BadRequest("The JSON Patch is empty: send at least one operation.")
    for position, op in enumerate(operations):
        if op.get("op") not in PATCH_OPS or not isinstance(op.get("path"), str):
            raise BadRequest(f"Operation {position} is not a JSON Patch operation (op one of "
                             f"{', '.join(PATCH_OPS)}, path a JSON Pointer).")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise BadRequest(f"Operation {position} ('{op['op']}') needs a 'value'.")


def delete(ctx: RequestContext, kind: Kind, ref: str) -> None:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    evolution.check_delete(reg, kind, existing)
    users = reg.users_of(existing["$id"])
    if users:
        raise BadRequest(f"The {kind.label} {existing['$id']} is used by {', '.join(users[:5])} and cannot be "
                         "deleted; remove those references first.")
    reg.collection(kind).delete(existing["$id"])
    if kind is kinds.SCHEMAS:
        descriptors.delete_for_schema(reg, existing["$id"])
    audit(reg, existing["$id"], kind, existing, None)


# -- audit log -------------------------------------------------------------------------------------
def audit(reg: Registry, resource_id: str, kind: Kind, before: Mapping[str, Any] | None,
          after: Mapping[str, Any] | None) -> None:
    """Record what changed (``/rpc/auditlog``), as JSON Patch style updates."""
    def visible(resource):
        return {k: v for k, v in (resource or {}).items() if k != "meta:registryMetadata"}

    if after is None:
        updates = [{"id": resource_id, "xdmType": kind.resource_type, "action": "remove", "path": "/",
                    "value": before.get("title", "") if before else ""}]
    else:
        # A creation is one "add" per top-level key (what make_patch gives against {}, without its diffing).
        operations = ([{"op": "add", "path": "/" + k.replace("~", "~0").replace("/", "~1"), "value": v}
                       for k, v in visible(after).items()] if before is None
                      else jsonpatch.make_patch(visible(before), visible(after)).patch)
        updates = [{"id": resource_id, "xdmType": kind.resource_type, "action": op["op"], "path": op["path"],
                    **({"value": op["value"]} if "value" in op else {})}
                   for op in operations]
    log = reg.ctx.tenant.collection(kinds.AUDIT_COLLECTION)
    entry_list = list((log.peek(resource_id) or {"entries": []})["entries"])  # put() copies it
    entry_list.insert(0, {
        "id": resource_id, "updatedUser": reg.ctx.user_id, "imsOrg": reg.ctx.org,
        "updatedTime": time.strftime("%m-%d-%Y %H:%M:%S", time.gmtime(reg.ctx.now_ms / 1000)),
        "requestId": reg.ctx.request_id, "clientId": reg.ctx.client_id,
        "sandboxId": reg.sandbox_meta()["meta:sandboxId"], "updates": updates,
    })
    log.put(resource_id, {"entries": entry_list[:100]})


def audit_log(ctx: RequestContext, ref: str) -> list[dict[str, Any]]:
    reg = Registry(ctx)
    ref = normalize_ref(ref)
    found = reg.peek(ref)
    key = found[1]["$id"] if found else ref
    log = ctx.tenant.collection(kinds.AUDIT_COLLECTION).get(key)
    if log is None and found is None:
        raise NotFound(f"No resource {ref} is known in this sandbox.", code=kinds.OTHER_NOT_FOUND)
    return (log or {"entries": []})["entries"]


# -- stats -----------------------------------------------------------------------------------------
def stats(ctx: RequestContext) -> dict[str, Any]:
    reg = Registry(ctx)
    summaries = []
    for kind in kinds.TENANT_KINDS:
        for _rid, resource in reg.collection(kind).scan():
            summaries.append(resource)
    created = sorted(summaries, key=lambda r: r["meta:registryMetadata"]["repo:createdDate"], reverse=True)
    updated = sorted(summaries, key=lambda r: r["meta:registryMetadata"]["repo:lastModifiedDate"], reverse=True)

    def brief(resource, date_key):
        return {"$id": resource["$id"], "meta:altId": resource["meta:altId"], "title": resource["title"],
                "description": resource.get("description", ""), "meta:resourceType": resource["meta:resourceType"],
                date_key: resource["meta:registryMetadata"]["repo:createdDate" if date_key == "meta:created"
                                                              else "repo:lastModifiedDate"],
                "version": resource["version"]}

    # classUsage follows the official spec (an array of {$id, title, numberOfSchemas, schemas});
    # the older getting-started page prints an object keyed by class, the spec's example is newer.
    usage: dict[str, list[dict[str, Any]]] = {}
    for _rid, schema in reg.collection(kinds.SCHEMAS).scan():
        usage.setdefault(schema["meta:class"], []).append(
            {"$id": schema["$id"], "meta:altId": schema["meta:altId"], "title": schema["title"],
             "description": schema.get("description", "")})
    class_usage = [{"$id": class_id, "title": (reg.find(class_id) or {}).get("title", class_id),
                    "numberOfSchemas": len(schemas), "schemas": schemas} for class_id, schemas in usage.items()]
    return {
        "imsOrg": ctx.org,
        "tenantId": ctx.tenant_id,
        "counts": {"schemas": len(reg.collection(kinds.SCHEMAS)), "mixins": len(reg.collection(kinds.MIXINS)),
                   "datatypes": len(reg.collection(kinds.DATATYPES)), "classes": len(reg.collection(kinds.CLASSES)),
                   "unions": len(unions.union_classes(reg))},
        "recentlyCreatedResources": [brief(r, "meta:created") for r in created[:5]],
        "recentlyUpdatedResources": [brief(r, "meta:updated") for r in updated[:5]],
        "classUsage": class_usage,
    }


def container_resources(reg: Registry, container: str, kind: Kind):
    """(id, resource) pairs of a list call, read-only, in insertion order."""
    check_container(container)
    if container == "global":
        return [(r["$id"], r) for r in reg.library.of_kind(kind.resource_type)]
    if kind.collection is None:
        return []
    return list(reg.collection(kind).scan())


def list_resources(ctx: RequestContext, container: str, kind: Kind, accept_header: str | None,
                   args: Mapping[str, Any], filters: list[str], base_url: str) -> dict[str, Any]:
    """A list call: Accept form, ``property`` filters (through an index where one fits),
    ``orderby``/``start``/``limit`` paging, the list envelope."""
    form = accept.for_listing(accept_header)
    check_container(container)
    reg = Registry(ctx)
    parsed = listing.parse_filters(filters)
    candidates = None
    if container == "tenant" and kind.collection:
        coll = reg.collection(kind)
        for path, op, value in parsed:
            index_path = path + "[]" if coll.indexed(path + "[]") else path
            if op == "==" and coll.indexed(index_path):
                ids = coll.lookup(index_path, value)
                candidates = [coll.peek(i) for i in coll.ids() if i in ids] if ids else []
                break
    if candidates is None:
        candidates = [r for _i, r in container_resources(reg, container, kind)]
    matches = listing.matcher(parsed)
    body = listing.page([r for r in candidates if matches(r)], args, base_url)
    body["results"] = [listing.summary(r) if form == "id" else copy_of(r) for r in body["results"]]
    return body


def list_unions(ctx: RequestContext, accept_header: str | None, args: Mapping[str, Any],
                filters: list[str], base_url: str) -> dict[str, Any]:
    form = accept.for_listing(accept_header)
    reg = Registry(ctx)
    matches = listing.matcher(listing.parse_filters(filters))
    found = [u for u in (unions.build(reg, c) for c in unions.union_classes(reg)) if u and matches(u)]
    body = listing.page(found, args, base_url)
    body["results"] = [listing.summary(r) if form == "id" else r for r in body["results"]]
    return body


def lookup_union(ctx: RequestContext, ref: str, accept_header: str | None) -> dict[str, Any]:
    form = accept.for_lookup(accept_header)
    reg = Registry(ctx)
    found = unions.peek_union(reg, ref)
    if found is None:
        raise NotFound(f"The requested union resource {normalize_ref(ref)} with version 1 is not found.",
                       code=kinds.UNION_NOT_FOUND)
    return render(reg, found[1], form)
