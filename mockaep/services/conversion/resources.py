"""Data Prep resource kinds: the one table the store, the pager and state documents read.

A mapping set is stored twice over, each record being a version exactly as ``GET
/mappingSets/{id}[?version=n]`` shows it (so reads answer the stored bytes):

* ``mappingSets``: the current version of each set, keyed by the set's id. An update replaces
  it *at the end* of the collection, so insertion order is the order of last update: the
  listing's default order (``lastUpdateDate``, newest first) and ``updatedDate`` cost the page.
* ``mappingSetVersions``: every version ever made (history is never rewritten), keyed
  ``<set id>/<version>``. Version 0 of each set is inserted when the set is created, so the
  ``version`` index's hits for 0 are the sets in creation order: ``orderBy=createdDate`` costs
  the page too.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.kinds import ResourceKind

SERVICE = "conversion"
NOT_FOUND_CODE = "1404"  # MAPPER-1404-404

#: Set by the platform on a set (and on each of its mappings), never by the client.
SYSTEM_FIELDS = ("id", "version", "createdDate", "modifiedDate", "createdBy", "modifiedBy")
#: What a client's body sets (both vocabularies: ``outputSchema.schemaRef`` and the legacy
#: ``xdmSchema``/``xdmVersion``, BEHAVIOUR §10).
WRITABLE = ("name", "inputSchema", "outputSchema", "mappings", "strictMapping", "allowNullValues", "xdmSchema",
            "xdmVersion", "tags")
#: Shown but derived by the server (a set read back and sent again has them ignored).
DERIVED_FIELDS = ("supportVersion", "status", "schemaRef")
#: The ``sourceType`` of a stored mapping: the platform answers with media-type names.
STORED_SOURCE_TYPES = {"ATTRIBUTE": "text/x.schema-path", "EXPRESSION": "text/x.aep-xl", "STATIC": "text/plain"}


def version_key(set_id: str, version: int) -> str:
    """The ``mappingSetVersions`` key of one version of a set."""
    return f"{set_id}/{version}"


_HEX32: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
_MILLISECONDS: dict[str, Any] = {"type": "integer", "minimum": 0}
_TEXT: dict[str, Any] = {"type": "string"}
_SOME_TEXT: dict[str, Any] = {"type": "string", "minLength": 1}
_SCHEMA_REF: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": ["id", "contentType"],
                               "properties": {"id": _SOME_TEXT, "contentType": _TEXT}}
_SERVER_STAMPS: dict[str, Any] = {"version": {"type": "integer", "minimum": 0}, "createdDate": _MILLISECONDS,
                                  "modifiedDate": _MILLISECONDS, "createdBy": _TEXT, "modifiedBy": _TEXT}
_MAPPING: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": [*SYSTEM_FIELDS, "sourceType", "source", "destination", "identity", "primaryIdentity", "matchScore",
                 "functionVersion", "sourceAttribute", "destinationXdmPath"],
    "properties": {"id": _HEX32, **_SERVER_STAMPS, "sourceType": {"enum": sorted(STORED_SOURCE_TYPES.values())},
                   "source": _SOME_TEXT, "destination": _SOME_TEXT, "name": _TEXT, "description": _TEXT,
                   "identity": {"type": "boolean"}, "primaryIdentity": {"type": "boolean"},
                   "matchScore": {"type": "number"}, "functionVersion": {"type": "integer"},
                   "sourceAttribute": _SOME_TEXT, "destinationXdmPath": _SOME_TEXT, "namespaceCode": _TEXT,
                   "identityGroup": {}},
}
#: One version of a mapping set as the service stores and shows it.
MAPPING_SET_VERSION: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": [*SYSTEM_FIELDS, "supportVersion", "outputSchema", "mappings", "status", "strictMapping",
                 "allowNullValues", "xdmVersion", "schemaRef", "xdmSchema"],
    "properties": {
        "id": _HEX32, **_SERVER_STAMPS, "name": _TEXT, "supportVersion": _TEXT, "inputSchema": {"type": "object"},
        "outputSchema": {"type": "object", "additionalProperties": False, "required": ["id", "version", "schemaRef"],
                         "properties": {"id": _HEX32, "version": {"type": "integer", "minimum": 0},
                                        "schemaRef": _SCHEMA_REF}},
        "mappings": {"type": "array", "minItems": 1, "items": _MAPPING},
        "status": {"enum": ["DRAFT", "PUBLISHED"]}, "strictMapping": {"type": "boolean"},
        "allowNullValues": {"type": "boolean"}, "xdmVersion": _TEXT, "schemaRef": _SCHEMA_REF,
        "xdmSchema": _SOME_TEXT, "tags": {"type": "array", "items": {"type": "object"}},
    },
}

KINDS = {
    "mappingSets": ResourceKind(
        "mappingSets", "mapping set", SERVICE, id_field="id", system_fields=SYSTEM_FIELDS,
        read_only=DERIVED_FIELDS, writable=WRITABLE, indexes=("name",), paging="offset",
        not_found_code=NOT_FOUND_CODE, record_schema=MAPPING_SET_VERSION),
    # keyed <set id>/<version>, so the id lives in the key (and in the record's "id", the set's)
    "mappingSetVersions": ResourceKind(
        "mappingSetVersions", "mapping set version", SERVICE, id_field=None, system_fields=SYSTEM_FIELDS,
        read_only=DERIVED_FIELDS, writable=WRITABLE, indexes=("version",), paging="offset",
        not_found_code=NOT_FOUND_CODE, record_schema=MAPPING_SET_VERSION),
}
