"""Flow Service resource kinds: the one table the store, the pager, JSON Patch and If-Match read.

Records are stored as ``GET /<collection>/{id}`` shows them (runs add mockaep's hidden timeline
under ``_mockaep``; a flow's ``lastRunDetails`` is computed when read, never stored). Each
``record_schema`` types every field a read relies on, so a state document holding a wrongly
typed record is refused whole instead of failing a later request.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.kinds import ResourceKind

SERVICE = "flowservice"
#: Fields the server owns, in the order items show them (``version`` repeats ``etag``).
SYSTEM_FIELDS = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
                 "sandboxId", "sandboxName", "imsOrgId", "version", "etag")
#: The JSON Schema draft embedded specs are written in: a stored spec's schemas must be valid ones.
JSON_SCHEMA = {"$ref": "http://json-schema.org/draft-07/schema#"}

_ID = {"type": "string", "minLength": 1, "maxLength": 256}
_TEXT = {"type": "string"}
_MILLIS = {"type": "integer"}
_OBJECT = {"type": "object"}
_IDS = {"type": "array", "items": _ID}
_SPEC_REF = {"type": "object", "required": ["id"], "properties": {"id": _ID, "version": _TEXT}}


def _record(required: tuple[str, ...], properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A stored record's schema: the system fields typed, then the kind's own fields."""
    system = {"id": _ID, "createdAt": _MILLIS, "updatedAt": _MILLIS, "createdBy": _TEXT, "updatedBy": _TEXT,
              "createdClient": _TEXT, "updatedClient": _TEXT, "sandboxId": _TEXT, "sandboxName": _TEXT,
              "imsOrgId": _TEXT, "version": _TEXT, "etag": _TEXT}
    return {"type": "object", "required": list(required), "properties": {**system, **properties}, **extra}


_BASE_LINK = {"type": "object", "required": ["id"], "properties": {"id": _ID, "connectionSpec": _SPEC_REF}}
_CONNECTION = {"name": _TEXT, "description": _TEXT, "connectionSpec": _SPEC_REF, "state": _TEXT,
               "auth": {"type": "object", "properties": {"specName": _TEXT, "params": _OBJECT}}}
_SOURCE_OR_TARGET = {"name": _TEXT, "description": _TEXT, "baseConnectionId": _ID, "state": _TEXT,
                     "data": {"type": "object", "properties": {"format": _TEXT, "schema": _OBJECT}},
                     "connectionSpec": _SPEC_REF, "params": _OBJECT, "providerRefId": _TEXT,
                     "inheritedAttributes": {"type": "object", "properties": {"baseConnection": _BASE_LINK}}}
_INHERITED_CONNECTION = {"type": "object", "required": ["id"],
                         "properties": {"id": _ID, "connectionSpec": _SPEC_REF, "baseConnection": _BASE_LINK}}
_FLOW = {
    "name": _TEXT, "description": _TEXT, "flowSpec": _SPEC_REF, "state": _TEXT,
    "sourceConnectionIds": _IDS, "targetConnectionIds": _IDS,
    "inheritedAttributes": {"type": "object", "properties": {
        "sourceConnections": {"type": "array", "items": _INHERITED_CONNECTION},
        "targetConnections": {"type": "array", "items": _INHERITED_CONNECTION}}},
    "scheduleParams": _OBJECT, "options": _OBJECT, "labels": {"type": "array", "items": _TEXT},
    "transformations": {"type": "array", "items": {"type": "object", "required": ["name", "params"],
                                                   "properties": {"name": _TEXT, "params": _OBJECT}}},
    "runs": _TEXT, "lastOperation": _OBJECT, "providerRefId": _TEXT,
}
_RUN = {
    "flowId": _ID, "flowSpec": _SPEC_REF, "providerRefId": _TEXT, "state": _TEXT, "params": _OBJECT,
    "metrics": {"type": "object", "properties": {
        "durationSummary": {"type": "object", "properties": {"startedAtUTC": _MILLIS, "completedAtUTC": _MILLIS}},
        "statusSummary": {"type": "object", "properties": {"status": _TEXT}}}},
    "activities": {"type": "array", "items": _OBJECT},
    # mockaep's timeline of the run (runs.py), never shown.
    "_mockaep": {"type": "object", "required": ["startsAt", "copyFrom", "completesAt"],
                 "properties": {"startsAt": _MILLIS, "copyFrom": _MILLIS, "completesAt": _MILLIS,
                                "managed": {"type": "boolean"}, "scheduled": {"type": "boolean"},
                                "slowed": {"type": "boolean"}}},
}
_NAMED_SPECS = {"type": "array", "items": {"type": "object", "required": ["name"],
                                           "properties": {"name": _TEXT, "type": _TEXT, "spec": JSON_SCHEMA}}}
