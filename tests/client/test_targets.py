"""Contract target resolution: the registry, the built-in targets, the platform's skip reason."""
from __future__ import annotations

import pytest

from mockaep_client import AEPClient
from mockaep_contracts import targets
from mockaep_contracts.targets import Target, register_target, resolve_target


@pytest.fixture(autouse=True)
def _no_command_line_target(monkeypatch):
    monkeypatch.setattr(targets, "configured_spec", None)


def test_default_target_is_in_process_and_resettable(monkeypatch):
    monkeypatch.delenv(targets.ENV_VAR, raising=False)
    target = resolve_target(None)
    assert target.spec == "inprocess" and target.is_mockaep and target.reset is not None
    aep = target.make_client()
    created = aep.flowservice.create_connection(
        {"name": "Before reset", "auth": {"specName": "Basic Authentication",
                                          "params": {"endpoint": "https://x.example", "username": "u",
                                                     "password": "p"}},
         "connectionSpec": {"id": "eb13cb25-47ab-407f-ba89-c0125281c563", "version": "1.0"}})
    target.reset()
    assert aep.session.send("GET", "flowservice", f"/connections/{created.id}").status_code == 404


def test_environment_variable_names_the_target_and_the_option_beats_it(monkeypatch):
    monkeypatch.setenv(targets.ENV_VAR, "platform")
    assert resolve_target(None).spec == "platform"
    monkeypatch.setattr(targets, "configured_spec", "inprocess")
    assert resolve_target(None).spec == "inprocess"


def test_platform_without_credentials_is_skipped_with_the_reason(monkeypatch):
    for name in targets.PLATFORM_ENV:
        monkeypatch.delenv(name, raising=False)
    target = resolve_target("platform")
    assert target.skip_reason and all(name in target.skip_reason for name in targets.PLATFORM_ENV)


def test_platform_with_credentials_builds_an_ims_client(monkeypatch):
    monkeypatch.setenv("AEP_CLIENT_ID", "cid")
    monkeypatch.setenv("AEP_CLIENT_SECRET", "secret")
    monkeypatch.setenv("AEP_ORG_ID", "ORG@AdobeOrg")
    monkeypatch.setenv("AEP_SANDBOX", "dev")
    monkeypatch.setenv("AEP_SCOPES", "openid, AdobeID")
    target = resolve_target("platform")
    assert target.skip_reason is None and not target.is_mockaep and target.reset is None
    aep = target.make_client()
    assert (aep.base_url, aep.sandbox, aep.org_id) == ("https://platform.adobe.io", "dev", "ORG@AdobeOrg")
    assert aep.auth.token_url == "https://ims-na1.adobelogin.com/ims/token/v3"
    assert aep.auth.scopes == ("openid", "AdobeID")


def test_url_that_is_not_a_mockaep_is_never_reset():
    target = resolve_target("http://127.0.0.1:9")
    assert not target.is_mockaep and target.reset is None


def test_unknown_target_names_the_known_prefixes():
    with pytest.raises(ValueError) as caught:
        resolve_target("carrier-pigeon")
    assert "inprocess" in str(caught.value) and "platform" in str(caught.value)


def test_registered_prefix_wins_by_length_and_can_be_deterministic(monkeypatch):
    monkeypatch.setattr(targets, "_REGISTRY", dict(targets._REGISTRY))
    monkeypatch.setattr(targets, "_DETERMINISTIC", set(targets._DETERMINISTIC))
    made = []

    def factory(spec: str) -> Target:
        made.append(spec)
        return Target(spec, lambda **kw: AEPClient("http://x", "http://x", client_id="c", org_id="o",
                                                   access_token="t"))

    register_target("http://recorded.example", factory, deterministic=True)
    target = resolve_target("http://recorded.example/api")
    assert made == ["http://recorded.example/api"] and target.deterministic
    assert target.unique("Flow") == "Flow contract-0" and target.unique("Flow") == "Flow contract-1"
    assert targets.is_deterministic("replay:somewhere.json")


def test_unique_names_differ_between_runs():
    first, second = (Target("x", lambda **kw: None) for _ in range(2))
    assert first.unique("Name") != second.unique("Name")
