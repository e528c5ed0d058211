"""How a run ends: what its source yields inside its window, the final metrics and activities
monitor.md shows (copy then promotion), and, through ``landing``, the Catalog batches it writes.

:func:`finish` is the one step that does a run's work; ``progress`` (which drives the clock)
calls it once, when the run completes, and stores what it returns. Replacing it (reading the
source's rows, mapping and validating them, landing what passes) changes nothing else.
No Flask here.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from dateutil import parser as dateparser

from mockaep.core.context import RequestContext
from mockaep.services.flowservice import explore, landing
from mockaep.services.flowservice.records import record as read
from mockaep.services.flowservice.resources import CONNECTIONS, FLOWS, SOURCE_CONNECTIONS
from mockaep.services.flowservice.schedules import seconds

# No documented code exists for a source refusing credentials during a run; mockaep reuses the
# CONNECTOR family monitor.md shows for run errors.
CREDENTIALS_ERROR = {"code": "CONNECTOR-1001-400",
                     "message": "The source refused the credentials of the base connection."}


def _source(ctx: RequestContext, flow: Mapping[str, Any] | None) -> tuple[Mapping[str, Any] | None, Mapping | None]:
    """(source connection, base connection) of a flow, when they still exist."""
    for source_id in (flow or {}).get("sourceConnectionIds") or []:
        source = read(ctx, SOURCE_CONNECTIONS, source_id)
        if source is not None:
            base = read(ctx, CONNECTIONS, source.get("baseConnectionId"))
            return source, base
    return None, None


def _delta_column(record: Mapping[str, Any], flow: Mapping[str, Any] | None) -> str | None:
    params = record.get("params") if isinstance(record.get("params"), Mapping) else {}
    candidates = [params.get("deltaColumn")] + [
        (t.get("params") or {}).get("deltaColumn") for t in (flow or {}).get("transformations") or []
        if isinstance(t, Mapping) and isinstance(t.get("params"), Mapping)]
    for delta in candidates:
        if isinstance(delta, Mapping):
            name = delta.get("name")
            return name if isinstance(name, str) else None
    return None


def _in_window(rows: list[Mapping[str, Any]], column: str | None, params: Mapping[str, Any]) -> list:
    """Rows whose delta column lies in [windowStartTime, windowEndTime) when it can be read."""
    start, end = seconds(params.get("windowStartTime")), seconds(params.get("windowEndTime"))
    if not column or start is None or end is None or not rows or column not in rows[0]:
        return rows
    kept = []
    for row in rows:
        try:
            moment = dateparser.isoparse(str(row[column])).timestamp()
        except (ValueError, OverflowError):
            return rows  # not a date column: the window cannot apply
        if start <= moment < end:
            kept.append(row)
    return kept


def finish(ctx: RequestContext, record: Mapping[str, Any], timeline: Mapping[str, int],
           copy_ms: int) -> dict[str, Any]:
    """The fields of a run that has just ended (``state``, ``metrics``, ``activities``): ``failed``
    when the source refuses the base connection's credentials, else ``success`` with its rows
    landed (``landing``). ``copy_ms``: how long the copy activity takes."""
    flow = read(ctx, FLOWS, record["flowId"])
    source, base = _source(ctx, flow)
    copy_from, done = timeline["copyFrom"], timeline["completesAt"]
    started = timeline["startsAt"]
    source_info = [{"id": source["id"], "type": "SourceConnection"}] if source else []
    if base is not None and explore.credentials_rejected(base):
        failed_at = copy_from + copy_ms
        status = {"status": "failed", "errors": [dict(CREDENTIALS_ERROR)], "activityRefs": ["copyActivity"]}
        return {"state": "failed",
                "metrics": {"durationSummary": {"startedAtUTC": started, "completedAtUTC": failed_at},
                            "sizeSummary": {"inputBytes": 0, "outputBytes": 0},
                            "recordSummary": {"inputRecordCount": 0, "outputRecordCount": 0, "failedRecordCount": 0},
                            "fileSummary": {"inputFileCount": 0, "outputFileCount": 0,
                                            "activityRefs": ["copyActivity"]},
                            "statusSummary": status},
                "activities": [{"id": "copyActivity", "updatedAtUTC": failed_at,
                                "durationSummary": {"startedAtUTC": copy_from, "completedAtUTC": failed_at},
                                "statusSummary": dict(status), "sourceInfo": source_info}]}
    rows, files = [], 0
    if source is not None:  # a source without a base connection (the Data Landing Zone) reads too
        spec_id = str((source.get("connectionSpec") or {}).get("id", ""))
        rows, files = explore.rows_for(ctx, spec_id, source.get("params") or {})
        rows = _in_window(rows, _delta_column(record, flow), record.get("params") or {})
    count = len(rows)
    input_bytes = len(json.dumps(rows, sort_keys=True).encode())
    output_bytes = input_bytes * 2 // 3  # parquet in the lake is smaller than the rows read
    copied = copy_from + copy_ms
    targets = landing.land(ctx, flow, record["id"], records=count, input_bytes=input_bytes, output_bytes=output_bytes,
                           input_files=files, started=copied, completed=done)
    return {
        "state": "success",
        "metrics": {
            "durationSummary": {"startedAtUTC": started, "completedAtUTC": done},
            "sizeSummary": {"inputBytes": input_bytes, "outputBytes": output_bytes},
            "recordSummary": {"inputRecordCount": count, "outputRecordCount": count, "failedRecordCount": 0},
            "fileSummary": {"inputFileCount": files, "outputFileCount": 1 if count else 0,
                            "activityRefs": ["promotionActivity"]},
            "statusSummary": {"status": "success", "activityRefs": ["promotionActivity"]},
        },
        "activities": [
            {"id": "copyActivity", "updatedAtUTC": copied,
             "durationSummary": {"startedAtUTC": copy_from, "completedAtUTC": copied},
             "sizeSummary": {"inputBytes": input_bytes, "outputBytes": input_bytes},
             "recordSummary": {}, "fileSummary": {"inputFileCount": files, "outputFileCount": files},
             "statusSummary": {"status": "success"}, "sourceInfo": source_info},
            {"id": "promotionActivity", "updatedAtUTC": done,
             "durationSummary": {"startedAtUTC": copied, "completedAtUTC": done},
             "sizeSummary": {"inputBytes": input_bytes, "outputBytes": output_bytes},
             "recordSummary": {"inputRecordCount": count, "outputRecordCount": count, "failedRecordCount": 0},
             "fileSummary": {"inputFileCount": files, "outputFileCount": 1 if count else 0},
             "statusSummary": {"status": "success"}, "targetInfo": targets},
        ],
    }
