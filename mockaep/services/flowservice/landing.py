"""A run's promotion: its rows mapped, validated, and landed in each target dataset.

The rows a run read (``window``) go through the flow's mapping set with the Data Prep engine
(``ctx.backend("conversion").map_rows``, the mapper previews use; a flow without a Mapping
transformation lands its rows as read), then each mapped row is validated against each target
dataset's resolved XDM schema with the one data checker Batch Ingestion uses. A row fails with
its reasons: ``MAPPER-3700-400`` when a mapping could not run on it, ``INGEST-1212-400`` when it
does not fit the schema (the codes monitor.md shows).

Partial ingestion follows the flow's ``options`` as CRMToAEP's ``optionSpec`` defines them:
without ``partialIngestionPercent`` one failed row fails the run and nothing lands; with it the
valid rows land while the failed share (failed × 100 / read) stays within the threshold, else
the run fails and nothing lands. ``errorDiagnosticsEnabled`` keeps the failed rows with their
reasons (Data Access: ``/batches/{id}/failed``, ``/meta?path=row_errors``).

What lands, per target dataset: one Catalog batch (created through Catalog's port, the one owner
of the batch shape) with one Parquet dataset file of the valid rows; a run that failed on its
rows leaves a ``failed`` batch with no file; a run that read nothing writes no batch; a run that
read rows when no target connection names a dataset that exists fails (its ``targetInfo`` entries
name no batch), since its rows can land nowhere. Batch ids
derive from the run, the target and the completion time, so a state exported before the run
finished and seeded elsewhere lands the same batch id. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from mockaep.core import parquet, validation
from mockaep.core.context import RequestContext
from mockaep.core.ids import derived_ulid
from mockaep.core.jsonreader import dumps
from mockaep.core.numbers import whole_number
from mockaep.services.flowservice.records import record
from mockaep.services.flowservice.resources import TARGET_CONNECTIONS

MAPPER_ERROR = "MAPPER-3700-400"
ROW_ERROR = "INGEST-1212-400"
#: Rows mapped per call of the Data Prep port (each call has its own work budget).
MAP_CHUNK = 500
#: Failed rows whose reasons a run's batch lists (row numbers are all listed, as ranges).
ERROR_SAMPLE = 5


@dataclass
class Target:
    """A target connection and where its rows land (no dataset: the entry names no batch)."""

    id: str
    dataset_id: str | None = None
    schema: dict[str, Any] | None = None
    checker: Any = None
    batch_id: str | None = None


@dataclass
class Promotion:
    """What the promotion did: counts add up (``read == written + failed``)."""

    read: int
    written: int = 0
    failed: int = 0
    succeeded: bool = True
    output_bytes: int = 0
    output_files: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)  # rowNumber, errors, record
    threshold: float | None = None
    diagnostics: bool = False
    problem: str | None = None  # why nothing could land at all (no dataset, no mapping set)
    targets: list[Target] = field(default_factory=list)

    def codes(self) -> dict[str, int]:
        """How many failed rows each error code accounts for."""
        found: dict[str, int] = {}
        for failure in self.failures:
            code = failure["errors"][0]["code"] if failure.get("errors") else ROW_ERROR
            found[code] = found.get(code, 0) + 1
        return found


# -- mapping and validating ---------------------------------------------------------------------------------
def _mapping(flow: Mapping[str, Any] | None) -> tuple[str, int | None] | None:
    for transformation in (flow or {}).get("transformations") or []:
        params = transformation.get("params") if isinstance(transformation, Mapping) else None
        if transformation.get("name") == "Mapping" and isinstance(params, Mapping) and params.get("mappingId"):
            version = params.get("mappingVersion")
            text = str(version).strip() if isinstance(version, (str, int)) and not isinstance(version, bool) else ""
            return str(params["mappingId"]), whole_number(text, 9)
    return None


def _mapped(ctx: RequestContext, flow: Mapping[str, Any] | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One ``{"data", "errors"}`` per row (Data Prep's result shape)."""
    mapping = _mapping(flow)
    if mapping is None:
        return [{"data": row, "errors": None} for row in rows]
    mapping_id, version = mapping
    results: list[dict[str, Any]] = []
    for first in range(0, len(rows), MAP_CHUNK):
        chunk = rows[first:first + MAP_CHUNK]
        found = ctx.backend("conversion").map_rows(mapping_id, version, chunk)
        if found is None:
            reason = (f"the mapping set {mapping_id[:100]} (version {version if version is not None else 'latest'}) "
                      "does not exist")
            found = [{"data": {}, "errors": [{"destination": None, "exception": reason}]} for _ in chunk]
        results.extend(found)
    return results


