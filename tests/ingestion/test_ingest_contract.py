"""Contract: rows sent through a batch are either counted as ingested (valid) or reported
(invalid) — none lost, none duplicated, also when the same file is uploaded again."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import tests.catalog.helpers as helpers
from mockaep import create_app
from tests.catalog.helpers import CATALOG, IMPORT, batch, make_dataset, member, ndjson, open_batch, upload
from tests.conftest import gateway_headers

APP = create_app()
CLIENT = APP.test_client()
HEADERS = gateway_headers(sandbox="contract")


def _bad(kind: int, n: int) -> dict:
    """Rows the schema refuses: missing memberId, negative or textual points, unknown tier."""
    inner = [{"points": n}, {"memberId": f"b{n}", "points": -1 - n},
             {"memberId": f"b{n}", "points": f"{n} points"}, {"memberId": f"b{n}", "tier": "platinum"}][kind % 4]
    return {next(iter(member("x"))): {"member": inner}}


@pytest.fixture(scope="module")
def dataset_id():
    schema_id = helpers.make_schema(CLIENT, sandbox="contract")
    created = CLIENT.post(f"{CATALOG}/dataSets", headers=HEADERS,
                          json={"name": "Contract members", "schemaRef": {"id": schema_id, "contentType": helpers.XED}})
    assert created.status_code == 201, created.json
    return created.json[0].rsplit("/", 1)[-1]


def ingested_rows(dataset_id: str) -> int:
    files = CLIENT.get(f"{CATALOG}/dataSetFiles?dataSetId={dataset_id}&limit=100", headers=HEADERS).json
    return sum(f["records"] for f in files.values() if f["isValid"])


@settings(max_examples=15, deadline=None)
@given(layout=st.lists(st.booleans(), min_size=1, max_size=25), retries=st.integers(0, 2),
       split=st.integers(1, 3))
def test_valid_rows_are_counted_invalid_reported_nothing_duplicated(dataset_id, layout, retries, split):
    before = ingested_rows(dataset_id)
    rows = [member(f"m{n}", n, "silver") if ok else _bad(n, n) for n, ok in enumerate(layout)]
    batch_id = CLIENT.post(f"{IMPORT}/batches", headers=HEADERS,
                           json={"datasetId": dataset_id, "inputFormat": {"format": "json"}}).json["id"]
    files = [part for part in (rows[i::split] for i in range(split)) if part]
    for attempt in range(retries + 1):  # the same names again: replaced, never added
        for position, part in enumerate(files):
            response = CLIENT.put(f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/part{position}.json",
                                  data=ndjson(part).encode(),
                                  headers={**HEADERS, "Content-Type": "application/octet-stream"})
            assert response.status_code == 200
    assert CLIENT.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=HEADERS).status_code == 200
    settled = CLIENT.get(f"{CATALOG}/batches/{batch_id}", headers=HEADERS).json[batch_id]
    valid, invalid = sum(layout), len(layout) - sum(layout)
    metrics = settled["metrics"]
    assert metrics["recordsRead"] == len(layout)
    if valid:
        assert settled["status"] == "success"
        assert metrics["recordsWritten"] == valid and settled["failedRecordCount"] == invalid
        assert ingested_rows(dataset_id) == before + valid
    else:
        assert settled["status"] == "failed" and metrics["recordsWritten"] == 0
        assert ingested_rows(dataset_id) == before
    reported = 0
    for error in settled["errors"]:
        if error["code"] == "INGEST-1212-400":
            for span in error["rows"]:
                first, _, last = span.partition("-")
                reported += int(last or first) - int(first) + 1
    assert reported == invalid


def test_replay_replaces_the_predecessor(http, headers):
    dataset_id = make_dataset(http, helpers.make_schema(http), "Replayed")
    first = open_batch(http, dataset_id)
    upload(http, first, dataset_id, "m.json", ndjson([member("r1", 1), member("r2", 2)]))
    http.post(f"{IMPORT}/batches/{first}?action=COMPLETE", headers=headers)
    second = open_batch(http, dataset_id, replay={"predecessors": [first], "reason": "replace"})
    upload(http, second, dataset_id, "m.json", ndjson([member("r1", 5), member("r2", 6), member("r3", 7)]))
    http.post(f"{IMPORT}/batches/{second}?action=COMPLETE", headers=headers)
    assert batch(http, first)["status"] == "inactive" and batch(http, second)["status"] == "success"
    files = http.get(f"{CATALOG}/dataSetFiles?dataSetId={dataset_id}", headers=headers).json
    assert sum(f["records"] for f in files.values() if f["isValid"]) == 3
