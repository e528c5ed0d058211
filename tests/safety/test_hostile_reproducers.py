"""Explicit reproducers of hostile input that once ended (or still ends) in a 500.

Each asserts what every answer must be (``hostile.check_answer`` / ``check_refusal``): a 4xx in
the owning service's JSON error shape, and the state unchanged after a refusal. Every case here
answered 500 when the corpus was written; none does now.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

import tests.catalog.helpers as helpers
from mockaep.core.context import tenant_id_for
from tests.conftest import ORG, OTHER_ORG, gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

FLOW = "/data/foundation/flowservice"
REGISTRY = "/data/foundation/schemaregistry"
CATALOG = "/data/foundation/catalog"
CONVERSION = "/data/foundation/conversion"
IMPORT = "/data/foundation/import"
XDM_JSON = {"Accept": "application/vnd.adobe.xed+json", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def world(app):
    return hostile.world_of(app)


def _deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


# -- Schema Registry: empty $ref -------------------------------------------------------------------
EMPTY_REF_BODIES = {
    "schema allOf": ("/tenant/schemas", {"title": "Empty ref schema", "type": "object", "allOf": [{"$ref": ""}]}),
    "schema property": ("/tenant/schemas", {
        "title": "Empty ref property", "type": "object",
        "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"},
                  {"properties": {"x": {"$ref": ""}}}]}),
    "field group allOf": ("/tenant/fieldgroups", {
        "title": "Empty ref group", "type": "object",
        "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/profile"],
        "definitions": {"d": {"properties": {"x": {"type": "string"}}}},
        "allOf": [{"$ref": "#/definitions/d"}, {"$ref": ""}]}),
}


@pytest.mark.parametrize("case", sorted(EMPTY_REF_BODIES))
def test_empty_ref(http, case):
    path, body = EMPTY_REF_BODIES[case]
    before = hostile.state(http)
    answer = http.post(f"{REGISTRY}{path}", headers=gateway_headers(**XDM_JSON), json=body)
    hostile.check_refusal(http, answer, "schemaregistry", before)


# -- Flow Service: continuation tokens that decode to deeply nested JSON ------------------------------
FLOW_LISTS = ["connections", "sourceConnections", "targetConnections", "flows", "runs", "connectionSpecs",
              "flowSpecs"]
#: connectionSpecs and flowSpecs take no continuationToken at all (refused as an unknown parameter).
TOKEN_PAGED = ("connections", "sourceConnections", "targetConnections", "flows", "runs")
@pytest.mark.parametrize("kind, levels", [
    pytest.param(kind, levels)
    for kind in FLOW_LISTS for levels in (200, 100_000)])
def test_deeply_nested_continuation_token(http, kind, levels):
    token = base64.urlsafe_b64encode(_deep_json(levels).encode()).decode().rstrip("=")
    answer = http.get(f"{FLOW}/{kind}", query_string={"continuationToken": token}, headers=gateway_headers())
    hostile.check_error_shape(answer, "flowservice")


# -- huge repetition counts in `~` filters ------------------------------------------------------------
TILDE_FILTERS = {
    "catalog dataSets": (f"{CATALOG}/dataSets", "catalog", {"property": "name~a{99999999999}"}),
    "catalog batches": (f"{CATALOG}/batches", "catalog", {"property": "status~(a{99999999999})+"}),
    "registry schemas": (f"{REGISTRY}/tenant/schemas", "schemaregistry", {"property": "title~a{99999999999}"}),
    "registry global classes": (f"{REGISTRY}/global/classes", "schemaregistry",
                                {"property": "title~x{1,99999999999}"}),
    "flowservice connections": (f"{FLOW}/connections", "flowservice", {"property": "name~a{99999999999}"}),
}


@pytest.mark.parametrize("case", sorted(TILDE_FILTERS))
def test_huge_repetition_in_a_regex_filter(http, case):
    path, service, query = TILDE_FILTERS[case]
    answer = http.get(path, query_string=query, headers=gateway_headers(Accept="application/vnd.adobe.xed-id+json"))
    hostile.check_answer(answer, service)


# -- Flow Service: JSON Patch below a string field ------------------------------------------------------
@pytest.mark.parametrize("kind, op", [
    pytest.param(kind, op)
    for kind in ("connections", "sourceConnections", "targetConnections") for op in ("add", "replace", "remove")])
def test_json_patch_below_a_string_field(http, world, kind, op):
    object_id, etag = world[kind][0]
    current = http.get(f"{FLOW}/{kind}/{object_id}", headers=gateway_headers()).json["items"][0]
    patch = [{"op": op, "path": "/name/below", **({"value": "x"} if op != "remove" else {})}]
    before = hostile.state(http)
    answer = http.patch(f"{FLOW}/{kind}/{object_id}", json=patch,
                        headers=gateway_headers(**{"If-Match": current.get("etag") or etag or "*"}))
    hostile.check_refusal(http, answer, "flowservice", before)


# -- an invalid XDM pattern, then sample data and a batch on that schema --------------------------------
@pytest.fixture(scope="module")
def pattern_schema(app):
    """A schema whose field has the pattern ``a{99999999999}``, or None when the registry refused it."""
    http = app.test_client()
    tenant = f"_{tenant_id_for(ORG)}"
    group = {"title": "Hostile pattern group", "type": "object", "description": "d",
             "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/profile"],
             "definitions": {"d": {"properties": {tenant: {"type": "object", "properties": {
                 "code": {"type": "string", "pattern": "a{99999999999}"}}}}}},
             "allOf": [{"$ref": "#/definitions/d"}]}
    made = http.post(f"{REGISTRY}/tenant/fieldgroups", headers=gateway_headers(**XDM_JSON), json=group)
    hostile.check_answer(made, "schemaregistry")
    if made.status_code >= 400:
        return None
    schema = http.post(f"{REGISTRY}/tenant/schemas", headers=gateway_headers(**XDM_JSON), json={
        "title": "Hostile pattern schema", "type": "object", "description": "d",
        "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"}, {"$ref": made.json["$id"]}]})
    hostile.check_answer(schema, "schemaregistry")
    return schema.json["$id"] if schema.status_code < 400 else None


def test_invalid_xdm_pattern_then_sampledata(http, pattern_schema):
    if pattern_schema is None:
        return  # refused up front: nothing can use the pattern
    sample = http.get(f"{REGISTRY}/rpc/sampledata/{quote(pattern_schema, safe='')}",
                      headers=gateway_headers(Accept="application/vnd.adobe.xed+json; version=1"))
    hostile.check_answer(sample, "schemaregistry")


def test_invalid_xdm_pattern_then_batch_complete(http, pattern_schema):
    if pattern_schema is None:
        return
    dataset_id = helpers.make_dataset(http, pattern_schema, "Hostile pattern dataset")
    batch_id = helpers.open_batch(http, dataset_id)
    row = {f"_{tenant_id_for(ORG)}": {"code": "aaaa"}}
    helpers.upload(http, batch_id, dataset_id, "rows.json", json.dumps(row) + "\n")
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers())
    hostile.check_answer(done, "ingestion")
    hostile.check_answer(http.get(f"{CATALOG}/batches/{batch_id}", headers=gateway_headers()), "catalog")


# -- Catalog: POST /batches for a dataset that does not exist, or belongs to another org ----------------
def test_catalog_batch_for_a_missing_dataset(http):
    before = hostile.state(http)
    answer = http.post(f"{CATALOG}/batches", headers=gateway_headers(),
                       json={"datasetId": "0123456789abcdef01234567", "inputFormat": {"format": "json"}})
    hostile.check_refusal(http, answer, "catalog", before)


def test_catalog_batch_for_another_orgs_dataset(http):
    others = http.get(f"{CATALOG}/dataSets", headers=gateway_headers(org=OTHER_ORG)).json
    other_dataset = next(iter(others))
    before = hostile.state(http)
    answer = http.post(f"{CATALOG}/batches", headers=gateway_headers(),
                       json={"datasetId": other_dataset, "inputFormat": {"format": "json"}})
    hostile.check_refusal(http, answer, "catalog", before)


# -- Catalog: batched requests past the cap ---------------------------------------------------------------
def test_catalog_batched_request_of_100k_items_is_refused_by_its_cap_first(http):
    before = hostile.state(http)
    # every item is also malformed: a refusal that names an item means validation ran before the cap
    answer = http.post(f"{CATALOG}/", headers=gateway_headers(), json=[{"method": 7}] * 100_000)
    hostile.check_refusal(http, answer, "catalog", before)
    assert "at most" in answer.json["detail"], answer.json["detail"]


# -- Catalog: a batched sub-request's resource with control characters or white space ----------------------
@pytest.mark.parametrize("resource", ["/dataSets\n", "/dataSets\r\n", "/dataSets\t", "/dataSets ", "/data\x00Sets",
                                      "/dataSets\u2028", "/batches\n"])
def test_catalog_sub_request_with_a_control_character_names_no_resource(http, resource):
    """``^/dataSets$`` matched before a final newline: ``/dataSets\n`` listed the datasets."""
    unknown = http.post(f"{CATALOG}/", headers=gateway_headers(),
                        json=[{"id": "a", "resource": "/noSuchThing", "method": "GET"}]).get_json()[0]
    answer = http.post(f"{CATALOG}/", headers=gateway_headers(), json=[{"id": "a", "resource": resource, "method": "GET"}])
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    (inner,) = answer.get_json()
    assert inner["code"] == unknown["code"] == 404, inner
    assert inner["body"]["type"] == unknown["body"]["type"] and inner["body"]["title"] == unknown["body"]["title"]
    assert "No Catalog resource matches" in inner["body"]["detail"], inner


def test_catalog_sub_request_write_with_a_newline_changes_nothing(http):
    before = hostile.state(http)
    answer = http.post(f"{CATALOG}/", headers=gateway_headers(),
                       json=[{"id": "a", "resource": "/dataSets\n", "method": "POST",
                              "body": {"name": "sneaky", "schemaRef": {"id": "x", "contentType": "x"}}}])
    assert answer.get_json()[0]["code"] == 404
    assert hostile.state(http) == before


# -- state documents -------------------------------------------------------------------------------------
def _state_document(collections: dict) -> dict:
    return {"format": "mockaep-state", "version": 1,
            "tenants": [{"imsOrg": "HOSTILE0000000000000000A@AdobeOrg", "sandbox": "prod", "meta": {},
                         "collections": collections}]}


def test_a_600_deep_record_is_refused_whole(http):
    node: dict = {"n": 1}
    for _ in range(600):
        node = {"a": node}
    document = _state_document({"flows": {"f-1": {"id": "f-1", "deep": node}}, "connections": {"c-1": {"id": "c-1"}}})
    before = hostile.state(http)
    answer = http.post("/_mockaep/state", json=document)
    hostile.check_refusal(http, answer, "emulator", before)


WRONGLY_TYPED = {
    "mappingSets": {"m-1": {"id": 5, "version": "one", "mappings": "not a list", "outputSchema": 3,
                            "createdDate": "yesterday"}},
    "connections": {"c-1": {"id": "c-1", "name": 7, "auth": "not an object", "connectionSpec": ["x"],
                            "state": {"x": 1}}},
}


@pytest.fixture
def typed_http(app):
    """The emulator after loading wrongly typed records (or refusing them)."""
    http = app.test_client()
    before = hostile.state(http)
    loaded = http.post("/_mockaep/state", json=_state_document(WRONGLY_TYPED))
    if loaded.status_code != 200:
        hostile.check_refusal(http, loaded, "emulator", before)
    yield http
    http.post("/_mockaep/reset", query_string={"org": "HOSTILE0000000000000000A@AdobeOrg"})


def test_wrongly_typed_records_then_list_mapping_sets(typed_http):
    answer = typed_http.get(f"{CONVERSION}/mappingSets", query_string={"limit": 10, "start": 0},
                            headers=gateway_headers(org="HOSTILE0000000000000000A@AdobeOrg"))
    hostile.check_answer(answer, "conversion")


def test_wrongly_typed_records_then_test_the_connection(typed_http):
    answer = typed_http.get(f"{FLOW}/connections/c-1/test", headers=gateway_headers(org="HOSTILE0000000000000000A@AdobeOrg"))
    hostile.check_answer(answer, "flowservice")
