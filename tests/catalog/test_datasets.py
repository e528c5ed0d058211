"""Catalog datasets over HTTP: create, look up, list, replace, patch (merge, JSON Patch, v2), delete."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import CATALOG, XED, assert_error, make_dataset, state
from tests.conftest import OTHER_ORG, gateway_headers

DATASETS = f"{CATALOG}/dataSets"


@pytest.fixture
def schema_id(http):
    return helpers.make_schema(http)


def test_create_answers_201_with_reference_and_location(http, headers, schema_id):
    response = http.post(f"{DATASETS}?requestDataSource=true", headers=headers,
                         json={"name": "Harbour members", "schemaRef": {"id": schema_id, "contentType": XED}})
    assert response.status_code == 201
    (ref,) = response.json
    assert re.fullmatch(r"@/dataSets/[0-9a-f]{24}", ref)
    assert response.headers["Location"].endswith(ref[1:])
    dataset_id = ref.rsplit("/", 1)[-1]
    found = http.get(f"{DATASETS}/{dataset_id}", headers=headers)
    assert found.status_code == 200
    assert list(found.json) == [dataset_id]
    dataset = found.json[dataset_id]
    assert dataset["name"] == "Harbour members"
    assert dataset["schemaRef"] == {"id": schema_id, "contentType": XED}
    assert dataset["version"] == "1.0.0" and dataset["imsOrg"] == headers["x-gw-ims-org-id"]
    assert isinstance(dataset["created"], int) and dataset["created"] == dataset["updated"]
    assert dataset["createdClient"] == headers["x-api-key"] and dataset["createdUser"] == dataset["updatedUser"]
    assert dataset["files"] == f"@/dataSetFiles?dataSetId={dataset_id}"
    assert dataset["state"] == "DRAFT" and re.fullmatch(r"[0-9a-f]{24}", dataset["viewId"])
    assert found.headers["ETag"] == '"1.0.0"'
    # CAT-1/CAT-2: what aepp (and the docs' examples) read on every dataset
    assert dataset["tags"] == {"adobe/pqs/table": ["harbour_members"]}
    assert dataset["classification"] == {"dataBehavior": "record", "managedBy": "CUSTOMER"}
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", dataset["sandboxId"])
    assert dataset["basePath"].endswith(dataset_id) and dataset["fileDescription"]["format"] == "parquet"
    assert isinstance(dataset["dataSourceId"], int)  # ?requestDataSource=true (create-dataset.md)
    listed = http.get(DATASETS, headers=headers).json[dataset_id]
    assert listed == dataset


def test_sandbox_id_is_the_one_flow_service_items_carry(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Sandboxed")
    connection = http.post("/data/foundation/flowservice/connections", headers=headers, json={
        "name": "Lake", "connectionSpec": {"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"}})
    assert connection.status_code == 201, connection.get_data(as_text=True)
    item = http.get(f"/data/foundation/flowservice/connections/{connection.json['id']}", headers=headers).json
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["sandboxId"] == item["items"][0]["sandboxId"]
    other = http.get(f"{DATASETS}/{make_dataset(http, helpers.make_schema(http, sandbox='dev'), 'Dev', sandbox='dev')}",
                     headers=gateway_headers(sandbox="dev"))
    assert next(iter(other.json.values()))["sandboxId"] != dataset["sandboxId"]


def test_table_names_are_unique_and_kept(http, headers, schema_id):
    first = make_dataset(http, schema_id, "Harbour Members!")
    second = make_dataset(http, schema_id, "harbour members")
    tables = [http.get(f"{DATASETS}/{i}", headers=headers).json[i]["tags"]["adobe/pqs/table"] for i in (first, second)]
    assert tables == [["harbour_members"], ["harbour_members_1"]]
    # a write that leaves the tag (or classification) out does not drop it
    http.patch(f"{DATASETS}/{first}", headers=headers, json={"tags": {"harbour": ["north"]}})
    http.put(f"{DATASETS}/{second}", headers=headers,
             json={"name": "Renamed", "schemaRef": {"id": schema_id, "contentType": XED}})
    for dataset_id, table in ((first, "harbour_members"), (second, "harbour_members_1")):
        dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
        assert dataset["tags"]["adobe/pqs/table"] == [table] and dataset["classification"]["managedBy"] == "CUSTOMER"
    assert http.get(f"{DATASETS}/{first}", headers=headers).json[first]["tags"]["harbour"] == ["north"]


def test_a_user_table_name_and_classification_are_taken(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Own table", tags={"adobe/pqs/table": ["my_table"]})
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["tags"]["adobe/pqs/table"] == ["my_table"]
    patched = http.patch(f"{CATALOG}/v2/dataSets/{dataset_id}", headers=headers,
                         json={"classification": {"dataBehavior": "record", "managedBy": "SYSTEM"}})
    assert patched.status_code == 200
    assert http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]["classification"]["managedBy"] == "SYSTEM"
    wrong = http.patch(f"{CATALOG}/v2/dataSets/{dataset_id}", headers=headers,
                       json={"classification": {"dataBehavior": "record", "managedBy": "NOBODY"}})
    assert_error(wrong, 400)


@pytest.mark.parametrize("content_type", [
    "application/vnd.adobe.xed+json;version=1", "application/vnd.adobe.xed-full+json;version=1",
    "application/vnd.adobe.xed-full+json;version=1.0", "application/vnd.adobe.xed-full-notext+json; version=1"])
def test_schema_content_type_variants_of_version_1_are_accepted(http, headers, schema_id, content_type):
    response = http.post(DATASETS, headers=headers, json={"name": "v", "schemaRef": {"id": schema_id,
                                                                                    "contentType": content_type}})
    assert response.status_code == 201


@pytest.mark.parametrize("body, words", [
    ({"name": "no schema"}, "schemaRef"),
    ({"name": "bad ref", "schemaRef": {"id": "https://ns.adobe.com/nobody/schemas/0000", "contentType": XED}},
     "does not name a schema"),
    ({"name": "bad type", "schemaRef": {"id": "SCHEMA", "contentType": "application/json"}}, "contentType"),
    ({"name": "v2", "schemaRef": {"id": "SCHEMA", "contentType": "application/vnd.adobe.xed+json;version=2"}},
     "contentType"),
    ({"name": 12, "schemaRef": {"id": "SCHEMA", "contentType": XED}}, "not of type"),
    ({"name": "link", "files": "@/dataSetFiles", "schemaRef": {"id": "SCHEMA", "contentType": XED}}, "interrelated"),
])
def test_refused_creations_are_400_and_change_nothing(http, headers, schema_id, body, words):
    if isinstance(body.get("schemaRef"), dict) and body["schemaRef"]["id"] == "SCHEMA":
        body["schemaRef"]["id"] = schema_id
    before = state(http)
    response = http.post(DATASETS, headers=headers, json=body)
    assert words in assert_error(response, 400)["detail"]
    assert state(http) == before


def test_schema_of_another_org_does_not_resolve(http, schema_id):
    response = http.post(DATASETS, headers=gateway_headers(org=OTHER_ORG),
                         json={"name": "elsewhere", "schemaRef": {"id": schema_id, "contentType": XED}})
    assert_error(response, 400)


def test_unknown_dataset_is_404_in_catalog_shape(http, headers):
    for method in ("get", "put", "patch", "delete"):
        kwargs = {"json": {"name": "x"}} if method in ("put", "patch") else {}
        response = getattr(http, method)(f"{DATASETS}/0123456789abcdef01234567", headers=headers, **kwargs)
        assert_error(response, 404)


def test_list_is_a_map_keyed_by_id_with_properties(http, headers, schema_id):
    first = make_dataset(http, schema_id, "Dockside", description="boats")
    second = make_dataset(http, schema_id, "Lighthouse")
    listed = http.get(f"{DATASETS}?properties=name,description", headers=headers)
    assert listed.status_code == 200
    assert listed.json == {first: {"name": "Dockside", "description": "boats"}, second: {"name": "Lighthouse"}}
    nothing = http.get(f"{DATASETS}?properties=noSuchField", headers=headers)
    assert nothing.json == {first: {}, second: {}}
    one = http.get(f"{DATASETS}/{first}?properties=name", headers=headers)
    assert one.json == {first: {"name": "Dockside"}}


def test_patch_merge_changes_only_given_fields_and_bumps_version(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Old name", description="kept")
    response = http.patch(f"{DATASETS}/{dataset_id}", headers=headers, json={"name": "New name"})
    assert response.status_code == 200 and response.json == [f"@/dataSets/{dataset_id}"]
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["name"] == "New name" and dataset["description"] == "kept" and dataset["version"] == "1.0.1"


def test_json_patch_applies_operations(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Patched")
    ops = [{"op": "add", "path": "/description", "value": "quay side"},
           {"op": "add", "path": "/tags/harbour", "value": ["north"]}]
    response = http.patch(f"{DATASETS}/{dataset_id}", data=__import__("json").dumps(ops),
                          headers={**headers, "Content-Type": "application/json-patch+json"})
    assert response.status_code == 200, response.json
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["description"] == "quay side"
    assert dataset["tags"] == {"adobe/pqs/table": ["patched"], "harbour": ["north"]}


@pytest.mark.parametrize("ops", [
    [{"op": "replace", "path": "/files", "value": "@/elsewhere"}],
    [{"op": "replace", "path": "/created", "value": 1}],
    [{"op": "remove", "path": "/nothing/here"}],
    [{"op": "test", "path": "/name", "value": "not the name"}],
    [{"op": "replace", "path": "/name", "value": 5}],
    {"name": "an object is not a JSON Patch"},
])
def test_refused_json_patches_change_nothing(http, headers, schema_id, ops):
    dataset_id = make_dataset(http, schema_id, "Guarded")
    before = state(http)
    response = http.patch(f"{DATASETS}/{dataset_id}", data=__import__("json").dumps(ops),
                          headers={**headers, "Content-Type": "application/json-patch+json"})
    assert_error(response, 400)
    assert state(http) == before


def test_merge_patch_cannot_touch_interrelated_field(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Linked")
    response = http.patch(f"{DATASETS}/{dataset_id}", headers=headers, json={"files": "something"})
    assert "interrelated" in assert_error(response, 400)["detail"]


def test_if_match_mismatch_is_412(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Versioned")
    stale = http.patch(f"{DATASETS}/{dataset_id}", headers={**headers, "If-Match": '"0.9.9"'}, json={"name": "x"})
    assert_error(stale, 412)
    fresh = http.patch(f"{DATASETS}/{dataset_id}", headers={**headers, "If-Match": '"1.0.0"'}, json={"name": "y"})
    assert fresh.status_code == 200
    updated = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]["updated"]
    by_time = http.put(f"{DATASETS}/{dataset_id}", headers={**headers, "If-Match": str(updated)},
                       json={"name": "z", "schemaRef": {"id": schema_id, "contentType": XED}})
    assert by_time.status_code == 200  # catalog.yaml: the If-Match value is the `updated` time
    assert_error(http.put(f"{DATASETS}/{dataset_id}", headers={**headers, "If-Match": '"1.0.1"'},
                          json={"name": "w", "schemaRef": {"id": schema_id, "contentType": XED}}), 412)


def test_v2_patch_merges_nested_fields(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Deep", tags={"keep": ["me"]})
    body = {"extensions": {"adobe_lakeHouse": {"rowExpiration": {"ttlValue": "P30D"}}},
            "tags": {"adobe/pqs/table": ["harbour_members"]}}
    response = http.patch(f"{CATALOG}/v2/dataSets/{dataset_id}", headers=headers, json=body)
    assert response.status_code == 200 and response.json == [f"@/dataSets/{dataset_id}"]
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["extensions"]["adobe_lakeHouse"]["rowExpiration"]["ttlValue"] == "P30D"
    assert dataset["tags"] == {"keep": ["me"], "adobe/pqs/table": ["harbour_members"]}


def test_put_replaces_client_fields_and_keeps_system_fields(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Replace me", description="gone soon")
    created = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    response = http.put(f"{DATASETS}/{dataset_id}", headers=headers,
                        json={"name": "Replaced", "schemaRef": {"id": schema_id, "contentType": XED}})
    assert response.status_code == 200
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["name"] == "Replaced" and "description" not in dataset
    assert dataset["created"] == created["created"] and dataset["files"] == created["files"]


def test_delete_then_404(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Short lived")
    response = http.delete(f"{DATASETS}/{dataset_id}", headers=headers)
    assert response.status_code == 200 and response.json == [f"@/dataSets/{dataset_id}"]
    assert_error(http.get(f"{DATASETS}/{dataset_id}", headers=headers), 404)


def test_datasets_are_partitioned_by_sandbox(http, schema_id):
    dataset_id = make_dataset(http, schema_id, "Prod only")
    response = http.get(f"{DATASETS}/{dataset_id}", headers=gateway_headers(sandbox="dev"))
    assert_error(response, 404)


def test_credentials_of_a_dataset(http, headers, schema_id):
    dataset_id = make_dataset(http, schema_id, "Creds")
    response = http.get(f"{DATASETS}/{dataset_id}/credentials?batchId=abc", headers=headers)
    assert response.status_code == 200
    assert response.json["dataSetId"] == dataset_id and response.json["stagePath"].endswith("/abc")
    assert_error(http.get(f"{DATASETS}/ffffffffffffffffffffffff/credentials", headers=headers), 404)


def test_tags_aggregate_values_and_holders(http, headers, schema_id):
    first = make_dataset(http, schema_id, "A", tags={"harbour": ["north", "east"]})
    make_dataset(http, schema_id, "B", tags={"harbour": ["east"]})
    make_dataset(http, schema_id, "C")
    response = http.get(f"{CATALOG}/tags/harbour", headers=headers)
    assert response.status_code == 200
    assert response.json["harbour"] == ["north", "east"]
    assert len(response.json["objectType"]["dataSets"]) == 2 and f"@/dataSets/{first}" in response.json["objectType"]["dataSets"]
    assert_error(http.get(f"{CATALOG}/tags/nobody", headers=headers), 404)


def test_pragma_validate_only_checks_without_persisting(http, headers, schema_id):
    before = state(http)
    body = {"name": "Dry run", "schemaRef": {"id": schema_id, "contentType": XED}}
    checked = http.post(DATASETS, headers={**headers, "Pragma": "validate-only"}, json=body)
    assert checked.status_code == 201
    assert state(http) == before
    assert http.get(DATASETS, headers=headers).json == {}
    refused = http.post(DATASETS, headers={**headers, "Pragma": "validate-only"}, json={"name": "no schema"})
    assert_error(refused, 400)
    assert http.post(DATASETS, headers=headers, json=body).status_code == 201  # the journal is off again
    assert len(http.get(DATASETS, headers=headers).json) == 1


PROFILE_UNION = "https://ns.adobe.com/xdm/context/profile__union"


def test_a_dataset_on_the_profile_union_once_a_union_exists(http, headers, schema_id):
    """CAT-3: Profile export datasets are made on the union (data-prep mapping-set.md uses the
    union as a schemaRef too); without a union-enabled profile schema there is no union."""
    body = {"name": "Profile Data Export", "schemaRef": {"id": PROFILE_UNION, "contentType": XED}}
    before = state(http)
    assert "does not name a schema" in assert_error(http.post(DATASETS, headers=headers, json=body), 400)["detail"]
    assert state(http) == before
    schema_headers = {**headers, "Accept": "application/vnd.adobe.xed+json"}
    tenant = next(iter(helpers.member("x")))
    descriptor = {"@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema_id, "xdm:sourceVersion": 1,
                  "xdm:sourceProperty": f"/{tenant}/member/memberId", "xdm:namespace": "Email", "xdm:property": "xdm:code",
                  "xdm:isPrimary": True}
    made = http.post(f"{helpers.REGISTRY}/tenant/descriptors", headers=schema_headers, json=descriptor)
    assert made.status_code == 201, made.json
    enabled = http.patch(f"{helpers.REGISTRY}/tenant/schemas/{quote(schema_id, safe='')}", headers=schema_headers,
                         json=[{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert enabled.status_code == 200, enabled.json
    created = http.post(DATASETS, headers=headers, json=body)
    assert created.status_code == 201, created.json
    dataset_id = created.json[0].rsplit("/", 1)[-1]
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["schemaRef"]["id"] == PROFILE_UNION and dataset["classification"]["dataBehavior"] == "record"


def test_a_class_or_field_group_is_not_a_dataset_schema(http, headers):
    for ref in ("https://ns.adobe.com/xdm/context/profile", "https://ns.adobe.com/xdm/context/profile-person-details"):
        response = http.post(DATASETS, headers=headers, json={"name": "no", "schemaRef": {"id": ref, "contentType": XED}})
        assert "not a schema" in assert_error(response, 400)["detail"]


def test_experience_event_datasets_are_time_series(http, headers):
    created = http.post(f"{helpers.REGISTRY}/tenant/schemas", headers={**headers, "Accept": "application/vnd.adobe.xed+json"},
                        json={"title": "Harbour visits", "description": "d", "type": "object",
                              "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/experienceevent"}]})
    assert created.status_code == 201, created.json
    dataset_id = make_dataset(http, created.json["$id"], "Visits")
    dataset = http.get(f"{DATASETS}/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["classification"] == {"dataBehavior": "time-series", "managedBy": "CUSTOMER"}
