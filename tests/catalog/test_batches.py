"""Catalog's own /batches, /lastBatches, /dataSetFiles and the batched root resource."""
from __future__ import annotations

import json

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import CATALOG, IMPORT, assert_error, make_dataset, member, ndjson, open_batch, state, upload
from tests.conftest import OTHER_ORG, gateway_headers

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


# -- datasetId, org and sandbox ---------------------------------------------------------------
def test_create_batch_with_a_dataset_id_relates_it(http, headers, dataset_id):
    response = http.post(BATCHES, headers=headers, json={"status": "loading", "datasetId": dataset_id})
    assert response.status_code == 201, response.json
    batch_id = response.json[0].rsplit("/", 1)[-1]
    found = http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]
    assert found["relatedObjects"] == [{"type": "dataSet", "id": dataset_id}] and "datasetId" not in found


@pytest.mark.parametrize("where", ["missing", "other org", "other sandbox"])
def test_a_batch_of_a_dataset_elsewhere_is_refused(http, headers, dataset_id, where):
    target = {"missing": headers, "other org": gateway_headers(org=OTHER_ORG),
              "other sandbox": gateway_headers(sandbox="dev")}[where]
    wanted = "0123456789abcdef01234567" if where == "missing" else dataset_id
    before = state(http)
    for body in ({"status": "loading", "datasetId": wanted},
                 {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": wanted}]}):
        assert_error(http.post(BATCHES, headers=target, json=body), 400)
        assert_error(http.post(f"{BATCHES}/chosen-{where[:5]}", headers=target, json=body), 400)
    assert_error(http.post(f"{IMPORT}/batches", headers=target,
                           json={"datasetId": wanted, "inputFormat": {"format": "json"}}), 400, helpers.INGEST_TYPE)
    assert state(http) == before


# -- every patchable object takes both PATCH forms (update-object.md) -------------------------
JSON_PATCH = "application/json-patch+json"


def test_json_patch_and_if_match_on_batches(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    version = http.get(f"{BATCHES}/{batch_id}", headers=headers).headers["ETag"]
    ops = [{"op": "add", "path": "/tags/reviewed", "value": ["yes"]}, {"op": "replace", "path": "/status", "value": "staged"}]
    patched = http.patch(f"{BATCHES}/{batch_id}", data=json.dumps(ops),
                         headers={**headers, "Content-Type": JSON_PATCH, "If-Match": version})
    assert patched.status_code == 200 and patched.json == [f"@/batches/{batch_id}"], patched.json
    current = http.get(f"{BATCHES}/{batch_id}", headers=headers)
    assert current.json[batch_id]["tags"]["reviewed"] == ["yes"] and current.json[batch_id]["status"] == "staged"
    assert current.headers["ETag"] == '"1.0.1"'
    assert http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]["lastBatchStatus"] == "staged"
    before = state(http)
    for body, extra in [(ops, {"If-Match": version}),  # stale now: 412
                        ([{"op": "replace", "path": "/id", "value": "x"}], {}),
                        ([{"op": "replace", "path": "/status", "value": "dancing"}], {}),
                        ([{"op": "add", "path": "/relatedObjects/-", "value": {"type": "dataSet", "id": "nope"}}], {}),
                        ([{"op": "remove", "path": "/nothing"}], {}), ({"status": "staged"}, {})]:
        response = http.patch(f"{BATCHES}/{batch_id}", data=json.dumps(body),
                              headers={**headers, "Content-Type": JSON_PATCH, **extra})
        assert_error(response, 412 if extra else 400)
    assert state(http) == before


def test_dataset_files_take_both_patch_forms(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "a.json", ndjson([member("f1", 1)]))
    http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    (file_id,) = http.get(f"{CATALOG}/dataSetFiles?batchId={batch_id}", headers=headers).json
    url = f"{CATALOG}/dataSetFiles/{file_id}"
    assert http.patch(url, headers=headers, json={"tags": {"checked": ["yes"]}}).json == [f"@/dataSetFiles/{file_id}"]
    ops = [{"op": "add", "path": "/tags/owner", "value": ["crew"]}]
    assert http.patch(url, data=json.dumps(ops), headers={**headers, "Content-Type": JSON_PATCH}).status_code == 200
    found = http.get(url, headers=headers).json[file_id]
    assert found["tags"] == {"checked": ["yes"], "owner": ["crew"]} and found["version"] == "1.0.2"
    assert found["records"] == 1 and found["sandboxId"]
    before = state(http)
    assert_error(http.patch(url, data=json.dumps([{"op": "replace", "path": "/records", "value": 9}]),
                            headers={**headers, "Content-Type": JSON_PATCH}), 400)
    assert_error(http.patch(url, headers=headers, json={"tags": {"bad": "not a list"}}), 400)
    assert_error(http.patch(url, headers={**headers, "If-Match": '"0.0.1"'}, json={"note": "x"}), 412)
    assert_error(http.patch(f"{CATALOG}/dataSetFiles/nope", headers=headers, json={"note": "x"}), 404)
    assert state(http) == before


# -- what a batch carries (CAT-2) -------------------------------------------------------------
def test_batches_carry_sandbox_id_and_ingestion_tags(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    found = http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]
    dataset = http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]
    assert found["sandboxId"] == dataset["sandboxId"] and found["externalId"] == batch_id
    assert found["tags"] == {"acp_producer": [headers["x-api-key"]],
                             "acp_stagePath": [f"{headers['x-api-key']}/stage/{batch_id}"]}
    assert found["inputFormat"] == {"format": "json"} and found["createdClient"] == headers["x-api-key"]
    failed = http.get(f"{BATCHES}?status=failed,loading&orderBy=desc:created&limit=10", headers=headers).json
    assert failed[batch_id]["sandboxId"] == dataset["sandboxId"]
    last = http.get(f"{CATALOG}/lastBatches", headers=headers).json[dataset_id]
    assert last["sandboxId"] == dataset["sandboxId"] and last["lastBatchId"] == batch_id


def test_last_batches_filters_orders_and_pages(http, headers, dataset_id):
    others = [make_dataset(http, helpers.make_schema(http), f"Harbour {n}") for n in range(3)]
    make_dataset(http, helpers.make_schema(http), "Never batched")
    batch_of = {d: open_batch(http, d) for d in [dataset_id, *others]}
    http.post(f"{IMPORT}/batches/{batch_of[others[0]]}?action=ABORT", headers=headers)
    everyone = [dataset_id, *others]
    assert list(http.get(f"{CATALOG}/lastBatches", headers=headers).json) == everyone
    assert list(http.get(f"{CATALOG}/lastBatches?orderBy=desc:created&limit=2", headers=headers).json) == \
        everyone[::-1][:2]
    assert list(http.get(f"{CATALOG}/lastBatches?dataSetId={others[1]},{dataset_id}", headers=headers).json) == \
        [dataset_id, others[1]]
    assert list(http.get(f"{CATALOG}/lastBatches?dataSetId=!{others[1]}&lastBatchStatus=loading",
                         headers=headers).json) == [dataset_id, others[2]]
    assert list(http.get(f"{CATALOG}/lastBatches?lastBatchStatus=aborted&start=0", headers=headers).json) == [others[0]]


# -- the batched root resource: bounded before it works ----------------------------------------
def test_batched_request_cap_is_checked_before_anything_else(http, headers):
    items = [{"id": n, "resource": 42, "method": ["not", "a", "method"]} for n in range(100_000)]
    refused = assert_error(http.post(f"{CATALOG}/", headers=headers, json=items), 400)
    assert "at most 100 sub-requests" in refused["detail"] and "sub-errors" not in refused["report"]
    assert_error(http.post(f"{CATALOG}/", headers=headers, json=[]), 400)


def test_batched_templates_are_bounded(http, headers, dataset_id):
    long_name = "x" * 1500
    items = [{"id": "ds", "resource": "/dataSets", "method": "POST",
              "body": {"name": long_name, "schemaRef": http.get(f"{CATALOG}/dataSets/{dataset_id}",
                                                               headers=headers).json[dataset_id]["schemaRef"]}},
             {"id": "look", "resource": "/dataSets/<<ds.id>>", "method": "GET"},
             {"id": "copy", "resource": "/dataSets/<<look.name>>", "method": "GET"},
             {"id": "many", "resource": "/dataSets/" + "<<ds.id>>" * 101, "method": "GET"}]
    answers = {a["id"]: a for a in http.post(f"{CATALOG}/", headers=headers, json=items).json}
    assert answers["look"]["code"] == 200 and answers["copy"]["code"] == 400 and answers["many"]["code"] == 400
    assert "longer than 1000" in answers["copy"]["body"]["detail"]


def test_batched_patch_sub_requests_on_every_object(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    items = [{"id": "b", "resource": f"/batches/{batch_id}", "method": "PATCH", "body": {"tags": {"x": ["1"]}}},
             {"id": "d", "resource": f"/dataSets/{dataset_id}", "method": "PATCH", "body": {"description": "sub"}},
             {"id": "files", "resource": f"/dataSetFiles?dataSetId={dataset_id}", "method": "GET"}]
    answers = {a["id"]: a for a in http.post(f"{CATALOG}/", headers=headers, json=items).json}
    assert [answers[k]["code"] for k in "bd"] == [200, 200] and answers["files"]["body"] == {}
    assert http.get(f"{BATCHES}/{batch_id}", headers=headers).json[batch_id]["tags"]["x"] == ["1"]
