"""Base, source and target connections over HTTP: create, read, list, delete, and every refusal."""
from __future__ import annotations

import re

import pytest

from tests.flowservice.helpers import (AMAZON_S3, DATA_LAKE, FLOW_SERVICE, SERVICE_CLOUD, SERVICENOW, error_code,
                                       snapshot)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ETAG = re.compile(r'^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{12}"$')
SYSTEM = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
          "sandboxId", "sandboxName", "imsOrgId", "state", "version", "etag")


def test_create_base_connection_answers_201_with_id_etag_and_location(fs):
    response = fs.post("/connections", {
        "name": "Support CRM", "description": "reads tickets",
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "a@example.org", "password": "pw", "securityToken": "tk"}},
        "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "etag"}
    assert UUID.match(body["id"]) and ETAG.match(body["etag"])
    assert response.headers["Location"] == f"{FLOW_SERVICE}/connections/{body['id']}"

    item = fs.item("connections", body["id"])
    for key in SYSTEM:
        assert key in item
    assert item["id"] == body["id"] and item["etag"] == body["etag"] == item["version"]
    assert item["name"] == "Support CRM" and item["description"] == "reads tickets"
    assert item["state"] == "enabled"
    assert item["connectionSpec"] == {"id": SERVICE_CLOUD, "version": "1.0"}
    assert item["auth"]["specName"] == "Basic Authentication"
    assert item["imsOrgId"] == fs.headers["x-gw-ims-org-id"] and item["sandboxName"] == "prod"
    assert item["createdClient"] == fs.headers["x-api-key"] and isinstance(item["createdAt"], int)


def test_get_wraps_the_object_in_items_and_unknown_id_is_1101(fs):
    base = fs.base_connection()
    body = fs.get(f"/connections/{base}").get_json()
    assert list(body) == ["items"] and len(body["items"]) == 1
    for collection in ("connections", "sourceConnections", "targetConnections"):
        missing = fs.get(f"/{collection}/7d0c5bd6-0000-4000-8000-000000000000")
        assert missing.status_code == 404
        assert error_code(missing) == "FLOW-1101-404"
        assert missing.get_json()["report"]["id"] == "7d0c5bd6-0000-4000-8000-000000000000"


def test_objects_are_invisible_from_another_org_and_sandbox(fs, new_fs):
    base = fs.base_connection()
    assert new_fs().get(f"/connections/{base}").status_code == 404
    same_org_dev = new_fs(sandbox="dev", org=fs.headers["x-gw-ims-org-id"])
    assert same_org_dev.get(f"/connections/{base}").status_code == 404
    assert same_org_dev.get("/connections").get_json()["items"] == []


