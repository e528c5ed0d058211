"""The one overlay applied to Adobe's official specs before conformance tests run.

The official specs contradict Adobe's own documented responses in places (field types, date
formats, status codes). mockaep follows the documented behaviour; this file relaxes exactly the
contradicted keywords of the spec, each with the evidence, and nothing else. Every entry is
``Relax(pointer, value, reason)``: the JSON Pointer (into the packaged JSON document) is set to
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
    "dataaccess": [],
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


# -- Data Prep (conversion) ------------------------------------------------------------------------
_DP_EPOCH_EVIDENCE = ("data-prep/api/mapping-set.md prints createdDate/modifiedDate as epoch milliseconds "
                      "(1614901254724) in every response; customer-success.md too; DPY types them date-time strings.")
_DP_NOT_FOUND_EVIDENCE = ("landing/troubleshooting.md 'API status codes': 404 'the requested resource could not be "
                          "found' applies to every Platform API; DPY documents no status for a missing mapping set, "
                          "mapping or version.")


def _conversion_overlay() -> list[Relax]:
    not_found = {"description": "Mapping set, version or mapping not found (MAPPER-1404-404).", "content": {}}
    entries = [
        Relax(f"/paths/{path}/{method}/responses/404", not_found, _DP_NOT_FOUND_EVIDENCE)
        for path, method in (("~1mappingSets~1{MAPPING_SET_ID}", "get"), ("~1mappingSets~1{MAPPING_SET_ID}", "put"),
                             ("~1mappingSets~1{MAPPING_SET_ID}~1mappings", "get"),
                             ("~1mappingSets~1{MAPPING_SET_ID}~1mappings~1{MAPPING_ID}", "get"))
    ]
    for component in ("SimpleRepresentation", "MappingSet", "MappingOperation"):
        for name in ("createdDate", "modifiedDate"):
            entries.append(Relax(f"/components/schemas/{component}/properties/{name}/type", "integer",
                                 _DP_EPOCH_EVIDENCE))
    entries += [
        Relax("/paths/~1languages~1el~1validate/post/responses/200/content/application~1json/schema/type", "object",
              "data-prep/api/functions.md: the 200 body is {\"validationStatus\": \"succeeded\", \"error\": \"none\"}, "
              "an object, where DPY says boolean."),
        Relax("/paths/~1mappingSets~1{MAPPING_SET_ID}~1mappings/get/responses/200/content/application~1json/schema",
              {"type": "array", "items": {"$ref": "#/components/schemas/MappingOperation"}},
              "data-prep/api/mapping-set.md 'List the mappings for a mapping set' returns an array of mappings; "
              "DPY types the 200 as one MappingOperation."),
        Relax("/paths/~1mappingSets~1preview/post/responses/200/content/application~1json/schema",
              {"type": "array", "items": {"$ref": "#/components/schemas/PreviewResponse"}},
              "data-prep/api/mapping-set.md 'Preview data for mappings' returns an array with one "
              "{data, errors} per input row; DPY types the 200 as a single PreviewResponse."),
        Relax("/components/schemas/PreviewResponse/properties/errors/nullable", True,
              "mapping-set.md preview response prints \"errors\": null for a row without errors."),
        Relax("/components/schemas/ValidationResponse/properties/errors/nullable", True,
              "mapping-set.md validate response prints \"errors\": null for each successful mapping."),
        Relax("/components/schemas/SourceType/enum",
              ["ATTRIBUTE", "EXPRESSION", "STATIC", "text/x.schema-path", "text/x.aep-xl", "text/plain"],
              "Stored mappings report their source type as a media type: mapping-set.md responses and DPY's own "
              "MappingOperation example show \"text/x.schema-path\"; destination docs list text/x.aep-xl and "
              "text/plain for expressions and constants."),
    ]
    for keyword in ("enum/items/type", "default/type", "minimum/type", "maximum/type"):
        entries.append(Relax(f"/components/schemas/JsonSchema/properties/{keyword}", REMOVE,
                             "mapping-set.md GET ?expandSchema response: outputSchema.jsonSchema carries XDM "
                             "keywords with their JSON Schema values (\"default\": \"not_specified\", "
                             "\"enum\": [\"female\", …], \"minimum\": 1), not objects."))
    return entries


OVERLAY["conversion"] = _conversion_overlay()


# -- Flow Service: connection specs, flow specs, explore/test/configs, runs (FS-specs) ----------------
_FS_CODES_EVIDENCE = ("docs/help/sources/errors/flow-service-errors.md: Flow Service answers a missing resource "
                      "with 1101-404, invalid requests (bad body, bad filter/orderby/params 1440-1453, bad spec "
                      "1413, unknown flow of a run 1430) with 400, and a stale If-Match with 1404-412; FSY "
                      "documents only 200/401/403/500/503 on these operations.")
_FS_ERROR_BODY = {"application/json": {"schema": {"type": "object"}}}


def _flow_service_specs_overlay() -> list[Relax]:
    statuses = {
        ("/connections/{BASE_CONNECTION_ID}/test", "get"): (404,),
        ("/connections/{BASE_CONNECTION_ID}/explore", "get"): (400, 404),
        ("/connections/{BASE_CONNECTION_ID}/configs", "get"): (404,),
        ("/connectionSpecs", "get"): (400,),
        ("/connectionSpecs", "post"): (400,),
        ("/connectionSpecs/{CONNECTION_SPEC_ID}", "get"): (404,),
        ("/connectionSpecs/{CONNECTION_SPEC_ID}", "put"): (404,),
        ("/connectionSpecs/{CONNECTION_SPEC_ID}/explore", "get"): (404,),
        ("/connectionSpecs/{CONNECTION_SPEC_ID}/configs", "get"): (404,),
        ("/flowSpecs", "get"): (400,),
        ("/flowSpecs", "post"): (400,),
        ("/flowSpecs/{FLOW_SPEC_ID}", "get"): (404,),
        ("/flowSpecs/{FLOW_SPEC_ID}", "put"): (400, 404),
        ("/flowSpecs/search", "post"): (400,),
        ("/runs", "get"): (400,),
        ("/runs", "post"): (400,),
        ("/runs/{RUN_ID}", "get"): (404,),
        ("/runs/{RUN_ID}", "put"): (400, 404, 412),
        ("/runs/{RUN_ID}/action", "post"): (400, 404, 412),
    }
    entries = [Relax(f"{_responses(path, method)}/{status}",
                     {"description": f"FLOW-<code>-{status} (flow-service-errors.md)", "content": _FS_ERROR_BODY},
                     _FS_CODES_EVIDENCE)
               for (path, method), codes in statuses.items() for status in codes]
    entries += [
        Relax("/components/schemas/FlowSpecItemDTO/properties/transformationSpecs/type", REMOVE,
              "sources-sdk/api/flow-specs.md and customer-success.md print transformationSpecs as an array of "
              "{name, spec}; FSY types it a single object."),
        Relax("/components/schemas/ExploreConnectionResponse/type", REMOVE,
              "explore/customer-success.md: objectType=table answers an object {format, schema{columns}}; FSY's own "
              "examples for /configs and /connectionSpecs/{id}/explore (same schema) are objects {items: [...]}; "
              "only objectType=root/folder answers are arrays."),
    ]
    for name in ("category", "icon", "label"):
        entries.append(Relax(
            f"/components/schemas/SourceSpecDTO/properties/attributes/properties/uiAttributes/properties/{name}/type",
            REMOVE,
            "sources-sdk/api/connection-specs.md and sourcespec.md, and FSY's own createConnectionSpec example, "
            f"give sourceSpec.attributes.uiAttributes.{name} as an object {{\"key\": ...}}; FSY types it string."))
    return entries


OVERLAY["flowservice"] += _flow_service_specs_overlay()


# -- Catalog -----------------------------------------------------------------------------------------
def _catalog_overlay() -> list[Relax]:
    # catalog.yaml's empty ``description:`` values (invalid Schema Objects) need no entry: the
    # packaged document carries no descriptions. PATCH v2 takes an if-match header but, unlike
    # the other writes, has no 'default' response to cover the answer to a stale one.
    return [Relax("/paths/~1v2~1dataSets~1{DATASET_ID}/patch/responses/412",
                  {"description": "The If-Match version does not match the dataset's current version."},
                  "appendix.md 'If-Match': when the versions do not match, Catalog answers HTTP 412 "
                  "(Precondition Failed) to the update.")]


OVERLAY["catalog"] = _catalog_overlay()


# -- Batch Ingestion ---------------------------------------------------------------------------------
_BATCH_STATUSES = ["processing", "success", "failure", "queued", "retrying", "stalled", "aborted", "abandoned",
                   "inactive", "failed", "loading", "loaded", "staged", "active", "staging", "deleted"]
_LARGE_FILE = "/paths/~1batches~1{batchId}~1datasets~1{datasetId}~1files~1{filePath}"


def _ingestion_overlay() -> list[Relax]:
    return [
        Relax("/components/schemas/Batch/properties/status/enum", _BATCH_STATUSES,
              "api-overview.md: POST /batches answers 201 with status 'loading'; ABORT and REVERT lead to "
              "'aborted' and 'inactive' (api-overview.md, troubleshooting.md 'Batch states'). Batch.status "
              "lists only 8 states; catalog.yaml batchStatus lists all 16 the batch can be in."),
        Relax("/components/schemas/Batch/properties/inputFormat/properties/format/enum", ["parquet", "json", "csv"],
              "api-overview.md 'Ingest CSV files' creates batches with inputFormat.format 'csv'; the "
              "response enum lists only parquet and json."),
        Relax(f"{_LARGE_FILE}/post/responses/201",
              {"description": "Large file initialized or completed.",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/File"}}}},
              "api-overview.md answers '201 Created' to POST …/files/{name}?action=INITIALIZE and to "
              "?action=COMPLETE; the spec lists only 200."),
        Relax(f"{_LARGE_FILE}/patch/requestBody/content",
              {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
              "The operation's own Content-Type parameter is enum [application/octet-stream] and "
              "api-overview.md sends the part with Content-Type application/octet-stream and "
              "--data-binary ('single-part upload'); the multipart/form-data body contradicts both."),
    ]


OVERLAY["ingestion"] = _ingestion_overlay()


# -- Flow Service: connections, source/target connections, flows (FS-core) ---------------------------
_FS_SCHEDULE_EVIDENCE = ("update-dataflows.md 'Look up dataflow details' answers scheduleParams with startTime, "
                         "interval and backfill as strings (\"1612310466\", \"15\", \"true\"), as every tutorial "
                         "sends them; the flow spec's scheduleSpec types them integer/boolean. FSY's "
                         "ScheduleSpecDTO types startTime integer, interval string, backfill boolean.")


def _flow_service_core_overlay() -> list[Relax]:
    statuses = {
        ("/connections", "get"): (400,),
        ("/connections", "post"): (400,),
        ("/connections/{BASE_CONNECTION_ID}", "get"): (404,),
        ("/connections/{BASE_CONNECTION_ID}/action", "post"): (400, 404, 412),
        ("/connections/{BASE_CONNECTION_ID}/", "delete"): (400, 404),
        ("/connections/{BASE_CONNECTION_ID}/", "patch"): (400, 404, 412),
        ("/connections/search", "post"): (400,),
        ("/flows", "post"): (400,),
        ("/flows/{FLOW_ID}", "get"): (404,),
        ("/flows/{FLOW_ID}", "delete"): (404,),
        ("/flows/{FLOW_ID}", "patch"): (400, 404, 412),
        ("/flows/search", "post"): (400,),
        ("/flows/{FLOW_ID}/action", "post"): (400, 404, 412),
        ("/sourceConnections", "get"): (400,),
        ("/sourceConnections", "post"): (400,),
        ("/sourceConnections/{SOURCE_CONNECTION_ID}", "get"): (404,),
        ("/sourceConnections/{SOURCE_CONNECTION_ID}", "delete"): (400, 404),
        ("/sourceConnections/{SOURCE_CONNECTION_ID}", "patch"): (400, 404, 412),
        ("/sourceConnections/{SOURCE_CONNECTION_ID}/action", "post"): (400, 404),
        ("/targetConnections", "get"): (400,),
        ("/targetConnections", "post"): (400,),
        ("/targetConnections/{TARGET_CONNECTION_ID}", "get"): (404,),
        ("/targetConnections/{TARGET_CONNECTION_ID}", "delete"): (400, 404),
        ("/targetConnections/{TARGET_CONNECTION_ID}", "patch"): (400, 404, 412),
        ("/targetConnections/{TARGET_CONNECTION_ID}/action", "post"): (400, 404),
    }
    entries = [Relax(f"{_responses(path, method)}/{status}",
                     {"description": f"FLOW-<code>-{status} (flow-service-errors.md)", "content": _FS_ERROR_BODY},
                     _FS_CODES_EVIDENCE + " Deleting a base connection a flow uses is 1418-400, a source or target "
                     "connection a flow uses 1447-400; labels.md answers an unknown flow with FLOW-1439-404.")
               for (path, method), codes in statuses.items() for status in codes]
    for name in ("startTime", "interval", "backfill"):
        entries.append(Relax(f"/components/schemas/ScheduleSpecDTO/properties/{name}/type", REMOVE,
                             _FS_SCHEDULE_EVIDENCE))
    return entries


OVERLAY["flowservice"] += _flow_service_core_overlay()


# -- Data Access ---------------------------------------------------------------------------------------
def _data_access_overlay() -> list[Relax]:
    return [Relax(_responses("/batches/{batchId}/failed", "get") + "/404",
                  {"description": "The path names no file of the batch.", "content": {}},
                  "data-access.yaml itself: ?path= on retrieveBatchMeta and retrieveDatasetFile documents 404 "
                  "'The path is not found' / 'The requested file was not found'; retrieveFailedBatch takes the same "
                  "path parameter ('the contents of the file would be downloaded') but lists no 404, and a "
                  "download of a file that does not exist cannot be a 200.")]


OVERLAY["dataaccess"] = _data_access_overlay()
