"""Fault rules (/_mockaep/faults): strict validation, scopes, effects and when they fire."""
from __future__ import annotations

import pytest
import requests

from mockaep import ThreadedServer, create_app
from mockaep.web.faults import MAX_RULES
from mockaep_client import AEPClient, RetryPolicy
from tests.conftest import ORG, OTHER_ORG, gateway_headers

FAULTS = "/_mockaep/faults"
FLOWS = "/data/foundation/flowservice/flows"
SCHEMAS = "/data/foundation/schemaregistry/tenant/schemas"
DATASETS = "/data/foundation/catalog/dataSets"
TOKEN = "/ims/token/v3"
IMS_FORM = {"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"}


def add(http, rule, status=201):
    response = http.post(FAULTS, json=rule)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def statuses(http, path, count, **headers):
    return [http.get(path, headers=gateway_headers(**headers)).status_code for _ in range(count)]


# -- validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("rule, says", [
    ({"effect": {}}, "needs status, drop or latencyMs"),
    ({"effect": {"status": 200}}, "effect.status"),
    ({"effect": {"status": 700}}, "effect.status"),
    ({"effect": {"status": "429"}}, "effect.status"),
    ({"effect": {"status": 500, "drop": True}}, "not both"),
    ({"effect": {"drop": "yes"}}, "effect.drop"),
    ({"effect": {"latencyMs": 10**9}}, "effect.latencyMs"),
    ({"effect": {"latencyMs": -1}}, "effect.latencyMs"),
    ({"effect": {"retryAfter": 2, "latencyMs": 5}}, "goes with effect.status"),
    ({"effect": {"status": 429, "retryAfter": "tomorrow"}}, "HTTP-date"),
    ({"effect": {"status": 429, "retryAfter": -3}}, "effect.retryAfter"),
    ({"effect": {"status": 500}, "match": {"service": "billing"}}, "match.service"),
    ({"effect": {"status": 500}, "match": {"operationId": "launchRocket"}}, "match.operationId"),
    ({"effect": {"status": 500}, "match": {"method": "FETCH"}}, "match.method"),
    ({"effect": {"status": 500}, "match": {"path": "/a", "pathRegex": "/a"}}, "not both"),
    ({"effect": {"status": 500}, "match": {"pathRegex": "(a)\\1"}}, "match.pathRegex"),
    ({"effect": {"status": 500}, "match": {"pathRegex": "a" * 2000}}, "match.pathRegex"),
    ({"effect": {"status": 500}, "match": {"org": ""}}, "match.org"),
    ({"effect": {"status": 500}, "match": {"colour": "red"}}, "unknown field"),
    ({"effect": {"status": 500}, "when": {"times": 0}}, "when.times"),
    ({"effect": {"status": 500}, "when": {"probability": 1.5}}, "when.probability"),
    ({"effect": {"status": 500}, "when": {"seed": 3}}, "goes with when.probability"),
    ({"effect": {"status": 500}, "when": {"from": "soon"}}, "when.from"),
    ({"effect": {"status": 500}, "when": {"from": 2000, "until": 1000}}, "later than"),
    ({"effect": {"status": 500}, "id": "bad id!"}, "id must be"),
    ({"effect": {"status": 500}, "extra": 1}, "unknown field"),
    ({"effect": [500]}, "effect must be an object"),
    ("fail", "JSON object"),
])
def test_bad_rules_are_400_naming_the_problem_and_add_nothing(http, rule, says):
    body = add(http, rule, status=400)
    assert says in body["detail"]
    assert http.get(FAULTS).get_json() == {"rules": []}


def test_an_array_is_added_whole_or_not_at_all(http):
    body = add(http, [{"effect": {"status": 500}}, {"effect": {"status": 99}}], status=400)
    assert body["detail"].startswith("rule 1:")
    assert http.get(FAULTS).get_json() == {"rules": []}
    added = add(http, [{"effect": {"status": 500}, "id": "one"}, {"effect": {"status": 503}, "id": "two"}])
    assert [rule["id"] for rule in added["rules"]] == ["one", "two"]
    assert add(http, {"effect": {"status": 500}, "id": "one"}, status=400)["detail"].endswith("exists already")


def test_rules_are_bounded_in_number(http):
    add(http, [{"effect": {"status": 500}}] * MAX_RULES)
    assert "at most" in add(http, {"effect": {"status": 500}}, status=400)["detail"]


