"""Flow and connection actions (ENABLE/DISABLE, provider-only steps) and the /search endpoints."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import SERVICENOW, error_code


@pytest.fixture
def chain(fs):
    return fs.chain()


def action(fs, path, op, sub_ops=("APPLY",), **kw):
    return fs.post(f"{path}/action", query=[("op", op)] + [("subOp", s) for s in sub_ops], **kw)


def test_disable_then_enable_a_flow(fs, chain):
    flow = fs.flow(chain)
    before = fs.item("flows", flow)
    disabled = action(fs, f"/flows/{flow}", "DISABLE")
    assert disabled.status_code == 200
    assert disabled.get_json()["id"] == flow and disabled.get_json()["etag"] != before["etag"]
    item = fs.item("flows", flow)
    assert item["state"] == "disabled" and item["lastOperation"]["operation"] == "disable"
    assert item["name"] == before["name"] and item["createdAt"] == before["createdAt"]
    assert [f["id"] for f in fs.get("/flows", query={"property": "state==disabled"}).get_json()["items"]] == [flow]
    assert action(fs, f"/flows/{flow}", "enable", sub_ops=()).status_code == 200
    assert fs.item("flows", flow)["state"] == "enabled"
    assert fs.get("/flows", query={"property": "state==disabled"}).get_json()["items"] == []


def test_action_if_match_is_checked_when_sent(fs, chain):
    flow = fs.flow(chain)
    stale = action(fs, f"/flows/{flow}", "DISABLE", headers={"If-Match": '"00000000-0000-0200-0000-000000000000"'})
    assert stale.status_code == 412 and error_code(stale) == "FLOW-1404-412"
    assert fs.item("flows", flow)["state"] == "enabled"
    etag = fs.item("flows", flow)["etag"]
    assert action(fs, f"/flows/{flow}", "DISABLE", headers={"If-Match": etag}).status_code == 200


@pytest.mark.parametrize("path_key, op, sub_ops, code", [
    ("flow", "FINALIZE", ("APPLY",), "FLOW-1402-400"),
    ("flow", "FINALIZE_UPDATE", ("APPLY",), "FLOW-1402-400"),
    ("flow", "ENABLE", ("PROGRESS",), "FLOW-1436-400"),
    ("flow", "ENABLE", ("REVERSE",), "FLOW-1435-400"),
    ("flow", "PUBLISH", ("APPLY",), "FLOW-1422-400"),      # objects made by the API are never drafts
    ("flow", "EXPLODE", ("APPLY",), "FLOW-1100-400"),
    ("base", "ENABLE", ("APPLY",), "FLOW-1100-400"),       # connections take FINALIZE_UPDATE/FINALIZE/PUBLISH
    ("base", "FINALIZE", ("APPLY",), "FLOW-1402-400"),
    ("source", "PUBLISH", (), "FLOW-1422-400"),
    ("target", "DISABLE", (), "FLOW-1100-400"),
])
def test_action_refusals_change_nothing(fs, chain, path_key, op, sub_ops, code):
    flow = fs.flow(chain)
    collection, object_id = {"flow": ("flows", flow), "base": ("connections", chain["base"]),
                             "source": ("sourceConnections", chain["source"]),
                             "target": ("targetConnections", chain["target"])}[path_key]
    before = fs.item(collection, object_id)
    response = action(fs, f"/{collection}/{object_id}", op, sub_ops)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code
    assert fs.item(collection, object_id) == before


def test_action_on_unknown_flow_and_unknown_parameter(fs):
    missing = action(fs, "/flows/1a1a1a1a-0000-4000-8000-000000000000", "ENABLE")
    assert missing.status_code == 404 and error_code(missing) == "FLOW-1439-404"
    flow_chain = fs.chain()
    flow = fs.flow(flow_chain)
    extra = fs.post(f"/flows/{flow}/action", query={"op": "ENABLE", "force": "yes"})
    assert extra.status_code == 400 and error_code(extra) == "FLOW-1451-400"


def test_flow_search(fs, chain):
    first = fs.flow(chain, name="Hourly import")
    second = fs.flow(chain, name="Daily import")
    fs.flow(chain, name="Weekly import")
    found = fs.post("/flows/search", {"queryString": "name==Hourly import,Daily import", "orderby": "name"})
    assert found.status_code == 200
    assert [item["id"] for item in found.get_json()["items"]] == [second, first]
    counted = fs.post("/flows/search", {"queryString": "property=state==enabled&name~import", "count": True})
    assert counted.get_json() == {"count": 3}
    projected = fs.post("/flows/search", {"queryString": f"id=={first}", "projectionFields": "name,state"})
    assert projected.get_json()["items"] == [{"id": first, "name": "Hourly import", "state": "enabled"}]


def test_search_pages_with_the_token_in_the_link(fs, chain):
    made = [fs.flow(chain, name=f"flow {n}") for n in range(5)]
    seen = []
    page = fs.post("/flows/search", {"limit": 2})
    while True:
        body = page.get_json()
        seen.extend(item["id"] for item in body["items"])
        href = body["_links"].get("next", {}).get("href")
        if not href:
            break
        assert href.startswith("/flows/search?continuationToken=")
        page = fs.post("/flows/search", {"limit": 2}, query={"continuationToken": href.split("=", 1)[1]})
    assert seen == made


def test_connection_search_and_refusals(fs, chain):
    other = fs.base_connection(name="Tickets login", spec=SERVICENOW)
    found = fs.post("/connections/search", {"queryString": f"connectionSpec.id=={SERVICENOW}"})
    assert [item["id"] for item in found.get_json()["items"]] == [other]
    for body, code in (({"limit": 2, "count": True}, "FLOW-1401-400"), ({"queryString": "name=x"}, "FLOW-1440-400"),
                       ({"limit": "two"}, "FLOW-1100-400"), ({"limit": 5000}, "FLOW-1100-400"),
                       ({"orderby": "--name"}, "FLOW-1432-400")):
        response = fs.post("/connections/search", body)
        assert response.status_code == 400, (body, response.get_json())
        assert error_code(response) == code, (body, response.get_json())
    unknown = fs.post("/connections/search", {}, query={"limit": "1"})
    assert unknown.status_code == 400 and error_code(unknown) == "FLOW-1451-400"
