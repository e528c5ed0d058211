"""What the client sends (headers, bodies, paths) and the typed errors it raises."""
from __future__ import annotations

import json
import uuid

import pytest

from mockaep_client import (AEPClient, AEPError, AuthError, BadRequestError, NotFoundError, PreconditionFailedError,
                    TransportError, ValidationError)
from mockaep_client.errors import error_from_response
from mockaep_client.onboarding import SOURCES, base_connection_body


def test_every_call_carries_the_platform_headers(recorder):
    aep = AEPClient.in_process(recorder, client_id="header-client", org_id="HEADERS0000000000000001@AdobeOrg",
                               sandbox="dev-sandbox")
    aep.session.send("GET", "flowservice", "/flows")
    sent = recorder.requests[-1]
    assert sent.path == "/data/foundation/flowservice/flows"
    assert sent.headers["authorization"] == f"Bearer {aep.access_token()}"
    assert sent.headers["x-api-key"] == "header-client"
    assert sent.headers["x-gw-ims-org-id"] == "HEADERS0000000000000001@AdobeOrg"
    assert sent.headers["x-sandbox-name"] == "dev-sandbox"
    assert "content-type" not in sent.headers  # no body, no media type


def test_json_bodies_are_sent_as_application_json(recorder):
    aep = AEPClient.in_process(recorder)
    body = base_connection_body("Header check connection", SOURCES["servicenow"])
    aep.session.send("POST", "flowservice", "/connections", json=body)
    sent = recorder.requests[-1]
    assert sent.method == "POST" and sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == body


def test_without_a_sandbox_no_sandbox_header_is_sent(recorder):
    aep = AEPClient.in_process(recorder, sandbox=None)
    aep.session.send("GET", "flowservice", "/flows")
    assert "x-sandbox-name" not in recorder.requests[-1].headers


def test_headers_can_be_omitted_to_see_the_refusal(aep):
    response = aep.session.send("GET", "flowservice", "/flows", omit_headers=["x-api-key"])
    assert response.status_code == 403
    assert response.request.headers.get("x-api-key") is None


def test_schema_ids_are_url_encoded_in_paths(recorder):
    aep = AEPClient.in_process(recorder)
    with pytest.raises(AEPError):
        aep.schemaregistry.get_schema("https://ns.adobe.com/sometenant/schemas/0123abcd")
    sent = recorder.requests[-1]
    # PATH_INFO is decoded by WSGI; the raw request line carried the encoded form.
    assert sent.path == ("/data/foundation/schemaregistry/tenant/schemas/"
                         "https://ns.adobe.com/sometenant/schemas/0123abcd")
    assert "%2F" in aep.session.last_response.request.url
    assert sent.headers["accept"] == "application/vnd.adobe.xed+json; version=1"


def test_gateway_refusal_is_an_auth_error_carrying_the_body(aep):
    aep.session.platform_headers = lambda: {"Authorization": f"Bearer {aep.access_token()}",
                                            "x-gw-ims-org-id": aep.org_id}
    with pytest.raises(AuthError) as caught:
        aep.flowservice.list_flows()
    error = caught.value
    assert error.status == 403 and error.code == "403000"
    assert error.body == {"error_code": "403000", "message": "Api Key is required"}
    assert error.message == "Api Key is required"
    assert error.response.status_code == 403 and error.request.method == "GET"


def test_not_found_carries_code_title_and_request_id(aep):
    with pytest.raises(NotFoundError) as caught:
        aep.session.call("GET", "flowservice", "/noSuchThing")
    error = caught.value
    assert error.status == 404
    assert error.code == "FLOW-1101-404" and error.code == error.body["type"].rsplit("/", 1)[1]
    assert error.title == "Resource not found"
    assert error.request_id and error.request_id == error.response.headers["x-request-id"]
    assert error.request_id == error.body["report"]["request-id"]
    assert "404" in str(error) and "/noSuchThing" in str(error)


def test_bad_content_type_is_a_validation_error(aep):
    with pytest.raises(ValidationError) as caught:
        aep.session.call("POST", "flowservice", "/connections", data="name=x",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert caught.value.status == 400
    assert caught.value.body["detail"] == "A valid content-type must be specified"
    assert ValidationError is BadRequestError


def test_error_body_that_is_not_json_is_kept_as_text(aep):
    response = aep.session.send("GET", "flowservice", "/flows")
    response.status_code, response._content = 502, b"<html>bad gateway</html>"
    error = error_from_response(response)
    assert error.status == 502 and error.body == "<html>bad gateway</html>" and error.code is None
    assert type(error).__name__ == "ServerError"


def test_unreachable_server_is_a_transport_error():
    aep = AEPClient("http://127.0.0.1:9", "http://127.0.0.1:9", client_id="c", org_id="O@AdobeOrg",
                    access_token="t", timeout=2)
    with pytest.raises(TransportError):
        aep.flowservice.list_flows()


def test_create_returns_id_and_etag_and_stale_etag_is_precondition_failed(aep):
    created = aep.flowservice.create_connection(base_connection_body("Etag check", SOURCES["servicenow"]))
    assert created.status == 201 and created.etag.startswith('"')
    renamed = aep.flowservice.patch_connection(created.id, [{"op": "replace", "path": "/name", "value": "Etag 2"}],
                                               created.etag)
    assert renamed.etag != created.etag
    with pytest.raises(PreconditionFailedError) as caught:
        aep.flowservice.patch_connection(created.id, [{"op": "replace", "path": "/name", "value": "Etag 3"}],
                                         created.etag)
    assert caught.value.code == "FLOW-1404-412"
    assert aep.flowservice.get_connection(created.id)["name"] == "Etag 2"


def test_unknown_flow_is_not_found(aep):
    with pytest.raises(NotFoundError) as caught:
        aep.flowservice.get_flow(str(uuid.uuid4()))
    assert caught.value.code.startswith("FLOW-") and caught.value.code.endswith("-404")
