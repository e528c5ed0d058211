"""Paging as real clients meet it (FSY PageLinksResponse, aepp, plain requests code): the next link
is ``/<collection>?continuationToken=<token>`` and nothing else; the token carries the query.
Forged tokens, oversized queries and repeated parameters are answered with a 4xx, never a 500."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.flowservice.helpers import error_code

LISTS = ("connections", "sourceConnections", "targetConnections", "flows", "runs")


@pytest.fixture
def world(fs):
    """Three of everything (the runs through POST /runs), created in this order."""
    made: dict[str, list[str]] = {name: [] for name in LISTS}
    schema = fs.target_schema()
    dataset = fs.dataset(schema)
    for n in range(3):
        chain = {"base": fs.base_connection(name=f"login {n}")}
        chain["source"] = fs.source_connection(chain["base"], name=f"source {n}")
        chain["target"] = fs.target_connection(dataset, schema, name=f"target {n}")
        made["connections"].append(chain["base"])
        made["sourceConnections"].append(chain["source"])
        made["targetConnections"].append(chain["target"])
        flow = fs.flow(chain, name=f"flow {n}")
        made["flows"].append(flow)
        made["runs"].append(fs.created("/runs", {"flowId": flow, "params": {
            "windowStartTime": "1590000000", "windowEndTime": "1590003600",
            "deltaColumn": {"name": "LastModified"}}})["id"])
    return made


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def next_href(response) -> str | None:
    return response.get_json()["_links"].get("next", {}).get("href")


@pytest.mark.parametrize("collection", LISTS)
def test_the_next_link_carries_only_the_token(fs, world, collection):
    first = fs.get(f"/{collection}", query={"limit": "2"})
    href = next_href(first)
    parts = urlsplit(href)
    assert parts.path == f"/{collection}"
    assert [name for name, _value in parse_qsl(parts.query)] == ["continuationToken"]
    # Followed as it is: the token alone asks for the rest.
    rest = fs.get(f"/{collection}", query=parse_qsl(parts.query))
    assert ids(first) + ids(rest) == world[collection]
    assert next_href(rest) is None


@pytest.mark.parametrize("collection", LISTS)
def test_clients_that_resend_their_parameters_or_cut_the_token_out_get_the_next_page(fs, world, collection):
    first = fs.get(f"/{collection}", query={"limit": "2", "count": "False"})
    href = next_href(first)
    # aepp getConnections: GET <endpoint><href> with its own params again.
    again = fs.http.get(f"/data/foundation/flowservice{href}&limit=2&count=False", headers=fs.headers)
    assert ids(first) + ids(again) == world[collection]
    # aepp getFlows/getRuns: continuationToken = href.split("=")[1], sent with the first params.
    token = href.split("=")[1]
    cut = fs.get(f"/{collection}", query={"limit": "2", "count": "False", "continuationToken": token})
    assert ids(cut) == ids(again)


def test_the_token_keeps_the_filters_and_the_order(fs, world):
    names = [fs.item("flows", flow)["name"] for flow in world["flows"]]
    first = fs.get("/flows", query=[("property", "name~flow"), ("property", "name!=flow 1"),
                                    ("orderby", "-name"), ("limit", "1")])
    assert ids(first) == [world["flows"][2]]
    rest = fs.get("/flows", query=parse_qsl(urlsplit(next_href(first)).query))
    assert ids(rest) == [world["flows"][0]] and next_href(rest) is None
    assert names == ["flow 0", "flow 1", "flow 2"]


def test_a_limit_sent_beside_the_token_sets_the_next_page_size(fs, world):
    first = fs.get("/connections", query={"limit": "1"})
    token = dict(parse_qsl(urlsplit(next_href(first)).query))["continuationToken"]
    rest = fs.get("/connections", query={"continuationToken": token, "limit": "5"})
    assert ids(first) + ids(rest) == world["connections"]


def test_a_repeated_parameter_takes_its_first_value(fs, world):
    response = fs.get("/connections", query=[("limit", "2"), ("limit", "1")])
    assert len(ids(response)) == 2
    repeated_count = fs.get("/flows", query=[("count", "true"), ("count", "false")])
    assert repeated_count.get_json() == {"count": 3}
    # property is the one repeatable parameter: its values are AND-ed.
    both = fs.get("/flows", query=[("property", "name~flow"), ("property", f"id=={world['flows'][1]}")])
    assert ids(both) == [world["flows"][1]]


@pytest.mark.parametrize("collection", LISTS)
def test_start_is_not_a_flow_service_parameter(fs, collection):
    response = fs.get(f"/{collection}", query={"start": "1"})
    assert response.status_code == 400 and error_code(response) == "FLOW-1451-400"


def token_of(payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def blob(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED = [
    "not-a-token", "!!!", "=", "a" * 9000, token_of(b"[" * 3000 + b"]" * 3000), token_of(b'{"a":' * 60 + b"1" + b"}" * 60),
    token_of([1, 2]), token_of("text"), token_of({}), token_of({"q": 5}), token_of({"q": "%%%"}),
    token_of({"q": blob([[], None]), "a": "x"}), token_of({"q": blob([[], None]), "a": True}),
    token_of({"q": blob([[], None]), "a": -5}), token_of({"q": blob([[], None]), "a": 1, "l": 0}),
    token_of({"q": blob([[], None]), "a": 1, "l": 10**9}), token_of({"q": blob([["x"] * 500, None]), "a": 1}),
    token_of({"q": blob([[1, 2], None]), "a": 1}), token_of({"q": blob("[[]]"), "a": 1}),
    token_of({"q": blob([[], "name"]), "a": 1}), token_of({"q": blob([[], "name"]), "c": blob([0, "text", "x", False])}),
    token_of({"q": blob([[], "name"]), "c": blob([7, 1, "x", False])}),
    token_of({"q": blob([[], "name"]), "c": blob([1, "x", ["id"], False])}),
    token_of({"q": base64.urlsafe_b64encode(b"[" * 2000 + b"]" * 2000).decode(), "a": 1}),
    token_of({"q": blob([[], "name"]), "c": base64.urlsafe_b64encode(b"{}" * 900).decode()}),
    token_of({"q": blob([["name=="], None]), "a": 1}),
]


@pytest.mark.parametrize("collection", LISTS)
@pytest.mark.parametrize("token", FORGED, ids=range(len(FORGED)))
def test_forged_tokens_are_400_on_every_list(fs, collection, token):
    response = fs.get(f"/{collection}", query={"continuationToken": token})
    assert response.status_code == 400, response.get_json()
    assert error_code(response).startswith("FLOW-14")


@pytest.mark.parametrize("path", ["/flows/search", "/connections/search"])
def test_forged_tokens_are_400_on_the_searches(fs, path):
    for token in FORGED:
        response = fs.post(path, {"queryString": "state==enabled"}, query={"continuationToken": token})
        assert response.status_code == 400, (token[:40], response.get_json())


def test_a_token_from_an_ordered_list_resumes_only_an_ordered_one(fs, world):
    ordered = fs.get("/connections", query={"limit": "1", "orderby": "name"})
    unordered = fs.get("/connections", query={"limit": "1"})
    for response in (ordered, unordered):
        assert fs.get("/connections", query=parse_qsl(urlsplit(next_href(response)).query)).status_code == 200


@pytest.mark.parametrize("query, code", [
    ([("property", f"name!=n{n}") for n in range(21)], "FLOW-1453-400"),     # at most 20 filters
    ([("property", "name==" + ",".join(f"v{n}" for n in range(101)))], "FLOW-1453-400"),  # at most 100 values
    ([("property", "name==" + "x" * 6000)], "FLOW-1453-400"),                # too long to page through
    ([("limit", "9" * 40)], "FLOW-1452-400"),
    ([("limit", "-1")], "FLOW-1452-400"),
    ([("orderby", "a." * 40 + "b")], "FLOW-1433-400"),
])
def test_oversized_queries_are_refused_before_any_work(fs, query, code):
    response = fs.get("/connections", query=query)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code


def test_a_large_limit_is_served_as_the_largest_page(fs, world):
    response = fs.get("/connections", query={"limit": "1000000"})
    assert ids(response) == world["connections"] and next_href(response) is None


def test_search_pages_follow_the_token_alone(fs, world):
    first = fs.post("/flows/search", {"queryString": "name~flow", "limit": 2, "orderby": "name"})
    href = next_href(first)
    assert href.startswith("/flows/search?continuationToken=")
    rest = fs.post("/flows/search", {}, query=parse_qsl(urlsplit(href).query))
    assert ids(first) + ids(rest) == world["flows"]


query_text = st.text(alphabet=st.sampled_from('ab=!<>~.,[]{}"\\ -+0123456789:$@%'), max_size=40)
query_pairs = st.lists(st.tuples(st.sampled_from(["property", "orderby", "limit", "count", "continuationToken"]),
                                 query_text), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(collection=st.sampled_from(LISTS), pairs=query_pairs)
def test_no_list_query_is_a_server_error(new_fs, collection, pairs):
    fs = new_fs(org="FUZZ0000000000000000000@AdobeOrg")
    if not fs.get("/flows").get_json()["items"]:  # something to filter and sort, made once
        chain = fs.chain()
        fs.created("/runs", {"flowId": fs.flow(chain), "params": {
            "windowStartTime": "1590000000", "windowEndTime": "1590003600", "deltaColumn": {"name": "x"}}})
    response = fs.get(f"/{collection}", query=pairs)
    assert response.status_code in (200, 400), response.get_json()
    if response.status_code == 400:
        assert error_code(response).startswith("FLOW-14")
