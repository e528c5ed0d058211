"""Catalog (``/data/foundation/catalog``): datasets and batches.

Catalog answers creates with a list of references (``["@/dataSets/<id>"]``) and lookups with an
object keyed by id (``{"<id>": {...}}``); the client returns the id and the inner object.
"""
from __future__ import annotations

from typing import Any

from mockaep_client.results import Created, ServiceClient, drop_none


def reference_id(reference: str) -> str:
    """``"@/dataSets/5f0c..."`` → ``"5f0c..."``."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


class Catalog(ServiceClient):
    service = "catalog"

    def create_dataset(self, dataset: dict[str, Any], *, request_data_source: bool | None = None) -> Created:
        params = {"requestDataSource": "true"} if request_data_source else None
        response = self._call("POST", "/dataSets", json=dataset, params=params)
        body = response.json()
        return Created(id=reference_id(body[0]), location=response.headers.get("Location"),
                       status=response.status_code, body=body)

    def get_dataset(self, dataset_id: str, *, properties: str | None = None) -> dict[str, Any]:
        body = self._json("GET", f"/dataSets/{dataset_id}", params=drop_none({"properties": properties}))
        return body.get(dataset_id, body) if isinstance(body, dict) else body

    def list_datasets(self, **params: Any) -> dict[str, Any]:
        """``GET /dataSets`` with Catalog filters (``limit``, ``start``, ``orderBy``, ``name``...):
        a map keyed by dataset id."""
        return self._json("GET", "/dataSets", params=drop_none(params))

    def patch_dataset(self, dataset_id: str, changes: dict[str, Any]) -> Any:
        return self._json("PATCH", f"/dataSets/{dataset_id}", json=changes)

    def delete_dataset(self, dataset_id: str) -> None:
        self._call("DELETE", f"/dataSets/{dataset_id}")

    def get_batch(self, batch_id: str) -> dict[str, Any]:
        body = self._json("GET", f"/batches/{batch_id}")
        return body.get(batch_id, body) if isinstance(body, dict) else body
