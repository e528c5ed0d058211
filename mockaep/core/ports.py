"""What each service offers the others: the ports of ``ctx.backend(name)``.

A port is the whole cross-service surface of a service: a caller may use these methods and
nothing else, and a service's backend class implements its port (checked by
``tests/core/test_architecture.py``). Backends are bound to the request context, so no method
takes one. Records are returned as fresh objects the caller owns.
"""
from __future__ import annotations

from typing import Any, Protocol


class SchemaRegistryPort(Protocol):
    """``ctx.backend("schemaregistry")``."""

    def find_resource(self, ref: str) -> dict[str, Any] | None:
        """The schema, class, field group or data type with this ``$id`` or ``meta:altId`` (the
        tenant's own or the standard library), raw (``xed+json``), or ``None``."""

    def resolve_schema(self, ref: str) -> dict[str, Any] | None:
        """The resolved (``xed-full+json``) form, a JSON Schema data can be validated against."""

    def field_paths(self, ref: str) -> set[str] | None:
        """Every dotted field path of the resolved schema (objects and leaves)."""


class CatalogPort(Protocol):
    """``ctx.backend("catalog")``."""

    def get_dataset(self, dataset_id: str) -> dict[str, Any] | None:
        """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""

    def datasets_using_schema(self, schema_id: str) -> list[str]:
        """Ids of the datasets whose ``schemaRef.id`` is exactly ``schema_id``, oldest first."""

    def get_batch(self, batch_id: str) -> dict[str, Any] | None:
        """The batch as ``GET /batches/{id}`` shows it (inner object, with ``id``), or ``None``."""

    def open_ingest_batch(self, dataset_id: str, fields: dict[str, Any], batch_id: str | None = None) -> dict[str, Any]:
        """Create a ``loading`` batch of one dataset (400 when the dataset is unknown)."""

    def set_batch_status(self, batch_id: str, status: str, **fields: Any) -> dict[str, Any]:
        """Move a batch to ``status`` (and set ``fields``: metrics, errors, counts…)."""

    def add_dataset_file(self, batch_id: str, dataset_id: str, name: str, records: int, size: int) -> str:
        """Register a promoted file of a successful batch; returns its dataSetFile id."""

    def land_file(self, batch_id: str, dataset_id: str, rows: list[Any], schema: dict[str, Any],
                  name: str | None = None) -> dict[str, Any]:
        """Land rows (XDM documents already validated against ``schema``, the dataset's resolved
        schema) as one Parquet dataset file of the batch, bytes in the blob store::

            {"dataSetFileId": str | None, "name", "size": <bytes>, "records": <rows written>,
             "rejected": [(position in rows, why), ...]}

        Rows whose values have no Parquet form are left out and listed in ``rejected``; no file
        is registered when no row is left. ``name``: the dataset file's name (default: the
        stored file's)."""

    def keep_failed_rows(self, batch_id: str, failures: list[dict[str, Any]]) -> dict[str, Any]:
        """Keep a batch's rejected rows (``{"rowNumber", "errors": [{"code", "message"}],
        "record"}`` each, at least one) for its error diagnostics; returns ``{"name", "size",
        "records"}`` of the file they were kept in."""

    def batch_dataset_files(self, batch_id: str, start: int, limit: int) -> tuple[list[dict[str, Any]], int] | None:
        """(a page of the batch's dataset files as ``GET /dataSetFiles/{id}`` shows them, how
        many it has), oldest first; ``None`` when there is no such batch."""

    def dataset_file_parts(self, file_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """(the dataset file, its stored parts ``{"name", "blob", "length", "records"}``);
        ``None`` when there is no such dataset file. ``blob`` names bytes in ``ctx.runtime.blobs``."""

    def failed_rows(self, batch_id: str) -> dict[str, Any] | None:
        """What the batch kept of its rejected rows: ``{"files": [parts as above], "sample":
        [{"rowNumber", "errors"}]}`` (empty when it kept none); ``None`` when there is no such batch."""

    def dataset_rows(self, dataset_id: str, start: int, limit: int) -> dict[str, Any] | None:
        """A page of the dataset's landed rows as JSON: ``{"rows", "total", "unavailableFiles"}``
        (files whose bytes are gone); ``None`` when there is no such dataset."""


class DataPrepPort(Protocol):
    """``ctx.backend("conversion")``."""

    def get_mapping_set(self, mapping_set_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The mapping set as ``GET /mappingSets/{id}?version=`` shows it, or ``None``."""

    def map_rows(self, mapping_set_id: str, version: int | None, rows: list[Any]) -> list[dict[str, Any]] | None:
        """Source rows mapped by one version of a mapping set (the current one when ``version`` is
        None), exactly as ``POST /mappingSets/preview`` maps them; ``None`` when that set or
        version does not exist. One result per row, in order::

            {"data": {...the mapped XDM document...},
             "errors": None | [{"destination", "exception", "source", "columnName", "sourceType"}]}

        A failed transformation nulls its destination and is listed in ``errors``; the rest of
        the row is still mapped. A row no mapping could run on (not a JSON object, the set can no
        longer run against its target schema, the call's work budget is spent) has ``"data": {}``
        and one error whose ``destination``/``source``/``columnName``/``sourceType`` are null.
        Never raises for bad rows."""


class FlowServicePort(Protocol):
    """``ctx.backend("flowservice")``: the sources behind base connections (the control plane's
    ``/_mockaep/sources``). Refusals are Flow Service errors: 404 ``1101`` for an unknown base
    connection or table, 400 for a source that is not a table source, a bad row or a bound passed."""

    def catch_up(self) -> None:
        """Bring the tenant's runs up to the clock (the runs schedules made due, unfinished runs
        whose time has come), as a runs list does before it answers."""

    def source_rows(self, base_connection_id: str, table: str, start: Any = None, limit: Any = None) -> dict[str, Any]:
        """A page of a table's rows: ``{"table", "columns", "rows", "start", "limit", "total", "edited"}``."""

    def replace_source_rows(self, base_connection_id: str, table: str, rows: Any) -> dict[str, Any]:
        """The table holds exactly ``rows`` (a JSON array of objects): ``{"table", "total", "edited"}``."""

    def append_source_rows(self, base_connection_id: str, table: str, rows: Any) -> dict[str, Any]:
        """``rows`` are added after the table's rows: ``{"table", "total", "edited"}``."""

    def clear_source_rows(self, base_connection_id: str, table: str) -> dict[str, Any]:
        """The table holds no row: ``{"table", "total", "edited"}``."""

    def source_fault(self, base_connection_id: str) -> dict[str, Any]:
        """``{"baseConnectionId", "fault": {"kind", "runs"?, "delaySeconds"?, "createdAt"} | None}``."""

    def set_source_fault(self, base_connection_id: str, fault: Any) -> dict[str, Any]:
        """Make the source show ``fault`` (``{"kind", "runs"?, "delaySeconds"?}``) to the runs that read it."""

    def clear_source_fault(self, base_connection_id: str) -> dict[str, Any]:
        """The source answers normally again."""
