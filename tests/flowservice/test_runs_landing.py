"""What runs leave behind, over HTTP: scheduled-run ids that survive export/seed, the Catalog batch
a successful run writes, and what deleting a flow does to its runs."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone


from mockaep import create_app
from mockaep.core.config import Config
from mockaep.services.flowservice import progress, runs
from tests.flowservice.helpers import FlowService, error_code
from tests.flowservice.conftest import Clock
from tests.flowservice.test_runs_lifecycle import INVALID, MAY_1, make_flow, run_body

HOUR = 3600
START_MS = int(datetime(2026, 8, 3, 9, 30, tzinfo=timezone.utc).timestamp()) * 1000
RUN_MS = runs.QUEUE_MS + runs.COPY_MS + runs.PROMOTION_MS
CATALOG = "/data/foundation/catalog"






def hourly_flow(fs: FlowService) -> str:
    base = fs.base_connection(name="Ticketing reader")
    source = fs.source_connection(base, table="Case", name="Case rows")
    schema = fs.target_schema(title=f"Hourly cases {uuid.uuid4().hex[:8]}")
    target = fs.target_connection(fs.dataset(schema, name="Hourly cases"), schema)
    return fs.flow({"source": source, "target": target}, name="Hourly case sync",
                   scheduleParams={"startTime": str(START_MS // 1000 - 5 * HOUR), "frequency": "hour",
                                   "interval": "1", "backfill": "true"},
                   transformations=[{"name": "Copy", "params": {"deltaColumn": {"name": "LastModifiedDate"}}}])


def run_ids(fs: FlowService, flow_id: str | None = None) -> list[str]:
    query = {"property": f"flowId=={flow_id}"} if flow_id else None
    response = fs.get("/runs", query=query)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def finished_run(fs: FlowService, clock: Clock, flow_id: str, **params) -> dict:
    run_id = fs.created("/runs", run_body(flow_id, **params))["id"]
    clock.advance(RUN_MS)
    response = fs.get(f"/runs/{run_id}")
    assert response.status_code == 200
    return response.get_json()["items"][0]


def dataset_of(fs: FlowService, target_id: str) -> str:
    return fs.item("targetConnections", target_id)["params"]["dataSetId"]


def catalog_get(fs: FlowService, path: str, **query):
    return fs.call("GET", path, prefix=CATALOG, query=query or None)


def promoted_batches(run: dict) -> list[str]:
    promotion = next(a for a in run["activities"] if a["id"] == "promotionActivity")
    return [batch for target in promotion["targetInfo"] for batch in (target.get("reference") or {}).get("ids", [])]


# -- 1. scheduled-run ids --------------------------------------------------------------------------
def test_scheduled_run_ids_survive_export_and_seed(module_app, fs, clock):
    flow_id = hourly_flow(fs)
    org = fs.headers["x-gw-ims-org-id"]
    exported = module_app.test_client().get("/_mockaep/state", query_string={"org": org}).get_json()
    assert "runs" not in exported["tenants"][0]["collections"]  # no run exists before the first read

    first_read = run_ids(fs, flow_id)
    assert len(first_read) == 1 and run_ids(fs, flow_id) == first_read  # reading again adds nothing

    elsewhere = create_app(Config(clock=clock))
    assert elsewhere.test_client().post("/_mockaep/state", json=exported).status_code == 200
    seeded = FlowService(elsewhere.test_client(), org=org)
    assert run_ids(seeded, flow_id) == first_read
    assert seeded.get(f"/runs/{first_read[0]}").status_code == 200

    clock.advance(2 * HOUR * 1000)  # two more slots fall due on both emulators
    here, there = run_ids(fs, flow_id), run_ids(seeded, flow_id)
    assert len(here) == 3 and here == there and here[0] == first_read[0]


def test_different_flows_and_slots_get_different_run_ids(fs, clock):
    flows = [hourly_flow(fs), hourly_flow(fs)]
    clock.advance(HOUR * 1000)
    ids = [run_id for flow_id in flows for run_id in run_ids(fs, flow_id)]
    assert len(ids) == 4 and len(set(ids)) == 4


# -- 2. the batch a successful run writes ------------------------------------------------------------
def test_successful_run_lands_a_catalog_batch(fs, clock):
    flow = make_flow(fs)
    dataset_id = dataset_of(fs, flow["target"])
    run = finished_run(fs, clock, flow["flow"])
    assert run["state"] == "success"
    records = run["metrics"]["recordSummary"]["outputRecordCount"]
    assert records > 0
    (batch_id,) = promoted_batches(run)

    response = catalog_get(fs, f"/batches/{batch_id}")
    assert response.status_code == 200, response.get_json()
    batch = response.get_json()[batch_id]
    assert batch["status"] == "success"
    assert batch["recordCount"] == records and batch["failedRecordCount"] == 0
    assert {"type": "dataSet", "id": dataset_id} in batch["relatedObjects"]
    assert batch["completed"] == run["metrics"]["durationSummary"]["completedAtUTC"]

    dataset = catalog_get(fs, f"/dataSets/{dataset_id}").get_json()[dataset_id]
    assert dataset["lastBatchId"] == batch_id and dataset["lastBatchStatus"] == "success"
    files = catalog_get(fs, "/dataSetFiles", batchId=batch_id).get_json()
    assert [f["records"] for f in files.values()] == [records]

    # Reading the finished run again writes nothing more.
    assert promoted_batches(fs.get(f"/runs/{run['id']}").get_json()["items"][0]) == [batch_id]
    assert list(catalog_get(fs, "/batches", dataSet=dataset_id).get_json()) == [batch_id]


def test_a_seeded_state_lands_the_same_batch(module_app, fs, clock):
    flow = make_flow(fs)
    run_id = fs.created("/runs", run_body(flow["flow"]))["id"]
    org = fs.headers["x-gw-ims-org-id"]
    exported = module_app.test_client().get("/_mockaep/state", query_string={"org": org}).get_json()
    elsewhere = create_app(Config(clock=clock))
    assert elsewhere.test_client().post("/_mockaep/state", json=exported).status_code == 200
    seeded = FlowService(elsewhere.test_client(), org=org)
    clock.advance(RUN_MS)
    here = promoted_batches(fs.get(f"/runs/{run_id}").get_json()["items"][0])
    there = promoted_batches(seeded.get(f"/runs/{run_id}").get_json()["items"][0])
    assert len(here) == 1 and here == there
    assert catalog_get(seeded, f"/batches/{there[0]}").status_code == 200


def test_re_triggered_run_lands_a_new_batch(fs, clock):
    flow = make_flow(fs)
    dataset_id = dataset_of(fs, flow["target"])
    run = finished_run(fs, clock, flow["flow"])
    (first,) = promoted_batches(run)
    again = fs.post(f"/runs/{run['id']}/action", query={"op": "RE_TRIGGER"})
    assert again.status_code == 200, again.get_json()
    clock.advance(RUN_MS)
    (second,) = promoted_batches(fs.get(f"/runs/{run['id']}").get_json()["items"][0])
    assert second != first
    assert sorted(catalog_get(fs, "/batches", dataSet=dataset_id).get_json()) == sorted([first, second])
    assert catalog_get(fs, f"/dataSets/{dataset_id}").get_json()[dataset_id]["lastBatchId"] == second


def test_failed_run_lands_no_batch(fs, clock):
    flow = make_flow(fs, password=INVALID)
    dataset_id = dataset_of(fs, flow["target"])
    run = finished_run(fs, clock, flow["flow"])
    assert run["state"] == "failed"
    assert all("targetInfo" not in activity for activity in run["activities"])
    assert catalog_get(fs, "/batches", dataSet=dataset_id).get_json() == {}
    assert "lastBatchId" not in catalog_get(fs, f"/dataSets/{dataset_id}").get_json()[dataset_id]


def test_run_over_a_quiet_window_succeeds_without_a_batch(fs, clock):
    flow = make_flow(fs)
    dataset_id = dataset_of(fs, flow["target"])
    run = finished_run(fs, clock, flow["flow"], windowStartTime=str(MAY_1 - 400 * 86400),
                       windowEndTime=str(MAY_1 - 399 * 86400))
    assert run["state"] == "success" and run["metrics"]["recordSummary"]["outputRecordCount"] == 0
    assert promoted_batches(run) == []
    assert catalog_get(fs, "/batches", dataSet=dataset_id).get_json() == {}


# -- 3. deleting a flow --------------------------------------------------------------------------------
def test_deleting_a_flow_deletes_its_runs_but_not_its_batches(fs, clock):
    flow = make_flow(fs)
    kept = make_flow(fs)
    run = finished_run(fs, clock, flow["flow"])
    other = finished_run(fs, clock, kept["flow"])
    (batch_id,) = promoted_batches(run)

    assert fs.delete(f"/flows/{flow['flow']}").status_code == 204
    gone = fs.get(f"/runs/{run['id']}")
    assert gone.status_code == 404 and error_code(gone) == "FLOW-1101-404"
    assert run_ids(fs) == [other["id"]]
    assert run_ids(fs, flow["flow"]) == []
    assert fs.get("/runs", query={"count": "true"}).get_json() == {"count": 1}
    retrigger = fs.post(f"/runs/{run['id']}/action", query={"op": "RE_TRIGGER"})
    assert retrigger.status_code == 404 and error_code(retrigger) == "FLOW-1101-404"
    # The data the run ingested stays in the lake.
    assert catalog_get(fs, f"/batches/{batch_id}").status_code == 200


def test_deleted_scheduled_flow_starts_no_more_runs(module_app, fs, clock):
    flow_id = hourly_flow(fs)
    assert len(run_ids(fs, flow_id)) == 1
    assert fs.delete(f"/flows/{flow_id}").status_code == 204
    clock.advance(3 * HOUR * 1000)
    assert run_ids(fs) == []
    org = fs.headers["x-gw-ims-org-id"]
    (tenant,) = module_app.test_client().get("/_mockaep/state", query_string={"org": org}).get_json()["tenants"]
    assert "runs" not in tenant["collections"]
    assert flow_id not in tenant["meta"].get(progress.SCHEDULE_META, {})
