"""What other services may ask Data Prep (the only cross-service entry points)."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.services.conversion import models


def get_mapping_set(ctx: RequestContext, mapping_set_id: str, version: int | None = None) -> dict[str, Any] | None:
    """The mapping set as ``GET /mappingSets/{id}?version=`` shows it (latest when ``version``
    is None), or ``None`` when that id or version does not exist. Its ``outputSchema.schemaRef.id``
    (and legacy ``xdmSchema``) name the target schema."""
    return models.get_mapping_set(ctx, mapping_set_id, version)
