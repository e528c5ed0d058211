"""A property over generated schedules, row edits and source outages: whatever the schedule and
whenever rows arrive, every row is read by exactly one successful run (none lost, none landed
twice), the flow has exactly the runs its schedule implies, and every run's metrics add up."""
from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings, strategies as st

from tests.flowservice.test_runs_rows import RUN_MS, START, START_MS, World, counts, mapped, row

SETTLE = 60  # seconds: a run is done this long after its slot (RUN_MS is 45 s)
assert RUN_MS < SETTLE * 1000

schedules = st.sampled_from([("minute", 15), ("minute", 30), ("hour", 1), ("hour", 2)])
steps = st.lists(st.tuples(
    st.integers(min_value=0, max_value=3),            # rows added now (a row with no name fails, the others land)
    st.booleans(),                                     # one of them fails to map
    st.integers(min_value=1, max_value=2 * 3600),      # how far ahead of now each row is dated (seconds)
    st.booleans(),                                     # the source is down for the next run
    st.integers(min_value=60, max_value=3 * 3600),     # then time passes (seconds)
), min_size=1, max_size=4)


def period_of(frequency: str, interval: int) -> int:
    return (60 if frequency == "minute" else 3600) * interval


@settings(max_examples=8, deadline=None)
@given(schedule=schedules, backfill=st.booleans(), history=st.integers(min_value=0, max_value=3), plan=steps)
def test_every_row_lands_once_and_the_runs_add_up(new_fs, module_clock, schedule, backfill, history, plan):
    module_clock.now = START_MS
    fs = new_fs()
    frequency, interval = schedule
    period = period_of(frequency, interval)
    old = [row(f"old{n}", START - (n + 1) * 600) for n in range(history)]
    world = World(fs, old, options={"partialIngestionPercent": 100}, backfill=backfill, frequency=frequency,
                  interval=interval)
    # The history the first run's window holds (backfill: all of it; else one period back).
    expected_good = [r for r in old if backfill or (int(r["Id"][3:]) + 1) * 600 < period]
    expected_bad: list[dict] = []
    outages = 0
    for number, (added, one_bad, ahead, outage, later) in enumerate(plan):
        now = module_clock.now // 1000
        rows = [row(f"s{number}r{n}", now + ahead + n) for n in range(added)]
        if one_bad and rows:
            rows[-1] = {**rows[-1], "Subject": ["no", "name"]}
        if rows:
            world.add(*rows)
        expected_good += [r for r in rows if isinstance(r["Subject"], str)]
        expected_bad += [r for r in rows if not isinstance(r["Subject"], str)]
        if outage:
            world.sources.fault(world.base, {"kind": "unavailable", "runs": 1})
            outages += 1
        module_clock.advance(later * 1000)
        world.runs()  # a user watching the flow: runs progress as the clock passed them

    # Let every dated row's window close, and the source come back: the runs catch up.
    world.sources.fault(world.base, None)
    latest = max([module_clock.now // 1000] + [START] +
                 [int(seconds_of(r["LastModifiedDate"])) for r in expected_good + expected_bad])
    slots = -(-(latest - START) // period) + 1
    module_clock.now = (START + slots * period + SETTLE) * 1000
    runs = world.runs()

    # Exactly the runs the schedule implies: one per slot from the start to now.
    assert [r["params"]["windowEndTime"] for r in runs] == [START + n * period for n in range(slots + 1)]
    assert all(r["state"] in ("success", "failed") for r in runs)
    failed = [r for r in runs if r["state"] == "failed"]
    assert len(failed) <= outages
    assert all(r["metrics"]["statusSummary"]["errors"][0]["code"] == "CONNECTOR-1002-503" for r in failed)
    # Metrics add up, run by run.
    for run in runs:
        read, written, failed_rows = counts(run)
        assert read == written + failed_rows
    # No row lost, none landed twice; the failed ones failed once.
    landed = world.landed()
    assert sorted(r["_id"] for r in landed) == sorted(r["Id"] for r in expected_good)
    assert sorted(landed, key=lambda r: r["_id"]) == sorted((mapped(r) for r in expected_good), key=lambda r: r["_id"])
    assert sum(counts(r)[2] for r in runs) == len(expected_bad)
    assert sum(counts(r)[1] for r in runs) == len(expected_good)


def seconds_of(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
