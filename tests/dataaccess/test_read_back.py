"""What batches land, read back through the Data Access API (/data/foundation/export) and the
control plane's JSON view: Parquet files typed by the dataset's schema, paging, ranges, the rows a
batch rejected, and what deleting or reverting a batch does to a dataset's rows."""
from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mockaep import create_app
from tests.catalog.helpers import (CATALOG, IMPORT, batch, make_dataset, make_schema, member, ndjson, open_batch,
                                   state, upload)
from tests.conftest import ORG, gateway_headers

EXPORT = "/data/foundation/export"
EXPORT_TYPE = re.compile(r"^http://ns\.adobe\.com/aep/errors/EXPORT-\d+-(\d{3})$")
TENANT = member("x")  # {"_<tenant>": {...}}: the tenant key of ORG
TENANT_KEY = next(iter(TENANT))


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def http(app):
    return app.test_client()


def get(http, url: str, **query):
    return http.get(f"{EXPORT}{url}", headers=gateway_headers(), query_string=query or None)


def completed(http, dataset_id: str, files: dict[str, list]) -> str:
    batch_id = open_batch(http, dataset_id)
    for name, rows in files.items():
        assert upload(http, batch_id, dataset_id, name, ndjson(rows)).status_code == 200
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers())
    assert done.status_code == 200, done.get_data(as_text=True)
    return batch_id


