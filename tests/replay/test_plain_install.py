"""Record → replay as a user does it, after a plain ``pip install .`` (no PyYAML, no test extra).

The recorder writes whatever file name it is given; the replayer must read what it wrote, so a
tape called ``tape.yaml`` (JSON inside, as every mockaep cassette) replays as well as ``tape.json``.
"""
from __future__ import annotations

import subprocess

import requests

from tests.replay.servers import Server

CLIENT = {"client_id": "plain-install-client-7731", "client_secret": "plain-install-secret-2208",
          "org": "5A5A5A5A5A5A5A5A5A5A5A5A@AdobeOrg"}
SALESFORCE = {"id": "cb66ab34-8619-49cb-96d1-39b37ede86ea", "version": "1.0"}


def _drive(base: str) -> list[requests.Response]:
    """A token, a base connection created, read back and listed, and a lookup of a missing one."""
    token = requests.post(f"{base}/ims/token/v3", timeout=30, data={
        "grant_type": "client_credentials", "client_id": CLIENT["client_id"], "client_secret": CLIENT["client_secret"]})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "x-api-key": CLIENT["client_id"],
               "x-gw-ims-org-id": CLIENT["org"], "x-sandbox-name": "prod"}
    connections = f"{base}/data/foundation/flowservice/connections"
    created = requests.post(connections, headers=headers, timeout=30, json={
        "name": "Plain install login", "connectionSpec": SALESFORCE,
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "plain@example.org", "password": "pw-plain-4410", "securityToken": "st-90"}}})
    read = requests.get(f"{connections}/{created.json()['id']}", headers=headers, timeout=30)
    listed = requests.get(connections, headers=headers, params={"limit": "5"}, timeout=30)
    missing = requests.get(f"{connections}/0000aaaa-0000-4000-8000-00000000dead", headers=headers, timeout=30)
    return [token, created, read, listed, missing]


def test_a_recorded_tape_of_any_name_replays_after_a_plain_install(plain_install, tmp_path):
    mockaep = str(plain_install / "mockaep")
    # the point of the exercise: the installed package carries no YAML reader
    has_yaml = subprocess.run([str(plain_install / "python"), "-c", "import yaml"], capture_output=True)
    assert has_yaml.returncode != 0, "PyYAML is installed: this would not test a plain install"

    tapes = {name: tmp_path / name for name in ("tape.yaml", "tape.json")}
    recorded = {}
    with Server("serve", program=mockaep, cwd=tmp_path) as upstream:
        for name, tape in tapes.items():
            recorder = Server("record", "--upstream", upstream.url, "--out", str(tape), program=mockaep, cwd=tmp_path)
            recorded[name] = _drive(recorder.url)
            assert recorder.stop() == 0, recorder.output
            assert "wrote 5 exchange(s)" in recorder.output
    assert [r.status_code for r in recorded["tape.json"]] == [200, 201, 200, 200, 404]

    for name, tape in tapes.items():
        assert tape.read_text().lstrip().startswith("{")  # JSON, whatever the name says
        with Server("serve", "--replay", str(tape), program=mockaep, cwd=tmp_path) as replay:
            replayed = _drive(replay.url)
            status = requests.get(f"{replay.url}/_mockaep/replay", timeout=10).json()
        assert [r.status_code for r in replayed] == [r.status_code for r in recorded[name]], name
        # the recorded answers come back (the token too: its value is the tape's placeholder's stand-in)
        for before, after in list(zip(recorded[name], replayed))[1:]:
            assert after.json() == before.json(), (name, after.request.method, after.request.url)
        assert status["misses"] == 0 and status["played"] == 5, status
