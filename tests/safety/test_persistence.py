"""``mockaep serve --state-file``: restore at start, atomic snapshots, SIGKILL loses nothing
acknowledged before the last completed snapshot, bad files are refused (never overwritten)."""
from __future__ import annotations

import json
import os
import stat
import time

import pytest
import requests

import tests.catalog.helpers as helpers
from mockaep import create_app
from mockaep.core.config import Config
from tests.conftest import ORG, OTHER_ORG, gateway_headers
from tests.conversion.helpers import STORED_MAPPING_SET
from tests.replay.servers import Server, run_mockaep
from tests.safety.realhttp import RealHTTP

CONNECTIONS = "/data/foundation/flowservice/connections"
SERVICE_CLOUD = "cb66ab34-8619-49cb-96d1-39b37ede86ea"


def _health(http) -> dict:
    return http.get("/_mockaep/health").json


def _wait_for_a_snapshot_after_now(http, timeout: float = 60) -> None:
    """Block until a snapshot that started after this call has completed (two completions from now)."""
    seen = _health(http)["stateFile"]["snapshots"]
    deadline = time.monotonic() + timeout
    while _health(http)["stateFile"]["snapshots"] < seen + 2:
        assert time.monotonic() < deadline, "no snapshot completed"
        time.sleep(0.05)


def _make_writes(http, org: str = ORG) -> dict:
    schema_id = helpers.make_schema(http, org=org)
    dataset_id = helpers.make_dataset(http, schema_id, "Persisted members", org=org)
    connection = http.post(CONNECTIONS, headers=gateway_headers(org=org), json={
        "name": "Persisted desk", "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "u", "password": "p", "securityToken": "t"}}})
    assert connection.status_code == 201, connection.get_data(as_text=True)
    batch_id = helpers.open_batch(http, dataset_id, org=org)
    uploaded = helpers.upload(http, batch_id, dataset_id, "members.json",
                              helpers.ndjson([helpers.member("m1", 10, "gold", org=org)]), org=org)
    assert uploaded.status_code == 200
    return {"dataset": dataset_id, "batch": batch_id, "connection": connection.json["id"]}


def _export(http) -> dict:
    return http.get("/_mockaep/state?secrets=include").json


def test_sigkill_loses_nothing_acknowledged_before_the_last_completed_snapshot(tmp_path):
    state_file = tmp_path / "shared.state.json"
    with Server("serve", "--state-file", str(state_file), "--snapshot-interval", "0.2") as first:
        http = RealHTTP(first.url)
        made = [_make_writes(http), _make_writes(http, org=OTHER_ORG)]
        _wait_for_a_snapshot_after_now(http)
        before = _export(http)
        first.process.kill()  # SIGKILL: no shutdown snapshot
        first.process.wait(10)
    with Server("serve", "--state-file", str(state_file), "--snapshot-interval", "0.2") as second:
        http = RealHTTP(second.url)
        assert _export(http) == before
        # the staged upload came back too: the batch completes with the row ingested
        done = http.post(f"{helpers.IMPORT}/batches/{made[0]['batch']}?action=COMPLETE", headers=gateway_headers())
        assert done.status_code == 200, done.get_data(as_text=True)
        assert helpers.batch(http, made[0]["batch"])["metrics"]["recordsWritten"] == 1


def test_sigterm_takes_a_final_snapshot(tmp_path):
    state_file = tmp_path / "final.state.json"
    with Server("serve", "--state-file", str(state_file), "--snapshot-interval", "3600") as first:
        http = RealHTTP(first.url)
        _make_writes(http)
        before = _export(http)
        assert first.stop() == 0
    assert "mockaep stopped" in first.output
    with Server("serve", "--state-file", str(state_file)) as second:
        assert _export(RealHTTP(second.url)) == before


def test_the_state_file_is_private_versioned_and_written_without_leftovers(tmp_path):
    state_file = tmp_path / "s.json"
    with Server("serve", "--state-file", str(state_file), "--snapshot-interval", "0.1") as server:
        http = RealHTTP(server.url)
        _make_writes(http)
        _wait_for_a_snapshot_after_now(http)
        status = _health(http)["stateFile"]
        assert status["lastError"] is None and status["lastSnapshotAt"].endswith("Z")
    document = json.loads(state_file.read_text())
    assert document["format"] == "mockaep-state-file" and document["version"] == 1
    assert document["state"]["tenants"]
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "s.json.uploads"]


def test_tokens_survive_a_restart_but_are_not_written_in_clear(tmp_path):
    state_file = tmp_path / "tokens.json"
    args = ("serve", "--strict-auth", "--client", "ci:ci-secret", "--state-file", str(state_file))
    with Server(*args) as first:
        token = requests.post(f"{first.url}/ims/token/v3", data={
            "grant_type": "client_credentials", "client_id": "ci", "client_secret": "ci-secret"},
            timeout=10).json()["access_token"]
    assert token not in state_file.read_text()
    with Server(*args) as second:
        headers = gateway_headers(Authorization=f"Bearer {token}", **{"x-api-key": "ci"})
        assert requests.get(f"{second.url}/data/foundation/flowservice/flows", headers=headers,
                            timeout=10).status_code == 200


@pytest.mark.parametrize("content, problem", [
    ('{"format": "mockaep-state-file", "version": 1, "state": {', "not valid JSON"),
    ("", "state file is empty"),
    ('{"format": "mockaep-state-file", "version": 99, "state": {}, "tokens": []}', "version 99 is not supported"),
    ('{"format": "something-else"}', "not a mockaep state file"),
    ('{"format": "mockaep-state-file", "version": 1, "state": {"format": "mockaep-state", "version": 1, '
     '"tenants": 5}, "tokens": []}', "'tenants' must be a list"),
    ('{"format": "mockaep-state-file", "version": 1, "state": {"format": "mockaep-state", "version": 1, '
     '"tenants": []}, "tokens": [{"sha256": 1}]}', "tokens[0] is not a token entry"),
])
def test_a_corrupt_or_incompatible_file_is_refused_in_one_line_and_kept(tmp_path, content, problem):
    state_file = tmp_path / "bad.json"
    state_file.write_text(content)
    done = run_mockaep("serve", "--port", "0", "--state-file", str(state_file))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"mockaep: {state_file}: ") and problem in lines[0], done.stderr
    assert state_file.read_text() == content  # never overwritten


