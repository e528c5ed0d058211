"""Parquet through Batch Ingestion: files made here with pyarrow, uploaded whole or in parts,
validated against the dataset's XDM schema like JSON rows, reported in Catalog, previewed."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from mockaep.core.context import tenant_id_for
from mockaep.core import parquet as parquet_reader
from tests.catalog.helpers import (CATALOG, IMPORT, INGEST_TYPE, REGISTRY, assert_error, batch, make_dataset, ndjson,
                                   open_batch, upload)
from tests.conftest import ORG, gateway_headers

import pyarrow as pa
import pyarrow.parquet as pq

TENANT = f"_{tenant_id_for(ORG)}"
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$")
UTC = dt.timezone.utc

LEG = pa.struct([("port", pa.string()), ("nights", pa.int64())])
CABIN = pa.struct([("deck", pa.string()), ("category", pa.string())])
VOYAGE = pa.struct([("voyageId", pa.string()), ("departedAt", pa.timestamp("ns")), ("bookedOn", pa.date32()),
                    ("berth", pa.int64()), ("fare", pa.decimal128(8, 2)), ("ports", pa.list_(pa.string())),
                    ("legs", pa.list_(LEG)), ("cabin", CABIN), ("labels", pa.map_(pa.string(), pa.string()))])
ROW_TYPE = pa.schema([(TENANT, pa.struct([("voyage", VOYAGE)])),
                      ("_repo", pa.struct([("createDate", pa.timestamp("ms", tz="Europe/Lisbon"))]))])


def make_voyage_schema(http) -> str:
    """A profile schema whose tenant field group has a nested ``voyage``: dates, a date-time,
    numbers with bounds, an array of strings, an array of objects and an object with an enum."""
    headers = gateway_headers(Accept="application/vnd.adobe.xed+json")
    voyage = {"type": "object", "required": ["voyageId"], "properties": {
        "voyageId": {"type": "string", "title": "Voyage id"},
        "departedAt": {"type": "string", "format": "date-time", "title": "Departed at"},
        "bookedOn": {"type": "string", "format": "date", "title": "Booked on"},
        "berth": {"type": "integer", "minimum": 0, "title": "Berth"},
        "fare": {"type": "number", "minimum": 0, "title": "Fare"},
        "ports": {"type": "array", "items": {"type": "string"}, "title": "Ports of call"},
        "legs": {"type": "array", "title": "Legs", "items": {"type": "object", "required": ["port"], "properties": {
            "port": {"type": "string", "title": "Port"},
            "nights": {"type": "integer", "minimum": 1, "title": "Nights"}}}},
        "cabin": {"type": "object", "title": "Cabin", "properties": {
            "deck": {"type": "string", "title": "Deck"},
            "category": {"type": "string", "enum": ["inside", "ocean", "suite"], "title": "Category"}}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}, "title": "Labels"}}}
    group = {"title": "Ferry voyages", "description": "Voyages booked with the ferry line.", "type": "object",
             "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/profile"],
             "definitions": {"voyages": {"properties": {TENANT: {"type": "object", "properties": {"voyage": voyage}}}}},
             "allOf": [{"$ref": "#/definitions/voyages"}]}
    created = http.post(f"{REGISTRY}/tenant/fieldgroups", headers=headers, json=group)
    assert created.status_code == 201, created.get_data(as_text=True)
    schema = {"title": "Ferry passengers", "description": "Passengers of the ferry line.", "type": "object",
              "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"}, {"$ref": created.json["$id"]}]}
    created = http.post(f"{REGISTRY}/tenant/schemas", headers=headers, json=schema)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json["$id"]


def voyage(voyage_id, *, departed=None, booked=None, berth=None, fare=None, ports=None, legs=None, cabin=None,
           labels=None, created=None) -> dict:
    """One row in Arrow's Python form (None = a null cell)."""
    return {TENANT: {"voyage": {"voyageId": voyage_id, "departedAt": departed, "bookedOn": booked, "berth": berth,
                                "fare": fare, "ports": ports, "legs": legs, "cabin": cabin, "labels": labels}},
            "_repo": {"createDate": created}}


