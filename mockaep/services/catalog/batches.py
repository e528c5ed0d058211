"""Catalog batches and dataset files: the one owner of their record shapes.

Catalog's own /batches endpoints (create, replace, patch, delete, list, uniques, lastBatches)
and the other services (through the backend: Batch Ingestion, Flow Service runs) change batches
here, so the shape, the dataset's ``lastBatch*`` fields and the ``dataSetFiles`` written on
success stay consistent. A batch carries what create-batch.md and catalog.yaml
``batchResponse`` show: ``id``, the audit fields, ``sandboxId``, ``status``,
``relatedObjects``, ``tags``, ``externalId``, ``inputFormat``, and once processed ``started``,
``completed``, ``metrics``, ``errors``, ``recordCount``, ``failedRecordCount`` and ``size``.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import ids, validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, Conflict
from mockaep.core.paging import catalog as pager
from mockaep.core.paging.selection import select
from mockaep.core.request import QueryParams
from mockaep.services.catalog import conditions, landed, objects, query
from mockaep.services.catalog.journal import Journal
from mockaep.services.catalog.models import get_dataset
from mockaep.services.catalog.resources import BATCHES, DATASET_FILES, DATASETS, KINDS

KIND = KINDS[BATCHES]
FILE_KIND = KINDS[DATASET_FILES]
SUCCEEDED = {"success", "active"}
FAILED = {"failed", "failure"}
#: The fields Catalog's GET /batches/{id} may show that a client request names (catalog.yaml).
BATCH_PATH = "/batches/{BATCH_ID}"


def get_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any] | None:
    return objects.find(ctx, BATCHES, batch_id)


def require_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any]:
    return objects.require(ctx, BATCHES, batch_id)


def dataset_of(batch: Mapping[str, Any]) -> str | None:
    for related in batch.get("relatedObjects") or []:
        if isinstance(related, dict) and related.get("type") == "dataSet":
            return related.get("id")
    return None


def _check_related(ctx: RequestContext, body: Mapping[str, Any]) -> None:
    """Every related dataset and batch must exist in this org and sandbox."""
    for related in body.get("relatedObjects") or []:
        if not isinstance(related, dict):
            continue
        if related.get("type") == "dataSet" and get_dataset(ctx, related.get("id")) is None:
            raise BadRequest(f"relatedObjects names dataSet '{str(related.get('id'))[:200]}', which does not exist "
                             f"in org {ctx.org}, sandbox {ctx.sandbox}.")
        if related.get("type") == "batch" and get_batch(ctx, related.get("id")) is None:
            raise BadRequest(f"relatedObjects names batch '{str(related.get('id'))[:200]}', which does not exist "
                             f"in org {ctx.org}, sandbox {ctx.sandbox}.")


def _new_record(ctx: RequestContext, batch_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": batch_id,
        "imsOrg": ctx.org,
        "sandboxId": ctx.sandbox_id,
        "updated": ctx.now_ms,
        "status": "loading",
        "created": ctx.now_ms,
        "relatedObjects": [],
        "version": "1.0.0",
        "tags": {},
        "createdUser": ctx.user_id,
        "updatedUser": ctx.user_id,
        "externalId": batch_id,
        "createdClient": ctx.client_id,
    }
    record.update(objects.client_fields(KIND, fields))
    return record


def _save(ctx: RequestContext, journal: Journal, record: dict[str, Any], previous_status: str | None = None, *,
          new: bool = False) -> None:
    objects.check_record(ctx, KIND, record)
    journal.save(BATCHES, record["id"], record)
    if new or record.get("status") != previous_status:
        _note_on_dataset(ctx, journal, record, new)


def _note_on_dataset(ctx: RequestContext, journal: Journal, batch: Mapping[str, Any], new: bool) -> None:
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
    journal.save(DATASETS, dataset_id, dataset)


# -- Catalog's /batches ----------------------------------------------------------------------------
def create_batch(ctx: RequestContext, journal: Journal, body: Any, batch_id: str | None = None) -> str:
    """``POST /batches`` (or ``POST /batches/{id}`` with a client-chosen id). A ``datasetId``
    (create-batch.md) relates the batch to that dataset, which must exist here."""
    validation.check_body(ctx, "catalog", "POST", BATCH_PATH if batch_id else "/batches", body)
    fields = dict(body)
    if "datasetId" in fields:
        dataset_id = fields.pop("datasetId")
        if not isinstance(dataset_id, str) or get_dataset(ctx, dataset_id) is None:
            raise BadRequest(f"datasetId '{str(dataset_id)[:200]}' does not name a dataset in org {ctx.org}, "
                             f"sandbox {ctx.sandbox}.")
        related = list(fields.get("relatedObjects") or [])
        if not any(isinstance(r, dict) and r.get("type") == "dataSet" and r.get("id") == dataset_id for r in related):
            related.append({"type": "dataSet", "id": dataset_id})
        fields["relatedObjects"] = related
    _check_related(ctx, fields)
    if batch_id is not None and batch_id in ctx.tenant.collection(BATCHES):
        raise Conflict(f"A batch with id '{batch_id[:200]}' already exists.", code="1409")
    batch_id = batch_id or ids.new_ulid(ctx.now_ms)
    _save(ctx, journal, _new_record(ctx, batch_id, fields), new=True)
    return batch_id


def replace_batch(ctx: RequestContext, journal: Journal, batch_id: str, body: Any,
                  if_match: str | None = None) -> None:
    current = require_batch(ctx, batch_id)
    objects.check_version(current, if_match)
    validation.check_body(ctx, "catalog", "PUT", BATCH_PATH, body)
    _check_related(ctx, body)
    record = {k: v for k, v in current.items() if KIND.is_read_only(k)}
    record.update(objects.client_fields(KIND, body))
    record.setdefault("relatedObjects", [])
    _save(ctx, journal, objects.stamp(ctx, record), current.get("status"))


def patch_batch(ctx: RequestContext, journal: Journal, batch_id: str, body: Any, content_type: str,
                if_match: str | None = None) -> None:
    """``PATCH /batches/{id}``: fields or JSON Patch (update-object.md), the changed client
    fields checked against catalog.yaml's batchPatchRequest."""
    current = require_batch(ctx, batch_id)
    objects.check_version(current, if_match)
    if content_type != objects.JSON_PATCH and isinstance(body, dict):
        validation.check_body(ctx, "catalog", "PATCH", BATCH_PATH, body)
    patched = objects.patched(KIND, current, body, content_type)
    changed = {k: v for k, v in patched.items() if current.get(k) != v and not KIND.is_read_only(k)}
    validation.check_body(ctx, "catalog", "PATCH", BATCH_PATH, changed)
    _check_related(ctx, changed)
    _save(ctx, journal, objects.stamp(ctx, patched), current.get("status"))


