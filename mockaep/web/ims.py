"""Adobe IMS emulation: the OAuth server-to-server token endpoint (``POST /ims/token/v3``).

Fields come as an ``application/x-www-form-urlencoded`` body or as query parameters:
``client_id``, ``client_secret``, ``grant_type=client_credentials``, ``scope``. Answers
``{"access_token", "token_type": "bearer", "expires_in": <seconds>}``. Refusals follow the
OAuth 2 convention (``{"error", "error_description"}``), since Adobe documents none. Issued
tokens are kept in the emulator's :class:`~mockaep.core.tokens.TokenBook` (bounded, purged).
"""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.web.gateway import emulator, json_response

blueprint = Blueprint("ims", __name__)
#: Longest ``client_id``/``client_secret``/``grant_type`` taken (Adobe's are 32-40 characters): an
#: issued token keeps its client id, and the book keeps up to ``max_live_tokens`` of them.
MAX_FIELD_LENGTH = 256
#: Longest ``scope`` list taken (Adobe's longest documented lists are a few hundred characters).
MAX_SCOPE_LENGTH = 4096


def _oauth_error(status: int, error: str, description: str):
    return json_response({"error": error, "error_description": description}, status)


@blueprint.route("/ims/token/v3", methods=["POST"])
def token():
    fields = {**request.args.to_dict(), **request.form.to_dict()}
    media = (request.mimetype or "").lower()
    if request.get_data(cache=True) and media not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _oauth_error(400, "invalid_request",
                            "Content-Type must be application/x-www-form-urlencoded.")
    for name, bound in (("grant_type", MAX_FIELD_LENGTH), ("client_id", MAX_FIELD_LENGTH),
                        ("client_secret", MAX_FIELD_LENGTH), ("scope", MAX_SCOPE_LENGTH)):
        if len(fields.get(name, "")) > bound:
            return _oauth_error(400, "invalid_request", f"{name} is longer than {bound} characters.")
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
    # The token remembers its client and the orgs that client may act for (--client ID:SECRET@ORG,...)
    access_token, expires_in = emu.ims.issue(client_id, scopes, emu.config.client_orgs.get(client_id, ()))
    return json_response({"access_token": access_token, "token_type": "bearer", "expires_in": expires_in})
