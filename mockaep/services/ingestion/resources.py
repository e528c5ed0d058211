"""Batch Ingestion resource kinds: the one table the store reads."""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "ingestion"

KINDS = {
    "stagedFiles": ResourceKind(
        "stagedFiles", "staged file", SERVICE, id_field=None, indexes=("batchId",),
        record_schema={"type": "object", "properties": {"batchId": {"type": "string"}}}),
}
