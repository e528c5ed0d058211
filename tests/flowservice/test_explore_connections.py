"""Exploring, testing and configuring base connections over HTTP (tables, files, refusals)."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import AMAZON_S3, DATA_LAKE, SERVICE_CLOUD, SERVICENOW, error_code

INVALID = "mockaep-invalid-password"


def s3_connection(fs, secret: str = "wJalrXUtnFEMI-not-real") -> str:
    return fs.created("/connections", {
        "name": "Loyalty exports bucket",
        "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAEXAMPLEKEY", "s3SecretKey": secret}},
        "connectionSpec": {"id": AMAZON_S3, "version": "1.0"}})["id"]


def service_cloud(fs, password: str = "not-a-real-secret") -> str:
    return fs.created("/connections", {
        "name": "Support desk", "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "reader@example.org", "password": password, "securityToken": "tok"}}})["id"]


def explore(fs, connection_id: str, **query):
    return fs.get(f"/connections/{connection_id}/explore", query=query)


# -- table sources --------------------------------------------------------------------------------
def test_root_lists_the_tables(fs):
    response = explore(fs, service_cloud(fs), objectType="root")
    assert response.status_code == 200
    tables = response.get_json()
    assert isinstance(tables, list)
    assert {"Account", "Case", "Contact"} <= {t["path"] for t in tables}
    assert all(t["type"] == "table" and t["canPreview"] is True and t["canFetchSchema"] is True for t in tables)


def test_servicenow_tables(fs):
    base = fs.base_connection(spec=SERVICENOW)
    paths = {t["path"] for t in explore(fs, base, objectType="root").get_json()}
    assert {"incident", "problem", "change_request"} <= paths


def test_object_type_is_matched_without_case(fs):
    base = service_cloud(fs)
    assert explore(fs, base, objectType="ROOT").get_json() == explore(fs, base, objectType="root").get_json()


def test_table_structure(fs):
    response = explore(fs, service_cloud(fs), objectType="table", object="Account")
    assert response.status_code == 200
    body = response.get_json()
    assert body["format"] == "flat"
    columns = {c["name"]: c for c in body["schema"]["columns"]}
    assert columns["Id"] == {"name": "Id", "type": "string", "xdm": {"type": "string"}}
    assert columns["CreatedDate"]["xdm"] == {"type": "string", "format": "date-time"}
    assert "data" not in body


def test_preview_returns_rows_matching_the_columns(fs):
    base = service_cloud(fs)
    body = explore(fs, base, objectType="table", object="Case", preview="true").get_json()
    names = [c["name"] for c in body["schema"]["columns"]]
    assert body["data"] and all(list(row) == names for row in body["data"])
    two = explore(fs, base, objectType="table", object="Case", preview="true", previewRowCount="2").get_json()
    assert two["data"] == body["data"][:2]


def test_without_object_type_the_root_is_listed(fs):
    """Adobe's Postman collection explores a connection with no query at all: the root listing."""
    base = service_cloud(fs)
    assert explore(fs, base).status_code == 200
    assert explore(fs, base).get_json() == explore(fs, base, objectType="root").get_json()
    bucket = s3_connection(fs)
    assert explore(fs, bucket).get_json() == explore(fs, bucket, objectType="root").get_json()


@pytest.mark.parametrize("query, status, code", [
    ({"objectType": "galaxy"}, 400, "FLOW-1452-400"),
    ({"objectType": "table"}, 400, "FLOW-1100-400"),
    ({"objectType": "table", "object": "NoSuchTable"}, 404, "FLOW-1101-404"),
    ({"objectType": "folder", "object": "/"}, 400, "FLOW-1100-400"),
    ({"objectType": "root", "objecttype": "root"}, 400, "FLOW-1451-400"),
    ({"objectType": "table", "object": "Case", "preview": "maybe"}, 400, "FLOW-1452-400"),
    ({"objectType": "table", "object": "Case", "preview": "true", "previewRowCount": "0"}, 400, "FLOW-1452-400"),
])
def test_table_refusals(fs, query, status, code):
    response = explore(fs, service_cloud(fs), **query)
    assert response.status_code == status
    assert error_code(response) == code


