"""Tokens: fetched from the emulated IMS, cached, renewed before expiry and once after a 401."""
from __future__ import annotations

import itertools
from urllib.parse import parse_qs

import pytest

from mockaep_client import AEPClient, AuthError, IMSError
from mockaep import create_app
from mockaep.core.config import Config

FLOWS = "/flows"


class Clock:
    """One clock shared by the emulator (ms) and the client (s), moved by the test."""

    def __init__(self) -> None:
        self.seconds = 1_767_225_600.0

    def ms(self) -> int:
        return int(self.seconds * 1000)

    def s(self) -> float:
        return self.seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def strict_app(clock):
    """Only tokens the emulated IMS issued, and not expired, are accepted."""
    return create_app(Config(strict_auth=True, clock=clock.ms, token_ttl_seconds=3600, admin_tokens=("admin",)))


def _list_flows(aep: AEPClient):
    return aep.session.send("GET", "flowservice", FLOWS)


def test_token_is_fetched_once_and_reused(strict_app, clock):
    aep = AEPClient.in_process(strict_app, clock=clock.s)
    for _ in range(3):
        assert _list_flows(aep).status_code == 200
    assert aep.auth.fetch_count == 1


def test_token_is_sent_as_bearer_and_accepted(strict_app, clock):
    aep = AEPClient.in_process(strict_app, clock=clock.s)
    token = aep.access_token()
    response = _list_flows(aep)
    assert response.request.headers["Authorization"] == f"Bearer {token}"
    assert response.status_code == 200


def test_token_is_renewed_shortly_before_it_expires(strict_app, clock):
    aep = AEPClient.in_process(strict_app, clock=clock.s, refresh_margin=300)
    first = aep.access_token()
    clock.seconds += 3600 - 299  # inside the refresh margin, not yet expired
    assert _list_flows(aep).status_code == 200
    assert aep.auth.fetch_count == 2
    assert aep.access_token() != first


def test_expired_token_is_renewed_without_a_refusal(strict_app, clock):
    aep = AEPClient.in_process(strict_app, clock=clock.s, refresh_margin=0)
    aep.access_token()
    clock.seconds += 7200
    assert _list_flows(aep).status_code == 200
    assert aep.auth.fetch_count == 2


def test_401_renews_the_token_once_and_repeats_the_request(strict_app, clock):
    aep = AEPClient.in_process(strict_app, clock=clock.s)
    aep.access_token()
    # The platform forgets the token early: a full reset revokes every issued token.
    assert strict_app.test_client().post("/_mockaep/reset", headers={"Authorization": "Bearer admin"}).status_code == 200
    response = _list_flows(aep)
    assert response.status_code == 200
    assert aep.auth.fetch_count == 2


def test_a_second_401_is_raised_not_retried_forever(clock):
    # Every reading of the emulator's clock is two hours after the last: each token has expired by the
    # time it is presented, so the renewed token is refused too.
    readings = itertools.count()
    app = create_app(Config(strict_auth=True, clock=lambda: clock.ms() + next(readings) * 7_200_000,
                            token_ttl_seconds=3600))
    aep = AEPClient.in_process(app, clock=clock.s)
    with pytest.raises(AuthError) as caught:
        aep.flowservice.list_flows()
    assert caught.value.status == 401 and caught.value.code == "401013"
    assert aep.auth.fetch_count == 2


def test_static_token_is_never_renewed(strict_app):
    aep = AEPClient.in_process(strict_app, access_token="a-token-nobody-issued")
    with pytest.raises(AuthError) as caught:
        aep.flowservice.list_flows()
    assert caught.value.status == 401
    assert caught.value.body == {"error_code": "401013", "message": "Oauth token is not valid"}


def test_ims_refusal_is_an_ims_error_with_the_oauth_body():
    app = create_app(Config(clients={"registered-client": "right-secret"}))
    aep = AEPClient.in_process(app, client_id="registered-client", client_secret="wrong-secret")
    with pytest.raises(IMSError) as caught:
        aep.flowservice.list_flows()
    error = caught.value
    assert error.status == 401 and error.code == "invalid_client"
    assert error.body["error"] == "invalid_client"
    assert error.request.url.endswith("/ims/token/v3")


def test_token_request_is_form_encoded_client_credentials(recorder):
    aep = AEPClient.in_process(recorder, client_id="form-client", client_secret="form-secret",
                               scopes=("openid", "AdobeID"))
    token = aep.ims_token()
    assert token.access_token and token.token_type == "bearer"
    sent = recorder.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/ims/token/v3")
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(sent.body.decode()) == {"grant_type": ["client_credentials"], "client_id": ["form-client"],
                                            "client_secret": ["form-secret"], "scope": ["openid,AdobeID"]}


def test_client_needs_a_secret_or_a_token():
    with pytest.raises(ValueError):
        AEPClient(client_id="id-only", org_id="ORG@AdobeOrg")
