"""Runs that move real rows: read in their window from the source's tables, mapped, validated,
landed (or failed with reasons) as partial ingestion says; sources that fail; everything seen
through the platform's APIs (runs, Catalog, Data Access) and the control plane."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from mockaep.services.flowservice import runs
from tests.flowservice.helpers import CRM_TO_AEP, FlowService, Sources

START_MS = int(datetime(2026, 8, 3, 9, 30, tzinfo=timezone.utc).timestamp()) * 1000
START = START_MS // 1000
PERIOD = 15 * 60
RUN_MS = runs.COPY_MS + runs.PROMOTION_MS
CATALOG, EXPORT = "/data/foundation/catalog", "/data/foundation/export"
MAPPINGS = (("_id", "Id"), ("person.name.fullName", "Subject"), ("person.gender", "Gender"),
            ("_repo.createDate", "LastModifiedDate"))


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def row(key: str, at: float, **extra) -> dict:
    return {"Id": key, "Subject": f"Case {key}", "LastModifiedDate": iso(at), **extra}


def mapped(source: dict) -> dict:
    document = {"_id": source["Id"], "person": {"name": {"fullName": source["Subject"]}},
                "_repo": {"createDate": source["LastModifiedDate"]}}
    if "Gender" in source:
        document["person"]["gender"] = source["Gender"]
    return document


class World:
    """A Case table source, a profile dataset, a mapping set and a flow every 15 minutes."""

    def __init__(self, fs: FlowService, rows: list[dict], *, options: dict | None = None, backfill: bool = True,
                 start: int = START, frequency: str = "minute", interval: int = 15) -> None:
        self.fs, self.sources = fs, Sources(fs)
        self.base = fs.base_connection()
        self.sources.replace(self.base, "Case", rows)
        source = fs.source_connection(self.base, table="Case")
        self.schema = fs.target_schema(title=f"Cases {uuid.uuid4().hex[:8]}")
        self.dataset = fs.dataset(self.schema)
        target = fs.target_connection(self.dataset, self.schema)
        response = fs.call("POST", "/mappingSets", {
            "version": 0, "xdmSchema": self.schema, "xdmVersion": "1.0", "id": None,
            "mappings": [{"destinationXdmPath": d, "sourceAttribute": s, "identity": False, "version": 0}
                         for d, s in MAPPINGS]}, prefix="/data/foundation/conversion")
        assert response.status_code == 200, response.get_json()
        body = {"name": "Cases every quarter hour", "flowSpec": {"id": CRM_TO_AEP, "version": "1.0"},
                "sourceConnectionIds": [source], "targetConnectionIds": [target],
                "transformations": [{"name": "Copy", "params": {"deltaColumn": {"name": "LastModifiedDate"}}},
                                    {"name": "Mapping", "params": {"mappingId": response.get_json()["id"],
                                                                   "mappingVersion": "0"}}],
                "scheduleParams": {"startTime": start, "frequency": frequency, "interval": interval,
                                   "backfill": backfill}}
        if options is not None:
            body["options"] = options
        self.flow = fs.created("/flows", body)["id"]

    def runs(self) -> list[dict]:
        response = self.fs.get("/runs", query={"property": f"flowId=={self.flow}"})
        assert response.status_code == 200
        return sorted(response.get_json()["items"], key=lambda r: r["createdAt"])

    def add(self, *rows: dict) -> None:
        self.sources.append(self.base, "Case", list(rows))

    def landed(self) -> list[dict]:
        return self.sources.dataset_rows(self.dataset, limit=1000)["rows"]

    def export(self, url: str, **query):
        return self.fs.call("GET", url, prefix=EXPORT, query=query or None)

    def batch(self, batch_id: str) -> dict:
        return self.fs.call("GET", f"/batches/{batch_id}", prefix=CATALOG).get_json()[batch_id]


def counts(run: dict) -> tuple[int, int, int]:
    summary = run["metrics"]["recordSummary"]
    return summary["inputRecordCount"], summary["outputRecordCount"], summary["failedRecordCount"]


def batch_of(run: dict) -> str | None:
    promotion = next((a for a in run["activities"] if a["id"] == "promotionActivity"), {})
    ids = [i for t in promotion.get("targetInfo", []) for i in (t.get("reference") or {}).get("ids", [])]
    return ids[0] if ids else None


HISTORY = [row("h1", START - 3 * 86400), row("h2", START - 2 * 86400), row("h3", START - 86400)]


def test_backfill_then_incremental_runs_move_each_row_once(fs, clock):
    world = World(fs, HISTORY, options={"partialIngestionPercent": 50})
    clock.advance(2 * 3600 * 1000 + RUN_MS)
    first, *others = world.runs()
    assert len(others) == 2 * 3600 // PERIOD  # a run at the start, then one per quarter hour
    assert all(r["state"] == "success" for r in [first, *others])
    assert counts(first) == (3, 3, 0) and all(counts(r) == (0, 0, 0) for r in others)
    assert world.landed() == [mapped(r) for r in HISTORY]

    now = clock.now // 1000
    good, bad = row("n1", now + 5), row("n2", now + 6, Subject=["not", "a", "name"])
    world.add(good, bad)
    clock.advance(PERIOD * 1000)
    latest = world.runs()[-1]
    assert latest["state"] == "success" and counts(latest) == (2, 1, 1)
    promotion = latest["activities"][1]["statusSummary"]
    assert promotion["errors"][0]["code"] == "CONNECTOR-2001-500"
    assert {"code": "MAPPER-3700-400", "recordCount": 1} | {"message": promotion["extensions"]["errors"][-1]["message"]} \
        in promotion["extensions"]["errors"]
    batch = world.batch(batch_of(latest))
    assert batch["status"] == "success" and batch["recordCount"] == 1 and batch["failedRecordCount"] == 1
    (mapper_error,) = [e for e in batch["errors"] if e["code"] == "MAPPER-3700-400"]
    assert mapper_error["rows"] == ["2"] and "person.name.fullName" in mapper_error["description"]
    assert world.landed() == [mapped(r) for r in HISTORY + [good]]


def test_without_partial_ingestion_one_failed_row_fails_the_run_and_the_next_run_retries(fs, clock):
    world = World(fs, [])
    clock.advance(RUN_MS)
    now = clock.now // 1000
    good, bad = row("n1", now + 1), row("n2", now + 2, Gender="robot")
    world.add(good, bad)
    clock.advance(PERIOD * 1000)
    failed = world.runs()[-1]
    assert failed["state"] == "failed" and counts(failed) == (2, 0, 2)
    assert failed["metrics"]["statusSummary"]["status"] == "failed"
    batch = world.batch(batch_of(failed))
    assert batch["status"] == "failed" and batch["recordCount"] == 0
    (row_error,) = [e for e in batch["errors"] if e["code"] == "INGEST-1212-400"]
    assert "'robot' is not one of" in row_error["description"] and row_error["rows"] == ["2"]
    assert world.export(f"/batches/{batch['id']}/files").get_json()["data"] == []
    assert world.landed() == []

    # Fix the source: the next run starts after the last successful run, so it reads both again.
    world.sources.replace(world.base, "Case", [good, {**bad, "Gender": "female"}])
    clock.advance(PERIOD * 1000)
    retried = world.runs()[-1]
    assert retried["state"] == "success" and counts(retried) == (2, 2, 0)
    assert world.landed() == [mapped(good), mapped({**bad, "Gender": "female"})]


def test_a_failed_share_above_the_threshold_fails_the_run(fs, clock):
    world = World(fs, [row("ok1", START - 10), row("ok2", START - 9), row("bad", START - 8, Gender="robot")],
                  options={"partialIngestionPercent": 30})
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert run["state"] == "failed" and counts(run) == (3, 0, 3)
    reason = run["activities"][1]["statusSummary"]["extensions"]["errors"][0]
    assert reason["code"] == "CONNECTOR-2001-500" and "threshold of 30%" in reason["message"]
    assert world.landed() == []


def test_without_backfill_the_first_run_reads_one_period(fs, clock):
    world = World(fs, [row("old", START - 2 * PERIOD), row("recent", START - 60)], backfill=False)
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert counts(run) == (1, 1, 0)
    assert run["activities"][0]["durationSummary"]["extensions"] == {"windowStart": (START - PERIOD) * 1000,
                                                                     "windowEnd": START * 1000}
    assert world.landed() == [mapped(row("recent", START - 60))]


def test_error_diagnostics_keep_the_failed_rows_with_their_reasons(fs, clock):
    bad = row("bad", START - 5, Gender="robot")
    world = World(fs, [row("ok", START - 6), bad], options={"partialIngestionPercent": 50,
                                                            "errorDiagnosticsEnabled": True})
    clock.advance(RUN_MS)
    (run,) = world.runs()
    batch_id = batch_of(run)
    manifest = run["activities"][1]["statusSummary"]["extensions"]["manifest"]
    assert manifest["failedRecords"] == f"{EXPORT}/batches/{batch_id}/meta?path=row_errors"
    listing = world.export(f"/batches/{batch_id}/failed").get_json()["data"]
    assert [f["name"] for f in listing] == ["failed-rows.json"]
    (kept,) = world.export(f"/batches/{batch_id}/failed", path="failed-rows.json").get_json()
    assert kept["record"] == bad and kept["rowNumber"] == 2
    assert kept["errors"][0]["code"] == "INGEST-1212-400" and "robot" in kept["errors"][0]["message"]
    meta = world.export(f"/batches/{batch_id}/meta").get_json()["data"]
    assert [m["name"] for m in meta] == ["row_errors", "row_errors_sample.json"]
    sample = world.export(f"/batches/{batch_id}/meta", path="row_errors_sample.json").get_json()
    assert sample == [{"rowNumber": 2, "errors": kept["errors"]}]


def test_without_error_diagnostics_no_failed_row_is_kept(fs, clock):
    world = World(fs, [row("ok", START - 6), row("bad", START - 5, Gender="robot")],
                  options={"partialIngestionPercent": 50})
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert "manifest" not in run["activities"][1]["statusSummary"]["extensions"]
    assert world.export(f"/batches/{batch_of(run)}/failed").get_json()["data"] == []
    assert world.export(f"/batches/{batch_of(run)}/meta").get_json()["data"] == []


def test_an_on_demand_run_reads_its_window_and_leaves_the_schedule_alone(fs, clock):
    world = World(fs, HISTORY)
    clock.advance(RUN_MS)
    assert counts(world.runs()[0]) == (3, 3, 0)
    on_demand = fs.created("/runs", {"flowId": world.flow, "params": {
        "windowStartTime": str(START - 2 * 86400 - 1), "windowEndTime": str(START),
        "deltaColumn": {"name": "LastModifiedDate"}}})["id"]
    clock.advance(RUN_MS + runs.QUEUE_MS)
    reload = fs.item("runs", on_demand)
    assert counts(reload) == (2, 2, 0)  # h2 and h3 again: a reload lands what it reads
    clock.advance(PERIOD * 1000)
    assert counts(world.runs()[-1]) == (0, 0, 0)  # the schedule's watermark did not move back


def test_rows_dated_in_a_later_window_wait_for_it(fs, clock):
    world = World(fs, [row("later", START + PERIOD + 30)])
    clock.advance(RUN_MS)
    assert counts(world.runs()[0]) == (0, 0, 0)
    clock.advance(2 * PERIOD * 1000)
    assert [counts(r)[0] for r in world.runs()] == [0, 0, 1]


# -- sources that fail ------------------------------------------------------------------------------------
def test_an_unavailable_source_fails_the_run_in_its_copy_and_the_next_run_catches_up(fs, clock):
    world = World(fs, HISTORY)
    assert world.sources.fault(world.base, {"kind": "unavailable", "runs": 1}).get_json()["fault"]["runs"] == 1
    clock.advance(RUN_MS)
    (failed,) = world.runs()
    assert failed["state"] == "failed" and counts(failed) == (0, 0, 0)
    error = failed["metrics"]["statusSummary"]["errors"][0]
    assert error["code"] == "CONNECTOR-1002-503" and failed["metrics"]["statusSummary"]["activityRefs"] == ["copyActivity"]
    assert [a["id"] for a in failed["activities"]] == ["copyActivity"]
    assert world.sources.call("GET", f"/_mockaep/sources/{world.base}/fault").get_json()["fault"] is None
    clock.advance(PERIOD * 1000)
    assert counts(world.runs()[-1]) == (3, 3, 0)  # the backfill's rows, read by the next run


def test_a_throttled_source_fails_runs_until_cleared_and_a_re_trigger_retries(fs, clock):
    world = World(fs, HISTORY)
    world.sources.fault(world.base, {"kind": "throttled"})
    clock.advance(RUN_MS)
    (failed,) = world.runs()
    assert failed["metrics"]["statusSummary"]["errors"][0]["code"] == "CONNECTOR-1003-429"
    assert world.sources.fault(world.base, None).get_json() == {"baseConnectionId": world.base, "fault": None}
    assert fs.post(f"/runs/{failed['id']}/action", query={"op": "RE_TRIGGER"}).status_code == 200
    clock.advance(RUN_MS + runs.QUEUE_MS)
    assert counts(fs.item("runs", failed["id"])) == (3, 3, 0)
    assert len(world.landed()) == 3


def test_a_slow_source_keeps_the_run_in_progress_longer(fs, clock):
    world = World(fs, HISTORY)
    world.sources.fault(world.base, {"kind": "slow", "delaySeconds": 600})
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert run["state"] == "inProgress"
    clock.advance(600 * 1000 - 1)
    assert world.runs()[0]["state"] == "inProgress"
    clock.advance(1)
    (run,) = world.runs()
    assert run["state"] == "success" and counts(run) == (3, 3, 0)
    assert run["metrics"]["durationSummary"]["completedAtUTC"] == START_MS + RUN_MS + 600 * 1000


@pytest.mark.parametrize("fault", [{"kind": "down"}, {"kind": "slow"}, {"kind": "slow", "delaySeconds": 0},
                                   {"kind": "unavailable", "runs": 0}, {"kind": "throttled", "delaySeconds": 5},
                                   {"kind": "unavailable", "extra": 1}, ["unavailable"]])
def test_bad_faults_are_refused_and_change_nothing(fs, clock, fault):
    world = World(fs, HISTORY)
    world.sources.fault(world.base, {"kind": "unavailable", "runs": 2})
    refused = world.sources.fault(world.base, fault)
    assert refused.status_code == 400, refused.get_json()
    shown = world.sources.call("GET", f"/_mockaep/sources/{world.base}/fault").get_json()["fault"]
    assert shown["kind"] == "unavailable" and shown["runs"] == 2


def test_rows_with_nowhere_to_land_fail_the_run(fs, clock):
    world = World(fs, HISTORY)
    assert fs.call("DELETE", f"/dataSets/{world.dataset}", prefix=CATALOG).status_code == 200
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert run["state"] == "failed" and counts(run) == (3, 0, 3)
    (reason, *_rest) = run["activities"][1]["statusSummary"]["extensions"]["errors"]
    assert "no target connection" in reason["message"]
    assert "reference" not in run["activities"][1]["targetInfo"][0]


@pytest.mark.parametrize("options, expected", [(None, (3, 0, 3)), ({"partialIngestionPercent": 50}, (3, 2, 1))])
def test_a_row_valid_for_the_schema_but_with_no_stored_form_counts_as_failed(fs, clock, options, expected):
    """Year 1 at +14:00 is a valid XDM date-time but year 0 in UTC, which Parquet cannot hold: the
    row fails like any other, before the run is judged (without partial ingestion, the run fails
    and lands nothing; it was a success with nothing ingested)."""
    early = {"Id": "early", "Subject": "Case early", "LastModifiedDate": "0001-01-01T00:00:00+14:00"}
    world = World(fs, [row("ok1", START - 10), row("ok2", START - 9), early], options=options)
    clock.advance(RUN_MS)
    (run,) = world.runs()
    assert counts(run) == expected
    assert run["state"] == ("failed" if options is None else "success")
    batch = world.batch(batch_of(run))
    (row_error,) = [e for e in batch["errors"] if e["code"] == "INGEST-1212-400"]
    assert row_error["rows"] == ["3"] and "cannot be stored as a date-time" in row_error["description"]
    assert world.landed() == ([] if options is None else [mapped(row("ok1", START - 10)), mapped(row("ok2", START - 9))])
