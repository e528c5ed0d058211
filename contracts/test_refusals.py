"""Refusals: each answers 4xx in the platform's error shape and leaves the state unchanged.

Gateway refusals (headers, token) come first, in the gateway's own ``{"error_code", "message"}``
body; then bodies, routes, unknown ids and etags, in the owning service's shape.
"""
from __future__ import annotations

import json
import pytest

from mockaep_client import onboarding as steps
from mockaep_contracts.shapes import (UNKNOWN_HEX24, UNKNOWN_HEX32, UNKNOWN_UUID, assert_gateway_error, assert_service_error,
                              assert_status, json_of)

#: One harmless read per service (what the gateway checks does not depend on the operation).
READS = {
    "flowservice": ("/flows", {}),
    "schemaregistry": ("/tenant/schemas", {"Accept": "application/vnd.adobe.xed-id+json"}),
    "catalog": ("/dataSets", {}),
    "conversion": ("/mappingSets?limit=5&start=0", {}),
}
#: A create per service, for malformed bodies.
CREATES = {
    "flowservice": "/connections",
    "schemaregistry": "/tenant/schemas",
    "catalog": "/dataSets",
    "conversion": "/mappingSets",
    "ingestion": "/batches",
}


def _connection_named(aep, name: str) -> list:
    return aep.flowservice.list_connections(property=f'name=="{name}"')["items"]


def _valid_connection(name: str) -> dict:
    return steps.base_connection_body(name, steps.SOURCES["salesforce-service-cloud"])


# -- the gateway ----------------------------------------------------------------------------------
@pytest.mark.parametrize("service", sorted(READS))
def test_missing_authorization_is_403010(aep, service):
    path, headers = READS[service]
    response = aep.session.send("GET", service, path, headers=headers, omit_headers=["Authorization"])
    assert_gateway_error(response, 403, "403010")


@pytest.mark.parametrize("service", sorted(READS))
def test_missing_api_key_is_403000(aep, service):
    path, headers = READS[service]
    response = aep.session.send("GET", service, path, headers=headers, omit_headers=["x-api-key"])
    assert_gateway_error(response, 403, "403000")


@pytest.mark.parametrize("service", sorted(READS))
def test_missing_org_is_400003(aep, service):
    path, headers = READS[service]
    response = aep.session.send("GET", service, path, headers=headers, omit_headers=["x-gw-ims-org-id"])
    assert_gateway_error(response, 400, "400003")


def test_token_that_is_not_a_bearer_token_is_401013(aep):
    response = aep.session.send("GET", "flowservice", "/flows", headers={"Authorization": "Basic bm90OmFsbG93ZWQ="})
    assert_gateway_error(response, 401, "401013")


@pytest.mark.parametrize("omit", ["Authorization", "x-api-key", "x-gw-ims-org-id"])
def test_refused_create_creates_nothing(aep, unique_name, omit):
    name = unique_name("Contract refused create")
    response = aep.session.send("POST", "flowservice", "/connections", json=_valid_connection(name),
                                omit_headers=[omit])
    assert 400 <= response.status_code < 500
    assert _connection_named(aep, name) == []


def test_wrong_content_type_is_refused_and_creates_nothing(aep, unique_name):
    name = unique_name("Contract text body")
    response = aep.session.send("POST", "flowservice", "/connections", data=json.dumps(_valid_connection(name)),
                                headers={"Content-Type": "text/plain"})
    assert_status(response, 400, 415)
    body = json_of(response)
    assert body.get("status") == response.status_code
    assert "content-type" in json.dumps(body).lower()
    assert _connection_named(aep, name) == []


# -- bodies and routes ----------------------------------------------------------------------------
@pytest.mark.parametrize("service", sorted(CREATES))
def test_malformed_json_is_400_in_the_service_shape(aep, service):
    response = aep.session.send("POST", service, CREATES[service], data='{"name": "unterminated"}}',
                                headers={"Content-Type": "application/json", "Accept": "application/json"})
    assert_service_error(response, service, 400)


def test_empty_flow_service_body_is_1405(aep):
    response = aep.session.send("POST", "flowservice", "/connections", data=b"",
                                headers={"Content-Type": "application/json"})
    assert_service_error(response, "flowservice", 400, code="1405")


