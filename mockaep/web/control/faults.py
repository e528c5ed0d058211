"""Control plane: fault rules (``/_mockaep/faults``); the rule format is in :mod:`mockaep.web.faults`.

``POST`` one rule (answered 201 with the rule and its ``id``) or a JSON array of rules (201,
``{"rules": [...]}``; all are added or none); ``GET`` lists them with their counters; ``DELETE``
removes them all, ``DELETE /_mockaep/faults/<id>`` one (404 when there is no such rule).
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.jsonreader import parse_json
from mockaep.web.faults import FaultRuleError
from mockaep.web.gateway import emulator, json_response

blueprint = Blueprint("control_faults", __name__, url_prefix="/_mockaep")


@blueprint.route("/faults", methods=["POST"])
def add_faults():
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("send a fault rule (a JSON object) or a JSON array of rules")
    body = parse_json(raw, what="fault rule")
    documents = body if isinstance(body, list) else [body]
    if not documents:
        raise BadRequest("the array of fault rules is empty")
    emu = emulator()
    try:
        added = emu.faults.add(documents, emu.operations.operation_ids())
    except FaultRuleError as exc:
        raise BadRequest(str(exc)) from None
    views = [rule.as_dict() for rule in added]
    return json_response({"rules": views} if isinstance(body, list) else views[0], 201)


@blueprint.route("/faults", methods=["GET"])
def list_faults():
    return json_response({"rules": [rule.as_dict() for rule in emulator().faults.rules()]})


@blueprint.route("/faults", methods=["DELETE"])
def clear_faults():
    return json_response({"cleared": emulator().faults.clear()})


@blueprint.route("/faults/<rule_id>", methods=["DELETE"])
def delete_fault(rule_id: str):
    if not emulator().faults.remove(rule_id):
        raise NotFound(f"no fault rule with id '{rule_id[:100]}'")
    return Response(status=204)
