"""The customer-success onboarding, call by call: statuses, response shapes, read-backs.

Each step sends its own payload (the tutorial's, with its typos fixed), checks the status and
shape the platform documents, then fetches what it created and checks it round-trips.
"""
from __future__ import annotations

import pytest

from mockaep_client import onboard
from mockaep_client import onboarding as steps
from mockaep_client.schemaregistry import XED, XED_FULL
from mockaep_contracts.strategies import CONTRACT_NOW
from mockaep_contracts.shapes import (HEX24_RE, HEX32_RE, QUOTED_ETAG_RE, UUID_RE, assert_round_trip, assert_status,
                              json_of)

CRM_FLOW_SPEC_ID = "14518937-270c-4525-bdec-c2ba7cce3860"


def _last(aep):
    return aep.session.last_response


def _assert_flow_created(aep, created) -> None:
    response = _last(aep)
    assert_status(response, 201)
    body = json_of(response)
    assert set(body) >= {"id", "etag"}
    assert UUID_RE.match(created.id), created.id
    assert QUOTED_ETAG_RE.match(created.etag), created.etag


def _assert_envelope_of_one(aep, object_id: str) -> None:
    body = json_of(_last(aep))
    assert isinstance(body.get("items"), list) and len(body["items"]) == 1, body
    assert body["items"][0]["id"] == object_id


