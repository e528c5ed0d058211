"""The request context: who asks, in which org and sandbox, at what time. No Flask: the web
layer builds it (``mockaep.web.gateway``) and services receive it."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from mockaep.core.store import Tenant


@dataclass
class RequestContext:
    """Who asks, in which org and sandbox; what services need from the gateway."""

    org: str
    sandbox: str
    client_id: str
    user_id: str
    request_id: str
    tenant: Tenant
    now_ms: int

    @property
    def tenant_id(self) -> str:
        return tenant_id_for(self.org)


def tenant_id_for(org: str) -> str:
    """XDM TENANT_ID of an org: a stable lowercase name derived from the org id.

    The platform assigns it per org (``GET /stats`` → ``tenantId``); the emulator derives it
    from the part before ``@AdobeOrg``, keeping letters and digits, so each org gets its own.
    """
    stem = re.sub(r"[^a-z0-9]", "", org.split("@", 1)[0].lower())[:24]
    if not stem or not stem[0].isalpha():
        stem = "t" + (stem or hashlib.sha1(org.encode()).hexdigest()[:12])
    return stem


