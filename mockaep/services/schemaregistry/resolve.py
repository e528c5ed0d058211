"""From the raw form (``$ref``/``allOf`` kept) to the resolved form (``xed-full``).

Resolution expands every ``allOf`` member and every ``$ref`` (to another resource or to the
resource's own ``#/definitions/…``) into one ``properties`` tree, which is a plain JSON Schema
that data documents can be validated against. The resource's own ``meta:*`` header is kept.

Resolving is the registry's hottest path (every write checks it, Data Prep and Catalog ask for
field paths), so the resolved body of each *stored* resource is memoised in a
:class:`ResolvedCache`: an entry remembers the exact stored objects (tenant records, standard
library entries, import-staged records) it was built from and is used only while every one of
them is still what the registry finds under its id. The store replaces a record's object on every
write (``Collection.put`` stores a copy) and a state import rebuilds them, so any tenant write
invalidates the forms that depend on it, with no eTag bookkeeping to trust.
"""
from __future__ import annotations

import copy
import marshal
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Mapping

Finder = Callable[[str], "Mapping[str, Any] | None"]

#: Keys of a referenced *resource* that carry structure (its title, ids and meta stay behind).
STRUCTURE = ("type", "meta:xdmType", "properties", "required", "items", "additionalProperties")
#: Keys the resolved top level drops: they only make sense in the raw form.
RAW_ONLY = ("allOf", "definitions", "refs")
MAX_DEPTH = 32
CACHE_SIZE = 4096


class UnresolvedReference(LookupError):
    """A ``$ref`` names nothing the registry knows (the message says which)."""


def clone(value: Any) -> Any:
    """A private copy of a JSON tree; marshal round-trips dict/list/str/number trees several
    times faster than ``copy.deepcopy`` (which stays the fallback for anything else)."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


def merge(into: dict[str, Any], fragment: Mapping[str, Any]) -> None:
    """Merge a resolved fragment: ``properties`` merge field by field, ``required`` unions,
    any other keyword keeps the value already there (the referencing node wins).
    ``fragment`` is only read (it may be a cached body); what ``into`` takes is copied."""
    for key, value in fragment.items():
        if key == "properties" and isinstance(value, dict):
            target = into.setdefault("properties", {})
            for name, sub in value.items():
                if isinstance(target.get(name), dict) and isinstance(sub, dict):
                    merge(target[name], sub)
                elif name not in target:
                    target[name] = clone(sub)
        elif key == "required" and isinstance(value, list):
            into["required"] = list(dict.fromkeys(list(into.get("required", [])) + value))
        elif key not in into:
            into[key] = clone(value)


@dataclass(frozen=True)
class _Entry:
    deps: tuple[tuple[str, Any], ...]  # (ref, the object find(ref) returned) for every resource used
    height: int                        # deepest nesting reached below the resource (MAX_DEPTH guard)
    body: dict[str, Any]               # resolved body; never mutated once cached


class ResolvedCache:
    """Resolved bodies of stored resources, by the ``$ref`` used to reach them (one per tenant)."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}

    def get(self, ref: str, find: Finder) -> _Entry | None:
        entry = self.entries.get(ref)
        if entry is None:
            return None
        if all(find(dep) is obj for dep, obj in entry.deps):
            return entry
        del self.entries[ref]
        return None

    def put(self, ref: str, entry: _Entry) -> None:
        if len(self.entries) >= CACHE_SIZE:
            self.entries.pop(next(iter(self.entries)))
        self.entries[ref] = entry


_CACHES: "weakref.WeakKeyDictionary[Any, ResolvedCache]" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()  # tenants are served in parallel; each cache is used under its tenant's lock


def cache_for(owner: Any) -> ResolvedCache:
    """The cache of one tenant (forgotten with the tenant object, e.g. on ``/_mockaep/reset``)."""
    with _CACHES_LOCK:
        found = _CACHES.get(owner)
        if found is None:
            found = _CACHES[owner] = ResolvedCache()
        return found


