"""Catalog resource kinds: the one table the store, pagers, JSON Patch and If-Match read."""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "catalog"

KINDS = {
    "dataSets": ResourceKind(
        "dataSets", "dataset", SERVICE, id_field=None,
        indexes=("name", "state", "createdClient", "createdUser", "schemaRef.id"), paging="catalog",
        record_schema={"type": "object", "properties": {"name": {"type": "string"},
                                                        "schemaRef": {"type": "object"},
                                                        "tags": {"type": "object"}}}),
    "batches": ResourceKind(
        "batches", "batch", SERVICE, id_field=None,
        indexes=("status", "externalId", "createdClient", "relatedObjects[].id"), paging="catalog",
        record_schema={"type": "object", "properties": {"status": {"type": "string"},
                                                        "relatedObjects": {"type": "array",
                                                                           "items": {"type": "object"}}}}),
    "dataSetFiles": ResourceKind(
        "dataSetFiles", "dataset file", SERVICE, id_field=None, indexes=("batchId", "dataSetId"), paging="catalog",
        record_schema={"type": "object", "properties": {"batchId": {"type": "string"},
                                                        "dataSetId": {"type": "string"}}}),
}
