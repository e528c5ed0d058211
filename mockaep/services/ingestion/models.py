"""Batch Ingestion (batch-ingestion.yaml): batches, batch actions, promotion.

Batches are Catalog's records, changed only through ``catalog/api.py``; what this service owns
is the staged files (:mod:`.staging`: one record per batch × dataset × file path, bytes in the
emulator's upload spool). Promotion is synchronous:
``?action=COMPLETE`` moves the batch through ``processing`` to ``success`` or ``failed`` within
the call, so the next Catalog read shows the outcome (metrics, errors, dataSetFiles). Reading
files into rows lives in :mod:`.rows`, the preview in :mod:`.preview`.
"""
from __future__ import annotations

from typing import Any

from mockaep.core import validation
from mockaep.core.errors import BadRequest, shown
from mockaep.core.context import RequestContext
from mockaep.services.ingestion import rows as rowlib
from mockaep.services.ingestion import staging
from mockaep.core.blobs import BlobStore

OPEN = staging.OPEN
ACTIONS = ("COMPLETE", "ABORT", "FAIL", "REVERT")
INPUT_FORMAT_KEYS = ("format", "isMultiLineJson", "delimiter", "quote", "escape", "header", "charset", "nullMarker")


# -- batches --------------------------------------------------------------------------------
def create_batch(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /batches`` → the new ``loading`` batch (201)."""
    if not isinstance(body, dict):
        raise BadRequest("The batch must be a JSON object with 'datasetId' and 'inputFormat'.")
    validation.check_body(ctx, "ingestion", "POST", "/batches", _spec_spelling(body))
    # Only the documented format options are kept (catalog.yaml inputFormat).
    input_format = {k: v for k, v in (body.get("inputFormat") or {}).items() if k in INPUT_FORMAT_KEYS}
    fmt = input_format.get("format")
    if not isinstance(fmt, str) or fmt.lower() not in rowlib.FORMATS:
        raise BadRequest(f"inputFormat.format must be one of {', '.join(rowlib.FORMATS)}.")
    input_format["format"] = fmt.lower()
    replay = body.get("replay")
    if replay:
        for predecessor in replay.get("predecessors") or []:
            found = ctx.backend("catalog").get_batch(predecessor)
            if found is None or staging.dataset_of(found) != body["datasetId"]:
                raise BadRequest(f"replay.predecessors names batch {shown(predecessor, quoted=True)}, which is not a "
                                 f"batch of dataset {shown(body['datasetId'], quoted=True)}.")
    fields = {"inputFormat": input_format}
    for key in ("replay", "tags", "externalId"):
        if key in body:
            fields[key] = body[key]
    return ctx.backend("catalog").open_ingest_batch(body["datasetId"], fields)


def _spec_spelling(body: dict[str, Any]) -> dict[str, Any]:
    """The spec spells the format enum JSON/Parquet/CSV while every doc sends json/parquet/csv;
    the platform takes both, so the official schema is checked against the spec's spelling."""
    input_format = body.get("inputFormat")
    fmt = input_format.get("format") if isinstance(input_format, dict) else None
    if not isinstance(fmt, str):
        return body
    spelled = {"json": "JSON", "parquet": "Parquet", "csv": "CSV"}.get(fmt.lower(), fmt)
    return {**body, "inputFormat": {**input_format, "format": spelled}}


def batch_action(ctx: RequestContext, spool: BlobStore, batch_id: str, action: str | None) -> dict[str, Any]:
    """``POST /batches/{id}?action=COMPLETE|ABORT|FAIL|REVERT`` (case-insensitive: the docs
    write both ``COMPLETE`` and ``complete``)."""
    name = (action or "").strip().upper()
    if name not in ACTIONS:
        raise BadRequest(f"Query parameter 'action' must be one of {', '.join(ACTIONS)}.")
    batch = staging.require_batch(ctx, batch_id)
    status = batch.get("status")
    if name == "COMPLETE":
        if status in ("success", "active", "failed", "failure", "processing"):
            return batch  # troubleshooting.md: retrying COMPLETE is safe and answers success again
        if status != OPEN:
            raise BadRequest(f"Batch '{batch_id}' is '{status}' and cannot be completed.")
        return promote(ctx, spool, batch)
    if name in ("ABORT", "FAIL"):
        if status not in (OPEN, "loaded", "processing", "staging", "queued", "retrying", "stalled"):
            raise BadRequest(f"Batch '{batch_id}' is '{status}': only a batch still in progress can be "
                             f"{'aborted' if name == 'ABORT' else 'failed'}.")
        return ctx.backend("catalog").set_batch_status(batch_id, "aborted" if name == "ABORT" else "failed",
                                        completed=ctx.now_ms)
    if status not in ("success", "active"):
        raise BadRequest(f"Batch '{batch_id}' is '{status}': only a successful batch can be reverted.")
    return ctx.backend("catalog").set_batch_status(batch_id, "inactive")


# -- promotion ------------------------------------------------------------------------------
def promote(ctx: RequestContext, spool: BlobStore, batch: dict[str, Any]) -> dict[str, Any]:
    """Read and validate every file, then settle the batch: ``success`` when some rows were
    written and every file was readable (invalid rows are reported, INGEST-1212-400, as the
    platform does for partial ingestion), ``failed`` otherwise (nothing written)."""
    batch_id = batch["id"]
    dataset_id = staging.dataset_of(batch) or ""
    started = ctx.now_ms
    ctx.backend("catalog").set_batch_status(batch_id, "processing", started=started)
    fmt = staging.format_of(batch)
    input_format = batch.get("inputFormat") or {}
    files = staging.staged_files(ctx, batch_id, dataset_id)
    errors: list[dict[str, Any]] = []
    results: list[rowlib.FileResult] = []
    schema = _dataset_schema(ctx, dataset_id, errors)
    if not files:
        errors.append({"code": rowlib.EMPTY_FILE, "description": "The batch has no files: upload at least one "
                       "file before completing it.", "rows": []})
    for staged in files:
        result = rowlib.FileResult(staged["name"], staged["sizeInBytes"])
        results.append(result)
        if staged["state"] != "complete":
            errors.append({"code": rowlib.UNREADABLE_FILE, "description": f"{staged['name']}: the large-file "
                           "upload was never completed (POST …?action=COMPLETE).", "rows": []})
            continue
        try:
            parsed = rowlib.read_rows(staging.file_bytes(spool, staged), fmt,
                                      multiline=bool(input_format.get("isMultiLineJson")),
                                      delimiter=input_format.get("delimiter") or ",",
                                      quote=input_format.get("quote") or '"',
                                      header=str(input_format.get("header", "true")).lower() != "false")
        except rowlib.FileError as exc:
            errors.append({"code": exc.code, "description": f"{staged['name']}: {exc.description}", "rows": []})
            continue
        except staging.ContentLost:
            errors.append({"code": rowlib.UNREADABLE_FILE, "rows": [], "description": f"{staged['name']}: the "
                           "file's bytes are not available (the state was loaded from a document that does not "
                           "carry uploads): upload the file again."})
            continue
        if schema is not None:
            rowlib.check_rows(parsed, schema, validation.data_checker(ctx, schema), fmt, result)
    catalog = ctx.backend("catalog")
    file_level = [e for e in errors if e["code"] != rowlib.ROW_ERRORS]
    output_bytes = 0
    if not file_level and schema is not None and any(r.valid for r in results):
        for result in results:
            output_bytes += _land(catalog, batch_id, dataset_id, schema, result)
    read = sum(r.rows for r in results)
    written = sum(r.valid for r in results)
    failed_rows = read - written
    for result in results:
        if result.problems:
            first_row, first_message = result.problems[0]
            errors.append({"code": rowlib.ROW_ERRORS, "rows": rowlib.row_ranges([n for n, _ in result.problems]),
                           "description": f"{result.name}: {len(result.problems)} row(s) do not fit the dataset's "
                                          f"schema and were not ingested; row {first_row}: {first_message}"})
    succeeded = not file_level and written > 0
    if failed_rows and _diagnostics_enabled(ctx, dataset_id):
        catalog.keep_failed_rows(batch_id, [
            {"file": result.name, "rowNumber": number, "errors": [{"code": rowlib.ROW_ERRORS, "message": message}],
             "record": value}
            for result in results for (number, message), value in zip(result.problems, result.refused)])
    metrics = {"recordsRead": read, "recordsWritten": written if succeeded else 0,
               "failedRecordCount": failed_rows if succeeded else read, "inputFileCount": len(files),
               "inputByteSize": sum(r.size for r in results), "inputRecordCount": read,
               "outputRecordCount": written if succeeded else 0, "outputByteSize": output_bytes,
               "outputFileCount": sum(1 for r in results if r.valid) if succeeded else 0,
               "partitionCount": 1 if succeeded else 0}
    if succeeded:
        for predecessor in (batch.get("replay") or {}).get("predecessors") or []:
            replaced = catalog.get_batch(predecessor)
            if replaced is not None and replaced.get("status") in ("success", "active"):
                catalog.set_batch_status(predecessor, "inactive")
    return catalog.set_batch_status(
        batch_id, "success" if succeeded else "failed", completed=ctx.now_ms, metrics=metrics,
        errors=errors, recordCount=metrics["recordsWritten"], failedRecordCount=metrics["failedRecordCount"],
        size=metrics["inputByteSize"])


def _land(catalog: Any, batch_id: str, dataset_id: str, schema: dict[str, Any], result: rowlib.FileResult) -> int:
    """Land one file's valid rows as a dataset file (named as uploaded); a row whose values have no
    Parquet form becomes a problem row. Returns the bytes landed."""
    if not result.accepted:
        return 0
    landed = catalog.land_file(batch_id, dataset_id, result.accepted, schema, name=result.name)
    for position, reason in landed["rejected"]:
        result.valid -= 1
        result.problems.append((result.accepted_numbers[position], f"the row cannot be stored: {reason}"))
        result.refused.append(result.accepted[position])
    return int(landed["size"])


def _diagnostics_enabled(ctx: RequestContext, dataset_id: str) -> bool:
    """catalog.yaml: a dataset opts in to diagnostic files for its ingestion errors."""
    dataset = ctx.backend("catalog").get_dataset(dataset_id) or {}
    return dataset.get("enableErrorDiagnostics") is True


def _dataset_schema(ctx: RequestContext, dataset_id: str, errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    dataset = ctx.backend("catalog").get_dataset(dataset_id)
    ref = ((dataset or {}).get("schemaRef") or {}).get("id")
    schema = ctx.backend("schemaregistry").resolve_schema(ref) if isinstance(ref, str) else None
    if schema is None:
        errors.append({"code": rowlib.UNREADABLE_FILE, "rows": [],
                       "description": f"The schema of dataset '{dataset_id}' ({ref}) cannot be resolved."})
    return schema


def check_action_param(value: str | None, allowed: tuple[str, ...]) -> str:
    name = (value or "").strip().upper()
    if name not in allowed:
        raise BadRequest(f"Query parameter 'action' must be one of {', '.join(allowed)}.")
    return name

