"""What the Data Access API answers (data-access.yaml), from Catalog's records (``ctx.backend``).

Listings are paged with ``start`` and ``limit`` (at most 100 items a page, the spec's default
and maximum): a batch's dataset files by position (``start`` an offset), a dataset file's parts
by name (``start`` the name to begin at, as aepp sends it). Where the spec documents no 404 (a
batch's files, its failed files), a batch that does not exist is answered as one with no file. Links are gateway paths
(``/data/foundation/export/...``), as Flow Service's ``_links`` are, so they work wherever the
emulator is served. Numbers the spec types as strings (``records``, ``size``, ``length``,
``created``) are sent as strings. A download answers a :class:`Download` (the route sends its
bytes, or the range asked for). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockaep.core.context import RequestContext
from mockaep.core.errors import NotFound
from mockaep.core.jsonreader import dumps
from mockaep.core.numbers import whole_number

BASE = "/data/foundation/export"
MAX_LIMIT = 100
#: How many rows ``GET /datasets/{id}/preview`` shows (data-access.yaml: "the first 100 rows").
PREVIEW_ROWS = 100
PARQUET = "application/octet-stream"
JSON = "application/json"
#: The entries of a batch's meta directory (data-access.yaml ``retrieveBatchMeta``).
ROW_ERRORS = "row_errors"
SAMPLE = "row_errors_sample.json"


@dataclass(frozen=True)
class Download:
    """A file to send: stored bytes (``blob``) or bytes made for the answer (``data``)."""

    name: str
    length: int
    media_type: str
    blob: str | None = None
    data: bytes | None = None


# -- paging --------------------------------------------------------------------------------------------
def _limit(ctx: RequestContext) -> int:
    """``limit``: the spec types it as a string and documents no 400, so a value that is not a
    whole number from 1 counts as absent, and more than the maximum is served as the maximum."""
    value = whole_number((ctx.query.get("limit") or "").strip(), 9)
    if value is None or value < 1:
        return MAX_LIMIT
    return min(value, MAX_LIMIT)


def _offset(ctx: RequestContext) -> int:
    """``start`` of a positional listing (same leniency as ``limit``)."""
    return whole_number((ctx.query.get("start") or "").strip(), 9) or 0


def _item(name: str, length: int, href: str) -> dict[str, Any]:
    return {"name": name, "length": str(length), "_links": {"self": {"href": href}}}


def _path(ctx: RequestContext, required: bool = False) -> str | None:
    """``path``: the name of a file to download; empty is absent, except where a file must be
    named (``HEAD``): there a missing or empty one names no file (the spec's 404, it lists no 400)."""
    path = ctx.query.get("path")
    if required and (path is None or not path.strip()):
        raise NotFound("Name the file with the query parameter 'path', as the dataset file's listing shows it.",
                       title="File not found")
    return path if path is not None and path.strip() else None


def _missing_batch(batch_id: str) -> NotFound:
    return NotFound(f"Batch '{batch_id[:200]}' was not found in this org and sandbox.", title="Batch not found")


def _missing_path(path: str, where: str) -> NotFound:
    return NotFound(f"There is no file '{path[:200]}' in {where}.", title="File not found")


# -- batches ---------------------------------------------------------------------------------------------
def batch_files(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    """``GET /batches/{id}/files``: the batch's dataset files, a page of them (data-access.yaml
    documents no 404 here: a batch that does not exist has no file)."""
    start, limit = _offset(ctx), _limit(ctx)
    files, total = ctx.backend("catalog").batch_dataset_files(batch_id, start, limit) or ([], 0)
    body: dict[str, Any] = {"data": [_dataset_file(record) for record in files],
                            "_page": {"limit": limit, "count": len(files)}}
    if start + len(files) < total:
        body["_links"] = {"next": {"href": f"{BASE}/batches/{batch_id}/files?start={start + len(files)}&limit={limit}"}}
    return body


def _dataset_file(record: dict[str, Any]) -> dict[str, Any]:
    file_id = record["id"]
    return {"dataSetFileId": file_id, "dataSetViewId": record.get("dataSetViewId") or "",
            "version": record.get("version", "1.0.0"), "created": str(record.get("created", "")),
            "updated": str(record.get("updated", "")), "records": str(record.get("records", 0)),
            "size": str(record.get("size", 0)), "isValid": bool(record.get("isValid")),
            "_links": {"self": {"href": f"{BASE}/files/{file_id}"}}}


def failed(ctx: RequestContext, batch_id: str) -> dict[str, Any] | Download:
    """``GET /batches/{id}/failed``: the files of the rows the batch rejected (kept when its
    error diagnostics are on), or one of them with ``?path=``; an unknown batch has none."""
    kept = ctx.backend("catalog").failed_rows(batch_id) or {"files": [], "sample": []}
    path = _path(ctx)
    if path is not None:
        part = next((f for f in kept["files"] if f["name"] == path), None)
        if part is None:
            raise _missing_path(path, f"the failed files of batch {batch_id[:200]}")
        return Download(part["name"], part["length"], JSON, blob=part["blob"])
    start, limit = _offset(ctx), _limit(ctx)
    files = kept["files"][start:start + limit]
    return {"data": [_item(f["name"], f["length"], f"{BASE}/batches/{batch_id}/failed?path={f['name']}")
                     for f in files], "_page": {"limit": limit, "count": len(files)}}


def meta(ctx: RequestContext, batch_id: str) -> dict[str, Any] | Download:
    """``GET /batches/{id}/meta``: the batch's meta directory — ``row_errors`` (the rejected rows
    with their reasons) and ``row_errors_sample.json`` — when it kept its row errors."""
    kept = ctx.backend("catalog").failed_rows(batch_id)
    if kept is None:
        raise _missing_batch(batch_id)
    path = _path(ctx)
    files = kept["files"]
    sample = dumps(kept["sample"])
    link = f"{BASE}/batches/{batch_id}/meta?path="
    if path is None:
        entries = [_item(ROW_ERRORS, sum(f["length"] for f in files), link + ROW_ERRORS),
                   _item(SAMPLE, len(sample), link + SAMPLE)] if files else []
        return {"data": entries, "_page": {"limit": MAX_LIMIT, "count": len(entries)}}
    if files and path.rstrip("/") == ROW_ERRORS:
        entries = [_item(f"{ROW_ERRORS}/{f['name']}", f["length"], f"{link}{ROW_ERRORS}/{f['name']}") for f in files]
        return {"data": entries, "_page": {"limit": MAX_LIMIT, "count": len(entries)}}
    if files and path == SAMPLE:
        return Download(SAMPLE, len(sample), JSON, data=sample)
    for part in files:
        if path == f"{ROW_ERRORS}/{part['name']}":
            return Download(part["name"], part["length"], JSON, blob=part["blob"])
    raise _missing_path(path, f"the meta directory of batch {batch_id[:200]}")


# -- files -----------------------------------------------------------------------------------------------
def dataset_file(ctx: RequestContext, file_id: str, *, head: bool = False) -> dict[str, Any] | Download:
    """``GET /files/{id}``: the stored files that make a dataset file (a page, by name), or with
    ``?path=`` one of them (``HEAD`` requires it)."""
    found = ctx.backend("catalog").dataset_file_parts(file_id)
    if found is None:
        raise NotFound(f"Dataset file '{file_id[:200]}' was not found in this org and sandbox.",
                       title="Dataset file not found")
    _record, parts = found
    path = _path(ctx, required=head)
    if path is not None:
        part = next((p for p in parts if p["name"] == path), None)
        if part is None:
            raise _missing_path(path, f"dataset file {file_id[:200]}")
        return Download(part["name"], part["length"], PARQUET, blob=part["blob"])
    limit = _limit(ctx)
    begin = ctx.query.get("start") or ""
    ordered = sorted((p for p in parts if p["name"] >= begin), key=lambda p: p["name"])
    page = ordered[:limit]
    body: dict[str, Any] = {"data": [_item(p["name"], p["length"], f"{BASE}/files/{file_id}?path={p['name']}")
                                     for p in page], "_page": {"limit": limit, "count": len(page)}}
    if len(ordered) > limit:
        body["_links"] = {"next": {"href": f"{BASE}/files/{file_id}?start={ordered[limit]['name']}&limit={limit}"}}
    return body


# -- datasets ---------------------------------------------------------------------------------------------
def preview(ctx: RequestContext, dataset_id: str) -> dict[str, Any]:
    """``GET /datasets/{id}/preview``: the dataset's first rows, as JSON."""
    found = ctx.backend("catalog").dataset_rows(dataset_id, 0, PREVIEW_ROWS)
    if found is None:
        raise NotFound(f"Dataset '{dataset_id[:200]}' was not found in this org and sandbox.",
                       title="Dataset not found")
    return {"data": found["rows"]}
