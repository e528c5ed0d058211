"""Staged files of Batch Ingestion: whole-file uploads, large files in parts, per-tenant quota.

One record per batch × dataset × file path (collection ``stagedFiles``) holds the file's
metadata and the id of the blob holding its bytes in the emulator's :class:`BlobStore`; the
bytes are streamed from the request to disk, never held in memory. A tenant (org × sandbox) may
keep at most ``Config.upload_quota_bytes`` staged: an upload that would go past it is refused
(413, nothing kept). Staged files count until their batch is deleted or the tenant is reset.
Records written by older versions (bytes inline as ``encoding``/``content``) are still read.
"""
from __future__ import annotations

import base64
import io
import re
from typing import IO, Any, Iterable, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound, PayloadTooLarge, shown
from mockaep.core.blobs import BlobStore, QuotaExceeded

STAGED = "stagedFiles"
OPEN = "loading"
#: PATCH chunk sizes are "0-512000000 bytes" (batch-ingestion.yaml).
MAX_CHUNK = 512_000_000
CONTENT_RANGE = re.compile(r"^\s*bytes[ =]?\s*(\d+)-(\d+)(?:/(\d+|\*))?\s*$")


class ContentLost(Exception):
    """A staged file whose bytes are gone (its blob was not carried over by a state document)."""


def file_key(batch_id: str, dataset_id: str, path: str) -> str:
    return f"{batch_id}/{dataset_id}/{path}"


def format_of(batch: Mapping[str, Any]) -> str:
    fmt = (batch.get("inputFormat") or {}).get("format") or "json"
    return str(fmt).lower()


def dataset_of(batch: Mapping[str, Any]) -> str | None:
    for related in batch.get("relatedObjects") or []:
        if isinstance(related, dict) and related.get("type") == "dataSet":
            return related.get("id")
    return None


def require_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    batch = ctx.backend("catalog").get_batch(batch_id)
    if batch is None:
        raise NotFound(f"Batch {shown(batch_id, quoted=True)} was not found in org {ctx.org}, sandbox {ctx.sandbox}.",
                       title="Batch not found")
    return batch


def require_target(ctx: RequestContext, batch_id: str, dataset_id: str, *, writable: bool) -> dict[str, Any]:
    batch = require_batch(ctx, batch_id)
    if dataset_of(batch) != dataset_id:
        raise NotFound(f"Dataset {shown(dataset_id, quoted=True)} is not part of batch '{batch_id}'.", title="Dataset not found")
    if writable and batch.get("status") != OPEN:
        raise BadRequest(f"Batch '{batch_id}' is '{batch.get('status')}': files can only be uploaded while "
                         f"it is '{OPEN}'.")
    return batch


# -- blobs and quota ------------------------------------------------------------------------------
def blobs_of(record: Mapping[str, Any]) -> list[str]:
    """Blob ids a staged-file record holds (the whole file, or its parts)."""
    found = [record["blob"]] if isinstance(record.get("blob"), str) else []
    for chunk in record.get("chunks") or []:
        if isinstance(chunk, Mapping) and isinstance(chunk.get("blob"), str):
            found.append(chunk["blob"])
    return found


def _live_batches(ctx: RequestContext, batch_ids: Iterable[str]) -> set[str]:
    return {b for b in set(batch_ids) if ctx.backend("catalog").get_batch(b) is not None}


def _usage(ctx: RequestContext, leaving: str | None = None) -> int:
    """Bytes the tenant has staged for batches that still exist, without the record ``leaving``."""
    records = [(rid, rec) for rid, rec in ctx.tenant.collection(STAGED).scan() if rid != leaving]
    alive = _live_batches(ctx, (str(rec.get("batchId")) for _rid, rec in records))
    return sum(int(rec.get("sizeInBytes") or 0) for _rid, rec in records if rec.get("batchId") in alive)


def _budget(ctx: RequestContext, quota: int, declared: int | None, leaving: str | None = None,
            leaving_bytes: int = 0) -> int:
    budget = quota - _usage(ctx, leaving) - leaving_bytes
    if declared is not None and declared > budget:
        raise _over_quota(ctx, quota)
    return budget