def test_empty_or_malformed_bodies_are_400(http):
    assert http.post(FAULTS, data="").status_code == 400
    assert http.post(FAULTS, data="{", content_type="application/json").status_code == 400
    assert http.post(FAULTS, json=[]).status_code == 400


# -- list, delete ----------------------------------------------------------------------------------
def test_list_shows_counters_and_rules_delete_one_by_one_or_all(http):
    rule = add(http, {"match": {"path": FLOWS}, "effect": {"status": 503}, "when": {"times": 1}})
    assert rule["id"] and rule["remaining"] == 1 and rule["matched"] == 0
    statuses(http, FLOWS, 2)
    [listed] = http.get(FAULTS).get_json()["rules"]
    assert (listed["matched"], listed["fired"], listed["remaining"]) == (2, 1, 0)
    assert http.delete(f"{FAULTS}/{rule['id']}").status_code == 204
    assert http.delete(f"{FAULTS}/{rule['id']}").status_code == 404
    add(http, [{"effect": {"status": 500}}, {"effect": {"status": 502}}])
    assert http.delete(FAULTS).get_json() == {"cleared": 2}
    assert statuses(http, FLOWS, 1) == [200]


def test_a_full_reset_removes_the_rules(http):
    add(http, {"effect": {"status": 500}})
    http.post("/_mockaep/reset")
    assert http.get(FAULTS).get_json() == {"rules": []}


# -- effects: each service's own error body ------------------------------------------------------
def test_flow_service_answers_in_its_shape_with_retry_after(http):
    add(http, {"match": {"service": "flowservice"}, "effect": {"status": 429, "retryAfter": 3}})
    response = http.get(FLOWS, headers=gateway_headers(**{"x-request-id": "req-1"}))
    body = response.get_json()
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert body["type"] == "https://ns.adobe.com/aep/errors/FLOW-1100-429" and body["title"] == "Too Many Requests"
    assert body["report"]["request-id"] == "req-1" and body["errorMessage"]
    assert response.headers["x-mockaep-fault"]


def test_schema_registry_catalog_and_ims_answer_in_theirs(http):
    add(http, {"effect": {"status": 503, "retryAfter": "Wed, 21 Oct 2026 07:28:00 GMT"}})
    xdm = http.get(SCHEMAS, headers=gateway_headers())
    assert xdm.status_code == 503 and xdm.get_json()["type"].endswith("XDM-1001-503")
    assert xdm.get_json()["report"]["detailed-message"] and xdm.headers["Retry-After"].startswith("Wed")
    catalog = http.get(DATASETS, headers=gateway_headers())
    assert catalog.get_json()["type"].endswith("CAT-1500-503")
    ims = http.post(TOKEN, data=IMS_FORM)
    assert ims.status_code == 503 and ims.get_json()["error"] == "temporarily_unavailable"


def test_error_code_and_message_can_be_chosen(http):
    add(http, {"effect": {"status": 500, "errorCode": "1102", "message": "Flow service is down for maintenance."}})
    body = http.get(FLOWS, headers=gateway_headers()).get_json()
    assert body["type"].endswith("FLOW-1102-500") and body["errorMessage"] == "Flow service is down for maintenance."


def test_latency_delays_then_answers_normally(http):
    add(http, {"match": {"method": "GET"}, "effect": {"latencyMs": 30}})
    assert statuses(http, FLOWS, 1) == [200]
    [entry] = http.get("/_mockaep/requests").get_json()["requests"]
    assert entry["durationMs"] >= 30 and entry["fault"]


def test_a_dropped_connection_in_process_is_a_connection_error(app, http):
    add(http, {"match": {"operationId": "listFlows"}, "effect": {"drop": True}, "when": {"times": 1}})
    aep = AEPClient.in_process(app, retry=RetryPolicy(attempts=1))
    with pytest.raises(Exception) as dropped:
        aep.flowservice.list_flows()
    assert "connection dropped" in str(dropped.value)
    assert aep.flowservice.list_flows() == {"items": [], "_links": {}}
    first = http.get("/_mockaep/requests").get_json()["requests"][-2]
    assert first["dropped"] is True and first["status"] is None


