"""PATCH over HTTP: If-Match, etags, read-only fields, unsupported operations, re-validation."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import SERVICENOW, error_code


@pytest.fixture
def chain(fs):
    return fs.chain()


def test_patch_flow_changes_fields_and_etag(fs, chain):
    flow = fs.flow(chain)
    before = fs.item("flows", flow)
    ops = [{"op": "replace", "path": "/scheduleParams/frequency", "value": "day"},
           {"op": "replace", "path": "/name", "value": "Daily tickets"},
           {"op": "add", "path": "/labels", "value": ["core/C12"]}]
    response = fs.patch(f"/flows/{flow}", ops, before["etag"])
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["id"] == flow and answer["etag"] != before["etag"]
    after = fs.item("flows", flow)
    assert after["etag"] == answer["etag"] == after["version"]
    assert after["name"] == "Daily tickets" and after["labels"] == ["core/C12"]
    assert after["scheduleParams"] == {**before["scheduleParams"], "frequency": "day"}
    assert after["createdAt"] == before["createdAt"] and after["createdBy"] == before["createdBy"]
    assert after["lastOperation"]["operation"] == "update"
    assert after["lastOperation"]["ops"] == ops


@pytest.mark.parametrize("quote", [True, False])
def test_if_match_quoted_or_not(fs, chain, quote):
    base = chain["base"]
    etag = fs.item("connections", base)["etag"]
    sent = etag if quote else etag.strip('"')
    response = fs.patch(f"/connections/{base}", [{"op": "replace", "path": "/name", "value": "renamed"}], sent)
    assert response.status_code == 200
    assert fs.item("connections", base)["name"] == "renamed"


def test_missing_if_match_is_1403(fs, chain):
    flow = fs.flow(chain)
    before = fs.item("flows", flow)
    response = fs.patch(f"/flows/{flow}", [{"op": "replace", "path": "/name", "value": "x"}], None)
    assert response.status_code == 400 and error_code(response) == "FLOW-1403-400"
    assert fs.item("flows", flow) == before


def test_stale_etag_is_412_1404_and_changes_nothing(fs, chain):
    source = chain["source"]
    first_etag = fs.item("sourceConnections", source)["etag"]
    assert fs.patch(f"/sourceConnections/{source}", [{"op": "replace", "path": "/name", "value": "one"}],
                    first_etag).status_code == 200
    current = fs.item("sourceConnections", source)
    stale = fs.patch(f"/sourceConnections/{source}", [{"op": "replace", "path": "/name", "value": "two"}], first_etag)
    assert stale.status_code == 412 and error_code(stale) == "FLOW-1404-412"
    assert "does not match the current version on entity" in stale.get_json()["errorMessage"]
    assert fs.item("sourceConnections", source) == current


@pytest.mark.parametrize("collection, ops, code", [
    ("connections", [{"op": "replace", "path": "/connectionSpec/id", "value": SERVICENOW}], "FLOW-1414-400"),
    ("sourceConnections", [{"op": "replace", "path": "/connectionSpec", "value": {"id": SERVICENOW}}],
     "FLOW-1414-400"),
    ("flows", [{"op": "move", "from": "/name", "path": "/description"}], "FLOW-1434-400"),
    ("flows", [{"op": "copy", "from": "/name", "path": "/description"}], "FLOW-1434-400"),
    ("flows", [{"op": "replace", "path": "/keyWhichDoesNotExist", "value": 1}], "FLOW-1455-400"),
    ("flows", [{"op": "replace", "path": "/scheduleParams/endTime", "value": "1767225600"}], "FLOW-1455-400"),
    ("flows", [{"op": "remove", "path": "/transformations/3"}], "FLOW-1455-400"),
    ("flows", [{"op": "replace", "path": "/id", "value": "mine"}], "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/createdAt", "value": 1}], "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/etag", "value": "x"}], "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/state", "value": "disabled"}], "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/flowSpec/id", "value": "x"}], "FLOW-1100-400"),
    ("sourceConnections", [{"op": "replace", "path": "/imsOrgId", "value": "x"}], "FLOW-1100-400"),
    # Re-validation of the patched object through the three layers:
    ("flows", [{"op": "replace", "path": "/scheduleParams/interval", "value": "5"},
               {"op": "replace", "path": "/scheduleParams/frequency", "value": "minute"}], "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/sourceConnectionIds/0", "value": "0c0c0c0c-0000-4000-8000-0000000000cc"}],
     "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/name", "value": 12}], "FLOW-1100-400"),
    ("connections", [{"op": "remove", "path": "/auth/params/password"}], "FLOW-1100-400"),
    ("sourceConnections", [{"op": "replace", "path": "/data/format", "value": "json"}], "FLOW-1100-400"),
    ("targetConnections", [{"op": "replace", "path": "/params/dataSetId", "value": "aaaaaaaaaaaaaaaaaaaaaaaa"}],
     "FLOW-1100-400"),
    ("flows", [{"op": "replace", "path": "/name"}], "FLOW-1100-400"),                        # value missing
    ("flows", [{"path": "/name", "value": "x"}], "FLOW-1100-400"),                           # op missing
    ("flows", [{"op": "replace", "path": "name", "value": "x"}], "FLOW-1100-400"),           # not a pointer
    ("flows", [], "FLOW-1405-400"),
    # Below a string field: no such target (never an unexpected error).
    ("connections", [{"op": "add", "path": "/name/x", "value": 1}], "FLOW-1455-400"),
    ("connections", [{"op": "replace", "path": "/auth/specName/0", "value": "x"}], "FLOW-1455-400"),
    ("sourceConnections", [{"op": "replace", "path": "/data/format/x", "value": 1}], "FLOW-1455-400"),
    ("sourceConnections", [{"op": "add", "path": "/params/tableName/-", "value": "x"}], "FLOW-1455-400"),
    ("targetConnections", [{"op": "add", "path": "/params/dataSetId/0", "value": "x"}], "FLOW-1455-400"),
    ("targetConnections", [{"op": "remove", "path": "/name/0"}], "FLOW-1455-400"),
    ("flows", [{"op": "add", "path": "/scheduleParams/frequency/x", "value": "day"}], "FLOW-1455-400"),
    ("flows", "rename please", "FLOW-1100-400"),
])
def test_patch_refusals_change_nothing(fs, chain, collection, ops, code):
    object_id = fs.flow(chain) if collection == "flows" else chain[
        {"connections": "base", "sourceConnections": "source", "targetConnections": "target"}[collection]]
    before = fs.item(collection, object_id)
    response = fs.patch(f"/{collection}/{object_id}", ops, before["etag"])
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == code, response.get_json()
    assert fs.item(collection, object_id) == before


def test_uppercase_ops_of_the_official_spec_and_a_single_instruction_object(fs, chain):
    base = chain["base"]
    etag = fs.item("connections", base)["etag"]
    # The official spec types the connection PATCH body as one PatchInstruction with ADD/REPLACE/REMOVE.
    response = fs.patch(f"/connections/{base}", {"op": "REPLACE", "path": "/description", "value": "new words"}, etag)
    assert response.status_code == 200
    assert fs.item("connections", base)["description"] == "new words"


def test_patch_mapping_transformation_is_checked_again(fs, chain):
    mapping = fs.mapping_set(chain["schema"])
    flow = fs.flow(chain)
    etag = fs.item("flows", flow)["etag"]
    bad = fs.patch(f"/flows/{flow}", [{"op": "add", "path": "/transformations/-", "value": {
        "name": "Mapping", "params": {"mappingId": mapping, "mappingVersion": 9}}}], etag)
    assert bad.status_code == 400 and error_code(bad) == "FLOW-1412-400"
    good = fs.patch(f"/flows/{flow}", [{"op": "add", "path": "/transformations/-", "value": {
        "name": "Mapping", "params": {"mappingId": mapping, "mappingVersion": 0}}}], etag)
    assert good.status_code == 200
    assert fs.item("flows", flow)["transformations"][-1]["params"]["mappingVersion"] == "0"


def test_patch_unknown_object_is_404(fs):
    response = fs.patch("/flows/4e4e4e4e-0000-4000-8000-000000000000",
                        [{"op": "replace", "path": "/name", "value": "x"}], '"abc"')
    assert response.status_code == 404 and error_code(response) == "FLOW-1439-404"


def test_every_write_gives_a_new_etag(fs, chain):
    flow = fs.flow(chain)
    seen = {fs.item("flows", flow)["etag"]}
    for name in ("a", "b", "c"):
        etag = fs.item("flows", flow)["etag"]
        assert fs.patch(f"/flows/{flow}", [{"op": "replace", "path": "/name", "value": name}], etag).status_code == 200
        seen.add(fs.item("flows", flow)["etag"])
    assert len(seen) == 4