def test_tutorial_sequence_call_by_call(aep, contract_target):
    prefix = contract_target.unique("Contract tutorial")
    system = steps.SOURCES["salesforce-service-cloud"]
    registry, flows = aep.schemaregistry, aep.flowservice

    # Schema Registry: the tenant id, then the ad-hoc class and schema describing the raw rows.
    stats = registry.stats()
    assert_status(_last(aep), 200)
    tenant_id = stats["tenantId"]
    assert isinstance(tenant_id, str) and tenant_id

    class_body = steps.adhoc_class_body(f"{prefix} class", system.columns)
    adhoc_class = registry.create_class(class_body)
    assert_status(_last(aep), 201)
    assert adhoc_class["$id"].startswith(f"https://ns.adobe.com/{tenant_id}/classes/")
    assert adhoc_class["title"] == class_body["title"]
    assert adhoc_class["meta:altId"] == f"_{tenant_id}.classes." + adhoc_class["$id"].rsplit("/", 1)[1]
    # The registry renames the class's _adhoc object after the class and names the dataset namespace.
    namespace = adhoc_class["meta:datasetNamespace"]
    assert namespace.startswith("_")
    read_class = registry.get_class(adhoc_class["$id"], accept=XED)
    assert read_class["$id"] == adhoc_class["$id"]
    # Everything but the _adhoc object (renamed by the registry) reads back as sent.
    assert_round_trip({k: class_body[k] for k in ("title", "description", "type")}, read_class)
    assert read_class["allOf"][0]["$ref"] == class_body["allOf"][0]["$ref"]
    assert "https://ns.adobe.com/xdm/data/adhoc" in read_class["meta:extends"]

    schema_body = steps.adhoc_schema_body(f"{prefix} raw schema", adhoc_class["$id"])
    source_schema = registry.create_schema(schema_body)
    assert_status(_last(aep), 201)
    assert source_schema["$id"].startswith(f"https://ns.adobe.com/{tenant_id}/schemas/")
    assert source_schema["meta:class"] == adhoc_class["$id"]
    assert_round_trip(schema_body, registry.get_schema(source_schema["$id"], accept=XED))
    full = registry.get_schema(source_schema["meta:altId"], accept=XED_FULL)
    columns = full["properties"][namespace]["properties"]
    assert set(columns) >= set(system.columns)

    # Flow Service: base connection, then the source connection reading one table.
    base_body = steps.base_connection_body(f"{prefix} base", system)
    base = flows.create_connection(base_body)
    _assert_flow_created(aep, base)
    # Credentials are not compared: the platform may mask secret auth params on read.
    assert_round_trip({k: base_body[k] for k in ("name", "description", "connectionSpec")},
                      flows.get_connection(base.id))
    _assert_envelope_of_one(aep, base.id)

    source_body = steps.source_connection_body(f"{prefix} source", system, base.id, source_schema["$id"])
    source_connection = flows.create_source_connection(source_body)
    _assert_flow_created(aep, source_connection)
    read_source = flows.get_source_connection(source_connection.id)
    _assert_envelope_of_one(aep, source_connection.id)
    assert_round_trip(source_body, read_source)

    # The target schema: Individual Profile with the person and personal details field groups.
    target_body = steps.target_schema_body(f"{prefix} profile schema")
    target_schema = registry.create_schema(target_body)
    assert_status(_last(aep), 201)
    assert target_schema["meta:class"] == steps.PROFILE_CLASS
    for ref in (steps.PROFILE_CLASS, steps.PERSON_DETAILS, steps.PERSONAL_DETAILS):
        assert ref in target_schema["meta:extends"]
    assert target_schema["meta:tenantNamespace"] == f"_{tenant_id}"
    assert target_schema["version"] == "1.0"
    assert_round_trip(target_body, registry.get_schema(target_schema["$id"], accept=XED))

    # Catalog: the dataset answers a list of references; lookups are keyed by id.
    dataset_body = steps.dataset_body(f"{prefix} dataset", target_schema["$id"])
    dataset = aep.catalog.create_dataset(dataset_body, request_data_source=True)
    assert_status(_last(aep), 201)
    assert json_of(_last(aep)) == [f"@/dataSets/{dataset.id}"]
    assert HEX24_RE.match(dataset.id)
    read_dataset = aep.catalog.get_dataset(dataset.id)
    assert list(json_of(_last(aep))) == [dataset.id]
    assert_round_trip(dataset_body, read_dataset)

    # The data lake target connection.
    target_connection_body = steps.target_connection_body(f"{prefix} target", target_schema["$id"], dataset.id)
    target_connection = flows.create_target_connection(target_connection_body)
    _assert_flow_created(aep, target_connection)
    assert_round_trip(target_connection_body, flows.get_target_connection(target_connection.id))

    # Data Prep: the seed's three mappings, answered with HTTP 200 (not 201) and version 0.
    mapping_body = steps.mapping_set_body(target_schema["$id"])
    mapping_set = aep.conversion.create_mapping_set(mapping_body)
    assert_status(_last(aep), 200)
    assert HEX32_RE.match(mapping_set["id"]) and mapping_set["version"] == 0
    assert {"createdDate", "modifiedDate", "createdBy", "modifiedBy"} <= set(mapping_set)
    read_mapping = aep.conversion.get_mapping_set(mapping_set["id"])
    pairs = {(m.get("destinationXdmPath", m.get("destination")), m.get("sourceAttribute", m.get("source")))
             for m in read_mapping["mappings"]}
    assert pairs == set(steps.SEED_MAPPINGS)
    output_schema = read_mapping.get("outputSchema") or {}
    schema_refs = {read_mapping.get("xdmSchema"), output_schema.get("schemaRef", {}).get("id")}
    assert target_schema["$id"] in schema_refs

    # The flow spec, looked up by name exactly as the tutorial writes the filter (quotes included).
    spec_list = flows.list_flow_specs(property='name=="CRMToAEP"')
    assert_status(_last(aep), 200)
    assert [item["id"] for item in spec_list["items"]] == [CRM_FLOW_SPEC_ID]
    flow_spec = spec_list["items"][0]
    assert {"Copy", "Mapping"} <= {spec["name"] for spec in flow_spec["transformationSpecs"]}
    assert system.connection_spec_id in flow_spec["sourceConnectionSpecIds"]
    assert steps.DATA_LAKE_SPEC_ID in flow_spec["targetConnectionSpecIds"]

    # The dataflow, with the tutorial's string-typed schedule.
    schedule = {"startTime": "1767225600", "frequency": "minute", "interval": "15", "backfill": "true"}
    flow_body = steps.flow_body(f"{prefix} flow", flow_spec, source_connection.id, target_connection.id,
                                mapping_set["id"], mapping_set["version"], schedule, system.delta_column)
    flow = flows.create_flow(flow_body)
    _assert_flow_created(aep, flow)
    read_flow = flows.get_flow(flow.id)
    _assert_envelope_of_one(aep, flow.id)
    assert read_flow["etag"] == flow.etag
    assert read_flow["state"] == "enabled"
    assert_round_trip({k: v for k, v in flow_body.items() if k != "scheduleParams"}, read_flow)
    assert_round_trip(schedule, read_flow["scheduleParams"], loose=True)

    # An on-demand run of the new flow: created scheduled, listed under its flow.
    run = flows.create_run(flow.id, steps.run_params(CONTRACT_NOW, system.delta_column))
    assert_status(_last(aep), 201)
    assert UUID_RE.match(run["id"]) and run["flowId"] == flow.id
    assert run["metrics"]["statusSummary"]["status"] == "scheduled"
    assert run["id"] in [item["id"] for item in flows.list_runs(flow_id=flow.id)["items"]]


