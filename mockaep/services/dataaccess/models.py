"""What the Data Access API answers (data-access.yaml), from Catalog's records (``ctx.backend``).

Listings are paged with ``start`` and ``limit`` (at most 100 items a page, the spec's default
and maximum): a batch's dataset files by position (``start`` an offset), a dataset file's parts
by name (``start`` the name to begin at, as aepp sends it). Links are gateway paths
(``/data/foundation/export/...``), as Flow Service's ``_links`` are, so they work wherever the
emulator is served. Numbers the spec types as strings (``records``, ``size``, ``length``,
``created``) are sent as strings. A download answers a :class:`Download` (the route sends its
bytes, or the range asked for). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.jsonreader import dumps

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
    raw = ctx.query.get("limit")
    if raw is None:
        return MAX_LIMIT
    text = raw.strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= MAX_LIMIT:
        raise BadRequest(f"Query parameter 'limit' must be a whole number from 1 to {MAX_LIMIT}; got "
                         f"'{raw[:50]}'.")
    return int(text)


def _offset(ctx: RequestContext) -> int:
    raw = ctx.query.get("start")
    if raw is None:
        return 0
    text = raw.strip()
    if not text.isdigit() or len(text) > 9:
        raise BadRequest(f"Query parameter 'start' must be a whole number (the position of the first item); "
                         f"got '{raw[:50]}'.")
    return int(text)


def _item(name: str, length: int, href: str) -> dict[str, Any]:
    return {"name": name, "length": str(length), "_links": {"self": {"href": href}}}


def _path(ctx: RequestContext, required: bool = False) -> str | None:
    path = ctx.query.get("path")
    if path is not None and not path.strip():
        path = None
    if path is None and required:
        raise BadRequest("Query parameter 'path' is required: the name of the file, as the file's listing shows it.")
    return path


def _missing_batch(batch_id: str) -> NotFound:
    return NotFound(f"Batch '{batch_id[:200]}' was not found in this org and sandbox.", title="Batch not found")


def _missing_path(path: str, where: str) -> NotFound:
    return NotFound(f"There is no file '{path[:200]}' in {where}.", title="File not found")


# -- batches ---------------------------------------------------------------------------------------------
def batch_files(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    """``GET /batches/{id}/files``: the batch's dataset files, a page of them."""
    start, limit = _offset(ctx), _limit(ctx)
    found = ctx.backend("catalog").batch_dataset_files(batch_id, start, limit)
    if found is None:
        raise _missing_batch(batch_id)
    files, total = found
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
    error diagnostics are on), or one of them with ``?path=``."""
    kept = ctx.backend("catalog").failed_rows(batch_id)
    if kept is None:
        raise _missing_batch(batch_id)
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
