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


def _live_tokens(http) -> int:
    return http.get("/_mockaep/health").json["tokens"]


def test_expired_tokens_are_purged_when_a_token_is_issued():
    now = [1_700_000_000_000]
    http = create_app(Config(clock=lambda: now[0], token_ttl_seconds=60)).test_client()
    for _ in range(5):
        http.post(TOKEN, data=GOOD)
    assert _live_tokens(http) == 5
    now[0] += 61_000
    http.post(TOKEN, data=GOOD)
    assert _live_tokens(http) == 1


def test_live_tokens_are_capped_and_the_oldest_is_forgotten_first():
    http = create_app(Config(strict_auth=True, max_live_tokens=3)).test_client()
    tokens = [http.post(TOKEN, data=GOOD).json["access_token"] for _ in range(5)]
    assert _live_tokens(http) == 3

    def status(token):
        headers = {"Authorization": f"Bearer {token}", "x-api-key": "my-client", "x-gw-ims-org-id": "O@AdobeOrg"}
        return http.get("/data/foundation/flowservice/flows", headers=headers).status_code

    assert [status(t) for t in tokens] == [401, 401, 200, 200, 200]


def test_a_full_reset_revokes_every_token():
    http = create_app().test_client()
    http.post(TOKEN, data=GOOD)
    assert http.post("/_mockaep/reset").status_code == 200
    assert _live_tokens(http) == 0
