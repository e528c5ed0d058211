"""Flows over HTTP: create and read back, schedule rules, references, mappings, delete."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import AMAZON_S3, CRM_TO_AEP, DATA_LAKE, SERVICE_CLOUD, error_code, snapshot


@pytest.fixture
def chain(fs):
    return fs.chain()


def test_flow_create_and_read_back(fs, chain):
    created = fs.created("/flows", fs.flow_body(chain))
    item = fs.item("flows", created["id"])
    assert item["etag"] == created["etag"] == item["version"]
    assert item["state"] == "enabled"
    assert item["flowSpec"] == {"id": CRM_TO_AEP, "version": "1.0"}
    assert item["sourceConnectionIds"] == [chain["source"]]
    assert item["targetConnectionIds"] == [chain["target"]]
    assert item["runs"] == f"/runs?property=flowId=={created['id']}"
    assert item["lastOperation"]["operation"] == "create"
    assert item["transformations"] == [{"name": "Copy", "params": {"deltaColumn": {"name": "LastModified"}}}]
    inherited = item["inheritedAttributes"]
    assert inherited["sourceConnections"] == [{
        "id": chain["source"], "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
        "baseConnection": {"id": chain["base"], "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}}}]
    assert inherited["targetConnections"] == [{"id": chain["target"],
                                               "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}}]


def test_schedule_strings_are_coerced_for_validation_and_echoed_as_sent(fs, chain):
    as_strings = {"startTime": "1767225600", "frequency": "minute", "interval": "15", "backfill": "false"}
    as_numbers = {"startTime": 1767225600, "frequency": "day", "interval": 1, "backfill": True}
    first = fs.flow(chain, scheduleParams=as_strings)
    second = fs.flow(chain, scheduleParams=as_numbers)
    assert fs.item("flows", first)["scheduleParams"] == as_strings
    assert fs.item("flows", second)["scheduleParams"] == as_numbers


@pytest.mark.parametrize("schedule", [
    {"startTime": "1767225600", "frequency": "minute", "interval": "10"},   # minute needs interval >= 15
    {"startTime": "1767225600", "frequency": "hour", "interval": "0"},      # others need interval >= 1
    # The CRMToAEP spec the platform serves (the seed's) has no "once" in its frequency enum.
    {"startTime": "1767225600", "frequency": "once"},
    {"startTime": "soon", "frequency": "hour", "interval": "1"},            # not a number
    {"startTime": "1767225600", "frequency": "hour", "interval": "1", "backfill": "maybe"},
    {"frequency": "hour", "interval": "1"},                                 # startTime required
    {"startTime": "1767225600", "frequency": "fortnight", "interval": "1"},
])
def test_schedule_refusals(fs, chain, schedule):
    before = snapshot(fs, "flows")
    response = fs.post("/flows", fs.flow_body(chain, scheduleParams=schedule))
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == "FLOW-1100-400"
    assert response.get_json()["report"]["sub-errors"][0]["path"].startswith("/scheduleParams")
    assert snapshot(fs, "flows") == before


def test_state_on_create_is_1410(fs, chain):
    response = fs.post("/flows", fs.flow_body(chain, state="disabled"))
    assert response.status_code == 400 and error_code(response) == "FLOW-1410-400"
    assert fs.get("/flows").get_json()["items"] == []


def test_flow_reference_refusals_change_nothing(fs, chain):
    s3_base = fs.created("/connections", {
        "name": "bucket", "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AK", "s3SecretKey": "s"}},
        "connectionSpec": {"id": AMAZON_S3, "version": "1.0"}})["id"]
    s3_source = fs.created("/sourceConnections", {
        "name": "files", "baseConnectionId": s3_base, "data": {"format": "json"}, "params": {"path": "/in"},
        "connectionSpec": {"id": AMAZON_S3, "version": "1.0"}})["id"]
    missing = "0b0b0b0b-0000-4000-8000-000000000000"
    cases = [
        ({"flowSpec": {"id": missing, "version": "1.0"}}, "FLOW-1413-400"),
        ({"flowSpec": {"version": "1.0"}}, "FLOW-1413-400"),
        ({"sourceConnectionIds": [s3_source]}, "FLOW-1413-400"),      # S3 is not a CRMToAEP source
        ({"sourceConnectionIds": [chain["target"]]}, "FLOW-1100-400"),  # a target id where a source is due
        ({"targetConnectionIds": [chain["source"]]}, "FLOW-1100-400"),
        ({"sourceConnectionIds": [missing]}, "FLOW-1100-400"),
        ({"targetConnectionIds": []}, "FLOW-1100-400"),
        ({"sourceConnectionIds": [chain["source"], chain["source"]]}, "FLOW-1100-400"),
        ({"transformations": [{"name": "Shuffle", "params": {}}]}, "FLOW-1100-400"),
        ({"transformations": [{"name": "Copy", "params": {"deltaColumn": {}}}]}, "FLOW-1100-400"),
        ({"transformations": [{"name": "Copy"}]}, "FLOW-1100-400"),                 # layer 1: params required
        ({"options": {"partialIngestionPercent": -5}}, "FLOW-1100-400"),
        ({"flowSpec": "CRMToAEP"}, "FLOW-1100-400"),
    ]
    before = snapshot(fs)
    for change, code in cases:
        response = fs.post("/flows", fs.flow_body(chain, **change))
        assert response.status_code == 400, (change, response.get_json())
        assert error_code(response) == code, (change, response.get_json())
    assert snapshot(fs) == before


def test_unknown_flow_is_1439_404_with_report(fs):
    response = fs.get("/flows/84224def-0000-4000-8000-000000000000")
    assert response.status_code == 404
    body = response.get_json()
    assert error_code(response) == "FLOW-1439-404"
    assert body["report"]["id"] == "84224def-0000-4000-8000-000000000000"
    assert body["report"]["type"] == "flows" and body["errorMessage"]


def test_delete_flow(fs, chain):
    flow = fs.flow(chain)
    assert fs.delete(f"/flows/{flow}").status_code == 204
    assert fs.get(f"/flows/{flow}").status_code == 404
    assert fs.delete(f"/flows/{flow}").status_code == 404


def test_connections_used_by_a_flow_cannot_be_deleted(fs, chain):
    flow = fs.flow(chain)
    base = fs.delete(f"/connections/{chain['base']}")
    assert base.status_code == 400 and error_code(base) == "FLOW-1418-400"
    source = fs.delete(f"/sourceConnections/{chain['source']}")
    assert source.status_code == 400 and error_code(source) == "FLOW-1447-400"
    target = fs.delete(f"/targetConnections/{chain['target']}")
    assert target.status_code == 400 and error_code(target) == "FLOW-1447-400"
    for collection, object_id in (("connections", chain["base"]), ("sourceConnections", chain["source"]),
                                  ("targetConnections", chain["target"])):
        assert fs.get(f"/{collection}/{object_id}").status_code == 200
    # Once the flow is gone the chain can be taken apart.
    assert fs.delete(f"/flows/{flow}").status_code == 204
    assert fs.delete(f"/sourceConnections/{chain['source']}").status_code == 204
    assert fs.delete(f"/connections/{chain['base']}").status_code == 204


def test_base_connection_used_only_by_a_source_connection_can_be_deleted(fs):
    base = fs.base_connection()
    fs.source_connection(base)
    assert fs.delete(f"/connections/{base}").status_code == 204


# -- mapping transformations (need Data Prep's /mappingSets) ---------------------------------
def test_flow_with_a_mapping_to_the_dataset_schema(fs, chain):
    mapping = fs.mapping_set(chain["schema"])
    flow = fs.flow(chain, transformations=[
        {"name": "Copy", "params": {"deltaColumn": {"name": "LastModified"}}},
        {"name": "Mapping", "params": {"mappingId": mapping, "mappingVersion": 0}}])
    # An integer version (as update-dataflows.md sends it) is stored as the spec's string.
    assert fs.item("flows", flow)["transformations"][1]["params"] == {"mappingId": mapping, "mappingVersion": "0"}


def test_mapping_refusals(fs, chain):
    mapping = fs.mapping_set(chain["schema"])
    other_mapping = fs.mapping_set(fs.target_schema("Unrelated target"))
    cases = [
        ({"mappingId": "ffffffffffffffffffffffffffffffff", "mappingVersion": "0"}, "FLOW-1419-400"),
        ({"mappingId": mapping, "mappingVersion": "7"}, "FLOW-1412-400"),
        ({"mappingId": mapping, "mappingVersion": "latest"}, "FLOW-1412-400"),
        ({"mappingId": other_mapping, "mappingVersion": "0"}, "FLOW-1425-400"),
    ]
    before = snapshot(fs, "flows")
    for params, code in cases:
        response = fs.post("/flows", fs.flow_body(chain, transformations=[{"name": "Mapping", "params": params}]))
        assert response.status_code == 400, (params, response.get_json())
        assert error_code(response) == code, (params, response.get_json())
    assert snapshot(fs, "flows") == before


def test_flow_reads_carry_the_latest_run(fs, chain):
    # The schedule starts in the past, so the first run is due: reads report it.
    flow = fs.flow(chain, scheduleParams={"startTime": "1700000000", "frequency": "day", "interval": "1"})
    item = fs.item("flows", flow)
    runs = fs.get("/runs", query={"property": f"flowId=={flow}"}).get_json()["items"]
    assert runs and item["lastRunDetails"]["id"] in {run["id"] for run in runs}
    listed = fs.get("/flows", query={"property": f"id=={flow}"}).get_json()["items"][0]
    assert listed["lastRunDetails"]["id"] == item["lastRunDetails"]["id"]