@pytest.mark.parametrize("source", sorted(steps.SOURCES))
def test_onboard_creates_every_object_and_each_reads_back(aep, contract_target, source):
    result = onboard(aep, source, name=contract_target.unique(f"Contract {source}"), run=True, now=CONTRACT_NOW)
    flows = aep.flowservice
    flow = flows.get_flow(result.flow_id)
    assert flow["sourceConnectionIds"] == [result.source_connection_id]
    assert flow["targetConnectionIds"] == [result.target_connection_id]
    assert flow["flowSpec"]["id"] == result.flow_spec_id == CRM_FLOW_SPEC_ID
    mapping = next(t for t in flow["transformations"] if t["name"] == "Mapping")
    assert mapping["params"]["mappingId"] == result.mapping_set_id
    source_connection = flows.get_source_connection(result.source_connection_id)
    assert source_connection["baseConnectionId"] == result.base_connection_id
    assert flows.get_connection(result.base_connection_id)["connectionSpec"]["id"] == \
        steps.SOURCES[source].connection_spec_id
    target = flows.get_target_connection(result.target_connection_id)
    assert target["params"]["dataSetId"] == result.dataset_id
    assert target["data"]["schema"]["id"] == result.target_schema_id
    assert aep.catalog.get_dataset(result.dataset_id)["schemaRef"]["id"] == result.target_schema_id
    assert aep.schemaregistry.get_schema(result.target_schema_id)["$id"] == result.target_schema_id
    assert aep.schemaregistry.get_schema(result.source_schema_id)["meta:class"] == result.adhoc_class_id
    assert aep.conversion.get_mapping_set(result.mapping_set_id)["id"] == result.mapping_set_id
    # The on-demand run belongs to the flow and is listed under it.
    run = flows.get_run(result.run_id)
    assert run["flowId"] == result.flow_id
    listed = flows.list_runs(flow_id=result.flow_id)
    assert result.run_id in [item["id"] for item in listed["items"]]


def test_flow_can_be_disabled_and_enabled(aep, world):
    flows = aep.flowservice
    flows.flow_action(world.flow_id, "DISABLE")
    assert_status(aep.session.last_response, 200, 202)
    assert flows.get_flow(world.flow_id)["state"] == "disabled"
    flows.flow_action(world.flow_id, "ENABLE")
    assert flows.get_flow(world.flow_id)["state"] == "enabled"


def test_patch_changes_the_etag_and_reads_back(aep, world, contract_target):
    flows = aep.flowservice
    before = flows.get_flow(world.flow_id)
    new_name = contract_target.unique("Contract renamed flow")
    updated = flows.patch_flow(world.flow_id, [{"op": "replace", "path": "/name", "value": new_name}], before["etag"])
    assert_status(aep.session.last_response, 200)
    assert updated.id == world.flow_id and updated.etag != before["etag"]
    after = flows.get_flow(world.flow_id)
    assert after["name"] == new_name and after["etag"] == updated.etag


def test_lists_find_created_objects_by_filter(aep, world):
    flows = aep.flowservice
    listed = flows.list_flows(property=f"sourceConnectionIds[]=={world.source_connection_id}")
    assert [item["id"] for item in listed["items"]] == [world.flow_id]
    assert "_links" in listed
    counted = flows.list_source_connections(property=f"baseConnectionId=={world.base_connection_id}", count=True)
    assert counted == {"count": 1} or counted.get("count") == 1
    datasets = aep.catalog.list_datasets(limit=100)
    assert isinstance(datasets, dict) and world.dataset_id in datasets


@pytest.mark.parametrize("source", sorted(steps.SOURCES))
def test_explore_lists_the_table_and_the_columns_the_mapping_reads(aep, contract_target, source):
    system = steps.SOURCES[source]
    flows = aep.flowservice
    base = flows.create_connection(steps.base_connection_body(contract_target.unique(f"Contract explore {source}"),
                                                              system))
    assert flows.test_connection(base.id) is not None
    assert_status(_last(aep), 200)
    root = flows.explore(base.id, "root")
    assert isinstance(root, list) and root
    for entry in root:
        assert {"type", "name", "path", "canPreview", "canFetchSchema"} <= set(entry), entry
    assert system.table in [entry["path"] for entry in root]
    table = flows.explore(base.id, "table", system.table)
    assert table["format"] == "flat"
    columns = {column["name"] for column in table["schema"]["columns"]}
    assert {column for _, column in system.mappings} | {system.delta_column} <= columns
    assert set(system.columns) <= columns


@pytest.mark.parametrize("kind", ["connection", "source_connection", "target_connection"])
def test_connections_patch_with_their_etag(aep, world, contract_target, kind):
    flows = aep.flowservice
    object_id = getattr(world, "base_connection_id" if kind == "connection" else f"{kind}_id")
    get, patch = getattr(flows, f"get_{kind}"), getattr(flows, f"patch_{kind}")
    before = get(object_id)
    description = contract_target.unique("Edited by the contract suite")
    updated = patch(object_id, [{"op": "replace", "path": "/description", "value": description}], before["etag"])
    assert_status(_last(aep), 200)
    assert updated.id == object_id and updated.etag != before["etag"]
    after = get(object_id)
    assert after["description"] == description and after["etag"] == updated.etag
    assert after["name"] == before["name"]
