"""Schema Registry resource kinds: the one table the store, pagers, JSON Patch and If-Match read."""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "schemaregistry"
_XDM_SHAPE = {"type": "object", "required": ["$id"],
              "properties": {"$id": {"type": "string"}, "title": {"type": "string"},
                             "meta:altId": {"type": "string"}, "allOf": {"type": "array"},
                             "properties": {"type": "object"}, "definitions": {"type": "object"}}}
_COMMON_INDEXES = ("meta:altId", "title", "refs[]")

KINDS = {
    "xdmSchemas": ResourceKind(
        "xdmSchemas", "schema", SERVICE, id_field="$id",
        indexes=_COMMON_INDEXES + ("meta:class", "meta:immutableTags[]"), paging="registry",
        not_found_code="1012", record_schema=_XDM_SHAPE),
    "xdmClasses": ResourceKind(
        "xdmClasses", "class", SERVICE, id_field="$id", indexes=_COMMON_INDEXES, paging="registry",
        not_found_code="1010", record_schema=_XDM_SHAPE),
    "xdmFieldGroups": ResourceKind(
        "xdmFieldGroups", "field group", SERVICE, id_field="$id",
        indexes=_COMMON_INDEXES + ("meta:intendedToExtend[]",), paging="registry", not_found_code="1011",
        record_schema=_XDM_SHAPE),
    "xdmDataTypes": ResourceKind(
        "xdmDataTypes", "data type", SERVICE, id_field="$id", indexes=_COMMON_INDEXES, paging="registry",
        not_found_code="1013", record_schema=_XDM_SHAPE),
    "xdmDescriptors": ResourceKind(
        "xdmDescriptors", "descriptor", SERVICE, id_field="@id", indexes=("xdm:sourceSchema", "@type"),
        paging="registry", not_found_code="1014",
        record_schema={"type": "object", "required": ["@type"],
                       "properties": {"@type": {"type": "string"}, "xdm:sourceSchema": {"type": "string"}}}),
    "xdmAuditLog": ResourceKind(
        "xdmAuditLog", "audit log entry", SERVICE, id_field=None,
        record_schema={"type": "object"}),
}