_SPEC_PART = {"type": "object", "properties": {"spec": JSON_SCHEMA}}
_CONNECTION_SPEC = {
    "name": _TEXT, "providerId": _TEXT, "version": _TEXT, "authSpec": _NAMED_SPECS,
    "sourceSpec": _SPEC_PART, "targetSpec": _SPEC_PART, "attributes": _OBJECT, "permissionsInfo": _OBJECT,
    "exploreSpec": {"type": "object", "properties": {"requestSpec": JSON_SCHEMA, "responseSpec": JSON_SCHEMA}},
}
_FLOW_SPEC = {
    "name": _TEXT, "providerId": _TEXT, "version": _TEXT, "sourceConnectionSpecIds": _IDS,
    "targetConnectionSpecIds": _IDS, "transformationSpecs": _NAMED_SPECS, "optionSpec": _SPEC_PART,
    "scheduleSpec": _SPEC_PART, "runSpec": _SPEC_PART, "attributes": _OBJECT, "permissionsInfo": _OBJECT,
}

# The source behind a base connection (emulator-only, edited through /_mockaep/sources): the tables
# a user edited or created (their rows are sourceRows; an unedited table is its explore fixture),
# and a fault the source is made to show.
_COLUMN = {"type": "object", "required": ["name", "type"], "properties": {"name": _TEXT, "type": _TEXT}}
_SOURCE_TABLE = {"type": "object", "required": ["baseConnectionId", "table", "columns", "nextRow"], "properties": {
    "baseConnectionId": _ID, "table": _ID, "columns": {"type": "array", "items": _COLUMN},
    "nextRow": {"type": "integer", "minimum": 0}, "updatedAt": _MILLIS}}
_SOURCE_ROW = {"type": "object", "required": ["source", "row"], "properties": {"source": _TEXT, "row": _OBJECT}}
_SOURCE_FAULT = {"type": "object", "required": ["baseConnectionId", "kind"], "properties": {
    "baseConnectionId": _ID, "kind": {"enum": ["unavailable", "throttled", "slow"]},
    "runs": {"type": "integer", "minimum": 1}, "delaySeconds": {"type": "integer", "minimum": 1},
    "createdAt": _MILLIS}}

