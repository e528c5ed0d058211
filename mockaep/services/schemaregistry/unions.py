"""Union schemas: one per class, made of the class's Profile-enabled schemas (unions.md).

A schema joins its class's union when ``meta:immutableTags`` holds ``union``. Enabling requires
an identity (an ``identityMap`` field or a primary identity descriptor, XDM-1528), and the
member schemas must merge: one path, one type (XDM-1413).

The resolved form of a union also carries fields no member defines (unions.md): ``identityMap``
(through the identity map field group in its ``allOf``) and, for record classes such as XDM
Individual Profile, ``timeSeriesEvents`` and ``segmentMembership`` (package data
``specs/xdm/unionfields.json``). Those two describe a profile as the platform sees it (its
events, its audiences); a time-series union is itself made of events, so it gets neither — the
docs describe both only in profile terms.
"""
from __future__ import annotations

import bisect
from typing import Any, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.services.schemaregistry import descriptors, fields, kinds, overview
from mockaep.services.schemaregistry.library import BEHAVIOURS, GLOBAL_LIB_VERSION, union_system_fields
from mockaep.services.schemaregistry.registry import (UNION_SUFFIX, Registry, normalize_ref, union_alt_id,
                                                      union_id)
from mockaep.services.schemaregistry.resolve import merge

UNION_TAG = overview.UNION_TAG
IDENTITY_MAP_GROUP = "https://ns.adobe.com/xdm/context/identitymap"
UNION_KIND = kinds.UNIONS
RECORD = BEHAVIOURS[0]


def add_system_fields(reg: Registry, union: Mapping[str, Any], resolved: dict[str, Any]) -> dict[str, Any]:
    """Add what the platform adds to a record-class union's resolved form (``resolved`` is the
    caller's private copy; fields of the member schemas win over the system ones)."""
    cls = reg.find_resource(union.get("meta:class", "")) or {}
    if RECORD in (cls.get("meta:extends") or []):
        system = reg.resolver(strict=False).node(union_system_fields(reg.ctx))
        merge(resolved, {"properties": system["properties"]})
    return resolved


def members(reg: Registry, class_id: str) -> list[Mapping[str, Any]]:
    """The class's Profile-enabled schemas (read-only), oldest first: the intersection of two
    index hit lists, only the members read."""
    coll = reg.collection(kinds.SCHEMAS)
    tagged = coll.hits("meta:immutableTags[]", UNION_TAG)
    of_class = coll.hits("meta:class", class_id)
    small, large = (tagged, of_class) if len(tagged) <= len(of_class) else (of_class, tagged)
    both = [seq for seq in small if _holds(large, seq)]
    found = []
    for schema_id in coll.ids(among=both):
        schema = reg.tenant(schema_id, kinds.SCHEMAS)
        if schema is not None:
            found.append(schema[1])
    return found


def _holds(ascending: Sequence[int], seq: int) -> bool:
    position = bisect.bisect_left(ascending, seq)
    return position < len(ascending) and ascending[position] == seq


def union_classes(reg: Registry) -> list[str]:
    """Classes that have a union (one or more Profile-enabled schemas), sorted."""
    return sorted(overview.union_classes(reg.ctx.tenant))


def build(reg: Registry, class_id: str) -> dict[str, Any] | None:
    """The raw union of a class (``allOf`` over its member schemas), or None if it has none."""
    schemas = members(reg, class_id)
    if not schemas:
        return None
    cls = reg.find_resource(class_id) or {}
    extends: list[str] = []
    for schema in schemas:
        extends.extend([schema["$id"], *schema.get("meta:extends", [])])
    last = max(s["meta:registryMetadata"]["repo:lastModifiedDate"] for s in schemas)
    first = min(s["meta:registryMetadata"]["repo:createdDate"] for s in schemas)
    return {
        "$id": union_id(class_id),
        "meta:altId": union_alt_id(class_id),
        "meta:resourceType": "unions",
        "version": f"1.{len(schemas) - 1}",
        "title": f"{cls.get('title', class_id)} Union",
        "description": f"Union of the Profile-enabled schemas of class {class_id}.",
        "type": "object",
        "allOf": [{"$ref": s["$id"]} for s in schemas] + [{"$ref": IDENTITY_MAP_GROUP}],
        "imsOrg": reg.ctx.org,
        "meta:extends": list(dict.fromkeys(extends)),
        "meta:xdmType": "object",
        "meta:class": class_id,
        "meta:containerId": "tenant",
        **reg.sandbox_meta(),
        "meta:registryMetadata": {"repo:createdDate": first, "repo:lastModifiedDate": last,
                                  "meta:globalLibVersion": GLOBAL_LIB_VERSION},
    }


def find_union(reg: Registry, ref: str) -> tuple[kinds.Kind, dict[str, Any]] | None:
    """The union a ``$id`` or ``meta:altId`` ending in ``__union`` names (computed), or None."""
    ref = normalize_ref(ref)
    if not ref.endswith(UNION_SUFFIX):
        return None
    base = ref[: -len(UNION_SUFFIX)]
    found = reg.find(base)
    if found is None or found[0] not in (kinds.CLASSES, kinds.BEHAVIORS):
        return None
    union = build(reg, found[1]["$id"])
    return (UNION_KIND, union) if union else None


def types_by_path(resolved: Mapping[str, Any]) -> dict[str, str]:
    """``/a/b`` → the field's XDM type, for every field of a resolved body."""
    out: dict[str, str] = {}

    def visit(node, prefix):
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                path = f"{prefix}/{name}"
                out[path] = sub.get("meta:xdmType") or sub.get("type") or "object"
                visit(sub, path)

    visit(resolved, "")
    return out


def check_enablement(reg: Registry, schema: Mapping[str, Any], existing: Mapping[str, Any] | None) -> None:
    """Refuse a Profile enablement the registry refuses (XDM-1528, XDM-1413). Breaking changes
    to a schema already enabled are refused by :mod:`.evolution`."""
    if schema.get("meta:resourceType") != "schemas" or UNION_TAG not in (schema.get("meta:immutableTags") or []):
        return
    resolved = reg.resolver(strict=False).body(schema)
    paths = fields.field_paths(resolved)
    if "identityMap" not in paths and not descriptors.has_primary_identity(reg, schema["$id"]):
        raise BadRequest("To participate in a union, a schema must include an identityMap fieldgroup or a "
                         "primary identity descriptor.", code="1528", title="Union descriptor validation error")
    mine = types_by_path(resolved)
    for other in members(reg, schema["meta:class"]):
        if other["$id"] == schema["$id"]:
            continue
        entry = reg.resolved(other["$id"])
        theirs = types_by_path(entry.body) if entry is not None else {}
        for path, kind in mine.items():
            if path in theirs and theirs[path] != kind:
                raise BadRequest(f"Cannot merge incompatible data types. The path {path} has already been defined "
                                 f"in schema (id={other['$id']}) using a different data type. Types: "
                                 f"{theirs[path]}, {kind}", code="1413", title="Merge Schema Error")
