"""Flow runs over HTTP: creation and its refusals, progress on the emulator clock, PUT, RE_TRIGGER."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from mockaep.services.flowservice import runs
from tests.flowservice.helpers import FlowService, error_code

MAY_1 = int(datetime(2026, 5, 1, tzinfo=timezone.utc).timestamp())
JUNE_4 = int(datetime(2026, 6, 4, tzinfo=timezone.utc).timestamp())
JULY_1 = int(datetime(2026, 7, 1, tzinfo=timezone.utc).timestamp())
START_MS = int(datetime(2026, 7, 15, tzinfo=timezone.utc).timestamp()) * 1000  # the clock when a test starts
LATER = int(datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp())
INVALID = "mockaep-invalid-password"









def make_flow(fs: FlowService, table: str = "Case", password: str = "not-a-real-secret") -> dict[str, str]:
    base = fs.created("/connections", {
        "name": "Support desk", "connectionSpec": {"id": "cb66ab34-8619-49cb-96d1-39b37ede86ea", "version": "1.0"},
        "auth": {"specName": "Basic Authentication",
                 "params": {"username": "reader@example.org", "password": password, "securityToken": "tok"}}})["id"]
    source = fs.source_connection(base, table=table)
    schema = fs.target_schema(title=f"Support contacts {uuid.uuid4().hex[:8]}")
    target = fs.target_connection(fs.dataset(schema), schema)
    chain = {"base": base, "source": source, "schema": schema, "target": target}
    # The schedule starts in 2030, so only the runs a test creates exist (test_runs_schedule.py
    # covers scheduled runs).
    chain["flow"] = fs.flow(chain, transformations=[
        {"name": "Copy", "params": {"deltaColumn": {"name": "LastModifiedDate"}}}],
        scheduleParams={"startTime": str(LATER), "frequency": "week", "interval": "1"})
    return chain


@pytest.fixture
def flow(fs, clock):
    return make_flow(fs)


def run_body(flow_id: str, **params) -> dict:
    return {"flowId": flow_id, "params": {"windowStartTime": str(MAY_1), "windowEndTime": str(JUNE_4),
                                          "deltaColumn": {"name": "LastModifiedDate"}, **params}}


def get_run(fs, run_id: str) -> dict:
    response = fs.get(f"/runs/{run_id}")
    assert response.status_code == 200
    (run,) = response.get_json()["items"]
    return run


def test_created_run_is_scheduled_and_echoes_params(fs, flow, clock):
    body = run_body(flow["flow"])
    response = fs.post("/runs", body)
    assert response.status_code == 201
    run = response.get_json()
    assert response.headers["Location"].endswith(f"/runs/{run['id']}")
    assert run["flowId"] == flow["flow"] and run["params"] == body["params"]
    assert run["metrics"] == {"statusSummary": {"status": "scheduled"}} and run["activities"] == []
    assert run["etag"].startswith('"') and run["createdAt"] == clock.now
    assert run["imsOrgId"] == fs.headers["x-gw-ims-org-id"] and run["sandboxName"] == "prod"
    assert "_mockaep" not in run
    assert get_run(fs, run["id"]) == run


@pytest.mark.parametrize("body, code", [
    ({"params": {}}, "FLOW-1446-400"),
    ({"flowId": "", "params": {}}, "FLOW-1446-400"),
    ({"flowId": "00000000-0000-4000-8000-0000000000aa", "params": {}}, "FLOW-1430-400"),
    ({"flowId": 7}, "FLOW-1100-400"),
])
def test_refused_without_a_known_flow(fs, clock, body, code):
    response = fs.post("/runs", body)
    assert response.status_code == 400
    assert error_code(response) == code
    assert fs.get("/runs").get_json()["items"] == []


@pytest.mark.parametrize("params, where", [
    ({"windowEndTime": str(MAY_1 - 1)}, "windowEndTime"),
    ({"windowStartTime": "yesterday"}, "windowStartTime"),
    ({"deltaColumn": {}}, "deltaColumn"),
    ({"deltaColumn": None}, "deltaColumn"),
    ({"windowStartTime": None}, "windowStartTime"),
])
def test_refused_params_store_nothing(fs, flow, params, where):
    body = run_body(flow["flow"], **params)
    body["params"] = {k: v for k, v in body["params"].items() if v is not None}
    response = fs.post("/runs", body)
    assert response.status_code == 400, response.get_json()
    assert where in str(response.get_json()["report"])
    assert fs.get("/runs").get_json()["items"] == []


def test_empty_body_is_1405(fs, clock):
    response = fs.call("POST", "/runs", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and error_code(response) == "FLOW-1405-400"


def test_run_progresses_with_the_clock(fs, flow, clock):
    run_id = fs.created("/runs", run_body(flow["flow"]))["id"]
    clock.advance(runs.QUEUE_MS)
    running = get_run(fs, run_id)
    assert running["state"] == "inProgress"
    assert running["metrics"]["statusSummary"]["status"] == "inProgress"
    assert running["metrics"]["durationSummary"]["startedAtUTC"] == START_MS + runs.QUEUE_MS
    clock.advance(runs.COPY_MS + runs.PROMOTION_MS)
    done = get_run(fs, run_id)
    assert done["state"] == "success"
    assert done["etag"] != running["etag"]
    metrics = done["metrics"]
    assert metrics["statusSummary"]["status"] == "success"
    assert metrics["durationSummary"] == {"startedAtUTC": START_MS + runs.QUEUE_MS,
                                          "completedAtUTC": START_MS + runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS}
    assert [a["id"] for a in done["activities"]] == ["copyActivity", "promotionActivity"]
    assert done["activities"][0]["sourceInfo"][0]["id"] == flow["source"]
    target = done["activities"][1]["targetInfo"][0]
    assert target["id"] == flow["target"] and target["reference"]["type"] == "Batch"
    # Sizes come from the data: the rows read (as JSON) and the Parquet file the run landed.
    assert metrics["sizeSummary"]["inputBytes"] > 0 and metrics["sizeSummary"]["outputBytes"] > 0
    files = fs.call("GET", "/dataSetFiles", prefix="/data/foundation/catalog",
                    query={"batchId": target["reference"]["ids"][0]}).get_json()
    assert sum(f["size"] for f in files.values()) == metrics["sizeSummary"]["outputBytes"]


def test_record_counts_come_from_the_rows_inside_the_window(fs, flow, clock):
    preview = fs.get(f"/connections/{flow['base']}/explore",
                     query={"objectType": "table", "object": "Case", "preview": "true"}).get_json()["data"]
    window_end = JUNE_4
    expected = [row for row in preview if MAY_1 <= datetime.fromisoformat(
        row["LastModifiedDate"].replace("Z", "+00:00")).timestamp() < window_end]
    assert 0 < len(expected) < len(preview)
    whole = fs.created("/runs", run_body(flow["flow"], windowEndTime=str(JULY_1)))["id"]
    part = fs.created("/runs", run_body(flow["flow"]))["id"]
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    assert get_run(fs, whole)["metrics"]["recordSummary"] == {
        "inputRecordCount": len(preview), "outputRecordCount": len(preview), "failedRecordCount": 0}
    assert get_run(fs, part)["metrics"]["recordSummary"]["inputRecordCount"] == len(expected)


def test_run_waits_for_its_window_to_close(fs, flow, clock):
    window_end = START_MS // 1000 + 3600
    run_id = fs.created("/runs", run_body(flow["flow"], windowEndTime=str(window_end)))["id"]
    clock.advance(1800 * 1000)
    assert get_run(fs, run_id)["state"] == "inProgress"
    clock.now = window_end * 1000 + runs.COPY_MS + runs.PROMOTION_MS
    assert get_run(fs, run_id)["state"] == "success"


def test_start_time_in_the_future_keeps_it_scheduled(fs, flow, clock):
    start = START_MS // 1000 + 600
    run_id = fs.created("/runs", run_body(flow["flow"], startTime=str(start)))["id"]
    clock.advance(300 * 1000)
    assert get_run(fs, run_id)["state"] == "scheduled"
    clock.now = start * 1000
    assert get_run(fs, run_id)["state"] == "inProgress"


def test_refused_credentials_fail_the_run(fs, clock):
    flow = make_flow(fs, password=INVALID)
    run_id = fs.created("/runs", run_body(flow["flow"]))["id"]
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    run = get_run(fs, run_id)
    assert run["state"] == "failed"
    assert run["metrics"]["statusSummary"]["status"] == "failed"
    assert run["metrics"]["statusSummary"]["errors"][0]["code"].startswith("CONNECTOR-")


def test_lists_filter_by_flow_and_state(fs, flow, clock):
    other = make_flow(fs)
    first = fs.created("/runs", run_body(flow["flow"]))["id"]
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    second = fs.created("/runs", run_body(flow["flow"]))["id"]
    third = fs.created("/runs", run_body(other["flow"]))["id"]
    by_flow = fs.get("/runs", query={"property": f"flowId=={flow['flow']}"}).get_json()
    assert [r["id"] for r in by_flow["items"]] == [first, second] and by_flow["_links"] == {}
    done = fs.get("/runs", query={"property": "state==success"}).get_json()["items"]
    assert [r["id"] for r in done] == [first]
    assert all("_mockaep" not in r for r in done)
    waiting = fs.get("/runs", query={"property": "metrics.statusSummary.status==scheduled"}).get_json()["items"]
    assert {r["id"] for r in waiting} == {second, third}
    assert fs.get("/runs", query={"count": "true"}).get_json() == {"count": 3}
    page = fs.get("/runs", query={"limit": "2", "orderby": "-createdAt"}).get_json()
    assert len(page["items"]) == 2 and "continuationToken" in page["_links"]["next"]["href"]


def test_unknown_run_is_404(fs, clock):
    for method, path in (("GET", "/runs/nope"), ("PUT", "/runs/nope"), ("POST", "/runs/nope/action?op=RE_TRIGGER")):
        response = fs.call(method, path, {} if method != "GET" else None, headers={"If-Match": '"x"'})
        assert response.status_code == 404, path
        assert error_code(response) == "FLOW-1101-404"


def test_put_needs_the_current_etag(fs, flow):
    run = fs.created("/runs", run_body(flow["flow"]))
    update = {"providerRefId": "provider-run-42"}
    missing = fs.call("PUT", f"/runs/{run['id']}", update)
    assert missing.status_code == 400 and error_code(missing) == "FLOW-1403-400"
    stale = fs.call("PUT", f"/runs/{run['id']}", update, headers={"If-Match": '"0000-stale"'})
    assert stale.status_code == 412 and error_code(stale) == "FLOW-1404-412"
    assert get_run(fs, run["id"]) == run
    ok = fs.call("PUT", f"/runs/{run['id']}", update, headers={"If-Match": run["etag"]})
    assert ok.status_code == 200
    assert ok.get_json()["providerRefId"] == "provider-run-42" and ok.get_json()["etag"] != run["etag"]


def test_put_reports_status_and_stops_the_clock_driving_it(fs, flow, clock):
    run = fs.created("/runs", run_body(flow["flow"]))
    report = {"metrics": {"statusSummary": {"status": "failed"}, "recordSummary": {"failedRecordCount": 3}}}
    updated = fs.call("PUT", f"/runs/{run['id']}", report, headers={"If-Match": run["etag"]}).get_json()
    assert updated["state"] == "failed"
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    assert get_run(fs, run["id"])["metrics"] == report["metrics"]


@pytest.mark.parametrize("update", [{"flowId": "00000000-0000-4000-8000-0000000000bb"},
                                    {"params": {"windowStartTime": "soon"}}, {"metrics": []}])
def test_refused_puts_change_nothing(fs, flow, update):
    run = fs.created("/runs", run_body(flow["flow"]))
    response = fs.call("PUT", f"/runs/{run['id']}", update, headers={"If-Match": run["etag"]})
    assert response.status_code == 400
    assert get_run(fs, run["id"]) == run


def test_re_trigger_runs_a_finished_run_again(fs, flow, clock):
    run = fs.created("/runs", run_body(flow["flow"]))
    early = fs.post(f"/runs/{run['id']}/action?op=RE_TRIGGER")
    assert early.status_code == 400 and error_code(early) == "FLOW-1422-400"
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    finished = get_run(fs, run["id"])
    assert finished["state"] == "success"
    stale = fs.post(f"/runs/{run['id']}/action?op=RE_TRIGGER", headers={"If-Match": run["etag"]})
    assert stale.status_code == 412
    again = fs.post(f"/runs/{run['id']}/action?op=RE_TRIGGER", headers={"If-Match": finished["etag"]})
    assert again.status_code == 200
    assert again.get_json()["state"] == "scheduled" and again.get_json()["activities"] == []
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    rerun = get_run(fs, run["id"])
    assert rerun["state"] == "success"
    first_end = finished["metrics"]["durationSummary"]["completedAtUTC"]
    assert rerun["metrics"]["durationSummary"]["startedAtUTC"] > first_end


@pytest.mark.parametrize("query, code", [("op=PAUSE", "FLOW-1435-400"), ("", "FLOW-1100-400")])
def test_unknown_actions_are_refused(fs, flow, query, code):
    run = fs.created("/runs", run_body(flow["flow"]))
    response = fs.post(f"/runs/{run['id']}/action?{query}")
    assert response.status_code == 400 and error_code(response) == code
    assert get_run(fs, run["id"]) == run


def test_last_run_details_follow_the_latest_run(fs, flow, clock):
    def last_run_details() -> dict | None:
        response = fs.get(f"/flows/{flow['flow']}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"][0].get("lastRunDetails")

    fs.created("/runs", run_body(flow["flow"]))
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    latest = fs.created("/runs", run_body(flow["flow"]))["id"]
    assert last_run_details() == {"id": latest, "state": "scheduled"}
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    details = last_run_details()
    assert details["id"] == latest and details["state"] == "success"
    assert details["completedAtUTC"] == clock.now


def test_cloud_storage_run_reads_every_file_under_its_folder(fs, clock):
    s3 = "ecadc60c-7455-4d87-84dc-2a0e293d997b"
    base = fs.created("/connections", {
        "name": "Loyalty bucket", "connectionSpec": {"id": s3, "version": "1.0"},
        "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAEXAMPLE", "s3SecretKey": "not-real"}}})["id"]
    source = fs.created("/sourceConnections", {
        "name": "Monthly orders", "baseConnectionId": base, "data": {"format": "delimited"},
        "params": {"path": "/acme-loyalty-exports/orders"}, "connectionSpec": {"id": s3, "version": "1.0"}})["id"]
    folder = fs.get(f"/connections/{base}/explore", query={"objectType": "folder",
                                                           "object": "/acme-loyalty-exports/orders"}).get_json()
    rows = 0
    for month in folder:
        (file,) = fs.get(f"/connections/{base}/explore",
                         query={"objectType": "folder", "object": month["path"]}).get_json()
        rows += len(fs.get(f"/connections/{base}/explore", query={"objectType": "file", "object": file["path"],
                                                                  "preview": "true"}).get_json()["data"])
    schema = fs.target_schema(title=f"Orders {uuid.uuid4().hex[:8]}")
    target = fs.target_connection(fs.dataset(schema), schema)
    flow = fs.created("/flows", {
        "name": "Orders once", "flowSpec": {"id": "9753525b-82c7-4dce-8a9b-5ccfce2b9876", "version": "1.0"},
        "sourceConnectionIds": [source], "targetConnectionIds": [target],
        "scheduleParams": {"startTime": str(LATER), "frequency": "once"}})["id"]
    missing = fs.post("/runs", {"flowId": flow, "params": {"windowStartTime": str(MAY_1)}})
    assert missing.status_code == 400 and "windowEndTime" in str(missing.get_json()["report"])
    run_id = fs.created("/runs", {"flowId": flow, "params": {"windowStartTime": MAY_1, "windowEndTime": JULY_1}})["id"]
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    metrics = get_run(fs, run_id)["metrics"]
    assert metrics["recordSummary"]["inputRecordCount"] == rows == 7
    assert metrics["fileSummary"]["inputFileCount"] == len(folder) == 2


def test_flow_reads_show_the_latest_run(fs, flow, clock):
    assert "lastRunDetails" not in fs.item("flows", flow["flow"])
    run_id = fs.created("/runs", run_body(flow["flow"]))["id"]
    clock.advance(runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS)
    details = fs.item("flows", flow["flow"])["lastRunDetails"]
    run = get_run(fs, run_id)
    assert details == {"id": run_id, "state": "success",
                       "startedAtUTC": run["metrics"]["durationSummary"]["startedAtUTC"],
                       "completedAtUTC": run["metrics"]["durationSummary"]["completedAtUTC"]}
