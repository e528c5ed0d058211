"""The store's contract: isolation, owned copies, ordered indexes, page-cost reads, tenants
created by writes only, snapshot/restore checked whole."""
from __future__ import annotations

import sys
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockaep.core.kinds import ResourceKind
from mockaep.core.store import SnapshotError, Store, values_at


def kinds(**indexes: tuple[str, ...]) -> dict[str, ResourceKind]:
    return {name: ResourceKind(name, name.rstrip("s"), "test", id_field=None, indexes=paths)
            for name, paths in indexes.items()}


def test_tenants_are_isolated_by_org_and_sandbox():
    store = Store(kinds(flows=()))
    store.tenant("A@AdobeOrg", "prod").collection("flows").put("f1", {"name": "one"})
    assert store.tenant("A@AdobeOrg", "dev").collection("flows").get("f1") is None
    assert store.tenant("B@AdobeOrg", "prod").collection("flows").get("f1") is None
    assert store.tenant("A@AdobeOrg", "prod").collection("flows").get("f1") == {"name": "one"}


def test_undeclared_collections_are_refused():
    with pytest.raises(KeyError, match="no resource kind"):
        Store(kinds(flows=())).tenant("A", "prod").collection("things")


def test_reads_and_writes_are_copies():
    flows = Store(kinds(flows=())).tenant("A", "prod").collection("flows")
    record = {"name": "one", "tags": ["x"]}
    flows.put("f1", record)
    record["tags"].append("mutated")
    got = flows.get("f1")
    got["tags"].append("also mutated")
    assert flows.get("f1") == {"name": "one", "tags": ["x"]}
    assert flows.raw("f1") == b'{"name":"one","tags":["x"]}'


def test_index_follows_updates_and_deletes():
    flows = Store(kinds(flows=("state", "sourceConnectionIds[]"))).tenant("A", "prod").collection("flows")
    flows.put("f1", {"state": "enabled", "sourceConnectionIds": ["s1", "s2"]})
    flows.put("f2", {"state": "enabled", "sourceConnectionIds": ["s2"]})
    assert list(flows.ids(among=flows.hits("state", "enabled"))) == ["f1", "f2"]
    assert list(flows.ids(among=flows.hits("sourceConnectionIds[]", "s2"))) == ["f1", "f2"]
    flows.put("f1", {"state": "disabled", "sourceConnectionIds": ["s3"]})
    assert list(flows.ids(among=flows.hits("state", "enabled"))) == ["f2"]
    assert flows.count("sourceConnectionIds[]", "s2") == 1
    flows.put("f1", {"state": "enabled"})  # back: keeps its first place, before f2
    assert list(flows.ids(among=flows.hits("state", "enabled"))) == ["f1", "f2"]
    flows.delete("f2")
    assert flows.count("state", "enabled") == 1
    assert flows.first_id("state", "enabled") == "f1"


operations = st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["x", "y"]), st.booleans()), max_size=40)


@given(operations)
def test_index_hits_agree_with_a_scan_in_insertion_order(ops):
    things = Store(kinds(things=("colour",))).tenant("A", "prod").collection("things")
    model: dict[str, str] = {}  # insertion-ordered, as the store must be
    for record_id, colour, delete in ops:
        if delete:
            things.delete(record_id)
            model.pop(record_id, None)
        else:
            things.put(record_id, {"colour": colour})
            model[record_id] = colour
    assert list(things.ids()) == list(model)
    assert list(things.ids(reverse=True)) == list(reversed(model))
    for colour in ("x", "y"):
        expected = [i for i, c in model.items() if c == colour]
        assert list(things.ids(among=things.hits("colour", colour))) == expected
        for cut, record_id in enumerate(expected):
            after = things.position(record_id)
            assert list(things.ids(among=things.hits("colour", colour), after=after)) == expected[cut + 1:]
            assert list(things.ids(among=things.hits("colour", colour), after=after, reverse=True)) \
                == list(reversed(expected[:cut]))


