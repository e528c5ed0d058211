"""Batch Ingestion uploads are spooled to disk with a per-tenant quota, and freed with their batch."""
from __future__ import annotations

import os

import pytest

import tests.catalog.helpers as helpers
from mockaep import create_app
from mockaep.core.config import Config
from tests.catalog.helpers import CATALOG, IMPORT, INGEST_TYPE, assert_error, member, ndjson, state
from tests.conftest import OTHER_ORG, gateway_headers
from tests.replay.servers import Server
from tests.safety.realhttp import RealHTTP

OCTET = gateway_headers(**{"Content-Type": "application/octet-stream"})
QUOTA = 4000


@pytest.fixture
def app():
    return create_app(Config(upload_quota_bytes=QUOTA))


@pytest.fixture
def target(http):
    dataset_id = helpers.make_dataset(http, helpers.make_schema(http))
    return dataset_id, helpers.open_batch(http, dataset_id)


def _file(http, batch_id, dataset_id, name):
    return f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/{name}"


def _spooled(app) -> list[str]:
    directory = app.extensions["mockaep"].blobs.directory
    return sorted(os.listdir(directory))


def test_the_state_holds_metadata_not_bytes(http, target):
    dataset_id, batch_id = target
    assert helpers.upload(http, batch_id, dataset_id, "a.json", ndjson([member("m1")])).status_code == 200
    (tenant,) = state(http)["tenants"]
    (record,) = tenant["collections"]["stagedFiles"].values()
    assert "content" not in record and record["sizeInBytes"] > 0 and len(record["blob"]) == 32


def test_an_upload_past_the_quota_is_413_and_keeps_nothing(app, http, target):
    dataset_id, batch_id = target
    assert helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 3000).status_code == 200
    before, spooled = state(http), _spooled(app)
    refused = helpers.upload(http, batch_id, dataset_id, "b.bin", b"y" * 1500)
    body = assert_error(refused, 413, INGEST_TYPE)
    assert str(QUOTA) in body["detail"]
    assert state(http) == before and _spooled(app) == spooled


def test_replacing_a_file_does_not_count_it_twice_and_frees_the_old_bytes(app, http, target):
    dataset_id, batch_id = target
    helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 3000)
    first = _spooled(app)
    assert helpers.upload(http, batch_id, dataset_id, "a.bin", b"z" * 3900).status_code == 200
    assert len(_spooled(app)) == 1 and _spooled(app) != first


def test_parts_count_towards_the_quota(http, target):
    dataset_id, batch_id = target
    path = _file(http, batch_id, dataset_id, "big.bin")
    assert http.post(f"{path}?action=INITIALIZE", headers=gateway_headers()).status_code == 201
    assert http.patch(path, data=b"a" * 2500, headers={**OCTET, "Content-Range": "bytes 0-2499"}).status_code == 200
    refused = http.patch(path, data=b"b" * 2500, headers={**OCTET, "Content-Range": "bytes 2500-4999"})
    assert_error(refused, 413, INGEST_TYPE)
    # a retry of the same range replaces the part, so it fits
    assert http.patch(path, data=b"c" * 2500, headers={**OCTET, "Content-Range": "bytes 0-2499"}).status_code == 200
    completed = http.post(f"{path}?action=COMPLETE", headers=gateway_headers())
    assert completed.status_code == 201 and completed.json["sizeInBytes"] == 2500


def test_the_quota_is_per_org_and_sandbox(http, target):
    dataset_id, batch_id = target
    helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 3500)
    other_dataset = helpers.make_dataset(http, helpers.make_schema(http, org=OTHER_ORG), org=OTHER_ORG)
    other_batch = helpers.open_batch(http, other_dataset, org=OTHER_ORG)
    assert helpers.upload(http, other_batch, other_dataset, "a.bin", b"x" * 3500, org=OTHER_ORG).status_code == 200


def test_deleting_the_batch_frees_its_files(app, http, target):
    dataset_id, batch_id = target
    helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 3500)
    assert http.delete(f"{CATALOG}/batches/{batch_id}", headers=gateway_headers()).status_code == 200
    fresh = helpers.open_batch(http, dataset_id)
    assert helpers.upload(http, fresh, dataset_id, "b.bin", b"y" * 3500).status_code == 200
    assert len(_spooled(app)) == 1


def test_a_reset_frees_the_spooled_bytes(app, http, target):
    dataset_id, batch_id = target
    helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 100)
    assert _spooled(app)
    assert http.post("/_mockaep/reset").status_code == 200
    assert _spooled(app) == []


def test_a_blob_id_from_a_hand_written_document_reads_nothing_outside_the_spool(http, target):
    dataset_id, batch_id = target
    helpers.upload(http, batch_id, dataset_id, "a.json", ndjson([member("m1")]))
    document = http.get("/_mockaep/state?secrets=include").json
    (tenant,) = document["tenants"]
    (record,) = tenant["collections"]["stagedFiles"].values()
    record["blob"] = "../../../../etc/hostname"
    assert http.post("/_mockaep/state", json=document).status_code == 200
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers())
    assert done.status_code == 200
    settled = helpers.batch(http, batch_id)
    assert settled["status"] == "failed"
    assert any("not available" in error["description"] for error in settled["errors"])


def test_a_served_emulator_refuses_past_upload_quota_mb():
    with Server("serve", "--upload-quota-mb", "1") as server:
        http = RealHTTP(server.url)
        dataset_id = helpers.make_dataset(http, helpers.make_schema(http))
        batch_id = helpers.open_batch(http, dataset_id)
        assert helpers.upload(http, batch_id, dataset_id, "a.bin", b"x" * 600_000).status_code == 200
        refused = helpers.upload(http, batch_id, dataset_id, "b.bin", b"y" * 600_000)
        assert_error(refused, 413, INGEST_TYPE)
        assert helpers.upload(http, batch_id, dataset_id, "b.bin", b"y" * 400_000).status_code == 200

