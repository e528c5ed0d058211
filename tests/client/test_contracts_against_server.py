"""The contract suite, run as a user would against ``mockaep serve`` on a real socket."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _start_server() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--host", "127.0.0.1", "--port", "0",
                                "--quiet"],
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
