"""Walking XDM JSON Schema documents by structure (schema nodes, not arbitrary keys).

A field *named* ``title`` or ``description`` inside ``properties`` is a field, not text: every
helper here moves through the keywords that hold sub-schemas, so such names are never touched.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

#: Keywords whose value is a map of name → sub-schema.
SCHEMA_MAPS = ("properties", "definitions", "patternProperties")
#: Keywords whose value is a list of sub-schemas.
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
TEXT_KEYS = ("title", "description")


def children(node: Any) -> Iterator[dict[str, Any]]:
    """The sub-schemas directly held by a schema node."""
    if not isinstance(node, dict):
        return
    for key in SCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, dict):
            for sub in value.values():
                if isinstance(sub, dict):
                    yield sub
    for key in SCHEMA_LISTS:
        value = node.get(key)
        if isinstance(value, list):
            for sub in value:
                if isinstance(sub, dict):
                    yield sub
    items = node.get("items")
    if isinstance(items, dict):
        yield items
    elif isinstance(items, list):
        yield from (i for i in items if isinstance(i, dict))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        yield extra


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema node, depth first, the node itself included."""
    if not isinstance(node, dict):
        return
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def direct_refs(resource: dict[str, Any]) -> list[str]:
    """The other resources a resource references (``$ref`` outside ``#/…``), in order."""
    return refs_of(walk(resource))


def refs_of(nodes: Iterable[dict[str, Any]]) -> list[str]:
    """:func:`direct_refs` of the schema nodes a walk gave."""
    found = []
    for node in nodes:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref and not ref.startswith("#"):
            found.append(ref)
    return list(dict.fromkeys(found))


def xdm_type_of(node: dict[str, Any]) -> str | None:
    """The ``meta:xdmType`` the registry derives from a field's JSON type and format."""
    kind = node.get("type")
    if kind == "string":
        return {"date-time": "date-time", "date": "date"}.get(node.get("format"), "string")
    if kind == "integer":
        return "int"
    if kind in ("number", "boolean", "array"):
        return kind
    if kind == "object":
        return "map" if isinstance(node.get("additionalProperties"), dict) else "object"
    return None


def add_xdm_types(resource: dict[str, Any]) -> None:
    """Fill ``meta:xdmType`` wherever a typed field lacks it (the registry does so on write)."""
    add_xdm_types_to(walk(resource))


def add_xdm_types_to(nodes: Iterable[dict[str, Any]]) -> None:
    """:func:`add_xdm_types` over the schema nodes a walk gave."""
    for node in nodes:
        if "meta:xdmType" not in node:
            derived = xdm_type_of(node)
            if derived:
                node["meta:xdmType"] = derived


def strip_text(node: Any) -> None:
    """Remove titles and descriptions from every schema node (the ``-notext`` variants)."""
    for current in walk(node):
        for key in TEXT_KEYS:
            current.pop(key, None)


def field_paths(resolved: dict[str, Any]) -> set[str]:
    """Dotted paths of every field of a resolved schema: objects and leaves.

    Array items and map values are not descended into: their members have no fixed dotted path.
    """
    paths: set[str] = set()

    def visit(node: dict[str, Any], prefix: str) -> None:
        props = node.get("properties")
        if not isinstance(props, dict):
            return
        for name, sub in props.items():
            path = f"{prefix}{name}"
            paths.add(path)
            if isinstance(sub, dict):
                visit(sub, path + ".")

    visit(resolved, "")
    return paths


def top_level_fields(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields a resource defines itself at its root (in ``properties``, in ``definitions``
    pulled in through ``allOf``, and in inline ``allOf`` members) — what namespace rules check."""
    found: dict[str, dict[str, Any]] = {}

    def take(node: Any) -> None:
        if isinstance(node, dict) and isinstance(node.get("properties"), dict):
            for name, sub in node["properties"].items():
                found[name] = sub if isinstance(sub, dict) else {}

    take(resource)
    definitions = resource.get("definitions") if isinstance(resource.get("definitions"), dict) else {}
    for member in resource.get("allOf", []) if isinstance(resource.get("allOf"), list) else []:
        if not isinstance(member, dict):
            continue
        ref = member.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            take(definitions.get(ref[len("#/definitions/"):]))
        elif ref is None:
            take(member)
    return found


def flat_properties(resolved: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``-flat`` form of a resolved body's fields: every field (objects and leaves) at one
    level, keyed by its slash-joined path, without its sub-fields (as field_paths, array items
    and map values are not descended into)."""
    flat: dict[str, dict[str, Any]] = {}
    stack: list[tuple[dict[str, Any], str]] = [(resolved, "")]
    while stack:
        node, prefix = stack.pop()
        props = node.get("properties")
        if not isinstance(props, dict):
            continue
        for name, sub in props.items():
            if not isinstance(sub, dict):
                continue
            path = f"{prefix}{name}"
            flat[path] = {k: v for k, v in sub.items() if k != "properties"}
            stack.append((sub, path + "/"))
    return dict(sorted(flat.items()))
