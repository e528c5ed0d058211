"""Data Prep (Conversion Service) routes: parse the request, call the model, serialise."""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.web import gateway
from mockaep.core import validation
from mockaep.core.errors import BadRequest
from mockaep.services.conversion import expressions, functions, models, preview

blueprint = Blueprint("conversion", __name__)
#: collection kind -> indexed paths


def _int_arg(name: str, *, required: bool = False, minimum: int = 0, default: int | None = None) -> int | None:
    """An integer query parameter. As at the gateway, a repeated parameter counts once (its first
    value) and the number may arrive as text ("10", " 10"); ``default`` stands in when it is absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is not None:
            return default
        if required:
            raise BadRequest(f"The query parameter '{name}' is required.",
                             sub_errors=[{"path": f"?{name}", "message": "is required"}])
        return None
    if len(raw) > 20:
        raise BadRequest(f"The query parameter '{name}' must be an integer, got '{raw[:20]}...'.")
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadRequest(f"The query parameter '{name}' must be an integer, got '{raw}'.") from None
    if value < minimum or value > 2**31 - 1:
        raise BadRequest(f"The query parameter '{name}' must be between {minimum} and {2**31 - 1}.")
    return value


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise BadRequest(f"The query parameter '{name}' must be true or false, got '{raw}'.")
    return raw.lower() == "true"


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
        functions.parse_expression(text)
    except expressions.ExpressionSyntaxError as exc:
        # data-prep.yaml: "400 — An invalid expression was posted."
        raise BadRequest(f"Invalid expression: {exc}.",
                         sub_errors=[{"path": "/expression", "message": exc.message, "position": exc.position}])
    return gateway.json_response({"validationStatus": "succeeded", "error": "none"})


@blueprint.route("/languages/el/functions", methods=["GET"])
def list_functions():
    return gateway.json_response(list(functions.catalogue()))


@blueprint.route("/languages/el/operators", methods=["GET"])
def list_operators():
    return gateway.json_response(list(functions.operators()))


# -- mapping sets --------------------------------------------------------------------------------
@blueprint.route("/mappingSets", methods=["GET"])
def list_mapping_sets():
    limit = _int_arg("limit", required=True, minimum=1)
    start = _int_arg("start", default=0)  # data-prep.yaml: default 0; aepp leaves it out
    page = models.list_mapping_sets(gateway.current(), limit, start, name=request.args.get("name"),  # type: ignore[arg-type]
                                    order_by=request.args.get("orderBy"), expand_schema=_bool_arg("expandSchema"))
    return gateway.json_response(page)


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
    found = models.require_mapping_set(gateway.current(), set_id, _int_arg("version"), _bool_arg("expandSchema"))
    return gateway.json_response(found)


@blueprint.route("/mappingSets/<set_id>", methods=["PUT"])
def put_mapping_set(set_id: str):
    return gateway.json_response(models.update_mapping_set(gateway.current(), set_id, gateway.json_body()))


@blueprint.route("/mappingSets/<set_id>/mappings", methods=["GET"])
def list_mappings(set_id: str):
    return gateway.json_response(models.list_mappings(gateway.current(), set_id))


@blueprint.route("/mappingSets/<set_id>/mappings/<mapping_id>", methods=["GET"])
def get_mapping(set_id: str, mapping_id: str):
    return gateway.json_response(models.get_mapping(gateway.current(), set_id, mapping_id))
