"""Matching a live request against recordings, and explaining near misses."""
from __future__ import annotations

import pytest

from mockaep.replay.matcher import (differences, parse_match_on, parse_pointer, view_of, view_of_received,
                                    without)
from tests.replay.conftest import exchange

ALL = ("method", "path", "query", "body")
FLOWS = "https://platform.adobe.io/data/foundation/flowservice/flows"


def _diff(recorded, received, match_on=ALL, ignore=()):
    return differences(view_of(recorded), view_of_received(received), match_on,
                       tuple(parse_pointer(p) for p in ignore))


def test_query_order_json_key_order_and_trailing_slashes_do_not_matter():
    recorded = exchange("POST", f"{FLOWS}?limit=5&property=state%3D%3Denabled", body={"a": 1, "b": [1, 2]})
    received = exchange("POST", "http://localhost:8080/data/foundation//flowservice/flows/?property=state==enabled"
                                "&limit=5", body=b'{"b": [1, 2],   "a": 1}',
                        request_headers={"Content-Type": ["application/json"]})
    assert _diff(recorded, received) == []


def test_each_differing_part_is_named():
    recorded = exchange("POST", f"{FLOWS}?limit=5", body={"name": "flow one", "tags": ["a"]})
    received = exchange("PATCH", f"{FLOWS}/x?limit=6&start=0", body={"name": "flow two", "tags": ["a"]})
    said = _diff(recorded, received)
    assert said[0] == "method: recorded POST, received PATCH"
    assert said[1] == "path: recorded /data/foundation/flowservice/flows, received /data/foundation/flowservice/flows/x"
    assert said[2] == "query: missing limit=5; unexpected limit=6, start=0"
    assert said[3] == "body: at /name recorded 'flow one', received 'flow two'"
    assert _diff(recorded, received, match_on=("body",)) == [said[3]]


def test_placeholders_match_whatever_secret_the_client_sends():
    recorded = exchange("POST", "https://ims.test/ims/token/v3?client_id=%3CCLIENT_ID-1%3E",
                        body=b"client_secret=%3CSECRET-1%3E&grant_type=client_credentials",
                        request_headers={"Content-Type": ["application/x-www-form-urlencoded"],
                                         "x-gw-ims-org-id": ["<IMS_ORG-1>"]})
    received = exchange("POST", "http://127.0.0.1:9/ims/token/v3?client_id=another-client",
                        body=b"grant_type=client_credentials&client_secret=another-secret",
                        request_headers={"Content-Type": ["application/x-www-form-urlencoded"],
                                         "x-gw-ims-org-id": ["ELSEWHERE@AdobeOrg"]})
    assert _diff(recorded, received, ALL + ("headers",)) == []
    wrong_grant = exchange("POST", "http://127.0.0.1:9/ims/token/v3?client_id=x", body=b"client_secret=y&grant_type=p",
                           request_headers={"Content-Type": ["application/x-www-form-urlencoded"]})
    assert _diff(recorded, wrong_grant)[0].startswith("body: form fields differ")


def test_headers_part_compares_meaningful_headers_only():
    recorded = exchange(request_headers={"x-sandbox-name": ["dev"], "User-Agent": ["recorder/1"]})
    same_sandbox = exchange(request_headers={"x-sandbox-name": ["dev"], "User-Agent": ["other/2"]})
    other_sandbox = exchange(request_headers={"x-sandbox-name": ["prod"]})
    assert _diff(recorded, same_sandbox, ("headers",)) == []
    assert _diff(recorded, other_sandbox, ("headers",)) == ["headers: x-sandbox-name recorded 'dev', received 'prod'"]


def test_ignored_body_fields_are_not_compared():
    recorded = exchange("POST", body={"scheduleParams": {"startTime": 1, "frequency": "minute"},
                                      "runs": [{"at": 1, "n": "a"}, {"at": 2, "n": "b"}]})
    received = exchange("POST", body={"scheduleParams": {"startTime": 99, "frequency": "minute"},
                                      "runs": [{"at": 7, "n": "a"}, {"at": 8, "n": "b"}]})
    assert _diff(recorded, received) != []
    assert _diff(recorded, received, ignore=["/scheduleParams/startTime", "/runs/*/at"]) == []
    assert without({"a~b": 1, "c/d": 2}, parse_pointer("/a~0b")) == {"c/d": 2}
    with pytest.raises(ValueError, match="JSON pointer"):
        parse_pointer("scheduleParams")


def test_postman_wildcards():
    recorded = exchange("GET", f"{FLOWS}/{{FLOW_ID}}?property=<string>&count=false", meta={"wildcards": True},
                        body=b'{"name": "<string>"}')
    assert _diff(recorded, exchange("GET", f"{FLOWS}/4b3c")) == []
    assert _diff(recorded, exchange("GET", f"{FLOWS}/4b3c?property=state==enabled&count=false")) == []
    assert _diff(recorded, exchange("GET", f"{FLOWS}/4b3c?count=true")) == ["query: unexpected count=true"]
    assert _diff(recorded, exchange("GET", f"{FLOWS}/4b3c/runs"))[0].startswith("path:")


def test_match_on_is_checked():
    assert parse_match_on("method, PATH,path") == ("method", "path")
    assert parse_match_on(None) == ALL
    with pytest.raises(ValueError, match="unknown match part.*colour.*choose from"):
        parse_match_on("method,colour")
    with pytest.raises(ValueError, match="at least one"):
        parse_match_on(" , ")


def test_postman_id_segments_may_hold_encoded_slashes():
    recorded = exchange("GET", "https://platform.adobe.io/data/foundation/schemaregistry/tenant/schemas/{SCHEMA_ID}",
                        meta={"wildcards": True})
    schema_id = "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2F0a1b2c"
    assert _diff(recorded, exchange("GET", f"http://x/data/foundation/schemaregistry/tenant/schemas/{schema_id}")) == []
    assert _diff(recorded, exchange("GET", "http://x/data/foundation/schemaregistry/tenant/schemas/a/b"))[0] \
        .startswith("path:")
