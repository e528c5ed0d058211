"""Who may use the control plane (``/_mockaep/...``): one app-level check for the whole prefix.

The check runs before every request whose path is under ``/_mockaep``, whichever blueprint
serves it, so a control blueprint added later is covered without registering anything.
``GET /_mockaep/health`` stays open (load balancers and the contract suite probe it).

The control plane is protected when the emulator runs with ``strict_auth`` or when an admin
credential is configured (``Config.control_plane_protected``). An admin credential is either
``Authorization: Bearer <one of Config.admin_tokens>`` or an IMS token issued to one of
``Config.admin_clients`` (which must be registered with a secret, so nobody else can get one).
Refusals use the gateway's shape ``{"error_code", "message"}``: no ``Authorization`` header →
403 ``403010``; a token that is neither an admin token nor an issued unexpired one → 401
``401013``; an ordinary IMS token → 403 ``403025``. Unprotected (the permissive default) the
control plane needs no credential, as on a developer's machine.
"""
from __future__ import annotations

import hmac

from flask import request

from mockaep.core.errors import GatewayError
from mockaep.web.gateway import bearer_token, emulator, headers_of

CONTROL_PREFIX = "/_mockaep"
#: (method, path) pairs anyone may call, even when the control plane is protected.
OPEN = frozenset({("GET", "/_mockaep/health"), ("HEAD", "/_mockaep/health")})
NOT_ADMIN = ("The control plane (/_mockaep) needs an admin credential: the --admin-token, or a token "
             "issued to an --admin-client.")


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def require_admin() -> None:
    """Refuse (``GatewayError``) a request that does not carry an admin credential."""
    token = bearer_token(headers_of(request.environ))
    if token is None:
        raise GatewayError(403, "403010", "Oauth token is missing.")
    emu = emulator()
    config = emu.config
    if any(hmac.compare_digest(token.encode(), admin.encode()) for admin in config.admin_tokens):
        return
    issued = emu.ims.lookup(token)
    if issued is None:
        raise GatewayError(401, "401013", "Oauth token is not valid")
    # an admin client must be registered with a secret: an unregistered id gets tokens for any secret
    if issued.client_id not in config.admin_clients or issued.client_id not in config.clients:
        raise GatewayError(403, "403025", NOT_ADMIN)


def check_control() -> None:
    """``before_request`` hook: the control plane's credential check (nothing to do elsewhere)."""
    path = request.environ.get("PATH_INFO") or "/"  # what the routes matched (request.path decodes it again)
    if not is_control_path(path):
        return
    if not emulator().config.control_plane_protected:
        return
    if (request.method, path.rstrip("/")) in OPEN:
        return
    require_admin()


def install(app) -> None:
    app.before_request(check_control)
