"""Acceptance: record the contract suite through the proxy in front of a running emulator, then
run it again against ``mockaep serve --replay`` with an empty emulator behind, and it passes."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import requests

from mockaep.replay.cassette import load_cassette
from tests.replay.servers import ROOT, Server

#: What the contract suite's client sends (client.aep defaults) and the token format the emulator's
#: IMS issues: none of it may reach the cassette.
SENT_SECRETS = ("mockaep-client", "mockaep-secret", "MOCKAEP00000000000000001@AdobeOrg")
ISSUED_TOKEN_RE = re.compile(r"mockaep-[A-Za-z0-9_-]{43}")


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
