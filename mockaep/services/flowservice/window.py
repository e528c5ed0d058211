"""Which rows a run reads: its source table, the delta column, the window, the flow's watermark.

A flow's Copy transformation names the delta column (``deltaColumn.name``, with an optional
``timezone`` for date-times written without one); an on-demand run may name its own in
``params.deltaColumn``. A run reads the rows whose delta column falls in its window
``(start, end]``:

* a scheduled run (its id is its flow's and slot's, ``schedules.run_id``) starts after the
  flow's watermark — the window end of its last successful scheduled run — so a failed run's
  rows are read again by the next run, and no row is read by two successful ones; before any
  success it starts where the schedule's first window does: with ``backfill`` (the default) it
  reads every row up to its end, undated ones too, else from one period before the first run;
* an on-demand run (``POST /runs``) reads exactly its ``windowStartTime``..``windowEndTime`` and
  leaves the watermark alone (a reload, not a step of the schedule).

Without a delta column every run reads the whole table (a full load). A delta value is an
ISO-8601 date-time (or date), or a number of epoch seconds (epoch milliseconds past 10^11); a
row whose value is neither is read by backfills only.

An edited table (``sources``) is read through an index of its rows by delta moment, built once
per table, column and zone (``tenant.derived``) and kept up to date by appends, so a run reads
the rows of its window and no other. No Flask here.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

from dateutil import parser as dateparser
from dateutil import tz

from mockaep.core.context import RequestContext
from mockaep.services.flowservice import explore, schedules, sources

#: ``tenant.meta`` key: flow id → window end (epoch s) of its last successful scheduled run.
WATERMARK_META = "flowservice.watermarks"
MAX_ZONE = 64
MAX_DATE_TEXT = 64


@dataclass(frozen=True)
class Window:
    """What a run reads: rows whose delta moment is in ``(start, end]`` (None: unbounded)."""

    column: str | None
    zone: str | None
    start: float | None
    end: float | None
    scheduled: bool

    def holds(self, moment: float | None) -> bool:
        if moment is None:
            return self.start is None
        return (self.start is None or moment > self.start) and (self.end is None or moment <= self.end)


@dataclass
class WindowIndex:
    """An edited table's rows by delta moment (ties in table order), and its undated rows."""

    column: str
    zone: str | None
    moments: list[tuple[float, str]] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)

    def add(self, row_id: str, row: Mapping[str, Any]) -> None:
        moment = delta_moment(row.get(self.column), self.zone)
        if moment is None:
            self.undated.append(row_id)
        else:
            bisect.insort(self.moments, (moment, row_id))

    def select(self, window: Window) -> list[str]:
        low = 0 if window.start is None else bisect.bisect_right(self.moments, (window.start, "\uffff"))
        high = len(self.moments) if window.end is None else bisect.bisect_right(self.moments, (window.end, "\uffff"))
        found = [row_id for _moment, row_id in self.moments[low:high]]
        if window.start is None:
            found.extend(self.undated)
        return sorted(found)  # row ids number the table's rows: the table's order


