"""`mockaep serve` as a user runs it: a real waitress server in a subprocess."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import requests

from tests.conversion.helpers import STORED_MAPPING_SET


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    banner = process.stdout.readline().strip()
    assert banner.startswith("mockaep listening on http://127.0.0.1:"), banner
    return process, banner.rsplit(" ", 1)[1]


def stop_server(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=15)
    return process.returncode, out


def test_serve_prints_url_answers_and_stops_on_sigterm():
    process, url = start_server()
    try:
        health = requests.get(f"{url}/_mockaep/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert health.headers["Content-Type"].startswith("application/json")
        # A production server, not Flask's development server.
        assert "Werkzeug" not in health.headers.get("Server", "")
    finally:
        code, out = stop_server(process)
    assert code == 0
    assert "mockaep stopped" in out


def test_serve_stops_on_ctrl_c():
    process, url = start_server()
    requests.get(f"{url}/_mockaep/health", timeout=5)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "mockaep stopped" in out


def test_reset_clears_state_over_http():
    process, url = start_server()
    try:
        headers = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": "CLI@AdobeOrg"}
        document = {"format": "mockaep-state", "version": 1, "tenants": [
            {"imsOrg": "CLI@AdobeOrg", "sandbox": "prod", "collections": {"mappingSets": {STORED_MAPPING_SET["id"]: STORED_MAPPING_SET}}}]}
        assert requests.post(f"{url}/_mockaep/state", json=document, timeout=5).status_code == 200
        assert requests.get(f"{url}/_mockaep/state", timeout=5).json()["tenants"]
        assert requests.post(f"{url}/_mockaep/reset", headers=headers, timeout=5).status_code == 200
        assert requests.get(f"{url}/_mockaep/state", timeout=5).json()["tenants"] == []
    finally:
        stop_server(process)


def test_help_documents_every_serve_option():
    out = subprocess.run([sys.executable, "-m", "mockaep.cli", "serve", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for option in ("--host", "--port", "--threads", "--seed", "--replay", "--strict-auth", "--client",
                   "--sandbox", "--require-sandbox-header"):
        assert option in out


def test_bad_seed_file_is_refused_naming_the_file(tmp_path):
    seed = tmp_path / "broken.json"
    seed.write_text('{"format": "mockaep-state", "version": 1, "tenants": [', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mockaep.cli", "serve", "--port", "0", "--seed", str(seed)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert str(seed) in result.stderr and "not valid JSON" in result.stderr