def delete_batch(ctx: RequestContext, journal: Journal, batch_id: str) -> list[str]:
    """Delete a batch and the data it landed; returns the blobs no record names any more (the
    route frees them once the deletion stands)."""
    require_batch(ctx, batch_id)
    journal.remove(BATCHES, batch_id)
    return landed.forget_batch(ctx, journal, batch_id)


def _batch_aliases() -> dict[str, query.Alias]:
    def related(kind: str) -> query.Alias:
        def parse(raw: str) -> conditions.Related:
            negate = raw.startswith("!")
            return conditions.Related(kind, query.split_values(kind, raw[1:] if negate else raw), negate)
        return parse

    def batch(raw: str) -> conditions.IdIn:
        negate = raw.startswith("!")
        return conditions.IdIn("id", query.split_values("batch", raw[1:] if negate else raw), negate)

    return {"batch": batch, "dataSet": related("dataSet"), "transform": related("transform")}


def find_batches(ctx: RequestContext, params: QueryParams) -> dict[str, Any]:
    return query.listing(ctx.tenant.collection(BATCHES), params, aliases=_batch_aliases())


def show_batch(ctx: RequestContext, batch_id: str, params: QueryParams) -> dict[str, Any]:
    return query.show(batch_id, require_batch(ctx, batch_id), params)


def unique_values(ctx: RequestContext, field: str, params: QueryParams) -> list[str]:
    """``GET /batches/uniques/{FIELD}``: distinct values of a top-level field among the matches,
    then paged by ``start``/``limit``. Distinct values need every match (the query's own cost)."""
    if not pager.PROPERTY_NAME.match(field):
        raise BadRequest(f"'{field[:100]}' is not a top-level batch property.")
    page = pager.read_page_request(params)
    found = select(ctx.tenant.collection(BATCHES), query.conditions(params, aliases=_batch_aliases()))
    seen: dict[str, None] = {}
    for record in found.records:
        value = record.get(field)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                seen.setdefault(str(item), None)
    return list(seen)[page.start:page.start + page.limit]


#: ``/lastBatches`` names two dataset fields differently.
_SUMMARY_FIELDS = {"lastSuccessfulBatchId": "lastSuccessfulBatch", "lastFailedBatchId": "lastFailedBatch"}


