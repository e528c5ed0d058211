"""Catalog resource kinds: the one table the store, the pager, JSON Patch and If-Match read.

A dataset is stored exactly as ``GET /dataSets/{id}`` shows it (the object under its id, no
``id`` inside); batches and dataset files carry their ``id``. The record schemas type every
field the platform documents (catalog.yaml ``dataSetResponse``/``batchResponse``, the docs'
examples) and leave room for the fields clients add, which Catalog keeps: a state document
whose records do not fit is refused whole, and every write is checked against them too, so a
stored record always reads back.
"""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "catalog"
DATASETS = "dataSets"
BATCHES = "batches"
DATASET_FILES = "dataSetFiles"
#: The bytes behind a dataset file (its Parquet parts in the blob store), and the rows a batch
#: rejected when their diagnostics are kept: bookkeeping with no Catalog endpoint of its own,
#: read through the Data Access API (``/data/foundation/export``).
FILE_PARTS = "dataSetFileParts"
FAILED_ROWS = "batchFailedRows"

#: catalog.yaml ``batchStatus``.
BATCH_STATUSES = ("processing", "success", "failure", "queued", "retrying", "stalled", "aborted", "abandoned",
                  "inactive", "failed", "loading", "loaded", "staged", "active", "staging", "deleted")
RELATED_TYPES = ("batch", "dataSet", "dataSetFile", "dataSetView", "transform")

_TEXT = {"type": "string"}
_EPOCH_MS = {"type": "integer", "minimum": 0}
_COUNT = {"type": "integer", "minimum": 0}
_OBJECT = {"type": "object"}
_TAGS = {"type": "object", "additionalProperties": {"type": "array", "items": _TEXT}}
_ERRORS = {"type": "array", "items": {"type": "object", "properties": {
    "code": _TEXT, "description": _TEXT, "rows": {"type": "array", "items": _TEXT}}}}

#: Fields every Catalog object carries, set by Catalog (create-batch.md, filter-data.md examples).
_AUDIT = ("imsOrg", "sandboxId", "version", "created", "updated", "createdClient", "createdUser", "updatedUser")
_AUDIT_SCHEMA = {"imsOrg": _TEXT, "sandboxId": _TEXT, "version": _TEXT, "created": _EPOCH_MS, "updated": _EPOCH_MS,
                 "createdClient": _TEXT, "createdUser": _TEXT, "updatedUser": _TEXT}

DATASET_SYSTEM_FIELDS = _AUDIT + ("viewId", "basePath", "files", "lastBatchId", "lastBatchStatus",
                                  "lastSuccessfulBatch", "lastFailedBatch", "sandboxName")
DATASET_SCHEMA = {
    "type": "object",
    "required": ["name", "version", "created", "updated"],
    "properties": {
        **_AUDIT_SCHEMA,
        "name": _TEXT, "description": _TEXT, "tags": _TAGS, "state": _TEXT, "viewId": _TEXT, "basePath": _TEXT,
        "files": _TEXT, "dule": _OBJECT, "statsCache": _OBJECT, "observableSchema": _OBJECT,
        "fileDescription": _OBJECT, "extensions": _OBJECT, "persistence": _OBJECT,
        "enableErrorDiagnostics": {"type": "boolean"}, "dataSourceId": {"type": "integer"}, "schema": _TEXT,
        "schemaRef": {"type": "object", "required": ["id"], "properties": {"id": _TEXT, "contentType": _TEXT}},
        "classification": {"type": "object", "required": ["dataBehavior", "managedBy"], "properties": {
            "dataBehavior": _TEXT, "managedBy": {"enum": ["CUSTOMER", "SYSTEM"]}}},
        "lastBatchId": _TEXT, "lastBatchStatus": {"enum": list(BATCH_STATUSES)}, "lastSuccessfulBatch": _TEXT,
        "lastFailedBatch": _TEXT, "sandboxName": _TEXT,
    },
}

