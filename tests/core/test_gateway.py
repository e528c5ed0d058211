"""Gateway behaviour shared by every service: headers, auth, sandbox, content type, routing."""
from __future__ import annotations

import json
import uuid

import pytest
from werkzeug.test import EnvironBuilder

from tests.conftest import ORG, gateway_headers

FLOWS = "/data/foundation/flowservice/flows"
SERVICE_ROOTS = [
    "/data/foundation/flowservice/flows",
    "/data/foundation/schemaregistry/tenant/schemas",
    "/data/foundation/catalog/dataSets",
    "/data/foundation/conversion/mappingSets",
    "/data/foundation/import/batches",
]


@pytest.mark.parametrize("path", SERVICE_ROOTS)
def test_missing_authorization_is_403010(http, path):
    headers = gateway_headers()
    del headers["Authorization"]
    response = http.get(path, headers=headers)
    assert response.status_code == 403
    assert response.json == {"error_code": "403010", "message": "Oauth token is missing."}


@pytest.mark.parametrize("value", ["Bearer", "Bearer    ", "Basic abc", "token-without-scheme"])
def test_malformed_authorization_is_401013(http, value):
    response = http.get(FLOWS, headers=gateway_headers(Authorization=value))
    assert response.status_code == 401
    assert response.json == {"error_code": "401013", "message": "Oauth token is not valid"}


def test_missing_api_key_is_403000(http):
    headers = gateway_headers()
    del headers["x-api-key"]
    response = http.get(FLOWS, headers=headers)
    assert response.status_code == 403
    assert response.json["error_code"] == "403000"


def test_missing_org_is_400003(http):
    headers = gateway_headers()
    del headers["x-gw-ims-org-id"]
    response = http.get(FLOWS, headers=headers)
    assert response.status_code == 400
    assert response.json == {"error_code": "400003", "message": "Missing header"}


def test_check_order_authorization_before_api_key(http):
    response = http.get(FLOWS, headers={"x-gw-ims-org-id": ORG})
    assert response.json["error_code"] == "403010"


def test_malformed_sandbox_name_is_sandbox_not_found(http):
    response = http.get(FLOWS, headers=gateway_headers(sandbox="Not A Sandbox!"))
    assert response.status_code == 404
    body = response.json
    assert body["type"].endswith("FLOW-2100-404")
    assert body["title"] == "Sandbox not found"


def test_unknown_route_under_a_service_is_a_404_in_its_shape(http):
    response = http.get("/data/foundation/schemaregistry/tenant/nothing-here", headers=gateway_headers())
    assert response.status_code == 404
    assert response.json["type"].startswith("http://ns.adobe.com/aep/errors/XDM-")
    assert "registryRequestId" in response.json["report"]


def test_unknown_route_outside_services_is_json_404(http):
    response = http.get("/nowhere")
    assert response.status_code == 404
    assert response.is_json and response.json["status"] == 404


def test_wrong_content_type_is_refused_with_the_documented_body(http):
    response = http.post("/data/foundation/catalog/dataSets", headers=gateway_headers(),
                         data=json.dumps({"name": "x"}), content_type="text/plain")
    assert response.status_code == 400
    assert response.json["detail"] == "A valid content-type must be specified"


def test_every_response_carries_a_request_id(http):
    response = http.get(FLOWS)
    assert response.headers.get("x-request-id")


def test_oversized_body_is_413_json(app):
    from mockaep.core.config import Config
    from mockaep import create_app

    small = create_app(Config(max_body_bytes=1024)).test_client()
    response = small.post("/data/foundation/catalog/dataSets", headers=gateway_headers(),
                          data="x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json


def test_strict_auth_accepts_only_issued_tokens():
    from mockaep import create_app
    from mockaep.core.config import Config

    app = create_app(Config(strict_auth=True))
    http = app.test_client()
    refused = http.get(FLOWS, headers=gateway_headers())
    assert refused.status_code == 401 and refused.json["error_code"] == "401013"
    token = http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": "c",
                                             "client_secret": "s"}).json["access_token"]
    accepted = http.get("/_mockaep/health", headers=gateway_headers(Authorization=f"Bearer {token}"))
    assert accepted.status_code == 200
    # the API key must be the client id the token was issued to
    passed_gateway = http.get(FLOWS, headers=gateway_headers(Authorization=f"Bearer {token}", **{"x-api-key": "c"}))
    assert passed_gateway.status_code not in (401, 403)


@pytest.mark.parametrize("depth", [129, 5000, 200_000])
@pytest.mark.parametrize("path", ["/data/foundation/flowservice/flows", "/data/foundation/catalog/dataSets",
                                  "/data/foundation/conversion/mappingSets"])
def test_absurdly_deep_json_is_a_400_not_a_crash(http, path, depth):
    body = "[" * depth + "]" * depth
    response = http.post(path, headers=gateway_headers(), data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" in response.get_data(as_text=True)


def test_deep_but_plausible_json_still_reaches_the_service(http):
    nested: dict = {}
    node = nested
    for _ in range(60):
        node["child"] = {}
        node = node["child"]
    response = http.post("/data/foundation/flowservice/flows", headers=gateway_headers(),
                         data=json.dumps({"extra": nested}), content_type="application/json")
    assert response.status_code == 400
    assert "nests deeper" not in response.get_data(as_text=True)


def test_request_id_is_the_clients_or_a_new_uuid4_in_header_error_and_journal(app, http):
    sent = http.get(FLOWS, headers=gateway_headers(**{"x-request-id": "my-trace-1"}))
    assert sent.headers["x-request-id"] == "my-trace-1"
    made = [http.get(f"{FLOWS}/nope", headers=gateway_headers()) for _ in range(3)]
    ids = [answer.headers["x-request-id"] for answer in made]
    assert len(set(ids)) == 3
    for answer, request_id in zip(made, ids):
        parsed = uuid.UUID(request_id)
        assert str(parsed) == request_id and parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert request_id in answer.get_data(as_text=True)  # the error body names the same request
    journal = http.get("/_mockaep/requests", query_string={"limit": "1"}).json
    entry = journal["requests"][0]
    assert entry["response"]["headers"]["x-request-id"] == ids[-1]


def test_a_body_shorter_than_its_content_length_is_a_400_and_nothing_is_created(app, http):
    body = json.dumps({"name": "short", "schemaRef": {"id": "x", "contentType": "application/vnd.adobe.xed+json;version=1"}}).encode()
    environ = EnvironBuilder(path="/data/foundation/catalog/dataSets", method="POST", headers=gateway_headers(),
                             data=body, content_type="application/json").get_environ()
    environ["CONTENT_LENGTH"] = str(len(body) + 50)
    answer = {}
    data = b"".join(app(environ, lambda status, headers, exc_info=None: answer.update(status=status)))
    assert answer["status"].startswith("400") and json.loads(data)["status"] == 400
    assert http.get("/data/foundation/catalog/dataSets", headers=gateway_headers()).json == {}
