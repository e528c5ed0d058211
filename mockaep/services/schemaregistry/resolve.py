"""From the raw form (``$ref``/``allOf`` kept) to the resolved form (``xed-full``).

Resolution expands every ``allOf`` member and every ``$ref`` (to another resource or to the
resource's own ``#/definitions/…``) into one ``properties`` tree, which is a plain JSON Schema
that data documents can be validated against. The resource's own ``meta:*`` header is kept.

Resolving is the registry's hottest path (every write checks it, Data Prep and Catalog ask for
field paths), so the resolved body of each *stored* resource is kept in the tenant's derived data
(:class:`ResolvedCache`, in ``tenant.derived``), keyed by the ``$ref`` it was reached by and
valid only while every resource it was built from — the resource itself and everything it
references, directly or not — is still stored exactly as it was: an entry keeps the version
token of each (a tenant record's stored JSON text, a constant for the standard library) and is
dropped as soon as one differs. A write to a referenced field group or data type therefore shows
in every schema built from it at once; a state import replaces the tenant, derived data included.
"""
from __future__ import annotations

import copy
import marshal
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

#: Keys of a referenced *resource* that carry structure (its title, ids and meta stay behind).
STRUCTURE = ("type", "meta:xdmType", "properties", "required", "items", "additionalProperties")
#: Keys the resolved top level drops: they only make sense in the raw form.
RAW_ONLY = ("allOf", "definitions", "refs")
MAX_DEPTH = 32
#: Resolved forms kept per tenant, least recently used dropped first (a resolved schema costs some
#: tens of kB: a bound on entries bounds the memory).
CACHE_SIZE = 512
#: JSON values that cannot change: shared, never copied.
_IMMUTABLE = (str, int, float, bool, type(None))
_DERIVED_KEY = ("schemaregistry", "resolved")


class UnresolvedReference(LookupError):
    """A ``$ref`` names nothing the registry knows (the message says which)."""


class Source(Protocol):
    """Where a resolver finds resources and their version tokens (``registry.Registry``)."""

    def find_resource(self, ref: str) -> Mapping[str, Any] | None:
        """The resource (read-only) a ``$ref`` names, or None."""

    def token(self, ref: str) -> Any:
        """What identifies the current version of the resource ``ref`` names; ``None`` when it
        must not be cached (staged by a running import)."""


def clone(value: Any) -> Any:
    """A private copy of a JSON tree; marshal round-trips dict/list/str/number trees several
    times faster than ``copy.deepcopy`` (which stays the fallback for anything else); a string,
    number, boolean or null cannot change and is shared as is."""
    if type(value) in _IMMUTABLE:
        return value
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


