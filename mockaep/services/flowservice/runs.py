"""Flow runs: creating on-demand runs, and their deterministic progress on the emulator clock.

A run is created ``scheduled`` (create-flow-runs.md). mockaep then moves it along the clock
(``ctx.now_ms``, i.e. ``Config.clock``), never on its own thread:

* ``scheduled`` until it starts: :data:`QUEUE_MS` after creation, or at ``params.startTime``
  (epoch seconds) if later;
* ``inProgress`` while its data window is still open (``params.windowEndTime``, epoch seconds)
  and for :data:`COPY_MS` + :data:`PROMOTION_MS` after the later of start and window end;
* then ``success`` with the metrics and the copy/promotion activities monitor.md shows, counted
  from the explore fixture of the flow's source (rows whose delta column falls inside the window
  when the column exists, else all rows) — or ``failed`` when the source refuses the base
  connection's credentials (see ``explore.INVALID_CREDENTIAL``).

Flows with a schedule get their runs the same way, when runs are read (``schedules``). How a run
ends (metrics, activities, the Catalog batch it lands in each target dataset) is ``outcome``'s
and ``landing``'s; deleting a flow deletes its runs (:func:`forget_flow`).
Runs are brought up to date whenever they are read (:func:`advance`), so stored records, filters
(``property=state==inProgress``) and exports all agree with the clock. The timeline is stored in
each record under ``_mockaep`` and never shown (:func:`render`). No Flask here.
"""
from __future__ import annotations

import copy
import threading
import weakref
from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.context import RequestContext
from mockaep.core.ids import new_flow_etag, new_uuid
from mockaep.services.flowservice import models, outcome, schedules, specs
from mockaep.services.flowservice.flows import coerce
from mockaep.services.flowservice.records import check_if_match
from mockaep.services.flowservice.schedules import seconds

RUNS = "runs"
#: A new run waits this long in the platform's queue before it starts (so it reads
#: ``scheduled`` right after ``POST /runs``, as create-flow-runs.md shows).
QUEUE_MS = 5_000
COPY_MS = 30_000
PROMOTION_MS = 15_000
ACTIVE = ("scheduled", "inProgress")
FINAL = ("success", "failed")
INTERNAL = "_mockaep"
#: Run actions of the official spec (``POST /runs/{id}/action?op=``).
ACTIONS = ("RE_TRIGGER",)
#: What a client may send in ``PUT /runs/{id}`` (UpdateFlowRunRequest), besides ``flowId``.
UPDATABLE = ("flowSpec", "providerRefId", "parentFlowRunId", "childFlowRunIds", "params", "predecessors", "metrics",
             "activities", "recordTypes")
def render(record: Mapping[str, Any]) -> dict[str, Any]:
    """A run as the API shows it (without mockaep's timeline)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if k != INTERNAL}


def _not_found(run_id: str) -> NotFound:
    return NotFound(f"The requested runs resource {run_id} is not found. Verify the resource ID before trying again.",
                    code="1101", report={"id": run_id, "type": "runs"})


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
    flow_spec = specs.flow_spec(ctx, (flow.get("flowSpec") or {}).get("id", "")) or {}
    run_spec = (flow_spec.get("runSpec") or {}).get("spec")
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


def _timeline(ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, int]:
    start_time = seconds(params.get("startTime"))
    begins = max(ctx.now_ms + QUEUE_MS, (start_time or 0) * 1000)
    window_end = (seconds(params.get("windowEndTime")) or 0) * 1000
    copy_from = max(begins, window_end)
    return {"startsAt": begins, "copyFrom": copy_from, "completesAt": copy_from + COPY_MS + PROMOTION_MS}


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
    flow = models.get_flow(ctx, flow_id)
    if flow is None:
        raise BadRequest(f"Flow not found with id {flow_id}.", code="1430", report={"id": flow_id, "type": "flows"})
    params = body.get("params") if body.get("params") is not None else {}
    _check_params(ctx, flow, params)
    etag = new_flow_etag()
    record = {
        "id": new_uuid(),
        **specs.system_fields(ctx),
        "flowId": flow_id,
        "flowSpec": dict(flow.get("flowSpec") or {}),
        "params": copy.deepcopy(params),
        "etag": etag,
        "state": "scheduled",
        "metrics": {"statusSummary": {"status": "scheduled"}},
        "activities": [],
        INTERNAL: _timeline(ctx, params),
    }
    collection = ctx.tenant.collection(RUNS)
    return collection.put(record["id"], record)


# -- progress ----------------------------------------------------------------------------------------
#: ``tenant.meta`` key: flow id → window end (epoch s) of its latest scheduled run.
SCHEDULE_META = "flowservice.lastScheduledRun"


#: Per tenant, flow id → (the stored flow record, its latest slot, when its next run falls due):
#: lets a runs list skip flows with nothing due. Process-local, never exported; keyed by the
#: stored record object itself (every write or restore stores a new one), so it cannot go stale.
_NEXT_DUE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NEXT_DUE_LOCK = threading.Lock()


def _due_cache(ctx: RequestContext) -> dict[str, tuple[Any, int | None, int | None]]:
    with _NEXT_DUE_LOCK:  # shared by every tenant; each tenant's entry is used under its own lock
        return _NEXT_DUE.setdefault(ctx.tenant, {})


def _schedule(ctx: RequestContext, flow_ids: list[str]) -> None:
    """Create the runs the flows' schedules made due by now (see ``schedules``)."""
    latest = ctx.tenant.meta.setdefault(SCHEDULE_META, {})
    collection = ctx.tenant.collection(RUNS)
    flows = ctx.tenant.collection("flows")
    cache = _due_cache(ctx)
    for flow_id in flow_ids:
        flow = flows.peek(flow_id)  # read-only: due_slots and the new record only read it
        if flow is None:
            continue
        known = cache.get(flow_id)
        if (known is not None and known[0] is flow and known[1] == latest.get(flow_id)
                and (known[2] is None or ctx.now_ms < known[2])):
            continue  # nothing due yet
        for window_start, slot in schedules.due_slots(flow, ctx.now_ms, latest.get(flow_id)):
            latest[flow_id] = slot
            run_id = schedules.run_id(flow_id, slot)
            if run_id in collection:
                continue  # already started (ids are derived from the slot)
            at = slot * 1000
            record = {
                "id": run_id,
                **specs.system_fields(ctx),
                "createdAt": at, "updatedAt": at,
                "createdBy": flow.get("createdBy", ctx.user_id), "updatedBy": flow.get("createdBy", ctx.user_id),
                "createdClient": flow.get("createdClient", ctx.client_id),
                "updatedClient": flow.get("createdClient", ctx.client_id),
                "flowId": flow_id,
                "flowSpec": dict(flow.get("flowSpec") or {}),
                "params": {"windowStartTime": window_start, "windowEndTime": slot},
                "etag": new_flow_etag(),
                "state": "scheduled",
                "metrics": {"statusSummary": {"status": "scheduled"}},
                "activities": [],
                INTERNAL: {"startsAt": at, "copyFrom": at, "completesAt": at + COPY_MS + PROMOTION_MS},
            }
            collection.put(run_id, record)
        cache[flow_id] = (flow, latest.get(flow_id), schedules.next_due_ms(flow, latest.get(flow_id)))


