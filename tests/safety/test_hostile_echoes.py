"""Refusals quote a hostile value cut short, never whole.

A 5,000-digit text where a number is expected, or a name of a megabyte where an id or an enum
is, once came back whole in the refusal's detail (and its report, its sub-errors, the journal).
A refusal quotes at most a cut of the value (``mockaep.core.errors.shown``) and still names
the field or the thing refused.
"""
from __future__ import annotations

import pytest

from mockaep.core.errors import shown
from tests.conftest import gateway_headers
from tests.conversion.helpers import DataPrep
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

FLOW = "/data/foundation/flowservice"
REGISTRY = "/data/foundation/schemaregistry"
CATALOG = "/data/foundation/catalog"
CONVERSION = "/data/foundation/conversion"
MEGABYTE = "x" * 1_000_000
DIGITS = "9" * 5000
SMALL = 4000  # bytes of a refusal, whatever it quotes


@pytest.fixture(scope="module")
def target_schema(app):
    return DataPrep(app.test_client()).target_schema("Echoed values")


def _refused(http, response, service: str, *names: str) -> str:
    hostile.check_error_shape(response, service)
    text = response.get_data(as_text=True)
    assert len(response.get_data()) < SMALL, f"{len(response.get_data())} bytes: {text[:300]}"
    for name in names:
        assert name in text, text
    return text


@pytest.mark.parametrize("value", [MEGABYTE, DIGITS], ids=["megabyte", "digits"])
def test_flow_service_refusals_quote_a_cut(http, value):
    answer = http.post(f"{FLOW}/connections", headers=gateway_headers(),
                       json={"name": "n", "connectionSpec": {"id": value, "version": "1.0"}})
    _refused(http, answer, "flowservice", "spec")
    flow_id = hostile.world_of(http.application)["flows"][0][0]
    answer = http.get(f"{FLOW}/connections/{value}", headers=gateway_headers())
    _refused(http, answer, "flowservice", "resource")
    answer = http.post(f"{FLOW}/flows", headers=gateway_headers(),
                       json={"name": "n", "flowSpec": {"id": value, "version": "1.0"},
                             "sourceConnectionIds": [flow_id], "targetConnectionIds": [flow_id]})
    _refused(http, answer, "flowservice", "flow spec")


@pytest.mark.parametrize("value", [MEGABYTE, DIGITS], ids=["megabyte", "digits"])
def test_schema_registry_refusals_quote_a_cut(http, value):
    answer = http.post(f"{REGISTRY}/tenant/descriptors", headers=gateway_headers(),
                       json={"@type": value, "xdm:sourceSchema": value, "xdm:sourceVersion": 1,
                             "xdm:sourceProperty": "/a"})
    _refused(http, answer, "schemaregistry", "@type")
    answer = http.post(f"{REGISTRY}/tenant/schemas", headers=gateway_headers(),
                       json={"title": "t", "type": "object", "allOf": [{"$ref": value}]})
    _refused(http, answer, "schemaregistry", "references", "which does not exist")


@pytest.mark.parametrize("value", [MEGABYTE, DIGITS], ids=["megabyte", "digits"])
def test_catalog_refusals_quote_a_cut(http, value):
    """The validation message of a too-long text quotes the text: it is cut, what it says is kept."""
    answer = http.post(f"{CATALOG}/batches", headers=gateway_headers(),
                       json={"datasetId": "d", "status": "loading", "inputFormat": {"format": value}})
    _refused(http, answer, "catalog", "is not one of", "/inputFormat/format")
    answer = http.post(f"{CATALOG}/", headers=gateway_headers(),
                       json=[{"id": "a", "resource": "/dataSets/" + value[:1900], "method": "PATCH",
                              "body": {"name": "n"}}])
    assert answer.status_code == 200
    inner = answer.get_json()[0]
    assert inner["code"] == 404 and len(str(inner["body"])) < SMALL, str(inner)[:300]


@pytest.mark.parametrize("value", [MEGABYTE, DIGITS], ids=["megabyte", "digits"])
def test_data_prep_refusals_and_row_errors_quote_a_cut(http, target_schema, value):
    answer = http.get(f"{CONVERSION}/mappingSets/{value}", headers=gateway_headers())
    _refused(http, answer, "conversion", "mapping set")
    mapping_set = {"outputSchema": {"schemaRef": {"id": target_schema, "contentType":
                                                  "application/vnd.adobe.xed-full+json;version=1"}},
                   "mappings": [{"sourceType": "ATTRIBUTE", "source": "born", "destination": "person.birthDate"}]}
    answer = http.post(f"{CONVERSION}/mappingSets/preview", headers=gateway_headers(),
                       json={"data": [{"born": value}], "mappingSet": mapping_set})
    hostile.check_answer(answer, "conversion")
    (row,) = answer.get_json()
    (error,) = row["errors"]
    assert error["destination"] == "person.birthDate" and len(error["exception"]) < SMALL, error["exception"][:300]
    wrong = {**mapping_set, "mappings": [{"sourceType": value, "source": "a", "destination": "b"}]}
    answer = http.post(f"{CONVERSION}/mappingSets/preview", headers=gateway_headers(),
                       json={"data": [{"a": 1}], "mappingSet": wrong})
    _refused(http, answer, "conversion", "sourceType")


@pytest.mark.parametrize("value", [MEGABYTE, DIGITS], ids=["megabyte", "digits"])
def test_control_plane_and_gateway_refusals_quote_a_cut(http, value):
    answer = http.get("/_mockaep/requests", query_string={"limit": value})
    _refused(http, answer, "emulator", "limit")
    answer = http.post("/_mockaep/state", json={"format": value, "version": 1})
    _refused(http, answer, "emulator", "'format'")
    answer = http.get(f"{FLOW}/connections", headers=gateway_headers(sandbox=value[:8000]))
    _refused(http, answer, "flowservice", "sandbox")


def test_a_refusal_still_quotes_a_short_value_whole(http):
    answer = http.get(f"{CONVERSION}/mappingSets/no-such-set", headers=gateway_headers())
    assert "'no-such-set'" in _refused(http, answer, "conversion")


@pytest.mark.parametrize("value, expected", [
    ("abc", "abc"),
    ("x" * 300, "x" * 200 + "… (300 characters)"),
    (10 ** 5000, "<an integer of 16610 bits>"),
    (["y" * 1000], None),
], ids=["short", "long", "integer", "list"])
def test_shown_cuts_before_it_prints(value, expected):
    text = shown(value)
    assert len(text) < 260, text
    if expected is not None:
        assert text == expected
    assert shown("a\nb", quoted=True) == "'a\\nb'"
