"""What the registry checks and computes when a tenant resource is written (create, PUT, PATCH,
import): composition (a schema = one class + field groups; a class = one behaviour), references,
tenant namespacing (XDM-102x), unique titles (XDM-1521), then the read-only ``meta:*`` fields.

Read-only fields a client sends (the seed's target schema carries ``meta:containerId``,
``meta:resourceType``, ``meta:xdmType``, ``meta:class``) are tolerated and recomputed — the
digest lists this as undocumented (§15 #14); refusing them would break the seed's own request.
A ``meta:class`` that contradicts the schema's ``allOf`` is refused, since one of them would
have to be silently ignored.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from mockaep.core import ids
from mockaep.core.errors import BadRequest, shown
from mockaep.core.patterns import PatternError, compile_pattern
from mockaep.services.schemaregistry import fields, kinds
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.library import ADHOC, BEHAVIOURS, GLOBAL_LIB_VERSION, alt_id
from mockaep.services.schemaregistry.registry import Registry, etag_of
from mockaep.services.schemaregistry.resolve import UnresolvedReference
from mockaep.services.schemaregistry.resources import SYSTEM_FIELDS

#: Computed by the registry: never taken from a request body (the system fields, which a PATCH
#: may not touch, and what is derived from the rest: a PATCH of these changes nothing).
READ_ONLY = SYSTEM_FIELDS + ("meta:extends", "meta:xdmType", "meta:usageCount", "meta:createdDate",
                             "meta:abstract", "meta:extensible")
UNION_TAG = "union"
#: Other resources one resource may reference (``$ref``s, ``meta:intendedToExtend``): each is
#: looked up on every write, so the count is bounded before any is.
MAX_REFERENCES = 1000
NAMESPACE_CODES = {"classes": "1020", "mixins": "1021", "schemas": "1022", "adhoc": "1023"}


def invalid(detail: str, code: str | None = None, title: str | None = None) -> BadRequest:
    return BadRequest(detail, code=code, title=title)


def next_minor(version: str) -> str:
    major, _, minor = str(version or "1.0").partition(".")
    try:
        return f"{int(major)}.{int(minor or 0) + 1}"
    except ValueError:
        return "1.1"


def compose(reg: Registry, kind: Kind, body: Mapping[str, Any], existing: Mapping[str, Any] | None,
            *, bump: bool = False, keep_id: str | None = None) -> dict[str, Any]:
    """The record to store for ``body``; raises a 400 before anything is written."""
    if not isinstance(body, dict):
        raise invalid(f"A {kind.label} must be a JSON object.")
    resource_id = existing["$id"] if existing else keep_id
    _check_identity(body, existing)
    # the body belongs to this request (parsed JSON, a patched copy, an import item): taken as is
    record = {k: v for k, v in body.items() if k not in READ_ONLY}
    # Its schema nodes, walked once: the record shares the body's (none of READ_ONLY holds
    # sub-schemas), and nothing below adds, drops or reorders one (a renamed top-level field
    # keeps its node; the registry's own keys hold none), so the list serves to the end.
    nodes = list(fields.walk(record))
    check_content(body, nodes)
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid(f"A {kind.label} needs a non-empty 'title'.")
    if kind is not kinds.DATATYPES and record.get("type") != "object":
        raise invalid(f"The 'type' of a {kind.label} must be 'object'.")
    all_of = record.get("allOf", [])
    if not isinstance(all_of, list) or not all(isinstance(m, dict) for m in all_of):
        raise invalid("'allOf' must be an array of objects.")
    taken = reg.titles_taken(title, resource_id)
    if taken:
        raise invalid(f"Object titles must be unique. An object {taken} already exists with the same title",
                      code="1521", title="Title not unique")
    hex_id = resource_id.rsplit("/", 1)[-1] if resource_id else ids.new_xdm_hex()
    resource_id = resource_id or reg.new_id(kind, hex_id)

    refs = fields.refs_of(nodes)
    intended = record.get("meta:intendedToExtend")
    if len(refs) > MAX_REFERENCES or (isinstance(intended, list) and len(intended) > MAX_REFERENCES):
        raise invalid(f"A {kind.label} may reference at most {MAX_REFERENCES} other resources.")
    for ref in refs:
        if reg.find(ref) is None:
            raise invalid(f"The {kind.label} references {shown(ref, quoted=True)}, which does not exist in this sandbox "
                          "or in the standard library.")
    extra: dict[str, Any] = {}
    if kind is kinds.SCHEMAS:
        extra = _schema(reg, record, existing, body.get("meta:class"))
    elif kind is kinds.CLASSES:
        extra = _class(reg, record, hex_id)
    elif kind is kinds.MIXINS:
        extra = _field_group(reg, record, refs)
    else:
        extra = {"meta:extends": _extends_of(reg, refs), "meta:abstract": True, "meta:extensible": True}

    now = reg.ctx.now_ms
    created = existing["meta:registryMetadata"] if existing else {}
    record.update({
        "$id": resource_id,
        "meta:altId": alt_id(resource_id),
        "meta:resourceType": kind.resource_type,
        "version": next_minor(existing["version"]) if existing and bump else (existing or {}).get("version", "1.0"),
        **extra,
        "meta:containerId": "tenant",
        "imsOrg": reg.ctx.org,
        "meta:xdmType": "object" if record.get("type") == "object" else fields.xdm_type_of(record) or "object",
        "meta:tenantNamespace": reg.namespace,
        **reg.sandbox_meta(),
    })
    for member in record.get("allOf", []):
        # The registry types every allOf member as an object (seed and ad-hoc tutorial responses).
        if "$ref" in member or "properties" in member:
            member.setdefault("type", "object")
            member.setdefault("meta:xdmType", "object")
    fields.add_xdm_types_to(nodes)
    record["refs"] = list(refs)
    record["meta:registryMetadata"] = {
        "repo:createdDate": created.get("repo:createdDate", now),
        "repo:lastModifiedDate": now,
        "xdm:createdClientId": created.get("xdm:createdClientId", reg.ctx.client_id),
        "xdm:lastModifiedClientId": reg.ctx.client_id,
        "xdm:createdUserId": created.get("xdm:createdUserId", reg.ctx.user_id),
        "xdm:lastModifiedUserId": reg.ctx.user_id,
        "meta:globalLibVersion": GLOBAL_LIB_VERSION,
    }
    try:
        reg.resolver().check(record)
    except UnresolvedReference as exc:
        raise invalid(f"The {kind.label} cannot be resolved: {exc}.") from None
    record["meta:registryMetadata"]["eTag"] = etag_of(record)
    return record


def check_content(body: Mapping[str, Any], nodes: Iterable[Mapping[str, Any]] | None = None) -> None:
    """What no resource may hold, whatever its type: a ``$ref`` that is not a non-empty string, a
    ``pattern`` (or ``patternProperties`` key) that RE2 cannot run in linear time — data is
    validated and sample data generated with these patterns later, so they are refused now — and
    a number JSON cannot carry (``NaN``, ``Infinity``, ``1e999``). ``nodes``: the body's schema
    nodes when the caller has walked them already."""
    for node in fields.walk(body) if nodes is None else nodes:
        if "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.strip():
                raise invalid(f"'$ref' must name a resource ($id or meta:altId) or '#/definitions/…', not {shown(ref, quoted=True)}.")
        patterns = []
        if "pattern" in node:
            patterns.append(node["pattern"])
        if isinstance(node.get("patternProperties"), dict):
            patterns.extend(node["patternProperties"])
        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                raise invalid(f"The field pattern cannot be used: {exc}.") from None
    stack: list[Any] = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise invalid("Numbers must be finite: NaN, Infinity and numbers beyond 1.8e308 cannot be stored.")


def _check_identity(body: Mapping[str, Any], existing: Mapping[str, Any] | None) -> None:
    """A PUT may repeat the resource's own ids, never change them."""
    if existing is None:
        return
    for key in ("$id", "meta:altId"):
        if key in body and body[key] != existing[key]:
            raise invalid(f"'{key}' is read-only: it is {existing[key]!r} and cannot become {shown(body[key], quoted=True)}.")


