"""The one overlay applied to Adobe's official specs before conformance tests run.

The official specs contradict Adobe's own documented responses in places (field types, date
formats, status codes). mockaep follows the documented behaviour; this file relaxes exactly the
contradicted keywords of the spec, each with the evidence, and nothing else. Every entry is
``Relax(pointer, value, reason)``: the JSON Pointer (into the raw YAML document) is set to
``value``, or removed when ``value`` is ``REMOVE``.

Also applied to every spec, mechanically (not a contradiction, a deployment detail): the
server URL / basePath is replaced by the emulator's mount path.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REMOVE = object()


@dataclass(frozen=True)
class Relax:
    pointer: str
    value: Any
    reason: str


#: service name (as under mockaep/services) -> relaxations of its official spec
OVERLAY: dict[str, list[Relax]] = {
    "flowservice": [],
    "schemaregistry": [],  # filled below (_schema_registry_overlay)
    "catalog": [],
    "conversion": [],
    "ingestion": [],
}


# -- Schema Registry ---------------------------------------------------------------------------------
_XDM_NOT_FOUND = {"description": "Resource not found (XDM-1010..1017-404).",
                  "schema": {"$ref": "#/definitions/notFoundError"}}
_XDM_NOT_ACCEPTABLE = {"description": "No representation matches the Accept header.",
                       "schema": {"$ref": "#/definitions/errorBasic"}}
_XDM_ACCEPT_ERROR = {"description": "Accept header invalid (XDM-1006..1009-400).",
                     "schema": {"$ref": "#/definitions/acceptErrorLookup"}}
_NOT_FOUND_EVIDENCE = ("docs/help/xdm/troubleshooting-guide.md 'Resource not found': every lookup of a "
                       "missing class/field group/schema/data type/descriptor/union answers 404 "
                       "XDM-1010..1017-404; schemas.md 'Delete a schema' confirms 404 after deletion. The "
                       "spec documents 404 on some of these operations only.")
_NOT_ACCEPTABLE_EVIDENCE = ("SRY documents 406 for retrieveSchema and lookupMixin, which take the same "
                            "#/parameters/accept header; getting-started.md: only major version 1 exists.")


def _responses(path: str, method: str) -> str:
    return "/paths/" + path.replace("~", "~0").replace("/", "~1") + f"/{method}/responses"


def _schema_registry_overlay() -> list[Relax]:
    entries: list[Relax] = []
    missing_404 = [
        ("/{CONTAINER_ID}/fieldgroups/{FIELD_GROUP_ID}", "get"),
        ("/tenant/fieldgroups/{FIELD_GROUP_ID}", "put"), ("/tenant/fieldgroups/{FIELD_GROUP_ID}", "patch"),
        ("/tenant/fieldgroups/{FIELD_GROUP_ID}", "delete"),
        ("/tenant/schemas/{SCHEMA_ID}", "put"), ("/tenant/schemas/{SCHEMA_ID}", "patch"),
        ("/global/behaviors/{BEHAVIOR_ID}", "get"),
        ("/tenant/mixins/{MIXIN_ID}", "put"), ("/tenant/mixins/{MIXIN_ID}", "patch"),
        ("/tenant/classes/{CLASS_ID}", "put"), ("/tenant/classes/{CLASS_ID}", "patch"),
        ("/{CONTAINER_ID}/datatypes/{DATA_TYPE_ID}", "get"),
        ("/tenant/datatypes/{DATA_TYPE_ID}", "put"), ("/tenant/datatypes/{DATA_TYPE_ID}", "patch"),
        ("/{CONTAINER_ID}/descriptors/{DESCRIPTOR_ID}", "get"), ("/tenant/descriptors/{DESCRIPTOR_ID}", "put"),
        ("/tenant/unions/{UNION_ID}", "get"), ("/rpc/auditlog/{RESOURCE_ID}", "get"),
    ]
    for path, method in missing_404:
        entries.append(Relax(_responses(path, method) + "/404", _XDM_NOT_FOUND, _NOT_FOUND_EVIDENCE))
    for path in ("/{CONTAINER_ID}/fieldgroups/{FIELD_GROUP_ID}", "/global/behaviors/{BEHAVIOR_ID}",
                 "/{CONTAINER_ID}/classes/{CLASS_ID}", "/{CONTAINER_ID}/datatypes/{DATA_TYPE_ID}",
                 "/tenant/unions/{UNION_ID}"):
        entries.append(Relax(_responses(path, "get") + "/406", _XDM_NOT_ACCEPTABLE, _NOT_ACCEPTABLE_EVIDENCE))
    entries.append(Relax(_responses("/{CONTAINER_ID}/mixins/{MIXIN_ID}", "get") + "/400", _XDM_ACCEPT_ERROR,
                         "The same lookup under /fieldgroups documents 400 acceptErrorLookup; the "
                         "troubleshooting guide lists XDM-1006..1009-400 for invalid Accept headers."))
    entries += [
        Relax("/definitions/listResponseBasic/properties/_page/properties/next/x-nullable", True,
              "schemas.md and unions.md list responses print \"_page\": {\"next\": null} on the last page; "
              "appendix.md: 'If the _page.next value is null, then there is no additional page'."),
        Relax("/definitions/linksBasic/properties/next/type", REMOVE,
              "schemas.md prints \"_links\": {\"next\": null}; when a page follows, the link is an object "
              "{href} like _links.global_schemas — never a bare string."),
        Relax("/definitions/createDescriptor/properties/xdm:sourceVersion/type", REMOVE,
              "descriptors.md sends and returns \"xdm:sourceVersion\": 1 (an integer) in every request and "
              "response; SRY's own lookupDescriptorResponse types it integer."),
        Relax("/paths/~1rpc~1auditlog~1{RESOURCE_ID}/get/responses/200/schema/items/properties/updates/items/"
              "properties/value/type", REMOVE,
              "SRY's own example for this response has object and integer values (\"value\": 0, "
              "\"value\": {\"title\": …}); audit-log.md shows the same."),
    ]
    return entries


OVERLAY["schemaregistry"] = _schema_registry_overlay()
