"""The commands as a user runs them: real processes, real sockets, SIGTERM to stop."""
from __future__ import annotations

import json

import requests

from mockaep.replay.cassette import load_cassette, write_cassette
from mockaep.replay.postman import import_collection
from tests.replay.conftest import POSTMAN
from tests.replay.servers import Server, run_mockaep

REAL = {"client_id": "cli-real-client-5521", "client_secret": "cli-real-secret-8830",
        "org": "77AA88BB99CC00DD11EE22FF@AdobeOrg"}
OTHER = {"client_id": "someone-else-0001", "client_secret": "another-secret-0002",
         "org": "0000FFFF0000FFFF0000FFFF@AdobeOrg"}


def _session(base: str, who: dict[str, str]) -> list[requests.Response]:
    """IMS token, then a base connection created and read back, as any client would do."""
    token = requests.post(f"{base}/ims/token/v3", data={"grant_type": "client_credentials",
                                                        "client_id": who["client_id"],
                                                        "client_secret": who["client_secret"]}, timeout=30)
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "x-api-key": who["client_id"],
               "x-gw-ims-org-id": who["org"], "x-sandbox-name": "prod"}
    created = requests.post(f"{base}/data/foundation/flowservice/connections", headers=headers, timeout=30, json={
        "name": "CLI base connection", "connectionSpec": {"id": "cb66ab34-8619-49cb-96d1-39b37ede86ea",
                                                          "version": "1.0"},
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "cli.bot@example.org", "password": "pw-cli-9911", "securityToken": "st-cli-4455"}}})
    connection_id = created.json().get("id", "none")
    read = requests.get(f"{base}/data/foundation/flowservice/connections/{connection_id}", headers=headers, timeout=30)
    return [token, created, read]


def test_record_through_the_proxy_then_serve_the_replay(tmp_path):
    cassette = tmp_path / "cli.json"
    with Server("serve") as upstream:
        recorder = Server("record", "--upstream", upstream.url, "--out", str(cassette))
        recorded = _session(recorder.url, REAL)
        assert recorder.stop() == 0  # SIGTERM: closes cleanly
    assert [r.status_code for r in recorded] == [200, 201, 200]
    assert "wrote 3 exchange(s)" in recorder.output
    text = cassette.read_text()
    for secret in (*REAL.values(), recorded[0].json()["access_token"], "pw-cli-9911", "st-cli-4455"):
        assert secret not in text, secret
    meta = load_cassette(cassette).meta
    assert meta["upstream"] == upstream.url
    assert meta["interactions"] == 3 and meta["closedAt"] >= meta["recordedAt"]  # closed cleanly

    with Server("serve", "--replay", str(cassette)) as replay:
        replayed = _session(replay.url, OTHER)
        assert [r.status_code for r in replayed] == [200, 201, 200]
        assert replayed[1].json()["id"] == recorded[1].json()["id"]
        read_back = replayed[2].json()["items"][0]
        assert read_back["imsOrgId"] == OTHER["org"]  # placeholders take the replaying client's values
        assert {k: v for k, v in read_back.items() if k not in ("imsOrgId", "createdBy", "updatedBy",
                                                                 "createdClient", "updatedClient")} == \
            {k: v for k, v in recorded[2].json()["items"][0].items() if k not in (
                "imsOrgId", "createdBy", "updatedBy", "createdClient", "updatedClient")}
        miss = requests.get(f"{replay.url}/data/foundation/flowservice/connections/unknown-id", timeout=30,
                            headers={"Authorization": "Bearer x", "x-api-key": "k", "x-gw-ims-org-id": "o"})
        assert miss.status_code == 404
        assert "Closest: #2 GET /data/foundation/flowservice/connections/" in miss.json()["errorMessage"]


def test_serve_refuses_a_bad_cassette_naming_it(tmp_path):
    cassette = tmp_path / "bad-tape.json"
    cassette.write_text('{"version": 1, "interactions": [{"request": ')
    done = run_mockaep("serve", "--replay", str(cassette), "--port", "0")
    assert done.returncode != 0
    assert f"mockaep: {cassette}: cassette is not valid JSON (the file looks truncated)" in done.stderr


def test_record_refuses_to_overwrite_and_bad_upstreams(tmp_path):
    existing = tmp_path / "keep.json"
    existing.write_text("precious")
    done = run_mockaep("record", "--upstream", "http://127.0.0.1:9", "--out", str(existing), "--port", "0")
    assert done.returncode != 0 and "already exists" in done.stderr and existing.read_text() == "precious"
    done = run_mockaep("record", "--upstream", "ftp://x", "--out", str(tmp_path / "n.json"), "--port", "0")
    assert done.returncode != 0 and "--upstream must be an http(s) URL" in done.stderr


def test_import_postman_turns_every_official_collection_into_a_cassette(tmp_path):
    collections = sorted(POSTMAN.glob("*.json"))
    assert [c.stem for c in collections] == ["catalog", "conversion", "flowservice", "ingestion", "schemaregistry"]
    for collection in collections:
        interactions, meta = import_collection(str(collection))
        out = tmp_path / f"{collection.stem}.cassette.json"
        write_cassette(out, interactions, meta)
        loaded = load_cassette(out)
        assert loaded.interactions and all(200 <= i.status < 300 for i in loaded.interactions)
        assert all(i.uri.startswith("https://platform.adobe.io/data/foundation/") for i in loaded.interactions)
        assert loaded.meta["collectionFile"] == collection.name
    everything, _meta = import_collection(str(POSTMAN / "flowservice.json"), all_examples=True)
    assert {i.status for i in everything} >= {200, 201, 403}
    broken = tmp_path / "broken-collection.json"
    broken.write_text('{"info": {}, "item": [')
    done = run_mockaep("import-postman", str(broken), "--out", str(tmp_path / "x.json"))
    assert done.returncode == 2 and f"{broken}: collection is not valid JSON" in done.stderr
    assert not (tmp_path / "x.json").exists()


def test_a_postman_cassette_replays_the_documented_examples(tmp_path):
    cassette = tmp_path / "flow-service.cassette.json"
    assert run_mockaep("import-postman", str(POSTMAN / "flowservice.json"), "--out", str(cassette)).returncode == 0
    headers = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": "o@AdobeOrg"}
    with Server("serve", "--replay", str(cassette)) as replay:
        flow = requests.get(f"{replay.url}/data/foundation/flowservice/flows/any-flow-id", headers=headers,
                            timeout=30)
        assert flow.status_code == 200 and isinstance(flow.json()["items"], list)
        created = requests.post(f"{replay.url}/data/foundation/flowservice/flows", headers=headers, timeout=30,
                                json={"name": "whatever the body"})
        assert created.status_code == 201 and set(json.loads(created.content)) == {"id", "etag"}