@given(operations, st.integers(min_value=0, max_value=10))
def test_offsets_start_where_a_slice_would(ops, offset):
    things = Store(kinds(things=("colour",))).tenant("A", "prod").collection("things")
    for record_id, colour, delete in ops:
        if delete:
            things.delete(record_id)
        else:
            things.put(record_id, {"colour": colour})
    everything = list(things.ids())
    assert list(things.ids(after=things.at_offset(offset))) == everything[offset:]
    newest_first = list(things.ids(reverse=True))
    assert list(things.ids(after=things.at_offset(offset, reverse=True), reverse=True)) == newest_first[offset:]
    hits = things.hits("colour", "x")
    matching = [i for i in everything if things.get(i)["colour"] == "x"]
    assert list(things.ids(after=things.at_offset(offset, hits, True), reverse=True, among=hits)) \
        == list(reversed(matching))[offset:]


def test_a_page_reads_only_the_page():
    """Reading the first items after a cursor must not touch the rest of the collection."""
    things = Store(kinds(things=("colour",))).tenant("A", "prod").collection("things")
    for n in range(5000):
        things.put(f"t{n:05d}", {"colour": "x" if n % 3 else "y"})
    hits = things.hits("colour", "x")
    cursor = things.position("t04000")
    reader = things.ids(among=hits, after=cursor)
    page = [next(reader) for _ in range(3)]
    assert page == ["t04001", "t04003", "t04004"]
    # the iterator is lazy: nothing beyond what was asked for has been produced
    assert next(reader) == "t04006"


def test_values_at_fans_out_over_arrays():
    record = {"params": {"columns": [{"name": "a"}, {"name": "b"}]}, "ids": ["1", "2"]}
    assert values_at(record, "params.columns[].name") == ["a", "b"]
    assert values_at(record, "ids[]") == ["1", "2"]
    assert values_at(record, "missing.path") == []


def test_tenants_are_created_by_writes_only():
    store = Store(kinds(flows=()))
    assert store.find("A", "prod") is None
    assert store.transient("A", "prod").collection("flows").get("x") is None
    assert store.tenants() == []
    tenant = store.tenant("A", "prod")
    store.discard_if_empty(tenant)
    assert store.tenants() == []
    tenant = store.tenant("A", "prod")
    tenant.collection("flows").put("f", {"name": "kept"})
    store.discard_if_empty(tenant)
    assert store.tenants() == [("A", "prod")]


def test_snapshot_restore_round_trip():
    store = Store(kinds(flows=("name",)))
    store.tenant("A", "prod").collection("flows").put("f1", {"name": "one"})
    store.tenant("A", "prod").meta["counter"] = 3
    document = store.snapshot()
    fresh = Store(kinds(flows=("name",)))
    assert fresh.restore(document) == [("A", "prod")]
    assert fresh.snapshot() == document
    assert fresh.tenant("A", "prod").collection("flows").first_id("name", "one") == "f1"


DOC = {"format": "mockaep-state", "version": 1}


@pytest.mark.parametrize("document, message", [
    ([], "JSON object"),
    ({"format": "other", "version": 1, "tenants": []}, "format"),
    ({**DOC, "version": 99, "tenants": []}, "version"),
    ({**DOC, "tenants": [{"imsOrg": "", "sandbox": "prod"}]}, "imsOrg"),
    ({**DOC, "tenants": [{"imsOrg": "A", "sandbox": "prod", "collections": {"flows": []}}]}, "keyed by id"),
    ({**DOC, "tenants": [{"imsOrg": "A", "sandbox": "prod", "collections": {"things": {}}}]}, "no such resource kind"),
    ({**DOC, "tenants": [{"imsOrg": "A", "sandbox": "prod", "collections": {"flows": {"f": 3}}}]}, "must be an object"),
    ({**DOC, "tenants": [{"imsOrg": "A", "sandbox": "prod",
                          "collections": {"flows": {"f": {"deep": [[[[[[[[["ok"]]]]]]]]]}}}}]}, None),
])
def test_bad_snapshots_are_refused_whole(document, message):
    store = Store(kinds(flows=()))
    store.tenant("A", "prod").collection("flows").put("keep", {"name": "kept"})
    before = store.snapshot()
    if message is None:  # a legitimate document: accepted
        store.restore(document)
        return
    with pytest.raises(SnapshotError, match=message):
        store.restore(document)
    assert store.snapshot() == before


