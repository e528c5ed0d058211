"""Lone surrogates: ``"\\ud800"`` in JSON text (or the bytes ``ED A0 80``) and in Data Prep string
literals.

A lone surrogate is no Unicode character: no UTF-8 text can hold it, so an answer, an etag, a
hash or a Parquet file carrying one cannot be written. The standard library's JSON parser reads
it all the same; each case here was a 500 (a Schema Registry etag, an error message echoing the
value, a preview's answer) or a value stored that no later answer could carry. Now the one JSON
reader refuses it (a 400 in the owning service's shape, nothing changed), and the expression
tokenizer refuses the literal; an escaped pair (``"\\ud83d\\ude00"``) is still one character.
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import ORG, gateway_headers
from tests.conversion.helpers import DataPrep, mapping_set
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

FLOW = "/data/foundation/flowservice"
REGISTRY = "/data/foundation/schemaregistry"
CATALOG = "/data/foundation/catalog"
CONVERSION = "/data/foundation/conversion"
LONE = "\ud800"
JSON_HEADERS = gateway_headers(**{"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def world(app):
    return hostile.world_of(app)


@pytest.fixture(scope="module")
def target_schema(app):
    return DataPrep(app.test_client()).target_schema("Lone surrogate targets")


def _raw(document) -> bytes:
    """JSON text with every non-ASCII character escaped: a lone surrogate becomes ``\\ud800``."""
    return json.dumps(document).encode("ascii")


def _cesu(document) -> bytes:
    """JSON text holding a lone surrogate as the three bytes ``ED A0 80`` (which the standard
    library's parser reads with ``surrogatepass``)."""
    return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")


ENCODINGS = {"escaped": _raw, "bytes": _cesu}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_schema_titled_with_a_lone_surrogate_is_refused(http, encoding):
    body = {"title": f"Lone {LONE} schema", "type": "object", "description": "d",
            "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"}]}
    before = hostile.state(http)
    answer = http.post(f"{REGISTRY}/tenant/schemas", data=ENCODINGS[encoding](body),
                       headers=gateway_headers(**{"Content-Type": "application/json",
                                                  "Accept": "application/vnd.adobe.xed+json"}))
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "schemaregistry", before)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_the_clock_refuses_a_time_with_a_lone_surrogate(http, encoding):
    """The refusal used to echo the text, and the echo could not be written."""
    before = http.get("/_mockaep/clock").get_json()
    answer = http.post("/_mockaep/clock", data=ENCODINGS[encoding]({"set": f"2026-01-01{LONE}"}),
                       headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_error_shape(answer, "emulator")
    assert http.get("/_mockaep/clock").get_json() == before


@pytest.mark.parametrize("kind", ["connections", "sourceConnections", "targetConnections", "flows"])
def test_a_flow_service_rename_to_a_lone_surrogate_is_refused(http, world, kind):
    object_id, _ = world[kind][0]
    current = http.get(f"{FLOW}/{kind}/{object_id}", headers=gateway_headers()).json["items"][0]
    before = hostile.state(http)
    answer = http.patch(f"{FLOW}/{kind}/{object_id}", data=_raw([{"op": "replace", "path": "/name",
                                                                   "value": f"Lone {LONE}"}]),
                        headers=gateway_headers(**{"Content-Type": "application/json", "If-Match": current["etag"]}))
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)


def test_a_catalog_dataset_renamed_to_a_lone_surrogate_is_refused(http):
    dataset = next(iter(http.get(f"{CATALOG}/dataSets", headers=gateway_headers()).json))
    before = hostile.state(http)
    answer = http.patch(f"{CATALOG}/dataSets/{dataset}", data=_raw({"name": f"Lone {LONE}"}), headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "catalog", before)


def test_a_mapping_set_with_a_lone_surrogate_is_refused(http, target_schema):
    body = mapping_set(target_schema, {"sourceType": "ATTRIBUTE", "source": f"first{LONE}",
                                       "destination": "person.name.firstName"})
    before = hostile.state(http)
    answer = http.post(f"{CONVERSION}/mappingSets", data=_raw(body), headers=JSON_HEADERS)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "conversion", before)


def test_source_rows_with_a_lone_surrogate_are_refused(http, world):
    base = world["connections"][0][0]
    url = f"/_mockaep/sources/{base}/tables/Account/rows"
    before = hostile.state(http)
    answer = http.post(url, query_string={"org": ORG}, data=_raw([{"Id": "lone-1", "Name": f"Lone {LONE}"}]),
                       headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "emulator", before)


# -- Data Prep string literals -----------------------------------------------------------------------
@pytest.mark.parametrize("literal", ['"\\ud800"', '"x\\udc00y"', '"\\ude00\\ud83d"'])
def test_a_preview_with_a_lone_surrogate_literal_is_refused(http, target_schema, literal):
    body = {"data": [{"a": "x"}], "mappingSet": mapping_set(target_schema, {
        "sourceType": "EXPRESSION", "source": f"concat({literal}, a)", "destination": "person.name.firstName"})}
    answer = http.post(f"{CONVERSION}/mappingSets/preview", json=body, headers=gateway_headers())
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_error_shape(answer, "conversion")


def test_a_mapping_set_with_a_lone_surrogate_literal_is_refused(http, target_schema):
    body = mapping_set(target_schema, {"sourceType": "EXPRESSION", "source": '"\\ud800"',
                                       "destination": "person.name.firstName"})
    before = hostile.state(http)
    answer = http.post(f"{CONVERSION}/mappingSets", json=body, headers=gateway_headers())
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "conversion", before)


def test_an_escaped_surrogate_pair_is_one_character(http, target_schema):
    body = {"data": [{"a": "x"}], "mappingSet": mapping_set(target_schema, {
        "sourceType": "EXPRESSION", "source": 'concat("\\ud83d\\ude00", a)', "destination": "person.name.firstName"})}
    answer = http.post(f"{CONVERSION}/mappingSets/preview", json=body, headers=gateway_headers())
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.get_json()[0]["data"]["person"]["name"]["firstName"] == "\U0001F600x"

