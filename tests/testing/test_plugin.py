"""The pytest plugin: its fixtures, its import cost, and its behaviour under pytest-xdist."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import requests

import mockaep_pytest
from mockaep_client import onboarding as steps

SERVICENOW = steps.SOURCES["servicenow"]


def _connection(name: str) -> dict:
    return steps.base_connection_body(name, SERVICENOW)


# -- the fixtures, in this very run ----------------------------------------------------------------
def test_aep_client_is_bound_to_aep_app(aep_app, aep_client):
    created = aep_client.flowservice.create_connection(_connection("Plugin in-process"))
    state = aep_app.test_client().get("/_mockaep/state").get_json()
    assert created.id in state["tenants"][0]["collections"]["connections"]


def test_aep_app_is_fresh_for_each_test(aep_client):
    assert aep_client.flowservice.list_connections()["items"] == []


def test_aep_server_gives_a_url_an_org_and_headers(aep_server):
    answer = requests.get(f"{aep_server.url}/data/foundation/flowservice/connections", headers=aep_server.headers,
                          timeout=10)
    assert answer.status_code == 200 and answer.json()["items"] == []
    assert aep_server.headers["x-gw-ims-org-id"] == aep_server.org and aep_server.org.endswith("@AdobeOrg")
    created = aep_server.client().flowservice.create_connection(_connection("Plugin served"))
    assert [e["status"] for e in aep_server.requests(operationId="createConnection")] == [201]
    assert created.id
    # leave a fault rule and a moved clock behind: the fixture cleans them up after the test
    aep_server.control.add_fault({"org": aep_server.org}, {"status": 500})
    aep_server.control.advance_clock(3600)


def test_aep_server_is_shared_but_each_test_has_its_own_org(aep_server):
    assert aep_server.client().flowservice.list_connections()["items"] == []
    assert aep_server.control.faults() == [] and aep_server.control.clock()["mode"] == "wall"


# -- the plugin itself ---------------------------------------------------------------------------
def test_registered_as_mockaep_under_pytest11():
    [found] = [ep for ep in entry_points(group="pytest11") if ep.name == "mockaep"]
    assert found.value == "mockaep_pytest"


def test_importing_the_plugin_loads_neither_the_emulator_nor_flask():
    code = ("import sys, mockaep_pytest; "
            "print(sorted(m for m in ('mockaep', 'mockaep.app', 'flask', 'requests', 'mockaep_client') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_plugin_adds_no_command_line_option():
    assert not hasattr(mockaep_pytest, "pytest_addoption")


def _run_pytest(tmp_path, source: str, *args: str, env: dict[str, str] | None = None):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args,
                           str(tmp_path / "test_sample.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_fixtures_are_safe_under_xdist(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    result = _run_pytest(tmp_path, """
        import os, pathlib
        import pytest
        from mockaep_client import onboarding as steps

        BODY = steps.base_connection_body("xdist", steps.SOURCES["servicenow"])

        @pytest.mark.parametrize("n", range(6))
        def test_served(aep_server, n):
            client = aep_server.client()
            assert client.flowservice.list_connections()["items"] == []   # a fresh org
            client.flowservice.create_connection(BODY)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            pathlib.Path(os.environ["NOTES"], f"served-{n}").write_text(f"{worker} {aep_server.url} {aep_server.org}")

        @pytest.mark.parametrize("n", range(4))
        def test_in_process(aep_client, n):
            assert aep_client.flowservice.list_connections()["items"] == []
            aep_client.flowservice.create_connection(BODY)
    """, "-n", "2", "-p", "xdist", env={"NOTES": str(notes)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "10 passed" in result.stdout
    lines = [path.read_text().split() for path in notes.iterdir()]
    assert len(lines) == 6
    servers = {}
    for worker, url, _org in lines:
        servers.setdefault(worker, set()).add(url)
    assert set(servers) == {"gw0", "gw1"}  # both workers served tests...
    assert all(len(urls) == 1 for urls in servers.values())  # ...each with one server for its session
    assert servers["gw0"] != servers["gw1"]
    assert len({org for _w, _u, org in lines}) == 6


def test_the_contract_suite_isolates_tests_on_an_emulator(tmp_path):
    result = _run_pytest(tmp_path, """
        from mockaep_client import onboarding as steps

        BODY = steps.base_connection_body("contract isolation", steps.SOURCES["servicenow"])

        def test_first_creates(aep):
            aep.flowservice.create_connection(BODY)
            assert len(aep.flowservice.list_connections()["items"]) == 1

        def test_second_sees_nothing_of_it(aep, world):
            names = [c["name"] for c in aep.flowservice.list_connections()["items"]]
            assert names and "contract isolation" not in names   # only its own world
    """, "-p", "mockaep_contracts.plugin", "-p", "mockaep_contracts.conftest", "--target=inprocess")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout
