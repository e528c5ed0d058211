"""The Flow Service list language: HTTP examples of every rule and refusal, and properties
(filters agree with an independent brute force; paging visits each object exactly once)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mockaep.core.errors import BadRequest
from mockaep.core.kinds import ResourceKind
from mockaep.core.request import QueryParams
from mockaep.core.store import Store
from mockaep.services.flowservice.listing import answer_query
from tests.flowservice.helpers import SERVICE_CLOUD, SERVICENOW, error_code


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]


@pytest.fixture
def connections(fs):
    """Five base connections with distinct names, descriptions and specs, created in this order."""
    made = []
    for name, spec in (("alpha", SERVICE_CLOUD), ("bravo", SERVICENOW), ("charlie", SERVICE_CLOUD),
                       ("delta", SERVICENOW), ("echo", SERVICE_CLOUD)):
        made.append(fs.base_connection(name=name, spec=spec))
    return made


def test_list_envelope_and_insertion_order(fs, connections):
    body = fs.get("/connections").get_json()
    assert set(body) == {"items", "_links"} and body["_links"] == {}
    assert [item["id"] for item in body["items"]] == connections


@pytest.mark.parametrize("query, expected", [
    ([("property", "name==bravo")], ["bravo"]),
    ([("property", 'name=="charlie"')], ["charlie"]),                      # quoted, as the tutorial sends
    ([("property", "name==alpha,echo,zulu")], ["alpha", "echo"]),          # any of
    ([("property", 'name=="alpha","delta"')], ["alpha", "delta"]),
    ([("property", "name!=alpha,bravo")], ["charlie", "delta", "echo"]),   # none of
    ([("property", f"connectionSpec.id=={SERVICENOW}")], ["bravo", "delta"]),
    ([("property", f"connectionSpec.id=={SERVICE_CLOUD}"), ("property", "name!=echo")], ["alpha", "charlie"]),
    ([("property", "name~lt")], ["delta"]),                                # contains
    ([("property", "name>charlie")], ["delta", "echo"]),
    ([("property", "name<=bravo")], ["alpha", "bravo"]),
    ([("property", "auth.params.endpoint")], ["bravo", "delta"]),          # field exists
    ([("property", "!auth.params.endpoint")], ["alpha", "charlie", "echo"]),
    ([("property", "auth.params.securityToken==tok-123")], ["alpha", "charlie", "echo"]),
    ([("property", "state==enabled"), ("property", "name==echo")], ["echo"]),
    ([("property", "state==disabled")], []),
    ([("orderby", "-name")], ["echo", "delta", "charlie", "bravo", "alpha"]),
    ([("orderby", "+name")], ["alpha", "bravo", "charlie", "delta", "echo"]),
    ([("orderby", "connectionSpec.id")], ["alpha", "charlie", "echo", "bravo", "delta"]),
])
def test_filters_and_sorting(fs, connections, query, expected):
    response = fs.get("/connections", query=query)
    if query[0][0] == "orderby" and query[0][1] == "connectionSpec.id":
        # Ties (same spec) are broken by id: check the grouping, then the tie order.
        items = response.get_json()["items"]
        specs = [item["connectionSpec"]["id"] for item in items]
        assert specs == sorted(specs)
        for spec in set(specs):
            group = [item["id"] for item in items if item["connectionSpec"]["id"] == spec]
            assert group == sorted(group)
        return
    assert names(response) == expected


def test_plus_sign_in_a_raw_query_string_means_ascending(fs, connections):
    response = fs.http.get("/data/foundation/flowservice/connections?orderby=+name", headers=fs.headers)
    assert names(response) == ["alpha", "bravo", "charlie", "delta", "echo"]


def test_numbers_compare_as_numbers(fs, connections):
    created = [item["createdAt"] for item in fs.get("/connections").get_json()["items"]]
    pivot = sorted(created)[2]
    later = fs.get("/connections", query=[("property", f"createdAt>{pivot}")]).get_json()["items"]
    assert all(item["createdAt"] > pivot for item in later)
    assert len(later) == sum(1 for value in created if value > pivot)
    same = fs.get("/connections", query=[("property", f"createdAt=={pivot}.0")]).get_json()["items"]
    assert same and all(item["createdAt"] == pivot for item in same)


def test_count(fs, connections):
    assert fs.get("/connections", query={"count": "true"}).get_json() == {"count": 5}
    filtered = fs.get("/connections", query=[("count", "true"), ("property", f"connectionSpec.id=={SERVICENOW}")])
    assert filtered.get_json() == {"count": 2}
    assert "items" in fs.get("/connections", query={"count": "false"}).get_json()


@pytest.mark.parametrize("query, code", [
    ({"count": "true", "limit": "2"}, "FLOW-1401-400"),
    ({"orderby": "--name"}, "FLOW-1432-400"),
    ({"orderby": "-"}, "FLOW-1432-400"),
    ({"orderby": "#id"}, "FLOW-1433-400"),
    ({"orderby": "flavour"}, "FLOW-1433-400"),
    ({"property": "name=alpha"}, "FLOW-1440-400"),
    ({"property": "createdAt<=1,2"}, "FLOW-1443-400"),
    ({"property": "connections==x"}, "FLOW-1449-400"),
    ({"property": "na me==x"}, "FLOW-1449-400"),
    ({"property": "name!>x"}, "FLOW-1450-400"),
    ({"property": "name<>x"}, "FLOW-1450-400"),
    ({"property": "createdAt>yesterday"}, "FLOW-1452-400"),
    ({"limit": "0"}, "FLOW-1452-400"),
    ({"limit": "ten"}, "FLOW-1452-400"),
    ({"count": "perhaps"}, "FLOW-1452-400"),
    ({"property": "name=="}, "FLOW-1453-400"),
    ({"property": "==alpha"}, "FLOW-1453-400"),
    ({"property": ""}, "FLOW-1453-400"),
    ({"continuationToken": "not-a-token"}, "FLOW-1453-400"),
    ({"testParam": "1"}, "FLOW-1451-400"),
    ({"start": "1"}, "FLOW-1451-400"),
])
def test_query_refusals(fs, connections, query, code):
    response = fs.get("/connections", query=query)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code


def follow(fs, path: str, query) -> list[dict]:
    """Every item of a paged listing, following ``_links.next.href``."""
    items: list[dict] = []
    response = fs.get(path, query=query)
    for _ in range(100):
        body = response.get_json()
        assert response.status_code == 200, body
        items.extend(body["items"])
        href = body["_links"].get("next", {}).get("href")
        if not href:
            return items
        parts = urlsplit(href)
        assert parts.path == path
        response = fs.get(path, query=parse_qsl(parts.query))
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("orderby", [None, "name", "-name", "createdAt"])
def test_paging_visits_every_object_once(fs, connections, orderby):
    query = {"limit": "2", **({"orderby": orderby} if orderby else {})}
    first = fs.get("/connections", query=query).get_json()
    assert len(first["items"]) == 2 and first["_links"]["next"]["href"].startswith("/connections?")
    seen = [item["id"] for item in follow(fs, "/connections", query)]
    assert sorted(seen) == sorted(connections) and len(seen) == 5
    everything = [item["id"] for item in fs.get("/connections", query={"orderby": orderby} if orderby else {})
                  .get_json()["items"]]
    assert seen == everything


def test_paging_while_objects_are_added(fs, connections):
    seen: list[str] = []
    response = fs.get("/connections", query={"limit": "2"})
    added = []
    while True:
        body = response.get_json()
        seen.extend(item["id"] for item in body["items"])
        added.append(fs.base_connection(name=f"late-{len(added)}"))
        href = body["_links"].get("next", {}).get("href")
        if not href or len(seen) > 40:
            break
        response = fs.get("/connections", query=parse_qsl(urlsplit(href).query))
    assert len(seen) == len(set(seen))
    assert set(connections) <= set(seen)


# -- properties over the pager itself (the same function every list uses) -----------------------
NAMES = ("ant", "bee", "15", "15.0", "cat", "Ant")
#: Each field with the values worth comparing it to (a few of them deliberately off-type).
FIELD_VALUES = {
    "name": NAMES + ("zebra", "b"),
    "size": ("15", "15.0", "2", "1.5", "-3", "0", "ant"),
    "flag": ("true", "false", "1"),
    "tags[]": ("red", "blue", "15", "e"),
    "meta.owner": ("ann", "bob", "an"),
    "meta.level": ("0", "1", "3", "x"),
    "parts[].code": ("x1", "y2", "15"),
    "missing": ("a",),
}
record_strategy = st.fixed_dictionaries(
    {"name": st.sampled_from(NAMES), "state": st.sampled_from(["enabled", "disabled"])},
    optional={
        "size": st.sampled_from([15, 15.0, 2, 2.0, 1.5, -3, 0]),
        "flag": st.booleans(),
        "tags": st.lists(st.sampled_from(["red", "blue", "15"]), max_size=3),
        "meta": st.fixed_dictionaries({}, optional={"owner": st.sampled_from(["ann", "bob"]),
                                                    "level": st.integers(0, 3)}),
        "parts": st.lists(st.fixed_dictionaries({"code": st.sampled_from(["x1", "y2", "15"])}), max_size=2),
    })


def _condition_on(field):
    pool = st.sampled_from(FIELD_VALUES[field])
    return st.one_of(
        st.tuples(st.just(field), st.sampled_from(["==", "!="]), st.lists(pool, min_size=1, max_size=3).map(",".join)),
        st.tuples(st.just(field), st.sampled_from(["<", "<=", ">", ">=", "~"]), pool),
        st.tuples(st.just(field), st.sampled_from(["exists", "missing"]), st.just("")),
    )


condition_strategy = st.sampled_from(sorted(FIELD_VALUES)).flatmap(_condition_on)


def brute_values(record, path):
    """Values at a dotted path, lists flattened on the way (written apart from the store's)."""
    nodes = [record]
    for part in path.replace("[]", "").split("."):
        next_nodes = []
        for node in nodes:
            if isinstance(node, dict) and part in node:
                value = node[part]
                next_nodes.extend(value if isinstance(value, list) else [value])
        nodes = next_nodes
    return [node for node in nodes if node is not None]


def as_number(text):
    try:
        return float(text) if not isinstance(text, bool) else None
    except (TypeError, ValueError):
        return None


def brute_equal(stored, wanted):
    if isinstance(stored, bool):
        return wanted == str(stored).lower()
    if isinstance(stored, (int, float)):
        return as_number(wanted) == stored
    return stored == wanted


def brute_match(record, condition):
    path, op, raw = condition
    found = brute_values(record, path)
    if op == "exists":
        return bool(found)
    if op == "missing":
        return not found
    if op in ("==", "!="):
        hit = any(brute_equal(value, wanted) for value in found for wanted in raw.split(","))
        return hit if op == "==" else not hit
    if op == "~":
        return any(isinstance(value, str) and raw in value for value in found)
    for value in found:
        left, right = as_number(value), as_number(raw)
        if left is None or right is None:
            if not isinstance(value, str) or isinstance(value, bool):
                continue
            left, right = value, raw
        if {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]:
            return True
    return False


def expression(condition):
    path, op, raw = condition
    return {"exists": path, "missing": "!" + path}.get(op, f"{path}{op}{raw}")


def stored_things(records):
    things = Store({"things": ResourceKind("things", "thing", "test", indexes=("name", "state", "tags[]", "meta.level"))}).tenant("ORG@AdobeOrg").collection("things")
    for position, record in enumerate(records):
        things.put(f"id-{position:03d}", {"id": f"id-{position:03d}", **record})
    return things


@settings(max_examples=60)
@given(st.lists(record_strategy, max_size=12), st.lists(condition_strategy, min_size=1, max_size=3))
def test_filters_agree_with_brute_force(records, conditions):
    things = stored_things(records)
    args = [("property", expression(c)) for c in conditions]
    try:
        answer = answer_query(things, QueryParams(args), resource="things", base_path="/things")
    except BadRequest as refused:
        # Only a range operator on a non-numeric value of a numeric field may be refused here.
        assert refused.code in ("1452",), refused.detail
        return
    expected = [f"id-{i:03d}" for i, r in enumerate(records) if all(brute_match(r, c) for c in conditions)]
    assert [item["id"] for item in answer["items"]] == expected
    counted = answer_query(things, QueryParams([*args, ("count", "true")]), resource="things", base_path="/things")
    assert counted == {"count": len(expected)}


def sort_key(record, path, descending):
    values = brute_values(record, path)
    if not values:
        return (1, 0, "", record["id"])
    value = values[0]
    rank = 0 if isinstance(value, (int, float)) and not isinstance(value, bool) else (2 if isinstance(value, bool) else 1)
    return (0, rank, value, record["id"])


@settings(max_examples=80)
@given(records=st.lists(record_strategy, max_size=15), limit=st.integers(1, 5),
       orderby=st.sampled_from([None, "name", "-name", "size", "-size", "meta.level", "-flag", "tags[]"]),
       additions=st.lists(record_strategy, max_size=6))
def test_paging_visits_each_object_exactly_once(records, limit, orderby, additions):
    things = stored_things(records)
    originals = [f"id-{i:03d}" for i in range(len(records))]
    args = QueryParams([("limit", str(limit))] + ([("orderby", orderby)] if orderby else []))
    seen: list[str] = []
    pending = list(additions)
    while True:
        answer = answer_query(things, args, resource="things", base_path="/things")
        seen.extend(item["id"] for item in answer["items"])
        if pending:  # another client adds an object between two pages
            new_id = f"new-{len(pending):03d}"
            things.put(new_id, {"id": new_id, **pending.pop()})
        href = answer["_links"].get("next", {}).get("href")
        if not href:
            break
        args = QueryParams(parse_qsl(urlsplit(href).query))
    assert len(seen) == len(set(seen)), "an object was listed twice"
    assert set(originals) <= set(seen), "an object present throughout was skipped"
    if not additions and orderby:
        path, descending = orderby.lstrip("-"), orderby.startswith("-")
        present = [r for r in ({"id": i, **rec} for i, rec in zip(originals, records)) if brute_values(r, path)]
        absent = [r["id"] for r in ({"id": i, **rec} for i, rec in zip(originals, records)) if not brute_values(r, path)]
        ordered = sorted(present, key=lambda r: sort_key(r, path, descending)[1:3], reverse=descending)
        # Equal values keep id order whatever the direction.
        expected = [r["id"] for r in _stable_ties(ordered, path)] + sorted(absent)
        assert seen == expected


def _stable_ties(ordered, path):
    """Within runs of equal sort values, order by id ascending."""
    result, run, previous = [], [], object()
    for record in ordered:
        value = sort_key(record, path, False)[1:3]
        if value != previous and run:
            result.extend(sorted(run, key=lambda r: r["id"]))
            run = []
        run.append(record)
        previous = value
    result.extend(sorted(run, key=lambda r: r["id"]))
    return result


def test_equality_on_an_indexed_field_does_not_read_every_record():
    flows = Store({"flows": ResourceKind("flows", "flow", "test", indexes=("state", "sourceConnectionIds[]"))}).tenant("ORG@AdobeOrg").collection("flows")
    for number in range(10_000):
        flows.put(f"f{number:05d}", {"id": f"f{number:05d}", "name": f"flow {number}",
                                     "state": "enabled" if number % 100 == 0 else "disabled",
                                     "sourceConnectionIds": [f"s{number % 250}"]})
    read: list[str] = []
    original_get = flows.get

    def counting_get(record_id):
        read.append(record_id)
        return original_get(record_id)

    flows.get = counting_get  # type: ignore[method-assign]
    answer = answer_query(flows, QueryParams([("property", "state==enabled"), ("property", "name~flow")]),
                  resource="flows", base_path="/flows")
    assert len(answer["items"]) == 100 and len(read) == 100
    read.clear()
    answer = answer_query(flows, QueryParams([("property", "sourceConnectionIds[]==s7,s8")]), resource="flows",
                  base_path="/flows")
    assert len(answer["items"]) == 80 and len(read) == 80


def test_paging_survives_the_last_seen_object_leaving_the_filter(fs):
    made = [fs.base_connection(name=f"keep-{n}") for n in range(5)]
    first = fs.get("/connections", query={"property": "name~keep", "limit": "2"}).get_json()
    assert [item["id"] for item in first["items"]] == made[:2]
    last = first["items"][-1]
    renamed = fs.patch(f"/connections/{last['id']}", [{"op": "replace", "path": "/name", "value": "gone"}],
                       last["etag"])
    assert renamed.status_code == 200
    rest = follow(fs, "/connections", parse_qsl(urlsplit(first["_links"]["next"]["href"]).query))
    assert [item["id"] for item in rest] == made[2:]
