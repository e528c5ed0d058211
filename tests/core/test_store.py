"""The store's contract: isolation, copies, indexes, snapshot/restore."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockaep.core.store import SnapshotError, Store, values_at


def test_tenants_are_isolated_by_org_and_sandbox():
    store = Store()
    store.tenant("A@AdobeOrg", "prod").collection("flows").put("f1", {"name": "one"})
    assert store.tenant("A@AdobeOrg", "dev").collection("flows").get("f1") is None
    assert store.tenant("B@AdobeOrg", "prod").collection("flows").get("f1") is None
    assert store.tenant("A@AdobeOrg", "prod").collection("flows").get("f1") == {"name": "one"}


def test_reads_and_writes_are_copies():
    flows = Store().tenant("A", "prod").collection("flows")
    record = {"name": "one", "tags": ["x"]}
    flows.put("f1", record)
    record["tags"].append("mutated")
    got = flows.get("f1")
    got["tags"].append("also mutated")
    assert flows.get("f1") == {"name": "one", "tags": ["x"]}


def test_index_follows_updates_and_deletes():
    store = Store({"flows": ("state", "sourceConnectionIds[]")})
    flows = store.tenant("A", "prod").collection("flows")
    flows.put("f1", {"state": "enabled", "sourceConnectionIds": ["s1", "s2"]})
    flows.put("f2", {"state": "enabled", "sourceConnectionIds": ["s2"]})
    assert flows.lookup("state", "enabled") == {"f1", "f2"}
    assert flows.lookup("sourceConnectionIds[]", "s2") == {"f1", "f2"}
    flows.put("f1", {"state": "disabled", "sourceConnectionIds": ["s3"]})
    assert flows.lookup("state", "enabled") == {"f2"}
    assert flows.lookup("sourceConnectionIds[]", "s2") == {"f2"}
    flows.delete("f2")
    assert flows.lookup("state", "enabled") == set()
    assert flows.lookup("state", "disabled") == {"f1"}


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"]), st.booleans()),
                max_size=30))
def test_index_agrees_with_a_scan(operations):
    store = Store({"things": ("colour",)})
    things = store.tenant("A", "prod").collection("things")
    for record_id, colour, delete in operations:
        if delete:
            things.delete(record_id)
        else:
            things.put(record_id, {"colour": colour})
    for colour in ("x", "y"):
        scanned = {rid for rid, rec in things.scan() if rec["colour"] == colour}
        assert things.lookup("colour", colour) == scanned


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.booleans()), max_size=30),
       st.sets(st.sampled_from("abcdefz")), st.sampled_from("abcdef"))
def test_in_order_follows_insertion_order(operations, wanted, after):
    things = Store().tenant("A", "prod").collection("things")
    for record_id, delete in operations:
        if delete:
            things.delete(record_id)
        else:
            things.put(record_id, {"n": record_id})  # a replace keeps the first position
    order = things.ids()
    assert things.in_order(wanted) == [i for i in order if i in wanted]
    if after in things:
        assert things.in_order(wanted, after) == [i for i in order[order.index(after) + 1:] if i in wanted]
    things.clear()
    assert things.in_order(wanted) == []


def test_values_at_fans_out_over_arrays():
    record = {"params": {"columns": [{"name": "a"}, {"name": "b"}]}, "ids": ["1", "2"]}
    assert values_at(record, "params.columns[].name") == ["a", "b"]
    assert values_at(record, "ids[]") == ["1", "2"]
    assert values_at(record, "missing.path") == []


def test_snapshot_restore_round_trip():
    store = Store()
    store.tenant("A", "prod").collection("flows").put("f1", {"name": "one"})
    store.tenant("A", "prod").meta["counter"] = 3
    document = store.snapshot()
    fresh = Store()
    fresh.restore(document)
    assert fresh.snapshot() == document


@pytest.mark.parametrize("document, message", [
    ([], "JSON object"),
    ({"format": "other", "version": 1, "tenants": []}, "format"),
    ({"format": "mockaep-state", "version": 99, "tenants": []}, "version"),
    ({"format": "mockaep-state", "version": 1, "tenants": [{"imsOrg": "", "sandbox": "prod"}]}, "imsOrg"),
    ({"format": "mockaep-state", "version": 1,
      "tenants": [{"imsOrg": "A", "sandbox": "prod", "collections": {"flows": []}}]}, "keyed by id"),
])
def test_bad_snapshots_are_refused_whole(document, message):
    store = Store()
    store.tenant("A", "prod").collection("flows").put("keep", {"name": "kept"})
    with pytest.raises(SnapshotError, match=message):
        store.restore(document)
    assert store.tenant("A", "prod").collection("flows").get("keep") == {"name": "kept"}