class _Frame:
    """What one resource's resolution used: its dependencies, and whether the result depends
    on where it was resolved from (a reference cycle cut, a missing reference, the depth guard)."""

    __slots__ = ("deps", "contextual", "height", "start")

    def __init__(self, start: int) -> None:
        self.deps: dict[str, Any] = {}
        self.contextual = False
        self.height = 0
        self.start = start


class Resolver:
    """Resolves resources found through ``find`` (tenant first, then the standard library)."""

    def __init__(self, find: Finder, *, strict: bool = True, cache: ResolvedCache | None = None) -> None:
        self.find = find
        self.strict = strict
        self.cache = cache
        self._frames: list[_Frame] = []

    def full(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        """The ``xed-full`` form of a raw resource (a private copy the caller may change)."""
        body = self.body(resource)
        out = clone({k: v for k, v in resource.items() if k not in RAW_ONLY + ("properties", "required")})
        out["type"] = "object"
        out["properties"] = clone(body.get("properties", {}))
        if body.get("required"):
            out["required"] = list(body["required"])
        return out

    def body(self, resource: Mapping[str, Any]) -> Mapping[str, Any]:
        """The resolved structure of ``resource`` (``properties``, ``required``…), READ-ONLY: it
        may be the cached object itself. For checks that only look (paths, types)."""
        ref = resource.get("$id")
        if isinstance(ref, str) and self.find(ref) is resource:
            return self._resolved(ref, resource, (), 0)
        return self._node(resource, resource, (ref,), 0)

    def node(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """A standalone schema node (not a stored resource) resolved into a private tree."""
        return self._node(node, node, (), 0)

    def _resolved(self, ref: str, resource: Mapping[str, Any], stack: tuple, depth: int) -> Mapping[str, Any]:
        """The body of a stored resource: from the cache when it is still valid here."""
        if self.cache is not None:
            entry = self.cache.get(ref, self.find)
            if entry is not None and depth + entry.height <= MAX_DEPTH \
                    and not any(dep in stack for dep, _obj in entry.deps):
                for frame in self._frames:
                    frame.deps.update(entry.deps)
                    frame.height = max(frame.height, depth + entry.height - frame.start)
                return entry.body
        frame = _Frame(depth)
        frame.deps[ref] = resource
        self._frames.append(frame)
        try:
            body = self._node(resource, resource, stack + (ref,), depth + 1)
        finally:
            self._frames.pop()
        for outer in self._frames:
            outer.deps.update(frame.deps)
            outer.contextual = outer.contextual or frame.contextual
            outer.height = max(outer.height, frame.start + frame.height - outer.start)
        if self.cache is not None and not frame.contextual:
            self.cache.put(ref, _Entry(tuple(frame.deps.items()), frame.height, body))
        return body

    def _cut(self) -> dict[str, Any]:
        for frame in self._frames:
            frame.contextual = True
        return {}

    def _target(self, ref: str, owner: Mapping[str, Any], stack: tuple, depth: int) -> Mapping[str, Any]:
        if ref.startswith("#/definitions/"):
            definitions = owner.get("definitions") or {}
            target = definitions.get(ref[len("#/definitions/"):]) if isinstance(definitions, dict) else None
            if not isinstance(target, dict):
                raise UnresolvedReference(f"'{ref}' is not defined in {owner.get('$id', 'the resource')}")
            return self._node(target, owner, stack, depth + 1)
        for frame in self._frames:
            frame.height = max(frame.height, depth - frame.start)
        if ref in stack or depth > MAX_DEPTH:
            return self._cut()  # a reference cycle contributes nothing the second time round
        resource = self.find(ref)
        if resource is None:
            if self.strict:
                raise UnresolvedReference(f"'{ref}' does not exist")
            return self._cut()
        body = self._resolved(ref, resource, stack, depth)
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
                result[key] = clone(value)
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
