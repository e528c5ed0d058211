"""A state export leaves connection secrets out unless asked; the export stays loadable."""
from __future__ import annotations

from mockaep import create_app
from mockaep.core.config import Config
from mockaep.web.control.redaction import PLACEHOLDER
from tests.conftest import ORG, gateway_headers

CONNECTIONS = "/data/foundation/flowservice/connections"
SERVICE_CLOUD = "cb66ab34-8619-49cb-96d1-39b37ede86ea"
CREDENTIALS = {"username": "ops@example.com", "password": "hunter2-not-real", "securityToken": "tok-123"}


def _connection(http, **headers) -> str:
    created = http.post(CONNECTIONS, headers=gateway_headers(**headers), json={
        "name": "Service desk", "auth": {"specName": "Basic Authentication", "params": dict(CREDENTIALS)},
        "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}})
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.json["id"]


def _params(document, connection_id):
    (tenant,) = document["tenants"]
    return tenant["collections"]["connections"][connection_id]["auth"]["params"]


def test_export_replaces_the_secrets_the_auth_spec_marks_and_keeps_the_rest(http):
    connection_id = _connection(http)
    exported = http.get("/_mockaep/state").json
    params = _params(exported, connection_id)
    assert params == {"username": "ops@example.com", "password": PLACEHOLDER, "securityToken": PLACEHOLDER}
    assert "hunter2-not-real" not in http.get("/_mockaep/state").get_data(as_text=True)


def test_secrets_include_exports_them(http):
    connection_id = _connection(http)
    assert _params(http.get("/_mockaep/state?secrets=include").json, connection_id) == CREDENTIALS


def test_an_unknown_secrets_choice_is_a_400(http):
    answer = http.get("/_mockaep/state?secrets=maybe")
    assert answer.status_code == 400 and "secrets" in answer.json["detail"]


def test_a_redacted_export_loads_and_the_connection_still_works(http, app):
    connection_id = _connection(http)
    exported = http.get("/_mockaep/state").json
    other = create_app().test_client()
    assert other.post("/_mockaep/state", json=exported).status_code == 200
    read = other.get(f"{CONNECTIONS}/{connection_id}", headers=gateway_headers())
    assert read.status_code == 200
    assert read.json["items"][0]["auth"]["params"]["password"] == PLACEHOLDER
    tested = other.get(f"{CONNECTIONS}/{connection_id}/test", headers=gateway_headers())
    assert tested.status_code < 500
    assert other.get("/_mockaep/state").json == exported


def test_params_of_a_connection_whose_spec_is_unknown_are_redacted_by_name(http):
    document = {"format": "mockaep-state", "version": 1, "tenants": [{
        "imsOrg": ORG, "sandbox": "prod", "meta": {}, "collections": {"connections": {"c-1": {
            "id": "c-1", "name": "c", "connectionSpec": {"id": "no-such-spec", "version": "1.0"},
            "auth": {"specName": "Key", "params": {"host": "h.example.com", "apiKey": "k-123",
                                                    "clientSecret": "s-456"}}}}}}]}
    assert http.post("/_mockaep/state", json=document).status_code == 200
    params = _params(http.get("/_mockaep/state").json, "c-1")
    assert params == {"host": "h.example.com", "apiKey": PLACEHOLDER, "clientSecret": PLACEHOLDER}


def test_in_strict_mode_only_an_admin_exports_at_all():
    app = create_app(Config(strict_auth=True, admin_tokens=("adm",)))
    http = app.test_client()
    token = http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": "c",
                                             "client_secret": "s"}).json["access_token"]
    assert http.get("/_mockaep/state?secrets=include", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert http.get("/_mockaep/state?secrets=include", headers={"Authorization": "Bearer adm"}).status_code == 200