def test_a_dropped_connection_over_a_socket_closes_it_without_an_answer():
    with ThreadedServer() as server:
        server.control.add_fault({"path": FLOWS}, {"drop": True}, {"times": 1})
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.url}{FLOWS}", headers=gateway_headers(), timeout=10)
        assert requests.get(f"{server.url}{FLOWS}", headers=gateway_headers(), timeout=10).status_code == 200
        dropped = server.control.requests(path=FLOWS)[-1]
        assert dropped["dropped"] is True


# -- scopes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("match, hit, miss", [
    ({"org": OTHER_ORG}, {"org": OTHER_ORG}, {"org": ORG}),
    ({"sandbox": "dev"}, {"sandbox": "dev"}, {"sandbox": "prod"}),
    ({"sandbox": "prod"}, {"sandbox": None}, {"sandbox": "dev"}),  # no header: the default sandbox
])
def test_tenant_scopes(http, match, hit, miss):
    add(http, {"match": match, "effect": {"status": 500}})
    assert statuses(http, FLOWS, 1, **hit) == [500]
    assert statuses(http, FLOWS, 1, **miss) == [200]


@pytest.mark.parametrize("match", [
    {"path": "/data/foundation/flowservice/*"},
    {"path": "/data/**/flows"},
    {"path": "/data/foundation/flowservice/flow?"},
    {"pathRegex": "^/data/foundation/flow.*"},
    {"operationId": "listFlows"},
    {"service": "flowservice", "method": "get"},
])
def test_path_operation_and_method_scopes(http, match):
    add(http, {"match": match, "effect": {"status": 500}})
    assert statuses(http, FLOWS, 1) == [500]
    assert statuses(http, DATASETS, 1) == [200]
    assert http.post(FLOWS, headers=gateway_headers(), json={}).status_code in (
        (500,) if "operationId" not in match and "method" not in match else (400,))


def test_single_star_stays_within_a_segment(http):
    add(http, {"match": {"path": "/data/foundation/*"}, "effect": {"status": 500}})
    assert statuses(http, FLOWS, 1) == [200]


def test_the_control_plane_is_never_faulted(http):
    add(http, {"effect": {"status": 500}})
    assert http.get("/_mockaep/health").status_code == 200
    assert http.get(FAULTS).status_code == 200


# -- when ------------------------------------------------------------------------------------------
def test_times_fires_on_the_next_n_matching_requests(http):
    add(http, {"match": {"path": FLOWS}, "effect": {"status": 503}, "when": {"times": 2}})
    assert statuses(http, DATASETS, 1) == [200]  # out of scope: not counted
    assert statuses(http, FLOWS, 4) == [503, 503, 200, 200]


def test_probability_with_a_seed_is_reproducible():
    def run():
        http = create_app().test_client()
        add(http, {"effect": {"status": 500}, "when": {"probability": 0.5, "seed": 7}})
        return statuses(http, FLOWS, 40)

    first = run()
    assert first == run()
    assert 5 < first.count(500) < 35  # a half of forty, give or take
    assert all(status in (200, 500) for status in first)


def test_a_rule_without_a_seed_shows_the_one_it_drew(http):
    rule = add(http, {"effect": {"status": 500}, "when": {"probability": 0}})
    assert isinstance(rule["when"]["seed"], int)
    assert statuses(http, FLOWS, 5) == [200] * 5


def test_a_window_on_the_emulator_clock(http):
    http.post("/_mockaep/clock", json={"set": "2026-01-01T00:00:00Z"})
    rule = add(http, {"effect": {"status": 503},
                      "when": {"from": "2026-01-01T01:00:00Z", "until": "2026-01-01T02:00:00Z"}})
    assert rule["when"]["from"] == "2026-01-01T01:00:00.000Z"
    assert statuses(http, FLOWS, 1) == [200]
    http.post("/_mockaep/clock", json={"advance": 3600})
    assert statuses(http, FLOWS, 1) == [503]
    http.post("/_mockaep/clock", json={"advance": 3600})
    assert statuses(http, FLOWS, 1) == [200]


def test_the_first_rule_that_fires_decides(http):
    add(http, [{"match": {"path": FLOWS}, "effect": {"status": 503}, "when": {"times": 1}},
               {"effect": {"status": 500}}])
    assert statuses(http, FLOWS, 2) == [503, 500]
