"""What other services may ask Catalog (the only cross-service entry points)."""
from __future__ import annotations

from typing import Any

from mockaep.gateway import RequestContext


def get_dataset(ctx: RequestContext, dataset_id: str) -> dict[str, Any] | None:
    """The dataset as ``GET /dataSets/{id}`` shows it (the inner object), or ``None``."""
    from mockaep.services.catalog import models

    return models.get_dataset(ctx, dataset_id)