def advance(ctx: RequestContext, flow_id: str | None = None) -> None:
    """Create the runs schedules made due, then bring every unfinished run (of one flow, or all)
    up to ``ctx.now_ms``."""
    flows = ctx.tenant.collection("flows")
    if flow_id is not None:
        _schedule(ctx, [flow_id])
    elif flows.indexed("state"):
        _schedule(ctx, sorted(flows.lookup("state", "enabled")))
    else:
        _schedule(ctx, list(flows.ids()))
    collection = ctx.tenant.collection(RUNS)
    if flow_id is not None:
        # The flow's own runs, not every unfinished run of the tenant (a flow read costs its runs).
        pending = {i for i in collection.lookup("flowId", flow_id)
                   if (collection.peek(i) or {}).get("state") in ACTIVE}
    else:
        pending = set()
        for state in ACTIVE:
            pending |= collection.lookup("state", state)
    # Runs that change now, in the order they do (so the batch of the run finishing last is its
    # dataset's lastBatchId), ties by id: the same on every emulator replaying the same state.
    now = ctx.now_ms
    changing = []
    for run_id in pending:
        timeline = _changes(collection.peek(run_id), now)
        if timeline is not None:
            changing.append((min(now, timeline["completesAt"]), run_id))
    for _moment, run_id in sorted(changing):
        _advance_one(ctx, run_id)


def forget_flow(ctx: RequestContext, flow_id: str) -> None:
    """A flow is being deleted: its runs go with it (``GET /runs/{id}`` then answers 404 1101 and
    lists no longer show them), as does its schedule bookkeeping. Batches its runs landed stay
    in Catalog: ingested data outlives the flow that brought it."""
    collection = ctx.tenant.collection(RUNS)
    for run_id in collection.lookup("flowId", flow_id):
        collection.delete(run_id)
    ctx.tenant.meta.get(SCHEDULE_META, {}).pop(flow_id, None)
    _due_cache(ctx).pop(flow_id, None)


def _changes(stored: Mapping[str, Any] | None, now: int) -> Mapping[str, int] | None:
    """The timeline of a stored run whose state moves at ``now``, else None."""
    if stored is None or stored.get("state") not in ACTIVE or INTERNAL not in stored:
        return None
    timeline = stored[INTERNAL]
    if timeline.get("managed"):
        return None  # a provider took over with PUT /runs/{id}
    if now < timeline["startsAt"]:
        return None
    if now < timeline["completesAt"] and stored.get("state") == "inProgress":
        return None  # nothing changes until it completes
    return timeline


