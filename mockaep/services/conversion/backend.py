"""The conversion backend: what other services may ask Data Prep (its port:
``mockaep.core.ports.DataPrepPort``), bound to one request context. Reached through
``ctx.backend("conversion")``, never imported by another service."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.core.errors import PlatformError
from mockaep.services.conversion import mapper, models
from mockaep.services.conversion.evaluate import Budget


class DataPrepBackend:
    """``ctx.backend("conversion")``."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def get_mapping_set(self, mapping_set_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The mapping set as ``GET /mappingSets/{id}?version=`` shows it (latest when ``version``
        is None), or ``None`` when that id or version does not exist. Its ``outputSchema.schemaRef.id``
        (and legacy ``xdmSchema``) name the target schema."""
        return models.get_mapping_set(self.ctx, mapping_set_id, version)

    def map_rows(self, mapping_set_id: str, version: int | None, rows: list[Any]) -> list[dict[str, Any]] | None:
        """Each source row mapped by that version of the set, as ``/mappingSets/preview`` maps it
        (see the port for the result shape); ``None`` when the set or version does not exist."""
        stored = models.get_mapping_set(self.ctx, mapping_set_id, version)
        if stored is None:
            return None
        try:
            plan = mapper.plan_stored(self.ctx, stored)
        except PlatformError as exc:  # e.g. its target schema is gone: every row fails, the caller goes on
            return [mapper.row_failure(f"the mapping set cannot run: {exc.detail}") for _ in rows]
        return mapper.map_rows(plan, rows, mapper.clock(self.ctx), Budget(), budget_errors=True)