def parquet_bytes(rows: list[dict], schema=ROW_TYPE) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), sink)
    return sink.getvalue()


GOOD = [
    voyage("v1", departed=dt.datetime(2026, 3, 1, 8, 30), booked=dt.date(2026, 2, 14), berth=12,
           fare=Decimal("89.50"), ports=["Leith", "Bergen"], legs=[{"port": "Bergen", "nights": 2}],
           cabin={"deck": "7", "category": "ocean"}, labels={"meal": "vegan", "pet": "dog"},
           created=dt.datetime(2026, 2, 14, 10, 0, tzinfo=UTC)),
    voyage("v2", departed=dt.datetime(2026, 3, 2, 9, 15, 0, 250000)),  # every optional field null
    voyage("v3", ports=[], legs=[{"port": "Tórshavn", "nights": None}, {"port": "Seyðisfjörður", "nights": 3}]),
]
# Row 2 lacks the required voyageId, row 4 breaks bounds nested in an array, row 5 the cabin enum.
MIXED = [GOOD[0], voyage(None, berth=4), GOOD[1], voyage("v4", legs=[{"port": "Hirtshals", "nights": 0}]),
         voyage("v5", cabin={"deck": "2", "category": "balcony"}), GOOD[2]]


def nanosecond_voyages() -> bytes:
    """Pandas and Spark write nanosecond timestamps, finer than Python's datetime."""
    departed = pa.array([1_772_353_800_123_456_789], pa.timestamp("ns"))
    voyage_column = pa.StructArray.from_arrays([pa.array(["n1"]), departed], names=["voyageId", "departedAt"])
    sink = io.BytesIO()
    pq.write_table(pa.table({TENANT: pa.StructArray.from_arrays([voyage_column], names=["voyage"])}), sink)
    return sink.getvalue()


@pytest.fixture
def dataset_id(http):
    return make_dataset(http, make_voyage_schema(http), "Ferry voyages")


def complete(http, headers, batch_id: str) -> dict:
    response = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return batch(http, batch_id)


def ingest(http, headers, dataset_id: str, data: bytes, name: str = "voyages.parquet") -> dict:
    batch_id = open_batch(http, dataset_id, "parquet")
    assert upload(http, batch_id, dataset_id, name, data).status_code == 200
    return complete(http, headers, batch_id)


