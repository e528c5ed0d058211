"""One request's view of the registry: tenant resources of (org, sandbox) over the standard library.

Every lookup goes through :class:`Registry`; it finds a resource by ``$id`` or ``meta:altId`` in
the tenant collections (through the ``meta:altId`` index, never a scan), then in the standard
library. ``pending`` holds resources an import is about to write, so that they can reference one
another before anything is stored.
"""
from __future__ import annotations

import copy
import hashlib
import re
import uuid
from typing import Any, Mapping

from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.context import RequestContext
from mockaep.services.schemaregistry import kinds
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.library import alt_id, library
from mockaep.services.schemaregistry.resolve import Resolver, cache_for

UNION_SUFFIX = "__union"
_COLLAPSED_SCHEME = re.compile(r"^(https?):/(?!/)")


def normalize_ref(ref: str) -> str:
    """A path segment back to an ``$id``: the gateway collapses ``//``, so ``https:/ns…`` is
    restored to ``https://ns…``; surrounding blanks are dropped."""
    ref = (ref or "").strip()
    return _COLLAPSED_SCHEME.sub(r"\1://", ref)


class Registry:
    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self.library = library()
        self.pending: dict[str, dict[str, Any]] = {}
        #: Descriptors an import is about to write, by ``@id`` (seen by descriptor checks).
        self.pending_descriptors: dict[str, dict[str, Any]] = {}

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
        sandbox_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.ctx.org}/{self.ctx.sandbox}"))
        kind = "production" if self.ctx.sandbox == "prod" else "development"
        return {"meta:sandboxId": sandbox_id, "meta:sandboxType": kind}

    # -- storage ---------------------------------------------------------------------------------
    def collection(self, kind: Kind):
        if kind.collection is None:
            raise ValueError(f"{kind.label} resources are global only")
        return self.ctx.tenant.collection(kind.collection)

    def _tenant_id_of(self, kind: Kind, ref: str) -> str | None:
        coll = self.collection(kind)
        if ref in coll:
            return ref
        ids = coll.lookup("meta:altId", ref)
        return next(iter(ids)) if ids else None

    def peek_tenant(self, ref: str, only: Kind | None = None) -> tuple[Kind, Mapping[str, Any]] | None:
        """A tenant resource (read-only) and its kind, by ``$id`` or ``meta:altId``."""
        ref = normalize_ref(ref)
        for kind in (only,) if only else kinds.TENANT_KINDS:
            if kind.collection is None:
                continue
            found = self._tenant_id_of(kind, ref)
            if found is not None:
                return kind, self.collection(kind).peek(found)
        return None

    def peek_global(self, ref: str, only: Kind | None = None) -> tuple[Kind, Mapping[str, Any]] | None:
        found = self.library.peek(normalize_ref(ref))
        if found is None:
            return None
        kind = kinds.BY_TYPE[found["meta:resourceType"]]
        if only is not None and kind is not only:
            return None
        return kind, found

    def peek(self, ref: str) -> tuple[Kind, Mapping[str, Any]] | None:
        """Any resource a ``$ref`` may name: pending import, tenant, then standard library."""
        ref = normalize_ref(ref)
        if ref in self.pending:
            resource = self.pending[ref]
            return kinds.BY_TYPE[resource["meta:resourceType"]], resource
        return self.peek_tenant(ref) or self.peek_global(ref)

    def find(self, ref: str) -> Mapping[str, Any] | None:
        found = self.peek(ref)
        return found[1] if found else None

    def resolver(self, strict: bool = True) -> Resolver:
        return Resolver(self.find, strict=strict, cache=cache_for(self.ctx.tenant))

    def peek_own(self, ref: str) -> tuple[Kind, Mapping[str, Any]] | None:
        """A resource of this sandbox: staged by the running import, else stored."""
        ref = normalize_ref(ref)
        if ref in self.pending:
            resource = self.pending[ref]
            return kinds.BY_TYPE[resource["meta:resourceType"]], resource
        return self.peek_tenant(ref)

    def require(self, container: str, kind: Kind, ref: str) -> Mapping[str, Any]:
        """The resource a lookup names in ``container``; 404 in the registry's words otherwise."""
        check_container(container)
        found = self.peek_tenant(ref, kind) if container == "tenant" and kind.collection else None
        if container == "global":
            found = self.peek_global(ref, kind)
        if found is None:
            raise NotFound(f"The requested {kind.label} resource {normalize_ref(ref)} with version 1 is not found.",
                           code=kind.not_found)
        return found[1]

    def titles_taken(self, title: str, except_id: str | None = None) -> str | None:
        """The ``$id`` of another tenant resource (any type) that already has ``title``."""
        for kind in kinds.TENANT_KINDS:
            for rid in self.collection(kind).lookup("title", title):
                if rid != except_id:
                    return rid
        for rid, resource in self.pending.items():
            if resource.get("title") == title and rid != except_id:
                return rid
        return None

    def users_of(self, resource_id: str) -> list[str]:
        """Tenant resources whose ``refs`` name ``resource_id`` (from the ``refs[]`` index)."""
        users: list[str] = []
        for kind in kinds.TENANT_KINDS:
            users.extend(sorted(self.collection(kind).lookup("refs[]", resource_id)))
        return [u for u in users if u != resource_id]


def check_container(container: str) -> None:
    if container not in kinds.CONTAINERS:
        raise BadRequest(f"'{container}' is not a container: use 'global' (standard resources) or "
                         "'tenant' (your organization's resources).")


def etag_of(resource: Mapping[str, Any]) -> str:
    body = {k: v for k, v in resource.items() if k != "meta:registryMetadata"}
    return hashlib.sha256(repr(sorted(_flatten(body))).encode()).hexdigest()


def _flatten(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            out.extend(_flatten(value, f"{prefix}/{key}"))
        return out
    if isinstance(node, list):
        out = []
        for position, value in enumerate(node):
            out.extend(_flatten(value, f"{prefix}/{position}"))
        return out
    return [(prefix, repr(node))]


def union_id(class_id: str) -> str:
    return class_id + UNION_SUFFIX


def union_alt_id(class_id: str) -> str:
    return alt_id(class_id) + UNION_SUFFIX


def copy_of(resource: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(resource))
