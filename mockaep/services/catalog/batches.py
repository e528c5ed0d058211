"""Catalog batches: the one owner of the batch record shape.

Catalog's own /batches endpoints (create, replace, patch, delete, list, uniques, lastBatches)
and Batch Ingestion (through ``catalog/api.py``) both change batches here, so the shape, the
dataset's ``lastBatch*`` fields and the ``dataSetFiles`` written on success stay consistent.
"""
from __future__ import annotations

import copy
from typing import Any

from mockaep.core import ids, validation
from mockaep.core.errors import BadRequest, Conflict
from mockaep.core.context import RequestContext
from mockaep.services.catalog import journal
from mockaep.services.catalog.models import (DATASETS, bump_version, check_if_match, get_dataset, get_record, link,
                                             require_record)
from mockaep.services.catalog.query import Condition, Query, listing, lookup, parse_simple

BATCHES = "batches"
DATASET_FILES = "dataSetFiles"
FINAL = {"success", "active", "failed", "failure", "aborted", "abandoned", "inactive", "deleted"}
SUCCEEDED = {"success", "active"}
RELATED_IDS = "relatedObjects[].id"  # indexed (routes.INDEXES): batches of a dataset
FAILED = {"failed", "failure"}
SYSTEM_FIELDS = ("id", "imsOrg", "version", "created", "updated", "createdClient", "createdUser", "updatedUser",
                 "externalId")


def get_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any] | None:
    return get_record(ctx, BATCHES, batch_id)


def require_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    return require_record(ctx, BATCHES, batch_id, "Batch")


def dataset_of(batch: dict[str, Any]) -> str | None:
    for related in batch.get("relatedObjects") or []:
        if isinstance(related, dict) and related.get("type") == "dataSet":
            return related.get("id")
    return None


def _check_related(ctx: RequestContext, body: dict[str, Any]) -> None:
    for related in body.get("relatedObjects") or []:
        if related.get("type") == "dataSet" and get_dataset(ctx, related.get("id")) is None:
            raise BadRequest(f"relatedObjects names dataSet '{related.get('id')}', which does not exist.")
        if related.get("type") == "batch" and get_batch(ctx, related.get("id")) is None:
            raise BadRequest(f"relatedObjects names batch '{related.get('id')}', which does not exist.")


def _new_record(ctx: RequestContext, batch_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": batch_id,
        "imsOrg": ctx.org,
        "status": "loading",
        "created": ctx.now_ms,
        "updated": ctx.now_ms,
        "createdClient": ctx.client_id,
        "createdUser": ctx.user_id,
        "updatedUser": ctx.user_id,
        "relatedObjects": [],
        "version": "1.0.0",
        "tags": {},
        "externalId": batch_id,
    }
    record.update({k: copy.deepcopy(v) for k, v in fields.items() if k not in SYSTEM_FIELDS})
    return record


def _save(ctx: RequestContext, record: dict[str, Any], previous_status: str | None = None, *,
          new: bool = False) -> None:
    journal.save(ctx, BATCHES, record["id"], record)
    if new or record.get("status") != previous_status:
        _note_on_dataset(ctx, record, new)


def _note_on_dataset(ctx: RequestContext, batch: dict[str, Any], new: bool) -> None:
    """Keep the dataset's lastBatchId (the newest batch) and lastBatchStatus (its status), and
    lastSuccessfulBatch / lastFailedBatch (the latest to reach those states)."""
    dataset_id = dataset_of(batch)
    dataset = get_dataset(ctx, dataset_id) if dataset_id else None
    if dataset is None:
        return
    if new or dataset.get("lastBatchId") in (None, batch["id"]):
        dataset["lastBatchId"] = batch["id"]
        dataset["lastBatchStatus"] = batch["status"]
    if batch["status"] in SUCCEEDED:
        dataset["lastSuccessfulBatch"] = batch["id"]
    elif batch["status"] in FAILED:
        dataset["lastFailedBatch"] = batch["id"]
    dataset["updated"] = ctx.now_ms
    journal.save(ctx, DATASETS, dataset_id, dataset)


