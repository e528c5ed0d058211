"""URL rules for flow runs (``/runs``); thin: parse, call ``runs``, serialise."""
from __future__ import annotations

from flask import request

from mockaep.services.flowservice import runs
from mockaep.services.flowservice.routes import blueprint
from mockaep.web import gateway


@blueprint.route("/runs", methods=["GET"])
def list_runs():
    return gateway.json_response(runs.list_runs(gateway.current()))


@blueprint.route("/runs", methods=["POST"])
def create_run():
    ctx = gateway.current()
    run = runs.render(runs.create_run(ctx, gateway.json_body(empty_code="1405")))
    return gateway.json_response(run, 201, {"Location": f"{request.path.rstrip('/')}/{run['id']}"})


@blueprint.route("/runs/<run_id>", methods=["GET"])
def get_run(run_id: str):
    return gateway.json_response({"items": [runs.render(runs.get_run(gateway.current(), run_id))]})


@blueprint.route("/runs/<run_id>", methods=["PUT"])
def update_run(run_id: str):
    ctx = gateway.current()
    return gateway.json_response(runs.render(runs.update_run(ctx, run_id, gateway.json_body(empty_code="1405"))))


@blueprint.route("/runs/<run_id>/action", methods=["POST"])
def run_action(run_id: str):
    ctx = gateway.current()
    return gateway.json_response(runs.render(runs.act(ctx, run_id, ctx.query.get("op"))))
