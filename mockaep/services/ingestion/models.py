"""Batch Ingestion (batch-ingestion.yaml): batches, file uploads, batch actions, promotion.

Batches are Catalog's records, changed only through ``catalog/api.py``; what this service owns
is the staged files (collection ``stagedFiles``, one record per batch × dataset × file path),
kept as text (UTF-8) or base64 so that the state export stays JSON. Promotion is synchronous:
``?action=COMPLETE`` moves the batch through ``processing`` to ``success`` or ``failed`` within
the call, so the next Catalog read shows the outcome (metrics, errors, dataSetFiles). Reading
files into rows lives in :mod:`.rows`, the preview in :mod:`.preview`.
"""
from __future__ import annotations

import base64
import re
from typing import Any

from mockaep.core import validation
from mockaep.core.errors import BadRequest, NotFound, UnsupportedMediaType
from mockaep.core.context import RequestContext
from mockaep.services.ingestion import rows as rowlib

STAGED = "stagedFiles"
OPEN = "loading"
#: PATCH chunk sizes are "0-512000000 bytes" (batch-ingestion.yaml).
MAX_CHUNK = 512_000_000
CONTENT_RANGE = re.compile(r"^\s*bytes[ =]?\s*(\d+)-(\d+)(?:/(\d+|\*))?\s*$")
ACTIONS = ("COMPLETE", "ABORT", "FAIL", "REVERT")
INPUT_FORMAT_KEYS = ("format", "isMultiLineJson", "delimiter", "quote", "escape", "header", "charset", "nullMarker")


def _file_key(batch_id: str, dataset_id: str, path: str) -> str:
    return f"{batch_id}/{dataset_id}/{path}"


def _encode(data: bytes) -> tuple[str, str]:
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64", base64.b64encode(data).decode("ascii")


def _decode(encoding: str, content: str) -> bytes:
    return base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")


def _format_of(batch: dict[str, Any]) -> str:
    fmt = (batch.get("inputFormat") or {}).get("format") or "json"
    return str(fmt).lower()


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
            if found is None or _dataset_of(found) != body["datasetId"]:
                raise BadRequest(f"replay.predecessors names batch '{predecessor}', which is not a batch "
                                 f"of dataset '{body['datasetId']}'.")
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


def _dataset_of(batch: dict[str, Any]) -> str | None:
    for related in batch.get("relatedObjects") or []:
        if isinstance(related, dict) and related.get("type") == "dataSet":
            return related.get("id")
    return None


def _require_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    batch = ctx.backend("catalog").get_batch(batch_id)
    if batch is None:
        raise NotFound(f"Batch '{batch_id}' was not found in org {ctx.org}, sandbox {ctx.sandbox}.",
                       title="Batch not found")
    return batch


def require_target(ctx: RequestContext, batch_id: str, dataset_id: str, *, writable: bool) -> dict[str, Any]:
    batch = _require_batch(ctx, batch_id)
    if _dataset_of(batch) != dataset_id:
        raise NotFound(f"Dataset '{dataset_id}' is not part of batch '{batch_id}'.", title="Dataset not found")
    if writable and batch.get("status") != OPEN:
        raise BadRequest(f"Batch '{batch_id}' is '{batch.get('status')}': files can only be uploaded while "
                         f"it is '{OPEN}'.")
    return batch


def batch_action(ctx: RequestContext, batch_id: str, action: str | None) -> dict[str, Any]:
    """``POST /batches/{id}?action=COMPLETE|ABORT|FAIL|REVERT`` (case-insensitive: the docs
    write both ``COMPLETE`` and ``complete``)."""
    name = (action or "").strip().upper()
    if name not in ACTIONS:
        raise BadRequest(f"Query parameter 'action' must be one of {', '.join(ACTIONS)}.")
    batch = _require_batch(ctx, batch_id)
    status = batch.get("status")
    if name == "COMPLETE":
        if status in ("success", "active", "failed", "failure", "processing"):
            return batch  # troubleshooting.md: retrying COMPLETE is safe and answers success again
        if status != OPEN:
            raise BadRequest(f"Batch '{batch_id}' is '{status}' and cannot be completed.")
        return promote(ctx, batch)
    if name in ("ABORT", "FAIL"):
        if status not in (OPEN, "loaded", "processing", "staging", "queued", "retrying", "stalled"):
            raise BadRequest(f"Batch '{batch_id}' is '{status}': only a batch still in progress can be "
                             f"{'aborted' if name == 'ABORT' else 'failed'}.")
        return ctx.backend("catalog").set_batch_status(batch_id, "aborted" if name == "ABORT" else "failed",
                                        completed=ctx.now_ms)
    if status not in ("success", "active"):
        raise BadRequest(f"Batch '{batch_id}' is '{status}': only a successful batch can be reverted.")
    return ctx.backend("catalog").set_batch_status(batch_id, "inactive")


