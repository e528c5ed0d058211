"""Shared by the Catalog and Batch Ingestion tests: a real XDM schema (made through the Schema
Registry's HTTP API), datasets and batches made through HTTP, and the Catalog error shape."""
from __future__ import annotations

import json
import re

from mockaep.gateway import tenant_id_for
from tests.conftest import ORG, gateway_headers

CATALOG = "/data/foundation/catalog"
IMPORT = "/data/foundation/import"
REGISTRY = "/data/foundation/schemaregistry"
XED = "application/vnd.adobe.xed+json;version=1"
CAT_TYPE = re.compile(r"^http://ns\.adobe\.com/aep/errors/CAT-\d+-(\d{3})$")
INGEST_TYPE = re.compile(r"^http://ns\.adobe\.com/aep/errors/INGEST-\d+-(\d{3})$")


def make_schema(http, org: str = ORG, sandbox: str = "prod") -> str:
    """A profile schema with a tenant field group: ``_<tenant>.member`` holding ``memberId``
    (string, required), ``points`` (integer ≥ 0) and ``tier`` (bronze/silver/gold)."""
    tenant = f"_{tenant_id_for(org)}"
    headers = gateway_headers(org=org, sandbox=sandbox, Accept="application/vnd.adobe.xed+json")
    group = {
        "title": "Harbour club membership", "description": "Membership facts of the harbour club.",
        "type": "object", "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/profile"],
        "definitions": {"membership": {"properties": {tenant: {"type": "object", "properties": {
            "member": {"type": "object", "required": ["memberId"], "properties": {
                "memberId": {"type": "string", "title": "Member id"},
                "points": {"type": "integer", "minimum": 0, "title": "Points"},
                "tier": {"type": "string", "enum": ["bronze", "silver", "gold"], "title": "Tier"}}}}}}}},
        "allOf": [{"$ref": "#/definitions/membership"}],
    }
    created = http.post(f"{REGISTRY}/tenant/fieldgroups", headers=headers, json=group)
    assert created.status_code == 201, created.get_data(as_text=True)
    schema = {"title": "Harbour club members", "description": "Members of the harbour club.", "type": "object",
              "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"}, {"$ref": created.json["$id"]}]}
    created = http.post(f"{REGISTRY}/tenant/schemas", headers=headers, json=schema)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json["$id"]


def member(member_id: str, points=None, tier=None, org: str = ORG) -> dict:
    inner = {"memberId": member_id}
    if points is not None:
        inner["points"] = points
    if tier is not None:
        inner["tier"] = tier
    return {f"_{tenant_id_for(org)}": {"member": inner}}


def make_dataset(http, schema_id: str, name: str = "Harbour members", org: str = ORG, **extra) -> str:
    body = {"name": name, "schemaRef": {"id": schema_id, "contentType": XED}, **extra}
    created = http.post(f"{CATALOG}/dataSets", headers=gateway_headers(org=org), json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json[0].rsplit("/", 1)[-1]


def open_batch(http, dataset_id: str, fmt: str = "json", org: str = ORG, **extra) -> str:
    body = {"datasetId": dataset_id, "inputFormat": {"format": fmt}, **extra}
    created = http.post(f"{IMPORT}/batches", headers=gateway_headers(org=org), json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json["id"]


def upload(http, batch_id: str, dataset_id: str, name: str, data: bytes | str, org: str = ORG):
    raw = data.encode() if isinstance(data, str) else data
    return http.put(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/{name}", data=raw,
                    headers=gateway_headers(org=org, **{"Content-Type": "application/octet-stream"}))


def ndjson(rows: list) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def batch(http, batch_id: str, org: str = ORG) -> dict:
    found = http.get(f"{CATALOG}/batches/{batch_id}", headers=gateway_headers(org=org))
    assert found.status_code == 200, found.get_data(as_text=True)
    return found.json[batch_id]


def assert_error(response, status: int, shape=CAT_TYPE) -> dict:
    """A refusal in the service's problem shape with the expected status."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    match = shape.match(body["type"])
    assert match and int(match.group(1)) == status, body
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def state(http) -> dict:
    """The whole exported state (to prove a refusal changed nothing)."""
    return http.get("/_mockaep/state").json
