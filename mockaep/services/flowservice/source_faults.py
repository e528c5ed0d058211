"""Faults a source can be made to show to the runs that read it (emulator-only; the control plane
sets them, ``PUT /_mockaep/sources/{baseConnectionId}/fault``).

The request-level fault rules (``/_mockaep/faults``) fail HTTP calls; a run reads its source on
the emulator clock, inside no call, so a source gets faults of its own::

    {"kind": "unavailable" | "throttled" | "slow", "runs": N (optional), "delaySeconds": S (slow)}

* ``unavailable``: the source cannot be reached — a run fails in its copy activity with
  ``CONNECTOR-1002-503``, reads nothing, lands nothing;
* ``throttled``: the source answers "too many requests" — a run fails in its copy activity with
  ``CONNECTOR-1003-429``;
* ``slow``: the copy takes ``delaySeconds`` longer (the run stays ``inProgress``), then the run
  goes on as usual.

``runs`` limits the fault to the next N runs that meet it (then it is gone); without it the
fault stays until deleted. A failed run's rows are read again by the flow's next scheduled run
(its window starts at the last successful run's watermark), or by a ``RE_TRIGGER``. The codes
are mockaep's (the platform documents none for these failures), in the ``CONNECTOR`` family
monitor.md shows for run errors. No Flask here.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest
from mockaep.services.flowservice.records import require
from mockaep.services.flowservice.resources import CONNECTIONS, SOURCE_FAULTS

KINDS = ("unavailable", "throttled", "slow")
MAX_RUNS = 1_000_000
MAX_DELAY_SECONDS = 7 * 86_400
#: The error a run shows for each failure its source causes (``credentials``: a base connection
#: whose auth params hold ``explore.INVALID_CREDENTIAL``).
RUN_ERRORS = {
    "credentials": {"code": "CONNECTOR-1001-400", "message": "The source refused the credentials of the base connection."},
    "unavailable": {"code": "CONNECTOR-1002-503", "message": "The source could not be reached; the copy was not made."},
    "throttled": {"code": "CONNECTOR-1003-429", "message": "The source throttled the copy (too many requests); "
                                                           "the run can be retried."},
}


def _checked(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest('Send a fault as a JSON object: {"kind": "unavailable" | "throttled" | "slow", '
                         '"runs": N, "delaySeconds": S}.')
    unknown = sorted(set(body) - {"kind", "runs", "delaySeconds"})
    if unknown:
        raise BadRequest(f"Unknown field(s) {', '.join(str(u)[:50] for u in unknown)}; a fault takes kind, runs and "
                         "delaySeconds.")
    kind = body.get("kind")
    if kind not in KINDS:
        raise BadRequest(f"'kind' must be one of {', '.join(KINDS)}.")
    fault: dict[str, Any] = {"kind": kind}
    if "runs" in body:
        runs = body["runs"]
        if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
            raise BadRequest(f"'runs' must be a whole number from 1 to {MAX_RUNS}.")
        fault["runs"] = runs
    delay = body.get("delaySeconds")
    if kind == "slow":
        if isinstance(delay, bool) or not isinstance(delay, int) or not 1 <= delay <= MAX_DELAY_SECONDS:
            raise BadRequest(f"A slow source needs 'delaySeconds', a whole number from 1 to {MAX_DELAY_SECONDS}.")
        fault["delaySeconds"] = delay
    elif delay is not None:
        raise BadRequest("'delaySeconds' applies to a slow source only.")
    return fault


def read_fault(ctx: RequestContext, base_id: str) -> dict[str, Any]:
    require(ctx, CONNECTIONS, base_id)
    found = ctx.tenant.collection(SOURCE_FAULTS.collection).get(base_id)
    return {"baseConnectionId": base_id, "fault": _shown(found)}


def set_fault(ctx: RequestContext, base_id: str, body: Any) -> dict[str, Any]:
    require(ctx, CONNECTIONS, base_id)
    fault = _checked(body)
    ctx.tenant.collection(SOURCE_FAULTS.collection).put(base_id, {"baseConnectionId": base_id, **fault,
                                                                  "createdAt": ctx.now_ms})
    return read_fault(ctx, base_id)


def clear_fault(ctx: RequestContext, base_id: str) -> dict[str, Any]:
    require(ctx, CONNECTIONS, base_id)
    ctx.tenant.collection(SOURCE_FAULTS.collection).delete(base_id)
    return {"baseConnectionId": base_id, "fault": None}


def _shown(record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {k: v for k, v in record.items() if k in ("kind", "runs", "delaySeconds", "createdAt")}


def take(ctx: RequestContext, base_id: str | None, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    """The source's fault when it is one of ``kinds``, counted as met by one run."""
    if base_id is None:
        return None
    faults = ctx.tenant.collection(SOURCE_FAULTS.collection)
    found = faults.get(base_id)
    if found is None or found.get("kind") not in kinds:
        return None
    if isinstance(found.get("runs"), int):
        if found["runs"] <= 1:
            faults.delete(base_id)
        else:
            faults.put(base_id, {**found, "runs": found["runs"] - 1})
    return found


def forget_connection(ctx: RequestContext, base_id: str) -> None:
    ctx.tenant.collection(SOURCE_FAULTS.collection).delete(base_id)
