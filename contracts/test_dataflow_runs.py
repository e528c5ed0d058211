"""A dataflow that moves rows: the seed's flow (every 15 minutes, backfill, partial ingestion at 50%)
over a source table, its scheduled runs as time passes, and the rows read back the platform's way.

Emulator-only: the clock (``/_mockaep/clock``) and the source's rows (``/_mockaep/sources``) are set
through the control plane; everything asserted is read through the platform's APIs (Flow Service
runs, Catalog batches, the Data Access API). The clock goes back to wall time afterwards.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest

from mockaep_client import onboard
from mockaep_contracts.shapes import assert_status
from mockaep_contracts.strategies import CONTRACT_NOW

pytestmark = pytest.mark.emulator_only

PERIOD = 15 * 60
#: What a run takes once it starts (copy, then promotion): runs are read after it.
SETTLE = 60
TABLE = "Account"


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def account(key: str, created: int, name: object = None) -> dict:
    return {"Id": key, "Name": name if name is not None else f"Account {key}", "Phone": "+351 21 555 0199",
            "CreatedDate": iso(created)}


def as_mapped(row: dict) -> dict:
    """The seed's mappings: _id ← Id, person.name.fullName ← Name, _repo.createDate ← CreatedDate."""
    return {"_id": row["Id"], "person": {"name": {"fullName": row["Name"]}}, "_repo": {"createDate": row["CreatedDate"]}}


class Control:
    """The emulator's control plane, for the test's org."""

    def __init__(self, aep, headers: dict[str, str]) -> None:
        self.aep, self.headers = aep, headers

    def call(self, method: str, path: str, body=None):
        response = self.aep.http.request(method, f"{self.aep.base_url}/_mockaep{path}", json=body,
                                         params={"org": self.aep.org_id, "sandbox": self.aep.sandbox},
                                         headers=self.headers, timeout=30)
        assert_status(response, 200)
        return response.json()

    def clock(self, **action):
        return self.call("POST", "/clock", action)

    def rows(self, method: str, base_id: str, rows=None):
        return self.call(method, f"/sources/{base_id}/tables/{TABLE}/rows", rows)


@pytest.fixture
def control(aep, contract_target):
    plane = Control(aep, contract_target.control_headers)
    plane.clock(set=CONTRACT_NOW * 1000)
    yield plane
    plane.clock(mode="wall")


def seed_flow(aep, control, unique_name, options: dict | None):
    created = onboard(aep, "salesforce-service-cloud", name=unique_name("Contract runs"), now=CONTRACT_NOW)
    history = [account(f"001H{n}", CONTRACT_NOW - (3 - n) * 86400) for n in range(3)]
    control.rows("PUT", created.base_connection_id, history)
    if options is not None:
        flow = aep.flowservice.get_flow(created.flow_id)
        aep.flowservice.patch_flow(created.flow_id, [{"op": "add", "path": "/options", "value": options}],
                                   flow["etag"])
    return created, history


def runs_of(aep, flow_id: str) -> list[dict]:
    found = aep.flowservice.list_runs(flow_id=flow_id, limit=100)["items"]
    return sorted(found, key=lambda run: run["params"]["windowEndTime"])


def counts(run: dict) -> tuple[int, int, int]:
    summary = run["metrics"]["recordSummary"]
    return summary["inputRecordCount"], summary["outputRecordCount"], summary["failedRecordCount"]


def landed_rows(aep, dataset_id: str) -> list[dict]:
    """Every row the dataset's batches landed, read as Parquet through the Data Access API."""
    rows = []
    batches = aep.session.call("GET", "catalog", "/batches", params={"dataSet": dataset_id, "limit": 100}).json()
    for batch_id in sorted(batches, key=lambda b: batches[b]["created"]):
        for _file_id, name, data in aep.dataaccess.batch_downloads(batch_id):
            assert name.endswith(".parquet")
            for row in pq.read_table(io.BytesIO(data)).to_pylist():
                row.pop("_acp_system_metadata", None)
                rows.append(_json_row(row))
    return rows


def _json_row(value):
    if isinstance(value, dict):
        return {k: _json_row(v) for k, v in value.items() if v is not None}
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def _first_two_hours(aep, control, created, history) -> list[dict]:
    control.clock(advance=2 * 3600 + SETTLE)
    runs = runs_of(aep, created.flow_id)
    assert len(runs) == 2 * 3600 // PERIOD + 1  # the start, then one per quarter hour
    assert [r["params"]["windowEndTime"] for r in runs] == [CONTRACT_NOW + n * PERIOD for n in range(len(runs))]
    assert all(r["state"] == "success" for r in runs)
    assert counts(runs[0]) == (3, 3, 0) and all(counts(r) == (0, 0, 0) for r in runs[1:])
    assert landed_rows(aep, created.dataset_id) == [as_mapped(r) for r in history]
    now = CONTRACT_NOW + 2 * 3600 + SETTLE
    added = [account("001N1", now + 10), account("001N2", now + 20, name=["not", "a", "name"])]
    control.rows("POST", created.base_connection_id, added)
    control.clock(advance=PERIOD)
    latest = runs_of(aep, created.flow_id)
    assert len(latest) == len(runs) + 1
    return [latest[-1], *added]


def test_scheduled_runs_move_the_rows_once_and_land_the_valid_ones(aep, control, unique_name):
    created, history = seed_flow(aep, control, unique_name, {"partialIngestionPercent": 50})
    run, good, _bad = _first_two_hours(aep, control, created, history)
    assert run["state"] == "success" and counts(run) == (2, 1, 1)
    promotion = next(a for a in run["activities"] if a["id"] == "promotionActivity")
    (target,) = promotion["targetInfo"]
    (batch_id,) = target["reference"]["ids"]
    batch = aep.catalog.get_batch(batch_id)
    assert batch["status"] == "success" and batch["recordCount"] == 1 and batch["failedRecordCount"] == 1
    reasons = " ".join(error["description"] for error in batch["errors"])
    assert "person.name.fullName" in reasons  # the failed row, with its reason
    assert landed_rows(aep, created.dataset_id) == [as_mapped(r) for r in history + [good]]


def test_without_partial_ingestion_the_run_fails_and_lands_nothing(aep, control, unique_name):
    created, history = seed_flow(aep, control, unique_name, None)
    run, _good, _bad = _first_two_hours(aep, control, created, history)
    assert run["state"] == "failed" and counts(run) == (2, 0, 2)
    assert run["metrics"]["statusSummary"]["status"] == "failed"
    assert landed_rows(aep, created.dataset_id) == [as_mapped(r) for r in history]
