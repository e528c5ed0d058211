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


class DataPrepPort(Protocol):
    """``ctx.backend("conversion")``."""

    def get_mapping_set(self, mapping_set_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The mapping set as ``GET /mappingSets/{id}?version=`` shows it, or ``None``."""
