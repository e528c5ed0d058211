"""Flow Service resource kinds: the one table the store, pagers, JSON Patch and If-Match read."""
from __future__ import annotations

from mockaep.core.kinds import ResourceKind

SERVICE = "flowservice"
_SYSTEM = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
           "sandboxId", "sandboxName", "imsOrgId", "version", "etag")
_CONNECTION_SHAPE = {"type": "object", "required": ["id", "name", "connectionSpec"],
                     "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                    "connectionSpec": {"type": "object", "required": ["id"],
                                                       "properties": {"id": {"type": "string"}}},
                                    "auth": {"type": "object"}, "params": {"type": "object"},
                                    "data": {"type": "object"}, "state": {"type": "string"}}}

KINDS = {
    "connections": ResourceKind(
        "connections", "connection", SERVICE, system_fields=_SYSTEM, read_only=("state",),
        writable=("name", "description", "auth", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id"), paging="continuation", not_found_code="1101",
        record_schema=_CONNECTION_SHAPE),
    "sourceConnections": ResourceKind(
        "sourceConnections", "source connection", SERVICE, system_fields=_SYSTEM, read_only=("state",),
        writable=("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id", "baseConnectionId"), paging="continuation",
        not_found_code="1101", record_schema=_CONNECTION_SHAPE),
    "targetConnections": ResourceKind(
        "targetConnections", "target connection", SERVICE, system_fields=_SYSTEM, read_only=("state",),
        writable=("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
        indexes=("name", "state", "connectionSpec.id", "baseConnectionId"), paging="continuation",
        not_found_code="1101", record_schema=_CONNECTION_SHAPE),
    "flows": ResourceKind(
        "flows", "flow", SERVICE, system_fields=_SYSTEM,
        read_only=("state", "runs", "lastOperation", "lastRunDetails", "inheritedAttributes", "providerRefId",
                   "flowSpec"),
        writable=("name", "description", "flowSpec", "sourceConnectionIds", "targetConnectionIds",
                  "transformations", "scheduleParams", "options", "labels"),
        indexes=("name", "state", "flowSpec.id", "sourceConnectionIds[]", "targetConnectionIds[]"),
        paging="continuation", not_found_code="1439",
        record_schema={"type": "object", "required": ["id", "name", "flowSpec"],
                       "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                      "flowSpec": {"type": "object", "required": ["id"],
                                                   "properties": {"id": {"type": "string"}}},
                                      "sourceConnectionIds": {"type": "array", "items": {"type": "string"}},
                                      "targetConnectionIds": {"type": "array", "items": {"type": "string"}},
                                      "transformations": {"type": "array", "items": {"type": "object"}},
                                      "scheduleParams": {"type": "object"}, "state": {"type": "string"}}}),
    "runs": ResourceKind(
        "runs", "run", SERVICE, system_fields=_SYSTEM, indexes=("flowId", "state"), paging="continuation",
        not_found_code="1101",
        record_schema={"type": "object", "required": ["id", "flowId"],
                       "properties": {"id": {"type": "string"}, "flowId": {"type": "string"}}}),
    "connectionSpecs": ResourceKind(
        "connectionSpecs", "connection spec", SERVICE, paging="continuation", not_found_code="1101",
        record_schema={"type": "object", "required": ["id", "name"],
                       "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}),
    "flowSpecs": ResourceKind(
        "flowSpecs", "flow spec", SERVICE, paging="continuation", not_found_code="1101",
        record_schema={"type": "object", "required": ["id", "name"],
                       "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}),
}
