"""URL rules for connection specs, flow specs, and exploring/testing a base connection.

Thin: parse the request, call ``specs`` / ``spec_writes`` / ``explore``, serialise. Registered on
the Flow Service blueprint (``routes.blueprint``) when the package is imported.
"""
from __future__ import annotations

from flask import request

from mockaep.core import jsonreader
from mockaep.core.errors import BadRequest
from mockaep.services.flowservice import explore, listing, spec_writes, specs
from mockaep.services.flowservice.records import require
from mockaep.services.flowservice.resources import CONNECTIONS
from mockaep.services.flowservice.routes import blueprint, json_text
from mockaep.web import gateway

#: Query parameters of the explore calls (FSY, plus the preview switches the explore tutorials and
#: aepp's landing-zone helpers send); anything else is refused as Flow Service refuses unknown
#: parameters.
EXPLORE_PARAMS = ("objectType", "object", "fileType", "FileType", "FILE_TYPE", "CompressionType", "preview",
                  "previewRowCount", "determineProperties")


def _created(item: dict) -> object:
    location = f"{request.path.rstrip('/')}/{item['id']}"
    return gateway.json_response(item, 201, {"Location": location})


def _explore_args(ctx) -> dict[str, str]:
    for name in ctx.query.keys():
        if name not in EXPLORE_PARAMS:
            raise BadRequest(f"Invalid params {name[:100]} provided in query params.", code="1451")
    return {name: ctx.query.get(name) for name in ctx.query.keys()}


def _catalogue_item(collection: str, spec_id: str):
    stored = specs.catalogue(gateway.current(), collection).raw(spec_id)
    if stored is None:
        raise specs.spec_not_found(collection, spec_id)
    return json_text(b'{"items":[' + stored + b"]}")


# -- connection specs ------------------------------------------------------------------------------
def _catalogue_list(collection: str, base_path: str):
    """A list of a spec catalogue; the packaged catalogue's answer to a query is kept
    (:func:`specs.kept_answers`)."""
    ctx = gateway.current()
    kept = specs.kept_answers(ctx, collection)
    query = tuple(ctx.query.items())
    body = kept.get(query) if kept is not None else None
    if body is None:
        body = jsonreader.dumps(listing.answer_query(specs.catalogue(ctx, collection), ctx.query, resource=collection,
                                                     base_path=base_path, rules=listing.CATALOGUE_RULES))
        if kept is not None and len(kept) < specs.MAX_KEPT_ANSWERS and len(body) <= specs.MAX_KEPT_ANSWER_BYTES \
                and sum(len(k) + len(v) for k, v in query) <= specs.MAX_KEPT_QUERY:
            kept[query] = body
    return json_text(body)


@blueprint.route("/connectionSpecs", methods=["GET"])
def list_connection_specs():
    return _catalogue_list(specs.CONNECTION_SPECS, "/connectionSpecs")


@blueprint.route("/connectionSpecs", methods=["POST"])
def create_connection_spec():
    ctx = gateway.current()
    return _created(spec_writes.create_connection_spec(ctx, gateway.json_body(empty_code="1405")))


def _connection_spec_or_404(ctx, spec_id: str):
    found = specs.connection_spec(ctx, spec_id)
    if found is None:
        raise specs.spec_not_found("connectionSpecs", spec_id)
    return found


@blueprint.route("/connectionSpecs/<spec_id>", methods=["GET"])
def get_connection_spec(spec_id: str):
    return _catalogue_item(specs.CONNECTION_SPECS, spec_id)


@blueprint.route("/connectionSpecs/<spec_id>", methods=["PUT"])
def update_connection_spec(spec_id: str):
    ctx = gateway.current()
    return gateway.json_response(spec_writes.update_connection_spec(ctx, spec_id, gateway.json_body(empty_code="1405")))


@blueprint.route("/connectionSpecs/<spec_id>/explore", methods=["GET"])
def explore_connection_spec(spec_id: str):
    ctx = gateway.current()
    spec = _connection_spec_or_404(ctx, spec_id)
    args = _explore_args(ctx)
    if not args:
        return gateway.json_response(explore.explore_spec_columns(spec))
    return gateway.json_response(explore.explore_spec(ctx, spec, args))


@blueprint.route("/connectionSpecs/<spec_id>/configs", methods=["GET"])
def connection_spec_configs(spec_id: str):
    return gateway.json_response(explore.configs(_connection_spec_or_404(gateway.current(), spec_id)))


# -- flow specs ----------------------------------------------------------------------------------------
@blueprint.route("/flowSpecs", methods=["GET"])
def list_flow_specs():
    return _catalogue_list(specs.FLOW_SPECS, "/flowSpecs")


@blueprint.route("/flowSpecs", methods=["POST"])
def create_flow_spec():
    ctx = gateway.current()
    return _created(spec_writes.create_flow_spec(ctx, gateway.json_body(empty_code="1405")))


@blueprint.route("/flowSpecs/search", methods=["POST"])
def search_flow_specs():
    ctx = gateway.current()
    return gateway.json_response(spec_writes.search_flow_specs(ctx, gateway.json_body(empty_code="1405")))


@blueprint.route("/flowSpecs/<spec_id>", methods=["GET"])
def get_flow_spec(spec_id: str):
    return _catalogue_item(specs.FLOW_SPECS, spec_id)


@blueprint.route("/flowSpecs/<spec_id>", methods=["PUT"])
def update_flow_spec(spec_id: str):
    ctx = gateway.current()
    return gateway.json_response(spec_writes.update_flow_spec(ctx, spec_id, gateway.json_body(empty_code="1405")))


# -- exploring and testing a base connection ------------------------------------------------------------
@blueprint.route("/connections/<connection_id>/explore", methods=["GET"])
def explore_connection(connection_id: str):
    ctx = gateway.current()
    args = _explore_args(ctx)
    return gateway.json_response(explore.explore(ctx, require(ctx, CONNECTIONS, connection_id), args))


@blueprint.route("/connections/<connection_id>/test", methods=["GET"])
def test_connection(connection_id: str):
    ctx = gateway.current()
    return gateway.json_response(explore.check_connection(ctx, require(ctx, CONNECTIONS, connection_id)))


@blueprint.route("/connections/<connection_id>/configs", methods=["GET"])
def connection_configs(connection_id: str):
    ctx = gateway.current()
    connection = require(ctx, CONNECTIONS, connection_id)
    spec = specs.connection_spec(ctx, (connection.get("connectionSpec") or {}).get("id"))
    return gateway.json_response(explore.configs(spec or {}))
