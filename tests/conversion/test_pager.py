"""The Data Prep pager (mockaep.core.paging.offset): start/limit read as the platform's gateway
reads them, pages that agree with a plain list, and a page that costs the page (plus one), not
what it skips."""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockaep.core.errors import BadRequest
from mockaep.core.paging import offset as pager
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection


class ReadCounting(Collection):
    """The store's collection, counting the records it decodes (what a list costs)."""

    reads = 0

    def get(self, record_id):
        ReadCounting.reads += 1
        return super().get(record_id)


class KindIs:
    """An index-served equality condition on ``kind`` (exact: the index answers it alone)."""

    exact = True

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def narrow(self, collection):
        return collection.hits("kind", self.kind)

    def matches(self, record):
        return record.get("kind") == self.kind


class NameHas:
    """A condition no index serves."""

    exact = False

    def __init__(self, part: str) -> None:
        self.part = part

    def narrow(self, collection):
        return None

    def matches(self, record):
        return self.part in record["name"]


def query(text: str) -> QueryParams:
    return QueryParams(parse_qsl(text, keep_blank_values=True))


def records(kinds: list[str], cls=Collection) -> tuple[Collection, list[tuple[str, dict]]]:
    collection = cls("things", ("kind",))
    model = []
    for n, kind in enumerate(kinds):
        record = {"id": f"r{n:05d}", "kind": kind, "name": f"thing {n}"}
        collection.put(record["id"], record)
        model.append((record["id"], record))
    return collection, model


# -- reading start and limit ------------------------------------------------------------------------
def test_defaults_are_the_documented_ones():
    """data-prep.yaml: start defaults to 0, limit to 10 (aepp's getMappingSets sends only limit)."""
    assert pager.read_page_request(query("")) == pager.PageRequest(start=0, limit=10)
    assert pager.read_page_request(query("limit=3")) == pager.PageRequest(start=0, limit=3)
    assert pager.read_page_request(query("start=4")) == pager.PageRequest(start=4, limit=10)
    assert pager.read_page_request(query("limit=&start=")) == pager.PageRequest(start=0, limit=10)


@pytest.mark.parametrize("text, expected", [
    ("limit=2&limit=7&start=1&start=0", (1, 2)),   # a repeated parameter counts once: its first value
    ("limit=%202&start=1%20", (1, 2)),              # numbers arrive as text, spaces around
    ("limit=%2B5&start=%2B0", (0, 5)),              # a sign, as Java's Integer.valueOf reads it
    ("limit=2147483647&start=2147483647", (2147483647, 2147483647)),  # int32, the documented format
    ("limit=007", (0, 7)),
    ("start=-0", (0, 10)),                          # Integer.valueOf("-0") is 0
])
def test_numbers_are_read_as_a_gateway_reads_them(text, expected):
    page = pager.read_page_request(query(text))
    assert (page.start, page.limit) == expected


@pytest.mark.parametrize("text", [
    "limit=0", "limit=-1", "limit=x", "limit=1.5", "limit=1e2", "limit=0x10", "limit=١٠", "limit=2147483648",
    "limit=" + "9" * 5000, "start=-1", "start=1.5", "start=2147483648", "start=" + "9" * 40, "limit=%20",
    "start=+-1", "limit=1%202", "limit=-0", "start=--1", "start=-",
])
def test_malformed_values_are_400(text):
    with pytest.raises(BadRequest) as refused:
        pager.read_page_request(query(text))
    assert ("limit" if text.startswith("limit") else "start") in refused.value.detail


def test_read_integer_serves_other_integer_parameters():
    q = query("version=3&version=9&other=%207")
    assert pager.read_integer(q, "version") == 3
    assert pager.read_integer(q, "other") == 7
    assert pager.read_integer(q, "absent") is None
    with pytest.raises(BadRequest):
        pager.read_integer(query("version=-1"), "version")


# -- pages ------------------------------------------------------------------------------------------
kinds = st.lists(st.sampled_from(["a", "b", "c"]), max_size=30)


@given(kinds, st.sampled_from([None, "a", "b", "d"]), st.booleans(), st.booleans(), st.integers(0, 35),
       st.integers(1, 12))
def test_pages_agree_with_a_list(kinds, kind, unindexed, reverse, start, limit):
    collection, model = records(kinds)
    conditions = ([] if kind is None else [KindIs(kind)]) + ([NameHas("1")] if unindexed else [])
    expected = [rid for rid, record in model if all(c.matches(record) for c in conditions)]
    if reverse:
        expected.reverse()
    page = pager.PageRequest(start=start, limit=limit)
    found = pager.select_page(collection, conditions, page, reverse=reverse)
    assert [e.id for e in found.entries] == expected[start:start + limit]
    assert found.more == (start + limit < len(expected))


def test_insertion_order_and_its_reverse_cost_the_page():
    collection, _ = records(["a" if n % 3 else "b" for n in range(3000)], ReadCounting)
    for conditions, reverse, start in (([], False, 2500), ([], True, 2500), ([KindIs("a")], False, 1500),
                                       ([KindIs("a")], True, 1500), ([KindIs("b")], True, 990), ([], False, 2995)):
        ReadCounting.reads = 0
        found = pager.select_page(collection, conditions, pager.PageRequest(start=start, limit=5), reverse=reverse)
        assert len(found.entries) == 5
        assert ReadCounting.reads <= 6, (conditions, reverse, start)  # the page and one more
    ReadCounting.reads = 0
    assert pager.select_page(collection, [], pager.PageRequest(start=3000, limit=5)).entries == []
    assert pager.select_page(collection, [KindIs("b")], pager.PageRequest(start=10**6, limit=5),
                             reverse=True).entries == []
    assert ReadCounting.reads == 0
    newest = pager.select_page(collection, [KindIs("b")], pager.PageRequest(start=1, limit=2), reverse=True)
    assert [e.id for e in newest.entries] == ["r02994", "r02991"]


def test_a_sorted_page_reads_the_matches():
    collection, _ = records(["b", "a", "c", "a"])
    found = pager.select_sorted_page(collection, [], pager.PageRequest(start=1, limit=2), "kind", descending=False)
    assert [e.id for e in found.entries] == ["r00003", "r00000"] and found.more


# -- the envelope -------------------------------------------------------------------------------------
def test_the_envelope_counts_the_page_and_links_the_next_one():
    page = pager.PageRequest(start=2, limit=2)
    body = pager.envelope([{"id": 1}, {"id": 2}], page, more=True, path="/mappingSets",
                          carried=[("orderBy", "+createdDate"), ("name", "a&b")])
    assert body["data"] == [{"id": 1}, {"id": 2}]
    assert body["_page"] == {"count": 2, "limit": 2}
    href = body["_links"]["next"]["href"]
    assert href.startswith("/mappingSets?limit=2&start=4&")
    assert dict(parse_qsl(href.split("?", 1)[1])) == {"limit": "2", "start": "4", "orderBy": "+createdDate",
                                                      "name": "a&b"}
    assert body["_links"]["next"]["templated"] is False
    last = pager.envelope([{"id": 3}], page, more=False, path="/mappingSets")
    assert last == {"data": [{"id": 3}], "_page": {"count": 1, "limit": 2}}
