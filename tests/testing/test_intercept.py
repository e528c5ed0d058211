"""mock_aep(): requests calls to Adobe's hosts are answered by an in-process emulator."""
from __future__ import annotations

import asyncio

import pytest
import requests

from mockaep import ThreadedServer, create_app, mock_aep
from mockaep.testing import MockAEP, is_aep_host
from mockaep_client import AEPClient

PLATFORM = "https://platform.adobe.io"
FLOWS = f"{PLATFORM}/data/foundation/flowservice/flows"
IMS_FORM = {"grant_type": "client_credentials", "client_id": "my-app", "client_secret": "s3cret",
            "scope": "openid,AdobeID"}
HEADERS = {"Authorization": "Bearer t", "x-api-key": "my-app", "x-gw-ims-org-id": "ACME0000000000000000000A@AdobeOrg"}


def test_as_a_context_manager_module_functions_and_own_sessions_are_served():
    made_before = requests.Session()
    with mock_aep() as aep:
        token = requests.post("https://ims-na1.adobelogin.com/ims/token/v3", data=IMS_FORM, timeout=5).json()
        assert token["token_type"] == "bearer" and token["expires_in"] == 86399
        headers = {**HEADERS, "Authorization": f"Bearer {token['access_token']}"}
        with requests.Session() as made_inside:
            assert made_inside.get(FLOWS, headers=headers).json() == {"items": [], "_links": {}}
        assert made_before.get(FLOWS, headers=headers).status_code == 200
        assert [e["path"] for e in aep.control.requests()] == ["/data/foundation/flowservice/flows"] * 2 + [
            "/ims/token/v3"]


@pytest.mark.parametrize("host", ["ims-na1.adobelogin.com", "ims-na1-stg1.adobelogin.com", "IMS-NA1.adobelogin.com"])
def test_every_ims_host_is_served(host):
    with mock_aep():
        assert requests.post(f"https://{host}/ims/token/v3", data=IMS_FORM, timeout=5).status_code == 200


def test_is_aep_host():
    assert is_aep_host("platform.adobe.io") and is_aep_host("ims-eu1.adobelogin.com")
    assert not is_aep_host("adobelogin.com.evil.example") and not is_aep_host("platform.adobe.io.example")
    assert not is_aep_host("www.adobe.io")


def test_other_hosts_are_refused_by_default_naming_the_host():
    with mock_aep():
        with pytest.raises(requests.ConnectionError, match="mock_aep refused a request to example.org"):
            requests.get("https://example.org/api", timeout=5)


def test_passthrough_lets_named_hosts_or_all_through():
    with ThreadedServer() as other:  # a local server stands for "another host"
        health = f"{other.url}/_mockaep/health"
        with mock_aep(passthrough=["127.0.0.1"]):
            assert requests.get(health, timeout=5).json()["status"] == "ok"
            with pytest.raises(requests.ConnectionError):
                requests.get(health.replace("127.0.0.1", "localhost"), timeout=5)
        with mock_aep(passthrough=True):
            assert requests.get(health, timeout=5).status_code == 200


def test_a_given_app_keeps_its_state_across_blocks():
    app = create_app()
    with mock_aep(app=app):
        requests.post("https://platform.adobe.io/_mockaep/clock", json={"set": 1_767_225_600_000}, timeout=5)
    with mock_aep(app=app) as aep:
        assert aep.app is app and aep.control.clock()["now"] == 1_767_225_600_000


def test_each_block_without_an_app_gets_a_fresh_emulator():
    with mock_aep() as first:
        first.client().flowservice.create_connection({
            "name": "Kept?", "auth": {"specName": "Basic Authentication", "params": {
                "endpoint": "https://x.service-now.example", "username": "u", "password": "p"}},
            "connectionSpec": {"id": "eb13cb25-47ab-407f-ba89-c0125281c563", "version": "1.0"}})
        assert len(first.client().flowservice.list_connections()["items"]) == 1
    with mock_aep() as second:
        assert second.client().flowservice.list_connections()["items"] == []


def test_the_original_transport_is_back_after_the_block():
    before = requests.Session.get_adapter
    with mock_aep():
        assert requests.Session.get_adapter is not before
    assert requests.Session.get_adapter is before


def test_blocks_nest_and_must_end_in_reverse_order():
    outer, inner = MockAEP(), MockAEP()
    outer.start()
    inner.start()
    with pytest.raises(RuntimeError, match="reverse order"):
        outer.stop()
    inner.stop()
    outer.stop()
    with pytest.raises(requests.ConnectionError):  # nothing intercepts any more: a real attempt, refused
        requests.get("http://127.0.0.1:9/", timeout=2)


def test_an_in_process_client_still_works_inside_a_block():
    app = create_app()
    with mock_aep():
        assert AEPClient.in_process(app).flowservice.list_flows()["items"] == []


@mock_aep
def test_as_a_bare_decorator():
    assert requests.get(FLOWS, headers=HEADERS, timeout=5).status_code == 200


@mock_aep(passthrough=False)
def test_as_a_decorator_with_options():
    assert requests.get(f"{PLATFORM}/_mockaep/health", timeout=5).json()["status"] == "ok"
    with pytest.raises(requests.ConnectionError):
        requests.get("https://example.org", timeout=5)


@mock_aep
class TestDecoratedClass:
    def test_methods_are_served(self):
        assert requests.get(FLOWS, headers=HEADERS, timeout=5).status_code == 200


def test_coroutines_can_be_decorated():
    @mock_aep
    async def call() -> int:
        return requests.get(FLOWS, headers=HEADERS, timeout=5).status_code

    assert asyncio.run(call()) == 200


def test_passthrough_must_not_be_a_bare_string():
    with pytest.raises(TypeError):
        mock_aep(passthrough="localhost")
