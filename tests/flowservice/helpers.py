"""Helpers for Flow Service tests: a small HTTP client and builders of a whole source chain.

Everything is created through the HTTP API of a fresh emulator (schemas, datasets and mapping
sets through their own services), never by writing the store.
"""
from __future__ import annotations

from typing import Any

from tests.conftest import gateway_headers

FLOW_SERVICE = "/data/foundation/flowservice"
SERVICE_CLOUD = "cb66ab34-8619-49cb-96d1-39b37ede86ea"   # Salesforce Service Cloud (source, table)
SERVICENOW = "eb13cb25-47ab-407f-ba89-c0125281c563"      # ServiceNow (source, table)
DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"       # data lake (target)
AMAZON_S3 = "ecadc60c-7455-4d87-84dc-2a0e293d997b"       # Amazon S3 (source, files)
CRM_TO_AEP = "14518937-270c-4525-bdec-c2ba7cce3860"      # flow spec CRMToAEP


class FlowService:
    """Calls one emulator's Flow Service (and its neighbours) with gateway headers."""

    def __init__(self, http, **header_overrides: Any) -> None:
        self.http = http
        self.headers = gateway_headers(**header_overrides)

    def call(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
             prefix: str = FLOW_SERVICE, query: Any = None):
        merged = {**self.headers, **(headers or {})}
        kwargs: dict[str, Any] = {"headers": merged}
        if body is not None:
            kwargs["json"] = body
        if query is not None:
            kwargs["query_string"] = query
        return self.http.open(prefix + path, method=method, **kwargs)

    def get(self, path: str, **kw):
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw):
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any, etag: str | None, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.call("PATCH", path, body, headers=headers, **kw)

    def delete(self, path: str, **kw):
        return self.call("DELETE", path, **kw)

    def item(self, collection: str, object_id: str) -> dict[str, Any]:
        response = self.get(f"/{collection}/{object_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"][0]

    def created(self, path: str, body: Any) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # -- builders -------------------------------------------------------------------------
    def base_connection(self, name: str = "Helpdesk CRM login", spec: str = SERVICE_CLOUD) -> str:
        params = ({"username": "svc-reader@example.org", "password": "not-a-real-secret", "securityToken": "tok-123"}
                  if spec == SERVICE_CLOUD else
                  {"endpoint": "https://tickets.example.org", "username": "reader", "password": "also-fake"})
        return self.created("/connections", {
            "name": name, "description": "test login",
            "auth": {"specName": "Basic Authentication", "params": params},
            "connectionSpec": {"id": spec, "version": "1.0"}})["id"]

    def source_connection(self, base_id: str, table: str = "Ticket", spec: str = SERVICE_CLOUD,
                          name: str = "Tickets table") -> str:
        return self.created("/sourceConnections", {
            "name": name, "baseConnectionId": base_id, "description": "rows of one table",
            "data": {"format": "tabular"}, "params": {"tableName": table},
            "connectionSpec": {"id": spec, "version": "1.0"}})["id"]

    def target_schema(self, title: str = "Support contacts") -> str:
        response = self.call("POST", "/tenant/schemas", {
            "type": "object", "title": title, "description": "where support contacts land",
            "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"},
                      {"$ref": "https://ns.adobe.com/xdm/context/profile-person-details"}]},
            prefix="/data/foundation/schemaregistry", headers={"Accept": "application/vnd.adobe.xed+json"})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["$id"]

    def dataset(self, schema_id: str, name: str = "Support contacts dataset") -> str:
        response = self.call("POST", "/dataSets", {
            "name": name, "schemaRef": {"id": schema_id, "contentType": "application/vnd.adobe.xed+json;version=1"}},
            prefix="/data/foundation/catalog")
        assert response.status_code == 201, response.get_json()
        return response.get_json()[0].rsplit("/", 1)[-1]

    def mapping_set(self, schema_id: str) -> str:
        response = self.call("POST", "/mappingSets", {
            "outputSchema": {"schemaRef": {"id": schema_id, "contentType": "application/vnd.adobe.xed-full+json;version=1"}},
            "mappings": [{"sourceType": "ATTRIBUTE", "source": "Subject", "destination": "person.name.fullName"}]},
            prefix="/data/foundation/conversion")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["id"]

    def target_connection(self, dataset_id: str, schema_id: str | None = None, name: str = "Contacts lake") -> str:
        data: dict[str, Any] = {"format": "parquet_xdm"}
        if schema_id is not None:
            data["schema"] = {"id": schema_id, "version": "application/vnd.adobe.xed-full+json;version=1"}
        return self.created("/targetConnections", {
            "name": name, "data": data, "params": {"dataSetId": dataset_id},
            "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})["id"]

    def chain(self) -> dict[str, str]:
        """Base → source connection, schema → dataset → target connection (no mapping)."""
        base = self.base_connection()
        source = self.source_connection(base)
        schema = self.target_schema()
        dataset = self.dataset(schema)
        target = self.target_connection(dataset, schema)
        return {"base": base, "source": source, "schema": schema, "dataset": dataset, "target": target}

    def flow_body(self, chain: dict[str, str], **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "Nightly tickets import", "description": "tickets into the lake",
            "flowSpec": {"id": CRM_TO_AEP, "version": "1.0"},
            "sourceConnectionIds": [chain["source"]], "targetConnectionIds": [chain["target"]],
            "transformations": [{"name": "Copy", "params": {"deltaColumn": {"name": "LastModified"}}}],
            # A start far ahead: no run falls due while a test reads the flow (runs are tested apart).
            "scheduleParams": {"startTime": "4102444800", "frequency": "hour", "interval": "2", "backfill": "true"},
        }
        body.update(overrides)
        return body

    def flow(self, chain: dict[str, str], **overrides: Any) -> str:
        return self.created("/flows", self.flow_body(chain, **overrides))["id"]


def error_code(response) -> str:
    """``FLOW-1413-400`` from a Flow Service error body."""
    body = response.get_json()
    assert body is not None, response.data
    return body["type"].rsplit("/", 1)[-1]


def snapshot(fs: FlowService, *collections: str) -> dict[str, Any]:
    """What the lists show now, to prove a refused write changed nothing."""
    return {name: fs.get(f"/{name}").get_json() for name in collections or
            ("connections", "sourceConnections", "targetConnections", "flows")}


class Sources:
    """The control plane's sources (``/_mockaep/sources``) of one org, over the same test client."""

    def __init__(self, fs: FlowService) -> None:
        self.http = fs.http
        self.scope = {"org": fs.headers["x-gw-ims-org-id"], "sandbox": fs.headers.get("x-sandbox-name", "prod")}

    def rows_url(self, base_id: str, table: str) -> str:
        return f"/_mockaep/sources/{base_id}/tables/{table}/rows"

    def call(self, method: str, path: str, body: Any = None, **query: Any):
        kwargs: dict[str, Any] = {"query_string": {**self.scope, **query}}
        if body is not None:
            kwargs["json"] = body
        return self.http.open(path, method=method, **kwargs)

    def rows(self, base_id: str, table: str, **query: Any) -> dict[str, Any]:
        response = self.call("GET", self.rows_url(base_id, table), **query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def replace(self, base_id: str, table: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.call("PUT", self.rows_url(base_id, table), rows)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def append(self, base_id: str, table: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.call("POST", self.rows_url(base_id, table), rows)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def clear(self, base_id: str, table: str) -> dict[str, Any]:
        response = self.call("DELETE", self.rows_url(base_id, table))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def fault(self, base_id: str, fault: dict[str, Any] | None):
        if fault is None:
            return self.call("DELETE", f"/_mockaep/sources/{base_id}/fault")
        return self.call("PUT", f"/_mockaep/sources/{base_id}/fault", fault)

    def dataset_rows(self, dataset_id: str, **query: Any) -> dict[str, Any]:
        response = self.call("GET", f"/_mockaep/datasets/{dataset_id}/rows", **query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()