def _targets(ctx: RequestContext, flow: Mapping[str, Any] | None) -> list[Target]:
    found = []
    for target_id in (flow or {}).get("targetConnectionIds") or []:
        target = Target(target_id)
        connection = record(ctx, TARGET_CONNECTIONS, target_id)
        dataset_id = ((connection or {}).get("params") or {}).get("dataSetId")
        dataset = ctx.backend("catalog").get_dataset(dataset_id) if isinstance(dataset_id, str) else None
        ref = ((dataset or {}).get("schemaRef") or {}).get("id")
        schema = ctx.backend("schemaregistry").resolve_schema(ref) if isinstance(ref, str) else None
        if dataset is not None and schema is not None:
            target.dataset_id, target.schema = dataset_id, schema
            target.checker = validation.data_checker(ctx, schema)
        found.append(target)
    return found


def _reasons(mapped: Mapping[str, Any], landable: list[Target]) -> list[dict[str, str]]:
    if mapped.get("errors"):
        return [{"code": MAPPER_ERROR, "message": _mapper_message(error)} for error in mapped["errors"]]
    data = mapped.get("data")
    if not isinstance(data, dict):
        return [{"code": ROW_ERROR, "message": "the mapped row is not an object"}]
    for target in landable:
        violations = target.checker.violations(data, limit=1)
        if violations:
            where = violations[0].pointer or "/"
            return [{"code": ROW_ERROR, "message": f"{violations[0].message} (at {where})"}]
    return []


def _mapper_message(error: Mapping[str, Any]) -> str:
    destination = error.get("destination")
    exception = str(error.get("exception") or "the mapping failed")
    return f"{destination}: {exception}" if destination else exception


# -- the promotion --------------------------------------------------------------------------------------------
def promote(ctx: RequestContext, flow: Mapping[str, Any] | None, run_id: str, rows: list[dict[str, Any]], *,
            input_bytes: int, input_files: int, started: int, completed: int) -> Promotion:
    """Map, validate, decide (partial ingestion) and land the rows of one run."""
    options = (flow or {}).get("options") if isinstance((flow or {}).get("options"), Mapping) else {}
    result = Promotion(read=len(rows), threshold=_percent(options.get("partialIngestionPercent")),
                       diagnostics=options.get("errorDiagnosticsEnabled") in (True, "true"))
    result.targets = _targets(ctx, flow)
    if not rows:
        return result
    landable = [t for t in result.targets if t.dataset_id is not None]
    if not landable:
        result.problem = "no target connection of the flow names a dataset that exists"
    valid: list[tuple[int, dict[str, Any]]] = []
    for number, (row, mapped) in enumerate(zip(rows, _mapped(ctx, flow, rows)), 1):
        reasons = _reasons(mapped, landable) if landable else \
            [{"code": ROW_ERROR, "message": "the target dataset does not exist"}]
        if reasons:
            result.failures.append({"rowNumber": number, "errors": reasons, "record": row})
        else:
            valid.append((number, mapped["data"]))
    result.failed = len(result.failures)
    result.succeeded = result.problem is None and _within(result)
    if result.succeeded and valid:
        # Values valid for the schema may still have no Parquet form (a year-1 date-time at +14:00,
        # a 70-bit integer): those rows fail too, and count before the run is judged.
        for target in landable:
            for position, reason in reversed(parquet.unstorable([data for _number, data in valid], target.schema)):
                number, data = valid.pop(position)
                result.failures.append({"rowNumber": number, "errors": [{"code": ROW_ERROR, "message": reason}],
                                        "record": data})
        result.failures.sort(key=lambda failure: failure["rowNumber"])
        result.failed = len(result.failures)
        result.succeeded = _within(result)
    for target in landable:
        _land(ctx, result, target, run_id, valid, input_bytes=input_bytes, input_files=input_files,
              started=started, completed=completed)
    result.written = len(valid) if result.succeeded else 0
    result.failed = result.read - result.written
    return result