KINDS = {
    "connections": ResourceKind(
        "connections", "connection", SERVICE, system_fields=SYSTEM_FIELDS, read_only=("state",),
        writable=("name", "description", "auth", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id"), paging="continuation", not_found_code="1101",
        record_schema=_record(("id", "name", "connectionSpec"), _CONNECTION)),
    "sourceConnections": ResourceKind(
        "sourceConnections", "source connection", SERVICE, system_fields=SYSTEM_FIELDS,
        read_only=("state", "inheritedAttributes", "providerRefId"),
        writable=("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id", "baseConnectionId"), paging="continuation",
        not_found_code="1101", record_schema=_record(("id", "connectionSpec"), _SOURCE_OR_TARGET)),
    "targetConnections": ResourceKind(
        "targetConnections", "target connection", SERVICE, system_fields=SYSTEM_FIELDS,
        read_only=("state", "inheritedAttributes", "providerRefId"),
        writable=("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id", "baseConnectionId"), paging="continuation",
        not_found_code="1101", record_schema=_record(("id", "connectionSpec"), _SOURCE_OR_TARGET)),
    # 1439-404: the labels.md example answers an unknown flow with FLOW-1439-404 (the FSE table says
    # -400; the example's 404 is what the platform sends, BEHAVIOUR.md §15 #24). ``flowSpec`` is
    # written by a create only (``CREATE_ONLY``), never by PATCH.
    "flows": ResourceKind(
        "flows", "flow", SERVICE, system_fields=SYSTEM_FIELDS,
        read_only=("state", "runs", "lastOperation", "lastRunDetails", "inheritedAttributes", "providerRefId",
                   "flowSpec"),
        writable=("name", "description", "sourceConnectionIds", "targetConnectionIds", "transformations",
                  "scheduleParams", "options", "labels"),
        indexes=("name", "state", "flowSpec.id", "sourceConnectionIds[]", "targetConnectionIds[]"),
        paging="continuation", not_found_code="1439",
        record_schema=_record(("id", "name", "flowSpec"), _FLOW, **{"not": {"required": ["lastRunDetails"]}})),
    "runs": ResourceKind(
        "runs", "run", SERVICE, system_fields=SYSTEM_FIELDS[:-2] + ("etag",),
        read_only=("flowId", "state", "metrics", "activities", "params", "flowSpec", "providerRefId", "_mockaep"),
        indexes=("flowId", "state"), paging="continuation", not_found_code="1101",
        record_schema=_record(("id", "flowId", "state"), _RUN)),
    # Specs an org made with the Sources SDK (the packaged ones live in mockaep/specs/flowservice).
    "connectionSpecs": ResourceKind(
        "connectionSpecs", "connection spec", SERVICE, system_fields=SYSTEM_FIELDS[:-2] + ("etag",),
        writable=tuple(_CONNECTION_SPEC), indexes=("name",), paging="continuation", not_found_code="1101",
        record_schema=_record(("id", "name"), _CONNECTION_SPEC)),
    "flowSpecs": ResourceKind(
        "flowSpecs", "flow spec", SERVICE, system_fields=SYSTEM_FIELDS[:-2] + ("etag",),
        writable=tuple(_FLOW_SPEC), indexes=("name", "sourceConnectionSpecIds[]"), paging="continuation",
        not_found_code="1101", record_schema=_record(("id", "name"), _FLOW_SPEC)),
    "sourceTables": ResourceKind(
        "sourceTables", "source table", SERVICE, id_field=None, system_fields=tuple(_SOURCE_TABLE["properties"]),
        read_only=tuple(_SOURCE_TABLE["properties"]), indexes=("baseConnectionId",), not_found_code="1101",
        record_schema=_SOURCE_TABLE),
    "sourceRows": ResourceKind(
        "sourceRows", "source row", SERVICE, id_field=None, system_fields=("source",), read_only=("source",),
        indexes=("source",), not_found_code="1101", record_schema=_SOURCE_ROW),
    "sourceFaults": ResourceKind(
        "sourceFaults", "source fault", SERVICE, id_field="baseConnectionId",
        system_fields=tuple(_SOURCE_FAULT["properties"]), read_only=tuple(_SOURCE_FAULT["properties"]),
        not_found_code="1101", record_schema=_SOURCE_FAULT),
}
CONNECTIONS = KINDS["connections"]
SOURCE_CONNECTIONS = KINDS["sourceConnections"]
TARGET_CONNECTIONS = KINDS["targetConnections"]
FLOWS = KINDS["flows"]
RUNS = KINDS["runs"]
SOURCE_TABLES = KINDS["sourceTables"]
SOURCE_ROWS = KINDS["sourceRows"]
SOURCE_FAULTS = KINDS["sourceFaults"]
#: Fields a create body may set that no PATCH may change.
CREATE_ONLY = {"flows": ("flowSpec",)}
