"""Runs on the emulator clock: the runs schedules start, runs moving from state to state, and the
latest run of each flow (a flow's ``lastRunDetails``).

mockaep never runs a thread: runs are brought up to ``ctx.now_ms`` whenever they are read
(:func:`advance`). A run is ``scheduled`` until its ``startsAt``, ``inProgress`` until its
``completesAt``, then finished by :func:`outcome.finish` (the one step that does a run's work).
The timeline lives in each run record under ``_mockaep`` and is never shown.

What a read must not cost — every enabled flow, every unfinished run — is kept in plans in
``tenant.derived``, built on first use from the records and kept up to date by every write that
goes through this module or ``models`` (a restored state document makes a new tenant, and so new
plans): which flow's schedule falls due next, which run changes next, and each flow's latest run.
A read then pays for what is due now, not for what is stored. No Flask here.
"""
from __future__ import annotations

import bisect
import heapq
from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.ids import new_flow_etag
from mockaep.core.store import Collection
from mockaep.services.flowservice import outcome, schedules, window
from mockaep.services.flowservice.records import system_fields
from mockaep.services.flowservice.resources import FLOWS, RUNS

#: A new run waits this long in the platform's queue before it starts (so it reads
#: ``scheduled`` right after ``POST /runs``, as create-flow-runs.md shows).
QUEUE_MS = 5_000
COPY_MS = 30_000
PROMOTION_MS = 15_000
ACTIVE = ("scheduled", "inProgress")
FINAL = ("success", "failed")
INTERNAL = "_mockaep"
#: Flows' lastRunDetails kept per tenant before the cache starts over.
MAX_CACHED_DETAILS = 10_000
#: ``tenant.meta`` key: flow id → window end (epoch s) of its latest scheduled run (state: exported).
SCHEDULE_META = "flowservice.lastScheduledRun"


class _Plan:
    """Keys due at a time (epoch ms): a heap, and each key's current time (stale heap entries are
    skipped when popped, so changing a key's time is a push)."""

    def __init__(self) -> None:
        self.heap: list[tuple[int, str]] = []
        self.due: dict[str, int] = {}

    def set(self, key: str, when: int | None) -> None:
        if when is None:
            self.due.pop(key, None)
        elif self.due.get(key) != when:
            self.due[key] = when
            heapq.heappush(self.heap, (when, key))

    def pop_due(self, now: int) -> list[str]:
        found = []
        while self.heap and self.heap[0][0] <= now:
            when, key = heapq.heappop(self.heap)
            if self.due.get(key) == when:
                del self.due[key]
                found.append(key)
        return found


# -- the plans ---------------------------------------------------------------------------------------
def _flow_plan(ctx: RequestContext) -> _Plan:
    """When each enabled flow's schedule next starts a run."""
    key = ("flowservice", "flow-schedule")
    plan = ctx.tenant.derived.get(key)
    if plan is None:
        plan = _Plan()
        flows = ctx.tenant.collection(FLOWS.collection)
        latest = ctx.tenant.meta.get(SCHEDULE_META, {})
        # Built once per tenant: every enabled flow is read here, never again by a runs list.
        for flow_id in flows.ids(among=flows.hits("state", "enabled")):
            flow = flows.get(flow_id)
            if flow is not None:
                plan.set(flow_id, schedules.next_due_ms(flow, _slot(latest, flow_id)))
        ctx.tenant.derived[key] = plan
    return plan


def _run_plan(ctx: RequestContext) -> _Plan:
    """When each unfinished run next changes state."""
    key = ("flowservice", "run-changes")
    plan = ctx.tenant.derived.get(key)
    if plan is None:
        plan = _Plan()
        runs = ctx.tenant.collection(RUNS.collection)
        for state in ACTIVE:
            for run_id in runs.ids(among=runs.hits("state", state)):
                run = runs.get(run_id)
                if run is not None:
                    plan.set(run_id, _next_change(run))
        ctx.tenant.derived[key] = plan
    return plan


