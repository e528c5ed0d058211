"""Batch ingestion into the onboarded dataset: create a batch, upload a file, complete it."""
from __future__ import annotations

import json

from mockaep_contracts.shapes import assert_service_error, assert_status

#: The batch states Catalog documents (batchStatus).
BATCH_STATES = {"processing", "success", "failure", "queued", "retrying", "stalled", "aborted", "abandoned",
                "inactive", "failed", "loading", "loaded", "staged", "active", "staging", "deleted"}


def test_batch_lifecycle_into_the_onboarded_dataset(aep, world):
    batch = aep.ingestion.create_batch(world.dataset_id, "json")
    assert_status(aep.session.last_response, 201)
    assert batch["status"] == "loading"
    assert {"type": "dataSet", "id": world.dataset_id} in batch["relatedObjects"]
    rows = [{"_id": "row-1", "person": {"name": {"fullName": "Ada Sample"}}},
            {"_id": "row-2", "person": {"name": {"fullName": "Grace Example"}}}]
    aep.ingestion.upload_file(batch["id"], world.dataset_id, "people.json", json.dumps(rows).encode())
    assert_status(aep.session.last_response, 200, 201)
    aep.ingestion.complete_batch(batch["id"])
    assert_status(aep.session.last_response, 200)
    read = aep.catalog.get_batch(batch["id"])
    assert read["status"] in BATCH_STATES - {"loading"}


def test_batch_for_an_unknown_dataset_is_refused(aep):
    response = aep.session.send("POST", "ingestion", "/batches",
                                json={"datasetId": "0123456789abcdef01234567", "inputFormat": {"format": "json"}})
    assert_service_error(response, "ingestion", (400, 404))


def test_upload_as_json_instead_of_octet_stream_is_refused(aep, world):
    batch = aep.ingestion.create_batch(world.dataset_id, "json")
    response = aep.session.send("PUT", "ingestion", f"/batches/{batch['id']}/datasets/{world.dataset_id}/files/a.json",
                                json=[{"_id": "x"}])
    assert_status(response, 400, 415)
