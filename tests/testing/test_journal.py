"""The request journal (GET/DELETE /_mockaep/requests) and the 404 of a request no route matches."""
from __future__ import annotations

import json

import pytest
import requests

from mockaep import ThreadedServer, create_app
from mockaep.core.config import Config
from mockaep.replay import install_replay
from mockaep.replay.cassette import cassette_meta, write_cassette
from mockaep.web.journal import BODY_CAP
from mockaep_client import AEPClient
from tests.conftest import ORG, OTHER_ORG, gateway_headers

JOURNAL = "/_mockaep/requests"
FLOWS = "/data/foundation/flowservice/flows"
CONNECTIONS = "/data/foundation/flowservice/connections"


def entries(http, **filters):
    response = http.get(JOURNAL, query_string=filters)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["requests"]


def test_every_request_is_journaled_newest_first_with_its_details(http):
    http.post("/_mockaep/clock", json={"set": "2026-05-01T10:00:00Z"})
    http.get(FLOWS, headers=gateway_headers(), query_string={"limit": "5"})
    http.post(CONNECTIONS, headers=gateway_headers(sandbox="dev"), json={"name": "x"})
    second, first = entries(http)
    assert first["method"] == "GET" and first["path"] == FLOWS and first["query"] == "limit=5"
    assert first["status"] == 200 and first["operationId"] == "listFlows" and first["service"] == "flowservice"
    assert (first["org"], first["sandbox"]) == (ORG, "prod")
    assert first["time"] == "2026-05-01T10:00:00.000Z" and first["timeMs"] == 1_777_629_600_000
    assert first["durationMs"] >= 0 and first["dropped"] is False and first["fault"] is None
    assert json.loads(first["response"]["body"]) == {"items": [], "_links": {}}
    assert first["request"]["headers"]["x-gw-ims-org-id"] == ORG
    assert second["id"] > first["id"]
    assert (second["method"], second["status"], second["sandbox"]) == ("POST", 400, "dev")
    assert second["operationId"] == "createConnection"
    assert json.loads(second["request"]["body"]) == {"name": "x"}
    assert second["response"]["headers"]["Content-Type"] == "application/json"
    assert "FLOW-" in json.loads(second["response"]["body"])["type"]


def test_operation_ids_come_from_the_official_specs(app, http):
    aep = AEPClient.in_process(app)
    aep.schemaregistry.list_schemas()
    aep.catalog.list_datasets()
    http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"})
    found = [(e["service"], e["operationId"]) for e in entries(http)]
    # the client fetched a token first; IMS has no official OpenAPI document, so no operation id
    assert found == [("ims", None), ("catalog", "listDatasets"), ("schemaregistry", "listSchemas"), ("ims", None)]


@pytest.mark.parametrize("filters, expected", [
    ({"org": OTHER_ORG}, [("GET", FLOWS, OTHER_ORG, "prod", 200)]),
    ({"sandbox": "dev"}, [("POST", CONNECTIONS, ORG, "dev", 400)]),
    ({"method": "post"}, [("POST", CONNECTIONS, ORG, "dev", 400)]),
    ({"status": "400"}, [("POST", CONNECTIONS, ORG, "dev", 400)]),
    ({"status": "4xx"}, [("GET", "/data/foundation/catalog/nothing", ORG, "prod", 404),
                         ("POST", CONNECTIONS, ORG, "dev", 400)]),
    ({"service": "catalog"}, [("GET", "/data/foundation/catalog/nothing", ORG, "prod", 404)]),
    ({"path": "/data/foundation/flowservice/"}, [("POST", CONNECTIONS, ORG, "dev", 400),
                                                  ("GET", FLOWS, OTHER_ORG, "prod", 200),
                                                  ("GET", FLOWS, ORG, "prod", 200)]),
    ({"operationId": "listFlows", "org": ORG}, [("GET", FLOWS, ORG, "prod", 200)]),
    ({"limit": "1"}, [("GET", "/data/foundation/catalog/nothing", ORG, "prod", 404)]),
])
def test_filters(http, filters, expected):
    http.get(FLOWS, headers=gateway_headers())
    http.get(FLOWS, headers=gateway_headers(org=OTHER_ORG))
    http.post(CONNECTIONS, headers=gateway_headers(sandbox="dev"), json={})
    http.get("/data/foundation/catalog/nothing", headers=gateway_headers())
    found = [(e["method"], e["path"], e["org"], e["sandbox"], e["status"]) for e in entries(http, **filters)]
    assert found == expected


@pytest.mark.parametrize("filters", [{"colour": "red"}, {"status": "teapot"}, {"status": "999"},
                                     {"limit": "0"}, {"limit": "-1"}, {"limit": "many"}])
def test_bad_filters_are_400(http, filters):
    response = http.get(JOURNAL, query_string=filters)
    assert response.status_code == 400 and response.get_json()["detail"]


def test_the_control_plane_is_not_journaled_and_delete_empties_it(http):
    http.get(FLOWS, headers=gateway_headers())
    http.get("/_mockaep/health")
    assert [e["path"] for e in entries(http)] == [FLOWS]
    assert http.delete(JOURNAL).get_json() == {"cleared": 1}
    assert entries(http) == []