# -- files ----------------------------------------------------------------------------------
def _check_media(batch: dict[str, Any]) -> None:
    if _format_of(batch) == "parquet" and not rowlib.parquet_available():
        raise UnsupportedMediaType("Parquet files cannot be read by this emulator because pyarrow is not "
                                   "installed; upload JSON or CSV, or install pyarrow.")


def put_file(ctx: RequestContext, batch_id: str, dataset_id: str, path: str, data: bytes) -> None:
    """Whole-file upload: a second PUT of the same path replaces the file (never duplicates)."""
    batch = require_target(ctx, batch_id, dataset_id, writable=True)
    _check_media(batch)
    encoding, content = _encode(data)
    ctx.tenant.collection(STAGED).put(_file_key(batch_id, dataset_id, path), {
        "batchId": batch_id, "dataSetId": dataset_id, "name": path, "state": "complete",
        "sizeInBytes": len(data), "encoding": encoding, "content": content, "chunks": [],
        "updated": ctx.now_ms})


def initialize_file(ctx: RequestContext, batch_id: str, dataset_id: str, path: str) -> dict[str, Any]:
    batch = require_target(ctx, batch_id, dataset_id, writable=True)
    _check_media(batch)
    ctx.tenant.collection(STAGED).put(_file_key(batch_id, dataset_id, path), {
        "batchId": batch_id, "dataSetId": dataset_id, "name": path, "state": "initialized",
        "sizeInBytes": 0, "encoding": "utf-8", "content": "", "chunks": [], "updated": ctx.now_ms})
    return {"name": path, "sizeInBytes": 0}


def _staged(ctx: RequestContext, batch_id: str, dataset_id: str, path: str) -> dict[str, Any]:
    found = ctx.tenant.collection(STAGED).get(_file_key(batch_id, dataset_id, path))
    if found is None:
        raise NotFound(f"File '{path}' of batch '{batch_id}' was not initialized or uploaded.",
                       title="File not found")
    return found


def put_chunk(ctx: RequestContext, batch_id: str, dataset_id: str, path: str, content_range: str | None,
              data: bytes) -> tuple[dict[str, Any], str]:
    """One part of a large file (``PATCH`` with ``Content-Range: bytes <first>-<last>``)."""
    require_target(ctx, batch_id, dataset_id, writable=True)
    staged = _staged(ctx, batch_id, dataset_id, path)
    if staged["state"] != "initialized":
        raise BadRequest(f"File '{path}' is not being uploaded in parts: initialize it with "
                         "POST …?action=INITIALIZE first.")
    found = CONTENT_RANGE.match(content_range or "")
    if not found:
        raise BadRequest("A Content-Range header 'bytes <first>-<last>' is required for each part.")
    first, last = int(found.group(1)), int(found.group(2))
    if last < first or last - first + 1 != len(data) or len(data) > MAX_CHUNK:
        raise BadRequest(f"Content-Range bytes {first}-{last} announces {last - first + 1} bytes but the part "
                         f"carries {len(data)} (parts hold 1 to {MAX_CHUNK} bytes).")
    encoding, content = _encode(data)
    # Re-sending the very same range is a retry and replaces that part; any other overlap is
    # only detected when the file is completed (troubleshooting.md).
    staged["chunks"] = [c for c in staged["chunks"] if (c["first"], c["last"]) != (first, last)]
    staged["chunks"].append({"first": first, "last": last, "encoding": encoding, "content": content})
    staged["sizeInBytes"] = sum(c["last"] - c["first"] + 1 for c in staged["chunks"])
    staged["updated"] = ctx.now_ms
    ctx.tenant.collection(STAGED).put(_file_key(batch_id, dataset_id, path), staged)
    return {"name": path, "sizeInBytes": staged["sizeInBytes"]}, received_range(staged)


def complete_file(ctx: RequestContext, batch_id: str, dataset_id: str, path: str) -> dict[str, Any]:
    """Stitch the parts: missing or overlapping ranges → 400 (troubleshooting.md)."""
    require_target(ctx, batch_id, dataset_id, writable=True)
    staged = _staged(ctx, batch_id, dataset_id, path)
    if staged["state"] == "complete":
        return {"name": path, "sizeInBytes": staged["sizeInBytes"]}
    expected = 0
    pieces = []
    for chunk in sorted(staged["chunks"], key=lambda c: (c["first"], c["last"])):
        if chunk["first"] != expected:
            problem = "overlapping" if chunk["first"] < expected else "missing"
            raise BadRequest(f"File '{path}' has {problem} parts around byte {expected}: upload the missing "
                             "range or re-initialize the file.")
        pieces.append(_decode(chunk["encoding"], chunk["content"]))
        expected = chunk["last"] + 1
    if not pieces:
        raise BadRequest(f"File '{path}' has no parts: upload them with PATCH before completing it.")
    data = b"".join(pieces)
    encoding, content = _encode(data)
    staged.update(state="complete", encoding=encoding, content=content, chunks=[], sizeInBytes=len(data),
                  updated=ctx.now_ms)
    ctx.tenant.collection(STAGED).put(_file_key(batch_id, dataset_id, path), staged)
    return {"name": path, "sizeInBytes": len(data)}


