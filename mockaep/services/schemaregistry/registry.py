"""One request's view of the registry: tenant resources of (org, sandbox) over the standard library.

Every lookup goes through :class:`Registry`; it finds a resource by ``$id`` or ``meta:altId`` in
the tenant collections (the primary map, then the ``meta:altId`` index: never a scan), then in the
standard library. ``pending`` holds resources an import is about to write, so that they can
reference one another before anything is stored.

Resources :meth:`Registry.find` answers are READ-ONLY (a tenant record is decoded once per
request and shared by the request's checks; a standard one is the app's): whoever changes one
works on a copy. Writes go through :meth:`Registry.save` and :meth:`Registry.remove`, which keep
the tenant's derived views (overview.py) in step with the store.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping

from mockaep.core import jsonreader
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.store import Collection
from mockaep.services.schemaregistry import fields, kinds, overview
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.library import Library, alt_id, library
from mockaep.services.schemaregistry.resolve import Resolved, Resolver, cache_for

UNION_SUFFIX = "__union"
#: Version token of a standard resource: the library never changes while the app runs.
LIBRARY_TOKEN = "global"
MISSING_TOKEN = "missing"
#: tenant.derived key of the standard ``$id``s and ``meta:altId``s a tenant record answers to too.
_SHADOWS_KEY = ("schemaregistry", "libraryShadows")
_COLLAPSED_SCHEME = re.compile(r"^(https?):/(?!/)")


def normalize_ref(ref: str) -> str:
    """A path segment back to an ``$id``: the gateway collapses ``//``, so ``https:/ns…`` is
    restored to ``https://ns…``; surrounding blanks and one trailing ``/`` (clients append one to
    resource paths) are dropped."""
    ref = (ref or "").strip()
    if ref.endswith("/") and len(ref) > 1:
        ref = ref[:-1]
    if not ref.startswith("http") or ref.startswith(("https://", "http://")):
        return ref  # nothing collapsed (the common case: no pattern to run)
    return _COLLAPSED_SCHEME.sub(r"\1://", ref)


class Registry:
    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self.library: Library = library(ctx)
        self.pending: dict[str, dict[str, Any]] = {}
        #: Descriptors an import is about to write, by ``@id`` (seen by descriptor checks).
        self.pending_descriptors: dict[str, dict[str, Any]] = {}
        self._decoded: dict[str, tuple[Kind, dict[str, Any]]] = {}  # this request's tenant reads
        #: this request's answers of :meth:`locate` (a write through :meth:`save`/:meth:`remove`
        #: forgets them): a write resolves the same references several times over
        self._located: dict[tuple[str, Kind | None], tuple[Kind, str] | None] = {}

    # -- naming ----------------------------------------------------------------------------------
    @property
    def tenant_id(self) -> str:
        return self.ctx.tenant_id

    @property
    def namespace(self) -> str:
        return f"_{self.tenant_id}"

    def new_id(self, kind: Kind, hex_id: str) -> str:
        return f"https://ns.adobe.com/{self.tenant_id}/{kind.resource_type}/{hex_id}"

    def sandbox_meta(self) -> dict[str, str]:
        kind = "production" if self.ctx.sandbox == "prod" else "development"
        return {"meta:sandboxId": self.ctx.sandbox_id, "meta:sandboxType": kind}

    # -- storage ---------------------------------------------------------------------------------
    def collection(self, kind: Kind) -> Collection:
        if kind.collection is None:
            raise ValueError(f"{kind.label} resources are global only")
        return self.ctx.tenant.collection(kind.collection)

    def locate(self, ref: str, only: Kind | None = None) -> tuple[Kind, str] | None:
        """The kind and ``$id`` of the tenant resource ``ref`` names (``$id`` or ``meta:altId``),
        without reading it: the primary map, then the ``meta:altId`` index."""
        key = (ref, only)
        if key in self._located:
            return self._located[key]
        if self.library.resolve_id(ref) is not None and ref not in self._library_shadows():
            located = None  # a standard resource, and no tenant record answers to its ids
        else:
            located = self._probe(ref, only)
        self._located[key] = located
        return located

    def _probe(self, ref: str, only: Kind | None) -> tuple[Kind, str] | None:
        tenant = self.ctx.tenant
        for kind in (only,) if only else kinds.TENANT_KINDS:
            if kind.collection is None:
                continue
            found = tenant.collection(kind.collection).id_or_first(ref, "meta:altId")
            if found is not None:
                return kind, found
        return None

    def _library_shadows(self) -> frozenset[str]:
        """The standard ``$id``s and ``meta:altId``s that a tenant record answers to as well (a
        state document or an import may bring one): derived once per tenant by probing the
        library's few ids, forgotten by a write that touches one (:meth:`_touched`)."""
        derived = self.ctx.tenant.derived
        found = derived.get(_SHADOWS_KEY)
        if found is None:
            found = derived[_SHADOWS_KEY] = frozenset(
                ref for ref in (*self.library.by_id, *self.library.by_alt) if self._probe(ref, None) is not None)
        return found

    def _touched(self, *records: Mapping[str, Any] | None) -> None:
        """After a write: forget this request's lookups, and the tenant's shadowed standard ids
        when a written record answers to one."""
        self._located.clear()
        for record in records:
            if record is not None and any(isinstance(record.get(key), str) and self.library.resolve_id(record[key])
                                          for key in ("$id", "meta:altId")):
                self.ctx.tenant.derived.pop(_SHADOWS_KEY, None)

    def tenant(self, ref: str, only: Kind | None = None) -> tuple[Kind, Mapping[str, Any]] | None:
        """A stored tenant resource (read-only) and its kind, by ``$id`` or ``meta:altId``."""
        ref = normalize_ref(ref)
        located = self.locate(ref, only)
        if located is None:
            return None
        kind, resource_id = located
        seen = self._decoded.get(resource_id)
        if seen is None:
            record = self.collection(kind).get(resource_id)
            if record is None:
                return None
            seen = self._decoded[resource_id] = (kind, record)
        return seen

    def standard(self, ref: str, only: Kind | None = None) -> tuple[Kind, Mapping[str, Any]] | None:
        """A standard-library resource (read-only, shared by the app) and its kind."""
        found = self.library.find(normalize_ref(ref))
        if found is None:
            return None
        kind = kinds.BY_TYPE[found["meta:resourceType"]]
        if only is not None and kind is not only:
            return None
        return kind, found

    def find(self, ref: str) -> tuple[Kind, Mapping[str, Any]] | None:
        """Any resource a ``$ref`` may name: staged by the running import, tenant, then standard."""
        ref = normalize_ref(ref)
        staged = self.pending.get(ref)
        if staged is not None:
            return kinds.BY_TYPE[staged["meta:resourceType"]], staged
        return self.tenant(ref) or self.standard(ref)

    def find_resource(self, ref: str) -> Mapping[str, Any] | None:
        found = self.find(ref)
        return found[1] if found else None

    def own(self, ref: str) -> tuple[Kind, Mapping[str, Any]] | None:
        """A resource of this sandbox: staged by the running import, else stored."""
        ref = normalize_ref(ref)
        staged = self.pending.get(ref)
        if staged is not None:
            return kinds.BY_TYPE[staged["meta:resourceType"]], staged
        return self.tenant(ref)

    def token(self, ref: str) -> Any:
        """The version of what ``ref`` names, for the resolved-form cache: a tenant record's
        stored JSON text, :data:`LIBRARY_TOKEN` for a standard resource; ``None`` (do not
        cache) for a resource the running import stages."""
        ref = normalize_ref(ref)
        if ref in self.pending:
            return None
        located = self.locate(ref)
        if located is not None:
            return self.collection(located[0]).raw(located[1])
        return LIBRARY_TOKEN if self.library.resolve_id(ref) is not None else MISSING_TOKEN

    def require(self, container: str, kind: Kind, ref: str, *, reading: bool = False) -> Mapping[str, Any]:
        """The resource (read-only) a request names in ``container``; 404 in the registry's words
        otherwise. ``reading``: a lookup through ``tenant`` also finds a standard resource (the
        community SDK reads a schema's class that way; writes stay with the tenant's own)."""
        check_container(container)
        found = None
        if container == "tenant" and kind.collection:
            found = self.tenant(ref, kind)
        if container == "global" or (reading and found is None):
            found = self.standard(ref, kind)
        if found is None:
            raise NotFound(f"The requested {kind.label} resource {normalize_ref(ref)[:300]} with version 1 is "
                           "not found.", code=kind.not_found)
        return found[1]

    # -- resolution ------------------------------------------------------------------------------
    def resolver(self, strict: bool = True) -> Resolver:
        return Resolver(self, strict=strict, cache=cache_for(self.ctx.tenant.derived))

    def resolved(self, ref: str) -> Resolved | None:
        """The resolved stored resource (READ-ONLY, cached per tenant), or None."""
        return self.resolver(strict=False).stored(normalize_ref(ref))

    def field_paths(self, ref: str) -> frozenset[str] | None:
        """Dotted paths of every field of the resolved resource (cached with its resolution)."""
        entry = self.resolved(ref)
        if entry is None:
            return None
        paths = entry.derived.get("fieldPaths")
        if paths is None:
            paths = entry.derived["fieldPaths"] = frozenset(fields.field_paths(entry.body))
        return paths

    # -- indexed questions -----------------------------------------------------------------------
    def titles_taken(self, title: str, except_id: str | None = None) -> str | None:
        """The ``$id`` of another tenant resource (any type) that already has ``title``."""
        for kind in kinds.TENANT_KINDS:
            coll = self.collection(kind)
            for resource_id in coll.ids(among=coll.hits("title", title)):
                if resource_id != except_id and resource_id not in self.pending:
                    return resource_id
        for resource_id, resource in self.pending.items():
            if resource.get("title") == title and resource_id != except_id:
                return resource_id
        return None

    def users_of(self, resource_id: str) -> list[str]:
        """Tenant resources whose ``refs`` name ``resource_id`` (from the ``refs[]`` index)."""
        users: list[str] = []
        for kind in kinds.TENANT_KINDS:
            coll = self.collection(kind)
            users.extend(coll.ids(among=coll.hits("refs[]", resource_id)))
        return [u for u in users if u != resource_id]

    # -- writes ----------------------------------------------------------------------------------
    def save(self, kind: Kind, record: dict[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any]:
        self.collection(kind).put(record["$id"], record)
        self._decoded.pop(record["$id"], None)
        self._touched(record, before)
        overview.written(self.ctx.tenant, kind.resource_type, before, record)
        return record

    def remove(self, kind: Kind, record: Mapping[str, Any]) -> None:
        self.collection(kind).delete(record["$id"])
        self._decoded.pop(record["$id"], None)
        self._touched(record)
        overview.written(self.ctx.tenant, kind.resource_type, record, None)


def check_container(container: str) -> None:
    if container not in kinds.CONTAINERS:
        raise BadRequest(f"'{container[:100]}' is not a container: use 'global' (standard resources) or "
                         "'tenant' (your organization's resources).")


def etag_of(resource: Mapping[str, Any]) -> str:
    """A content hash of the resource (its registry metadata aside): equal content, equal etag,
    whatever the order of its keys."""
    return hashlib.sha256(jsonreader.canonical(
        {k: v for k, v in resource.items() if k != "meta:registryMetadata"})).hexdigest()


def union_id(class_id: str) -> str:
    return class_id + UNION_SUFFIX


def union_alt_id(class_id: str) -> str:
    return alt_id(class_id) + UNION_SUFFIX
