"""Which org and sandbox a control-plane request is about, and a service context for it.

The control plane names a tenant by the ``org`` and ``sandbox`` query parameters or, as a
service call would, by the ``x-gw-ims-org-id`` and ``x-sandbox-name`` headers (:func:`named`).
An endpoint that works on one tenant's objects reaches the owning service through the backend
registry (``ctx.backend(name)``, the services' ports) with the :class:`RequestContext`
:func:`tenant_context` builds — the web layer never imports a service — holding the tenant's
lock as the gateway does for a service request. A read never creates a tenant; a refused write
leaves none behind.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import request

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.request import QueryParams, RequestHeaders
from mockaep.web.gateway import SANDBOX_NAME_RE, emulator, headers_of, request_id

CONTROL_CLIENT = "mockaep-control"
CONTROL_USER = "mockaep-control@AdobeID"


def named() -> tuple[str | None, str | None]:
    """Org and sandbox named by query parameters or headers (both optional)."""
    org = request.args.get("org") or request.headers.get("x-gw-ims-org-id") or None
    sandbox = request.args.get("sandbox") or request.headers.get("x-sandbox-name") or None
    return org, sandbox


@contextmanager
def tenant_context(*, write: bool) -> Iterator[RequestContext]:
    """A context for the named org and sandbox (the default sandbox when none is named), with the
    tenant's lock held."""
    org, sandbox = named()
    emu = emulator()
    if org is None or not org.strip():
        raise BadRequest("Name the org: the 'org' query parameter or the x-gw-ims-org-id header.")
    org, sandbox = org.strip(), (sandbox or emu.config.default_sandbox).strip()
    if not SANDBOX_NAME_RE.match(sandbox) or (emu.config.sandboxes and sandbox not in emu.config.sandboxes):
        raise NotFound(f"The sandbox '{sandbox[:100]}' does not exist here.")
    with emu.store.hold(org, sandbox, write=write) as tenant:
        yield RequestContext(org=org, sandbox=sandbox, client_id=CONTROL_CLIENT, user_id=CONTROL_USER,
                             request_id=request_id(), tenant=tenant, now_ms=emu.clock.now_ms(),
                             query=QueryParams(request.args.items(multi=True)),
                             headers=RequestHeaders(headers_of(request.environ)), backends=emu.backends,
                             runtime=emu)