def test_a_deep_record_is_refused_before_any_tenant_changes():
    deep: object = "leaf"
    for _ in range(600):
        deep = [deep]
    document = {**DOC, "tenants": [
        {"imsOrg": "A", "sandbox": "prod", "collections": {"flows": {"ok": {"name": "fine"}}}},
        {"imsOrg": "B", "sandbox": "prod", "collections": {"flows": {"bad": {"deep": deep}}}}]}
    store = Store(kinds(flows=()))
    store.tenant("A", "prod").collection("flows").put("keep", {"name": "kept"})
    before = store.snapshot()
    with pytest.raises(SnapshotError, match="deeper"):
        store.restore(document)
    assert store.snapshot() == before


def test_record_checker_refuses_a_mistyped_record():
    store = Store(kinds(flows=()))
    store.record_checker = lambda kind, record: "name must be a string" if not isinstance(record.get("name"), str) else None
    with pytest.raises(SnapshotError, match="not a valid flow: name must be a string"):
        store.restore({**DOC, "tenants": [{"imsOrg": "A", "sandbox": "prod",
                                           "collections": {"flows": {"f": {"name": 3}}}}]})
    assert store.tenants() == []


def test_a_write_waiting_on_a_tenant_dropped_meanwhile_lands_in_the_current_one():
    """A refused write drops the empty tenant it created; a write that was waiting for that
    tenant's lock must not store into the dropped tenant (its 201 would be a lost write)."""
    store = Store(kinds(things=()))
    first = store.hold("org", "prod", write=True)  # creates the tenant, holds its lock
    held: dict[str, object] = {}

    def second_write() -> None:
        with store.hold("org", "prod", write=True) as tenant:
            tenant.collection("things").put("kept", {"id": "kept"})
            held["tenant"] = tenant

    waiting = threading.Thread(target=second_write)
    waiting.start()
    time.sleep(0.2)  # the second write now waits for the first one's lock
    first.release()  # stored nothing: its tenant is dropped before the lock is let go
    waiting.join(5)
    assert not waiting.is_alive()
    current = store.find("org", "prod")
    assert current is held["tenant"] and current is not first.tenant
    assert current.collection("things").get("kept") == {"id": "kept"}


def test_a_read_never_creates_a_tenant_and_a_refused_write_leaves_none():
    store = Store(kinds(things=()))
    with store.hold("org", "dev", write=False) as tenant:
        assert tenant.collection("things").get("x") is None
    assert store.find("org", "dev") is None
    with store.hold("org", "dev", write=True):
        pass  # a write refused before it stored anything
    assert store.find("org", "dev") is None


def test_an_export_sees_a_tenant_as_a_request_leaves_it_never_half_way():
    """A request may empty a tenant and fill it again (a replace, an undone batch); an export
    taken meanwhile must wait for it, not leave out a tenant that holds records before and after."""
    store = Store(kinds(things=()))
    with store.hold("org", "prod", write=True) as tenant:
        tenant.collection("things").put("old", {"id": "old"})
    request = store.hold("org", "prod", write=True)
    request.tenant.collection("things").delete("old")  # the tenant is empty half-way through
    exported: dict[str, object] = {}
    exporter = threading.Thread(target=lambda: exported.update(store.snapshot()))
    exporter.start()
    time.sleep(0.2)  # the export now waits for the request's lock
    request.tenant.collection("things").put("new", {"id": "new"})
    request.release()
    exporter.join(5)
    assert not exporter.is_alive()
    assert exported["tenants"] == [{"imsOrg": "org", "sandbox": "prod", "collections": {"things": {"new": {"id": "new"}}},
                                    "meta": {}}]


def test_exports_run_while_requests_create_collections():
    """Stress (about a second): exports while writes create a tenant's collections never fail
    (deciding a tenant's emptiness without its lock iterated its collections as they grew)."""
    store = Store(kinds(**{f"kind{n}": () for n in range(20)}))
    stop = threading.Event()
    failures: list[BaseException] = []

    def writes() -> None:
        while not stop.is_set():
            store.reset("org")
            with store.hold("org", "prod", write=True) as tenant:
                for n in range(20):
                    tenant.collection(f"kind{n}").put("x", {"id": "x"})

    def exports() -> None:
        while not stop.is_set():
            try:
                store.snapshot_json("org")
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                failures.append(exc)
                stop.set()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: the race shows within a fraction of a second
    try:
        threads = [threading.Thread(target=writes), threading.Thread(target=exports)]
        for thread in threads:
            thread.start()
        stop.wait(1.0)
        stop.set()
        for thread in threads:
            thread.join(5)
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