def test_unknown_connection_is_404(fs):
    for what in ("explore?objectType=root", "test", "configs"):
        response = fs.get(f"/connections/00000000-0000-4000-8000-0000000000ee/{what}")
        assert response.status_code == 404, what


# -- file sources -----------------------------------------------------------------------------------
def test_bucket_root_and_folders(fs):
    base = s3_connection(fs)
    root = explore(fs, base, objectType="root").get_json()
    assert {(e["type"], e["path"]) for e in root} == {("folder", "/acme-archive"), ("folder", "/acme-loyalty-exports")}
    inside = explore(fs, base, objectType="folder", object="/acme-loyalty-exports").get_json()
    assert [e["name"] for e in inside] == ["events", "members", "orders"]
    files = explore(fs, base, objectType="folder", object="/acme-loyalty-exports/members").get_json()
    assert files == [{"type": "file", "name": "members.csv", "path": "/acme-loyalty-exports/members/members.csv",
                      "canPreview": True, "canFetchSchema": True}]
    archive = explore(fs, base, objectType="FOLDER", object="acme-archive/").get_json()
    assert archive[0]["canPreview"] is False


def test_file_preview(fs):
    base = s3_connection(fs)
    response = explore(fs, base, objectType="file", object="/acme-loyalty-exports/members/members.csv",
                       fileType="delimited", preview="true")
    assert response.status_code == 200
    body = response.get_json()
    assert [c["name"] for c in body["schema"]["columns"]][:2] == ["member_id", "first_name"]
    assert len(body["data"]) == 6


@pytest.mark.parametrize("query, status, code", [
    ({"objectType": "folder", "object": "/nowhere"}, 404, "FLOW-1101-404"),
    ({"objectType": "file", "object": "/acme-loyalty-exports/missing.csv"}, 404, "FLOW-1101-404"),
    ({"objectType": "file", "object": "/acme-loyalty-exports/members/members.csv", "fileType": "json"}, 400,
     "FLOW-1100-400"),
    ({"objectType": "file", "object": "/acme-loyalty-exports/members/members.csv", "fileType": "xml"}, 400,
     "FLOW-1452-400"),
    ({"objectType": "file", "object": "/acme-archive/README.txt"}, 400, "FLOW-1100-400"),
    ({"objectType": "table", "object": "Account"}, 400, "FLOW-1100-400"),
])
def test_file_refusals(fs, query, status, code):
    response = explore(fs, s3_connection(fs), **query)
    assert response.status_code == status
    assert error_code(response) == code


# -- credentials --------------------------------------------------------------------------------------
def test_connection_test_reports_good_and_refused_credentials(fs):
    good = fs.get(f"/connections/{service_cloud(fs)}/test")
    assert good.status_code == 200 and good.get_json() == {"result": True}
    refused = fs.get(f"/connections/{service_cloud(fs, INVALID)}/test")
    assert refused.status_code == 200 and refused.get_json() == {"result": False}
    assert fs.get(f"/connections/{s3_connection(fs, INVALID)}/test").get_json() == {"result": False}


def test_refused_credentials_cannot_explore(fs):
    response = explore(fs, service_cloud(fs, INVALID), objectType="root")
    assert response.status_code == 400
    assert "credentials" in response.get_json()["errorMessage"]


def test_connection_configs_follow_its_spec(fs):
    items = fs.get(f"/connections/{s3_connection(fs)}/configs").get_json()["items"]
    assert {"columnName": "path", "columnType": "string"} in items
    table_items = fs.get(f"/connections/{service_cloud(fs)}/configs").get_json()["items"]
    assert {"columnName": "tableName", "columnType": "string"} in table_items


def test_targets_are_not_explored(fs):
    lake = fs.created("/connections", {"name": "Lake", "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})
    response = explore(fs, lake["id"], objectType="root")
    assert response.status_code == 400