def _refs_in_all_of(record: Mapping[str, Any]) -> list[str]:
    return [m["$ref"] for m in record.get("allOf", []) if isinstance(m.get("$ref"), str)
            and not m["$ref"].startswith("#")]


def _extends_of(reg: Registry, refs: list[str]) -> list[str]:
    out: list[str] = []
    for ref in refs:
        found = reg.find(ref)
        if found is None or found[0] is kinds.DATATYPES:
            continue
        out.append(found[1]["$id"])
        out.extend(found[1].get("meta:extends", []))
    return list(dict.fromkeys(out))


def _check_namespace(reg: Registry, record: Mapping[str, Any], kind: Kind) -> None:
    for name in fields.top_level_fields(record):
        if name != reg.namespace:
            raise invalid(f"A custom field is defined under an invalid namespace: {shown(name, quoted=True)}. All custom fields "
                          f"must be defined under a top-level field named {reg.namespace}.",
                          code=NAMESPACE_CODES[kind.resource_type], title="Namespace validation error")


def _schema(reg: Registry, record: dict[str, Any], existing: Mapping[str, Any] | None,
            sent_class: Any) -> dict[str, Any]:
    if "properties" in record or "definitions" in record or any("$ref" not in m for m in record.get("allOf", [])):
        raise invalid("A schema defines no fields of its own: its 'allOf' references one class and zero or "
                      "more field groups, which carry the fields.")
    refs = _refs_in_all_of(record)
    classes, groups = [], []
    for ref in refs:
        kind, resource = reg.find(ref)  # existence checked by the caller
        if kind is kinds.CLASSES:
            classes.append(resource)
        elif kind is kinds.MIXINS:
            groups.append(resource)
        else:
            raise invalid(f"'{ref}' is a {kind.label}: a schema's 'allOf' may only reference one class and "
                          "field groups.")
    if len(classes) != 1:
        raise invalid(f"A schema's 'allOf' must reference exactly one class; found {len(classes)}.")
    cls = classes[0]
    lineage = {cls["$id"], *cls.get("meta:extends", [])}
    for group in groups:
        intended = group.get("meta:intendedToExtend") or []
        if intended and not lineage.intersection(intended):
            raise invalid(f"The field group {group['$id']} is intended to extend {', '.join(intended)}; it "
                          f"cannot be used in a schema of class {cls['$id']}.")
    if sent_class is not None and sent_class != cls["$id"]:
        raise invalid(f"'meta:class' is {shown(sent_class, quoted=True)} but the schema's 'allOf' references the class {cls['$id']}; "
                      "the class of a schema is the one its 'allOf' names.")
    extra: dict[str, Any] = {
        "meta:class": cls["$id"],
        "meta:extends": _extends_of(reg, refs),
        "meta:abstract": False,
        "meta:extensible": False,
    }
    if cls.get("meta:datasetNamespace"):
        extra["meta:datasetNamespace"] = cls["meta:datasetNamespace"]
    tags = record.get("meta:immutableTags")
    if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
        raise invalid("'meta:immutableTags' must be an array of strings.")
    old_tags = (existing or {}).get("meta:immutableTags") or []
    missing = [t for t in old_tags if t not in (tags or [])]
    if missing:
        raise invalid(f"Immutable tags cannot be removed once set: {', '.join(missing)}.")
    # A class change of a Profile-enabled or dataset-backed schema is refused by evolution.py.
    return extra


