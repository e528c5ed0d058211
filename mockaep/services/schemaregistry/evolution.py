"""Schema evolution: what may still change once data depends on a schema.

A schema is *protected* once a dataset is based on it (Catalog answers, through its port
``ctx.backend("catalog")``, which datasets name it in ``schemaRef.id``) or once it is enabled for Profile
(``meta:immutableTags`` holds ``union``) — the troubleshooting guide's "when does a schema start
preventing breaking changes". A protected schema may gain fields and field groups, change its
title and description, or make a required field optional; it may not lose a field or a field
group, change a field's type, narrow a field's ``enum``, or change class, whether the change is
made to the schema itself or to a class, field group or data type it is built from.

Error codes: BEHAVIOUR.md §8 and the troubleshooting guide state the rule but document no code
for it, and none of the documented XDM 4xx codes fits (1413 is a clash *between* union members,
1526-1528 are union descriptor checks), so a refusal is the registry's generic
``XDM-1000-400`` with its own title. Deleting a schema a dataset uses (or its class, through
that schema) is refused the way the registry refuses deleting any resource still in use: 400.

Only *current* datasets count: a schema whose datasets were all deleted may break again (the
emulator keeps no history of past datasets).
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.errors import BadRequest
from mockaep.services.schemaregistry import fields, kinds
from mockaep.services.schemaregistry.registry import Registry
from mockaep.services.schemaregistry.unions import UNION_TAG, types_by_path

TITLE = "Breaking change refused"
SHOWN = 5


def datasets_using(reg: Registry, schema: Mapping[str, Any]) -> list[str]:
    """Ids of the datasets based on ``schema`` (by ``$id`` or ``meta:altId``), oldest first."""
    found = reg.ctx.backend("catalog").datasets_using_schema(schema["$id"])
    if schema.get("meta:altId"):
        found += [d for d in reg.ctx.backend("catalog").datasets_using_schema(schema["meta:altId"]) if d not in found]
    return found


def protection(reg: Registry, schema: Mapping[str, Any]) -> str | None:
    """Why ``schema`` only takes non-breaking changes, or None when it takes any."""
    reasons = []
    if UNION_TAG in (schema.get("meta:immutableTags") or []):
        reasons.append("it is enabled for Profile")
    datasets = datasets_using(reg, schema)
    if datasets:
        reasons.append(f"dataset{'s' if len(datasets) > 1 else ''} {', '.join(datasets[:SHOWN])} "
                       f"{'are' if len(datasets) > 1 else 'is'} based on it")
    return " and ".join(reasons) or None


def _refused(schema_id: str, why: str, what: list[str]) -> BadRequest:
    return BadRequest(f"The schema {schema_id} only accepts non-breaking changes because {why}; this change "
                      f"{'; '.join(what[:SHOWN])}.", title=TITLE)


def _enums_by_path(body: Mapping[str, Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}

    def visit(node: Mapping[str, Any], prefix: str) -> None:
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                if isinstance(sub.get("enum"), list):
                    out[f"{prefix}/{name}"] = sub["enum"]
                visit(sub, f"{prefix}/{name}")

    visit(body, "")
    return out


def breaking(before: Mapping[str, Any], after: Mapping[str, Any], before_body: Mapping[str, Any],
             after_body: Mapping[str, Any]) -> list[str]:
    """What makes ``after`` a breaking change of ``before`` (raw forms and resolved bodies)."""
    problems: list[str] = []
    if before.get("meta:class") != after.get("meta:class"):
        problems.append(f"changes the class from {before.get('meta:class')} to {after.get('meta:class')}")
    kept = set(fields.direct_refs(after))
    lost_groups = [r for r in fields.direct_refs(before) if r not in kept and r != before.get("meta:class")]
    if lost_groups:
        problems.append(f"removes {', '.join(lost_groups[:SHOWN])}")
    old_types, new_types = types_by_path(before_body), types_by_path(after_body)
    gone = {p for p in old_types if p not in new_types}
    lost = [p for p in old_types if p in gone and p.rsplit("/", 1)[0] not in gone]  # outermost only
    if lost:
        problems.append(f"removes the field{'s' if len(lost) > 1 else ''} {', '.join(lost[:SHOWN])}")
    changed = [f"{p} ({old_types[p]} to {new_types[p]})" for p in old_types
               if p in new_types and new_types[p] != old_types[p]]
    if changed:
        problems.append(f"changes the type of {', '.join(changed[:SHOWN])}")
    old_enums, new_enums = _enums_by_path(before_body), _enums_by_path(after_body)
    narrowed = [p for p in new_types if p in old_types and p in new_enums
                and (p not in old_enums or any(v not in new_enums[p] for v in old_enums[p]))]
    if narrowed:
        problems.append(f"restricts the values of {', '.join(narrowed[:SHOWN])}")
    return problems


def check_change(reg: Registry, kind: kinds.Kind, existing: Mapping[str, Any] | None,
                 record: Mapping[str, Any]) -> None:
    """Refuse ``record`` (the new version of ``existing``) when it breaks a protected schema:
    the schema itself, or every protected schema built from this class/field group/data type."""
    if existing is None:
        return
    if kind is kinds.SCHEMAS:
        why = protection(reg, existing)
        if why:
            stored = reg.resolved(existing["$id"])
            before_body = stored.body if stored is not None else {}
            problems = breaking(existing, record, before_body, reg.resolver(strict=False).body(record))
            if problems:
                raise _refused(existing["$id"], why, problems)
        return
    protected = [(s, why) for s in dependent_schemas(reg, existing["$id"]) if (why := protection(reg, s))]
    if not protected:
        return
    before = {}
    for schema, _why in protected:
        stored = reg.resolved(schema["$id"])
        before[schema["$id"]] = stored.body if stored is not None else {}
    saved = reg.pending.get(record["$id"])
    reg.pending[record["$id"]] = dict(record)  # resolve the schemas as they would be after the write
    try:
        for schema, why in protected:
            problems = breaking(schema, schema, before[schema["$id"]], reg.resolver(strict=False).body(schema))
            if problems:
                raise _refused(schema["$id"], why, [f"(through {record['$id']}) {p}" for p in problems])
    finally:
        if saved is None:
            reg.pending.pop(record["$id"], None)
        else:
            reg.pending[record["$id"]] = saved


def dependent_schemas(reg: Registry, resource_id: str) -> list[Mapping[str, Any]]:
    """Tenant schemas built, directly or not, from ``resource_id`` (through the ``refs[]`` index)."""
    seen = {resource_id}
    queue = [resource_id]
    schemas: list[Mapping[str, Any]] = []
    while queue:
        for user in reg.users_of(queue.pop(0)):
            if user in seen:
                continue
            seen.add(user)
            queue.append(user)
            found = reg.tenant(user, kinds.SCHEMAS)
            if found is not None:
                schemas.append(found[1])
    return schemas


def check_delete(reg: Registry, kind: kinds.Kind, existing: Mapping[str, Any]) -> None:
    """A schema cannot be deleted while a dataset is based on it; neither can its class (a class
    in use by any schema is already refused by the caller — this names the datasets too)."""
    schemas = [existing] if kind is kinds.SCHEMAS else dependent_schemas(reg, existing["$id"]) \
        if kind is kinds.CLASSES else []
    for schema in schemas:
        datasets = datasets_using(reg, schema)
        if datasets:
            through = "" if schema is existing else f" through the schema {schema['$id']}"
            raise BadRequest(f"The {kind.label} {existing['$id']} cannot be deleted: dataset"
                             f"{'s' if len(datasets) > 1 else ''} {', '.join(datasets[:SHOWN])} "
                             f"{'are' if len(datasets) > 1 else 'is'} based on it{through}. Delete the "
                             "datasets first.", title="Resource in use")