@pytest.mark.parametrize("service", sorted(CREATES))
def test_unknown_route_is_404_in_the_service_shape(aep, service):
    response = aep.session.send("GET", service, "/noSuchResourceKind/abc", headers={"Accept": "application/json"})
    assert_service_error(response, service, 404)


def test_unknown_method_is_refused_in_the_service_shape(aep):
    response = aep.session.send("PUT", "flowservice", "/flows", json={"name": "x"})
    assert_service_error(response, "flowservice", (404, 405))


# -- unknown ids ----------------------------------------------------------------------------------
@pytest.mark.parametrize("resource", ["connections", "sourceConnections", "targetConnections", "flows", "runs"])
def test_unknown_flow_service_id_is_404(aep, resource):
    response = aep.session.send("GET", "flowservice", f"/{resource}/{UNKNOWN_UUID}")
    assert_service_error(response, "flowservice", 404)


def test_unknown_schema_is_404(aep):
    tenant_id = aep.schemaregistry.tenant_id()
    response = aep.session.send("GET", "schemaregistry", f"/tenant/schemas/_{tenant_id}.schemas.{UNKNOWN_HEX32}",
                                headers={"Accept": "application/vnd.adobe.xed+json; version=1"})
    assert_service_error(response, "schemaregistry", 404)


@pytest.mark.parametrize("service,path", [
    ("catalog", f"/dataSets/{UNKNOWN_HEX24}"),
    ("conversion", f"/mappingSets/{UNKNOWN_HEX32}"),
])
def test_unknown_catalog_and_mapping_ids_are_404(aep, service, path):
    assert_service_error(aep.session.send("GET", service, path), service, 404)


# -- etags ----------------------------------------------------------------------------------------
def test_patch_without_if_match_is_1403_and_changes_nothing(aep, world, unique_name):
    before = aep.flowservice.get_flow(world.flow_id)
    response = aep.session.send("PATCH", "flowservice", f"/flows/{world.flow_id}",
                                json=[{"op": "replace", "path": "/name", "value": unique_name("Contract no etag")}])
    assert_service_error(response, "flowservice", 400, code="1403")
    after = aep.flowservice.get_flow(world.flow_id)
    assert (after["name"], after["etag"]) == (before["name"], before["etag"])


def test_patch_with_stale_etag_is_412_and_changes_nothing(aep, world, unique_name):
    flows = aep.flowservice
    stale = flows.get_flow(world.flow_id)["etag"]
    fresh = flows.patch_flow(world.flow_id, [{"op": "replace", "path": "/description", "value": "first edit"}], stale)
    before = flows.get_flow(world.flow_id)
    response = aep.session.send("PATCH", "flowservice", f"/flows/{world.flow_id}", headers={"If-Match": stale},
                                json=[{"op": "replace", "path": "/name", "value": unique_name("Contract stale")}])
    assert_service_error(response, "flowservice", 412, code="1404")
    assert "does not match" in response.json()["errorMessage"]
    after = flows.get_flow(world.flow_id)
    assert after["etag"] == fresh.etag == before["etag"] and after["name"] == before["name"]


# -- rules of the onboarding objects --------------------------------------------------------------
def test_state_on_flow_create_is_1410(aep, world, unique_name):
    flow_spec = aep.flowservice.get_flow_spec(world.flow_spec_id)
    body = steps.flow_body(unique_name("Contract stateful flow"), flow_spec, world.source_connection_id,
                           world.target_connection_id, world.mapping_set_id, world.mapping_set_version,
                           {"startTime": 1767225600, "frequency": "hour", "interval": 1})
    body["state"] = "enabled"
    response = aep.session.send("POST", "flowservice", "/flows", json=body)
    assert_service_error(response, "flowservice", 400, code="1410")
    assert aep.flowservice.list_flows(property=f'name=="{body["name"]}"')["items"] == []


