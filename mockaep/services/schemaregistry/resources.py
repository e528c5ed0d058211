"""Schema Registry resource kinds: the one table the store, the pager, JSON Patch and state
documents read (``mockaep.core.kinds``).

What the registry stores per tenant:

* ``xdmSchemas``, ``xdmClasses``, ``xdmFieldGroups``, ``xdmDataTypes``: resources in their raw
  (``xed+json``) form, keyed by ``$id``, every ``meta:*`` field the registry computes included;
* ``xdmDescriptors``: descriptors keyed by ``@id``;
* ``xdmAuditLog``: per resource ``$id`` (kept after the resource is deleted), ``{"entries": [...]}``
  newest first, as ``/rpc/auditlog`` answers them.

Indexes are the paths the registry looks records up by: ``meta:altId`` (lookups by alt id),
``title`` (titles are unique across a tenant's resources, XDM-1521), ``refs[]`` (who uses a
resource: deletes and evolution), ``meta:class`` and ``meta:immutableTags[]`` (union membership,
class usage), ``meta:extends[]`` and ``meta:intendedToExtend[]`` (the filters clients send:
``property=meta:extends==…``), ``xdm:sourceSchema`` and ``@type`` (a schema's descriptors, listing
by type).

``record_schema`` is what reads rely on: a state document whose record breaks it is refused
whole instead of failing a later read.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.kinds import ResourceKind

SERVICE = "schemaregistry"

#: Server-owned fields of an XDM resource: a PATCH touching one is refused; a POST/PUT body may
#: repeat them (the seed's own request does), they are recomputed (rules.py).
SYSTEM_FIELDS = ("$id", "meta:altId", "meta:resourceType", "version", "meta:containerId", "imsOrg", "meta:class",
                 "meta:tenantNamespace", "meta:registryMetadata", "meta:sandboxId", "meta:sandboxType",
                 "meta:datasetNamespace", "refs")

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
_NUMBER = {"type": "number"}
_OBJECT = {"type": "object"}


def _xdm_record(resource_type: str, *required: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["$id", "meta:altId", "meta:resourceType", "title", "version", "meta:registryMetadata", "refs",
                     *required],
        "properties": {
            "$id": {"type": "string", "minLength": 1},
            "meta:altId": {"type": "string", "minLength": 1},
            "meta:resourceType": {"const": resource_type},
            "title": {"type": "string", "minLength": 1},
            "description": _STRING,
            "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
            "type": _STRING,
            "allOf": {"type": "array", "items": _OBJECT},
            "properties": _OBJECT,
            "definitions": _OBJECT,
            "refs": _STRINGS,
            "meta:extends": _STRINGS,
            "meta:immutableTags": _STRINGS,
            "meta:containerId": {"const": "tenant"},
            "imsOrg": _STRING,
            "meta:tenantNamespace": _STRING,
            "meta:sandboxId": _STRING,
            "meta:sandboxType": _STRING,
            "meta:xdmType": _STRING,
            "meta:abstract": {"type": "boolean"},
            "meta:extensible": {"type": "boolean"},
            "meta:registryMetadata": {
                "type": "object",
                "required": ["repo:createdDate", "repo:lastModifiedDate"],
                "properties": {"repo:createdDate": _NUMBER, "repo:lastModifiedDate": _NUMBER, "eTag": _STRING,
                               "xdm:createdClientId": _STRING, "xdm:lastModifiedClientId": _STRING,
                               "xdm:createdUserId": _STRING, "xdm:lastModifiedUserId": _STRING,
                               "meta:globalLibVersion": _STRING},
            },
            **extra,
        },
    }


def _xdm_kind(collection: str, label: str, resource_type: str, not_found: str, indexes: tuple[str, ...],
              *required: str, **extra: Any) -> ResourceKind:
    return ResourceKind(collection, label, SERVICE, id_field="$id", system_fields=SYSTEM_FIELDS,
                        read_only=SYSTEM_FIELDS, indexes=("meta:altId", "title", "refs[]") + indexes,
                        paging="registry", not_found_code=not_found,
                        record_schema=_xdm_record(resource_type, *required, **extra))


KINDS = {
    "xdmSchemas": _xdm_kind("xdmSchemas", "schema", "schemas", "1012",
                            ("meta:class", "meta:immutableTags[]", "meta:extends[]"), "meta:class",
                            **{"meta:class": {"type": "string", "minLength": 1}}),
    "xdmClasses": _xdm_kind("xdmClasses", "class", "classes", "1010", ()),
    "xdmFieldGroups": _xdm_kind("xdmFieldGroups", "field group", "mixins", "1011", ("meta:intendedToExtend[]",),
                                "meta:intendedToExtend", **{"meta:intendedToExtend": _STRINGS}),
    "xdmDataTypes": _xdm_kind("xdmDataTypes", "data type", "datatypes", "1013", ()),
    "xdmDescriptors": ResourceKind(
        "xdmDescriptors", "descriptor", SERVICE, id_field="@id",
        system_fields=("@id", "imsOrg", "version", "meta:containerId", "meta:sandboxId", "meta:sandboxType",
                       "createdUser", "updatedUser", "createdClient", "updatedClient", "created", "updated"),
        indexes=("xdm:sourceSchema", "@type"), paging="registry", not_found_code="1014",
        record_schema={
            "type": "object",
            "required": ["@id", "@type", "xdm:sourceSchema", "xdm:sourceVersion", "created", "updated"],
            "properties": {
                "@id": {"type": "string", "minLength": 1},
                "@type": {"type": "string", "minLength": 1},
                "xdm:sourceSchema": {"type": "string", "minLength": 1},
                "xdm:sourceVersion": {"type": "integer"},
                "xdm:sourceProperty": _STRING,
                "xdm:destinationSchema": _STRING,
                "xdm:namespace": _STRING,
                "xdm:isPrimary": {"type": "boolean"},
                "created": _NUMBER,
                "updated": _NUMBER,
            },
        }),
    "xdmAuditLog": ResourceKind(
        "xdmAuditLog", "audit log", SERVICE, id_field=None,
        record_schema={
            "type": "object",
            "required": ["entries"],
            "additionalProperties": False,
            "properties": {"entries": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "updatedTime", "updates"],
                "properties": {"id": _STRING, "updatedTime": _STRING,
                               "updates": {"type": "array", "items": {
                                   "type": "object", "required": ["id", "action", "path"],
                                   "properties": {"id": _STRING, "xdmType": _STRING, "action": _STRING,
                                                  "path": _STRING}}}}}}},
        }),
}
