"""Batch Ingestion resource kinds: the one table the store reads.

A staged file is one record per batch × dataset × file path (key ``<batch>/<dataset>/<path>``):
its metadata, and its bytes or the parts received so far. The record schema types both ways of
holding the bytes (inline as ``encoding``/``content``, or a ``blob`` id of the blob store) so
either form of record loads from a state document; anything else mistyped is refused whole.
"""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "ingestion"
STAGED_FILES = "stagedFiles"

_BYTES = {"encoding": {"enum": ["utf-8", "base64"]}, "content": {"type": "string"},
          "blob": {"type": ["string", "null"]}}
_OFFSET = {"type": "integer", "minimum": 0}
STAGED_FILE_SCHEMA = {
    "type": "object",
    "required": ["batchId", "dataSetId", "name", "state", "sizeInBytes", "chunks"],
    "properties": {
        "batchId": {"type": "string"}, "dataSetId": {"type": "string"}, "name": {"type": "string"},
        "state": {"enum": ["initialized", "complete"]}, "sizeInBytes": _OFFSET, "updated": _OFFSET, **_BYTES,
        "chunks": {"type": "array", "items": {"type": "object", "required": ["first", "last"], "properties": {
            "first": _OFFSET, "last": _OFFSET, **_BYTES}}},
    },
}

KINDS = {
    STAGED_FILES: ResourceKind(
        STAGED_FILES, "staged file", SERVICE, id_field=None,
        system_fields=("batchId", "dataSetId", "name", "state", "sizeInBytes", "updated"),
        read_only=("batchId", "dataSetId", "name", "state", "sizeInBytes", "updated", "encoding", "content", "blob",
                   "chunks"),
        indexes=("batchId",), paging="none", not_found_code="1404", record_schema=STAGED_FILE_SCHEMA,
        blob_paths=("blob", "chunks[].blob")),
}
