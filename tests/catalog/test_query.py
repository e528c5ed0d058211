"""The Catalog query language over HTTP, checked against a brute-force evaluation in the test."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

import tests.catalog.helpers as helpers
from mockaep import create_app
from tests.catalog.helpers import CATALOG, assert_error, make_dataset
from tests.conftest import gateway_headers

DATASETS = f"{CATALOG}/dataSets"
NAMES = ["Dock", "Dock", "Quay", "Pier*", "quay", "Lighthouse", "Buoy"]
VERSIONS_DESC = ["alpha", "beta", None]


@pytest.fixture
def seeded(http):
    """Seven datasets with varied names, descriptions and tags; returns [(id, fields)]."""
    schema_id = helpers.make_schema(http)
    made = []
    for position, name in enumerate(NAMES):
        extra = {}
        if VERSIONS_DESC[position % 3]:
            extra["description"] = VERSIONS_DESC[position % 3]
        if position % 2 == 0:
            extra["tags"] = {"harbour": [f"zone{position}"], "kind": ["boat" if position < 4 else "land"]}
        dataset_id = make_dataset(http, schema_id, name, **extra)
        made.append((dataset_id, {"name": name, **extra}))
    return made


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(response.json)


def test_default_limit_is_20_and_start_pages(http, headers):
    schema_id = helpers.make_schema(http)
    made = [make_dataset(http, schema_id, f"ds{n:02d}") for n in range(23)]
    assert ids(http.get(DATASETS, headers=headers)) == made[:20]
    assert ids(http.get(f"{DATASETS}?start=20", headers=headers)) == made[20:]
    assert ids(http.get(f"{DATASETS}?limit=5&start=3", headers=headers)) == made[3:8]
    assert ids(http.get(DATASETS, headers={**headers, "limit": "2"})) == made[:2]  # header form
    assert ids(http.get(f"{DATASETS}?limit=3", headers={**headers, "limit": "2"})) == made[:3]  # query wins


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=-1", "limit=ten", "start=-2",
                                   "orderBy=sideways:name", "property=name~(", "property===x",
                                   "tags=novalue", "limit=21&properties=observableSchema"])
def test_bad_query_parameters_are_400(http, headers, query):
    assert_error(http.get(f"{DATASETS}?{query}", headers=headers), 400)


def test_simple_filters(http, headers, seeded):
    by_name = {name: [i for i, f in seeded if f["name"] == name] for name in NAMES}
    assert ids(http.get(f"{DATASETS}?name=Dock", headers=headers)) == by_name["Dock"]
    assert ids(http.get(f"{DATASETS}?name=Quay,Buoy", headers=headers)) == by_name["Quay"] + by_name["Buoy"]
    assert set(ids(http.get(f"{DATASETS}?name=!Dock,Quay", headers=headers))) == \
        {i for i, f in seeded if f["name"] not in ("Dock", "Quay")}
    assert ids(http.get(f"{DATASETS}?name=Q*", headers=headers)) == by_name["Quay"]
    assert ids(http.get(f"{DATASETS}?name=Pier**", headers=headers)) == by_name["Pier*"]
    assert ids(http.get(f"{DATASETS}?name=*o*", headers=headers)) == \
        [i for i, f in seeded if "o" in f["name"]]


def test_property_expressions(http, headers, seeded):
    with_desc = [i for i, f in seeded if "description" in f]
    assert ids(http.get(f"{DATASETS}?property=description", headers=headers)) == with_desc
    assert ids(http.get(f"{DATASETS}?property=!description", headers=headers)) == \
        [i for i, f in seeded if "description" not in f]
    assert ids(http.get(f"{DATASETS}?property=name~^[Qq]", headers=headers)) == \
        [i for i, f in seeded if f["name"].lower().startswith("q")]
    assert ids(http.get(f"{DATASETS}?property=description==beta", headers=headers)) == \
        [i for i, f in seeded if f.get("description") == "beta"]
    assert ids(http.get(f"{DATASETS}?property=version>=1.0.0&property=version<1.0.1", headers=headers)) == \
        [i for i, _ in seeded]


def test_tags_filter_with_wildcards_and_and(http, headers, seeded):
    tagged = [i for i, f in seeded if "tags" in f]
    assert ids(http.get(f"{DATASETS}?tags=harbour:*", headers=headers)) == tagged
    assert ids(http.get(f"{DATASETS}?tags=harbour:zone*,kind:land", headers=headers)) == \
        [i for i, f in seeded if f.get("tags", {}).get("kind") == ["land"]]
    assert ids(http.get(f"{DATASETS}?tags=harbour:zone2", headers=headers)) == [seeded[2][0]]


def test_order_by_with_secondary_key(http, headers, seeded):
    got = ids(http.get(f"{DATASETS}?orderBy=asc:name,desc:created", headers=headers))
    expected = sorted(seeded, key=lambda pair: pair[1]["name"])
    assert [http.get(f"{DATASETS}/{i}", headers=headers).json[i]["name"] for i in got] == [f["name"] for _, f in expected]
    desc = ids(http.get(f"{DATASETS}?orderBy=desc:name", headers=headers))
    assert desc[0] == [i for i, f in seeded if f["name"] == "quay"][0]


# -- properties: the emulator agrees with a brute-force evaluation ---------------------------
APP = create_app()
CLIENT = APP.test_client()
HEADERS = gateway_headers(sandbox="query-props")
VALUES = ["Dock", "Quay", "Pier", "beta", "1.0.0", "7"]


def _brute(records: list[tuple[str, dict]], prop: str, op: str, value: str) -> list[str]:
    def key(v):
        if isinstance(v, bool):
            return None
        return str(v)

    out = []
    for rid, rec in records:
        present = prop in rec
        actual = rec.get(prop)
        if op == "=":
            keep = present and key(actual) == value
        elif op == "=!":
            keep = not present or key(actual) != value
        elif op == "==":
            keep = present and key(actual) == value
        elif op == "!=":
            keep = not present or key(actual) != value
        elif op == "exists":
            keep = present
        elif op == "absent":
            keep = not present
        else:  # regex
            keep = present and isinstance(actual, str) and re.search(value, actual) is not None
        if keep:
            out.append(rid)
    return out


@pytest.fixture(scope="module")
def corpus():
    CLIENT.post("/_mockaep/reset")
    schema_id = helpers.make_schema(CLIENT, sandbox="query-props")
    records = []
    for n in range(12):
        fields = {"name": VALUES[n % 3], "description": VALUES[(n * 5) % 6]} if n % 4 else {"name": VALUES[n % 3]}
        body = {**fields, "schemaRef": {"id": schema_id, "contentType": helpers.XED}}
        created = CLIENT.post(DATASETS, headers=HEADERS, json=body)
        assert created.status_code == 201, created.json
        records.append((created.json[0].rsplit("/", 1)[-1], fields))
    return records


@settings(max_examples=40, deadline=None)
@given(prop=st.sampled_from(["name", "description", "nothing"]),
       op=st.sampled_from(["=", "=!", "==", "!=", "exists", "absent", "~"]),
       value=st.sampled_from(VALUES + ["^D", "a"]))
def test_filters_agree_with_brute_force(corpus, prop, op, value):
    if op in ("=", "=!"):
        query = f"{prop}={'!' if op == '=!' else ''}{value}"
    elif op == "exists":
        query = f"property={prop}"
    elif op == "absent":
        query = f"property=!{prop}"
    else:
        query = f"property={prop}{op}{value}"
    got = CLIENT.get(f"{DATASETS}?{query}&limit=100", headers=HEADERS)
    assert got.status_code == 200, got.json
    assert list(got.json) == _brute(corpus, prop, op, value)


@settings(max_examples=25, deadline=None)
@given(limit=st.integers(1, 100), order=st.sampled_from(["", "name", "desc:name", "asc:description,desc:name"]))
def test_paging_visits_each_dataset_once(corpus, limit, order):
    seen: list[str] = []
    start = 0
    while True:
        url = f"{DATASETS}?limit={limit}&start={start}" + (f"&orderBy={order}" if order else "")
        page = list(CLIENT.get(url, headers=HEADERS).json)
        seen.extend(page)
        if len(page) < limit:
            break
        start += limit
    assert sorted(seen) == sorted(i for i, _ in corpus) and len(seen) == len(set(seen))


# -- no 500s: every query parameter bounded, every refusal in Catalog's shape -------------------
@pytest.mark.parametrize("query", [
    "property=name~a{100000}", "property=name~(a)\\1", "property=name~(?=a)", "property=name~" + "a" * 1001,
    "property=name~" + "(" * 600 + ")" * 600, "start=" + "9" * 5000, "limit=" + "1" * 4400, "start=1e3",
    "orderBy=desc:", "orderBy=asc:na%20me", "orderBy=" + ",".join("abcdefghij"), "createdAfter=" + "9" * 5000,
    "name=" + ",".join(["x"] * 101), "name=" + "x" * 1025, "property=" + "n" * 300 + "==x",
    "tags=" + ",".join(["a:b"] * 101), "tags=:x", "&".join(f"property=p{n}~a" for n in range(101)), "property=version<" + "1." * 600,
])
def test_forged_queries_are_400_not_500(http, headers, seeded, query):
    assert_error(http.get(f"{DATASETS}?{query}", headers=headers), 400)
    assert_error(http.get(f"{CATALOG}/batches?{query}", headers=headers), 400)


def test_linear_time_patterns_and_long_values_compare_without_overflow(http, headers, seeded):
    assert ids(http.get(f"{DATASETS}?property=name~^(a+)+$", headers=headers)) == []
    long_version = "1." + "9" * 5000
    http.patch(f"{DATASETS}/{seeded[0][0]}", headers=headers, json={"description": long_version})
    assert ids(http.get(f"{DATASETS}?property=description>1.0", headers=headers)) == [seeded[0][0]]
    http.patch(f"{DATASETS}/{seeded[0][0]}", headers=headers, json={"description": "1.0." + "9" * 5000})
    assert ids(http.get(f"{DATASETS}?property=description>1.0.10", headers=headers)) == [seeded[0][0]]
    assert ids(http.get(f"{DATASETS}?property=description<1.0.10", headers=headers)) == []
    assert ids(http.get(f"{DATASETS}?name=*{'*' * 40}x*", headers=headers)) == []


def test_paging_parameters_may_repeat_and_come_as_headers(http, headers, seeded):
    every = [i for i, _ in seeded]
    assert ids(http.get(f"{DATASETS}?limit=2&limit=50", headers=headers)) == every[:2]
    assert ids(http.get(DATASETS, headers={**headers, "start": "5", "orderBy": "desc:created"})) == every[::-1][5:]
    assert_error(http.get(DATASETS, headers={**headers, "orderBy": "sideways:name"}), 400)


def test_created_order_and_its_reverse_with_filters(http, headers, seeded):
    docks = [i for i, f in seeded if f["name"] in ("Dock", "Quay")]
    assert ids(http.get(f"{DATASETS}?name=Dock,Quay&orderBy=desc:created", headers=headers)) == docks[::-1]
    assert ids(http.get(f"{DATASETS}?name=Dock,Quay&orderBy=created&start=1&limit=1", headers=headers)) == docks[1:2]
    assert ids(http.get(f"{DATASETS}?orderBy=desc:created&start=2&limit=3", headers=headers)) == \
        [i for i, _ in seeded][::-1][2:5]