# -- Catalog's /batches ----------------------------------------------------------------------
def create_batch(ctx: RequestContext, body: Any, batch_id: str | None = None) -> str:
    """``POST /batches`` (or ``POST /batches/{id}`` with a client-chosen id)."""
    path = "/batches/{BATCH_ID}" if batch_id else "/batches"
    validation.check_body(ctx, "catalog", "POST", path, body)
    _check_related(ctx, body)
    if batch_id is not None and batch_id in ctx.tenant.collection(BATCHES):
        raise Conflict(f"A batch with id '{batch_id}' already exists.", code="1409")
    batch_id = batch_id or ids.new_ulid(ctx.now_ms)
    _save(ctx, _new_record(ctx, batch_id, body), new=True)
    return batch_id


def replace_batch(ctx: RequestContext, batch_id: str, body: Any, if_match: str | None = None) -> None:
    current = require_batch(ctx, batch_id)
    check_if_match(current, if_match)
    validation.check_body(ctx, "catalog", "PUT", "/batches/{BATCH_ID}", body)
    _check_related(ctx, body)
    record = {k: v for k, v in current.items() if k in SYSTEM_FIELDS}
    record.update({k: copy.deepcopy(v) for k, v in body.items() if k not in SYSTEM_FIELDS})
    record.update(updated=ctx.now_ms, updatedUser=ctx.user_id, version=bump_version(current.get("version")))
    _save(ctx, record, current.get("status"))


def patch_batch(ctx: RequestContext, batch_id: str, body: Any, if_match: str | None = None) -> None:
    current = require_batch(ctx, batch_id)
    check_if_match(current, if_match)
    if not isinstance(body, dict):
        raise BadRequest("PATCH /batches/{id} takes an object of batch attributes to change.")
    validation.check_body(ctx, "catalog", "PATCH", "/batches/{BATCH_ID}", body)
    _check_related(ctx, body)
    previous = current.get("status")
    current.update({k: copy.deepcopy(v) for k, v in body.items() if k not in SYSTEM_FIELDS})
    current.update(updated=ctx.now_ms, updatedUser=ctx.user_id, version=bump_version(current.get("version")))
    _save(ctx, current, previous)


def delete_batch(ctx: RequestContext, batch_id: str) -> None:
    require_batch(ctx, batch_id)
    journal.remove(ctx, BATCHES, batch_id)


def _batch_aliases() -> dict[str, Any]:
    def related(kind: str):
        return lambda raw: _RelatedCondition(kind, parse_simple("id", raw))
    return {"batch": lambda raw: parse_simple("id", raw), "dataSet": related("dataSet"),
            "transform": related("transform")}


class _RelatedCondition:
    """``dataSet=<id>``: the batch relates to that object (any of a comma list)."""

    def __init__(self, kind: str, inner: Condition) -> None:
        self.kind, self.inner = kind, inner

    def indexed_ids(self, collection: Any) -> set[str] | None:
        if self.inner.op != "in" or not collection.indexed(RELATED_IDS):
            return None
        found: set[str] = set()
        for value in self.inner.values:
            found |= collection.lookup(RELATED_IDS, value)
        return found

    def matches(self, record: Any) -> bool:
        related = [r for r in record.get("relatedObjects") or [] if isinstance(r, dict) and r.get("type") == self.kind]
        if self.inner.op == "in":
            return any(self.inner.matches(r) for r in related)
        return all(self.inner.matches(r) for r in related)


def find_batches(ctx: RequestContext, params: list[tuple[str, str]]) -> dict[str, Any]:
    return listing(ctx.tenant.collection(BATCHES), params, aliases=_batch_aliases())


