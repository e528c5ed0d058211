"""Flow runs: creating on-demand runs, provider updates, RE_TRIGGER, reads and lists.

A run is created ``scheduled`` (create-flow-runs.md); ``progress`` then moves it along the
emulator clock (``ctx.now_ms``, i.e. ``Config.clock``), never on its own thread:

* ``scheduled`` until it starts: :data:`progress.QUEUE_MS` after creation, or at
  ``params.startTime`` (epoch seconds) if later;
* ``inProgress`` while its data window is still open (``params.windowEndTime``, epoch seconds)
  and for the copy and promotion after the later of start and window end;
* then ``success`` with the metrics and the copy/promotion activities monitor.md shows, or
  ``failed`` — the source refused the credentials or was made to fail, or the run's rows failed
  beyond what partial ingestion allows (``outcome.finish``: the rows are read, mapped, validated
  and landed there).

Flows with a schedule get their runs the same way, when runs are read. Runs are brought up to
date whenever they are read, so stored records, filters (``property=state==inProgress``) and
exports all agree with the clock. The timeline is stored in each record under ``_mockaep`` and
never shown (:func:`render`). No Flask here.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.ids import new_flow_etag, new_uuid
from mockaep.services.flowservice import listing, progress, specs
from mockaep.services.flowservice.filters import equality_values
from mockaep.services.flowservice.flows import coerce
from mockaep.services.flowservice.records import check_etag, record, system_fields
from mockaep.services.flowservice.resources import FLOWS, RUNS
from mockaep.services.flowservice.schedules import seconds

INTERNAL = progress.INTERNAL
QUEUE_MS, COPY_MS, PROMOTION_MS = progress.QUEUE_MS, progress.COPY_MS, progress.PROMOTION_MS
#: Run actions of the official spec (``POST /runs/{id}/action?op=``).
ACTIONS = ("RE_TRIGGER",)
#: What a client may send in ``PUT /runs/{id}`` (UpdateFlowRunRequest), besides ``flowId``.
UPDATABLE = ("flowSpec", "providerRefId", "parentFlowRunId", "childFlowRunIds", "params", "predecessors", "metrics",
             "activities", "recordTypes")


def render(run: Mapping[str, Any]) -> dict[str, Any]:
    """A run as the API shows it (without mockaep's timeline)."""
    return {k: v for k, v in run.items() if k != INTERNAL}


def _not_found(run_id: str) -> NotFound:
    return NotFound(f"The requested runs resource {run_id[:200]} is not found. Verify the resource ID before trying "
                    "again.", code="1101", report={"id": run_id, "type": "runs"})


def _official_params_schema(ctx: RequestContext) -> Mapping[str, Any]:
    schemas = validation.openapi_document(ctx, "flowservice")["components"]["schemas"]
    return schemas["CreateFlowRunRequest"]["properties"]["params"]


# -- creating --------------------------------------------------------------------------------------
def _check_params(ctx: RequestContext, flow: Mapping[str, Any], params: Any) -> None:
    """Layer 2 (the flow spec's ``runSpec``) and the window rule; numeric strings count as numbers."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise BadRequest("The request body is invalid: 'params' must be an object (at /params).",
                         sub_errors=[{"path": "/params", "message": "must be an object"}])
    flow_spec = specs.flow_spec(ctx, (flow.get("flowSpec") or {}).get("id")) or {}
    run_spec = (flow_spec.get("runSpec") or {}).get("spec") if isinstance(flow_spec.get("runSpec"), Mapping) else None
    if isinstance(run_spec, Mapping):
        view = coerce(params, run_spec)
        # create-flow-runs.md sends no startTime although CS2's runSpec requires it, and the
        # platform accepted the run: the start defaults to now.
        view.setdefault("startTime", ctx.now_ms // 1000)
        validation.check_embedded(ctx, run_spec, view, what="run params", prefix="/params")
    start, end = seconds(params.get("windowStartTime")), seconds(params.get("windowEndTime"))
    if start is not None and end is not None and end < start:
        raise BadRequest(f"The run window ends ({end}) before it starts ({start}); windowEndTime must not be "
                         "earlier than windowStartTime.", sub_errors=[{"path": "/params/windowEndTime",
                                                                       "message": "earlier than windowStartTime"}])


def create_run(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /runs``: a run of an existing flow, ``scheduled``; returns the stored record."""
    if not isinstance(body, dict):
        raise BadRequest("The request body of a run must be a JSON object.")
    flow_id = body.get("flowId")
    if flow_id is None or flow_id == "" or (isinstance(flow_id, str) and not flow_id.strip()):
        raise BadRequest("The flow ID cannot be null or empty. Please update the flow ID and try again.", code="1446",
                         sub_errors=[{"path": "/flowId", "message": "required"}])
    view = dict(body)
    if isinstance(body.get("params"), dict):
        view["params"] = coerce(body["params"], _official_params_schema(ctx))
    validation.check_body(ctx, "flowservice", "POST", "/runs", view)
    flow = record(ctx, FLOWS, flow_id)
    if flow is None:
        raise BadRequest(f"Flow not found with id {str(flow_id)[:200]}.", code="1430",
                         report={"id": flow_id, "type": "flows"})
    params = body.get("params") if body.get("params") is not None else {}
    _check_params(ctx, flow, params)
    run = {
        "id": new_uuid(),
        **system_fields(ctx),
        "flowId": flow_id,
        "flowSpec": dict(flow.get("flowSpec") or {}),
        "params": params,
        "etag": new_flow_etag(),
        "state": "scheduled",
        "metrics": {"statusSummary": {"status": "scheduled"}},
        "activities": [],
        INTERNAL: progress.new_timeline(ctx, params),
    }
    return progress.store_run(ctx, run, new=True)


# -- reading ---------------------------------------------------------------------------------------
def get_run(ctx: RequestContext, run_id: str) -> dict[str, Any]:
    """One run, up to date with the clock (404 1101 when unknown)."""
    found = progress.current_run(ctx, run_id)
    if found is None:
        raise _not_found(run_id)
    return found


def list_runs(ctx: RequestContext) -> dict[str, Any]:
    """``GET /runs``: runs are listed by flow (monitor.md) and by state (sort-and-filter.md), both
    indexed. A list naming its flows (``flowId==a,b``) brings only those flows' runs up to date; any
    other brings up to date what the clock made due (``progress.advance``)."""
    request = listing.read(ctx.query, resource=RUNS.collection)
    flow_ids = equality_values(request.conditions, "flowId")
    if flow_ids is None:
        progress.advance(ctx)
    else:
        for flow_id in sorted(flow_ids):  # at most filters.MAX_VALUES
            progress.advance(ctx, flow_id)
    return listing.answer(ctx.tenant.collection(RUNS.collection), request, base_path="/runs",
                          render=lambda entry: render(entry.record))


# -- writing -----------------------------------------------------------------------------------------
def update_run(ctx: RequestContext, run_id: str, body: Any) -> dict[str, Any]:
    """``PUT /runs/{id}``: a provider reports on a run. Needs ``If-Match`` (1403/1404)."""
    current = get_run(ctx, run_id)
    check_etag(ctx.headers.if_match, current)
    if not isinstance(body, dict):
        raise BadRequest("The request body of a run must be a JSON object.")
    validation.check_body(ctx, "flowservice", "PUT", "/runs/{RUN_ID}", body)
    if body.get("flowId") not in (None, current["flowId"]):
        raise BadRequest(f"The flow of run {run_id} cannot be changed (it is {current['flowId']}).",
                         sub_errors=[{"path": "/flowId", "message": "cannot be changed"}])
    if "params" in body:
        flow = record(ctx, FLOWS, current["flowId"])
        if flow is not None:
            _check_params(ctx, flow, body["params"])
    for key in UPDATABLE:
        if key in body:
            current[key] = body[key]
    status = ((body.get("metrics") or {}).get("statusSummary") or {}).get("status") \
        if isinstance(body.get("metrics"), dict) and isinstance(body["metrics"].get("statusSummary"), dict) else None
    if isinstance(status, str) and status:
        current["state"] = status
        current[INTERNAL] = {**current.get(INTERNAL, {}), "managed": True}
    current.update(updatedAt=ctx.now_ms, updatedBy=ctx.user_id, updatedClient=ctx.client_id, etag=new_flow_etag())
    return progress.store_run(ctx, current)


def act(ctx: RequestContext, run_id: str, op: str | None) -> dict[str, Any]:
    """``POST /runs/{id}/action?op=RE_TRIGGER``: run a finished run again, from now."""
    current = get_run(ctx, run_id)
    if op is None or not op.strip():
        raise BadRequest("The query parameter op is missing. Supported operations: RE_TRIGGER.")
    if op.strip().upper() not in ACTIONS:
        raise BadRequest(f"Unsupported operation '{op[:50]}' received. Please use one of the supported operations "
                         "(RE_TRIGGER) and try again.", code="1435")
    check_etag(ctx.headers.if_match, current, required=False)
    if current.get("state") not in progress.FINAL:
        raise BadRequest(f"The action re_trigger cannot be applied on the current state {current.get('state')}. "
                         "Please update the action and try again.", code="1422")
    current.update(state="scheduled", metrics={"statusSummary": {"status": "scheduled"}}, activities=[],
                   updatedAt=ctx.now_ms, updatedBy=ctx.user_id, updatedClient=ctx.client_id, etag=new_flow_etag())
    params = dict(current.get("params") or {})
    params.pop("startTime", None)  # a re-trigger starts now, whatever the first start was
    current[INTERNAL] = progress.new_timeline(ctx, params)
    progress.store_run(ctx, current)
    return get_run(ctx, run_id)