def _due_of(ctx: RequestContext, flow_id: str, flow: Mapping[str, Any] | None) -> int | None:
    """When one flow's schedule next starts a run: from the whole plan once a runs list built it,
    else from a per-flow note (one flow read, then none until the flow or its runs change)."""
    plan = ctx.tenant.derived.get(("flowservice", "flow-schedule"))
    if plan is not None:
        return plan.due.get(flow_id)
    known = ctx.tenant.derived.setdefault(("flowservice", "flow-due"), {})
    if flow_id not in known:
        record = flow if flow is not None else ctx.tenant.collection(FLOWS.collection).get(flow_id)
        if len(known) >= MAX_CACHED_DETAILS:
            known.clear()  # bounded: rebuilt on demand, one flow read each
        latest = ctx.tenant.meta.get(SCHEDULE_META, {})
        known[flow_id] = schedules.next_due_ms(record, _slot(latest, flow_id)) if record is not None else None
    return known[flow_id]


def _latest_runs(ctx: RequestContext) -> dict[str, tuple[int, str]]:
    """Flow id → (createdAt, id) of its latest run, filled per flow on first need."""
    return ctx.tenant.derived.setdefault(("flowservice", "latest-run"), {})


def _slot(latest: Mapping[str, Any], flow_id: str) -> int | None:
    found = latest.get(flow_id)
    return found if type(found) is int else None


def _next_change(run: Mapping[str, Any]) -> int | None:
    """When a stored run next changes state (None: never by itself)."""
    timeline = run.get(INTERNAL)
    if run.get("state") not in ACTIVE or not isinstance(timeline, dict) or timeline.get("managed"):
        return None  # finished, or a provider took over with PUT /runs/{id}
    return timeline["startsAt"] if run.get("state") == "scheduled" else timeline["completesAt"]