def _summary(dataset_id: str, dataset: Mapping[str, Any]) -> dict[str, Any]:
    summary = {"dataSetId": dataset_id, "imsOrg": dataset.get("imsOrg"), "sandboxId": dataset.get("sandboxId"),
               "created": dataset.get("created"), "updated": dataset.get("updated"),
               "lastBatchId": dataset["lastBatchId"], "lastBatchStatus": dataset.get("lastBatchStatus")}
    for shown, stored in _SUMMARY_FIELDS.items():
        if dataset.get(stored):
            summary[shown] = dataset[stored]
    return {k: v for k, v in summary.items() if v is not None}


def last_batches(ctx: RequestContext, params: QueryParams) -> dict[str, Any]:
    """``GET /lastBatches``: per dataset with batches, its last / last successful / last failed
    batch. Filters and ``orderBy`` name the summary's fields; they are read on the datasets."""
    page = pager.read_page_request(params)
    page = pager.PageRequest(page.start, page.limit, tuple(
        pager.SortKey(_SUMMARY_FIELDS.get(k.path, k.path), k.descending) for k in page.order), page.properties)
    wanted = [conditions.Exists("lastBatchId")] + query.conditions(
        params, aliases={"dataSetId": _dataset_key}, renames=_SUMMARY_FIELDS, use_index=False)
    found = pager.select_page(ctx.tenant.collection(DATASETS), wanted, page)
    return {e.id: pager.project(_summary(e.id, e.record), page.properties) for e in found.entries}


def _dataset_key(raw: str) -> conditions.KeyIn:
    negate = raw.startswith("!")
    return conditions.KeyIn(query.split_values("dataSetId", raw[1:] if negate else raw), negate)


# -- what the other services ask (backend.py) ----------------------------------------------------
def open_ingest_batch(ctx: RequestContext, journal: Journal, dataset_id: str, fields: Mapping[str, Any],
                      batch_id: str | None = None) -> dict[str, Any]:
    """A new ``loading`` batch of one dataset (Batch Ingestion's ``POST /batches``, a Flow Service
    run's batch); returns the record. ``batch_id``: an id the caller derived, used unless taken.
    The ingestion tags are create-batch.md's."""
    if not isinstance(dataset_id, str) or get_dataset(ctx, dataset_id) is None:
        raise BadRequest(f"datasetId '{str(dataset_id)[:200]}' does not name a dataset in org {ctx.org}, "
                         f"sandbox {ctx.sandbox}.")
    if batch_id is None or batch_id in ctx.tenant.collection(BATCHES):
        batch_id = ids.new_ulid(ctx.now_ms)
    record = _new_record(ctx, batch_id, {k: v for k, v in fields.items() if k != "tags"})
    record["tags"] = {"acp_producer": [ctx.client_id], "acp_stagePath": [f"{ctx.client_id}/stage/{batch_id}"],
                      **(fields.get("tags") or {})}
    record["relatedObjects"] = [{"type": "dataSet", "id": dataset_id}]
    record["status"] = "loading"
    if fields.get("externalId"):
        record["externalId"] = fields["externalId"]
    _save(ctx, journal, record, new=True)
    return record


def set_batch_status(ctx: RequestContext, journal: Journal, batch_id: str, status: str,
                     **fields: Any) -> dict[str, Any]:
    """Move a batch to ``status`` with extra fields (metrics, errors, started, completed…)."""
    record = require_batch(ctx, batch_id)
    previous = record.get("status")
    record.update(fields)
    record.update(status=status, updated=ctx.now_ms, updatedUser=ctx.user_id)
    _save(ctx, journal, record, previous)
    if status == "inactive":
        landed.invalidate_files(ctx, journal, batch_id)
    return record


# -- dataset files ---------------------------------------------------------------------------------
def find_dataset_files(ctx: RequestContext, params: QueryParams) -> dict[str, Any]:
    return query.listing(ctx.tenant.collection(DATASET_FILES), params)


def show_dataset_file(ctx: RequestContext, file_id: str, params: QueryParams) -> dict[str, Any]:
    return query.show(file_id, objects.require(ctx, DATASET_FILES, file_id), params)


def patch_dataset_file(ctx: RequestContext, journal: Journal, file_id: str, body: Any, content_type: str,
                       if_match: str | None = None) -> None:
    """``PATCH /dataSetFiles/{id}`` (update-object.md): fields or JSON Patch; what describes the
    promoted file (its batch, dataset, name, size, records, validity) is Catalog's."""
    current = objects.require(ctx, DATASET_FILES, file_id)
    objects.check_version(current, if_match)
    patched = objects.patched(FILE_KIND, current, body, content_type)
    objects.check_record(ctx, FILE_KIND, patched)
    journal.save(DATASET_FILES, file_id, objects.stamp(ctx, patched))


def link_batch(batch_id: str) -> str:
    return objects.link(BATCHES, batch_id)