def test_the_journal_is_a_ring_of_bounded_size():
    http = create_app(Config(journal_size=3)).test_client()
    for limit in range(1, 6):
        http.get(FLOWS, headers=gateway_headers(), query_string={"limit": str(limit)})
    body = http.get(JOURNAL).get_json()
    assert body["size"] == 3
    assert [e["query"] for e in body["requests"]] == ["limit=5", "limit=4", "limit=3"]


@pytest.mark.parametrize("size", [0, -1, 10**6, "10"])
def test_an_unbounded_journal_size_is_refused(size):
    with pytest.raises(ValueError, match="journal size"):
        create_app(Config(journal_size=size))


def test_bodies_are_kept_up_to_the_cap(http):
    big = {"name": "n" * (BODY_CAP * 2)}
    http.post(CONNECTIONS, headers=gateway_headers(), json=big)
    [entry] = entries(http)
    assert entry["request"]["bodyBytes"] == len(json.dumps(big))
    assert entry["request"]["bodyTruncated"] is True and len(entry["request"]["body"]) == BODY_CAP
    assert entry["response"]["bodyTruncated"] is False


def test_a_full_reset_empties_the_journal(http):
    http.get(FLOWS, headers=gateway_headers())
    http.post("/_mockaep/reset")
    assert entries(http) == []


def test_the_journal_over_a_real_socket_is_ready_when_the_answer_arrives():
    with ThreadedServer() as server:
        for number in range(5):
            answer = requests.get(f"{server.url}{FLOWS}", headers=gateway_headers(), params={"limit": number + 1}, timeout=10)
            assert answer.status_code == 200
            assert server.control.requests(limit=1)[0]["query"] == f"limit={number + 1}"


# -- 404 of an unknown route ---------------------------------------------------------------------
def test_an_unknown_route_names_the_nearest_routes_in_the_service_shape(http):
    response = http.get("/data/foundation/flowservice/flowz", headers=gateway_headers())
    body = response.get_json()
    assert response.status_code == 404
    assert body["type"].endswith("FLOW-1101-404")
    nearest = body["report"]["nearestRoutes"]
    assert nearest[0] == "GET /data/foundation/flowservice/flows"
    assert "Nearest routes: GET /data/foundation/flowservice/flows" in body["errorMessage"]


def test_nearest_routes_of_a_schema_registry_typo(http):
    response = http.get("/data/foundation/schemaregistry/tenant/shemas", headers=gateway_headers())
    body = response.get_json()
    assert response.status_code == 404 and body["type"].endswith("-404")
    assert any("/data/foundation/schemaregistry/" in route for route in body["report"]["nearestRoutes"])


def test_a_service_404_for_a_missing_object_is_unchanged(http):
    response = http.get(f"{FLOWS}/6f0b6a35-7f3a-4b3c-9c52-2b5f2d0c1a11", headers=gateway_headers())
    body = response.get_json()
    assert response.status_code == 404 and "nearestRoutes" not in json.dumps(body)


def test_a_very_long_unknown_path_is_answered(http):
    response = http.get("/data/foundation/flowservice/" + "x" * 5000, headers=gateway_headers())
    assert response.status_code == 404 and len(response.get_json()["report"]["nearestRoutes"]) == 3


def test_a_trailing_slash_is_the_same_operation(http):
    http.post("/data/foundation/schemaregistry/tenant/classes/", headers=gateway_headers(), json={})
    http.get("/data/foundation/flowservice/flows/", headers=gateway_headers())
    assert [e["operationId"] for e in entries(http)] == ["listFlows", "createClass"]


def test_replayed_answers_are_journaled_too(tmp_path):
    write_cassette(tmp_path / "empty.json", [], cassette_meta())
    app = create_app()
    install_replay(app, str(tmp_path / "empty.json"), mode="strict")
    http = app.test_client()
    assert http.get(FLOWS, headers=gateway_headers()).status_code == 404
    [entry] = entries(http)
    assert entry["status"] == 404 and entry["response"]["headers"]["x-mockaep-replay"] == "miss"
    assert entry["operationId"] == "listFlows"  # answered before Flask, still named


def test_credentials_in_bodies_are_hidden_unless_asked_for(http):
    http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": "app",
                                     "client_secret": "very-secret"})
    http.post(CONNECTIONS, headers=gateway_headers(), json={
        "name": "c", "auth": {"specName": "Basic Authentication",
                              "params": {"username": "u", "password": "hunter2"}},
        "connectionSpec": {"id": "eb13cb25-47ab-407f-ba89-c0125281c563", "version": "1.0"}})
    connection, token = entries(http)
    shown = json.dumps([connection, token])
    assert "very-secret" not in shown and "hunter2" not in shown
    assert "client_id=app" in token["request"]["body"]
    assert json.loads(token["response"]["body"])["access_token"].startswith("<secret")
    assert json.loads(connection["request"]["body"])["auth"]["params"]["username"] == "u"
    raw = json.dumps(entries(http, secrets="include"))
    assert "very-secret" in raw and "hunter2" in raw
    assert http.get(JOURNAL, query_string={"secrets": "yes"}).status_code == 400
