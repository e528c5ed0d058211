"""URL rules for connection specs, flow specs, and exploring/testing a base connection.

Thin: parse the request, call ``specs`` / ``explore``, serialise. Registered on the Flow Service
blueprint (``routes.blueprint``) when the package is imported.
"""
from __future__ import annotations

from flask import request

from mockaep.web import gateway
from mockaep.core.errors import BadRequest
from mockaep.services.flowservice import explore, spec_writes, specs
from mockaep.services.flowservice.query import list_response
from mockaep.services.flowservice.records import CONNECTIONS, require
from mockaep.services.flowservice.routes import blueprint

#: Query parameters of ``GET /connections/{id}/explore`` (FSY, plus the preview switches the
#: explore tutorials use); anything else is refused as Flow Service refuses unknown parameters.
EXPLORE_PARAMS = ("objectType", "object", "fileType", "FileType", "CompressionType", "preview", "previewRowCount")
#: ``/connectionSpecs`` and ``/flowSpecs`` lists take only ``property`` (FSY).
SPEC_LIST_PARAMS = ("property",)


def _created(item: dict) -> object:
    location = f"{request.path.rstrip('/')}/{item['id']}"
    return gateway.json_response(item, 201, {"Location": location})


# -- connection specs ------------------------------------------------------------------------------
@blueprint.route("/connectionSpecs", methods=["GET"])
def list_connection_specs():
    ctx = gateway.current()
    body = list_response(specs.visible_connection_specs(ctx), request.args, resource="connectionSpecs",
                         base_path="/connectionSpecs", allowed=SPEC_LIST_PARAMS, fields=())
    return gateway.json_response(body)


@blueprint.route("/connectionSpecs", methods=["POST"])
def create_connection_spec():
    ctx = gateway.current()
    item = spec_writes.create_connection_spec(ctx, gateway.json_body(empty_code="1405"))
    return _created(item)


def _connection_spec_or_404(ctx, spec_id: str) -> dict:
    found = specs.connection_spec(ctx, spec_id)
    if found is None:
        raise specs.spec_not_found("connectionSpecs", spec_id)
    return found


@blueprint.route("/connectionSpecs/<spec_id>", methods=["GET"])
def get_connection_spec(spec_id: str):
    return gateway.json_response({"items": [_connection_spec_or_404(gateway.current(), spec_id)]})


@blueprint.route("/connectionSpecs/<spec_id>", methods=["PUT"])
def update_connection_spec(spec_id: str):
    ctx = gateway.current()
    return gateway.json_response(spec_writes.update_connection_spec(ctx, spec_id, gateway.json_body(empty_code="1405")))


@blueprint.route("/connectionSpecs/<spec_id>/explore", methods=["GET"])
def explore_connection_spec(spec_id: str):
    return gateway.json_response(explore.explore_spec_columns(_connection_spec_or_404(gateway.current(), spec_id)))


@blueprint.route("/connectionSpecs/<spec_id>/configs", methods=["GET"])
def connection_spec_configs(spec_id: str):
    return gateway.json_response(explore.configs(_connection_spec_or_404(gateway.current(), spec_id)))


# -- flow specs ----------------------------------------------------------------------------------------
@blueprint.route("/flowSpecs", methods=["GET"])
def list_flow_specs():
    ctx = gateway.current()
    body = list_response(specs.visible_flow_specs(ctx), request.args, resource="flowSpecs", base_path="/flowSpecs",
                         allowed=SPEC_LIST_PARAMS, fields=())
    return gateway.json_response(body)


@blueprint.route("/flowSpecs", methods=["POST"])
def create_flow_spec():
    ctx = gateway.current()
    return _created(spec_writes.create_flow_spec(ctx, gateway.json_body(empty_code="1405")))


@blueprint.route("/flowSpecs/search", methods=["POST"])
def search_flow_specs():
    ctx = gateway.current()
    body = gateway.json_body(empty_code="1405")
    args = spec_writes.search_args(ctx, body)
    answer = list_response(specs.visible_flow_specs(ctx), args, resource="flowSpecs", base_path="/flowSpecs",
                           allowed=("property", "limit", "orderby", "count"), fields=())
    return gateway.json_response(spec_writes.project(answer, body.get("projectionFields")))


@blueprint.route("/flowSpecs/<spec_id>", methods=["GET"])
def get_flow_spec(spec_id: str):
    found = specs.flow_spec(gateway.current(), spec_id)
    if found is None:
        raise specs.spec_not_found("flowSpecs", spec_id)
    return gateway.json_response({"items": [found]})


@blueprint.route("/flowSpecs/<spec_id>", methods=["PUT"])
def update_flow_spec(spec_id: str):
    ctx = gateway.current()
    return gateway.json_response(spec_writes.update_flow_spec(ctx, spec_id, gateway.json_body(empty_code="1405")))


# -- exploring and testing a base connection ------------------------------------------------------------
@blueprint.route("/connections/<connection_id>/explore", methods=["GET"])
def explore_connection(connection_id: str):
    ctx = gateway.current()
    for name in request.args.keys():
        if name not in EXPLORE_PARAMS:
            raise BadRequest(f"Invalid params {name} provided in query params.", code="1451")
    connection = require(ctx, CONNECTIONS, connection_id)
    args = {name: request.args.get(name) for name in request.args.keys()}
    return gateway.json_response(explore.explore(ctx, connection, args))


@blueprint.route("/connections/<connection_id>/test", methods=["GET"])
def test_connection(connection_id: str):
    ctx = gateway.current()
    return gateway.json_response(explore.check_connection(ctx, require(ctx, CONNECTIONS, connection_id)))


@blueprint.route("/connections/<connection_id>/configs", methods=["GET"])
def connection_configs(connection_id: str):
    ctx = gateway.current()
    connection = require(ctx, CONNECTIONS, connection_id)
    spec = specs.connection_spec(ctx, (connection.get("connectionSpec") or {}).get("id", ""))
    return gateway.json_response(explore.configs(spec or {}))
