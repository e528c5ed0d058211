"""`mockaep serve` as a user runs it: a real waitress server in a subprocess."""
from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys

import pytest
import requests

from tests.conversion.helpers import STORED_MAPPING_SET
from tests.replay.servers import URL_RE

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
HEADERS = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": "CLI@AdobeOrg"}
FLOWS = "/data/foundation/flowservice/flows"


def start_server(*args: str, quiet: bool = True) -> tuple[subprocess.Popen, str]:
    """``mockaep serve --port 0`` (``--quiet`` unless asked: nothing reads its stderr while it runs)."""
    process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--port", "0", *args,
                                *(["--quiet"] if quiet else [])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    banner = process.stdout.readline().strip()
    assert banner.startswith("mockaep listening on http://127.0.0.1:"), banner
    return process, banner.rsplit(" ", 1)[1]


def stop_server(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=15)
    return process.returncode, out


def refused(*args: str, code: int | None = None) -> str:
    """Run ``mockaep serve ARGS`` expecting a refusal (exit ``code`` when given, else any non-zero);
    the single stderr line it printed."""
    result = subprocess.run([sys.executable, "-m", "mockaep.cli", "serve", *args], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode != 0 if code is None else result.returncode == code, (result.returncode, result.stderr)
    # (a note about an exposed host may come first: it is printed before listening is tried)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("mockaep: note:")]
    assert len(lines) == 1 and lines[0].startswith("mockaep: "), result.stderr
    assert "Traceback" not in result.stderr and "listening" not in result.stdout
    return lines[0]


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


# -- refusals: one line, non-zero exit -------------------------------------------------------------
@pytest.mark.parametrize("args, says", [
    (["--port", "99999"], "--port: must be in 0..65535, got 99999"),
    (["--port", "http"], "--port: must be an integer"),
    (["--threads", "0"], "--threads: must be in 1..256, got 0"),
    (["--journal-size", "0"], "--journal-size: must be in 1..10000"),
    (["--clock", "sundial"], "--clock: invalid choice"),
    (["--replay-mode", "hybrid"], "--replay-mode needs --replay"),
    (["--match-on", "method,path"], "--match-on needs --replay"),
    (["--snapshot-interval", "2"], "--snapshot-interval needs --state-file"),
    (["--quiet", "--log-level", "debug"], "not allowed with argument --quiet"),
    (["--host", "192.0.2.1", "--port", "0"], "cannot listen on 192.0.2.1:0"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_bad_options_are_one_line_refusals(args, says):
    assert says in refused(*args)


def test_a_port_in_use_is_refused():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        line = refused("--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in line and "in use" in line
    assert line.endswith("; try another --port, or --port 0 for any free one")


# -- option values refused before anything starts: usage errors, exit 2 ---------------------------
@pytest.mark.parametrize("args, says", [
    # --admin-token "$MOCKAEP_ADMIN_TOKEN" with the variable unset (was: dropped silently)
    (["--admin-token", ""], "argument --admin-token: is empty (is the variable you passed set?)"),
    (["--admin-token", " "], "argument --admin-token: is empty (is the variable you passed set?)"),
    # (was: an empty list meant the default parts)
    (["--replay", "x.json", "--match-on", ""], "argument --match-on: match on at least one of method, scheme,"),
    (["--replay", "x.json", "--match-on", "method,colour"], "argument --match-on: unknown match part(s) colour"),
    # names the gateway refuses (SANDBOX_NAME_RE): such a sandbox could never be addressed
    (["--sandbox", "BAD_NAME!"], "argument --sandbox: 'BAD_NAME!' is not a sandbox name"),
    (["--sandbox", "dev", "--sandbox=-dev"], "argument --sandbox: '-dev' is not a sandbox name"),
    # an org that is not <id>@AdobeOrg; often a secret with an '@' cut short
    (["--client", "a:b@notanorg"], "argument --client: client a: 'notanorg' is not an IMS org id (<id>@AdobeOrg"),
    (["--client", f"a:b@{HEADERS['x-gw-ims-org-id']},other"], "argument --client: client a: 'other' is not an IMS org id"),
])
def test_bad_option_values_are_usage_errors(args, says):
    line = refused("--port", "0", *args, code=2)
    assert line.startswith(f"mockaep: {says}"), line


def test_a_state_file_in_a_missing_directory_is_refused_and_the_directory_not_created(tmp_path):
    missing = tmp_path / "no" / "such"
    line = refused("--port", "0", "--state-file", str(missing / "state.json"))
    assert line == (f"mockaep: {missing / 'state.json'}: cannot write the state file: directory {missing} "
                    "does not exist (create it first)")
    assert not (tmp_path / "no").exists()


def test_a_file_neither_json_nor_yaml_given_as_cassette_is_one_line(tmp_path):
    pytest.importorskip("yaml")
    notes = tmp_path / "NOTES.md"
    notes.write_text("# Notes\n\n```bash\nmockaep serve\n```\n", encoding="utf-8")
    line = refused("--port", "0", "--replay", str(notes))
    assert line == (f"mockaep: {notes}: cassette is neither JSON nor valid YAML (line 3, column 1: found "
                    "character '`' that cannot start any token)")


# -- the banner: its last word is the URL to use ------------------------------------------------------
def test_on_all_interfaces_the_banner_says_so_and_ends_with_a_url_that_works():
    process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--port", "0", "--host", "0.0.0.0",
                                "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        banner = process.stdout.readline().strip()
        url = banner.rsplit(" ", 1)[1]
        port = url.rsplit(":", 1)[1]
        assert banner == f"mockaep listening on 0.0.0.0:{port} (all IPv4 interfaces): http://127.0.0.1:{port}"
        assert URL_RE.search(banner).group(1) == url  # how tests.replay.servers.Server reads it
        assert requests.get(f"{url}/_mockaep/health", timeout=5).status_code == 200
    finally:
        stop_server(process)


def test_help_lists_the_match_parts_and_the_client_org_form():
    out = " ".join(subprocess.run([sys.executable, "-m", "mockaep.cli", "serve", "--help"], capture_output=True,
                                  text=True, check=True).stdout.split())
    assert "--match-on PART,..." in out
    assert "from method, scheme, host, port, path, query, body, headers (default: method,path,query,body)" in out
    assert "--client ID:SECRET[@ORG,...]" in out and "@ORG,... (org ids, <id>@AdobeOrg) binds its tokens" in out


# -- sandboxes --------------------------------------------------------------------------------------
def test_with_sandbox_given_only_those_sandboxes_exist():
    process, url = start_server("--sandbox", "dev")
    try:
        dev = requests.get(f"{url}{FLOWS}", headers={**HEADERS, "x-sandbox-name": "dev"}, timeout=5)
        prod = requests.get(f"{url}{FLOWS}", headers={**HEADERS, "x-sandbox-name": "prod"}, timeout=5)
        missing = requests.get(f"{url}{FLOWS}", headers=HEADERS, timeout=5)  # no header: prod
    finally:
        stop_server(process)
    assert dev.status_code == 200
    assert prod.status_code == 404 and prod.json()["title"] == "Sandbox not found"
    assert missing.status_code == 404


# -- seeds ------------------------------------------------------------------------------------------
def test_both_shipped_fixtures_load_together():
    process, url = start_server("--seed", str(FIXTURES / "servicenow.state.json"),
                                "--seed", str(FIXTURES / "salesforce-service-cloud.state.json"))
    try:
        tenants = requests.get(f"{url}/_mockaep/state", timeout=10).json()["tenants"]
    finally:
        stop_server(process)
    assert sorted(t["sandbox"] for t in tenants) == ["prod", "salesforce-service-cloud"]
    assert len({t["imsOrg"] for t in tenants}) == 1


def test_a_seed_that_would_replace_a_loaded_tenant_is_refused(tmp_path):
    copy = tmp_path / "again.state.json"
    copy.write_text((FIXTURES / "servicenow.state.json").read_text(encoding="utf-8"), encoding="utf-8")
    line = refused("--seed", str(FIXTURES / "servicenow.state.json"), "--seed", str(copy), "--port", "0")
    assert str(copy) in line and "already loaded from" in line and "sandbox prod" in line


# -- clock, journal, logs -------------------------------------------------------------------------
def test_clock_virtual_and_journal_size():
    process, url = start_server("--clock", "virtual", "--journal-size", "2")
    try:
        first = requests.get(f"{url}/_mockaep/clock", timeout=5).json()
        again = requests.get(f"{url}/_mockaep/clock", timeout=5).json()
        for limit in (1, 2, 3):
            requests.get(f"{url}{FLOWS}", headers=HEADERS, params={"limit": limit}, timeout=5)
        journal = requests.get(f"{url}/_mockaep/requests", timeout=5).json()
    finally:
        stop_server(process)
    assert first["mode"] == "virtual" and first["now"] == again["now"]
    assert journal["size"] == 2 and [e["query"] for e in journal["requests"]] == ["limit=3", "limit=2"]


def test_one_access_line_per_request_on_stderr():
    process, url = start_server(quiet=False)
    try:
        requests.get(f"{url}{FLOWS}", headers={**HEADERS, "x-sandbox-name": "dev"}, params={"limit": 3}, timeout=5)
        requests.get(f"{url}/nowhere", timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert " CLI@AdobeOrg/dev GET /data/foundation/flowservice/flows?limit=3 200 " in lines[0]
    assert lines[0].split()[0].endswith("Z") and lines[0].endswith("ms")
    assert " -/- GET /nowhere 404 " in lines[1]


def test_quiet_writes_no_access_lines():
    process, url = start_server(quiet=True)
    requests.get(f"{url}{FLOWS}", headers=HEADERS, timeout=5)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=15)
    # warnings may remain (waitress's "Task queue depth" on a loaded machine); access lines do not
    assert "GET " not in err and FLOWS not in err, err


def test_help_documents_the_testing_options():
    out = subprocess.run([sys.executable, "-m", "mockaep.cli", "serve", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for option in ("--clock", "--journal-size", "--log-level", "--quiet"):
        assert option in out
