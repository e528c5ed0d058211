"""Data Prep (Conversion Service) routes: parse the request, call the model, serialise."""
from __future__ import annotations

from flask import Blueprint, Response

from mockaep.core import validation
from mockaep.core.errors import BadRequest
from mockaep.services.conversion import expressions, library, models, preview
from mockaep.web import gateway

blueprint = Blueprint("conversion", __name__)


def _stored_answer(stored: bytes) -> Response:
    """An answer that is a record as stored: its JSON text as is (no decoding, no re-encoding)."""
    return Response(stored, 200, mimetype="application/json")


# -- expression language -------------------------------------------------------------------------
@blueprint.route("/languages/el/validate", methods=["POST"])
def validate_expression():
    ctx = gateway.current()
    body = gateway.json_body()
    validation.check_body(ctx, "conversion", "POST", "/languages/el/validate", body)
    text = body.get("expression")
    if not isinstance(text, str):
        raise BadRequest("The request needs the 'expression' to validate.",
                         sub_errors=[{"path": "/expression", "message": "is required"}])
    try:
        library.library(ctx).parse(text)
    except expressions.ExpressionSyntaxError as exc:
        # data-prep.yaml: "400 — An invalid expression was posted."
        raise BadRequest(f"Invalid expression: {exc}.",
                         sub_errors=[{"path": "/expression", "message": exc.message, "position": exc.position}])
    return gateway.json_response({"validationStatus": "succeeded", "error": "none"})


@blueprint.route("/languages/el/functions", methods=["GET"])
def list_functions():
    return gateway.json_response(list(library.catalogue(gateway.current())))


@blueprint.route("/languages/el/operators", methods=["GET"])
def list_operators():
    return gateway.json_response(list(library.operators(gateway.current())))


# -- mapping sets --------------------------------------------------------------------------------
@blueprint.route("/mappingSets", methods=["GET"])
def list_mapping_sets():
    return gateway.json_response(models.list_mapping_sets(gateway.current()))


@blueprint.route("/mappingSets", methods=["POST"])
def create_mapping_set():
    # 200, not 201: mapping-set.md and data-prep.yaml agree
    return gateway.json_response(models.create_mapping_set(gateway.current(), gateway.json_body()))


@blueprint.route("/mappingSets/validate", methods=["POST"])
def validate_mapping_set():
    return gateway.json_response(preview.validate_mapping_set(gateway.current(), gateway.json_body()))


@blueprint.route("/mappingSets/preview", methods=["POST"])
def preview_mapping_set():
    return gateway.json_response(preview.preview(gateway.current(), gateway.json_body()))


@blueprint.route("/mappingSets/<set_id>", methods=["GET"])
def get_mapping_set(set_id: str):
    ctx = gateway.current()
    version = models.read_version(ctx)
    if models.read_flag(ctx, "expandSchema"):
        return gateway.json_response(models.require_mapping_set(ctx, set_id, version, expand_schema=True))
    return _stored_answer(models.require_stored(ctx, set_id, version))


@blueprint.route("/mappingSets/<set_id>", methods=["PUT"])
def put_mapping_set(set_id: str):
    return gateway.json_response(models.update_mapping_set(gateway.current(), set_id, gateway.json_body()))


@blueprint.route("/mappingSets/<set_id>/mappings", methods=["GET"])
def list_mappings(set_id: str):
    return gateway.json_response(models.list_mappings(gateway.current(), set_id))


@blueprint.route("/mappingSets/<set_id>/mappings/<mapping_id>", methods=["GET"])
def get_mapping(set_id: str, mapping_id: str):
    return gateway.json_response(models.get_mapping(gateway.current(), set_id, mapping_id))