def preview(http, headers, batch_id: str, dataset_id: str, query: str = "format=parquet"):
    return http.get(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/preview?{query}", headers=headers)


def test_valid_parquet_rows_are_ingested(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id, "parquet")
    assert upload(http, batch_id, dataset_id, "voyages.parquet", parquet_bytes(GOOD)).status_code == 200
    assert upload(http, batch_id, dataset_id, "nanos.parquet", nanosecond_voyages()).status_code == 200
    settled = complete(http, headers, batch_id)
    assert settled["status"] == "success" and settled["errors"] == []
    metrics = settled["metrics"]
    assert metrics["recordsRead"] == metrics["recordsWritten"] == 4 and metrics["inputFileCount"] == 2
    assert settled["recordCount"] == 4 and settled["failedRecordCount"] == 0
    files = http.get(f"{CATALOG}/dataSetFiles?dataSetId={dataset_id}", headers=headers).json
    assert sorted((f["records"], f["isValid"]) for f in files.values()) == [(1, True), (3, True)]


def test_invalid_parquet_rows_are_reported_like_json_rows(http, headers, dataset_id):
    settled = ingest(http, headers, dataset_id, parquet_bytes(MIXED))
    assert settled["status"] == "success"  # partial ingestion: the valid rows are written
    assert settled["metrics"]["recordsRead"] == 6 and settled["metrics"]["recordsWritten"] == 3
    assert settled["failedRecordCount"] == 3
    [error] = settled["errors"]
    assert error["code"] == "INGEST-1212-400" and error["rows"] == ["2", "4-5"]
    assert "voyages.parquet: 3 row(s)" in error["description"]
    assert "'voyageId' is a required property" in error["description"]


def test_parquet_and_json_rows_get_the_same_verdicts(http, headers, dataset_id):
    """The same rows, once as Parquet and once as the JSON a client would send: same outcome."""
    as_parquet = ingest(http, headers, dataset_id, parquet_bytes(MIXED), "voyages")
    as_json_rows = [parquet_reader.to_xdm(row) for row in MIXED]
    assert as_json_rows[0][TENANT]["voyage"]["departedAt"] == "2026-03-01T08:30:00Z"
    json_batch = open_batch(http, dataset_id)
    upload(http, json_batch, dataset_id, "voyages", ndjson(as_json_rows))
    as_json = complete(http, headers, json_batch)
    assert as_parquet["errors"] == as_json["errors"]
    for key in ("recordsRead", "recordsWritten", "failedRecordCount"):
        assert as_parquet["metrics"][key] == as_json["metrics"][key]


def test_rows_that_are_all_invalid_fail_the_batch(http, headers, dataset_id):
    settled = ingest(http, headers, dataset_id, parquet_bytes([MIXED[1], MIXED[3]]))
    assert settled["status"] == "failed"
    assert settled["metrics"]["recordsRead"] == 2 and settled["metrics"]["recordsWritten"] == 0
    assert settled["errors"][0]["rows"] == ["1-2"]
    assert http.get(f"{CATALOG}/dataSetFiles?dataSetId={dataset_id}", headers=headers).json == {}


def test_arrow_types_follow_the_schema(http, headers, dataset_id):
    """A timestamp under a ``date`` field becomes that day; a text column under a date field or
    an integer column under a text field is refused, as the same JSON would be."""
    loose = pa.schema([(TENANT, pa.struct([("voyage", pa.struct([
        ("voyageId", pa.string()), ("bookedOn", pa.timestamp("us", tz="Pacific/Auckland"))]))]))])
    booked = dt.datetime(2026, 2, 14, 22, 30, tzinfo=UTC)  # already the 15th in Auckland
    settled = ingest(http, headers, dataset_id, parquet_bytes([
        {TENANT: {"voyage": {"voyageId": "t1", "bookedOn": booked}}}], loose))
    # "format": "date" is checked: a full date-time there would have been refused.
    assert settled["status"] == "success" and settled["metrics"]["recordsWritten"] == 1
    assert parquet_reader.to_xdm(booked.astimezone(dt.timezone(dt.timedelta(hours=13))),
                                 {"type": "string", "format": "date"}) == "2026-02-14"  # the day in UTC
    body = preview(http, headers, settled["id"], dataset_id).json["preview"]
    columns = {c["name"]: c["cid"] for c in body["columns"]}
    assert body["rows"][0][columns[f"{TENANT}.voyage.bookedOn"]] == "2026-02-14T22:30:00Z"  # no schema: UTC instant
    wrong = pa.schema([(TENANT, pa.struct([("voyage", pa.struct([
        ("voyageId", pa.string()), ("berth", pa.string()), ("bookedOn", pa.string())]))]))])
    settled = ingest(http, headers, dataset_id, parquet_bytes([
        {TENANT: {"voyage": {"voyageId": "t2", "berth": "12"}}},
        {TENANT: {"voyage": {"voyageId": "t3", "bookedOn": "the fourteenth"}}},
        {TENANT: {"voyage": {"voyageId": "t4", "bookedOn": "2026-02-14"}}}], wrong))
    assert settled["status"] == "success" and settled["errors"][0]["rows"] == ["1-2"]
    assert "'12' is not of type 'integer'" in settled["errors"][0]["description"]


def test_parquet_in_parts(http, headers, dataset_id):
    data = parquet_bytes(MIXED)
    batch_id = open_batch(http, dataset_id, "parquet")
    path = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/parts/voyages.parquet"
    assert http.post(f"{path}?action=INITIALIZE", headers=headers).status_code == 201
    octet = {**headers, "Content-Type": "application/octet-stream"}
    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    for first, end in reversed(list(zip(cuts, cuts[1:]))):  # parts may arrive in any order
        part = http.patch(path, data=data[first:end], headers={**octet, "Content-Range": f"bytes {first}-{end - 1}"})
        assert part.status_code == 200
    done = http.post(f"{path}?action=COMPLETE", headers=headers)
    assert done.status_code == 201 and done.json["sizeInBytes"] == len(data)
    settled = complete(http, headers, batch_id)
    assert settled["status"] == "success" and settled["metrics"]["recordsWritten"] == 3
    assert settled["errors"][0]["rows"] == ["2", "4-5"] and settled["metrics"]["inputByteSize"] == len(data)


def test_preview_of_parquet_rows(http, headers, dataset_id):
    batch_id = open_batch(http, dataset_id, "parquet")
    upload(http, batch_id, dataset_id, "voyages.parquet", parquet_bytes(GOOD))
    response = preview(http, headers, batch_id, dataset_id)
    assert response.status_code == 200 and response.json["formatParams"]["format"] == "parquet"
    body = response.json["preview"]
    columns = {c["name"]: c["cid"] for c in body["columns"]}
    first, second, third = body["rows"]
    field = f"{TENANT}.voyage"
    assert first[columns[f"{field}.voyageId"]] == "v1"
    assert first[columns[f"{field}.departedAt"]] == "2026-03-01T08:30:00Z"
    assert second[columns[f"{field}.departedAt"]] == "2026-03-02T09:15:00.250Z"
    assert first[columns[f"{field}.bookedOn"]] == "2026-02-14"
    assert first[columns[f"{field}.cabin.category"]] == "ocean"
    assert json.loads(first[columns[f"{field}.fare"]]) == 89.5
    assert json.loads(first[columns[f"{field}.legs"]]) == [{"port": "Bergen", "nights": 2}]
    assert json.loads(third[columns[f"{field}.legs"]]) == [{"port": "Tórshavn"},
                                                           {"port": "Seyðisfjörður", "nights": 3}]
    assert first[columns["_repo.createDate"]] == "2026-02-14T10:00:00Z"  # Lisbon in winter is UTC+0
    assert first[columns[f"{field}.labels.meal"]] == "vegan" and first[columns[f"{field}.labels.pet"]] == "dog"
    assert columns[f"{field}.fare"] not in second  # a null cell is an absent field
    assert all(RFC3339_UTC.match(row[columns[f"{field}.departedAt"]]) for row in (first, second))
    assert len(preview(http, headers, batch_id, dataset_id, "format=parquet&nrow=2").json["preview"]["rows"]) == 2
    upload(http, batch_id, dataset_id, "nanos.parquet", nanosecond_voyages())
    body = preview(http, headers, batch_id, dataset_id).json["preview"]
    columns = {c["name"]: c["cid"] for c in body["columns"]}
    assert [row[columns[f"{field}.departedAt"]] for row in body["rows"] if row[columns[f"{field}.voyageId"]] == "n1"] \
        == ["2026-03-01T08:30:00.123456Z"]  # nanoseconds cut to Python's microseconds


@pytest.mark.parametrize("data", [b"PAR1 this was never a parquet file PAR1", b'{"voyageId": "j1"}\n', "truncated"])
def test_corrupt_parquet_fails_the_batch_with_a_clear_error(http, headers, dataset_id, data):
    if data == "truncated":
        whole = parquet_bytes(GOOD)
        data = whole[: len(whole) // 2]
    batch_id = open_batch(http, dataset_id, "parquet")
    assert upload(http, batch_id, dataset_id, "broken.parquet", data).status_code == 200
    assert_error(preview(http, headers, batch_id, dataset_id), 400, INGEST_TYPE)
    settled = complete(http, headers, batch_id)
    assert settled["status"] == "failed" and settled["metrics"]["recordsWritten"] == 0
    [error] = settled["errors"]
    assert error["code"] == "INGEST-1201-400"
    assert error["description"].startswith("broken.parquet: The file cannot be read as Parquet")


def test_parquet_without_rows_fails_like_an_empty_file(http, headers, dataset_id):
    settled = ingest(http, headers, dataset_id, parquet_bytes([]))
    assert settled["status"] == "failed" and settled["errors"][0]["code"] == "106"


