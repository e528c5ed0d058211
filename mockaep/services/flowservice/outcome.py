"""How a run ends: the one step that does a run's work, and the metrics and activities monitor.md
shows for it (a copy activity, then a promotion activity).

:func:`finish` is called once by ``progress`` (which drives the clock), when the run completes:

1. the source is asked for its rows — a base connection whose credentials the source refuses
   (``explore.INVALID_CREDENTIAL``), or a source made ``unavailable`` or ``throttled``
   (``source_faults``), fails the run in its copy activity: nothing is read, nothing lands;
2. the rows of the run's window are read (``window``: delta column, watermark, backfill);
3. the promotion maps, validates and lands them (``landing``), following the flow's partial
   ingestion options; a run that lands is ``success`` (partial ingestion: with the failed rows'
   errors in its promotion activity), one that fails on its rows is ``failed``;
4. a successful scheduled run moves its flow's watermark to its window end.

Metrics add up: ``inputRecordCount == outputRecordCount + failedRecordCount``; ``inputBytes`` is
the size of the rows read (as JSON), ``outputBytes`` the size of the Parquet files landed.
:func:`postponed` is asked first: a ``slow`` source makes the copy take longer. No Flask here.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.services.flowservice import explore, landing, source_faults, window
from mockaep.services.flowservice.records import record as read
from mockaep.services.flowservice.resources import CONNECTIONS, FLOWS, SOURCE_CONNECTIONS

EXPORT = "/data/foundation/export"
#: What the run-level status shows when its promotion rejected rows (monitor.md's code).
PROMOTION_ERROR = {"code": "CONNECTOR-2001-500", "message": "The promotion activity did not ingest every row."}


def _source(ctx: RequestContext, flow: Mapping[str, Any] | None) -> tuple[Mapping[str, Any] | None, Mapping | None]:
    """(source connection, base connection) of a flow, when they still exist."""
    for source_id in (flow or {}).get("sourceConnectionIds") or []:
        source = read(ctx, SOURCE_CONNECTIONS, source_id)
        if source is not None:
            base = read(ctx, CONNECTIONS, source.get("baseConnectionId"))
            return source, base
    return None, None


def postponed(ctx: RequestContext, run: Mapping[str, Any], timeline: Mapping[str, Any]) -> int | None:
    """When a run whose copy meets a ``slow`` source now completes (None: it is not slowed)."""
    if timeline.get("slowed"):
        return None
    flow = read(ctx, FLOWS, run.get("flowId"))
    _source_connection, base = _source(ctx, flow)
    fault = source_faults.take(ctx, base.get("id") if base else None, ("slow",))
    if fault is None:
        return None
    return int(timeline["completesAt"]) + int(fault["delaySeconds"]) * 1000


def finish(ctx: RequestContext, run: Mapping[str, Any], timeline: Mapping[str, int], copy_ms: int) -> dict[str, Any]:
    """The fields of a run that has just ended (``state``, ``metrics``, ``activities``).
    ``copy_ms``: how long the copy activity takes."""
    flow = read(ctx, FLOWS, run["flowId"])
    source, base = _source(ctx, flow)
    base_id = base.get("id") if base is not None else None
    copy_from, done, started = timeline["copyFrom"], timeline["completesAt"], timeline["startsAt"]
    copied = min(copy_from + copy_ms, done)
    source_info = [{"id": source["id"], "type": "SourceConnection"}] if source else []
    reading = window.of_run(ctx, run, flow)
    extensions = {k: int(v * 1000) for k, v in (("windowStart", reading.start), ("windowEnd", reading.end))
                  if v is not None}
    refusal = "credentials" if base is not None and explore.credentials_rejected(base) else None
    if refusal is None:
        fault = source_faults.take(ctx, base_id, ("unavailable", "throttled"))
        refusal = fault["kind"] if fault is not None else None
    if refusal is not None:
        return _copy_failed(source_faults.RUN_ERRORS[refusal], started, copy_from, copied, source_info, extensions)
    rows, files = window.read(ctx, source, base_id, reading) if source is not None else ([], 0)
    input_bytes = landing.input_size(rows)
    promotion = landing.promote(ctx, flow, run["id"], rows, input_bytes=input_bytes, input_files=files,
                                started=copied, completed=done)
    if promotion.succeeded and reading.scheduled and reading.end is not None:
        window.advance_watermark(ctx, run["flowId"], int(reading.end))
    return _promoted(promotion, input_bytes, files, started, copy_from, copied, done, source_info, extensions)


def _copy_failed(error: Mapping[str, str], started: int, copy_from: int, failed_at: int,
                 source_info: list[dict[str, Any]], extensions: dict[str, int]) -> dict[str, Any]:
    status = {"status": "failed", "errors": [dict(error)], "activityRefs": ["copyActivity"]}
    duration = {"startedAtUTC": copy_from, "completedAtUTC": failed_at}
    if extensions:
        duration["extensions"] = extensions
    return {"state": "failed",
            "metrics": {"durationSummary": {"startedAtUTC": started, "completedAtUTC": failed_at},
                        "sizeSummary": {"inputBytes": 0, "outputBytes": 0},
                        "recordSummary": {"inputRecordCount": 0, "outputRecordCount": 0, "failedRecordCount": 0},
                        "fileSummary": {"inputFileCount": 0, "outputFileCount": 0, "activityRefs": ["copyActivity"]},
                        "statusSummary": status},
            "activities": [{"id": "copyActivity", "updatedAtUTC": failed_at, "durationSummary": duration,
                            "statusSummary": {"status": "failed", "errors": [dict(error)]},
                            "sourceInfo": source_info}]}


def _promoted(promotion: landing.Promotion, input_bytes: int, files: int, started: int, copy_from: int,
              copied: int, done: int, source_info: list[dict[str, Any]], extensions: dict[str, int]
              ) -> dict[str, Any]:
    state = "success" if promotion.succeeded else "failed"
    records = {"inputRecordCount": promotion.read, "outputRecordCount": promotion.written,
               "failedRecordCount": promotion.failed}
    promotion_status: dict[str, Any] = {"status": state}
    run_status: dict[str, Any] = {"status": state, "activityRefs": ["promotionActivity"]}
    if promotion.failures or not promotion.succeeded and promotion.read:
        promotion_status["errors"] = [dict(PROMOTION_ERROR)]
        run_status["errors"] = [dict(PROMOTION_ERROR)]
        promotion_status["extensions"] = _extensions(promotion)
    copy_duration: dict[str, Any] = {"startedAtUTC": copy_from, "completedAtUTC": copied}
    if extensions:
        copy_duration["extensions"] = extensions
    targets = [{"id": t.id, "type": "TargetConnection", **({"reference": {"type": "Batch", "ids": [t.batch_id]}}
                                                          if t.batch_id else {})} for t in promotion.targets]
    return {
        "state": state,
        "metrics": {
            "durationSummary": {"startedAtUTC": started, "completedAtUTC": done},
            "sizeSummary": {"inputBytes": input_bytes, "outputBytes": promotion.output_bytes},
            "recordSummary": records,
            "fileSummary": {"inputFileCount": files, "outputFileCount": promotion.output_files,
                            "activityRefs": ["promotionActivity"]},
            "statusSummary": run_status,
        },
        "activities": [
            {"id": "copyActivity", "updatedAtUTC": copied, "durationSummary": copy_duration,
             "sizeSummary": {"inputBytes": input_bytes, "outputBytes": input_bytes},
             "recordSummary": {}, "fileSummary": {"inputFileCount": files, "outputFileCount": files},
             "statusSummary": {"status": "success"}, "sourceInfo": source_info},
            {"id": "promotionActivity", "updatedAtUTC": done,
             "durationSummary": {"startedAtUTC": copied, "completedAtUTC": done},
             "sizeSummary": {"inputBytes": input_bytes, "outputBytes": promotion.output_bytes},
             "recordSummary": dict(records),
             "fileSummary": {"inputFileCount": files, "outputFileCount": promotion.output_files},
             "statusSummary": promotion_status, "targetInfo": targets},
        ],
    }


def _extensions(promotion: landing.Promotion) -> dict[str, Any]:
    """What the promotion activity tells of the rows it rejected (monitor.md's shape)."""
    codes = promotion.codes()
    errors: list[dict[str, Any]] = []
    if not promotion.succeeded:
        errors.append({"code": "CONNECTOR-2001-500", "message": landing.failure_reason(promotion)})
    if codes.get(landing.ROW_ERROR) or promotion.succeeded:
        errors.append({"code": landing.ROW_ERROR, "message": f"{promotion.failed} row(s) had errors; "
                       f"{promotion.written} row(s) were ingested."})
    if codes.get(landing.MAPPER_ERROR):
        errors.append({"code": landing.MAPPER_ERROR, "recordCount": codes[landing.MAPPER_ERROR],
                       "message": "A mapping could not be applied to these rows."})
    found: dict[str, Any] = {"errors": errors}
    batches = [t.batch_id for t in promotion.targets if t.batch_id]
    if promotion.diagnostics and promotion.failures and batches:
        found["manifest"] = {"failedRecords": f"{EXPORT}/batches/{batches[0]}/meta?path=row_errors",
                             "sampleErrors": f"{EXPORT}/batches/{batches[0]}/meta?path=row_errors_sample.json"}
    return found
