"""Control plane: the sources behind base connections (emulator-only).

``/_mockaep/sources/{baseConnectionId}/tables/{table}/rows``: ``GET`` a page of the table's rows
(``start``, ``limit`` ≤ 1000), ``PUT`` replace them, ``POST`` append, ``DELETE`` clear — a JSON
array of row objects in, the table's summary out. ``/_mockaep/sources/{baseConnectionId}/fault``:
``GET`` the fault the source shows to runs, ``PUT`` one (``{"kind": "unavailable" | "throttled" |
"slow", "runs", "delaySeconds"}``), ``DELETE`` it. The org and sandbox are named as for every
control call (:mod:`.scope`); Flow Service does the work through its port.
"""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.core.errors import BadRequest, PayloadTooLarge
from mockaep.core.jsonreader import parse_json
from mockaep.web.control.scope import tenant_context
from mockaep.web.gateway import json_response

blueprint = Blueprint("control_sources", __name__, url_prefix="/_mockaep/sources")
#: A write carries at most 1000 rows of at most 16 KiB (the Flow Service bounds): refused before
#: the body is read when it announces more.
MAX_BODY_BYTES = 1000 * 16 * 1024 + 64 * 1024
ROWS = "/<base_id>/tables/<table>/rows"


def _body() -> object:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is {request.content_length} bytes; at most {MAX_BODY_BYTES} are "
                              "taken here.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        raise BadRequest("Send a JSON body.")
    return parse_json(raw, what="request body")


@blueprint.route(ROWS, methods=["GET"])
def read_rows(base_id: str, table: str):
    with tenant_context(write=False) as ctx:
        return json_response(ctx.backend("flowservice").source_rows(base_id, table, ctx.query.get("start"),
                                                                     ctx.query.get("limit")))


@blueprint.route(ROWS, methods=["PUT"])
def replace_rows(base_id: str, table: str):
    body = _body()
    with tenant_context(write=True) as ctx:
        return json_response(ctx.backend("flowservice").replace_source_rows(base_id, table, body))


@blueprint.route(ROWS, methods=["POST"])
def append_rows(base_id: str, table: str):
    body = _body()
    with tenant_context(write=True) as ctx:
        return json_response(ctx.backend("flowservice").append_source_rows(base_id, table, body))


@blueprint.route(ROWS, methods=["DELETE"])
def clear_rows(base_id: str, table: str):
    with tenant_context(write=True) as ctx:
        return json_response(ctx.backend("flowservice").clear_source_rows(base_id, table))


@blueprint.route("/<base_id>/fault", methods=["GET"])
def read_fault(base_id: str):
    with tenant_context(write=False) as ctx:
        return json_response(ctx.backend("flowservice").source_fault(base_id))


@blueprint.route("/<base_id>/fault", methods=["PUT"])
def set_fault(base_id: str):
    body = _body()
    with tenant_context(write=True) as ctx:
        return json_response(ctx.backend("flowservice").set_source_fault(base_id, body))


@blueprint.route("/<base_id>/fault", methods=["DELETE"])
def clear_fault(base_id: str):
    with tenant_context(write=True) as ctx:
        return json_response(ctx.backend("flowservice").clear_source_fault(base_id))
