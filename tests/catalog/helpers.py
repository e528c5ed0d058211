"""Shared by the Catalog and Batch Ingestion tests: a real XDM schema (made through the Schema
Registry's HTTP API), datasets and batches made through HTTP, and the Catalog error shape."""
from __future__ import annotations

import itertools
import json
import re

from mockaep.core.context import tenant_id_for
from tests.conftest import ORG, gateway_headers

CATALOG = "/data/foundation/catalog"
IMPORT = "/data/foundation/import"
REGISTRY = "/data/foundation/schemaregistry"
XED = "application/vnd.adobe.xed+json;version=1"
CAT_TYPE = re.compile(r"^http://ns\.adobe\.com/aep/errors/CAT-\d+-(\d{3})$")
_TITLES = itertools.count(1)
INGEST_TYPE = re.compile(r"^http://ns\.adobe\.com/aep/errors/INGEST-\d+-(\d{3})$")


def make_schema(http, org: str = ORG, sandbox: str = "prod") -> str:
    """A profile schema with a tenant field group: ``_<tenant>.member`` holding ``memberId``
    (string, required), ``points`` (integer ≥ 0) and ``tier`` (bronze/silver/gold)."""
    tenant = f"_{tenant_id_for(org)}"
    headers = gateway_headers(org=org, sandbox=sandbox, Accept="application/vnd.adobe.xed+json")
    suffix = next(_TITLES)  # titles are unique per tenant (XDM-1521)
    group = {
        "title": f"Harbour club membership {suffix}", "description": "Membership facts of the harbour club.",
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
    schema = {"title": f"Harbour club members {suffix}", "description": "Members of the harbour club.", "type": "object",
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


def make_dataset(http, schema_id: str, name: str = "Harbour members", org: str = ORG, sandbox: str = "prod",
                 **extra) -> str:
    body = {"name": name, "schemaRef": {"id": schema_id, "contentType": XED}, **extra}
    created = http.post(f"{CATALOG}/dataSets", headers=gateway_headers(org=org, sandbox=sandbox), json=body)
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


# -- conformance runs: aim generated cases at objects that exist ------------------------------
CONFORMANCE_HEADERS = {"Authorization": "Bearer conformance-token", "x-api-key": "conformance-client",
                       "x-gw-ims-org-id": "CONFORMANCE0000000000000@AdobeOrg", "x-sandbox-name": "prod"}
CONFORMANCE_DATASET = "c0ffee00c0ffee00c0ffee00"


def seed_conformance_dataset(app) -> str:
    """Load one dataset into the conformance tenant through the state import (no registry needed:
    nothing in the conformance run resolves its schema except promotion, which then fails cleanly)."""
    client = app.test_client()
    record = {"name": "Conformance harbour", "imsOrg": CONFORMANCE_HEADERS["x-gw-ims-org-id"], "version": "1.0.0",
              "created": 1700000000000, "updated": 1700000000000, "createdClient": "conformance-client",
              "createdUser": "conformance@AdobeID", "updatedUser": "conformance@AdobeID", "tags": {},
              "state": "DRAFT", "viewId": "c0ffee00c0ffee00c0ffee01",
              "files": f"@/dataSetFiles?dataSetId={CONFORMANCE_DATASET}", "dule": {}, "statsCache": {},
              "schemaRef": {"id": "https://ns.adobe.com/conformance/schemas/0001", "contentType": XED}}
    document = {"format": "mockaep-state", "version": 1, "tenants": [
        {"imsOrg": CONFORMANCE_HEADERS["x-gw-ims-org-id"], "sandbox": "prod",
         "collections": {"dataSets": {CONFORMANCE_DATASET: record}}, "meta": {}}]}
    loaded = client.post("/_mockaep/state", json=document)
    assert loaded.status_code == 200, loaded.get_data(as_text=True)
    return CONFORMANCE_DATASET


def aim(case, app, batch_params=("BATCH_ID", "batchId"), dataset_params=("DATASET_ID", "datasetId", "id")) -> None:
    """Two cases in three get the seeded dataset and a fresh loading batch instead of random ids,
    so success answers are checked against the spec too; the third keeps its generated values."""
    import hashlib

    seed = int(hashlib.sha1(repr((case.path_parameters, case.query, case.body)).encode()).hexdigest(), 16)
    if seed % 3 == 0:
        return
    params = dict(case.path_parameters or {})
    client = app.test_client()
    if client.get(f"{CATALOG}/dataSets/{CONFORMANCE_DATASET}", headers=CONFORMANCE_HEADERS).status_code == 404:
        seed_conformance_dataset(app)  # an earlier generated DELETE removed it
    if any(name in params for name in batch_params):
        created = client.post(f"{IMPORT}/batches", headers=CONFORMANCE_HEADERS,
                                         json={"datasetId": CONFORMANCE_DATASET, "inputFormat": {"format": "json"}})
        assert created.status_code == 201, created.get_data(as_text=True)
        batch_id = created.json["id"]
        params.update({name: batch_id for name in batch_params if name in params})
    params.update({name: CONFORMANCE_DATASET for name in dataset_params if name in params})
    case.path_parameters = params
    if isinstance(case.body, dict) and "datasetId" in case.body:
        case.body = {**case.body, "datasetId": CONFORMANCE_DATASET}
