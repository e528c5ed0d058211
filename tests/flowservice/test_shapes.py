"""Objects shaped as the platform's: every field the docs show on a connection, source and target
connection, flow and run is there with a plausible value, so a client reading it does not fail;
and every stored record fits its kind's record schema, which refuses wrongly typed ones."""
from __future__ import annotations

import copy

import jsonschema
import pytest

from mockaep.services.flowservice.resources import KINDS
from tests.flowservice.helpers import CRM_TO_AEP, DATA_LAKE, SERVICE_CLOUD

COMMON = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient", "sandboxId",
          "sandboxName", "imsOrgId", "name", "description", "state", "version", "etag")
START_MS = 1_780_000_000_000  # the emulator clock of this module (conftest: START_MS)


@pytest.fixture
def chain(fs):
    return fs.chain()


def test_a_base_connection_sent_without_description_shows_one(fs):
    created = fs.created("/connections", {
        "name": "Support CRM", "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"},
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "a@example.org", "password": "pw", "securityToken": "tk"}}})
    item = fs.item("connections", created["id"])
    assert set(COMMON + ("connectionSpec", "auth")) <= set(item)
    assert item["description"] == ""


def test_source_and_target_connections_carry_the_documented_fields(fs, chain):
    source = fs.item("sourceConnections", chain["source"])
    assert set(COMMON + ("baseConnectionId", "data", "connectionSpec", "params", "inheritedAttributes")) <= set(source)
    assert source["inheritedAttributes"]["baseConnection"]["id"] == chain["base"]
    target = fs.item("targetConnections", chain["target"])
    assert set(COMMON + ("data", "connectionSpec", "params")) <= set(target)
    bare = fs.created("/targetConnections", {"data": {"format": "parquet_xdm"}, "params": {"dataSetId": chain["dataset"]},
                                             "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})
    unnamed = fs.item("targetConnections", bare["id"])
    assert (unnamed["name"], unnamed["description"]) == ("", "")


def test_a_flow_carries_every_field_update_dataflows_shows(fs, chain, clock):
    flow = fs.created("/flows", {
        "name": "Tickets", "flowSpec": {"id": CRM_TO_AEP, "version": "1.0"},
        "sourceConnectionIds": [chain["source"]], "targetConnectionIds": [chain["target"]],
        "transformations": [{"name": "Copy", "params": {"deltaColumn": {"name": "LastModified"}}}],
        "scheduleParams": {"startTime": str(START_MS // 1000 - 60), "frequency": "hour", "interval": "1"}})["id"]
    item = fs.item("flows", flow)
    assert set(COMMON + ("flowSpec", "sourceConnectionIds", "targetConnectionIds", "inheritedAttributes",
                         "scheduleParams", "transformations", "runs", "lastOperation", "lastRunDetails")) <= set(item)
    assert item["description"] == ""
    assert set(item["lastRunDetails"]) >= {"id", "state", "startedAtUTC"}
    assert list(item)[-1] == "lastRunDetails"  # after the stored fields, as the docs show it
    assert item["inheritedAttributes"]["properties"] == {"isSourceFlow": True, "isDestinationFlow": False}
    listed = fs.get("/flows", query={"property": "inheritedAttributes.properties.isSourceFlow==true"})
    assert [f["id"] for f in listed.get_json()["items"]] == [flow]
    assert fs.get("/flows", query={"property": "inheritedAttributes.properties.isDestinationFlow==true"}
                  ).get_json()["items"] == []


def test_flows_filter_and_sort_on_their_computed_last_run(fs, chain, clock):
    ran = fs.flow(chain, name="ran", scheduleParams={"startTime": str(START_MS // 1000 - 60), "frequency": "hour",
                                                     "interval": "1"})
    fs.flow(chain, name="never ran")
    started = fs.item("flows", ran)["lastRunDetails"]["startedAtUTC"]
    found = fs.get("/flows", query={"property": f"lastRunDetails.startedAtUTC>={started}"}).get_json()["items"]
    assert [f["id"] for f in found] == [ran]
    ordered = fs.get("/flows", query={"orderby": "-lastRunDetails.startedAtUTC"}).get_json()["items"]
    assert [f["name"] for f in ordered] == ["ran", "never ran"]


def test_a_finished_run_carries_every_summary_monitor_shows(fs, chain, clock):
    flow = fs.flow(chain)
    run = fs.created("/runs", {"flowId": flow, "params": {"windowStartTime": "0", "windowEndTime": "1",
                                                          "deltaColumn": {"name": "LastModified"}}})
    assert set(run) >= {"id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
                        "sandboxId", "sandboxName", "imsOrgId", "flowId", "params", "etag", "metrics", "activities"}
    clock.advance(3_600_000)
    (done,) = fs.get(f"/runs/{run['id']}").get_json()["items"]
    assert set(done["metrics"]) >= {"durationSummary", "sizeSummary", "recordSummary", "fileSummary", "statusSummary"}
    for activity in done["activities"]:
        assert set(activity) >= {"id", "updatedAtUTC", "durationSummary", "sizeSummary", "recordSummary",
                                 "fileSummary", "statusSummary"}


# -- record schemas ---------------------------------------------------------------------------------
def state_records(module_app, fs) -> dict[str, list[dict]]:
    org = fs.headers["x-gw-ims-org-id"]
    (tenant,) = module_app.test_client().get("/_mockaep/state", query_string={"org": org}).get_json()["tenants"]
    return {kind: list(records.values()) for kind, records in tenant["collections"].items()}


def fits(kind: str, record: dict) -> bool:
    schema = KINDS[kind].record_schema
    return not any(True for _ in jsonschema.Draft7Validator(schema).iter_errors(record))


def test_stored_records_fit_their_schema_and_wrong_types_do_not(module_app, fs, chain, clock):
    flow = fs.flow(chain, scheduleParams={"startTime": str(START_MS // 1000 - 60), "frequency": "hour",
                                          "interval": "1"})
    fs.get("/runs")
    fs.created("/connectionSpecs", {"name": "Own source", "providerId": "0ed90a81-07f4-4586-8190-b40eccef1c5a",
                                    "authSpec": [{"name": "Key", "spec": {"type": "object"}}]})
    records = state_records(module_app, fs)
    for kind in ("connections", "sourceConnections", "targetConnections", "flows", "runs", "connectionSpecs"):
        assert records.get(kind), kind
        assert all(fits(kind, record) for record in records[kind]), kind
    wrong = {
        "connections": [("auth", "secret"), ("connectionSpec", {"id": 7}), ("createdAt", "yesterday")],
        "sourceConnections": [("params", ["tableName"]), ("baseConnectionId", {"id": "x"})],
        "targetConnections": [("data", "parquet_xdm"), ("inheritedAttributes", {"baseConnection": "x"})],
        "flows": [("sourceConnectionIds", "one"), ("transformations", [{"name": "Copy", "params": "x"}]),
                  ("lastRunDetails", {"id": "r"}), ("flowSpec", {}), ("inheritedAttributes", {"sourceConnections": 1})],
        "runs": [("_mockaep", {"startsAt": "soon", "copyFrom": 0, "completesAt": 0}), ("flowId", None),
                 ("metrics", {"durationSummary": {"startedAtUTC": "x"}})],
        "connectionSpecs": [("authSpec", [{"name": "Key", "spec": {"type": 5}}]), ("name", None)],
    }
    for kind, changes in wrong.items():
        for field, value in changes:
            broken = copy.deepcopy(records[kind][0])
            broken[field] = value
            assert not fits(kind, broken), (kind, field)
    assert flow in {record["id"] for record in records["flows"]}


def test_a_state_document_with_a_wrongly_typed_flow_is_refused(module_app, fs, chain):
    """With the store's record checker wired to the kinds' schemas (the app does this), a state
    document holding a flow whose sourceConnectionIds is not a list is refused whole."""
    fs.flow(chain)
    document = module_app.test_client().get("/_mockaep/state",
                                            query_string={"org": fs.headers["x-gw-ims-org-id"]}).get_json()
    (flow,) = document["tenants"][0]["collections"]["flows"].values()
    flow["sourceConnectionIds"] = "not-a-list"
    store = module_app.extensions["mockaep"].store
    checker = store.record_checker
    store.record_checker = checker or (lambda kind, record: next(
        (e.message for e in jsonschema.Draft7Validator(kind.record_schema).iter_errors(record)), None))
    try:
        response = module_app.test_client().post("/_mockaep/state", json=document)
    finally:
        store.record_checker = checker
    assert response.status_code == 400