BATCH_SYSTEM_FIELDS = ("id",) + _AUDIT + ("externalId",)
BATCH_SCHEMA = {
    "type": "object",
    "required": ["id", "status", "version", "created", "updated", "relatedObjects"],
    "properties": {
        **_AUDIT_SCHEMA,
        "id": _TEXT, "status": {"enum": list(BATCH_STATUSES)}, "externalId": _TEXT, "tags": _TAGS,
        "relatedObjects": {"type": "array", "items": {"type": "object", "required": ["type", "id"], "properties": {
            "type": {"enum": list(RELATED_TYPES)}, "id": _TEXT, "tag": _TEXT}}},
        "inputFormat": _OBJECT, "metrics": _OBJECT, "errors": _ERRORS, "started": _EPOCH_MS, "completed": _EPOCH_MS,
        "recordCount": _COUNT, "failedRecordCount": _COUNT, "size": _COUNT, "failedBatchLocation": _TEXT,
        "replay": {"type": "object", "properties": {"predecessors": {"type": "array", "items": _TEXT},
                                                    "reason": _TEXT}},
        "availableDates": {"type": "object", "properties": {"startDate": {"type": "integer"},
                                                            "endDate": {"type": "integer"}}},
    },
}

#: A dataset file records what was promoted: only tags and client notes may change.
DATASET_FILE_SYSTEM_FIELDS = ("id", "batchId", "dataSetId", "dataSetViewId") + _AUDIT + (
    "name", "records", "size", "isValid")
DATASET_FILE_SCHEMA = {
    "type": "object",
    "required": ["id", "batchId", "dataSetId", "version", "created", "updated"],
    "properties": {
        **_AUDIT_SCHEMA,
        "id": _TEXT, "batchId": _TEXT, "dataSetId": _TEXT, "dataSetViewId": {"type": ["string", "null"]},
        "name": _TEXT, "records": _COUNT, "size": _COUNT, "isValid": {"type": "boolean"}, "tags": _TAGS,
    },
}

#: One stored file: its name as Data Access lists it, its blob, its size and rows.
_STORED_FILE = {"type": "object", "required": ["name", "blob", "length", "records"], "properties": {
    "name": _TEXT, "blob": _TEXT, "length": _COUNT, "records": _COUNT}}
FILE_PARTS_SCHEMA = {
    "type": "object", "required": ["dataSetFileId", "batchId", "dataSetId", "parts"],
    "properties": {"dataSetFileId": _TEXT, "batchId": _TEXT, "dataSetId": _TEXT,
                   "parts": {"type": "array", "items": _STORED_FILE}},
}
FAILED_ROWS_SCHEMA = {
    "type": "object", "required": ["batchId", "files", "sample"],
    "properties": {"batchId": _TEXT, "files": {"type": "array", "items": _STORED_FILE},
                   "sample": {"type": "array", "items": _OBJECT}},
}

KINDS = {
    DATASETS: ResourceKind(
        DATASETS, "dataset", SERVICE, id_field=None, system_fields=DATASET_SYSTEM_FIELDS,
        read_only=DATASET_SYSTEM_FIELDS,
        indexes=("name", "state", "createdClient", "createdUser", "schemaRef.id", "tags.adobe/pqs/table"),
        paging="catalog", not_found_code="1404", record_schema=DATASET_SCHEMA),
    BATCHES: ResourceKind(
        BATCHES, "batch", SERVICE, id_field="id", system_fields=BATCH_SYSTEM_FIELDS, read_only=BATCH_SYSTEM_FIELDS,
        indexes=("status", "externalId", "createdClient", "relatedObjects[].id"), paging="catalog",
        not_found_code="1404", record_schema=BATCH_SCHEMA),
    DATASET_FILES: ResourceKind(
        DATASET_FILES, "dataset file", SERVICE, id_field="id", system_fields=DATASET_FILE_SYSTEM_FIELDS,
        read_only=DATASET_FILE_SYSTEM_FIELDS, indexes=("batchId", "dataSetId"), paging="catalog",
        not_found_code="1404", record_schema=DATASET_FILE_SCHEMA),
    FILE_PARTS: ResourceKind(
        FILE_PARTS, "dataset file's data", SERVICE, id_field="dataSetFileId",
        system_fields=("dataSetFileId", "batchId", "dataSetId", "parts"),
        read_only=("dataSetFileId", "batchId", "dataSetId", "parts"), not_found_code="1404",
        record_schema=FILE_PARTS_SCHEMA, blob_paths=("parts[].blob",)),
    FAILED_ROWS: ResourceKind(
        FAILED_ROWS, "batch's failed rows", SERVICE, id_field="batchId", system_fields=("batchId", "files", "sample"),
        read_only=("batchId", "files", "sample"), not_found_code="1404", record_schema=FAILED_ROWS_SCHEMA,
        blob_paths=("files[].blob",)),
}