def show_batch(ctx: RequestContext, batch_id: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    return lookup(batch_id, require_batch(ctx, batch_id), params)


def unique_values(ctx: RequestContext, field: str, params: list[tuple[str, str]]) -> list[str]:
    """``GET /batches/uniques/{FIELD}``: distinct values of a top-level field among matches."""
    query = Query.parse(params, aliases=_batch_aliases())
    query.limit, query.start = 10 ** 9, 0  # uniques are over every match, then paged below
    seen: dict[str, None] = {}
    for _rid, record in query.run(query.candidates(ctx.tenant.collection(BATCHES))):
        value = record.get(field)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                seen.setdefault(str(item), None)
    page = Query.parse([(k, v) for k, v in params if k in ("limit", "start")])
    return list(seen)[page.start:page.start + page.limit]


def last_batches(ctx: RequestContext, params: list[tuple[str, str]]) -> dict[str, Any]:
    """``GET /lastBatches``: per dataset, its last / last successful / last failed batch."""
    aliases = {"dataSetId": lambda raw: parse_simple("dataSetId", raw)}
    query = Query.parse(params, aliases=aliases)
    summaries = []
    for dataset_id, dataset in ctx.tenant.collection(DATASETS).scan():
        if not dataset.get("lastBatchId"):
            continue
        summary = {"dataSetId": dataset_id, "imsOrg": dataset.get("imsOrg"), "created": dataset.get("created"),
                   "updated": dataset.get("updated"), "lastBatchId": dataset["lastBatchId"],
                   "lastBatchStatus": dataset.get("lastBatchStatus")}
        if dataset.get("lastSuccessfulBatch"):
            summary["lastSuccessfulBatchId"] = dataset["lastSuccessfulBatch"]
        if dataset.get("lastFailedBatch"):
            summary["lastFailedBatchId"] = dataset["lastFailedBatch"]
        summaries.append((dataset_id, summary))
    return {rid: query.project(rec) for rid, rec in query.run(summaries)}


# -- what Batch Ingestion asks (through catalog/api.py) -------------------------------------
def open_ingest_batch(ctx: RequestContext, dataset_id: str, fields: dict[str, Any],
                      batch_id: str | None = None) -> dict[str, Any]:
    """A new ``loading`` batch for one dataset (``POST /import/batches``); returns the record.
    ``batch_id``: an id the caller derived (Flow Service runs), used unless already taken."""
    if get_dataset(ctx, dataset_id) is None:
        raise BadRequest(f"datasetId '{dataset_id}' does not name a dataset in org {ctx.org}, "
                         f"sandbox {ctx.sandbox}.")
    if batch_id is None or batch_id in ctx.tenant.collection(BATCHES):
        batch_id = ids.new_ulid(ctx.now_ms)
    record = _new_record(ctx, batch_id, fields)
    record["relatedObjects"] = [{"type": "dataSet", "id": dataset_id}]
    record["status"] = "loading"
    if fields.get("externalId"):
        record["externalId"] = fields["externalId"]
    _save(ctx, record, new=True)
    return record


def set_batch_status(ctx: RequestContext, batch_id: str, status: str, **fields: Any) -> dict[str, Any]:
    """Move a batch to ``status`` with extra fields (metrics, errors, started, completed…)."""
    record = require_batch(ctx, batch_id)
    previous = record.get("status")
    record.update(copy.deepcopy(fields))
    record.update(status=status, updated=ctx.now_ms, updatedUser=ctx.user_id)
    _save(ctx, record, previous)
    if status == "inactive":
        _invalidate_files(ctx, batch_id)
    return record


def add_dataset_file(ctx: RequestContext, batch_id: str, dataset_id: str, name: str, records: int,
                     size: int) -> str:
    """Register a promoted file (``@/dataSetFiles?dataSetId=…`` lists them)."""
    dataset = get_dataset(ctx, dataset_id) or {}
    collection = ctx.tenant.collection(DATASET_FILES)
    file_id = f"{batch_id}-{len(collection.lookup('batchId', batch_id)) + 1}"
    journal.save(ctx, DATASET_FILES, file_id, {
        "id": file_id, "batchId": batch_id, "dataSetId": dataset_id, "dataSetViewId": dataset.get("viewId"),
        "name": name, "records": records, "size": size, "isValid": True, "imsOrg": ctx.org,
        "createdUser": ctx.user_id, "createdClient": ctx.client_id, "updatedUser": ctx.user_id,
        "version": "1.0.0", "created": ctx.now_ms, "updated": ctx.now_ms})
    return file_id


def _invalidate_files(ctx: RequestContext, batch_id: str) -> None:
    collection = ctx.tenant.collection(DATASET_FILES)
    for file_id in sorted(collection.lookup("batchId", batch_id)):
        record = collection.get(file_id)
        if record is not None and record.get("isValid"):
            record.update(isValid=False, updated=ctx.now_ms)
            journal.save(ctx, DATASET_FILES, file_id, record)


def find_dataset_files(ctx: RequestContext, params: list[tuple[str, str]]) -> dict[str, Any]:
    return listing(ctx.tenant.collection(DATASET_FILES), params)


def show_dataset_file(ctx: RequestContext, file_id: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    return lookup(file_id, require_record(ctx, DATASET_FILES, file_id, "Dataset file"), params)


def link_batch(batch_id: str) -> str:
    return link(BATCHES, batch_id)
