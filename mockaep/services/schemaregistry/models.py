"""Schema Registry reads and writes (no Flask here; routes.py adapts HTTP).

Tenant resources are stored raw (the ``xed+json`` form, ``meta:*`` included) in one collection
per resource type, keyed by ``$id``; the standard library is package data (library.py). A raw
lookup of a tenant resource answers its stored JSON text as is.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, MethodNotAllowed, NotFound
from mockaep.core.paging import registry as paging
from mockaep.core.patch import ALL_OPS, REASONS, PatchRules, apply_patch, read_patch
from mockaep.core.store import Collection
from mockaep.services.schemaregistry import accept, audit, descriptors, evolution, fields, kinds, rules, unions
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.registry import UNION_SUFFIX, Registry, check_container, normalize_ref
from mockaep.services.schemaregistry.resolve import clone
from mockaep.services.schemaregistry.resources import KINDS

DATE_PATTERNS = {
    "date-time": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}
#: JSON Patch as the registry takes it: all six RFC 6902 operations, case as in the RFC; the
#: system fields (the kind table's read-only fields) cannot be touched; every refusal is the
#: registry's generic XDM-1000-400 (no other code is documented for a patch).
PATCH_RULES = PatchRules(ops=ALL_OPS, codes={reason: "1000" for reason in REASONS})
SUMMARY = ("$id", "meta:altId", "version", "title")
#: Types a schema or class body may omit (``object`` is the only one they take): the community
#: SDK's schema helpers send none, and the registry accepts them (docs/aepp.md SR-4).
DEFAULTS = {"schemas": {"type": "object"}, "classes": {"type": "object"}}


# -- what other services call (backend.py) -------------------------------------------------------
def find_resource(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    reg = Registry(ctx)
    located = reg.locate(normalize_ref(ref))
    if located is not None:
        return reg.collection(located[0]).get(located[1])
    found = reg.standard(ref) or unions.find_union(reg, ref)
    return clone(found[1]) if found else None


def resolve_schema(ctx: RequestContext, ref: str) -> dict[str, Any] | None:
    reg = Registry(ctx)
    found = _readable(reg, ref)
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
    paths = reg.field_paths(ref)
    if paths is not None:
        return set(paths)
    union = unions.find_union(reg, ref)
    return None if union is None else fields.field_paths(full_form(reg, union[1]))


def _readable(reg: Registry, ref: str) -> tuple[Kind, Mapping[str, Any]] | None:
    """Any resource or union a reference names (read-only)."""
    return reg.find(ref) or unions.find_union(reg, ref)


def full_form(reg: Registry, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The resolved form (a private copy), with the fields the platform adds to a union."""
    resolver = reg.resolver(strict=False)
    if resource.get("meta:resourceType") == kinds.UNIONS.resource_type:
        return unions.add_system_fields(reg, resource, resolver.full(resource))
    stored = reg.resolved(resource["$id"])
    return resolver.full(resource, stored.body if stored is not None else None)


# -- reads -----------------------------------------------------------------------------------------
def render(reg: Registry, resource: Mapping[str, Any], form: accept.LookupForm) -> dict[str, Any]:
    """A resource in the lookup form the Accept header chose (a private copy)."""
    if form.resolved:
        out = full_form(reg, resource)
        if not form.deprecated:
            _drop_deprecated(out)
        if form.descriptors:
            out["meta:descriptors"] = descriptors.of_schema(reg, out["$id"])
        if form.flat:
            out["properties"] = fields.flat_properties(out)
    else:
        out = clone(resource)
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


def lookup(ctx: RequestContext, container: str, kind: Kind, ref: str) -> dict[str, Any] | bytes:
    """A lookup's answer: the stored JSON text itself for the raw form of a tenant resource."""
    form = accept.for_lookup(ctx.headers)
    reg = Registry(ctx)
    if kind is kinds.SCHEMAS and container == "tenant" and normalize_ref(ref).endswith(UNION_SUFFIX):
        return lookup_union(ctx, ref)  # unions.md: unions are looked up under /schemas too
    resource = reg.require(container, kind, ref, reading=True)
    if not form.resolved and form.text and resource.get("meta:containerId") == "tenant":
        stored = reg.collection(kind).raw(resource["$id"])
        if stored is not None:
            return stored
    return render(reg, resource, form)


def list_resources(ctx: RequestContext, container: str, kind: Kind, base_url: str) -> dict[str, Any]:
    """A list call: Accept form, ``property`` filters, ``orderby``/``start``/``limit``, the envelope."""
    form = accept.for_listing(ctx.headers)
    check_container(container)
    conditions = paging.read_filters(ctx.query.getlist("property"))
    request = paging.read_page_request(ctx.query)
    reg = Registry(ctx)
    if container == "global":
        coll = reg.library.lists.get(kind.resource_type) or Collection("global")
    elif kind.collection is not None:
        coll = reg.collection(kind)
    else:
        coll = Collection("tenant behaviours")  # behaviours are global only
    found = paging.page(coll, conditions, request, base_url=base_url, query=ctx.query)
    return found.body(summary if form == "id" else _as_stored)


