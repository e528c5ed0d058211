"""The record/replay targets of the contract suite.

Acceptance: record the contract suite through the proxy in front of a running emulator, then run
it again against ``mockaep serve --replay`` with an empty emulator behind, and it passes. Also:
the kinds come from the ``mockaep.contract_targets`` entry points (the plugin imports nothing of
the suite), a bad cassette is one usage error, and an existing tape is kept unless overwriting
is allowed."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import requests

from mockaep.replay.cassette import load_cassette
from mockaep_contracts.targets import is_deterministic, prefix_for, registered_prefixes, resolve_target
from tests.replay.servers import ROOT, Server

#: What the contract suite's client sends (client.aep defaults) and the token format the emulator's
#: IMS issues: none of it may reach the cassette.
SENT_SECRETS = ("mockaep-client", "mockaep-secret", "MOCKAEP00000000000000001@AdobeOrg")
ISSUED_TOKEN_RE = re.compile(r"mockaep-[A-Za-z0-9_-]{43}")
CONNECTION = {"name": "Target probe", "connectionSpec": {"id": "cb66ab34-8619-49cb-96d1-39b37ede86ea", "version": "1.0"},
              "auth": {"specName": "Basic Authentication",
                       "params": {"username": "probe@example.org", "password": "pw-probe", "securityToken": "st"}}}


def _contracts(target: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "contracts",
                           f"--target={target}"], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_contract_suite_passes_against_its_own_recording(tmp_path):
    cassette = tmp_path / "contracts.json"
    with Server("serve") as emulator:
        recorded = _contracts(f"record:{cassette}@{emulator.url}")
        assert recorded.returncode == 0, recorded.stdout[-3000:] + recorded.stderr[-2000:]
    text = cassette.read_text()
    for secret in SENT_SECRETS:
        assert secret not in text, f"{secret} leaked into the cassette"
    assert not ISSUED_TOKEN_RE.search(text), "an IMS access token leaked into the cassette"
    taped = len(load_cassette(cassette).interactions)
    assert taped > 50

    with Server("serve", "--replay", str(cassette)) as replay:
        replayed = _contracts(f"replay:{cassette}@{replay.url}")
        assert replayed.returncode == 0, replayed.stdout[-3000:] + replayed.stderr[-2000:]
        assert re.search(r"\d+ passed", replayed.stdout)
        status = requests.get(f"{replay.url}/_mockaep/replay", timeout=10).json()
        # every answer came from the tape: no miss, and the emulator behind it holds nothing
        assert status["misses"] == 0 and status["played"] == taped, status
        assert requests.get(f"{replay.url}/_mockaep/state", timeout=10).json()["tenants"] == []


def _contract_module(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "contracts/test_mapping.py", *options], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_missing_cassette_is_one_usage_error(tmp_path):
    missing = tmp_path / "missing.json"
    done = _contract_module(f"--target=replay:{missing}")
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert output.count(f"--target: {missing}: cassette file not found") == 1, output
    assert "passed" not in output and "error" not in done.stdout.lower()


def test_record_refuses_to_overwrite_a_tape_unless_told(tmp_path):
    tape = tmp_path / "tape.json"
    tape.write_text("precious")
    done = _contract_module(f"--target=record:{tape}")
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert output.count("cassette already exists (pass --target-overwrite to replace it)") == 1, output
    assert tape.read_text() == "precious"

    done = _contract_module(f"--target=record:{tape}", "--target-overwrite")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert len(load_cassette(tape).interactions) > 5


def _modules_after(statement: str, prefix: str) -> list[str]:
    """The modules under ``prefix`` a fresh interpreter holds after running ``statement``."""
    done = subprocess.run([sys.executable, "-c", f"import json, sys; {statement}; "
                           f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefix!r}))))"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_kinds_come_from_entry_points_and_the_plugin_imports_nothing_of_the_suite():
    assert prefix_for("replay:x.json") == "replay:" and prefix_for("record:x.json@http://h:1") == "record:"
    assert is_deterministic("replay:x.json") and is_deterministic("record:x.json")
    assert {"record:", "replay:"} <= set(registered_prefixes())
    assert _modules_after("import mockaep.replay.contract_target", "mockaep_contracts") == []
    # the suite's registry knows the kinds by their entry points, without importing them
    assert _modules_after("import mockaep_contracts.targets as t; t.registered_prefixes()", "mockaep.replay") == []


def test_replay_and_record_targets_resolve_in_process(tmp_path):
    tape = tmp_path / "record.json"
    recording = resolve_target(f"record:{tape}")
    aep = recording.make_client()
    created = aep.flowservice.create_connection(CONNECTION)
    recording.close()
    assert recording.deterministic and not recording.is_mockaep
    taped = load_cassette(tape)
    assert taped.meta["recordedBy"] == "contracts" and len(taped.interactions) == 2  # IMS token, create

    replaying = resolve_target(f"replay:{tape}")
    replaying.reset()
    again = replaying.make_client().flowservice.create_connection(CONNECTION)
    assert again.id == created.id and replaying.deterministic and not replaying.is_mockaep
    with pytest.raises(ValueError, match="cassette already exists"):
        resolve_target(f"record:{tape}")
    resolve_target(f"record:{tape}", overwrite=True).close()
    assert load_cassette(tape).interactions == []
