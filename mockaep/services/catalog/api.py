"""What other services may ask Catalog (the only cross-service entry points)."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext


def get_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any] | None:
    """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
    from mockaep.services.catalog import models

    return models.get_dataset(ctx, dataset_id)


def datasets_using_schema(ctx: RequestContext, schema_id: str) -> list[str]:
    """Ids of the datasets whose ``schemaRef.id`` is exactly ``schema_id``, oldest first (the
    Schema Registry asks before it lets a schema break or disappear; it asks once per form of
    the id, ``$id`` and ``meta:altId``, since a dataset keeps the form its creator sent)."""
    from mockaep.services.catalog import models

    return models.datasets_using_schema(ctx, schema_id)


# -- batches: Batch Ingestion changes them only through these (one owner of the shape) --------
def get_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any] | None:
    """The batch as ``GET /batches/{id}`` shows it (the inner object, with ``id``), or ``None``."""
    from mockaep.services.catalog import batches

    return batches.get_batch(ctx, batch_id)


def open_ingest_batch(ctx: RequestContext, dataset_id: str, fields: dict[str, Any],
                      batch_id: str | None = None) -> dict[str, Any]:
    """Create a ``loading`` batch related to one dataset; ``fields`` are the request's optional
    batch attributes (inputFormat, replay, tags, externalId). 400 when the dataset is unknown.
    ``batch_id``: a caller-derived id (a Flow Service run's batch), used unless already taken."""
    from mockaep.services.catalog import batches

    return batches.open_ingest_batch(ctx, dataset_id, fields, batch_id)


def set_batch_status(ctx: RequestContext, batch_id: str, status: str, **fields: Any) -> dict[str, Any]:
    """Move a batch to ``status`` (updating the dataset's lastBatch* fields) and set ``fields``
    (metrics, errors, recordCount, failedRecordCount, started, completed…); returns the record."""
    from mockaep.services.catalog import batches

    return batches.set_batch_status(ctx, batch_id, status, **fields)


def add_dataset_file(ctx: RequestContext, batch_id: str, dataset_id: str, name: str, records: int,
                     size: int) -> str:
    """Register a promoted file of a successful batch (listed by ``GET /dataSetFiles``)."""
    from mockaep.services.catalog import batches

    return batches.add_dataset_file(ctx, batch_id, dataset_id, name, records, size)
