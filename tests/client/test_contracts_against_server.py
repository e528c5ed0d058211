"""The contract suite, run as a user would against ``mockaep serve`` on a real socket."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import requests

from mockaep_client import AEPClient, onboard

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _start_server(*options: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--host", "127.0.0.1", "--port", "0",
                                "--quiet", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    banner = process.stdout.readline().strip()
    assert banner.startswith("mockaep listening on http://"), banner or process.stderr.read()
    url = banner.rsplit(" ", 1)[1]
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{url}/_mockaep/health", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the server never answered /_mockaep/health"
        time.sleep(0.1)


def test_contract_suite_passes_against_a_running_server():
    process, url = _start_server()
    try:
        env = {k: v for k, v in os.environ.items() if k != "MOCKAEP_TARGET"}
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "contracts",
                                 f"--target={url}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " skipped" not in result.stdout.split("\n")[-2]


def _contracts(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOCKAEP_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300)


def test_on_a_shared_protected_server_the_suite_clears_only_its_own_orgs():
    """``--strict-auth`` with an admin token: the suite's control-plane calls carry
    ``MOCKAEP_ADMIN_TOKEN``, its clients ``MOCKAEP_CLIENT_ID``/``SECRET``; another org's objects
    on the server outlive the run, and every org the run made is gone after it."""
    process, url = _start_server("--strict-auth", "--client", "ci:ci-secret", "--admin-token", "admin-secret")
    try:
        keeper = AEPClient.for_emulator(url, client_id="ci", client_secret="ci-secret",
                                        org_id="KEEPER000000000000000001@AdobeOrg")
        kept = onboard(keeper, "servicenow")
        tenants = requests.get(f"{url}/_mockaep/health", timeout=10).json()["tenants"]
        result = _contracts("contracts/test_dataflow_runs.py", "contracts/test_refusals.py", "-k",
                            "dataflow or whole_state", f"--target={url}", MOCKAEP_ADMIN_TOKEN="admin-secret",
                            MOCKAEP_CLIENT_ID="ci", MOCKAEP_CLIENT_SECRET="ci-secret")
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert "3 passed" in result.stdout, result.stdout[-2000:]
        assert keeper.flowservice.get_flow(kept.flow_id)["id"] == kept.flow_id
        assert requests.get(f"{url}/_mockaep/health", timeout=10).json()["tenants"] == tenants
        refused = _contracts("contracts/test_dataflow_runs.py", f"--target={url}", MOCKAEP_CLIENT_ID="ci",
                             MOCKAEP_CLIENT_SECRET="ci-secret")  # no admin token: the control plane says no
        assert refused.returncode == 1 and "403" in refused.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)


def test_an_unreachable_url_is_one_usage_error():
    process, url = _start_server()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
    result = _contracts("contracts", f"--target={url}")
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"cannot reach {url}" in result.stderr and result.stderr.count("cannot reach") == 1