def _class(reg: Registry, record: dict[str, Any], hex_id: str) -> dict[str, Any]:
    refs = _refs_in_all_of(record)
    behaviours = [r for r in refs if r in BEHAVIOURS]
    if len(behaviours) != 1:
        raise invalid("A class's 'allOf' must reference exactly one behaviour: "
                      f"{', '.join(BEHAVIOURS)}.")
    for ref in refs:
        kind, _ = reg.find(ref)
        if kind not in (kinds.BEHAVIORS, kinds.MIXINS):
            raise invalid(f"'{ref}' is a {kind.label}: a class's 'allOf' takes a behaviour, field groups "
                          "and its own fields.")
    extra: dict[str, Any] = {"meta:extends": _extends_of(reg, refs), "meta:abstract": True, "meta:extensible": True}
    if behaviours[0] == ADHOC:
        # Ad-hoc classes: custom fields sit under `_adhoc`, which the registry renames to
        # `_<class hex>` and reports as meta:datasetNamespace (ad-hoc tutorial).
        namespace = f"_{hex_id}"
        for name in list(fields.top_level_fields(record)):
            if name not in ("_adhoc", namespace):
                raise invalid(f"Fields of an ad-hoc class must sit under '_adhoc'; found {shown(name, quoted=True)}.",
                              code=NAMESPACE_CODES["adhoc"], title="Namespace validation error")
        _rename_top_level(record, "_adhoc", namespace)
        extra["meta:datasetNamespace"] = namespace
    else:
        _check_namespace(reg, record, kinds.CLASSES)
    return extra


def _rename_top_level(record: dict[str, Any], old: str, new: str) -> None:
    holders = [record] + [m for m in record.get("allOf", []) if "$ref" not in m]
    definitions = record.get("definitions")
    if isinstance(definitions, dict):
        holders.extend(d for d in definitions.values() if isinstance(d, dict))
    for holder in holders:
        props = holder.get("properties")
        if isinstance(props, dict) and old in props:
            holder["properties"] = {(new if k == old else k): v for k, v in props.items()}


def _field_group(reg: Registry, record: dict[str, Any], refs: list[str]) -> dict[str, Any]:
    intended = record.get("meta:intendedToExtend")
    if not isinstance(intended, list) or not all(isinstance(i, str) for i in intended):
        raise invalid("'meta:intendedToExtend' must list the $id of the classes the field group fits.")
    for ref in intended:
        found = reg.find(ref)
        if found is None or found[0] not in (kinds.CLASSES, kinds.BEHAVIORS):
            raise invalid(f"'meta:intendedToExtend' names {shown(ref, quoted=True)}, which is not a class or behaviour.")
    for ref in _refs_in_all_of(record):
        kind, _ = reg.find(ref)
        if kind not in (kinds.MIXINS, kinds.DATATYPES):
            raise invalid(f"'{ref}' is a {kind.label}: a field group's 'allOf' takes its own definitions, "
                          "field groups or data types.")
    _check_namespace(reg, record, kinds.MIXINS)
    return {"meta:extends": _extends_of(reg, refs), "meta:abstract": True,
            "meta:extensible": True}
