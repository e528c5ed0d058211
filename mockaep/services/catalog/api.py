"""What other services may ask Catalog (the only cross-service entry points)."""
from __future__ import annotations

from typing import Any

from mockaep.gateway import RequestContext


def get_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any] | None:
    """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
    from mockaep.services.catalog import models

    return models.get_dataset(ctx, dataset_id)


# -- batches: Batch Ingestion changes them only through these (one owner of the shape) --------
def get_batch(ctx: RequestContext, batch_id: str) -> dict[str, Any] | None:
    """The batch as ``GET /batches/{id}`` shows it (the inner object, with ``id``), or ``None``."""
    from mockaep.services.catalog import batches

    return batches.get_batch(ctx, batch_id)


def open_ingest_batch(ctx: RequestContext, dataset_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Create a ``loading`` batch related to one dataset; ``fields`` are the request's optional
    batch attributes (inputFormat, replay, tags, externalId). 400 when the dataset is unknown."""
    from mockaep.services.catalog import batches

    return batches.open_ingest_batch(ctx, dataset_id, fields)


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
