"""The control plane of a shared emulator: admin credential only, one check for the whole prefix."""
from __future__ import annotations

import pytest
from flask import Blueprint

from mockaep import create_app
from mockaep.core.config import Config
from mockaep.web.gateway import json_response
from tests.conftest import ORG, gateway_headers
from tests.conversion.helpers import STORED_MAPPING_SET

TOKEN = "/ims/token/v3"
ADMIN = {"Authorization": "Bearer the-admin-token"}
CONTROL_CALLS = [("POST", "/_mockaep/reset"), ("GET", "/_mockaep/state"), ("POST", "/_mockaep/state"),
                 ("GET", "/_mockaep/state?secrets=include"), ("GET", "/_mockaep/no-such-endpoint"),
                 ("GET", "/_mockaep"), ("GET", "/_mockaep//state"), ("DELETE", "/_mockaep/reset/"),
                 ("PUT", f"/_mockaep/sources/any/tables/Account/rows?org={ORG}"),
                 ("GET", f"/_mockaep/sources/any/fault?org={ORG}"), ("GET", f"/_mockaep/datasets/any/rows?org={ORG}")]


def _strict(**extra):
    config = Config(strict_auth=True, clients={"ci-runner": "runner-secret", "ops": "ops-secret"},
                    admin_tokens=("the-admin-token",), admin_clients=("ops",), **extra)
    return create_app(config)


def _token(http, client_id: str, secret: str) -> str:
    answer = http.post(TOKEN, data={"grant_type": "client_credentials", "client_id": client_id,
                                    "client_secret": secret})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json["access_token"]


def _gateway_refusal(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json and set(response.json) == {"error_code", "message"}
    assert response.json["error_code"] == code


@pytest.mark.parametrize("method, path", CONTROL_CALLS)
def test_no_credential_is_refused_in_the_gateway_shape(method, path):
    http = _strict().test_client()
    _gateway_refusal(http.open(path, method=method), 403, "403010")


@pytest.mark.parametrize("method, path", CONTROL_CALLS)
def test_an_ordinary_ims_token_never_reaches_the_control_plane(method, path):
    http = _strict().test_client()
    token = _token(http, "ci-runner", "runner-secret")
    _gateway_refusal(http.open(path, method=method, headers={"Authorization": f"Bearer {token}"}), 403, "403025")


@pytest.mark.parametrize("value", ["Bearer nobody-issued-this", "Basic YWRtaW46YWRtaW4=", "Bearer"])
def test_unknown_or_malformed_tokens_are_401013(value):
    http = _strict().test_client()
    _gateway_refusal(http.post("/_mockaep/reset", headers={"Authorization": value}), 401, "401013")


def test_refusals_change_nothing():
    app = _strict()
    http = app.test_client()
    seeded = {"format": "mockaep-state", "version": 1, "tenants": [
        {"imsOrg": ORG, "sandbox": "prod", "collections": {"mappingSets": {STORED_MAPPING_SET["id"]: STORED_MAPPING_SET}}, "meta": {}}]}
    assert http.post("/_mockaep/state", json=seeded, headers=ADMIN).status_code == 200
    token = _token(http, "ci-runner", "runner-secret")
    assert http.post("/_mockaep/reset", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert http.post("/_mockaep/state", json={**seeded, "tenants": []}).status_code == 403
    assert http.get("/_mockaep/state", headers=ADMIN).json == seeded


def test_admin_token_and_admin_client_tokens_are_let_in():
    http = _strict().test_client()
    assert http.post("/_mockaep/reset", headers=ADMIN).status_code == 200
    ops = _token(http, "ops", "ops-secret")
    assert http.get("/_mockaep/state", headers={"Authorization": f"Bearer {ops}"}).status_code == 200


def test_health_stays_open():
    http = _strict().test_client()
    answer = http.get("/_mockaep/health")
    assert answer.status_code == 200 and answer.json["status"] == "ok"


def test_every_future_control_blueprint_is_covered_without_registering_it():
    app = _strict()
    extra = Blueprint("control_extra_for_test", __name__, url_prefix="/_mockaep/extra")

    @extra.route("/knob", methods=["POST"])
    def knob():
        return json_response({"turned": True})

    app.register_blueprint(extra)
    http = app.test_client()
    _gateway_refusal(http.post("/_mockaep/extra/knob"), 403, "403010")
    assert http.post("/_mockaep/extra/knob", headers=ADMIN).json == {"turned": True}


def test_an_admin_token_is_not_a_platform_token():
    http = _strict().test_client()
    refused = http.get("/data/foundation/flowservice/flows", headers=gateway_headers(Authorization=ADMIN["Authorization"]))
    _gateway_refusal(refused, 401, "401013")


def test_permissive_mode_needs_no_credential():
    http = create_app().test_client()
    assert http.post("/_mockaep/reset").status_code == 200
    assert http.get("/_mockaep/state").status_code == 200


def test_configuring_an_admin_token_protects_a_permissive_emulator_too():
    http = create_app(Config(admin_tokens=("the-admin-token",))).test_client()
    _gateway_refusal(http.post("/_mockaep/reset"), 403, "403010")
    assert http.post("/_mockaep/reset", headers=ADMIN).status_code == 200
    # the platform routes stay permissive
    assert http.get("/data/foundation/flowservice/flows", headers=gateway_headers()).status_code == 200


def test_strict_auth_without_an_admin_credential_closes_the_control_plane():
    http = create_app(Config(strict_auth=True)).test_client()
    token = _token(http, "anyone", "anything")
    _gateway_refusal(http.post("/_mockaep/reset", headers={"Authorization": f"Bearer {token}"}), 403, "403025")
    assert http.get("/_mockaep/health").status_code == 200


def test_an_admin_client_without_a_registered_secret_grants_nothing():
    http = create_app(Config(strict_auth=True, admin_clients=("ops",))).test_client()
    token = _token(http, "ops", "any-secret-at-all")
    _gateway_refusal(http.post("/_mockaep/reset", headers={"Authorization": f"Bearer {token}"}), 403, "403025")