def test_an_unwritable_state_file_location_is_refused_at_start(tmp_path):
    done = run_mockaep("serve", "--port", "0", "--state-file", str(tmp_path / "no" / "such" / "dir" / "s.json"))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockaep: ") and "cannot write the state file" in lines[0]


def test_a_seed_starts_a_state_file_but_never_overrides_it(tmp_path):
    seed = tmp_path / "seed.json"
    seeded = {"format": "mockaep-state", "version": 1, "tenants": [
        {"imsOrg": ORG, "sandbox": "prod", "collections": {"mappingSets": {STORED_MAPPING_SET["id"]: STORED_MAPPING_SET}}, "meta": {}}]}
    seed.write_text(json.dumps(seeded))
    state_file = tmp_path / "state.json"
    app = create_app(Config(seed_file=str(seed), state_file=str(state_file)))
    app.extensions["mockaep"].state_file.snapshot_now()
    http = app.test_client()
    assert http.get("/_mockaep/state").json == seeded
    assert http.post("/_mockaep/reset").status_code == 200
    app.extensions["mockaep"].state_file.snapshot_now()
    again = create_app(Config(seed_file=str(seed), state_file=str(state_file))).test_client()
    assert again.get("/_mockaep/state").json["tenants"] == []


def test_landed_data_survives_a_restart_and_only_what_a_snapshot_names_is_kept(tmp_path):
    state_file = tmp_path / "landed.json"
    blobs = tmp_path / "landed.json.uploads"
    with Server("serve", "--state-file", str(state_file), "--snapshot-interval", "0.1") as first:
        http = RealHTTP(first.url)
        made = _make_writes(http)
        assert http.post(f"{helpers.IMPORT}/batches/{made['batch']}?action=COMPLETE",
                         headers=gateway_headers()).status_code == 200
        doomed = helpers.open_batch(http, made["dataset"])
        helpers.upload(http, doomed, made["dataset"], "gone.json", helpers.ndjson([helpers.member("m2")]))
        http.post(f"{helpers.IMPORT}/batches/{doomed}?action=COMPLETE", headers=gateway_headers())
        assert http.delete(f"{helpers.CATALOG}/batches/{doomed}", headers=gateway_headers()).status_code == 200
        _wait_for_a_snapshot_after_now(http)
        # the two uploads (a staged file outlives its batch until Batch Ingestion is next written to)
        # and the kept batch's landed file: the deleted batch's landed file is gone
        assert len(os.listdir(blobs)) == 3
    with Server("serve", "--state-file", str(state_file)) as second:
        http = RealHTTP(second.url)
        rows = http.get(f"/_mockaep/datasets/{made['dataset']}/rows", query_string={"org": ORG}).json
        assert rows["rows"] == [helpers.member("m1", 10, "gold")] and rows["unavailableFiles"] == []
        (entry,) = http.get(f"/data/foundation/export/batches/{made['batch']}/files", headers=gateway_headers()).json[
            "data"]
        (part,) = http.get(f"/data/foundation/export/files/{entry['dataSetFileId']}", headers=gateway_headers()).json[
            "data"]
        download = http.get(f"/data/foundation/export/files/{entry['dataSetFileId']}", headers=gateway_headers(),
                            query_string={"path": part["name"]})
        assert download.status_code == 200 and download.get_data()[:4] == b"PAR1"