def _over_quota(ctx: RequestContext, quota: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The files staged in org {ctx.org}, sandbox {ctx.sandbox} would exceed this emulator's "
                           f"upload quota of {quota} bytes: complete or delete batches (or reset the sandbox) to "
                           "free space.", title="Upload quota exceeded")


def _write(ctx: RequestContext, spool: BlobStore, stream: IO[bytes], budget: int, quota: int) -> tuple[str, int]:
    try:
        return spool.write(ctx.tenant, stream, budget)
    except QuotaExceeded:
        raise _over_quota(ctx, quota) from None


def reclaim(ctx: RequestContext, spool: BlobStore) -> None:
    """Forget staged files whose batch was deleted, and the bytes they held (only those: the
    tenant's other blobs, such as landed data files, are not Batch Ingestion's)."""
    collection = ctx.tenant.collection(STAGED)
    records = list(collection.scan())
    alive = _live_batches(ctx, (str(rec.get("batchId")) for _rid, rec in records))
    doomed = [(rid, blobs_of(rec)) for rid, rec in records if rec.get("batchId") not in alive]
    for rid, blobs in doomed:
        collection.delete(rid)
        spool.discard(ctx.tenant, blobs)


# -- files ----------------------------------------------------------------------------------------
def put_file(ctx: RequestContext, spool: BlobStore, quota: int, batch_id: str, dataset_id: str, path: str,
             stream: IO[bytes], declared: int | None) -> None:
    """Whole-file upload: a second PUT of the same path replaces the file (never duplicates)."""
    require_target(ctx, batch_id, dataset_id, writable=True)
    key = file_key(batch_id, dataset_id, path)
    collection = ctx.tenant.collection(STAGED)
    blob, size = _write(ctx, spool, stream, _budget(ctx, quota, declared, leaving=key), quota)
    replaced = collection.get(key)
    collection.put(key, {"batchId": batch_id, "dataSetId": dataset_id, "name": path, "state": "complete",
                         "sizeInBytes": size, "blob": blob, "chunks": [], "updated": ctx.now_ms})
    spool.discard(ctx.tenant, blobs_of(replaced or {}))
    reclaim(ctx, spool)


def initialize_file(ctx: RequestContext, spool: BlobStore, batch_id: str, dataset_id: str,
                    path: str) -> dict[str, Any]:
    require_target(ctx, batch_id, dataset_id, writable=True)
    key = file_key(batch_id, dataset_id, path)
    replaced = ctx.tenant.collection(STAGED).get(key)
    ctx.tenant.collection(STAGED).put(key, {
        "batchId": batch_id, "dataSetId": dataset_id, "name": path, "state": "initialized",
        "sizeInBytes": 0, "blob": None, "chunks": [], "updated": ctx.now_ms})
    spool.discard(ctx.tenant, blobs_of(replaced or {}))
    reclaim(ctx, spool)
    return {"name": path, "sizeInBytes": 0}


def _staged(ctx: RequestContext, batch_id: str, dataset_id: str, path: str) -> dict[str, Any]:
    found = ctx.tenant.collection(STAGED).get(file_key(batch_id, dataset_id, path))
    if found is None:
        raise NotFound(f"File {shown(path, quoted=True)} of batch '{batch_id}' was not initialized or uploaded.",
                       title="File not found")
    return found


