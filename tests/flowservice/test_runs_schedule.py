"""Runs a flow's schedule starts, on the emulator clock, as GET /runs shows them."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone


from mockaep.services.flowservice import runs, schedules
from tests.flowservice.helpers import FlowService

HOUR = 3600
START_MS = int(datetime(2026, 7, 15, tzinfo=timezone.utc).timestamp()) * 1000
RUN_MS = runs.COPY_MS + runs.PROMOTION_MS






def scheduled_flow(fs: FlowService, **schedule) -> str:
    base = fs.base_connection()
    source = fs.source_connection(base, table="Case")
    schema = fs.target_schema(title=f"Scheduled cases {uuid.uuid4().hex[:8]}")
    target = fs.target_connection(fs.dataset(schema), schema)
    return fs.flow({"source": source, "target": target}, scheduleParams=schedule, transformations=[
        {"name": "Copy", "params": {"deltaColumn": {"name": "LastModifiedDate"}}}])


def runs_of(fs: FlowService, flow_id: str) -> list[dict]:
    response = fs.get("/runs", query={"property": f"flowId=={flow_id}"})
    assert response.status_code == 200
    return response.get_json()["items"]


def test_past_start_runs_at_creation_then_every_period(fs, clock):
    flow = scheduled_flow(fs, startTime="1590792316", frequency="hour", interval="2", backfill="true")
    (first,) = runs_of(fs, flow)
    created = START_MS // 1000
    assert first["params"] == {"windowStartTime": 0, "windowEndTime": created}
    assert first["createdAt"] == START_MS and first["state"] == "inProgress"
    clock.advance(2 * HOUR * 1000 - 1)
    assert len(runs_of(fs, flow)) == 1
    clock.advance(1)
    first, second = runs_of(fs, flow)
    assert first["state"] == "success"
    assert first["metrics"]["recordSummary"]["inputRecordCount"] == 5  # backfill: every row of Case
    assert second["params"] == {"windowStartTime": created, "windowEndTime": created + 2 * HOUR}
    clock.advance(RUN_MS)
    (_first, second) = runs_of(fs, flow)
    assert second["state"] == "success"
    assert second["metrics"]["recordSummary"]["inputRecordCount"] == 0  # nothing changed in that window


def test_future_start_waits_and_without_backfill_reads_one_period(fs, clock):
    start = START_MS // 1000 + 3 * HOUR
    flow = scheduled_flow(fs, startTime=str(start), frequency="minute", interval="15", backfill="false")
    assert runs_of(fs, flow) == []
    clock.now = start * 1000
    (first,) = runs_of(fs, flow)
    assert first["params"] == {"windowStartTime": start - 15 * 60, "windowEndTime": start}


def test_once_runs_a_single_time(fs, clock):
    flow = fs.created("/flows", {
        "name": "Bucket once", "flowSpec": {"id": "9753525b-82c7-4dce-8a9b-5ccfce2b9876", "version": "1.0"},
        "sourceConnectionIds": [_s3_source(fs)], "targetConnectionIds": [_target(fs)],
        "scheduleParams": {"startTime": str(START_MS // 1000 + 60), "frequency": "once"}})["id"]
    assert runs_of(fs, flow) == []
    clock.advance(30 * 24 * HOUR * 1000)
    (only,) = runs_of(fs, flow)
    assert only["state"] == "success"
    assert only["metrics"]["recordSummary"]["inputRecordCount"] > 0


def test_disabled_flows_get_no_new_runs(fs, clock):
    flow = scheduled_flow(fs, startTime=str(START_MS // 1000 + HOUR), frequency="hour", interval="1")
    disabled = fs.post(f"/flows/{flow}/action", query={"op": "DISABLE"})
    assert disabled.status_code == 200, disabled.get_json()
    clock.advance(5 * HOUR * 1000)
    assert runs_of(fs, flow) == []
    assert fs.get("/runs").get_json()["items"] == []


def test_catching_up_creates_only_the_latest_runs(fs, clock):
    flow = scheduled_flow(fs, startTime="1590792316", frequency="hour", interval="1")
    assert len(runs_of(fs, flow)) == 1
    clock.advance(1000 * HOUR * 1000)
    made = runs_of(fs, flow)
    assert len(made) == 1 + schedules.MAX_CATCH_UP
    ends = [run["params"]["windowEndTime"] for run in made[1:]]
    assert ends == list(range(ends[0], ends[0] + HOUR * len(ends), HOUR))
    assert ends[-1] == START_MS // 1000 + 1000 * HOUR
    assert len(runs_of(fs, flow)) == len(made)


def test_every_flow_is_scheduled_when_all_runs_are_listed(fs, clock):
    first = scheduled_flow(fs, startTime="1590792316", frequency="day", interval="1")
    second = scheduled_flow(fs, startTime="1590792316", frequency="week", interval="1")
    listed = fs.get("/runs", query={"property": "state==inProgress"}).get_json()["items"]
    assert {run["flowId"] for run in listed} == {first, second}


def _s3_source(fs: FlowService) -> str:
    s3 = "ecadc60c-7455-4d87-84dc-2a0e293d997b"
    base = fs.created("/connections", {
        "name": "Bucket", "connectionSpec": {"id": s3, "version": "1.0"},
        "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAEXAMPLE", "s3SecretKey": "not-real"}}})["id"]
    return fs.created("/sourceConnections", {
        "name": "Members file", "baseConnectionId": base, "data": {"format": "delimited"},
        "params": {"path": "/acme-loyalty-exports/members/members.csv"},
        "connectionSpec": {"id": s3, "version": "1.0"}})["id"]


def _target(fs: FlowService) -> str:
    schema = fs.target_schema(title=f"Members {uuid.uuid4().hex[:8]}")
    return fs.target_connection(fs.dataset(schema), schema)