def received_range(staged: dict[str, Any]) -> str:
    if staged["state"] == "complete":
        return f"bytes=0-{max(staged['sizeInBytes'] - 1, 0)}"
    spans = sorted((c["first"], c["last"]) for c in staged["chunks"])
    return "bytes=" + ",".join(f"{a}-{b}" for a, b in spans) if spans else "bytes=0-0"


def file_status(ctx: RequestContext, batch_id: str, dataset_id: str, path: str) -> str:
    """``HEAD`` of a file: the byte ranges received so far (``Range`` header)."""
    require_target(ctx, batch_id, dataset_id, writable=False)
    return received_range(_staged(ctx, batch_id, dataset_id, path))


def staged_files(ctx: RequestContext, batch_id: str, dataset_id: str) -> list[dict[str, Any]]:
    collection = ctx.tenant.collection(STAGED)
    found = (collection.get(rid) for rid in sorted(collection.ids(among=collection.hits("batchId", batch_id))))
    return [record for record in found if record is not None and record.get("dataSetId") == dataset_id]


def file_bytes(staged: dict[str, Any]) -> bytes:
    return _decode(staged["encoding"], staged["content"])


# -- promotion ------------------------------------------------------------------------------
def promote(ctx: RequestContext, batch: dict[str, Any]) -> dict[str, Any]:
    """Read and validate every file, then settle the batch: ``success`` when some rows were
    written and every file was readable (invalid rows are reported, INGEST-1212-400, as the
    platform does for partial ingestion), ``failed`` otherwise (nothing written)."""
    batch_id = batch["id"]
    dataset_id = _dataset_of(batch) or ""
    started = ctx.now_ms
    ctx.backend("catalog").set_batch_status(batch_id, "processing", started=started)
    fmt = _format_of(batch)
    input_format = batch.get("inputFormat") or {}
    files = staged_files(ctx, batch_id, dataset_id)
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
            parsed = rowlib.read_rows(file_bytes(staged), fmt, multiline=bool(input_format.get("isMultiLineJson")),
                                      delimiter=input_format.get("delimiter") or ",",
                                      quote=input_format.get("quote") or '"',
                                      header=str(input_format.get("header", "true")).lower() != "false")
        except rowlib.FileError as exc:
            errors.append({"code": exc.code, "description": f"{staged['name']}: {exc.description}", "rows": []})
            continue
        if schema is not None:
            rowlib.check_rows(parsed, schema, validation.data_checker(ctx, schema), fmt, result)
    read = sum(r.rows for r in results)
    written = sum(r.valid for r in results)
    failed_rows = read - written
    for result in results:
        if result.problems:
            first_row, first_message = result.problems[0]
            errors.append({"code": rowlib.ROW_ERRORS, "rows": rowlib.row_ranges([n for n, _ in result.problems]),
                           "description": f"{result.name}: {len(result.problems)} row(s) do not fit the dataset's "
                                          f"schema and were not ingested; row {first_row}: {first_message}"})
    file_level = [e for e in errors if e["code"] != rowlib.ROW_ERRORS]
    succeeded = not file_level and written > 0
    metrics = {"recordsRead": read, "recordsWritten": written if succeeded else 0,
               "failedRecordCount": failed_rows if succeeded else read, "inputFileCount": len(files),
               "inputByteSize": sum(r.size for r in results), "inputRecordCount": read,
               "outputRecordCount": written if succeeded else 0, "outputFileCount": len(results) if succeeded else 0,
               "partitionCount": 1 if succeeded else 0}
    if succeeded:
        for result in results:
            ctx.backend("catalog").add_dataset_file(batch_id, dataset_id, result.name, result.valid, result.size)
        for predecessor in (batch.get("replay") or {}).get("predecessors") or []:
            replaced = ctx.backend("catalog").get_batch(predecessor)
            if replaced is not None and replaced.get("status") in ("success", "active"):
                ctx.backend("catalog").set_batch_status(predecessor, "inactive")
    return ctx.backend("catalog").set_batch_status(
        batch_id, "success" if succeeded else "failed", completed=ctx.now_ms, metrics=metrics,
        errors=errors, recordCount=metrics["recordsWritten"], failedRecordCount=metrics["failedRecordCount"],
        size=metrics["inputByteSize"])


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

