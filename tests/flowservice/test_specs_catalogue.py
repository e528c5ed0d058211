"""The connection and flow specs real clients use by id or name (aepp's helpers): the data lake by
its platform name, and the minimal specs mockaep adds for Profile, streaming, the Data Landing
Zone (source and destination), dataset exports and the S3 / Azure Blob destinations."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mockaep.services.flowservice import runs
from tests.flowservice.helpers import DATA_LAKE, SERVICE_CLOUD, error_code

LANDING_ZONE = "26f526f2-58f4-4712-961d-e41bf1ccc0e8"
CLOUD_STORAGE = "9753525b-82c7-4dce-8a9b-5ccfce2b9876"
DATASET_EXPORT = "cd2fc47e-e838-4f38-a581-8fff2f99b63a"
START_MS = int(datetime(2026, 7, 15, tzinfo=timezone.utc).timestamp()) * 1000

MINIMAL_CONNECTION_SPECS = {
    "8a9c3494-9708-43d7-ae3f-cda01e5030e1": "Profile Store",
    "bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb": "Streaming Connection",
    LANDING_ZONE: "landing-zone",
    "23598e46-f560-407b-88d5-ea6207e49db0": "activation-datalake",
    "10440537-2a7b-4583-ac39-ed38d4b848e8": "Data Landing Zone",
    "4fce964d-3f37-408f-9778-e597338a21ee": "Amazon S3",
    "6d6b59bf-fb58-4107-9064-4d246c0e5bb2": "Azure Blob Storage",
}
MINIMAL_FLOW_SPECS = ("d8a6f005-7eaf-4153-983e-e8574508b877", "c1a19761-d2c7-4702-b9fa-fe91f0613e81",
                      DATASET_EXPORT)


def by_name(fs, collection: str, name: str) -> list[str]:
    response = fs.get(f"/{collection}", query={"property": f"name=={name}"})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["items"]]


def test_the_data_lake_is_found_by_its_platform_name(fs):
    assert by_name(fs, "connectionSpecs", "datalake") == [DATA_LAKE]


def test_minimal_specs_are_served_and_say_what_mockaep_made_up(fs):
    for spec_id, name in MINIMAL_CONNECTION_SPECS.items():
        assert by_name(fs, "connectionSpecs", name) == [spec_id]
        (spec,) = fs.get(f"/connectionSpecs/{spec_id}").get_json()["items"]
        assert spec["x-mockaep-note"].startswith("minimal:")
    for spec_id in MINIMAL_FLOW_SPECS:
        (spec,) = fs.get(f"/flowSpecs/{spec_id}").get_json()["items"]
        assert spec["x-mockaep-note"].startswith("minimal:")
    (cloud,) = fs.get(f"/flowSpecs/{CLOUD_STORAGE}").get_json()["items"]
    assert LANDING_ZONE in cloud["sourceConnectionSpecIds"]


def test_the_data_lake_takes_the_incoming_format_but_not_tabular(fs):
    schema = fs.target_schema()
    dataset = fs.dataset(schema)
    for data_format, status in (("parquet_xdm", 201), ("delimited", 201), ("json", 201), ("tabular", 400)):
        response = fs.post("/targetConnections", {"name": data_format, "data": {"format": data_format},
                                                  "params": {"dataSetId": dataset},
                                                  "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})
        assert response.status_code == status, (data_format, response.get_json())


def landing_zone_source(fs, path: str = "/drop/members.csv") -> str:
    return fs.created("/sourceConnections", {
        "name": "Dropped files", "data": {"format": "delimited"}, "params": {"path": path, "type": "file"},
        "connectionSpec": {"id": LANDING_ZONE, "version": "1.0"}})["id"]


def test_the_landing_zone_is_explored_through_its_spec(fs):
    root = fs.get(f"/connectionSpecs/{LANDING_ZONE}/explore", query={"objectType": "root"})
    assert root.status_code == 200
    assert [entry["path"] for entry in root.get_json()] == ["/drop"]
    preview = fs.get(f"/connectionSpecs/{LANDING_ZONE}/explore",
                     query={"objectType": "file", "object": "/drop/members.csv", "preview": "true",
                            "determineProperties": "true"}).get_json()
    assert len(preview["data"]) == 5
    # A source behind credentials is explored through a base connection, not its spec.
    refused = fs.get(f"/connectionSpecs/{SERVICE_CLOUD}/explore", query={"objectType": "root"})
    assert refused.status_code == 400 and error_code(refused) == "FLOW-1100-400"


def test_a_landing_zone_flow_reads_its_file(fs, clock):
    schema = fs.target_schema()
    target = fs.target_connection(fs.dataset(schema), schema)
    flow = fs.created("/flows", {
        "name": "Dropped members", "flowSpec": {"id": CLOUD_STORAGE, "version": "1.0"},
        "sourceConnectionIds": [landing_zone_source(fs)], "targetConnectionIds": [target],
        "scheduleParams": {"startTime": str(START_MS // 1000 + 60), "frequency": "once"}})["id"]
    clock.advance(3_600_000)
    (run,) = fs.get("/runs", query={"property": f"flowId=={flow}"}).get_json()["items"]
    assert run["state"] == "success" and run["metrics"]["recordSummary"]["inputRecordCount"] == 5
    assert runs.COPY_MS < 3_600_000


def test_a_dataset_export_flow_is_a_destination_flow(fs):
    schema = fs.target_schema()
    dataset = fs.dataset(schema)
    source = fs.created("/sourceConnections", {
        "name": "Lake export", "data": {"format": "json"}, "params": {"datasets": [{"dataSetId": dataset}]},
        "connectionSpec": {"id": "23598e46-f560-407b-88d5-ea6207e49db0", "version": "1.0"}})["id"]
    base = fs.created("/connections", {"name": "DLZ", "connectionSpec": {
        "id": "10440537-2a7b-4583-ac39-ed38d4b848e8", "version": "1.0"}})["id"]
    target = fs.created("/targetConnections", {
        "name": "To DLZ", "baseConnectionId": base, "data": {"format": "json"},
        "params": {"path": "/exports", "datasetFileType": "JSON", "compression": "GZIP"},
        "connectionSpec": {"id": "10440537-2a7b-4583-ac39-ed38d4b848e8", "version": "1.0"}})["id"]
    assert fs.item("targetConnections", target)["baseConnectionId"] == base
    flow = fs.created("/flows", {
        "name": "Export", "flowSpec": {"id": DATASET_EXPORT, "version": "1.0"},
        "sourceConnectionIds": [source], "targetConnectionIds": [target], "transformations": [],
        "scheduleParams": {"startTime": "1900000000", "frequency": "hour", "interval": "3", "timeUnit": "hour",
                           "exportMode": "FIRST_FULL_THEN_INCREMENTAL"}})["id"]
    assert fs.item("flows", flow)["inheritedAttributes"]["properties"] == {"isSourceFlow": False,
                                                                          "isDestinationFlow": True}


@pytest.mark.parametrize("params, code", [({}, "FLOW-1100-400"), ({"path": 5}, "FLOW-1100-400")])
def test_minimal_specs_still_check_their_params(fs, params, code):
    response = fs.post("/targetConnections", {"name": "x", "data": {"format": "json"}, "params": params,
                                              "connectionSpec": {"id": "10440537-2a7b-4583-ac39-ed38d4b848e8",
                                                                 "version": "1.0"}})
    assert response.status_code == 400 and error_code(response) == code