def test_target_connection_on_a_source_spec_is_refused(aep, world, unique_name):
    """The seed's target connection names the ServiceNow *source* spec; the data lake spec is required."""
    body = steps.target_connection_body(unique_name("Contract wrong target"), world.target_schema_id, world.dataset_id)
    body["connectionSpec"]["id"] = steps.SOURCES["servicenow"].connection_spec_id
    response = aep.session.send("POST", "flowservice", "/targetConnections", json=body)
    assert_service_error(response, "flowservice", 400)
    assert aep.flowservice.list_target_connections(property=f'name=="{body["name"]}"')["items"] == []


def test_unknown_auth_spec_name_is_1415(aep, unique_name):
    body = _valid_connection(unique_name("Contract odd auth"))
    body["auth"]["specName"] = "No Such Authentication"
    response = aep.session.send("POST", "flowservice", "/connections", json=body)
    assert_service_error(response, "flowservice", 400, code="1415")
    assert _connection_named(aep, body["name"]) == []


def test_schema_lookup_without_version_is_xdm_1007(aep, world):
    response = aep.session.send("GET", "schemaregistry", f"/tenant/schemas/{_alt_id(world.target_schema_id)}",
                                headers={"Accept": "application/vnd.adobe.xed+json"})
    assert_service_error(response, "schemaregistry", 400, code="1007")


def test_title_already_used_is_xdm_1521(aep, world):
    existing = aep.schemaregistry.get_schema(world.target_schema_id)
    count = aep.schemaregistry.stats()["counts"]["schemas"]
    response = aep.session.send("POST", "schemaregistry", "/tenant/schemas",
                                json=steps.target_schema_body(existing["title"]))
    assert_service_error(response, "schemaregistry", 400, code="1521")
    assert aep.schemaregistry.stats()["counts"]["schemas"] == count


def test_catalog_limit_zero_is_400(aep):
    assert_service_error(aep.session.send("GET", "catalog", "/dataSets", params={"limit": 0}), "catalog", 400)


def test_mapping_set_list_refuses_a_limit_that_is_no_integer(aep):
    """data-prep.yaml types ``limit`` and ``start`` int32 (defaults 10 and 0: aepp sends no ``start``)."""
    response = aep.session.send("GET", "conversion", "/mappingSets", params={"limit": "ten", "start": 0})
    assert_service_error(response, "conversion", 400)


def _alt_id(schema_id: str) -> str:
    tail = schema_id.split("https://ns.adobe.com/", 1)[1]
    return "_" + tail.replace("/", ".")


# -- the whole state, where the target lets us see it ---------------------------------------------
def _state(aep, headers: dict[str, str]) -> dict:
    response = aep.http.get(f"{aep.base_url}/_mockaep/state", params={"org": aep.org_id}, headers=headers,
                            timeout=30)
    assert_status(response, 200)
    return response.json()


