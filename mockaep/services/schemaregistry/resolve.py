"""From the raw form (``$ref``/``allOf`` kept) to the resolved form (``xed-full``).

Resolution expands every ``allOf`` member and every ``$ref`` (to another resource or to the
resource's own ``#/definitions/…``) into one ``properties`` tree, which is a plain JSON Schema
that data documents can be validated against. The resource's own ``meta:*`` header is kept.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Mapping

Finder = Callable[[str], "Mapping[str, Any] | None"]

#: Keys of a referenced *resource* that carry structure (its title, ids and meta stay behind).
STRUCTURE = ("type", "meta:xdmType", "properties", "required", "items", "additionalProperties")
#: Keys the resolved top level drops: they only make sense in the raw form.
RAW_ONLY = ("allOf", "definitions", "refs")
MAX_DEPTH = 32


class UnresolvedReference(LookupError):
    """A ``$ref`` names nothing the registry knows (the message says which)."""


def merge(into: dict[str, Any], fragment: Mapping[str, Any]) -> None:
    """Merge a resolved fragment: ``properties`` merge field by field, ``required`` unions,
    any other keyword keeps the value already there (the referencing node wins)."""
    for key, value in fragment.items():
        if key == "properties" and isinstance(value, dict):
            target = into.setdefault("properties", {})
            for name, sub in value.items():
                if isinstance(target.get(name), dict) and isinstance(sub, dict):
                    merge(target[name], sub)
                else:
                    target.setdefault(name, copy.deepcopy(sub))
        elif key == "required" and isinstance(value, list):
            into["required"] = list(dict.fromkeys(list(into.get("required", [])) + value))
        else:
            into.setdefault(key, copy.deepcopy(value))


class Resolver:
    """Resolves resources found through ``find`` (tenant first, then the standard library)."""

    def __init__(self, find: Finder, *, strict: bool = True) -> None:
        self.find = find
        self.strict = strict

    def full(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        """The ``xed-full`` form of a raw resource."""
        body = self._node(resource, resource, (resource.get("$id"),), 0)
        out = {k: copy.deepcopy(v) for k, v in resource.items() if k not in RAW_ONLY + ("properties", "required")}
        out["type"] = "object"
        out["properties"] = body.get("properties", {})
        if body.get("required"):
            out["required"] = body["required"]
        return out

    def _target(self, ref: str, owner: Mapping[str, Any], stack: tuple, depth: int):
        if ref.startswith("#/definitions/"):
            definitions = owner.get("definitions") or {}
            target = definitions.get(ref[len("#/definitions/"):]) if isinstance(definitions, dict) else None
            if not isinstance(target, dict):
                raise UnresolvedReference(f"'{ref}' is not defined in {owner.get('$id', 'the resource')}")
            return self._node(target, owner, stack, depth + 1)
        if ref in stack or depth > MAX_DEPTH:
            return {}  # a reference cycle contributes nothing the second time round
        resource = self.find(ref)
        if resource is None:
            if self.strict:
                raise UnresolvedReference(f"'{ref}' does not exist")
            return {}
        body = self._node(resource, resource, stack + (ref,), depth + 1)
        return {k: body[k] for k in STRUCTURE if k in body}

    def _node(self, node: Mapping[str, Any], owner: Mapping[str, Any], stack: tuple, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$ref", "allOf", "definitions"):
                continue
            if key == "properties" and isinstance(value, dict):
                result["properties"] = {name: self._node(sub, owner, stack, depth + 1) if isinstance(sub, dict) else sub
                                        for name, sub in value.items()}
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                result[key] = self._node(value, owner, stack, depth + 1)
            else:
                result[key] = copy.deepcopy(value)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref:
            merge(result, self._target(ref, owner, stack, depth))
        members = node.get("allOf")
        if isinstance(members, list):
            for member in members:
                if isinstance(member, dict):
                    part = self._node(member, owner, stack, depth + 1)
                    merge(result, {k: v for k, v in part.items() if k in STRUCTURE})
        if "properties" in result and "type" not in result:
            result["type"] = "object"
            result.setdefault("meta:xdmType", "object")
        return result
