"""/connectionSpecs over HTTP: the packaged connectors, lookups, filters, and SDK-created specs."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import AMAZON_S3, DATA_LAKE, SERVICE_CLOUD, SERVICENOW, error_code

SALESFORCE = "cfc0fee1-7dc0-40ef-b73e-d8b134c436f5"
DYNAMICS = "38ad80fe-8b06-4938-94f4-d4ee80266b07"
PROVIDER = "0ed90a81-07f4-4586-8190-b40eccef1c5a"


def auth_entry(spec: dict, name: str) -> dict:
    return next(entry for entry in spec["authSpec"] if entry["name"] == name)


def custom_spec(name: str = "Tide tables source", **overrides) -> dict:
    body = {
        "name": name,
        "description": "A REST source of tide readings, built with the Sources SDK",
        "type": "generic-rest",
        "providerId": PROVIDER,
        "version": "1.0",
        "authSpec": [{
            "name": "Basic Authentication",
            "type": "BasicAuthentication",
            "spec": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                     "properties": {"host": {"type": "string"}, "username": {"type": "string"},
                                    "password": {"type": "string", "format": "password"}},
                     "required": ["host", "username", "password"]},
        }],
        "sourceSpec": {
            "attributes": {"uiAttributes": {"isSource": True, "label": {"key": "tideTablesLabel"}}},
            "spec": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                     "properties": {"stationId": {"type": "string"}}},
        },
        "exploreSpec": {"name": "Resource", "type": "Resource",
                        "requestSpec": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
                        "responseSpec": {"type": "object", "properties": {"format": {"type": "string"}}}},
        "attributes": {"uiAttributes": {"apiFeatures": {"explorePaginationSupported": False}}},
    }
    body.update(overrides)
    return body


def test_packaged_connectors_are_listed(fs):
    response = fs.get("/connectionSpecs")
    assert response.status_code == 200
    body = response.get_json()
    ids = {item["id"] for item in body["items"]}
    assert {SERVICE_CLOUD, SERVICENOW, DATA_LAKE, AMAZON_S3, SALESFORCE, DYNAMICS} <= ids
    assert body["_links"] == {}


def test_lookup_wraps_the_spec_in_items(fs):
    response = fs.get(f"/connectionSpecs/{SERVICE_CLOUD}")
    assert response.status_code == 200
    (spec,) = response.get_json()["items"]
    assert spec["id"] == SERVICE_CLOUD
    assert spec["providerId"] == PROVIDER and spec["version"] == "1.0"
    basic = auth_entry(spec, "Basic Authentication")
    assert basic["type"] == "BasicAuthentication"
    assert set(basic["spec"]["required"]) == {"username", "password", "securityToken"}
    assert {"sourceSpec", "exploreSpec", "attributes", "permissionsInfo"} <= set(spec)


def test_servicenow_authenticates_with_endpoint_username_password(fs):
    (spec,) = fs.get(f"/connectionSpecs/{SERVICENOW}").get_json()["items"]
    assert set(auth_entry(spec, "Basic Authentication")["spec"]["required"]) == {"endpoint", "username", "password"}


def test_s3_is_a_file_source_with_a_path_param(fs):
    (spec,) = fs.get(f"/connectionSpecs/{AMAZON_S3}").get_json()["items"]
    access = spec["authSpec"][0]["spec"]
    assert {"s3AccessKey", "s3SecretKey"} <= set(access["required"])
    assert spec["sourceSpec"]["spec"]["required"] == ["path"]


def test_data_lake_is_a_target_without_auth(fs):
    (spec,) = fs.get(f"/connectionSpecs/{DATA_LAKE}").get_json()["items"]
    assert spec["authSpec"] == []
    assert "sourceSpec" not in spec
    assert spec["targetSpec"]["spec"]["required"] == ["dataSetId"]


def test_unknown_spec_is_404(fs):
    response = fs.get("/connectionSpecs/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert error_code(response) == "FLOW-1101-404"


@pytest.mark.parametrize("expression, expected", [
    ('name=="service-now"', {SERVICENOW}),
    (f"id=={SERVICE_CLOUD},{AMAZON_S3}", {SERVICE_CLOUD, AMAZON_S3}),
    ("attributes.category==CRM", {SALESFORCE, DYNAMICS}),
])
def test_property_filter(fs, expression, expected):
    response = fs.get("/connectionSpecs", query={"property": expression})
    assert response.status_code == 200
    assert {item["id"] for item in response.get_json()["items"]} == expected


def test_lists_take_only_property(fs):
    response = fs.get("/connectionSpecs", query={"limit": "2"})
    assert response.status_code == 400
    assert error_code(response) == "FLOW-1451-400"


def test_created_spec_is_stored_for_the_tenant_only(fs, new_fs):
    response = fs.post("/connectionSpecs", custom_spec())
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/connectionSpecs/{created['id']}")
    assert created["name"] == "Tide tables source"
    assert created["imsOrgId"] == fs.headers["x-gw-ims-org-id"] and created["sandboxName"] == "prod"
    assert isinstance(created["createdAt"], int)
    (found,) = fs.get(f"/connectionSpecs/{created['id']}").get_json()["items"]
    assert found == created
    listed = fs.get("/connectionSpecs", query={"property": 'name=="Tide tables source"'}).get_json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    other = new_fs()
    assert other.get(f"/connectionSpecs/{created['id']}").status_code == 404
    assert fs.get(f"/connectionSpecs/{created['id']}", headers={"x-sandbox-name": "dev"}).status_code == 404


def test_created_spec_drives_connection_validation(fs):
    spec_id = fs.created("/connectionSpecs", custom_spec())["id"]
    good = {"name": "Tide login", "connectionSpec": {"id": spec_id, "version": "1.0"},
            "auth": {"specName": "Basic Authentication",
                     "params": {"host": "https://tides.example.org", "username": "u", "password": "p"}}}
    assert fs.post("/connections", good).status_code == 201
    bad = {**good, "auth": {"specName": "Basic Authentication", "params": {"host": "https://tides.example.org"}}}
    assert fs.post("/connections", bad).status_code == 400


def test_put_spec_changes_validation_on_the_next_request(fs):
    """Compiled validators are keyed by the spec's content: a PUT that makes a field required
    refuses, on the very next request, a connection the old spec accepted."""
    spec_id = fs.created("/connectionSpecs", custom_spec())["id"]
    without_port = {"name": "Tide login", "connectionSpec": {"id": spec_id, "version": "1.0"},
                    "auth": {"specName": "Basic Authentication",
                             "params": {"host": "https://tides.example.org", "username": "u", "password": "p"}}}
    assert fs.post("/connections", without_port).status_code == 201
    stricter = custom_spec()
    auth_spec = stricter["authSpec"][0]["spec"]
    auth_spec["properties"]["port"] = {"type": "integer"}
    auth_spec["required"] = auth_spec["required"] + ["port"]
    assert fs.call("PUT", f"/connectionSpecs/{spec_id}", stricter).status_code == 200
    refused = fs.post("/connections", without_port)
    assert refused.status_code == 400, refused.get_json()
    assert "port" in refused.get_json()["errorMessage"]
    with_port = {**without_port, "auth": {"specName": "Basic Authentication",
                                          "params": {**without_port["auth"]["params"], "port": 443}}}
    assert fs.post("/connections", with_port).status_code == 201
    assert fs.call("PUT", f"/connectionSpecs/{spec_id}", custom_spec()).status_code == 200
    assert fs.post("/connections", without_port).status_code == 201  # and back


@pytest.mark.parametrize("change, where", [
    ({"name": None}, "name"),
    ({"providerId": 42}, "providerId"),
    ({"authSpec": [{"type": "BasicAuthentication", "spec": {"type": "object"}}]}, "name"),
    ({"authSpec": [{"name": "Basic", "spec": {"type": "object", "properties": {"a": 3}}}]}, "authSpec"),
    ({"authSpec": [{"name": "A", "spec": {"type": "object"}}, {"name": "A", "spec": {"type": "object"}}]}, "unique"),
    ({"sourceSpec": {"spec": {"type": "no-such-type"}}}, "sourceSpec"),
    ({"sourceSpec": {"spec": {"$ref": "https://example.org/remote.json"}}}, "$ref"),
    ({"authSpec": [{"name": "Basic", "spec": {"properties": {"a": {"$ref": "#/definitions/missing"}}}}]}, "$ref"),
    ({"exploreSpec": {"requestSpec": {"pattern": "("}}}, "exploreSpec"),
])
def test_invalid_specs_are_refused_and_nothing_is_stored(fs, change, where):
    body = custom_spec()
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    before = fs.get("/connectionSpecs").get_json()
    response = fs.post("/connectionSpecs", body)
    assert response.status_code == 400, response.get_json()
    assert error_code(response).startswith("FLOW-1")
    assert where in response.get_json()["errorMessage"] or where in str(response.get_json()["report"])
    assert fs.get("/connectionSpecs").get_json() == before


def test_local_references_are_kept(fs):
    spec = {"definitions": {"secret": {"type": "string", "minLength": 4}}, "type": "object",
            "properties": {"token": {"$ref": "#/definitions/secret"}}, "required": ["token"]}
    created = fs.created("/connectionSpecs", custom_spec(authSpec=[{"name": "Token", "spec": spec}]))
    body = {"name": "Token login", "connectionSpec": {"id": created["id"], "version": "1.0"},
            "auth": {"specName": "Token", "params": {"token": "abc"}}}
    assert fs.post("/connections", body).status_code == 400
    body["auth"]["params"]["token"] = "abcd"
    assert fs.post("/connections", body).status_code == 201


def test_empty_body_is_1405(fs):
    response = fs.call("POST", "/connectionSpecs", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_code(response) == "FLOW-1405-400"


def test_put_replaces_an_own_spec_and_keeps_its_creation(fs):
    created = fs.created("/connectionSpecs", custom_spec())
    response = fs.call("PUT", f"/connectionSpecs/{created['id']}", custom_spec(name="Tide tables source v2",
                                                                                createdAt=1, id="ignored"))
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["id"] == created["id"] and updated["name"] == "Tide tables source v2"
    assert updated["createdAt"] == created["createdAt"]
    (found,) = fs.get(f"/connectionSpecs/{created['id']}").get_json()["items"]
    assert found["name"] == "Tide tables source v2"


def test_put_cannot_touch_a_packaged_spec(fs):
    response = fs.call("PUT", f"/connectionSpecs/{SERVICE_CLOUD}", custom_spec(name="hijack"))
    assert response.status_code == 400
    assert error_code(response) == "FLOW-1426-400"
    (spec,) = fs.get(f"/connectionSpecs/{SERVICE_CLOUD}").get_json()["items"]
    assert spec["name"] == "salesforce-service-cloud"


def test_put_on_an_unknown_spec_is_404(fs):
    response = fs.call("PUT", "/connectionSpecs/00000000-0000-4000-8000-000000000001", custom_spec())
    assert response.status_code == 404


def test_invalid_put_leaves_the_spec_unchanged(fs):
    created = fs.created("/connectionSpecs", custom_spec())
    response = fs.call("PUT", f"/connectionSpecs/{created['id']}", custom_spec(authSpec=[{"name": "x", "spec": 5}]))
    assert response.status_code == 400
    (found,) = fs.get(f"/connectionSpecs/{created['id']}").get_json()["items"]
    assert found == created


def test_spec_configs_list_source_params(fs):
    response = fs.get(f"/connectionSpecs/{AMAZON_S3}/configs")
    assert response.status_code == 200
    assert {"columnName": "path", "columnType": "string"} in response.get_json()["items"]
    assert {"columnName": "recursive", "columnType": "boolean"} in response.get_json()["items"]


def test_spec_explore_lists_what_explore_answers_carry(fs):
    response = fs.get(f"/connectionSpecs/{SERVICE_CLOUD}/explore")
    assert response.status_code == 200
    names = {item["columnName"] for item in response.get_json()["items"]}
    assert names == {"format", "schema", "data"}
    assert fs.get("/connectionSpecs/00000000-0000-4000-8000-000000000000/configs").status_code == 404