def summary(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {k: resource[k] for k in SUMMARY if k in resource}


def _as_stored(resource: dict[str, Any]) -> dict[str, Any]:
    return resource  # a page's records are fresh copies already


def list_unions(ctx: RequestContext, base_url: str) -> dict[str, Any]:
    form = accept.for_listing(ctx.headers)
    conditions = paging.read_filters(ctx.query.getlist("property"))
    request = paging.read_page_request(ctx.query)
    reg = Registry(ctx)
    computed = Collection("unions")  # one per class with a Profile-enabled schema: a handful
    for class_id in unions.union_classes(reg):
        union = unions.build(reg, class_id)
        if union is not None:
            computed.put(union["$id"], union)
    found = paging.page(computed, conditions, request, base_url=base_url, query=ctx.query)
    return found.body(summary if form == "id" else _as_stored)


def lookup_union(ctx: RequestContext, ref: str) -> dict[str, Any]:
    form = accept.for_lookup(ctx.headers)
    reg = Registry(ctx)
    found = unions.find_union(reg, ref)
    if found is None:
        raise NotFound(f"The requested union resource {normalize_ref(ref)[:300]} with version 1 is not found.",
                       code=kinds.UNIONS.not_found)
    return render(reg, found[1], form)


# -- writes ----------------------------------------------------------------------------------------
def require_tenant_container(container: str, kind: Kind) -> None:
    """Writes go to the ``tenant`` container only; ``global`` is Adobe's read-only library."""
    check_container(container)
    if container != "tenant" or kind.collection is None:
        raise MethodNotAllowed(f"The {container} container is read-only: {kind.label} resources can only be "
                               "created, changed or deleted in the 'tenant' container.")


def _with_defaults(kind: Kind, body: Any) -> Any:
    defaults = DEFAULTS.get(kind.resource_type)
    return {**defaults, **body} if defaults and isinstance(body, dict) else body


def _checked_body(ctx: RequestContext, kind: Kind, method: str, spec_path: str, body: Any) -> Any:
    body = _with_defaults(kind, body)
    # the official request schemas list 'description' as required; the registry takes a schema
    # or class without one (the SDK's helpers), so the check sees an empty one
    shaped = {"description": "", **body} if kind.resource_type in DEFAULTS and isinstance(body, dict) else body
    validation.check_body(ctx, "schemaregistry", method, spec_path, shaped)
    return body


def create(ctx: RequestContext, kind: Kind, body: Any, spec_path: str) -> dict[str, Any]:
    body = _checked_body(ctx, kind, "POST", spec_path, body)
    reg = Registry(ctx)
    record = rules.compose(reg, kind, body, None)
    unions.check_enablement(reg, record, None)
    reg.save(kind, record, None)
    audit.record(reg, record["$id"], kind, None, record)
    return record


def replace(ctx: RequestContext, kind: Kind, ref: str, body: Any, spec_path: str) -> dict[str, Any]:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    body = _checked_body(ctx, kind, "PUT", spec_path, body)
    record = rules.compose(reg, kind, body, existing)
    evolution.check_change(reg, kind, existing, record)
    unions.check_enablement(reg, record, existing)
    reg.save(kind, record, existing)
    audit.record(reg, record["$id"], kind, existing, record)
    return record


def patch(ctx: RequestContext, kind: Kind, ref: str, body: Any, spec_path: str) -> dict[str, Any]:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    check_patch_shape(ctx, body, spec_path)
    operations = read_patch(body, PATCH_RULES)
    for op in operations:
        if op["path"].lstrip("/").split("/", 1)[0] == "meta:immutableTags" and op["op"] in ("remove", "move"):
            raise BadRequest("Immutable tags cannot be removed once set.")
    candidate = apply_patch(existing, operations, kind=KINDS[kind.collection or ""], rules=PATCH_RULES)
    record = rules.compose(reg, kind, candidate, existing, bump=True)
    evolution.check_change(reg, kind, existing, record)
    unions.check_enablement(reg, record, existing)
    reg.save(kind, record, existing)
    audit.record(reg, record["$id"], kind, existing, record)
    return record


def check_patch_shape(ctx: RequestContext, operations: Any, spec_path: str) -> None:
    """JSON Patch shape against the official spec. The spec types every ``value`` as a string, but
    the documented PATCH requests send objects and arrays (``{"$ref": …}``, ``["union"]``): values
    are checked by the resource rules after the patch, not against the spec's ``value`` type."""
    if isinstance(operations, list):
        shaped = [{k: v for k, v in op.items() if k != "value"} if isinstance(op, dict) else op
                  for op in operations]
    else:
        shaped = operations
    validation.check_body(ctx, "schemaregistry", "PATCH", spec_path, shaped)


def delete(ctx: RequestContext, kind: Kind, ref: str) -> None:
    reg = Registry(ctx)
    existing = reg.require("tenant", kind, ref)
    evolution.check_delete(reg, kind, existing)
    users = reg.users_of(existing["$id"])
    if users:
        raise BadRequest(f"The {kind.label} {existing['$id']} is used by {', '.join(users[:5])} and cannot be "
                         "deleted; remove those references first.")
    reg.remove(kind, existing)
    if kind is kinds.SCHEMAS:
        descriptors.delete_for_schema(reg, existing["$id"])
    audit.record(reg, existing["$id"], kind, existing, None)


def audit_log(ctx: RequestContext, ref: str) -> list[dict[str, Any]]:
    reg = Registry(ctx)
    ref = normalize_ref(ref)
    found = reg.find(ref)
    key = found[1]["$id"] if found else ref
    log = audit.entries(reg, key)
    if log is None and found is None:
        raise NotFound(f"No resource {ref[:300]} is known in this sandbox.", code=kinds.OTHER_NOT_FOUND)
    return log or []

