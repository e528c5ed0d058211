"""The conversion backend: what other services may ask it (its port: ``mockaep.core.ports.DataPrepPort``),
bound to one request context. Reached through ``ctx.backend("conversion")``, never imported by
another service."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.services.conversion import models


class DataPrepBackend:
    """``ctx.backend("conversion")``."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def get_mapping_set(self, mapping_set_id: str, version: int | None = None) -> dict[str, Any] | None:
        """The mapping set as ``GET /mappingSets/{id}?version=`` shows it (latest when ``version``
        is None), or ``None`` when that id or version does not exist. Its ``outputSchema.schemaRef.id``
        (and legacy ``xdmSchema``) name the target schema."""
        return models.get_mapping_set(self.ctx, mapping_set_id, version)