def rows_of(http, dataset_id: str, **query) -> dict:
    response = http.get(f"/_mockaep/datasets/{dataset_id}/rows", query_string={"org": ORG, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_export_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert EXPORT_TYPE.match(body["type"]) and body["status"] == status and body["detail"]
    return body


@pytest.fixture
def dataset(http):
    return make_dataset(http, make_schema(http))


def test_a_completed_batch_reads_back_as_parquet_typed_by_the_schema(http, dataset):
    valid = [member("m1", points=10, tier="gold"), member("m2")]
    batch_id = completed(http, dataset, {"members.json": valid + [member("m3", points=-1)]})
    listing = get(http, f"/batches/{batch_id}/files").get_json()
    (entry,) = listing["data"]
    assert listing["_page"] == {"limit": 100, "count": 1}
    assert entry["records"] == "2" and entry["isValid"] is True
    assert entry["_links"]["self"]["href"] == f"{EXPORT}/files/{entry['dataSetFileId']}"
    catalog_file = http.get(f"{CATALOG}/dataSetFiles/{entry['dataSetFileId']}", headers=gateway_headers()).json
    assert str(catalog_file[entry["dataSetFileId"]]["size"]) == entry["size"]

    (part,) = get(http, f"/files/{entry['dataSetFileId']}").get_json()["data"]
    assert part["name"].endswith(".parquet") and part["length"] == entry["size"]
    download = get(http, f"/files/{entry['dataSetFileId']}", path=part["name"])
    assert download.status_code == 200 and download.mimetype == "application/octet-stream"
    assert download.headers["Accept-Ranges"] == "bytes" and len(download.data) == int(part["length"])
    table = pq.read_table(pa.BufferReader(download.data))
    points = table.schema.field(TENANT_KEY).type.field("member").type.field("points").type
    assert points == pa.int64()
    landed = table.to_pylist()
    assert [r["_acp_system_metadata"] for r in landed] == [{"acp_sourceBatchId": batch_id}] * 2
    assert rows_of(http, dataset)["rows"] == valid
    assert get(http, f"/datasets/{dataset}/preview").get_json() == {"data": valid}


def test_ranges_and_headers(http, dataset):
    batch_id = completed(http, dataset, {"a.json": [member("m1")]})
    (entry,) = get(http, f"/batches/{batch_id}/files").get_json()["data"]
    file_id = entry["dataSetFileId"]
    (part,) = get(http, f"/files/{file_id}").get_json()["data"]
    whole = get(http, f"/files/{file_id}", path=part["name"]).data
    url = f"{EXPORT}/files/{file_id}"
    ranged = http.get(url, query_string={"path": part["name"]}, headers=gateway_headers(Range="bytes=0-3"))
    assert ranged.status_code == 206 and ranged.data == whole[:4] == b"PAR1"
    assert ranged.headers["Content-Range"] == f"bytes 0-3/{len(whole)}"
    tail = http.get(url, query_string={"path": part["name"]}, headers=gateway_headers(Range="bytes=-4"))
    assert tail.status_code == 206 and tail.data == whole[-4:]
    several = http.get(url, query_string={"path": part["name"]}, headers=gateway_headers(Range="bytes=0-1,4-5"))
    assert several.status_code == 200 and several.data == whole
    outside = http.get(url, query_string={"path": part["name"]}, headers=gateway_headers(Range=f"bytes={len(whole)}-"))
    assert outside.status_code == 200 and outside.data == whole  # ignored (RFC 9110), the spec has no 416
    longer = http.get(url, query_string={"path": part["name"]}, headers=gateway_headers(Range="bytes=-999999"))
    assert longer.status_code == 206 and longer.data == whole
    head = http.head(url, query_string={"path": part["name"]}, headers=gateway_headers())
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(whole)) and head.data == b""
    assert http.head(url, headers=gateway_headers()).status_code == 404  # HEAD names a file: none named


def test_a_batch_with_many_files_is_paged(http, dataset):
    batch_id = completed(http, dataset, {f"part{n}.json": [member(f"m{n}")] for n in range(5)})
    first = get(http, f"/batches/{batch_id}/files", limit="2").get_json()
    assert len(first["data"]) == 2 and first["_page"] == {"limit": 2, "count": 2}
    assert first["_links"]["next"]["href"] == f"{EXPORT}/batches/{batch_id}/files?start=2&limit=2"
    last = get(http, f"/batches/{batch_id}/files", start="4", limit="2").get_json()
    assert len(last["data"]) == 1 and "_links" not in last
    every = rows_of(http, dataset, start="1", limit="3")
    assert every["total"] == 5 and every["rows"] == [member(f"m{n}") for n in (1, 2, 3)]


@pytest.mark.parametrize("path, query, status", [
    ("/batches/nope/meta", {}, 404), ("/files/nope", {}, 404), ("/datasets/nope/preview", {}, 404),
    ("/files/{file}", {"path": "no-such.parquet"}, 404), ("/batches/{batch}/failed", {"path": "x.json"}, 404),
    ("/batches/{batch}/meta", {"path": "row_errors"}, 404), ("/batches/nope/failed", {"path": "x.json"}, 404),
])
def test_refusals(http, dataset, path, query, status):
    batch_id = completed(http, dataset, {"a.json": [member("m1")]})
    (entry,) = get(http, f"/batches/{batch_id}/files").get_json()["data"]
    assert_export_error(get(http, path.format(batch=batch_id, file=entry["dataSetFileId"]), **query), status)


def test_where_the_spec_documents_no_error_the_answer_is_lenient(http, dataset):
    """data-access.yaml types start/limit as strings and lists no 400, and no 404 for a batch's
    files: a value that is not a count is absent, and an unknown batch has no file."""
    assert get(http, "/batches/nope/files").get_json() == {"data": [], "_page": {"limit": 100, "count": 0}}
    assert get(http, "/batches/nope/failed").get_json() == {"data": [], "_page": {"limit": 100, "count": 0}}
    batch_id = completed(http, dataset, {"a.json": [member("m1")], "b.json": [member("m2")]})
    for query, count in (({"limit": "0"}, 2), ({"limit": "1000"}, 2), ({"limit": "x"}, 2), ({"start": "-1"}, 2),
                         ({"start": "1"}, 1), ({"limit": "1"}, 1)):
        assert get(http, f"/batches/{batch_id}/files", **query).get_json()["_page"]["count"] == count, query


def test_a_dataset_opted_in_to_error_diagnostics_keeps_the_rejected_rows(http):
    dataset = make_dataset(http, make_schema(http), enableErrorDiagnostics=True)
    rejected = member("m9", tier="platinum")
    batch_id = completed(http, dataset, {"a.json": [member("m1"), rejected]})
    assert batch(http, batch_id)["status"] == "success"
    (listed,) = get(http, f"/batches/{batch_id}/failed").get_json()["data"]
    (kept,) = get(http, f"/batches/{batch_id}/failed", path=listed["name"]).get_json()
    assert kept["record"] == rejected and kept["rowNumber"] == 2 and kept["file"] == "a.json"
    assert "platinum" in kept["errors"][0]["message"]
    (row_errors,) = get(http, f"/batches/{batch_id}/meta", path="row_errors").get_json()["data"]
    assert row_errors["name"] == f"row_errors/{listed['name']}"
    assert get(http, f"/batches/{batch_id}/meta", path=row_errors["name"]).get_json() == [kept]


def test_deleting_a_batch_deletes_its_data(app, http, dataset):
    kept = completed(http, dataset, {"a.json": [member("m1")]})
    doomed = completed(http, dataset, {"b.json": [member("m2")]})
    blobs = app.extensions["mockaep"].blobs
    before = len(blobs.owned_by(app.extensions["mockaep"].store.find(ORG)))
    assert http.delete(f"{CATALOG}/batches/{doomed}", headers=gateway_headers()).status_code == 200
    assert get(http, f"/batches/{doomed}/files").get_json()["data"] == []
    assert http.get(f"{CATALOG}/dataSetFiles", headers=gateway_headers(), query_string={"batchId": doomed}).json == {}
    assert rows_of(http, dataset)["rows"] == [member("m1")]
    assert len(blobs.owned_by(app.extensions["mockaep"].store.find(ORG))) < before
    assert get(http, f"/batches/{kept}/files").status_code == 200


def test_a_reverted_batch_no_longer_counts_among_the_dataset_rows(http, dataset):
    first = completed(http, dataset, {"a.json": [member("m1")]})
    completed(http, dataset, {"b.json": [member("m2")]})
    assert http.post(f"{IMPORT}/batches/{first}?action=REVERT", headers=gateway_headers()).status_code == 200
    assert rows_of(http, dataset) == {"rows": [member("m2")], "start": 0, "limit": 100, "total": 1,
                                      "unavailableFiles": []}
    (entry,) = get(http, f"/batches/{first}/files").get_json()["data"]
    assert entry["isValid"] is False


def test_a_state_document_carries_no_bytes(http, dataset):
    batch_id = completed(http, dataset, {"a.json": [member("m1")]})
    document = state(http)
    elsewhere = create_app().test_client()
    assert elsewhere.post("/_mockaep/state", json=document).status_code == 200
    (entry,) = get(elsewhere, f"/batches/{batch_id}/files").get_json()["data"]
    (part,) = get(elsewhere, f"/files/{entry['dataSetFileId']}").get_json()["data"]
    gone = assert_export_error(get(elsewhere, f"/files/{entry['dataSetFileId']}", path=part["name"]), 404)
    assert "no longer available" in gone["detail"]
    assert rows_of(elsewhere, dataset)["unavailableFiles"] == [entry["dataSetFileId"]]


def test_control_plane_rows_refusals(http, dataset):
    assert http.get(f"/_mockaep/datasets/{dataset}/rows").status_code == 400  # no org named
    assert http.get("/_mockaep/datasets/nope/rows", query_string={"org": ORG}).status_code == 404
    assert http.get(f"/_mockaep/datasets/{dataset}/rows", query_string={"org": ORG, "limit": "5000"}).status_code == 400
