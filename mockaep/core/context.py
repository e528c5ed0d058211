"""The request context: who asks, in which org and sandbox, at what time, with which query and
headers. No Flask: the web layer builds it (``mockaep.web.gateway``) and services receive it;
a test or a background job can build one too (``RequestContext.internal``)."""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from mockaep.core.backends import BackendRegistry
from mockaep.core.request import QueryParams, RequestHeaders
from mockaep.core.store import Tenant

_NO_BACKENDS = BackendRegistry({})


@dataclass(slots=True)
class RequestContext:
    """Who asks, in which org and sandbox; what services need from the gateway."""

    org: str
    sandbox: str
    client_id: str
    user_id: str
    request_id: str
    tenant: Tenant
    now_ms: int
    query: QueryParams = field(default_factory=QueryParams)
    headers: RequestHeaders = field(default_factory=RequestHeaders)
    backends: BackendRegistry = _NO_BACKENDS
    #: What the app owns that services use (``validators``…): ``mockaep.app.Emulator``.
    runtime: Any = None

    @property
    def tenant_id(self) -> str:
        return _kept(self.tenant, "tenantId", lambda: tenant_id_for(self.org))

    @property
    def sandbox_id(self) -> str:
        """The sandbox's id, as every service reports it (``sandboxId``, ``meta:sandboxId``)."""
        return _kept(self.tenant, "sandboxId", lambda: sandbox_id_for(self.org, self.sandbox))

    def backend(self, service: str) -> Any:
        """Another service's backend bound to this request (its port: ``mockaep.core.ports``)."""
        return self.backends.bind(service, self)


def _kept(tenant: Tenant | None, name: str, derive: Any) -> str:
    """A value derived from the tenant's (org, sandbox), kept in its derived data: asked for by
    most writes, derived once."""
    if tenant is None:
        return derive()
    key = ("context", name)
    found = tenant.derived.get(key)
    if found is None:
        found = tenant.derived[key] = derive()
    return found


def sandbox_id_for(org: str, sandbox: str) -> str:
    """A stable UUID per (org, sandbox): the platform gives every sandbox one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockaep:sandbox:{org}:{sandbox}"))


def tenant_id_for(org: str) -> str:
    """XDM TENANT_ID of an org: a stable lowercase name derived from the org id, unique per org.

    The platform assigns it per org (``GET /stats`` → ``tenantId``); the emulator derives it:
    up to 16 letters and digits of the part before ``@AdobeOrg`` (readable in ``$id``s), then 10
    hex digits of the org id's SHA-1, so orgs that differ only in case, punctuation or after the
    16th character never share one.
    """
    stem = re.sub(r"[^a-z0-9]", "", org.split("@", 1)[0].lower())[:16]
    if not stem or not stem[0].isalpha():
        stem = "t" + stem[:15]
    return stem + hashlib.sha1(org.encode("utf-8")).hexdigest()[:10]
