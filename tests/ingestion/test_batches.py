"""Batch Ingestion over HTTP: batches, uploads (whole and in parts), actions, preview, lifecycle."""
from __future__ import annotations

import json
import re

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import (CATALOG, IMPORT, INGEST_TYPE, assert_error, batch, make_dataset, member,
                                   ndjson, open_batch, state, upload)
from tests.conftest import gateway_headers

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@pytest.fixture
def dataset_id(http):
    return make_dataset(http, helpers.make_schema(http), "Harbour members")


def test_create_batch_answers_201_loading(http, headers, dataset_id):
    response = http.post(f"{IMPORT}/batches", headers=headers,
                         json={"datasetId": dataset_id, "inputFormat": {"format": "json"}})
    assert response.status_code == 201
    body = response.json
    assert ULID.match(body["id"]) and body["status"] == "loading"
    assert body["relatedObjects"] == [{"type": "dataSet", "id": dataset_id}]
    assert body["version"] == "1.0.0" and body["imsOrg"] == headers["x-gw-ims-org-id"]
    assert body["createdUser"] == body["updatedUser"] and body["inputFormat"] == {"format": "json"}
    assert batch(http, body["id"])["status"] == "loading"  # visible in Catalog
    dataset = http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["lastBatchId"] == body["id"] and dataset["lastBatchStatus"] == "loading"


@pytest.mark.parametrize("fmt", ["JSON", "Parquet", "csv", "json"])
def test_format_spelling_is_case_insensitive(http, headers, dataset_id, fmt):
    response = http.post(f"{IMPORT}/batches", headers=headers, json={"datasetId": dataset_id, "inputFormat": {"format": fmt}})
    assert response.status_code == 201 and response.json["inputFormat"]["format"] == fmt.lower()


@pytest.mark.parametrize("body", [
    {"inputFormat": {"format": "json"}},
    {"datasetId": "DATASET"},
    {"datasetId": "DATASET", "inputFormat": {"format": "xml"}},
    {"datasetId": "0123456789abcdef01234567", "inputFormat": {"format": "json"}},
    {"datasetId": "DATASET", "inputFormat": {"format": "json"}, "replay": {"predecessors": ["01NOPE"], "reason": "x"}},
    [],
])
def test_refused_batches_are_400_and_change_nothing(http, headers, dataset_id, body):
    if isinstance(body, dict) and body.get("datasetId") == "DATASET":
        body["datasetId"] = dataset_id
    before = state(http)
    assert_error(http.post(f"{IMPORT}/batches", headers=headers, json=body), 400, INGEST_TYPE)
    assert state(http) == before


