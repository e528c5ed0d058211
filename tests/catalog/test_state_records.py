"""State documents (POST /_mockaep/state, --seed): Catalog and Batch Ingestion records that do
not fit their kind are refused whole; the records the services write load back as they were."""
from __future__ import annotations

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import IMPORT, make_dataset, member, ndjson, open_batch, upload

ORG = "STATE000000000000000000A@AdobeOrg"
DATASET = {"name": "Seeded", "version": "1.0.0", "created": 1, "updated": 1, "tags": {},
           "schemaRef": {"id": "https://ns.adobe.com/x/schemas/1", "contentType": helpers.XED}}
BATCH = {"id": "b1", "status": "loading", "version": "1.0.0", "created": 1, "updated": 1,
         "relatedObjects": [{"type": "dataSet", "id": "d1"}]}
FILE = {"id": "b1-1", "batchId": "b1", "dataSetId": "d1", "version": "1.0.0", "created": 1, "updated": 1,
        "records": 2, "size": 10, "isValid": True}
STAGED = {"batchId": "b1", "dataSetId": "d1", "name": "a.json", "state": "complete", "sizeInBytes": 2,
          "encoding": "utf-8", "content": "{}", "chunks": [], "updated": 1}


def document(**collections) -> dict:
    return {"format": "mockaep-state", "version": 1,
            "tenants": [{"imsOrg": ORG, "sandbox": "prod", "collections": collections, "meta": {}}]}


def test_well_formed_records_load(http):
    loaded = http.post("/_mockaep/state", json=document(dataSets={"d1": DATASET}, batches={"b1": BATCH},
                                                         dataSetFiles={"b1-1": FILE}, stagedFiles={"b1/d1/a.json": STAGED}))
    assert loaded.status_code == 200, loaded.json


@pytest.mark.parametrize("kind, record_id, record", [
    ("dataSets", "d1", {**DATASET, "name": 5}),
    ("dataSets", "d1", {**DATASET, "created": "yesterday"}),
    ("dataSets", "d1", {**DATASET, "tags": {"harbour": "north"}}),
    ("dataSets", "d1", {**DATASET, "schemaRef": "https://ns.adobe.com/x/schemas/1"}),
    ("dataSets", "d1", {**DATASET, "classification": {"dataBehavior": "record", "managedBy": "NOBODY"}}),
    ("dataSets", "d1", {**DATASET, "lastBatchStatus": "dancing"}),
    ("dataSets", "d1", {k: v for k, v in DATASET.items() if k != "version"}),
    ("batches", "b1", {**BATCH, "status": "dancing"}),
    ("batches", "b1", {**BATCH, "relatedObjects": [{"type": "dataSet"}]}),
    ("batches", "b1", {**BATCH, "relatedObjects": "d1"}),
    ("batches", "b1", {**BATCH, "errors": [{"code": 5}]}),
    ("batches", "b1", {**BATCH, "recordCount": -1}),
    ("batches", "b2", BATCH),  # stored under another id than its own
    ("dataSetFiles", "b1-1", {**FILE, "records": "two"}),
    ("dataSetFiles", "b1-1", {**FILE, "isValid": "yes"}),
    ("dataSetFiles", "b1-1", {k: v for k, v in FILE.items() if k != "batchId"}),
    ("stagedFiles", "b1/d1/a.json", {**STAGED, "sizeInBytes": "big"}),
    ("stagedFiles", "b1/d1/a.json", {**STAGED, "state": "half"}),
    ("stagedFiles", "b1/d1/a.json", {**STAGED, "chunks": [{"first": "0"}]}),
    ("stagedFiles", "b1/d1/a.json", {k: v for k, v in STAGED.items() if k != "batchId"}),
])
def test_mistyped_records_are_refused_whole(http, kind, record_id, record):
    before = http.get("/_mockaep/state").json
    refused = http.post("/_mockaep/state", json=document(**{kind: {record_id: record}}))
    assert refused.status_code == 400, refused.json
    assert kind in refused.json["detail"]
    assert http.get("/_mockaep/state").json == before


def test_what_the_services_write_loads_back(http, headers):
    dataset_id = make_dataset(http, helpers.make_schema(http))
    batch_id = open_batch(http, dataset_id)
    upload(http, batch_id, dataset_id, "m.json", ndjson([member("s1", 1)]))
    http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=headers)
    open_batch(http, dataset_id)
    exported = http.get("/_mockaep/state").json
    assert {"dataSets", "batches", "dataSetFiles", "stagedFiles"} <= set(exported["tenants"][0]["collections"])
    http.post("/_mockaep/reset")
    assert http.post("/_mockaep/state", json=exported).status_code == 200
    assert http.get("/_mockaep/state").json == exported
