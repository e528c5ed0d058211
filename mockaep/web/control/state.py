"""Control plane: health, reset, and the state document (export/import).

Who may call these is decided once for the whole ``/_mockaep`` prefix (:mod:`.auth`). An
export leaves connection secrets out (:mod:`.redaction`) unless ``?secrets=include`` asks for
them (which, when the control plane is protected, only an admin can ask anyway).
"""
from __future__ import annotations


from flask import Blueprint, Response, request

from mockaep.core.version import __version__
from mockaep.core.errors import BadRequest
from mockaep.core.jsonreader import loads, looks_truncated
from mockaep.core.persistence import StateDocumentError, restore_document
from mockaep.web.control.redaction import redact_secrets
from mockaep.web.control.scope import named
from mockaep.web.gateway import emulator, json_response

blueprint = Blueprint("control_state", __name__, url_prefix="/_mockaep")
SECRETS_CHOICES = ("omit", "include")


@blueprint.route("/health", methods=["GET"])
def health():
    emu = emulator()
    body = {"status": "ok", "version": __version__, "tenants": len(emu.store.tenants()), "mode": emu.mode,
            "tokens": len(emu.ims)}
    if emu.state_file is not None:
        body["stateFile"] = emu.state_file.status()
    return json_response(body)


@blueprint.route("/reset", methods=["POST"])
def reset():
    org, sandbox = named()
    emu = emulator()
    cleared = emu.store.reset(org, sandbox)
    if org is None and sandbox is None:
        emu.reset_extras()
    return json_response({"reset": True, "tenantsCleared": cleared})


@blueprint.route("/state", methods=["GET"])
def export_state():
    org, sandbox = named()
    secrets = request.args.get("secrets", "omit")
    if secrets not in SECRETS_CHOICES:
        raise BadRequest(f"Query parameter 'secrets' must be one of {', '.join(SECRETS_CHOICES)}.")
    emu = emulator()
    if secrets != "omit":  # the stored form as it is: no record decoded
        return Response(emu.store.snapshot_json(org, sandbox), mimetype="application/json")
    return json_response(redact_secrets(emu.store.snapshot(org, sandbox), emu.package))


@blueprint.route("/state", methods=["POST"])
def import_state():
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("state document is empty: send the JSON of GET /_mockaep/state")
    try:
        document = loads(raw)
    except RecursionError:
        raise BadRequest("state document nests too deeply to be a mockaep state document") from None
    except ValueError as exc:
        # the hint reads the whole text: only for documents small enough to read at once
        hint = " (it looks truncated)" if len(raw) <= 1 << 20 and looks_truncated(raw.decode("utf-8", "replace")) else ""
        raise BadRequest(f"state document is not valid JSON{hint}: {exc}") from None
    try:
        loaded = restore_document(emulator().store, document)
    except StateDocumentError as exc:
        raise BadRequest(str(exc)) from None
    return json_response({"loaded": [{"imsOrg": o, "sandbox": s} for o, s in loaded]})
