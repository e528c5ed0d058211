"""The emulated IMS token endpoint."""
from __future__ import annotations

import pytest

from mockaep import create_app
from mockaep.core.config import Config

TOKEN = "/ims/token/v3"
GOOD = {"grant_type": "client_credentials", "client_id": "my-client", "client_secret": "s3cret",
        "scope": "openid,AdobeID,read_organizations"}


def test_form_body_returns_bearer_token_in_seconds(http):
    response = http.post(TOKEN, data=GOOD)
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    assert isinstance(body["access_token"], str) and len(body["access_token"]) > 20


def test_query_parameters_are_accepted_too(http):
    response = http.post(TOKEN, query_string=GOOD)
    assert response.status_code == 200


def test_two_requests_give_two_tokens(http):
    assert http.post(TOKEN, data=GOOD).json["access_token"] != http.post(TOKEN, data=GOOD).json["access_token"]


@pytest.mark.parametrize("missing", ["grant_type", "client_id", "client_secret"])
def test_missing_field_is_invalid_request(http, missing):
    fields = {k: v for k, v in GOOD.items() if k != missing}
    response = http.post(TOKEN, data=fields)
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"


def test_other_grant_type_is_refused(http):
    response = http.post(TOKEN, data={**GOOD, "grant_type": "password"})
    assert response.status_code == 400
    assert response.json["error"] == "unsupported_grant_type"


def test_registered_clients_check_the_secret():
    http = create_app(Config(clients={"my-client": "s3cret"})).test_client()
    assert http.post(TOKEN, data=GOOD).status_code == 200
    refused = http.post(TOKEN, data={**GOOD, "client_secret": "wrong"})
    assert refused.status_code == 401
    assert refused.json["error"] == "invalid_client"


def test_tokens_expire_by_the_emulator_clock():
    now = [1_700_000_000_000]
    app = create_app(Config(strict_auth=True, clock=lambda: now[0]))
    http = app.test_client()
    token = http.post(TOKEN, data=GOOD).json["access_token"]
    headers = {"Authorization": f"Bearer {token}", "x-api-key": "my-client", "x-gw-ims-org-id": "O@AdobeOrg"}
    assert http.get("/data/foundation/flowservice/flows", headers=headers).status_code != 401
    now[0] += 86400 * 1000
    expired = http.get("/data/foundation/flowservice/flows", headers=headers)
    assert expired.status_code == 401 and expired.json["error_code"] == "401013"
