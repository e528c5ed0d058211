"""Data Prep resource kinds: the one table the store, pagers, JSON Patch and If-Match read."""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "conversion"

KINDS = {
    "mappingSets": ResourceKind(
        "mappingSets", "mapping set", SERVICE, indexes=("name",), paging="offset",
        record_schema={"type": "object", "required": ["id"],
                       "properties": {"id": {"type": "string"}, "name": {"type": ["string", "null"]},
                                      "mappings": {"type": "array", "items": {"type": "object"}},
                                      "versions": {"type": "array"}}}),
}