def test_ingest_json_lines_to_success_with_metrics(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    rows = [member("m1", 10, "gold"), member("m2", 0), member("m3", tier="bronze")]
    assert upload(http, batch_id, dataset_id, "members.json", ndjson(rows)).status_code == 200
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    assert done.status_code == 200
    settled = batch(http, batch_id)
    assert settled["status"] == "success" and settled["errors"] == []
    assert settled["metrics"]["recordsRead"] == 3 and settled["metrics"]["recordsWritten"] == 3
    assert settled["recordCount"] == 3 and settled["failedRecordCount"] == 0
    assert settled["started"] <= settled["completed"]
    dataset = http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["lastBatchStatus"] == "success" and dataset["lastSuccessfulBatch"] == batch_id


def test_multiline_json_array_and_csv(http, headers, dataset_id):
    array_batch = open_batch(http, dataset_id, inputFormat={"format": "json", "isMultiLineJson": True})
    upload(http, array_batch, dataset_id, "a.json", json.dumps([member("a1", 1), member("a2", 2)], indent=2))
    http.post(f"{IMPORT}/batches/{array_batch}?action=complete", headers=headers)
    assert batch(http, array_batch)["metrics"]["recordsWritten"] == 2
    tenant = next(iter(member("x")))
    csv_batch = open_batch(http, dataset_id, "csv")
    csv_text = (f"{tenant}.member.memberId,{tenant}.member.points,{tenant}.member.tier\n"
                "c1,5,silver\nc2,seven,gold\nc3,,\n")
    upload(http, csv_batch, dataset_id, "members.csv", csv_text)
    http.post(f"{IMPORT}/batches/{csv_batch}?action=COMPLETE", headers=headers)
    settled = batch(http, csv_batch)
    assert settled["status"] == "success"
    assert settled["metrics"]["recordsWritten"] == 2 and settled["failedRecordCount"] == 1
    assert settled["errors"][0]["rows"] == ["3"]


def test_empty_file_fails_the_batch_with_code_106(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "empty.json", "  \n")
    http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    settled = batch(http, batch_id)
    assert settled["status"] == "failed" and settled["errors"][0]["code"] == "106"
    assert settled["metrics"]["recordsWritten"] == 0
    dataset = http.get(f"{CATALOG}/dataSets/{dataset_id}", headers=headers).json[dataset_id]
    assert dataset["lastFailedBatch"] == batch_id


def test_upload_refusals(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    other = make_dataset(http, helpers.make_schema(http), "Other")
    assert_error(upload(http, "01UNKNOWNBATCH0000000000000", dataset_id, "f.json", "{}"), 404, INGEST_TYPE)
    assert_error(upload(http, batch_id, other, "f.json", "{}"), 404, INGEST_TYPE)
    wrong_type = http.put(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/f.json", data=b"{}",
                          headers={**headers, "Content-Type": "text/plain"})
    assert_error(wrong_type, 415, INGEST_TYPE)
    http.post(f"{IMPORT}/batches/{batch_id}?action=ABORT", headers=headers)
    assert_error(upload(http, batch_id, dataset_id, "late.json", "{}"), 400, INGEST_TYPE)


def test_large_file_in_parts(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    path = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/big/part.json"
    data = ndjson([member(f"p{n}", n) for n in range(30)]).encode()
    init = http.post(f"{path}?action=INITIALIZE", headers=headers)
    assert init.status_code == 201 and init.json == {"name": "big/part.json", "sizeInBytes": 0}
    cut = len(data) // 2
    octet = {**headers, "Content-Type": "application/octet-stream"}
    second = http.patch(path, data=data[cut:], headers={**octet, "Content-Range": f"bytes {cut}-{len(data) - 1}"})
    assert second.status_code == 200 and second.headers["Range"] == f"bytes={cut}-{len(data) - 1}"
    assert_error(http.post(f"{path}?action=COMPLETE", headers=headers), 400, INGEST_TYPE)  # first part missing
    mismatch = http.patch(path, data=data[:cut], headers={**octet, "Content-Range": f"bytes 0-{cut}"})
    assert_error(mismatch, 400, INGEST_TYPE)
    assert_error(http.patch(path, data=data[:cut], headers=octet), 400, INGEST_TYPE)  # no Content-Range
    http.patch(path, data=data[:cut], headers={**octet, "Content-Range": f"bytes 0-{cut - 1}"})
    retried = http.patch(path, data=data[:cut], headers={**octet, "Content-Range": f"bytes 0-{cut - 1}"})
    assert retried.status_code == 200 and retried.json["sizeInBytes"] == len(data)  # a retry replaces its part
    head = http.head(path, headers=headers)
    assert head.status_code == 200 and head.headers["Range"] == f"bytes=0-{cut - 1},{cut}-{len(data) - 1}"
    done = http.post(f"{path}?action=COMPLETE", headers=headers)
    assert done.status_code == 201 and done.json["sizeInBytes"] == len(data)
    http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    assert batch(http, batch_id)["metrics"]["recordsWritten"] == 30


def test_overlapping_parts_are_400(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    path = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/o.json"
    http.post(f"{path}?action=INITIALIZE", headers=headers)
    octet = {**headers, "Content-Type": "application/octet-stream"}
    http.patch(path, data=b"0123456789", headers={**octet, "Content-Range": "bytes 0-9"})
    http.patch(path, data=b"56789abcde", headers={**octet, "Content-Range": "bytes 5-14"})
    assert "overlapping" in assert_error(http.post(f"{path}?action=COMPLETE", headers=headers), 400, INGEST_TYPE)["detail"]


def test_head_of_unknown_file_is_404(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    response = http.head(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/none.json", headers=headers)
    assert response.status_code == 404


def test_batch_actions_follow_the_lifecycle(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    assert_error(http.post(f"{IMPORT}/batches/{batch_id}?action=REVERT", headers=headers), 400, INGEST_TYPE)
    assert_error(http.post(f"{IMPORT}/batches/{batch_id}?action=DANCE", headers=headers), 400, INGEST_TYPE)
    assert_error(http.post(f"{IMPORT}/batches/{batch_id}", headers=headers), 400, INGEST_TYPE)
    upload(http, batch_id, dataset_id, "m.json", ndjson([member("r1", 1)]))
    first = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    again = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)  # safe to retry
    assert first.status_code == again.status_code == 200 and again.json["status"] == "success"
    assert_error(http.post(f"{IMPORT}/batches/{batch_id}?action=ABORT", headers=headers), 400, INGEST_TYPE)
    reverted = http.post(f"{IMPORT}/batches/{batch_id}?action=REVERT", headers=headers)
    assert reverted.status_code == 200 and batch(http, batch_id)["status"] == "inactive"
    aborted = open_batch(http, dataset_id)
    assert http.post(f"{IMPORT}/batches/{aborted}?action=ABORT", headers=headers).json["status"] == "aborted"
    assert_error(http.post(f"{IMPORT}/batches/{aborted}?action=COMPLETE", headers=headers), 400, INGEST_TYPE)
    failed = open_batch(http, dataset_id)
    assert http.post(f"{IMPORT}/batches/{failed}?action=FAIL", headers=headers).json["status"] == "failed"
    assert_error(http.post(f"{IMPORT}/batches/01UNKNOWNBATCH0000000000000?action=COMPLETE", headers=headers),
                 404, INGEST_TYPE)


def test_preview_flattens_rows_into_columns(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "p.json", ndjson([member("v1", 3), member("v2", tier="gold")]))
    response = http.get(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview?format=json", headers=headers)
    assert response.status_code == 200
    columns = {c["name"]: c["cid"] for c in response.json["preview"]["columns"]}
    tenant = next(iter(member("x")))
    rows = response.json["preview"]["rows"]
    assert len(rows) == 2 and rows[0][columns[f"{tenant}.member.memberId"]] == "v1"
    assert rows[1][columns[f"{tenant}.member.tier"]] == "gold"
    one = http.get(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview?format=json&nrow=1", headers=headers)
    assert len(one.json["preview"]["rows"]) == 1
    assert_error(http.get(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview", headers=headers),
                 400, INGEST_TYPE)


def test_url_longer_than_2000_characters_is_414(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    response = http.head(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/{'x' * 2100}", headers=headers)
    assert response.status_code == 414


def test_catalog_lists_batches_of_a_dataset(http, headers, dataset_id):
    first, second = open_batch(http, dataset_id), open_batch(http, dataset_id)
    listed = http.get(f"{CATALOG}/batches?dataSet={dataset_id}", headers=headers)
    assert list(listed.json) == [first, second]
    http.post(f"{IMPORT}/batches/{first}?action=ABORT", headers=headers)
    assert list(http.get(f"{CATALOG}/batches?status=loading", headers=headers).json) == [second]
    assert http.get(f"{CATALOG}/batches/uniques/status", headers=headers).json == ["aborted", "loading"]
    last = http.get(f"{CATALOG}/lastBatches?dataSetId={dataset_id}", headers=headers).json
    assert last[dataset_id]["lastBatchId"] == second


def test_batches_are_partitioned_by_org(http, dataset_id):
    batch_id = open_batch(http, dataset_id)
    other = gateway_headers(org="ELSEWHERE00000000000000C@AdobeOrg")
    assert_error(http.get(f"{CATALOG}/batches/{batch_id}", headers=other), 404)


def test_preview_refuses_unusable_csv_options(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id, "csv")
    upload(http, batch_id, dataset_id, "m.csv", "a,b\n1,2\n")
    url = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview?format=csv"
    assert http.get(url, headers=headers).json["preview"]["columns"] == [{"cid": "0", "name": "a"},
                                                                          {"cid": "1", "name": "b"}]
    assert_error(http.get(f"{url}&delimiter=;;", headers=headers), 400, INGEST_TYPE)
    assert_error(http.get(f"{url}&nrow=-3", headers=headers), 400, INGEST_TYPE)


def test_csv_batch_with_bad_delimiter_fails_cleanly(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id, inputFormat={"format": "csv", "delimiter": "||"})
    upload(http, batch_id, dataset_id, "m.csv", "a,b\n1,2\n")
    assert http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers).status_code == 200
    settled = batch(http, batch_id)
    assert settled["status"] == "failed" and "delimiter" in settled["errors"][0]["description"]


def test_upload_above_the_size_limit_is_413():
    from mockaep import create_app
    from mockaep.core.config import Config

    small = create_app(Config(max_upload_bytes=4096)).test_client()
    dataset_id = make_dataset(small, helpers.make_schema(small), "Tiny")
    batch_id = open_batch(small, dataset_id)
    assert upload(small, batch_id, dataset_id, "ok.json", ndjson([member("s1")])).status_code == 200
    too_big = upload(small, batch_id, dataset_id, "big.json", ndjson([member(f"s{n}") for n in range(100)]))
    assert_error(too_big, 413, INGEST_TYPE)


def test_completing_a_batch_without_files_fails_it(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    assert http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers).json["status"] == "failed"
    assert batch(http, batch_id)["errors"][0]["code"] == "106"


def test_query_parameters_repeat_and_forged_values_are_400(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "p.json", ndjson([member("q1", 1), member("q2", 2)]))
    url = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview"
    twice = http.get(f"{url}?format=json&format=csv&nrow=1&nrow=5", headers=headers)  # first values count
    assert twice.status_code == 200 and len(twice.json["preview"]["rows"]) == 1
    assert_error(http.get(f"{url}?format=json&nrow=1e3", headers=headers), 400, INGEST_TYPE)
    assert_error(http.get(f"{url}?format=json&delimiter=" + "," * 3000, headers=headers), 414, INGEST_TYPE)
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE&action=ABORT", headers=headers)
    assert done.status_code == 200 and batch(http, batch_id)["status"] == "success"