# -- delta values -------------------------------------------------------------------------------------------
def delta_moment(value: Any, zone: str | None = None) -> float | None:
    """Epoch seconds of a delta column's value, or None when it is not a moment."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value != value or abs(value) > 1e15:
            return None
        return value / 1000 if abs(value) >= 1e11 else float(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_DATE_TEXT:
        return None
    try:
        moment = dateparser.isoparse(value.strip())
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(zone))
    try:
        return moment.timestamp()
    except (ValueError, OverflowError):
        return None


def _zone(name: str | None) -> Any:
    if isinstance(name, str) and 0 < len(name) <= MAX_ZONE:
        found = tz.gettz(name)
        if found is not None:
            return found
    return timezone.utc


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat().replace("+00:00", "Z")


# -- the window of a run --------------------------------------------------------------------------------------
def _delta(run: Mapping[str, Any], flow: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    params = run.get("params") if isinstance(run.get("params"), Mapping) else {}
    candidates = [params.get("deltaColumn")] + [
        (t.get("params") or {}).get("deltaColumn") for t in (flow or {}).get("transformations") or []
        if isinstance(t, Mapping) and isinstance(t.get("params"), Mapping)]
    for delta in candidates:
        if isinstance(delta, Mapping) and isinstance(delta.get("name"), str) and delta["name"]:
            return delta
    return None


def watermark(ctx: RequestContext, flow_id: str) -> int | None:
    found = ctx.tenant.meta.get(WATERMARK_META, {}).get(flow_id)
    return found if type(found) is int else None


def advance_watermark(ctx: RequestContext, flow_id: str, end: int) -> None:
    marks = ctx.tenant.meta.setdefault(WATERMARK_META, {})
    current = marks.get(flow_id)
    if type(current) is not int or end > current:
        marks[flow_id] = end


def forget_watermark(ctx: RequestContext, flow_id: str) -> None:
    ctx.tenant.meta.get(WATERMARK_META, {}).pop(flow_id, None)


def of_run(ctx: RequestContext, run: Mapping[str, Any], flow: Mapping[str, Any] | None) -> Window:
    """The window a run reads (see the module's docstring)."""
    params = run.get("params") if isinstance(run.get("params"), Mapping) else {}
    start, end = schedules.seconds(params.get("windowStartTime")), schedules.seconds(params.get("windowEndTime"))
    scheduled = end is not None and run.get("id") == schedules.run_id(str(run.get("flowId")), end)
    if scheduled:  # after the last successful run, or where the schedule's first run started
        mark = watermark(ctx, str(run.get("flowId")))
        first = schedules.first_window_start(flow) if flow is not None else None
        start = mark if mark is not None else first if first is not None else start
    delta = _delta(run, flow)
    zone = delta.get("timezone") if delta is not None and isinstance(delta.get("timezone"), str) else None
    return Window(delta["name"] if delta is not None else None, zone,
                  None if start is None or start <= 0 else float(start),
                  None if end is None else float(end), scheduled)


# -- reading ----------------------------------------------------------------------------------------------------
def read(ctx: RequestContext, source: Mapping[str, Any], base_id: str | None, window: Window
         ) -> tuple[list[dict[str, Any]], int]:
    """(rows, input file count) a run of this source connection reads in ``window``."""
    spec_id = str((source.get("connectionSpec") or {}).get("id", ""))
    params = source.get("params") if isinstance(source.get("params"), Mapping) else {}
    name = str(params.get("tableName") or params.get("path") or "")
    if sources.table(ctx, base_id, spec_id, name) is not None:
        return _table_rows(ctx, base_id, spec_id, name, window), 1
    rows, files = explore.rows_for(ctx, spec_id, params)  # a file source: its fixture's files
    return [row for row in rows if _kept(row, window)], files


def _kept(row: Mapping[str, Any], window: Window) -> bool:
    return window.column is None or window.holds(delta_moment(row.get(window.column), window.zone))


def _table_rows(ctx: RequestContext, base_id: str | None, spec_id: str, name: str, window: Window
                ) -> list[dict[str, Any]]:
    if not sources.is_edited(ctx, base_id, name):
        return [row for row in sources.rows(ctx, base_id, spec_id, name) if _kept(row, window)]
    assert base_id is not None
    if window.column is None:
        return list(sources.rows(ctx, base_id, spec_id, name))
    indexes = sources.indexes_of(ctx, sources.source_key(base_id, name))
    index = indexes.get((window.column, window.zone))
    if index is None:  # built once per table, column and zone; appends keep it up to date
        index = WindowIndex(window.column, window.zone)
        for row_id in sources.row_ids(ctx, base_id, name):
            index.add(row_id, sources.row_by_id(ctx, row_id) or {})
        indexes[(window.column, window.zone)] = index
    found = (sources.row_by_id(ctx, row_id) for row_id in index.select(window))
    return [row for row in found if row is not None]