def _advance_one(ctx: RequestContext, run_id: str) -> None:
    collection = ctx.tenant.collection(RUNS)
    timeline = _changes(collection.peek(run_id), ctx.now_ms)
    if timeline is None:
        return
    record = collection.get(run_id)
    assert record is not None
    if ctx.now_ms < timeline["completesAt"]:
        record.update(state="inProgress", metrics=_in_progress_metrics(timeline), activities=[])
        record["updatedAt"] = max(timeline["startsAt"], record.get("updatedAt", 0))
    else:
        record.update(outcome.finished(ctx, record, timeline, COPY_MS))
        record["updatedAt"] = max(record["metrics"]["durationSummary"]["completedAtUTC"], record.get("updatedAt", 0))
    record["etag"] = new_flow_etag()
    collection.put(run_id, record)


def _in_progress_metrics(timeline: Mapping[str, int]) -> dict[str, Any]:
    return {"durationSummary": {"startedAtUTC": timeline["startsAt"]}, "statusSummary": {"status": "inProgress"}}


# -- reading ---------------------------------------------------------------------------------------
def get_run(ctx: RequestContext, run_id: str) -> dict[str, Any]:
    """One run, up to date with the clock (404 1101 when unknown)."""
    _advance_one(ctx, run_id)
    found = ctx.tenant.collection(RUNS).get(run_id)
    if found is None:
        raise _not_found(run_id)
    return found


def last_run_details(ctx: RequestContext, flow_id: str) -> dict[str, Any] | None:
    """A flow's ``lastRunDetails`` (``{id, state, startedAtUTC, completedAtUTC}``) from its latest
    run, or None when it has none. Flow Service's flow reads call this (see FS-core)."""
    advance(ctx, flow_id)
    collection = ctx.tenant.collection(RUNS)
    ids = collection.lookup("flowId", flow_id)
    if not ids:
        return None
    latest = max((collection.peek(i) for i in ids), key=lambda r: (r.get("createdAt", 0), r.get("id", "")))
    summary = (latest.get("metrics") or {}).get("durationSummary") or {}
    details = {"id": latest["id"], "state": latest.get("state")}
    if "startedAtUTC" in summary:
        details["startedAtUTC"] = summary["startedAtUTC"]
    if "completedAtUTC" in summary:
        details["completedAtUTC"] = summary["completedAtUTC"]
    return details


# -- writing -----------------------------------------------------------------------------------------
def update_run(ctx: RequestContext, run_id: str, body: Any, if_match: str | None) -> dict[str, Any]:
    """``PUT /runs/{id}``: a provider reports on a run. Needs ``If-Match`` (1403/1404)."""
    current = get_run(ctx, run_id)
    check_if_match(if_match, current)
    if not isinstance(body, dict):
        raise BadRequest("The request body of a run must be a JSON object.")
    validation.check_body(ctx, "flowservice", "PUT", "/runs/{RUN_ID}", body)
    if body.get("flowId") not in (None, current["flowId"]):
        raise BadRequest(f"The flow of run {run_id} cannot be changed (it is {current['flowId']}).",
                         sub_errors=[{"path": "/flowId", "message": "cannot be changed"}])
    if "params" in body:
        flow = models.get_flow(ctx, current["flowId"])
        if flow is not None:
            _check_params(ctx, flow, body["params"])
    record = dict(current)
    for key in UPDATABLE:
        if key in body:
            record[key] = copy.deepcopy(body[key])
    status = ((body.get("metrics") or {}).get("statusSummary") or {}).get("status")
    if isinstance(status, str) and status:
        record["state"] = status
        record[INTERNAL] = {**record.get(INTERNAL, {}), "managed": True}
    record["updatedAt"] = ctx.now_ms
    record["updatedBy"] = ctx.user_id
    record["updatedClient"] = ctx.client_id
    record["etag"] = new_flow_etag()
    return ctx.tenant.collection(RUNS).put(run_id, record)


def act(ctx: RequestContext, run_id: str, op: str | None, if_match: str | None) -> dict[str, Any]:
    """``POST /runs/{id}/action?op=RE_TRIGGER``: run a finished run again, from now."""
    current = get_run(ctx, run_id)
    if op is None or not op.strip():
        raise BadRequest("The query parameter op is missing. Supported operations: RE_TRIGGER.")
    if op.strip().upper() not in ACTIONS:
        raise BadRequest(f"Unsupported operation '{op}' received. Please use one of the supported operations "
                         "(RE_TRIGGER) and try again.", code="1435")
    if if_match is not None and if_match.strip():
        check_if_match(if_match, current)
    if current.get("state") not in FINAL:
        raise BadRequest(f"The action re_trigger cannot be applied on the current state {current.get('state')}. "
                         "Please update the action and try again.", code="1422")
    record = dict(current)
    record.update(state="scheduled", metrics={"statusSummary": {"status": "scheduled"}}, activities=[],
                  updatedAt=ctx.now_ms, updatedBy=ctx.user_id, updatedClient=ctx.client_id, etag=new_flow_etag())
    params = dict(record.get("params") or {})
    params.pop("startTime", None)  # a re-trigger starts now, whatever the first start was
    record[INTERNAL] = _timeline(ctx, params)
    collection = ctx.tenant.collection(RUNS)
    collection.put(run_id, record)
    _advance_one(ctx, run_id)
    return collection.get(run_id)  # type: ignore[return-value]
