"""Catalog's own /batches, /lastBatches, /dataSetFiles and the batched root resource."""
from __future__ import annotations

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import CATALOG, IMPORT, assert_error, make_dataset, member, ndjson, open_batch, state, upload

BATCHES = f"{CATALOG}/batches"


@pytest.fixture
def dataset_id(http):
    return make_dataset(http, helpers.make_schema(http), "Harbour members")


def test_create_batch_in_catalog(http, headers, dataset_id):
    body = {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": dataset_id}], "tags": {"crew": ["a"]}}
    response = http.post(BATCHES, headers=headers, json=body)
    assert response.status_code == 201
    (ref,) = response.json
    batch_id = ref.rsplit("/", 1)[-1]
    assert ref == f"@/batches/{batch_id}" and response.headers["Location"].endswith(ref[1:])
    found = http.get(f"{BATCHES}/{batch_id}?aggregate=true", headers=headers).json[batch_id]
    assert found["status"] == "loading" and found["tags"] == {"crew": ["a"]}
    assert found["relatedObjects"] == [{"type": "dataSet", "id": dataset_id}]


def test_create_with_id_then_conflict(http, headers, dataset_id):
    body = {"status": "queued", "relatedObjects": [{"type": "dataSet", "id": dataset_id}]}
    assert http.post(f"{BATCHES}/my-batch-1", headers=headers, json=body).status_code == 201
    before = state(http)
    assert_error(http.post(f"{BATCHES}/my-batch-1", headers=headers, json=body), 409)
    assert state(http) == before


@pytest.mark.parametrize("body", [{}, {"status": "dancing"},
                                  {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": "nope"}]}])
def test_refused_batch_bodies(http, headers, body):
    before = state(http)
    assert_error(http.post(BATCHES, headers=headers, json=body), 400)
    assert state(http) == before


def test_put_patch_delete_batch(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    patched = http.patch(f"{BATCHES}/{batch_id}", headers=headers, json={"tags": {"reviewed": ["yes"]}})
    assert patched.status_code == 200 and patched.json == [f"@/batches/{batch_id}"]
    current = http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]
    assert current["tags"] == {"reviewed": ["yes"]} and current["status"] == "loading"
    assert http.put(f"{BATCHES}/{batch_id}", headers=headers, json={"status": "staged"}).status_code == 200
    current = http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]
    assert current["status"] == "staged" and "tags" not in current and current["id"] == batch_id
    assert http.delete(f"{BATCHES}/{batch_id}", headers=headers).json == [f"@/batches/{batch_id}"]
    assert_error(http.get(f"{BATCHES}/{batch_id}", headers=headers), 404)
    assert_error(http.patch(f"{BATCHES}/{batch_id}", headers=headers, json={}), 404)


def test_created_after_and_before(http, app, headers, dataset_id):
    first = open_batch(http, dataset_id)
    created = http.get(f"{BATCHES}/{first}", headers=headers).json[first]["created"]
    assert first in http.get(f"{BATCHES}?createdAfter={created - 1}", headers=headers).json
    assert first not in http.get(f"{BATCHES}?createdAfter={created}", headers=headers).json
    assert first in http.get(f"{BATCHES}?createdBefore={created + 1}", headers=headers).json
    assert_error(http.get(f"{BATCHES}?createdBefore=yesterday", headers=headers), 400)


def test_dataset_files_count_ingested_rows(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "a.json", ndjson([member("f1", 1), member("f2", 2)]))
    upload(http, batch_id, dataset_id, "b.json", ndjson([member("f3", 3)]))
    http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    dataset = http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]
    files = http.get(f"{CATALOG}{dataset['files'][1:]}", headers=headers)  # follow the @ link
    assert files.status_code == 200
    assert sorted((f["name"], f["records"]) for f in files.json.values()) == [("a.json", 2), ("b.json", 1)]
    one_id = next(iter(files.json))
    assert http.get(f"{CATALOG}/dataSetFiles/{one_id}", headers=headers).json[one_id]["batchId"] == batch_id
    assert_error(http.get(f"{CATALOG}/dataSetFiles/none", headers=headers), 404)


def test_root_resource_lists_collections(http, headers):
    response = http.get(f"{CATALOG}/", headers=headers)
    assert response.status_code == 200 and response.json["dataSet"] == "@/dataSets"


def test_batched_request_with_templates(http, headers):
    schema_id = helpers.make_schema(http)
    items = [
        {"id": "ds", "resource": "/dataSets", "method": "post",
         "body": {"name": "From batch", "schemaRef": {"id": schema_id, "contentType": helpers.XED}}},
        {"id": "b", "resource": "/batches", "method": "post",
         "body": {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": "<<ds.id>>"}]}},
        {"id": "look", "resource": "/dataSets/<<ds.id>>?properties=name", "method": "get"},
        {"id": "missing", "resource": "/dataSets/000000000000000000000000", "method": "get"},
    ]
    response = http.post(f"{CATALOG}/", headers=headers, json=items)
    assert response.status_code == 200
    answers = {a["id"]: a for a in response.json}
    dataset_id = answers["ds"]["body"][0].rsplit("/", 1)[-1]
    assert answers["ds"]["code"] == 200 and answers["b"]["code"] == 200
    assert answers["look"]["body"] == {dataset_id: {"name": "From batch"}}
    assert answers["missing"]["code"] == 404 and answers["missing"]["body"]["status"] == 404
    batch_id = answers["b"]["body"][0].rsplit("/", 1)[-1]
    batch = http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]
    assert batch["relatedObjects"] == [{"type": "dataSet", "id": dataset_id}]


def test_batched_request_reverts_all_writes_when_one_fails(http, headers):
    schema_id = helpers.make_schema(http)
    before = state(http)
    items = [
        {"id": "ok", "resource": "/dataSets", "method": "POST",
         "body": {"name": "Doomed", "schemaRef": {"id": schema_id, "contentType": helpers.XED}}},
        {"id": "bad", "resource": "/dataSets", "method": "POST", "body": {"name": "No schema"}},
        {"id": "never", "resource": "/dataSets", "method": "POST",
         "body": {"name": "Never", "schemaRef": {"id": schema_id, "contentType": helpers.XED}}},
    ]
    response = http.post(f"{CATALOG}/", headers=headers, json=items)
    assert response.status_code == 200
    assert [a["code"] for a in response.json] == [200, 400]
    assert state(http) == before


def test_batched_request_refuses_a_non_array(http, headers):
    assert_error(http.post(f"{CATALOG}/", headers=headers, json={"id": "x"}), 400)


def test_client_chosen_batch_id_is_percent_encoded_in_location(http, headers, dataset_id):
    body = {"status": "queued", "relatedObjects": [{"type": "dataSet", "id": dataset_id}]}
    response = http.post(f"{BATCHES}/line%0Abreak", headers=headers, json=body)
    assert response.status_code == 201 and response.headers["Location"].endswith("/batches/line%0Abreak")
    assert http.get(f"{BATCHES}/line%0Abreak", headers=headers).status_code == 200


def test_batch_filters_uniques_and_last_batches(http, headers, dataset_id):
    other = make_dataset(http, helpers.make_schema(http), "Second harbour")
    first, second, third = open_batch(http, dataset_id), open_batch(http, dataset_id), open_batch(http, other)
    upload(http, second, dataset_id, "m.json", ndjson([member("u1", 1)]))
    http.post(f"{IMPORT}/batches/{second}?action=COMPLETE", headers=headers)
    assert list(http.get(f"{BATCHES}?batch={first},{third}", headers=headers).json) == [first, third]
    assert list(http.get(f"{BATCHES}?dataSet=!{dataset_id}", headers=headers).json) == [third]
    assert list(http.get(f"{BATCHES}?dataSet={dataset_id}&status=success", headers=headers).json) == [second]
    assert http.get(f"{BATCHES}/uniques/status?dataSet={dataset_id}", headers=headers).json == ["loading", "success"]
    assert http.get(f"{BATCHES}/uniques/status?limit=1", headers=headers).json == ["loading"]
    last = http.get(f"{CATALOG}/lastBatches", headers=headers).json
    assert last[dataset_id]["lastBatchId"] == second and last[dataset_id]["lastSuccessfulBatchId"] == second
    assert last[other]["lastBatchStatus"] == "loading" and "lastSuccessfulBatchId" not in last[other]
    only = http.get(f"{CATALOG}/lastBatches?lastBatchStatus=success&properties=lastBatchId", headers=headers).json
    assert only == {dataset_id: {"lastBatchId": second}}
