"""The data batches land: dataset files with bytes, the rows a batch rejected, rows read back.

Batch Ingestion (a completed batch) and Flow Service (a run's promotion) land rows the same way,
through Catalog's port: :func:`land_file` writes the validated rows as one Parquet file (typed by
the dataset's XDM schema, ``mockaep.core.parquet``) into the emulator's blob store and registers
it as a dataset file of the batch; :func:`keep_failed_rows` keeps the rows a batch rejected, with
their reasons, when the batch's error diagnostics are on. The Data Access service reads them
(:func:`file_parts`, :func:`failed_rows`, :func:`dataset_rows`); nothing else shows a blob id.

A dataset's rows are the rows of its valid dataset files (a reverted batch's files are no longer
valid, a deleted batch's are gone), in the order they landed. No Flask here.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import parquet
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest
from mockaep.core.jsonreader import dumps
from mockaep.services.catalog import objects
from mockaep.services.catalog.journal import Journal
from mockaep.services.catalog.models import get_dataset
from mockaep.services.catalog.resources import BATCHES, DATASET_FILES, FAILED_ROWS, FILE_PARTS, KINDS

FILE_KIND = KINDS[DATASET_FILES]

#: The file holding a batch's rejected rows (a JSON array), and how many of them
#: the sample (``row_errors_sample.json``) shows.
FAILED_FILE = "failed-rows.json"
SAMPLE_SIZE = 20


def part_name(batch_id: str, number: int) -> str:
    """The name of a landed Parquet file, in the form the platform's lake gives them."""
    return f"part-{number:05d}-{batch_id}-c000.snappy.parquet"


def add_dataset_file(ctx: RequestContext, journal: Journal, batch_id: str, dataset_id: str, name: str,
                     records: int, size: int) -> str:
    """Register a promoted file (``@/dataSetFiles?dataSetId=…`` lists them)."""
    dataset = get_dataset(ctx, dataset_id) or {}
    collection = ctx.tenant.collection(DATASET_FILES)
    file_id = f"{batch_id}-{collection.count('batchId', batch_id) + 1}"
    record = {"id": file_id, "batchId": batch_id, "dataSetId": dataset_id, "dataSetViewId": dataset.get("viewId"),
              "name": name, "records": records, "size": size, "isValid": True, "imsOrg": ctx.org,
              "sandboxId": ctx.sandbox_id, "createdUser": ctx.user_id, "createdClient": ctx.client_id,
              "updatedUser": ctx.user_id, "version": "1.0.0", "created": ctx.now_ms, "updated": ctx.now_ms}
    objects.check_record(ctx, FILE_KIND, record)
    journal.save(DATASET_FILES, file_id, record)
    return file_id


def invalidate_files(ctx: RequestContext, journal: Journal, batch_id: str) -> None:
    """A batch became inactive (reverted, replaced): its files no longer hold the dataset's data."""
    collection = ctx.tenant.collection(DATASET_FILES)
    for file_id in list(collection.ids(among=collection.hits("batchId", batch_id))):
        record = collection.get(file_id)
        if record is not None and record.get("isValid"):
            record.update(isValid=False, updated=ctx.now_ms)
            journal.save(DATASET_FILES, file_id, record)


def land_file(ctx: RequestContext, journal: Journal, batch_id: str, dataset_id: str, rows: list[Any],
              schema: Mapping[str, Any], name: str | None = None) -> dict[str, Any]:
    """Land ``rows`` (valid XDM documents) as one dataset file of the batch. Returns
    ``{"dataSetFileId", "name", "size", "records", "rejected": [(position, reason)]}``: rows whose
    values have no Parquet form are left out and listed; no file is made when no row is left."""
    objects.require(ctx, BATCHES, batch_id)
    data, rejected = parquet.write_rows(rows, schema, batch_id)
    written = len(rows) - len(rejected)
    if written <= 0:
        return {"dataSetFileId": None, "name": None, "size": 0, "records": 0, "rejected": rejected}
    stored_name = part_name(batch_id, ctx.tenant.collection(DATASET_FILES).count("batchId", batch_id))
    blob = ctx.runtime.blobs.put(ctx.tenant, data)
    file_id = add_dataset_file(ctx, journal, batch_id, dataset_id, name or stored_name, written, len(data))
    journal.save(FILE_PARTS, file_id, {"dataSetFileId": file_id, "batchId": batch_id, "dataSetId": dataset_id,
                                       "parts": [{"name": stored_name, "blob": blob, "length": len(data),
                                                  "records": written}]})
    return {"dataSetFileId": file_id, "name": name or stored_name, "size": len(data), "records": written,
            "rejected": rejected}