def _definition(ref: str, owner: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``#/definitions/…`` entry of ``owner`` that ``ref`` names."""
    definitions = owner.get("definitions") or {}
    target = definitions.get(ref[len("#/definitions/"):]) if isinstance(definitions, dict) else None
    if not isinstance(target, dict):
        raise UnresolvedReference(f"'{ref}' is not defined in {owner.get('$id', 'the resource')}")
    return target


def merge(into: dict[str, Any], fragment: Mapping[str, Any], *, owned: dict[int, dict[str, Any]] | None = None) -> None:
    """Merge a resolved fragment: ``properties`` merge field by field, ``required`` unions,
    any other keyword keeps the value already there (the referencing node wins).

    ``fragment`` is only read (it may be a cached body). What ``into`` takes from it is copied;
    with ``owned`` it is shared instead: ``owned`` (id → dict) names the dicts this resolution
    built and may change, and a shared dict that must change is copied first, one level at a
    time (copy on write), so a cached body is never changed."""
    for key, value in fragment.items():
        if key == "properties" and isinstance(value, dict):
            target = into.get("properties")
            if target is None:
                target = into["properties"] = {}
                if owned is not None:
                    owned[id(target)] = target
            elif not isinstance(target, dict):
                continue
            for name, sub in value.items():
                existing = target.get(name)
                if isinstance(existing, dict) and isinstance(sub, dict):
                    if owned is not None and id(existing) not in owned:
                        existing = target[name] = _own(existing, owned)
                    merge(existing, sub, owned=owned)
                elif name not in target:
                    target[name] = sub if owned is not None else clone(sub)
        elif key == "required" and isinstance(value, list):
            into["required"] = list(dict.fromkeys(list(into.get("required", [])) + value))
        elif key not in into:
            into[key] = value if owned is not None else clone(value)


def _own(shared: dict[str, Any], owned: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A copy of a shared node that :func:`merge` may change: the node and its ``properties``
    map are new, what they hold is still shared."""
    copied = dict(shared)
    owned[id(copied)] = copied
    if isinstance(copied.get("properties"), dict):
        properties = copied["properties"] = dict(copied["properties"])
        owned[id(properties)] = properties
    return copied


@dataclass
class Resolved:
    """One stored resource resolved: what it was built from, and the result (never mutated)."""

    deps: tuple[tuple[str, Any], ...]  # (ref, version token) of every resource used
    height: int                        # deepest nesting reached below the resource (MAX_DEPTH guard)
    body: dict[str, Any]
    derived: dict[str, Any] = field(default_factory=dict)  # e.g. field paths, computed once


class ResolvedCache:
    """Resolved bodies of stored resources, by the ``$ref`` used to reach them (one per tenant)."""

    def __init__(self) -> None:
        self.entries: dict[str, Resolved] = {}

    def get(self, ref: str, token: Callable[[str], Any]) -> Resolved | None:
        entry = self.entries.get(ref)
        if entry is None:
            return None
        for dep, saved in entry.deps:
            current = token(dep)
            if current is None:
                return None  # staged by a running import: not this entry's to answer, still valid after
            if current != saved:
                del self.entries[ref]
                return None
        self.entries[ref] = self.entries.pop(ref)  # most recently used last
        return entry

    def put(self, ref: str, entry: Resolved) -> None:
        if len(self.entries) >= CACHE_SIZE:
            self.entries.pop(next(iter(self.entries)))
        self.entries[ref] = entry


def cache_for(derived: dict[Any, Any]) -> ResolvedCache:
    """The resolved-form cache of one tenant (``tenant.derived``; gone with the tenant)."""
    found = derived.get(_DERIVED_KEY)
    if found is None:
        found = derived[_DERIVED_KEY] = ResolvedCache()
    return found


class _Frame:
    """What one resource's resolution used: its dependencies, and whether the result depends
    on where it was resolved from (a reference cycle cut, a missing reference, the depth guard,
    a resource staged by an import)."""

    __slots__ = ("deps", "contextual", "height", "start")

    def __init__(self, start: int) -> None:
        self.deps: dict[str, Any] = {}
        self.contextual = False
        self.height = 0
        self.start = start


class Resolver:
    """Resolves resources found through ``source`` (tenant first, then the standard library)."""

    def __init__(self, source: Source, *, strict: bool = True, cache: ResolvedCache | None = None) -> None:
        self.source = source
        self.strict = strict
        self.cache = cache
        self._frames: list[_Frame] = []
        #: Per resource being resolved, the dicts its resolution built (id → dict): the only ones
        #: :func:`merge` may change; everything else (cached bodies) is shared and copied on write.
        self._owning: list[dict[int, dict[str, Any]]] = []

    def full(self, resource: Mapping[str, Any], body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``xed-full`` form of a raw resource (a private copy the caller may change);
        ``body``: its resolved body when the caller has it already."""
        body = self.body(resource) if body is None else body
        out = clone({k: v for k, v in resource.items() if k not in RAW_ONLY + ("properties", "required")})
        out["type"] = "object"
        out["properties"] = clone(body.get("properties", {}))
        if body.get("required"):
            out["required"] = list(body["required"])
        return out

    def body(self, resource: Mapping[str, Any]) -> Mapping[str, Any]:
        """The resolved structure of a resource as given (a candidate being written, a computed
        union): ``properties``, ``required``…; what it references comes from the cache."""
        ref = resource.get("$id")
        self._owning.append({})
        try:
            return self._node(resource, resource, (ref,) if isinstance(ref, str) else (), 0)
        finally:
            self._owning.pop()

    def check(self, resource: Mapping[str, Any]) -> None:
        """Raise :class:`UnresolvedReference` when a reference of ``resource`` (a candidate being
        written) cannot be resolved; what :meth:`body` would refuse, without building the body
        (the resources it references are resolved once and come from the cache)."""
        ref = resource.get("$id")
        self._owning.append({})
        try:
            self._check(resource, resource, (ref,) if isinstance(ref, str) else (), 0)
        finally:
            self._owning.pop()

    def _check(self, node: Mapping[str, Any], owner: Mapping[str, Any], stack: tuple, depth: int) -> None:
        if depth > MAX_DEPTH * 4:
            return  # as _node: nesting this deep contributes nothing
        subs = list((node.get("properties") or {}).values()) if isinstance(node.get("properties"), dict) else []
        subs += [node[key] for key in ("items", "additionalProperties") if isinstance(node.get(key), dict)]
        members = node.get("allOf")
        subs += [member for member in members if isinstance(member, dict)] if isinstance(members, list) else []
        for sub in subs:
            if isinstance(sub, dict):
                self._check(sub, owner, stack, depth + 1)
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref:
            return
        if ref.startswith("#/definitions/"):
            self._check(_definition(ref, owner), owner, stack, depth + 1)
        elif ref not in stack and depth <= MAX_DEPTH and self._resolved(ref, stack, depth) is None and self.strict:
            raise UnresolvedReference(f"'{ref}' does not exist")

    def stored(self, ref: str) -> Resolved | None:
        """The resolved stored resource ``ref`` names (READ-ONLY: it may be the cached entry),
        or None when nothing is stored under ``ref``."""
        entry = self.cache.get(ref, self.source.token) if self.cache is not None else None
        if entry is not None:
            return entry
        resource = self.source.find_resource(ref)
        if resource is None:
            return None
        frame = _Frame(0)
        frame.deps[ref] = self.source.token(ref)
        frame.contextual = frame.deps[ref] is None
        self._frames.append(frame)
        self._owning.append({})
        try:
            body = self._node(resource, resource, (ref,), 1)
        finally:
            self._frames.pop()
            self._owning.pop()
        entry = Resolved(tuple(frame.deps.items()), frame.height, body)
        if self.cache is not None and not frame.contextual:
            self.cache.put(ref, entry)
        return entry

    def node(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """A standalone schema node (not a stored resource) resolved (read-only: it may share
        parts with cached bodies)."""
        self._owning.append({})
        try:
            return self._node(node, node, (), 0)
        finally:
            self._owning.pop()

    def _cut(self) -> dict[str, Any]:
        for frame in self._frames:
            frame.contextual = True
        return {}

    def _resolved(self, ref: str, stack: tuple, depth: int) -> Mapping[str, Any] | None:
        """The body of the stored resource ``ref`` (cached when still valid here), or None."""
        if self.cache is not None:
            entry = self.cache.get(ref, self.source.token)
            if entry is not None and depth + entry.height <= MAX_DEPTH \
                    and not any(dep in stack for dep, _token in entry.deps):
                for frame in self._frames:
                    frame.deps.update(entry.deps)
                    frame.height = max(frame.height, depth + entry.height - frame.start)
                return entry.body
        resource = self.source.find_resource(ref)
        if resource is None:
            return None
        frame = _Frame(depth)
        frame.deps[ref] = self.source.token(ref)
        if frame.deps[ref] is None:
            frame.contextual = True
        self._frames.append(frame)
        self._owning.append({})  # what this resource's body is built from is its own
        try:
            body = self._node(resource, resource, stack + (ref,), depth + 1)
        finally:
            self._frames.pop()
            self._owning.pop()
        for outer in self._frames:
            outer.deps.update(frame.deps)
            outer.contextual = outer.contextual or frame.contextual
            outer.height = max(outer.height, frame.start + frame.height - outer.start)
        if self.cache is not None and not frame.contextual:
            self.cache.put(ref, Resolved(tuple(frame.deps.items()), frame.height, body))
        return body

    def _target(self, ref: str, owner: Mapping[str, Any], stack: tuple, depth: int) -> Mapping[str, Any]:
        if ref.startswith("#/definitions/"):
            return self._node(_definition(ref, owner), owner, stack, depth + 1)
        for frame in self._frames:
            frame.height = max(frame.height, depth - frame.start)
        if ref in stack or depth > MAX_DEPTH:
            return self._cut()  # a reference cycle contributes nothing the second time round
        body = self._resolved(ref, stack, depth)
        if body is None:
            if self.strict:
                raise UnresolvedReference(f"'{ref}' does not exist")
            return self._cut()
        return {k: body[k] for k in STRUCTURE if k in body}

    def _node(self, node: Mapping[str, Any], owner: Mapping[str, Any], stack: tuple, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH * 4:
            return self._cut()  # nesting inside one resource, bounded like references
        owned = self._owning[-1]
        result: dict[str, Any] = {}
        owned[id(result)] = result
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
        if isinstance(result.get("properties"), dict):
            owned[id(result["properties"])] = result["properties"]
        ref = node.get("$ref")
        if isinstance(ref, str) and ref:
            # a definition is resolved into a new tree, another resource's body is the cached one:
            # either is shared, and copied only where a later merge changes it
            merge(result, self._target(ref, owner, stack, depth), owned=owned)
        members = node.get("allOf")
        if isinstance(members, list):
            for member in members:
                if isinstance(member, dict):
                    part = self._node(member, owner, stack, depth + 1)
                    merge(result, {k: v for k, v in part.items() if k in STRUCTURE}, owned=owned)
        if "properties" in result and "type" not in result:
            result["type"] = "object"
            result.setdefault("meta:xdmType", "object")
        return result