def put_chunk(ctx: RequestContext, spool: BlobStore, quota: int, batch_id: str, dataset_id: str, path: str,
              content_range: str | None, stream: IO[bytes], declared: int | None) -> tuple[dict[str, Any], str]:
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

    def wrong_size(carried: int) -> BadRequest:
        return BadRequest(f"Content-Range bytes {first}-{last} announces {last - first + 1} bytes but the part "
                          f"carries {carried} (parts hold 1 to {MAX_CHUNK} bytes).")

    if last < first or (declared is not None and (declared != last - first + 1 or declared > MAX_CHUNK)):
        raise wrong_size(declared if declared is not None else 0)
    key = file_key(batch_id, dataset_id, path)
    # Re-sending the very same range is a retry and replaces that part; any other overlap is
    # only detected when the file is completed (troubleshooting.md).
    replaced = [c for c in staged["chunks"] if (c["first"], c["last"]) == (first, last)]
    kept = [c for c in staged["chunks"] if (c["first"], c["last"]) != (first, last)]
    kept_bytes = sum(c["last"] - c["first"] + 1 for c in kept)
    blob, size = _write(ctx, spool, stream, _budget(ctx, quota, declared, leaving=key, leaving_bytes=kept_bytes),
                        quota)
    if size != last - first + 1 or size > MAX_CHUNK:
        spool.discard(ctx.tenant, [blob])
        raise wrong_size(size)
    staged["chunks"] = kept + [{"first": first, "last": last, "blob": blob}]
    staged["sizeInBytes"] = kept_bytes + size
    staged["updated"] = ctx.now_ms
    ctx.tenant.collection(STAGED).put(key, staged)
    spool.discard(ctx.tenant, [b for c in replaced for b in blobs_of({"chunks": [c]})])
    return {"name": path, "sizeInBytes": staged["sizeInBytes"]}, received_range(staged)


def complete_file(ctx: RequestContext, spool: BlobStore, batch_id: str, dataset_id: str,
                  path: str) -> dict[str, Any]:
    """Stitch the parts: missing or overlapping ranges → 400 (troubleshooting.md)."""
    require_target(ctx, batch_id, dataset_id, writable=True)
    staged = _staged(ctx, batch_id, dataset_id, path)
    if staged["state"] == "complete":
        return {"name": path, "sizeInBytes": staged["sizeInBytes"]}
    expected = 0
    parts = sorted(staged["chunks"], key=lambda c: (c["first"], c["last"]))
    for chunk in parts:
        if chunk["first"] != expected:
            problem = "overlapping" if chunk["first"] < expected else "missing"
            raise BadRequest(f"File '{path}' has {problem} parts around byte {expected}: upload the missing "
                             "range or re-initialize the file.")
        expected = chunk["last"] + 1
    if not parts:
        raise BadRequest(f"File '{path}' has no parts: upload them with PATCH before completing it.")
    try:
        blob, size = spool.concatenate(ctx.tenant, (_blob_of(ctx, spool, part) for part in parts))
    except (FileNotFoundError, ContentLost):
        raise BadRequest(f"File '{path}' has parts whose bytes are no longer available (the state was loaded "
                         "from a document): re-initialize the file and upload its parts again.") from None
    staged.update(state="complete", blob=blob, chunks=[], sizeInBytes=size, updated=ctx.now_ms)
    ctx.tenant.collection(STAGED).put(file_key(batch_id, dataset_id, path), staged)
    spool.discard(ctx.tenant, [b for part in parts for b in blobs_of({"chunks": [part]})])
    return {"name": path, "sizeInBytes": size}


def _blob_of(ctx: RequestContext, spool: BlobStore, part: Mapping[str, Any]) -> str:
    """The blob of a part; a part stored inline by an older version is spooled first."""
    if isinstance(part.get("blob"), str):
        return part["blob"]
    blob, _size = spool.write(ctx.tenant, io.BytesIO(_inline_bytes(part)), MAX_CHUNK)
    return blob


def received_range(staged: Mapping[str, Any]) -> str:
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


def _inline_bytes(record: Mapping[str, Any]) -> bytes:
    content = record.get("content")
    if not isinstance(content, str):
        raise ContentLost()
    try:
        return base64.b64decode(content) if record.get("encoding") == "base64" else content.encode("utf-8")
    except ValueError:
        raise ContentLost() from None


def file_bytes(spool: BlobStore, staged: Mapping[str, Any]) -> bytes:
    """The bytes of a complete staged file; :class:`ContentLost` when they are gone."""
    blob = staged.get("blob")
    if isinstance(blob, str):
        try:
            return spool.read(blob)
        except FileNotFoundError:
            raise ContentLost() from None
    return _inline_bytes(staged)
