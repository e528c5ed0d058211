"""A list request costs its page, not the collection nor the index hits: counted as records
decoded (the collection's ``get`` wrapped), never timed. A read by id decodes at most the flow;
a runs list reads what the clock made due, not every scheduled flow."""
from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from mockaep.core.kinds import ResourceKind
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection, Store
from mockaep.services.flowservice import schedules
from mockaep.services.flowservice.listing import answer_query
from tests.flowservice.helpers import CRM_TO_AEP, FlowService

SIZE = 5_000


def count_reads(collection: Collection) -> list[str]:
    """Wrap the collection's ``get`` (every record decode goes through it); returns the ids read."""
    read: list[str] = []
    original = collection.get

    def counting_get(record_id):
        read.append(record_id)
        return original(record_id)

    collection.get = counting_get  # type: ignore[method-assign]
    return read


def counted_flows():
    """A large flows collection whose record decodes are counted."""
    flows = Store({"flows": ResourceKind("flows", "flow", "test", indexes=("state", "sourceConnectionIds[]"))}
                  ).tenant("ORG@AdobeOrg").collection("flows")
    for number in range(SIZE):
        flows.put(f"f{number:05d}", {"id": f"f{number:05d}", "name": f"flow {number}", "createdAt": number,
                                     "state": "enabled" if number % 10 == 0 else "disabled",
                                     "sourceConnectionIds": [f"s{number % 50}"]})
    return flows, count_reads(flows)


def list_page(flows, pairs):
    return answer_query(flows, QueryParams(pairs), resource="flows", base_path="/flows")


def next_args(answer):
    return list(parse_qsl(urlsplit(answer["_links"]["next"]["href"]).query))


def test_first_and_next_pages_read_only_the_page():
    flows, read = counted_flows()
    first = list_page(flows, [("limit", "50")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(50)]
    assert len(read) == 51  # the page and one more, to know a next page exists
    read.clear()
    second = list_page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(50, 100)]
    assert len(read) == 51


def test_index_served_filter_reads_only_the_page_of_its_hits():
    flows, read = counted_flows()
    first = list_page(flows, [("property", "sourceConnectionIds[]==s7"), ("property", "state==disabled"),
                              ("limit", "20")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(7, 7 + 50 * 20, 50)]
    assert len(read) == 21
    read.clear()
    rest = list_page(flows, next_args(first))
    assert [item["id"] for item in rest["items"]] == [f"f{n:05d}" for n in range(7 + 50 * 20, SIZE, 50)][:20]
    assert len(read) <= 21


def test_an_index_served_count_reads_nothing():
    flows, read = counted_flows()
    assert list_page(flows, [("property", "state==enabled"), ("count", "true")]) == {"count": SIZE // 10}
    assert read == []


def test_a_deleted_cursor_still_resumes_after_its_place():
    flows, _read = counted_flows()
    first = list_page(flows, [("limit", "10")])
    flows.delete("f00009")
    second = list_page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(10, 20)]


# -- over HTTP: the cost does not grow with the collection -------------------------------------------
def stored_flows(module_app, org: str, count: int) -> Collection:
    """``count`` flows of one org, written into the store directly (as a state document would
    load them): two in three enabled, none with a schedule due."""
    flows = module_app.extensions["mockaep"].store.tenant(org, "prod").collection("flows")
    for number in range(count):
        flow_id = str(uuid.UUID(int=number))
        flows.put(flow_id, {"id": flow_id, "name": f"flow {number}", "description": "",
                            "flowSpec": {"id": CRM_TO_AEP, "version": "1.0"},
                            "state": "disabled" if number % 3 == 0 else "enabled",
                            "sourceConnectionIds": [], "targetConnectionIds": [], "transformations": [],
                            "scheduleParams": {"startTime": "4102444800", "frequency": "hour", "interval": "1"},
                            "createdAt": 1_700_000_000_000 + number, "updatedAt": 1_700_000_000_000 + number})
    return flows


def reads_of(module_app, count: int, calls) -> list[int]:
    """Records decoded by each call, against ``count`` stored flows."""
    org = f"C{uuid.uuid4().hex[:23].upper()}@AdobeOrg"
    flows = stored_flows(module_app, org, count)
    fs = FlowService(module_app.test_client(), org=org)
    read = count_reads(flows)
    runs_read = count_reads(module_app.extensions["mockaep"].store.tenant(org, "prod").collection("runs"))
    decoded = []
    for call in calls:
        read.clear()
        runs_read.clear()
        response = call(fs, flows)
        assert response.status_code == 200, response.get_json()
        decoded.append(len(read) + len(runs_read))
    return decoded


def first_enabled_page(fs, _flows):
    response = fs.get("/flows", query={"property": "state==enabled", "limit": "50"})
    assert len(response.get_json()["items"]) == 50
    fs.next_href = response.get_json()["_links"]["next"]["href"]
    return response


def next_page(fs, _flows):
    return fs.get("/flows", query=parse_qsl(urlsplit(fs.next_href).query))


def one_flow(fs, flows):
    return fs.get(f"/flows/{flows.id_at(7)}")


def test_flow_reads_cost_the_same_at_1k_and_30k_flows(module_app):
    calls = [first_enabled_page, next_page, one_flow]
    small = reads_of(module_app, 1_000, calls)
    large = reads_of(module_app, 30_000, calls)
    assert small == large
    # a page of 50 and one more (to know a next page exists); then a flow of that page, answered
    # as stored (its schedule was noted when the page showed it)
    assert large == [51, 51, 0]


def test_an_unfiltered_runs_list_does_not_read_every_enabled_flow(module_app):
    def runs(fs, _flows):
        return fs.get("/runs", query={"limit": "10"})
    # The first list learns when each flow is next due; later ones read only what is due.
    first, second, third = reads_of(module_app, 3_000, [runs, runs, runs])
    assert first >= 2_000
    assert second == third == 0


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