# -- writes every run goes through ----------------------------------------------------------------------
def store_run(ctx: RequestContext, run: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
    """Store a run and keep the plans true."""
    ctx.tenant.collection(RUNS.collection).put(run["id"], run)
    if ("flowservice", "run-changes") in ctx.tenant.derived:
        _run_plan(ctx).set(run["id"], _next_change(run))
    latest = _latest_runs(ctx)
    flow_id = run["flowId"]
    if new and flow_id in latest and (run.get("createdAt", 0), run["id"]) > latest[flow_id]:
        latest[flow_id] = (run.get("createdAt", 0), run["id"])
    return run


def flow_written(ctx: RequestContext, flow: Mapping[str, Any]) -> None:
    """A flow was created or changed (schedule, state): when its next run falls due may change."""
    ctx.tenant.derived.get(("flowservice", "flow-due"), {}).pop(flow["id"], None)
    if ("flowservice", "flow-schedule") in ctx.tenant.derived:
        latest = ctx.tenant.meta.get(SCHEDULE_META, {})
        _flow_plan(ctx).set(flow["id"], schedules.next_due_ms(flow, _slot(latest, flow["id"])))


def forget_flow(ctx: RequestContext, flow_id: str) -> None:
    """A flow is being deleted: its runs go with it (``GET /runs/{id}`` then answers 404 1101 and
    lists no longer show them), as does its schedule bookkeeping. Batches its runs landed stay
    in Catalog: ingested data outlives the flow that brought it."""
    runs = ctx.tenant.collection(RUNS.collection)
    plan = ctx.tenant.derived.get(("flowservice", "run-changes"))
    for run_id in list(runs.ids(among=runs.hits("flowId", flow_id))):
        runs.delete(run_id)
        if plan is not None:
            plan.set(run_id, None)
    ctx.tenant.meta.get(SCHEDULE_META, {}).pop(flow_id, None)
    window.forget_watermark(ctx, flow_id)
    _latest_runs(ctx).pop(flow_id, None)
    ctx.tenant.derived.get(("flowservice", "flow-due"), {}).pop(flow_id, None)
    if ("flowservice", "flow-schedule") in ctx.tenant.derived:
        _flow_plan(ctx).set(flow_id, None)


def new_timeline(ctx: RequestContext, params: Mapping[str, Any]) -> dict[str, int]:
    """The timeline of a run created (or re-triggered) now with these ``params``: queued, then
    started no earlier than ``startTime``, copying once its window (``windowEndTime``) closed."""
    start_time = schedules.seconds(params.get("startTime"))
    begins = max(ctx.now_ms + QUEUE_MS, (start_time or 0) * 1000)
    window_end = (schedules.seconds(params.get("windowEndTime")) or 0) * 1000
    copy_from = max(begins, window_end)
    return {"startsAt": begins, "copyFrom": copy_from, "completesAt": copy_from + COPY_MS + PROMOTION_MS}


# -- scheduling ----------------------------------------------------------------------------------------
def _schedule(ctx: RequestContext, flow_id: str, flow: Mapping[str, Any] | None) -> None:
    """Create the runs the flow's schedule made due by now (see ``schedules``)."""
    latest = ctx.tenant.meta.setdefault(SCHEDULE_META, {})
    if flow is None:
        return
    runs = ctx.tenant.collection(RUNS.collection)
    for window_start, slot in schedules.due_slots(flow, ctx.now_ms, _slot(latest, flow_id)):
        latest[flow_id] = slot
        run_id = schedules.run_id(flow_id, slot)
        if run_id in runs:
            continue  # already started (ids are derived from the slot)
        at = slot * 1000
        store_run(ctx, {
            "id": run_id,
            **system_fields(ctx),
            "createdAt": at, "updatedAt": at,
            "createdBy": flow.get("createdBy", ctx.user_id), "updatedBy": flow.get("createdBy", ctx.user_id),
            "createdClient": flow.get("createdClient", ctx.client_id),
            "updatedClient": flow.get("createdClient", ctx.client_id),
            "flowId": flow_id,
            "flowSpec": dict(flow.get("flowSpec") or {}),
            "providerRefId": "",
            "params": {"windowStartTime": window_start, "windowEndTime": slot},
            "etag": new_flow_etag(),
            "state": "scheduled",
            "metrics": scheduled_metrics(),
            "activities": [],
            INTERNAL: {"startsAt": at, "copyFrom": at, "completesAt": at + COPY_MS + PROMOTION_MS},
        }, new=True)
    due = schedules.next_due_ms(flow, _slot(latest, flow_id))
    if ("flowservice", "flow-schedule") in ctx.tenant.derived:
        _flow_plan(ctx).set(flow_id, due)
    if ("flowservice", "flow-due") in ctx.tenant.derived:
        ctx.tenant.derived[("flowservice", "flow-due")][flow_id] = due


def scheduled_metrics() -> dict[str, Any]:
    """A run's metrics before it starts: every summary a client reads, empty."""
    return {"durationSummary": {}, "sizeSummary": {"inputBytes": 0, "outputBytes": 0},
            "recordSummary": {"inputRecordCount": 0, "outputRecordCount": 0, "failedRecordCount": 0},
            "fileSummary": {"inputFileCount": 0, "outputFileCount": 0}, "statusSummary": {"status": "scheduled"}}


# -- progress ------------------------------------------------------------------------------------------
def advance(ctx: RequestContext, flow_id: str | None = None, flow: Mapping[str, Any] | None = None) -> None:
    """Create the runs schedules made due, then bring unfinished runs up to ``ctx.now_ms``: those of
    one flow (``flow``: its record, when the caller holds it), or (``flow_id`` None) every run
    whose time has come."""
    now = ctx.now_ms
    flows = ctx.tenant.collection(FLOWS.collection)
    runs = ctx.tenant.collection(RUNS.collection)
    if flow_id is not None:
        due = _due_of(ctx, flow_id, flow)
        if due is not None and due <= now:
            _schedule(ctx, flow_id, flow if flow is not None else flows.get(flow_id))
        # the run plan (built once per tenant) says when each unfinished run next changes: only
        # those whose time has come are read
        changes = _run_plan(ctx).due
        candidates = [run_id for run_id in _active_runs_of(runs, flow_id)
                      if run_id not in changes or changes[run_id] <= now]
    else:
        for due_id in _flow_plan(ctx).pop_due(now):
            _schedule(ctx, due_id, flows.get(due_id))
        candidates = _run_plan(ctx).pop_due(now)
    # Runs that change now, in the order they do (so the batch of the run finishing last is its
    # dataset's lastBatchId), ties by id: the same on every emulator replaying the same state.
    changing = []
    for run_id in candidates:
        run = runs.get(run_id)
        timeline = _changes(run, now)
        if run is not None and timeline is not None:
            changing.append((min(now, timeline["completesAt"]), run_id, run))
        elif run is not None and ("flowservice", "run-changes") in ctx.tenant.derived:
            _run_plan(ctx).set(run_id, _next_change(run))  # not yet: back in the plan
    for _moment, _run_id, run in sorted(changing, key=lambda c: (c[0], c[1])):
        _advance_one(ctx, run)


def _active_runs_of(runs: Collection, flow_id: str) -> list[str]:
    """Ids of a flow's unfinished runs, from the indexes alone (no run is read)."""
    active = [runs.hits("state", state) for state in ACTIVE]
    found = []
    for seq in runs.hits("flowId", flow_id):
        for seqs in active:
            position = bisect.bisect_left(seqs, seq)
            if position < len(seqs) and seqs[position] == seq:
                found.append(runs.id_at(seq))
                break
    return found


def _changes(stored: Mapping[str, Any] | None, now: int) -> Mapping[str, int] | None:
    """The timeline of a stored run whose state moves at ``now``, else None."""
    if stored is None or _next_change(stored) is None:
        return None
    timeline = stored[INTERNAL]
    if now < timeline["startsAt"]:
        return None
    if now < timeline["completesAt"] and stored.get("state") == "inProgress":
        return None  # nothing changes until it completes
    return timeline


def _advance_one(ctx: RequestContext, run: dict[str, Any]) -> dict[str, Any]:
    """Bring one run up to now (a run that does not move is returned as it is)."""
    timeline = _changes(run, ctx.now_ms)
    if timeline is None:
        return run
    if ctx.now_ms >= timeline["completesAt"]:
        later = outcome.postponed(ctx, run, timeline)  # a slow source: the copy takes longer
        if later is not None:
            timeline = run[INTERNAL] = {**timeline, "completesAt": later, "slowed": True}
    if ctx.now_ms < timeline["completesAt"]:
        run.update(state="inProgress", metrics=_in_progress_metrics(timeline), activities=[])
        run["updatedAt"] = max(timeline["startsAt"], run.get("updatedAt", 0))
    else:
        copy_ms = timeline["completesAt"] - PROMOTION_MS - timeline["copyFrom"]
        run.update(outcome.finish(ctx, run, timeline, copy_ms))
        run["updatedAt"] = max(run["metrics"]["durationSummary"]["completedAtUTC"], run.get("updatedAt", 0))
    run["etag"] = new_flow_etag()
    return store_run(ctx, run)


def _in_progress_metrics(timeline: Mapping[str, int]) -> dict[str, Any]:
    return {**scheduled_metrics(), "durationSummary": {"startedAtUTC": timeline["startsAt"]},
            "statusSummary": {"status": "inProgress"}}


def current_run(ctx: RequestContext, run_id: str) -> dict[str, Any] | None:
    """One run, brought up to the clock, or None."""
    run = ctx.tenant.collection(RUNS.collection).get(run_id)
    return _advance_one(ctx, run) if run is not None else None


# -- a flow's latest run ---------------------------------------------------------------------------------
def last_run_details(ctx: RequestContext, flow_id: str,
                     flow: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """A flow's ``lastRunDetails`` (``{id, state, startedAtUTC, completedAtUTC}``) from its latest
    run, or None when it has none. Costs the flow's due runs and one run read."""
    advance(ctx, flow_id, flow)
    runs = ctx.tenant.collection(RUNS.collection)
    latest = _latest_runs(ctx)
    if flow_id not in latest:
        found = [(run.get("createdAt", 0), run_id) for run_id in runs.ids(among=runs.hits("flowId", flow_id))
                 if (run := runs.get(run_id)) is not None]
        if not found:
            return None
        latest[flow_id] = max(found)
    run_id = latest[flow_id][1]
    stored = runs.raw(run_id)
    if stored is None:
        return None
    # Derived from the run as stored: kept while that stored text is the same object (every write
    # of the run stores a new one), so a flow read does not decode its latest run again.
    cache = ctx.tenant.derived.setdefault(("flowservice", "run-details"), {})
    cached = cache.get(run_id)
    if cached is not None and cached[0] is stored:
        return dict(cached[1])
    run = runs.get(run_id) or {}
    summary = (run.get("metrics") or {}).get("durationSummary") or {}
    details: dict[str, Any] = {"id": run_id, "state": run.get("state")}
    if "startedAtUTC" in summary:
        details["startedAtUTC"] = summary["startedAtUTC"]
    if "completedAtUTC" in summary:
        details["completedAtUTC"] = summary["completedAtUTC"]
    if len(cache) >= MAX_CACHED_DETAILS:
        cache.clear()  # bounded: rebuilt on demand, one run read each
    cache[run_id] = (stored, details)
    return dict(details)
