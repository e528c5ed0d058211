"""The catalog backend: what other services may ask it (its port: ``mockaep.core.ports.CatalogPort``),
bound to one request context. Reached through ``ctx.backend("catalog")``, never imported by
another service. Its writes go through a journal of their own (nothing undoes them)."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.services.catalog import batches, landed, models
from mockaep.services.catalog.journal import Journal


class CatalogBackend:
    """``ctx.backend("catalog")``."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self.journal = Journal(ctx.tenant)

    def get_dataset(self, dataset_id: str) -> dict[str, Any] | None:
        """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
        return models.get_dataset(self.ctx, dataset_id)

    def datasets_using_schema(self, schema_id: str) -> list[str]:
        """Ids of the datasets whose ``schemaRef.id`` is exactly ``schema_id``, oldest first (the
        Schema Registry asks before it lets a schema break or disappear; it asks once per form of
        the id, ``$id`` and ``meta:altId``, since a dataset keeps the form its creator sent)."""
        return models.datasets_using_schema(self.ctx, schema_id)

    def get_batch(self, batch_id: str) -> dict[str, Any] | None:
        """The batch as ``GET /batches/{id}`` shows it (the inner object, with ``id``), or ``None``."""
        return batches.get_batch(self.ctx, batch_id)

    def open_ingest_batch(self, dataset_id: str, fields: dict[str, Any],
                          batch_id: str | None = None) -> dict[str, Any]:
        """Create a ``loading`` batch related to one dataset; ``fields`` are the request's optional
        batch attributes (inputFormat, replay, tags, externalId). 400 when the dataset is unknown
        in this org and sandbox. ``batch_id``: a caller-derived id (a Flow Service run's batch),
        used unless already taken."""
        return batches.open_ingest_batch(self.ctx, self.journal, dataset_id, fields, batch_id)

    def set_batch_status(self, batch_id: str, status: str, **fields: Any) -> dict[str, Any]:
        """Move a batch to ``status`` (updating the dataset's lastBatch* fields) and set ``fields``
        (metrics, errors, recordCount, failedRecordCount, started, completed…); returns the record."""
        return batches.set_batch_status(self.ctx, self.journal, batch_id, status, **fields)

    def add_dataset_file(self, batch_id: str, dataset_id: str, name: str, records: int, size: int) -> str:
        """Register a promoted file of a successful batch (listed by ``GET /dataSetFiles``)."""
        return landed.add_dataset_file(self.ctx, self.journal, batch_id, dataset_id, name, records, size)

    # -- landed data ------------------------------------------------------------------------------
    def land_file(self, batch_id: str, dataset_id: str, rows: list[Any], schema: dict[str, Any],
                  name: str | None = None) -> dict[str, Any]:
        """Land validated rows as one Parquet dataset file of the batch (see the port)."""
        return landed.land_file(self.ctx, self.journal, batch_id, dataset_id, rows, schema, name)

    def keep_failed_rows(self, batch_id: str, failures: list[dict[str, Any]]) -> dict[str, Any]:
        """Keep a batch's rejected rows with their reasons (its error diagnostics)."""
        return landed.keep_failed_rows(self.ctx, self.journal, batch_id, failures)

    def batch_dataset_files(self, batch_id: str, start: int, limit: int) -> tuple[list[dict[str, Any]], int] | None:
        """A page of a batch's dataset files and how many there are; None: no such batch."""
        return landed.batch_dataset_files(self.ctx, batch_id, start, limit)

    def dataset_file_parts(self, file_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """A dataset file and its stored parts (``name``, ``blob``, ``length``, ``records``)."""
        return landed.file_parts(self.ctx, file_id)

    def failed_rows(self, batch_id: str) -> dict[str, Any] | None:
        """A batch's kept rejected rows: ``{"files": [...parts], "sample": [...]}``; None: no batch."""
        return landed.failed_rows(self.ctx, batch_id)

    def dataset_rows(self, dataset_id: str, start: int, limit: int) -> dict[str, Any] | None:
        """A page of a dataset's landed rows as JSON; None: no such dataset."""
        return landed.dataset_rows(self.ctx, dataset_id, start, limit)
