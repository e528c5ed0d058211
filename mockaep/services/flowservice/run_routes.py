"""URL rules for flow runs (``/runs``); thin: parse, call ``runs``, serialise."""
from __future__ import annotations

from flask import request

from mockaep.web import gateway
from mockaep.services.flowservice import runs
from mockaep.services.flowservice.filters import equality_values
from mockaep.services.flowservice.query import list_response
from mockaep.services.flowservice.routes import blueprint

# Runs are listed by flow (monitor.md) and by state (sort-and-filter.md); both are indexed, and
# ``runs.advance`` finds unfinished runs through the state index.


@blueprint.route("/runs", methods=["GET"])
def list_runs():
    ctx = gateway.current()
    flow_ids = equality_values(request.args.getlist("property"), "flowId")
    if flow_ids is None:
        runs.advance(ctx)
    else:
        # Only those flows' runs can be listed: bring only them up to date (a flow's runs page
        # then costs that flow, not every scheduled flow of the sandbox).
        for flow_id in sorted(flow_ids):
            runs.advance(ctx, flow_id)
    body = list_response(ctx.tenant.collection(runs.RUNS), request.args, resource="runs", base_path="/runs",
                         render=runs.render)
    return gateway.json_response(body)


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
    run = runs.update_run(ctx, run_id, gateway.json_body(empty_code="1405"), request.headers.get("If-Match"))
    return gateway.json_response(runs.render(run))


@blueprint.route("/runs/<run_id>/action", methods=["POST"])
def run_action(run_id: str):
    ctx = gateway.current()
    run = runs.act(ctx, run_id, request.args.get("op"), request.headers.get("If-Match"))
    return gateway.json_response(runs.render(run))