@pytest.mark.parametrize("body, code", [
    ({"auth": {"specName": "Basic Authentication", "params": {}}}, "FLOW-1100-400"),  # no connectionSpec (layer 1)
    ({"connectionSpec": {"id": SERVICE_CLOUD}}, "FLOW-1100-400"),  # version missing (layer 1)
    ({"connectionSpec": {"id": "00000000-1111-4222-8333-444444444444", "version": "1.0"},
      "auth": {"specName": "Basic Authentication", "params": {}}}, "FLOW-1413-400"),
    ({"connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
      "auth": {"specName": "OAuth Refresh", "params": {}}}, "FLOW-1415-400"),
    ({"connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
      "auth": {"specName": "Basic Authentication", "params": {"username": "only-user"}}}, "FLOW-1100-400"),
    ({"connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}}, "FLOW-1100-400"),  # auth needed by the spec
])
def test_base_connection_refusals_change_nothing(fs, body, code):
    before = snapshot(fs, "connections")
    response = fs.post("/connections", {"name": "x", **body})
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code
    assert snapshot(fs, "connections") == before


def test_auth_params_violations_are_listed_with_pointers(fs):
    response = fs.post("/connections", {
        "name": "x", "auth": {"specName": "Basic Authentication", "params": {"username": 42}},
        "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}})
    assert response.status_code == 400
    paths = {sub["path"] for sub in response.get_json()["report"]["sub-errors"]}
    assert "/auth/params/username" in paths or "/auth/params" in paths


def test_empty_and_malformed_bodies(fs):
    empty = fs.http.post(f"{FLOW_SERVICE}/flows", headers={**fs.headers, "Content-Type": "application/json"}, data="")
    assert empty.status_code == 400 and error_code(empty) == "FLOW-1405-400"
    broken = fs.http.post(f"{FLOW_SERVICE}/sourceConnections", data='{"name": "x"}}',
                          headers={**fs.headers, "Content-Type": "application/json"})
    assert broken.status_code == 400 and error_code(broken).startswith("FLOW-")
    listed = fs.post("/connections", ["not", "an", "object"])
    assert listed.status_code == 400


def test_source_connection_records_base_and_inherited_attributes(fs):
    base = fs.base_connection()
    source = fs.source_connection(base, table="Case")
    item = fs.item("sourceConnections", source)
    assert item["baseConnectionId"] == base
    assert item["data"] == {"format": "tabular"} and item["params"] == {"tableName": "Case"}
    assert item["inheritedAttributes"]["baseConnection"] == {"id": base,
                                                             "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}}


@pytest.mark.parametrize("change, code", [
    ({"data": {"format": "parquet"}}, "FLOW-1100-400"),                  # a table source reads tabular data
    ({"params": {"columns": [{"name": "Id"}]}}, "FLOW-1100-400"),        # sourceSpec needs tableName or path
    ({"baseConnectionId": "5a1b2c3d-0000-4000-8000-00000000abcd"}, "FLOW-1100-400"),  # no such base connection
    ({"connectionSpec": {"id": SERVICENOW, "version": "1.0"}}, "FLOW-1413-400"),    # base uses another spec
    ({"connectionSpec": {"id": DATA_LAKE, "version": "1.0"}}, "FLOW-1413-400"),     # a target spec
    ({"connectionSpec": {"id": "9f9f9f9f-0000-4000-8000-000000000000", "version": "1.0"}}, "FLOW-1413-400"),
    ({"name": None}, "FLOW-1100-400"),                                   # layer 1: name is a string
    ({"data": None}, "FLOW-1100-400"),
])
def test_source_connection_refusals_change_nothing(fs, change, code):
    base = fs.base_connection()
    body = {"name": "Tickets", "baseConnectionId": base, "data": {"format": "tabular"},
            "params": {"tableName": "Ticket"}, "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}}
    body.update(change)
    before = snapshot(fs)
    response = fs.post("/sourceConnections", body)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code
    assert snapshot(fs) == before


def test_source_connection_of_another_org_base_is_refused(fs, new_fs):
    foreign_base = new_fs().base_connection()
    response = fs.post("/sourceConnections", {
        "name": "Tickets", "baseConnectionId": foreign_base, "data": {"format": "tabular"},
        "params": {"tableName": "Ticket"}, "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}})
    assert response.status_code == 400


def test_file_source_takes_file_formats_only(fs):
    base = fs.created("/connections", {
        "name": "bucket", "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAFAKE", "s3SecretKey": "s"}},
        "connectionSpec": {"id": AMAZON_S3, "version": "1.0"}})["id"]
    body = {"name": "files", "baseConnectionId": base, "params": {"path": "/exports/day.csv"},
            "connectionSpec": {"id": AMAZON_S3, "version": "1.0"}}
    assert fs.post("/sourceConnections", {**body, "data": {"format": "delimited"}}).status_code == 201
    refused = fs.post("/sourceConnections", {**body, "data": {"format": "tabular"}})
    assert refused.status_code == 400


def test_target_connection_to_the_data_lake(fs):
    schema = fs.target_schema()
    dataset = fs.dataset(schema)
    target = fs.target_connection(dataset, schema)
    item = fs.item("targetConnections", target)
    assert item["connectionSpec"]["id"] == DATA_LAKE
    assert item["params"] == {"dataSetId": dataset}
    assert item["data"]["format"] == "parquet_xdm" and item["data"]["schema"]["id"] == schema


def test_target_connection_ignores_the_seed_base_connection_id(fs):
    schema = fs.target_schema()
    dataset = fs.dataset(schema)
    created = fs.created("/targetConnections", {
        "baseConnectionId": "d6c3988d-0000-4000-8000-00000000beef", "name": "lake",
        "data": {"format": "parquet_xdm"}, "params": {"dataSetId": dataset},
        "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})
    assert "baseConnectionId" not in fs.item("targetConnections", created["id"])


def test_target_connection_refusals_change_nothing(fs):
    schema = fs.target_schema()
    other_schema = fs.target_schema("Another target")
    dataset = fs.dataset(schema)
    good = {"name": "lake", "data": {"format": "parquet_xdm", "schema": {"id": schema, "version": "x"}},
            "params": {"dataSetId": dataset}, "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}}
    cases = [
        # The seed's target connection names the ServiceNow source spec: 1413.
        ({**good, "connectionSpec": {"id": SERVICENOW, "version": "1.0"}}, "FLOW-1413-400"),
        ({**good, "params": {"dataSetId": "0123456789abcdef01234567"}}, "FLOW-1100-400"),   # no such dataset
        ({**good, "params": {}}, "FLOW-1100-400"),                                          # targetSpec needs it
        ({**good, "data": {"format": "tabular"}}, "FLOW-1100-400"),                          # lake writes parquet_xdm
        ({**good, "data": {"format": "parquet_xdm", "schema": {"id": other_schema}}}, "FLOW-1100-400"),
        ({key: value for key, value in good.items() if key != "data"}, "FLOW-1100-400"),    # data required
    ]
    before = snapshot(fs)
    for body, code in cases:
        response = fs.post("/targetConnections", body)
        assert response.status_code == 400, (body, response.get_json())
        assert error_code(response) == code, (body, response.get_json())
    assert snapshot(fs) == before


def test_delete_answers_204_then_404(fs):
    base = fs.base_connection()
    source = fs.source_connection(base)
    assert fs.delete(f"/sourceConnections/{source}").status_code == 204
    assert fs.get(f"/sourceConnections/{source}").status_code == 404
    # The official path of DELETE /connections ends with a slash; both spellings work.
    deleted = fs.delete(f"/connections/{base}/")
    assert deleted.status_code == 204 and deleted.data == b""
    assert fs.delete(f"/connections/{base}").status_code == 404
