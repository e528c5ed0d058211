"""Generated inputs: valid ones are accepted and read back as sent, invalid ones are refused with
the platform's error and leave nothing behind."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from mockaep_client import onboarding as steps
from mockaep_client.schemaregistry import XED_FULL
from mockaep_contracts.shapes import UNKNOWN_UUID, assert_round_trip, assert_service_error, assert_status
from mockaep_contracts.strategies import (column_names, contract_settings, descriptions, invalid_schedules, names,
                                  valid_schedules)

SALESFORCE = steps.SOURCES["salesforce-service-cloud"]


def _leaf_paths(node: dict, prefix: str = "") -> list[str]:
    """Dotted paths of the scalar fields of a resolved schema (arrays are not descended into)."""
    paths = []
    for key, child in (node.get("properties") or {}).items():
        path = f"{prefix}{key}"
        if child.get("type") == "object" or "properties" in child:
            paths.extend(_leaf_paths(child, path + "."))
        elif child.get("type") not in ("array", None):
            paths.append(path)
    return paths


@pytest.fixture
def profile_paths(aep, world) -> list[str]:
    paths = _leaf_paths(aep.schemaregistry.get_schema(world.target_schema_id, accept=XED_FULL))
    assert {path for path, _ in steps.SEED_MAPPINGS} <= set(paths)
    return sorted(paths)


# -- names and descriptions ----------------------------------------------------------------------
@contract_settings(max_examples=12)
@given(name=names, description=descriptions)
def test_generated_names_are_accepted_and_read_back(aep, unique_name, name, description):
    body = steps.base_connection_body(f"{name} {unique_name('c')}", SALESFORCE)
    body["description"] = description
    created = aep.flowservice.create_connection(body)
    read = aep.flowservice.get_connection(created.id)
    assert_round_trip({"name": body["name"], "description": description, "connectionSpec": body["connectionSpec"],
                       "auth": {"specName": body["auth"]["specName"]}}, read)


# -- auth params ----------------------------------------------------------------------------------
@contract_settings(max_examples=8)
@given(dropped=st.sets(st.sampled_from(sorted(SALESFORCE.auth_params)), min_size=1))
def test_missing_required_auth_params_are_refused(aep, unique_name, dropped):
    body = steps.base_connection_body(unique_name("Contract partial auth"), SALESFORCE)
    for key in dropped:
        del body["auth"]["params"][key]
    response = aep.session.send("POST", "flowservice", "/connections", json=body)
    assert_service_error(response, "flowservice", 400)
    assert aep.flowservice.list_connections(property=f'name=="{body["name"]}"')["items"] == []


# -- schedules ------------------------------------------------------------------------------------
@contract_settings(max_examples=10)
@given(schedule=valid_schedules())
def test_valid_schedules_are_accepted_and_read_back(aep, world, unique_name, schedule):
    flows = aep.flowservice
    source = flows.create_source_connection(steps.source_connection_body(
        unique_name("Contract schedule source"), SALESFORCE, world.base_connection_id, world.source_schema_id))
    target = flows.create_target_connection(steps.target_connection_body(
        unique_name("Contract schedule target"), world.target_schema_id, world.dataset_id))
    flow_spec = flows.get_flow_spec(world.flow_spec_id)
    flow = flows.create_flow(steps.flow_body(unique_name("Contract scheduled flow"), flow_spec, source.id, target.id,
                                             world.mapping_set_id, world.mapping_set_version, schedule))
    assert_status(aep.session.last_response, 201)
    assert_round_trip(schedule, flows.get_flow(flow.id)["scheduleParams"], loose=True)


@contract_settings(max_examples=14)
@given(case=invalid_schedules())
def test_invalid_schedules_are_refused_on_create(aep, world, unique_name, case):
    _why, schedule = case
    flow_spec = aep.flowservice.get_flow_spec(world.flow_spec_id)
    body = steps.flow_body(unique_name("Contract bad schedule"), flow_spec, world.source_connection_id,
                           world.target_connection_id, world.mapping_set_id, world.mapping_set_version, schedule)
    response = aep.session.send("POST", "flowservice", "/flows", json=body)
    assert_service_error(response, "flowservice", 400)
    assert aep.flowservice.list_flows(property=f'name=="{body["name"]}"')["items"] == []


@contract_settings(max_examples=8)
@given(case=invalid_schedules())
def test_invalid_schedules_are_refused_on_patch(aep, world, case):
    _why, schedule = case
    flows = aep.flowservice
    before = flows.get_flow(world.flow_id)
    response = aep.session.send("PATCH", "flowservice", f"/flows/{world.flow_id}", headers={"If-Match": before["etag"]},
                                json=[{"op": "replace", "path": "/scheduleParams", "value": schedule}])
    assert_service_error(response, "flowservice", 400)
    after = flows.get_flow(world.flow_id)
    assert after["etag"] == before["etag"] and after["scheduleParams"] == before["scheduleParams"]


# -- mapping rows ---------------------------------------------------------------------------------
@contract_settings(max_examples=10)
@given(data=st.data())
def test_generated_mapping_rows_are_accepted_and_read_back(aep, world, profile_paths, data):
    destinations = data.draw(st.lists(st.sampled_from(profile_paths), min_size=1, max_size=6, unique=True))
    rows = tuple((destination, data.draw(column_names)) for destination in destinations)
    created = aep.conversion.create_mapping_set(steps.mapping_set_body(world.target_schema_id, rows))
    assert_status(aep.session.last_response, 200)
    read = aep.conversion.get_mapping_set(created["id"])
    pairs = [(m.get("destinationXdmPath", m.get("destination")), m.get("sourceAttribute", m.get("source")))
             for m in read["mappings"]]
    assert sorted(pairs) == sorted(rows)


@contract_settings(max_examples=8)
@given(data=st.data())
def test_unknown_destination_paths_are_refused(aep, world, profile_paths, data):
    good = data.draw(st.lists(st.sampled_from(profile_paths), max_size=3, unique=True))
    bogus = data.draw(st.from_regex(r"\A_?[a-z]{3,10}(\.[a-z]{3,10}){0,2}\Z", fullmatch=True)
                      .filter(lambda p: p not in profile_paths
                              and not any(q.startswith(p + ".") for q in profile_paths)))
    rows = tuple((path, "SomeColumn") for path in [*good, bogus])
    before = aep.conversion.list_mapping_sets(limit=1, start=0)
    response = aep.session.send("POST", "conversion", "/mappingSets",
                                json=steps.mapping_set_body(world.target_schema_id, rows))
    assert_service_error(response, "conversion", 400)
    assert bogus in response.text
    after = aep.conversion.list_mapping_sets(limit=1, start=0)
    assert after["_page"]["count"] == before["_page"]["count"]


# -- references -----------------------------------------------------------------------------------
@contract_settings(max_examples=5)
@given(fake=st.uuids().map(str))
def test_unknown_base_connection_is_refused(aep, world, unique_name, fake):
    body = steps.source_connection_body(unique_name("Contract orphan source"), SALESFORCE, fake, world.source_schema_id)
    response = aep.session.send("POST", "flowservice", "/sourceConnections", json=body)
    assert_service_error(response, "flowservice", (400, 404))
    assert aep.flowservice.list_source_connections(property=f"baseConnectionId=={fake}")["items"] == []


@contract_settings(max_examples=5)
@given(fake=st.text("0123456789abcdef", min_size=24, max_size=24))
def test_unknown_dataset_is_refused_for_a_target_connection(aep, world, unique_name, fake):
    body = steps.target_connection_body(unique_name("Contract orphan target"), world.target_schema_id, fake)
    response = aep.session.send("POST", "flowservice", "/targetConnections", json=body)
    assert_service_error(response, "flowservice", (400, 404))
    assert aep.flowservice.list_target_connections(property=f"params.dataSetId=={fake}")["items"] == []


@contract_settings(max_examples=5)
@given(which=st.sampled_from(["source", "target", "mapping"]), fake=st.uuids())
def test_unknown_flow_references_are_refused(aep, world, unique_name, which, fake):
    flow_spec = aep.flowservice.get_flow_spec(world.flow_spec_id)
    ids = {"source": world.source_connection_id, "target": world.target_connection_id, "mapping": world.mapping_set_id}
    ids[which] = fake.hex if which == "mapping" else str(fake)
    body = steps.flow_body(unique_name("Contract orphan flow"), flow_spec, ids["source"], ids["target"],
                           ids["mapping"], world.mapping_set_version, {"startTime": 1767225600, "frequency": "day",
                                                                      "interval": 1})
    response = aep.session.send("POST", "flowservice", "/flows", json=body)
    assert_service_error(response, "flowservice", (400, 404))
    assert aep.flowservice.list_flows(property=f'name=="{body["name"]}"')["items"] == []


@contract_settings(max_examples=5)
@given(hex_id=st.text("0123456789abcdef", min_size=32, max_size=32))
def test_unknown_schema_is_refused_for_a_dataset(aep, unique_name, hex_id):
    tenant_id = aep.schemaregistry.tenant_id()
    name = unique_name("Contract orphan dataset")
    body = steps.dataset_body(name, f"https://ns.adobe.com/{tenant_id}/schemas/{hex_id}")
    response = aep.session.send("POST", "catalog", "/dataSets", json=body)
    assert_service_error(response, "catalog", 400)
    assert aep.catalog.list_datasets(name=name) in ({}, None)


def test_unknown_flow_spec_is_refused(aep, world, unique_name):
    spec = {"id": UNKNOWN_UUID, "version": "1.0"}
    body = steps.flow_body(unique_name("Contract unknown spec"), spec, world.source_connection_id,
                           world.target_connection_id, world.mapping_set_id, world.mapping_set_version,
                           {"startTime": 1767225600, "frequency": "day", "interval": 1})
    response = aep.session.send("POST", "flowservice", "/flows", json=body)
    assert_service_error(response, "flowservice", (400, 404))
