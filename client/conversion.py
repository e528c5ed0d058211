"""Data Prep / Conversion Service (``/data/foundation/conversion``): mapping sets.

Creating a mapping set answers HTTP 200 (not 201) with ``{id, version, createdDate, ...}``.
"""
from __future__ import annotations

from typing import Any

from mockaep_client.results import ServiceClient, drop_none


class Conversion(ServiceClient):
    service = "conversion"

    def create_mapping_set(self, mapping_set: dict[str, Any]) -> dict[str, Any]:
        return self._json("POST", "/mappingSets", json=mapping_set)

    def get_mapping_set(self, mapping_set_id: str, *, version: int | None = None,
                        expand_schema: bool | None = None) -> dict[str, Any]:
        params = drop_none({"version": version,
                            "expandSchema": None if expand_schema is None else str(expand_schema).lower()})
        return self._json("GET", f"/mappingSets/{mapping_set_id}", params=params)

    def list_mapping_sets(self, *, limit: int = 20, start: int = 0, **params: Any) -> dict[str, Any]:
        """``GET /mappingSets`` (``limit`` and ``start`` are both required by the service)."""
        return self._json("GET", "/mappingSets", params=drop_none({"limit": limit, "start": start, **params}))

    def update_mapping_set(self, mapping_set_id: str, mapping_set: dict[str, Any]) -> dict[str, Any]:
        return self._json("PUT", f"/mappingSets/{mapping_set_id}", json=mapping_set)

    def validate_mapping_set(self, mapping_set: dict[str, Any]) -> dict[str, Any]:
        """``POST /mappingSets/validate``: ``{"validationResponse": [...]}``, one entry per mapping."""
        return self._json("POST", "/mappingSets/validate", json=mapping_set)

    def preview_mapping_set(self, mapping_set: dict[str, Any], rows: list[dict[str, Any]]) -> Any:
        """``POST /mappingSets/preview``: the rows as the mapping set would write them."""
        return self._json("POST", "/mappingSets/preview", json={"data": rows, "mappingSet": mapping_set})

    def validate_expression(self, expression: str) -> dict[str, Any]:
        return self._json("POST", "/languages/el/validate", json={"expression": expression})