def _percent(value: Any) -> float | None:
    """``partialIngestionPercent`` as a number (the tutorials send numbers as strings too)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf"):
        return float(value)
    return None


def _within(result: Promotion) -> bool:
    if not result.failures:
        return True
    if result.threshold is None:
        return False
    return result.failed * 100 <= result.threshold * result.read


def _land(ctx: RequestContext, result: Promotion, target: Target, run_id: str,
          valid: list[tuple[int, dict[str, Any]]], *,
          input_bytes: int, input_files: int, started: int, completed: int) -> None:
    catalog = ctx.backend("catalog")
    derived = derived_ulid(completed, f"{run_id}/{target.id}")
    batch_id = catalog.open_ingest_batch(target.dataset_id, {"inputFormat": {"format": "parquet"}}, derived)["id"]
    target.batch_id = batch_id
    size = files = 0
    if result.succeeded and valid:
        landed = catalog.land_file(batch_id, target.dataset_id, [data for _number, data in valid], target.schema)
        size, files = int(landed["size"]), 1 if landed["dataSetFileId"] else 0
        result.output_bytes += size
        result.output_files += files
    if result.failures and result.diagnostics:
        catalog.keep_failed_rows(batch_id, result.failures)
    written = len(valid) if result.succeeded else 0
    metrics = {"recordsRead": result.read, "recordsWritten": written, "failedRecordCount": result.read - written,
               "inputFileCount": input_files, "inputByteSize": input_bytes, "inputRecordCount": result.read,
               "outputRecordCount": written, "outputByteSize": size, "outputFileCount": files,
               "partitionCount": 1 if files else 0}
    catalog.set_batch_status(batch_id, "success" if result.succeeded else "failed", started=started,
                             completed=completed, metrics=metrics, errors=batch_errors(result),
                             recordCount=written, failedRecordCount=result.read - written, size=size)


def batch_errors(result: Promotion) -> list[dict[str, Any]]:
    """The batch's ``errors``: per error code, the failed rows (as ranges) and the first reasons."""
    found = []
    for code in sorted(result.codes()):
        failures = [f for f in result.failures if (f["errors"][0]["code"] if f["errors"] else ROW_ERROR) == code]
        numbers = sorted(f["rowNumber"] for f in failures if f["rowNumber"])
        examples = "; ".join(f"row {f['rowNumber']}: {f['errors'][0]['message'][:300]}"
                             for f in failures[:ERROR_SAMPLE] if f["errors"])
        found.append({"code": code, "rows": _ranges(numbers),
                      "description": f"{len(failures)} row(s) were not ingested. {examples}"})
    if not result.succeeded and result.failures:
        found.append({"code": "CONNECTOR-2001-500", "rows": [], "description": failure_reason(result)})
    return found


def failure_reason(result: Promotion) -> str:
    """Why a run that read rows landed none."""
    if result.problem is not None:
        return f"Nothing was ingested: {result.problem}."
    share = result.failed * 100 / result.read if result.read else 0
    if result.threshold is None:
        return (f"{result.failed} of {result.read} row(s) failed and partial ingestion is off "
                "(options.partialIngestionPercent): nothing was ingested.")
    return (f"{result.failed} of {result.read} row(s) failed ({share:.4g}%), more than the partial ingestion "
            f"threshold of {result.threshold:g}%: nothing was ingested.")


def _ranges(numbers: list[int]) -> list[str]:
    spans: list[list[int]] = []
    for number in numbers:
        if spans and spans[-1][1] == number - 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return [str(a) if a == b else f"{a}-{b}" for a, b in spans]


def input_size(rows: list[dict[str, Any]]) -> int:
    """The bytes a run read: its rows as JSON (what the copy activity moved)."""
    return sum(len(dumps(row)) for row in rows)
