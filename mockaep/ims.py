"""Adobe IMS emulation: the OAuth server-to-server token endpoint (``POST /ims/token/v3``).

Fields come as an ``application/x-www-form-urlencoded`` body or as query parameters:
``client_id``, ``client_secret``, ``grant_type=client_credentials``, ``scope``. Answers
``{"access_token", "token_type": "bearer", "expires_in": <seconds>}``. Refusals follow the
OAuth 2 convention (``{"error", "error_description"}``), since Adobe documents none.
"""
from __future__ import annotations

import secrets
import threading
from typing import Any

from flask import Blueprint, request

from mockaep.gateway import emulator, json_response

blueprint = Blueprint("ims", __name__)


class TokenBook:
    """Tokens issued by the emulated IMS, with their expiry and the identity behind them."""

    def __init__(self, clock, ttl_seconds: int) -> None:
        self._clock = clock
        self._ttl_ms = ttl_seconds * 1000
        self._tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str, scopes: list[str], org: str | None = None) -> tuple[str, int]:
        token = "mockaep-" + secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._tokens[token] = {"client_id": client_id, "scopes": scopes, "org": org,
                                   "user": f"{client_id}@techacct.adobe.com", "expires_at": now + self._ttl_ms}
        return token, self._ttl_ms // 1000

    def lookup(self, token: str) -> dict[str, Any] | None:
        """The identity behind an issued, unexpired token; None for any other token."""
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return None
            if info["expires_at"] <= self._clock():
                del self._tokens[token]
                return None
            return dict(info)

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()


def _oauth_error(status: int, error: str, description: str):
    return json_response({"error": error, "error_description": description}, status)


@blueprint.route("/ims/token/v3", methods=["POST"])
def token():
    fields = {**request.args.to_dict(), **request.form.to_dict()}
    media = (request.mimetype or "").lower()
    if request.get_data(cache=True) and media not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _oauth_error(400, "invalid_request",
                            "Content-Type must be application/x-www-form-urlencoded.")
    grant_type = fields.get("grant_type", "")
    client_id = fields.get("client_id", "")
    client_secret = fields.get("client_secret", "")
    if not grant_type:
        return _oauth_error(400, "invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", f"grant_type '{grant_type}' is not supported.")
    if not client_id:
        return _oauth_error(400, "invalid_request", "client_id is required.")
    if not client_secret:
        return _oauth_error(400, "invalid_request", "client_secret is required.")
    emu = emulator()
    clients = emu.config.clients
    if clients and clients.get(client_id) != client_secret:
        return _oauth_error(401, "invalid_client", "invalid client_id or client_secret.")
    scopes = [s.strip() for s in fields.get("scope", "").split(",") if s.strip()]
    access_token, expires_in = emu.ims.issue(client_id, scopes)
    return json_response({"access_token": access_token, "token_type": "bearer", "expires_in": expires_in})
