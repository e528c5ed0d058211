"""The Catalog pager (mockaep.core.paging.catalog) with the Catalog query language's conditions:
pages agree with a plain list model, insertion order and its reverse cost the page, and every
forged paging value is a 400."""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, strategies as st

from mockaep.core.errors import BadRequest
from mockaep.core.paging import catalog as pager
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection
from mockaep.services.catalog import query
from mockaep.services.catalog.resources import KINDS


class ReadCounting(Collection):
    """The store's collection, counting the records it decodes (what a list costs)."""

    reads = 0

    def get(self, record_id):
        ReadCounting.reads += 1
        return super().get(record_id)


def datasets(rows, cls=Collection):
    collection = cls("dataSets", KINDS["dataSets"].indexes)
    model = []
    for n, (name, description) in enumerate(rows):
        record = {"name": name, "created": 1000 + n, "version": "1.0.0"}
        if description is not None:
            record["description"] = description
        collection.put(f"d{n:04d}", record)
        model.append((f"d{n:04d}", record))
    return collection, model


def page_of(collection, params: str) -> list[str]:
    q = QueryParams(parse_qsl(params, keep_blank_values=True))
    return list(pager.list_page(collection, query.conditions(q), pager.read_page_request(q)))


rows = st.lists(st.tuples(st.sampled_from(["Dock", "Quay", "Pier"]), st.one_of(st.none(), st.sampled_from("ab"))),
                max_size=30)


@given(rows, st.sampled_from(["", "name=Dock", "name=Dock,Quay", "name=!Dock", "property=description",
                              "name=Quay&property=description==a"]),
       st.sampled_from(["", "created", "asc:created", "desc:created"]), st.integers(0, 35), st.integers(1, 12))
def test_insertion_order_pages_agree_with_a_list(rows, filters, order, start, limit):
    collection, model = datasets(rows)
    q = QueryParams([(k, v) for k, v in (p.split("=", 1) for p in filters.split("&") if p)])
    expected = [rid for rid, rec in model if all(c.matches(rec) for c in query.conditions(q))]
    if order == "desc:created":
        expected.reverse()
    params = "&".join(p for p in (filters, f"orderBy={order}" if order else "", f"start={start}", f"limit={limit}") if p)
    assert page_of(collection, params) == expected[start:start + limit]


def test_insertion_order_and_its_reverse_cost_the_page():
    collection, _ = datasets([("Dock" if n % 3 else "Quay", None) for n in range(3000)], ReadCounting)
    for params in ("start=2500&limit=5", "orderBy=desc:created&start=2500&limit=5",
                   "name=Dock&start=1500&limit=5", "name=Dock&orderBy=desc:created&start=1500&limit=5",
                   "orderBy=created&start=2990&limit=20"):
        ReadCounting.reads = 0
        assert len(page_of(collection, params)) == (10 if "2990" in params else 5)
        assert ReadCounting.reads <= 21, params  # the page and one more, never what was skipped
    ReadCounting.reads = 0
    assert page_of(collection, "orderBy=desc:created&limit=2") == ["d2999", "d2998"]
    assert page_of(collection, "name=Quay&orderBy=desc:created&start=1&limit=2") == ["d2994", "d2991"]
    assert ReadCounting.reads <= 6


def test_a_sort_by_another_property_reads_the_matches():
    collection, model = datasets([(name, None) for name in ["b", "a", "c", "a"]])
    assert page_of(collection, "orderBy=name,desc:created") == ["d0003", "d0001", "d0000", "d0002"]
    assert page_of(collection, "orderBy=desc:name&start=1&limit=2") == ["d0000", "d0001"]


@pytest.mark.parametrize("params", [
    "limit=0", "limit=101", "limit=-1", "limit=1e2", "limit= ", "limit=" + "9" * 5000, "limit=١٠",
    "start=-1", "start=1.5", "start=" + "9" * 5000, "start=99999999999", "start=0x10",
    "orderBy=", "orderBy=sideways:name", "orderBy=desc:", "orderBy=asc:na me", "orderBy=" + ",".join("abcdefghij"),
    "orderBy=" + "n" * 300, "properties=" + ",".join(f"p{n}" for n in range(101)), "properties=" + "p" * 300,
    "limit=21&properties=observableSchema",
])
def test_forged_paging_values_are_400(params):
    with pytest.raises(BadRequest):
        pager.read_page_request(QueryParams(parse_qsl(params, keep_blank_values=True)),
                                limit_when={"observableSchema": 20})


def test_a_repeated_parameter_counts_once_and_properties_project():
    q = QueryParams([("limit", "2"), ("limit", "500"), ("properties", "name,missing,empty")])
    page = pager.read_page_request(q)
    assert page.limit == 2 and page.properties == ("name", "missing", "empty")
    assert pager.project({"name": "n", "empty": None, "other": 1}, page.properties) == {"name": "n", "empty": {}}