def keep_failed_rows(ctx: RequestContext, journal: Journal, batch_id: str,
                     failures: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Keep a batch's rejected rows (``{"rowNumber", "errors": [{"code", "message"}], "record"}``
    each) as one JSON-lines file; returns ``{"name", "size", "records"}``."""
    objects.require(ctx, BATCHES, batch_id)
    if not failures:
        raise BadRequest("There are no failed rows to keep.")
    data = dumps(list(failures))
    blob = ctx.runtime.blobs.put(ctx.tenant, data)
    sample = [{"rowNumber": f.get("rowNumber"), "errors": f.get("errors") or []} for f in failures[:SAMPLE_SIZE]]
    journal.save(FAILED_ROWS, batch_id, {"batchId": batch_id, "sample": sample, "files": [
        {"name": FAILED_FILE, "blob": blob, "length": len(data), "records": len(failures)}]})
    return {"name": FAILED_FILE, "size": len(data), "records": len(failures)}


def forget_batch(ctx: RequestContext, journal: Journal, batch_id: str) -> list[str]:
    """A batch is deleted: its dataset files and their data go with it. Returns the blobs no
    record names any more (the caller frees them once the deletion stands)."""
    freed: list[str] = []
    files = ctx.tenant.collection(DATASET_FILES)
    for file_id in list(files.ids(among=files.hits("batchId", batch_id))):
        parts = ctx.tenant.collection(FILE_PARTS).get(file_id)
        if parts is not None:
            freed.extend(p["blob"] for p in parts.get("parts") or [] if isinstance(p.get("blob"), str))
            journal.remove(FILE_PARTS, file_id)
        journal.remove(DATASET_FILES, file_id)
    failed = ctx.tenant.collection(FAILED_ROWS).get(batch_id)
    if failed is not None:
        freed.extend(f["blob"] for f in failed.get("files") or [] if isinstance(f.get("blob"), str))
        journal.remove(FAILED_ROWS, batch_id)
    return freed


# -- reading --------------------------------------------------------------------------------------------
def batch_dataset_files(ctx: RequestContext, batch_id: str, start: int, limit: int
                        ) -> tuple[list[dict[str, Any]], int] | None:
    """A page of a batch's dataset files (oldest first) and how many it has; None: no such batch."""
    if objects.find(ctx, BATCHES, batch_id) is None:
        return None
    files = ctx.tenant.collection(DATASET_FILES)
    hits = files.hits("batchId", batch_id)
    page = []
    for file_id in files.ids(after=files.at_offset(start, among=hits), among=hits):
        if len(page) >= limit:
            break
        record = files.get(file_id)
        if record is not None:
            page.append(record)
    return page, len(hits)


def file_parts(ctx: RequestContext, file_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A dataset file and the stored files that make it (``name``, ``blob``, ``length``,
    ``records``); None when there is no such dataset file. A file registered without bytes (a
    state document from an older version) has no parts."""
    record = ctx.tenant.collection(DATASET_FILES).get(file_id) if isinstance(file_id, str) else None
    if record is None:
        return None
    stored = ctx.tenant.collection(FILE_PARTS).get(file_id)
    return record, list((stored or {}).get("parts") or [])


def failed_rows(ctx: RequestContext, batch_id: str) -> dict[str, Any] | None:
    """What a batch kept of its rejected rows (``files``, ``sample``); None when there is no such
    batch; empty lists when it kept none."""
    if objects.find(ctx, BATCHES, batch_id) is None:
        return None
    stored = ctx.tenant.collection(FAILED_ROWS).get(batch_id)
    return {"files": list((stored or {}).get("files") or []), "sample": list((stored or {}).get("sample") or [])}


def dataset_rows(ctx: RequestContext, dataset_id: str, start: int, limit: int) -> dict[str, Any] | None:
    """A page of a dataset's rows as JSON (``rows``, ``total``, ``unavailableFiles``: files whose
    bytes are gone); None when there is no such dataset. Reads only the files the page needs:
    the others are skipped by their record counts."""
    dataset = get_dataset(ctx, dataset_id) if isinstance(dataset_id, str) else None
    if dataset is None:
        return None
    ref = (dataset.get("schemaRef") or {}).get("id")
    schema = (ctx.backend("schemaregistry").resolve_schema(ref) if isinstance(ref, str) else None) or {}
    files = ctx.tenant.collection(DATASET_FILES)
    rows: list[dict[str, Any]] = []
    total = 0
    unavailable = []
    for file_id in files.ids(among=files.hits("dataSetId", dataset_id)):
        record = files.get(file_id)
        if record is None or not record.get("isValid"):
            continue
        count = int(record.get("records") or 0)
        if len(rows) < limit and total + count > start:
            try:
                landed = _read_file(ctx, file_id, schema)
            except FileNotFoundError:
                unavailable.append(file_id)
                landed = []
            skip = max(0, start - total)
            rows.extend(landed[skip:skip + limit - len(rows)])
        total += count
    return {"rows": rows, "total": total, "unavailableFiles": unavailable}


def _read_file(ctx: RequestContext, file_id: str, schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    stored = ctx.tenant.collection(FILE_PARTS).get(file_id)
    if stored is None:
        raise FileNotFoundError(file_id)
    rows = []
    for part in stored.get("parts") or []:
        try:
            rows.extend(parquet.read_rows(ctx.runtime.blobs.read(part["blob"]), schema))
        except ValueError:  # not readable as Parquet any more: as good as gone
            raise FileNotFoundError(file_id) from None
    return rows
