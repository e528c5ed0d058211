"""When a flow's schedule makes the platform start a run, on the emulator clock.

A flow's ``scheduleParams`` (``startTime`` epoch seconds, ``frequency`` once|minute|hour|day|
week, ``interval``, ``backfill``) define run times: ``startTime`` and every ``interval``
frequencies after it (``once``: one run). The platform starts no run before the flow exists: a
``startTime`` in the past starts the first run when the flow is created, then every period after
that. Each run reads the window since the previous run; the first reads all history when
``backfill`` is true (the default), else one period. ``runs.advance`` asks for the slots due up to
now and creates the runs; at most :data:`MAX_CATCH_UP` are created per flow and read, so a clock
moved years ahead creates only the latest runs (older slots are skipped, as a platform outage
would). Only enabled flows get runs. Pure functions, no Flask, no state.

A scheduled run's id is derived from its flow and slot (:func:`run_id`), not drawn at random:
reading runs twice, or reading a state exported before the runs existed in another emulator,
yields the same ids, so exports and seeds round-trip faithfully.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

from mockaep.services.flowservice.flows import coerce

PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 604800}
MAX_CATCH_UP = 24
_INTEGER = {"type": "integer"}
#: Namespace of scheduled-run ids (uuid5): fixed, so every emulator derives the same ids.
RUN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://mockaep/flowservice/scheduled-run")


def run_id(flow_id: str, slot: int) -> str:
    """The id of the run ``flow_id``'s schedule starts at ``slot`` (epoch seconds)."""
    return str(uuid.uuid5(RUN_NAMESPACE, f"{flow_id}/{slot}"))


def seconds(value: Any) -> int | None:
    """An integer (epoch seconds, counts) sent as a number or a numeric string, else None."""
    if type(value) is int:  # the common case, read for every scheduled flow on every runs list
        return value
    coerced = coerce(value, _INTEGER)
    return coerced if isinstance(coerced, int) and not isinstance(coerced, bool) else None


def _backfill(schedule: Mapping[str, Any]) -> bool:
    value = coerce(schedule.get("backfill", True), {"type": "boolean"})
    return value is not False


def _plan(flow: Mapping[str, Any]) -> tuple[int, int] | None:
    """(first slot, period) in epoch seconds of an enabled flow's schedule, period 0 for ``once``;
    None when the flow starts no run (disabled, no or unusable schedule)."""
    schedule = flow.get("scheduleParams")
    if flow.get("state") != "enabled" or not isinstance(schedule, dict):  # stored records are dicts
        return None
    start, frequency = seconds(schedule.get("startTime")), schedule.get("frequency")
    if start is None or (frequency != "once" and frequency not in PERIOD_SECONDS):
        return None
    first = max(start, int(flow.get("createdAt") or 0) // 1000)
    if frequency == "once":
        return first, 0
    interval = seconds(schedule.get("interval"))
    if interval is None or interval < 1:
        return None
    return first, PERIOD_SECONDS[frequency] * interval


def due_slots(flow: Mapping[str, Any], now_ms: int, last_slot: int | None) -> list[tuple[int, int]]:
    """``(windowStartTime, windowEndTime)`` in epoch seconds of each run due after ``last_slot``
    (the window end of the flow's previous scheduled run) up to ``now_ms``, oldest first."""
    plan = _plan(flow)
    if plan is None:
        return []
    first, period = plan
    backfill = _backfill(flow["scheduleParams"])
    now = now_ms // 1000
    if period == 0:
        return [(0 if backfill else first, first)] if last_slot is None and first <= now else []
    if now < first:
        return []
    latest = first + (now - first) // period * period
    begin = first if last_slot is None else last_slot + period
    begin = max(begin, latest - (MAX_CATCH_UP - 1) * period)
    slots = []
    for slot in range(begin, latest + 1, period):
        if slot == first and last_slot is None:
            window_start = 0 if backfill else slot - period
        else:
            window_start = slot - period
        slots.append((window_start, slot))
    return slots


def first_window_start(flow: Mapping[str, Any]) -> int | None:
    """Where the window of the flow's first scheduled run starts (epoch s; 0: all history), or
    None when its schedule cannot be read. Enabled or not: a re-triggered run asks too."""
    schedule = flow.get("scheduleParams")
    if not isinstance(schedule, dict):
        return None
    start, frequency = seconds(schedule.get("startTime")), schedule.get("frequency")
    if start is None:
        return None
    if _backfill(schedule):
        return 0
    first = max(start, int(flow.get("createdAt") or 0) // 1000)
    interval = seconds(schedule.get("interval"))
    if frequency == "once" or frequency not in PERIOD_SECONDS or interval is None or interval < 1:
        return first
    return first - PERIOD_SECONDS[frequency] * interval


def next_due_ms(flow: Mapping[str, Any], last_slot: int | None) -> int | None:
    """The clock time (epoch ms) from which :func:`due_slots` has a run for ``flow`` after
    ``last_slot``; None when it never will (until the flow changes). Lets a runs list skip flows
    with nothing due instead of working out every flow's slots on every read."""
    plan = _plan(flow)
    if plan is None:
        return None
    first, period = plan
    if period == 0:
        return first * 1000 if last_slot is None else None
    wanted = first if last_slot is None else last_slot + period
    steps = max(0, -(-(wanted - first) // period))  # the first slot of the grid at or after `wanted`
    return (first + steps * period) * 1000
