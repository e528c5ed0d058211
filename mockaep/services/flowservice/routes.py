"""Flow Service URL rules for connections, source/target connections and flows (thin: parse,
call ``models``, serialise). Connection/flow specs and runs add their rules to this blueprint
from ``spec_routes`` and ``run_routes``."""
from __future__ import annotations

from flask import Blueprint, Response, request

from mockaep.core import validation
from mockaep.core.errors import BadRequest
from mockaep.core.kinds import ResourceKind
from mockaep.services.flowservice import models
from mockaep.services.flowservice.resources import CONNECTIONS, FLOWS, SOURCE_CONNECTIONS, TARGET_CONNECTIONS
from mockaep.web import gateway

blueprint = Blueprint("flowservice", __name__)
MOUNT = "/data/foundation/flowservice"

_PATH_PARAM = {"connections": "BASE_CONNECTION_ID", "sourceConnections": "SOURCE_CONNECTION_ID",
               "targetConnections": "TARGET_CONNECTION_ID", "flows": "FLOW_ID"}


def json_text(body: bytes, status: int = 200) -> Response:
    """An answer already serialised (an object as stored)."""
    return Response(body, status=status, mimetype="application/json")


def _created(kind: ResourceKind, record: dict) -> object:
    location = f"{MOUNT}/{kind.collection}/{record['id']}"
    return gateway.json_response(models.summary(record), 201, {"Location": location})


def _list_or_create(kind: ResourceKind):
    ctx = gateway.current()
    if request.method == "GET":
        return gateway.json_response(models.listing_of(ctx, kind))
    body = gateway.json_body(required=True, empty_code="1405")
    return _created(kind, models.create(ctx, kind, body))


def _one(kind: ResourceKind, object_id: str):
    ctx = gateway.current()
    if request.method == "GET":
        return json_text(models.retrieve(ctx, kind, object_id))
    if request.method == "DELETE":
        models.delete(ctx, kind, object_id)
        return Response(status=204)
    body = gateway.json_body(required=False)
    return gateway.json_response(models.summary(models.patch(ctx, kind, object_id, body)))


def _action(kind: ResourceKind, object_id: str):
    ctx = gateway.current()
    for name in ctx.query.keys():
        if name not in ("op", "subOp"):
            raise BadRequest(f"Invalid params {name[:100]} provided in query params.", code="1451")
    body = gateway.json_body(required=False)
    if body is not None and kind in (CONNECTIONS, FLOWS):
        # Only these two actions take a body (StateActionDTO) in the official spec.
        spec_path = f"/{kind.collection}/{{{_PATH_PARAM[kind.collection]}}}/action"
        validation.check_body(ctx, "flowservice", "POST", spec_path, body)
    sub_ops = [part for value in ctx.query.getlist("subOp") for part in value.split(",") if part.strip()]
    record = models.action(ctx, kind, object_id, ctx.query.get("op"), sub_ops)
    return gateway.json_response(models.summary(record))


def _search(kind: ResourceKind):
    ctx = gateway.current()
    body = gateway.json_body(required=True, empty_code="1405")
    return gateway.json_response(models.search(ctx, kind, body))


def _register(kind: ResourceKind) -> None:
    base = f"/{kind.collection}"
    name = kind.collection
    blueprint.add_url_rule(base, f"{name}_collection", lambda: _list_or_create(kind), methods=["GET", "POST"])
    blueprint.add_url_rule(f"{base}/<object_id>", f"{name}_one", lambda object_id: _one(kind, object_id),
                           methods=["GET", "DELETE", "PATCH"])
    blueprint.add_url_rule(f"{base}/<object_id>/action", f"{name}_action",
                           lambda object_id: _action(kind, object_id), methods=["POST"])


for _kind in (CONNECTIONS, SOURCE_CONNECTIONS, TARGET_CONNECTIONS, FLOWS):
    _register(_kind)
blueprint.add_url_rule("/connections/search", "connections_search", lambda: _search(CONNECTIONS), methods=["POST"])
blueprint.add_url_rule("/flows/search", "flows_search", lambda: _search(FLOWS), methods=["POST"])
