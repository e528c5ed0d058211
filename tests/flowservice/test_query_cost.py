"""A list request costs its page (plus index hits), not the collection, when insertion order
is kept: the pager stops reading once it knows the page and whether another follows. A runs list
filtered by flow brings only those flows' runs up to date."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from mockaep.services.flowservice import schedules
from mockaep.services.flowservice.query import list_response
from mockaep.core.kinds import ResourceKind
from mockaep.core.store import Store

SIZE = 5_000


def counted_flows():
    """A large flows collection whose reads are counted (records handed out by scan or peek)."""
    flows = Store({"flows": ResourceKind("flows", "flow", "test", indexes=("state", "sourceConnectionIds[]"))}).tenant("ORG@AdobeOrg").collection("flows")
    for number in range(SIZE):
        flows.put(f"f{number:05d}", {"id": f"f{number:05d}", "name": f"flow {number}", "createdAt": number,
                                     "state": "enabled" if number % 10 == 0 else "disabled",
                                     "sourceConnectionIds": [f"s{number % 50}"]})
    read: list[str] = []
    scan, peek = flows.scan, flows.peek

    def counting_scan():
        for record_id, record in scan():
            read.append(record_id)
            yield record_id, record

    def counting_peek(record_id):
        read.append(record_id)
        return peek(record_id)

    flows.scan, flows.peek = counting_scan, counting_peek  # type: ignore[method-assign]
    return flows, read


def page(flows, pairs):
    return list_response(flows, MultiDict(pairs), resource="flows", base_path="/flows")


def next_args(answer):
    return list(parse_qsl(urlsplit(answer["_links"]["next"]["href"]).query))


def test_first_and_next_pages_read_only_the_page():
    flows, read = counted_flows()
    first = page(flows, [("limit", "50")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(50)]
    assert len(read) == 51  # the page and one more, to know a next page exists
    read.clear()
    second = page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(50, 100)]
    assert len(read) == 51


def test_index_served_filter_reads_only_the_page_of_its_hits():
    flows, read = counted_flows()
    first = page(flows, [("property", "sourceConnectionIds[]==s7"), ("property", "state==disabled"),
                         ("limit", "20")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(7, 7 + 50 * 20, 50)]
    assert len(read) == 21
    read.clear()
    rest = page(flows, next_args(first))
    assert [item["id"] for item in rest["items"]] == [f"f{n:05d}" for n in range(7 + 50 * 20, SIZE, 50)][:20]
    assert len(read) <= 21


def test_start_and_a_filter_read_up_to_the_page():
    flows, read = counted_flows()
    answer = page(flows, [("property", "name~flow 1"), ("start", "3"), ("limit", "2")])
    # names containing "flow 1", in insertion order: 1, 10..19, 100...
    assert [item["id"] for item in answer["items"]] == ["f00012", "f00013"]
    assert len(read) < 20


def test_a_deleted_cursor_still_resumes_after_its_creation_time():
    flows, _read = counted_flows()
    first = page(flows, [("limit", "10")])
    flows.delete("f00009")
    second = page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(10, 20)]


# -- runs: a list reads only what can change or show --------------------------------------------------
@settings(max_examples=300)
@given(start=st.integers(0, 10**6), created_s=st.integers(0, 10**6), state=st.sampled_from(["enabled", "disabled"]),
       frequency=st.sampled_from(["once", "minute", "hour", "day", "week", "fortnight"]),
       interval=st.one_of(st.integers(-1, 5), st.just("3"), st.just("x")),
       last=st.one_of(st.none(), st.integers(0, 2 * 10**6)), now_s=st.integers(0, 3 * 10**6),
       extra_ms=st.integers(0, 999))
def test_next_due_agrees_with_the_slots(start, created_s, state, frequency, interval, last, now_s, extra_ms):
    flow = {"state": state, "createdAt": created_s * 1000 + 17,
            "scheduleParams": {"startTime": str(start), "frequency": frequency, "interval": interval}}
    now_ms = now_s * 1000 + extra_ms
    due = schedules.next_due_ms(flow, last)
    assert bool(schedules.due_slots(flow, now_ms, last)) == (due is not None and now_ms >= due)


def test_runs_of_one_flow_bring_only_that_flow_up_to_date(module_app, new_fs):
    fs = new_fs()
    flows = []
    for name in ("first", "second"):
        base = fs.base_connection(name=f"{name} login")
        source = fs.source_connection(base, table="Case")
        schema = fs.target_schema(title=f"{name} cases")
        target = fs.target_connection(fs.dataset(schema), schema)
        flows.append(fs.flow({"source": source, "target": target}, name=f"{name} sync",
                             scheduleParams={"startTime": "1590792316", "frequency": "hour", "interval": "1"}))
    first = fs.get("/runs", query={"property": f"flowId=={flows[0]}"}).get_json()["items"]
    assert [run["flowId"] for run in first] == [flows[0]]
    org = fs.headers["x-gw-ims-org-id"]
    (tenant,) = module_app.test_client().get("/_mockaep/state", query_string={"org": org}).get_json()["tenants"]
    assert [run["flowId"] for run in tenant["collections"]["runs"].values()] == [flows[0]]
    everything = fs.get("/runs").get_json()["items"]
    assert sorted(run["flowId"] for run in everything) == sorted(flows)
    assert fs.get("/runs", query={"property": f"flowId=={flows[0]}"}).get_json()["items"] == first