@pytest.mark.emulator_only
def test_refusals_leave_the_whole_state_unchanged(aep, world, unique_name, contract_target):
    """Every refusal of this module, replayed in one go, changes nothing in the exported state."""
    flows = aep.flowservice
    flow = flows.get_flow(world.flow_id)
    flow_spec = flows.get_flow_spec(world.flow_spec_id)
    good_flow = steps.flow_body(unique_name("Contract refused flow"), flow_spec, world.source_connection_id,
                                world.target_connection_id, world.mapping_set_id, world.mapping_set_version,
                                {"startTime": 1767225600, "frequency": "hour", "interval": 1})
    connection = _valid_connection(unique_name("Contract refused connection"))
    partial_auth = _valid_connection(unique_name("Contract refused partial"))
    del partial_auth["auth"]["params"]["password"]
    bad_target = steps.target_connection_body(unique_name("Contract refused target"), world.target_schema_id,
                                              world.dataset_id)
    bad_target["connectionSpec"]["id"] = steps.SOURCES["servicenow"].connection_spec_id
    refusals = [
        ("POST", "flowservice", "/connections", {"json": connection, "omit_headers": ["Authorization"]}),
        ("POST", "flowservice", "/connections", {"json": connection, "omit_headers": ["x-api-key"]}),
        ("POST", "flowservice", "/connections", {"json": connection, "omit_headers": ["x-gw-ims-org-id"]}),
        ("POST", "flowservice", "/connections", {"data": json.dumps(connection),
                                                 "headers": {"Content-Type": "text/plain"}}),
        ("POST", "flowservice", "/connections", {"json": partial_auth}),
        ("POST", "flowservice", "/targetConnections", {"json": bad_target}),
        ("POST", "flowservice", "/flows", {"json": {**good_flow, "state": "enabled"}}),
        ("POST", "flowservice", "/flows", {"json": {**good_flow, "scheduleParams": {
            "startTime": 1767225600, "frequency": "minute", "interval": 5}}}),
        ("POST", "flowservice", "/flows", {"json": {**good_flow, "sourceConnectionIds": [UNKNOWN_UUID]}}),
        ("PATCH", "flowservice", f"/flows/{world.flow_id}",
         {"json": [{"op": "replace", "path": "/name", "value": "x"}]}),
        ("PATCH", "flowservice", f"/flows/{world.flow_id}", {
            "json": [{"op": "replace", "path": "/name", "value": "x"}],
            "headers": {"If-Match": '"00000000-0000-0200-0000-000000000000"'}}),
        ("POST", "schemaregistry", "/tenant/schemas", {"json": steps.target_schema_body(
            aep.schemaregistry.get_schema(world.target_schema_id)["title"])}),
        ("POST", "catalog", "/dataSets", {"json": steps.dataset_body(unique_name("Contract refused dataset"),
                                                                     world.target_schema_id + "0")}),
        ("POST", "conversion", "/mappingSets", {"json": steps.mapping_set_body(
            world.target_schema_id, (("person.noSuchField", "Name"),))}),
        ("POST", "ingestion", "/batches", {"json": {"datasetId": "0123456789abcdef01234567",
                                                    "inputFormat": {"format": "json"}}}),
    ] + [("POST", service, path, {"data": "{not json", "headers": {"Content-Type": "application/json"}})
         for service, path in CREATES.items()]
    before = _state(aep, contract_target.control_headers)
    assert before["tenants"], "the exported state should hold the onboarded world"
    for method, service, path, kwargs in refusals:
        response = aep.session.send(method, service, path, **kwargs)
        assert 400 <= response.status_code < 500, (
            f"{method} {service}{path}: {response.status_code} {response.text[:300]}")
    assert _state(aep, contract_target.control_headers) == before
    assert flows.get_flow(world.flow_id)["etag"] == flow["etag"]


# -- deletes --------------------------------------------------------------------------------------
def test_base_connection_used_by_a_flow_cannot_be_deleted(aep, world):
    response = aep.session.send("DELETE", "flowservice", f"/connections/{world.base_connection_id}")
    assert_service_error(response, "flowservice", 400, code="1418")
    assert aep.flowservice.get_connection(world.base_connection_id)["id"] == world.base_connection_id


def test_deleted_flow_is_gone_and_its_connections_can_then_go(aep, world, unique_name):
    flows = aep.flowservice
    salesforce = steps.SOURCES["salesforce-service-cloud"]
    source = flows.create_source_connection(steps.source_connection_body(
        unique_name("Contract doomed source"), salesforce, world.base_connection_id, world.source_schema_id))
    target = flows.create_target_connection(steps.target_connection_body(
        unique_name("Contract doomed target"), world.target_schema_id, world.dataset_id))
    flow_spec = flows.get_flow_spec(world.flow_spec_id)
    flow = flows.create_flow(steps.flow_body(unique_name("Contract doomed flow"), flow_spec, source.id, target.id,
                                             world.mapping_set_id, world.mapping_set_version,
                                             {"startTime": 1767225600, "frequency": "week", "interval": 1}))
    flows.delete_flow(flow.id)
    assert_status(aep.session.last_response, 204)
    assert_service_error(aep.session.send("GET", "flowservice", f"/flows/{flow.id}"), "flowservice", 404)
    flows.delete_source_connection(source.id)
    flows.delete_target_connection(target.id)
    for resource, object_id in (("sourceConnections", source.id), ("targetConnections", target.id)):
        assert_service_error(aep.session.send("GET", "flowservice", f"/{resource}/{object_id}"), "flowservice", 404)
