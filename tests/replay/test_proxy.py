"""The recording proxy: transparent for the client, scrubbed on disk, flushed as it goes."""
from __future__ import annotations

import json

import requests
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from mockaep_client.transport import WSGIAdapter
from mockaep.replay.cassette import CassetteWriter, cassette_meta, load_cassette
from mockaep.replay.proxy import RecordingProxy
from tests.conftest import gateway_headers

SECRET_TOKEN = "tok-7f1d2c3b4a5e6f70"
SECRET_ORG = "51E3A9C07D2B4F68@AdobeOrg"


@Request.application
def stub_upstream(request: Request) -> Response:
    """A tiny upstream that echoes what it received (not the emulator: the proxy is under test)."""
    echo = {"method": request.method, "path": request.path, "rawUri": request.environ.get("REQUEST_URI"),
            "query": request.query_string.decode(), "body": request.get_data(as_text=True),
            "org": request.headers.get("x-gw-ims-org-id"), "auth": request.headers.get("Authorization"),
            "acceptEncoding": request.headers.get("Accept-Encoding")}
    response = Response(json.dumps(echo), status=201 if request.method == "POST" else 200,
                        content_type="application/json")
    response.headers.add("x-multi", "one")
    response.headers.add("x-multi", "two")
    return response


def _proxy(tmp_path, app=stub_upstream, **options):
    session = requests.Session()
    session.mount("http://upstream.test", WSGIAdapter(app))
    writer = CassetteWriter(tmp_path / "tape.json", cassette_meta(upstream="http://upstream.test"))
    proxy = RecordingProxy("http://upstream.test", writer, session=session, **options)
    client = requests.Session()
    client.mount("http://proxy.test", WSGIAdapter(proxy))
    return client, writer, proxy


def test_forwards_untouched_and_answers_the_client_unscrubbed(tmp_path):
    client, writer, proxy = _proxy(tmp_path)
    headers = {"Authorization": f"Bearer {SECRET_TOKEN}", "x-gw-ims-org-id": SECRET_ORG,
               "Content-Type": "application/json"}
    answer = client.post("http://proxy.test/data/foundation/schemaregistry/tenant/schemas/"
                         "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2Fab12?a=1&a=2",
                         data=b'{"title": "x"}', headers=headers)
    assert answer.status_code == 201
    echo = answer.json()
    assert echo["method"] == "POST"
    assert echo["rawUri"].startswith("/data/foundation/schemaregistry/tenant/schemas/https%3A%2F%2Fns.adobe.com")
    assert echo["query"] == "a=1&a=2" and echo["body"] == '{"title": "x"}'
    assert echo["org"] == SECRET_ORG and echo["auth"] == f"Bearer {SECRET_TOKEN}"
    assert echo["acceptEncoding"] == "identity"
    assert Client(proxy).get("/x").headers.getlist("x-multi") == ["one", "two"]

    taped = load_cassette(writer.path).interactions  # on disk before close: flushed as it goes
    assert len(taped) == 2
    assert taped[0].uri.startswith("http://upstream.test/data/foundation/schemaregistry/tenant/schemas/https%3A%2F")
    assert taped[0].request_headers["Authorization"] == ["Bearer <ACCESS_TOKEN-1>"]
    assert taped[0].response_headers["x-multi"] == ["one", "two"]
    assert json.loads(taped[0].response_body)["org"] == "<IMS_ORG-1>"
    text = open(writer.path).read()
    assert SECRET_TOKEN not in text and SECRET_ORG not in text


def test_control_plane_calls_are_forwarded_but_not_taped(tmp_path):
    client, writer, _proxy_app = _proxy(tmp_path)
    assert client.post("http://proxy.test/_mockaep/reset").status_code == 201
    assert load_cassette(writer.path).interactions == []


def test_an_unreachable_upstream_is_a_502_and_nothing_is_taped(tmp_path):
    writer = CassetteWriter(tmp_path / "tape.json", cassette_meta())
    proxy = RecordingProxy("http://127.0.0.1:9", writer, timeout=2)
    client = requests.Session()
    client.mount("http://proxy.test", WSGIAdapter(proxy))
    answer = client.get("http://proxy.test/data/foundation/catalog/dataSets", headers=gateway_headers())
    assert answer.status_code == 502 and answer.json()["error"] == "upstream unreachable"
    assert load_cassette(writer.path).interactions == []


def test_ims_calls_can_go_to_their_own_upstream(tmp_path):
    @Request.application
    def ims(request: Request) -> Response:
        return Response(json.dumps({"access_token": "ims-issued-token-123", "expires_in": 10}),
                        content_type="application/json")

    session = requests.Session()
    session.mount("http://upstream.test", WSGIAdapter(stub_upstream))
    session.mount("http://ims.test", WSGIAdapter(ims))
    writer = CassetteWriter(tmp_path / "tape.json", cassette_meta())
    proxy = RecordingProxy("http://upstream.test", writer, session=session, ims_upstream="http://ims.test")
    client = requests.Session()
    client.mount("http://proxy.test", WSGIAdapter(proxy))
    assert client.post("http://proxy.test/ims/token/v3").json()["access_token"] == "ims-issued-token-123"
    assert client.get("http://proxy.test/data/foundation/catalog/dataSets").json()["path"].endswith("/dataSets")
    taped = load_cassette(writer.path).interactions
    assert [t.uri.split("/")[2] for t in taped] == ["ims.test", "upstream.test"]
    assert json.loads(taped[0].response_body)["access_token"] == "<ACCESS_TOKEN-1>"
