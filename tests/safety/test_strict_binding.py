"""Strict auth that binds: a token acts only for its own client id and the orgs that client may use."""
from __future__ import annotations

import pytest
import requests

from mockaep import create_app
from mockaep.core.config import Config
from tests.conftest import OTHER_ORG, ORG, gateway_headers
from tests.replay.servers import Server, run_mockaep

FLOWS = "/data/foundation/flowservice/flows"
TOKEN = "/ims/token/v3"


@pytest.fixture
def http():
    return create_app(Config(strict_auth=True, clients={"runner": "r-secret", "free": "f-secret"},
                             client_orgs={"runner": (ORG,)})).test_client()


def _token(http, client_id, secret):
    return http.post(TOKEN, data={"grant_type": "client_credentials", "client_id": client_id,
                                  "client_secret": secret}).json["access_token"]


def _as(token, api_key, org=ORG):
    return gateway_headers(org=org, Authorization=f"Bearer {token}", **{"x-api-key": api_key})


def test_the_token_of_a_client_works_with_its_own_api_key_and_org(http):
    assert http.get(FLOWS, headers=_as(_token(http, "runner", "r-secret"), "runner")).status_code == 200


def test_another_clients_api_key_is_403003(http):
    answer = http.get(FLOWS, headers=_as(_token(http, "runner", "r-secret"), "free"))
    assert answer.status_code == 403
    assert answer.json == {"error_code": "403003", "message": "Api Key is invalid"}


def test_an_org_outside_the_clients_orgs_is_403025(http):
    answer = http.get(FLOWS, headers=_as(_token(http, "runner", "r-secret"), "runner", org=OTHER_ORG))
    assert answer.status_code == 403
    assert answer.json == {"error_code": "403025", "message": "Profile is not valid"}


def test_a_client_without_orgs_may_act_for_any_org(http):
    token = _token(http, "free", "f-secret")
    assert http.get(FLOWS, headers=_as(token, "free", org=OTHER_ORG)).status_code == 200


def test_refused_requests_create_nothing(http):
    before = http.get("/_mockaep/health").json["tenants"]
    http.post(FLOWS, headers=_as(_token(http, "runner", "r-secret"), "runner", org=OTHER_ORG), json={})
    http.post(FLOWS, headers=_as(_token(http, "runner", "r-secret"), "free"), json={})
    assert http.get("/_mockaep/health").json["tenants"] == before


def test_permissive_mode_does_not_bind():
    http = create_app(Config(clients={"runner": "r-secret"}, client_orgs={"runner": (ORG,)})).test_client()
    token = _token(http, "runner", "r-secret")
    assert http.get(FLOWS, headers=_as(token, "someone-else", org=OTHER_ORG)).status_code == 200


def test_served_with_cli_flags_the_binding_and_the_admin_client_hold():
    with Server("serve", "--strict-auth", "--client", f"runner:r-secret@{ORG}", "--client", "ops:o-secret",
                "--admin-client", "ops") as server:
        def token(client_id, secret):
            return requests.post(f"{server.url}{TOKEN}", data={"grant_type": "client_credentials",
                                                              "client_id": client_id, "client_secret": secret},
                                 timeout=10).json()["access_token"]
        runner = token("runner", "r-secret")
        assert requests.get(f"{server.url}{FLOWS}", headers=_as(runner, "runner"), timeout=10).status_code == 200
        other = requests.get(f"{server.url}{FLOWS}", headers=_as(runner, "runner", org=OTHER_ORG), timeout=10)
        assert other.status_code == 403 and other.json()["error_code"] == "403025"
        control = requests.post(f"{server.url}/_mockaep/reset", headers={"Authorization": f"Bearer {runner}"},
                                timeout=10)
        assert control.status_code == 403 and control.json()["error_code"] == "403025"
        ops = token("ops", "o-secret")
        assert requests.post(f"{server.url}/_mockaep/reset", headers={"Authorization": f"Bearer {ops}"},
                             timeout=10).status_code == 200


@pytest.mark.parametrize("args, problem", [
    (["--client", "no-secret"], "--client: takes ID:SECRET"),
    (["--client", "id:secret@"], "--client: takes ID:SECRET"),
    (["--admin-client", "ghost"], "--admin-client ghost needs a --client ghost:SECRET"),
    (["--snapshot-interval", "0"], "--snapshot-interval must be a positive"),
    (["--upload-quota-mb", "0"], "--upload-quota-mb must be at least 1"),
])
def test_bad_shared_emulator_options_are_one_line_refusals(args, problem):
    done = run_mockaep("serve", "--port", "0", *args)
    assert done.returncode != 0
    assert done.stderr.strip().startswith("mockaep: ") and problem in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_help_documents_the_shared_emulator_options():
    done = run_mockaep("serve", "--help")
    for option in ("--admin-token", "--admin-client", "--state-file", "--snapshot-interval", "--upload-quota-mb",
                   "ID:SECRET@ORG"):
        assert option in done.stdout


def test_strict_auth_without_an_admin_credential_says_the_control_plane_is_closed():
    with Server("serve", "--strict-auth") as server:
        assert requests.get(f"{server.url}/_mockaep/health", timeout=10).status_code == 200
    assert "mockaep: note: --strict-auth without --admin-token/--admin-client" in server.output
