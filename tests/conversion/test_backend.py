"""Data Prep's port (``ctx.backend("conversion")``), what other services call — a dataflow run maps
its source rows with ``map_rows`` — on mapping sets created over HTTP."""
from __future__ import annotations

import hashlib

import pytest

from mockaep import create_app
from mockaep.core.config import Config
from mockaep.core.context import RequestContext
from mockaep.services.conversion.evaluate import REQUEST_BUDGET
from tests.conftest import ORG
from tests.conversion.helpers import attribute, expression, mapping_set, static

NOW_MS = 1_700_000_000_000


@pytest.fixture
def app():
    """One clock for the HTTP calls and the port's context, so now() agrees."""
    return create_app(Config(clock=lambda: NOW_MS))


@pytest.fixture
def port(app):
    def make(sandbox: str = "prod"):
        emulator = app.extensions["mockaep"]
        tenant = emulator.store.tenant(ORG, sandbox)
        return RequestContext(org=ORG, sandbox=sandbox, client_id="test-client", user_id="someone@AdobeID",
                              request_id="req", tenant=tenant, now_ms=emulator.config.clock(),
                              backends=emulator.backends,
                              runtime=emulator).backend("conversion")
    return make


MAPPINGS = [attribute("memberNo", "_id"), expression("upper(family)", "person.name.lastName"),
            static("gardener", "person.name.suffix"), expression("to_integer(year)", "person.birthYear"),
            expression("now()", "_repo.modifyDate")]
ROWS = [{"memberNo": 7, "family": "Okafor", "year": "1988"}, {"memberNo": "m-8", "family": None, "year": "soon"},
        {}, {"family": "Lind", "extra": {"deep": [1, 2]}}]


def test_map_rows_agrees_with_the_preview(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, *MAPPINGS))
    mapped = port().map_rows(created["id"], None, ROWS)
    previewed = prep.post("/mappingSets/preview", {"data": ROWS, "mappingSet": {"id": created["id"]}})
    assert previewed.status_code == 200
    assert mapped == previewed.get_json()
    assert mapped[0] == {"data": {"_id": "7", "person": {"name": {"lastName": "OKAFOR", "suffix": "gardener"},
                                                          "birthYear": 1988},
                                  "_repo": {"modifyDate": "2023-11-14T22:13:20Z"}}, "errors": None}
    (failure,) = mapped[1]["errors"]
    assert failure["destination"] == "person.birthYear" and failure["sourceType"] == "EXPRESSION"
    assert mapped[1]["data"]["person"]["birthYear"] is None and mapped[1]["data"]["_id"] == "m-8"
    assert mapped[2]["errors"] is None and "_id" not in mapped[2]["data"]


def test_map_rows_uses_the_version_asked_for(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, expression("sha256(given)", "person.name.firstName")))
    second_version = mapping_set(schema_id, expression("lower(given)", "person.name.firstName"))
    assert prep.put(f"/mappingSets/{created['id']}", second_version).status_code == 200
    rows = [{"given": "Sage"}]
    first = {"data": {"person": {"name": {"firstName": hashlib.sha256(b"Sage").hexdigest()}}}, "errors": None}
    second = {"data": {"person": {"name": {"firstName": "sage"}}}, "errors": None}
    assert port().map_rows(created["id"], 0, rows) == [first]
    assert port().map_rows(created["id"], 1, rows) == port().map_rows(created["id"], None, rows) == [second]
    assert port().map_rows(created["id"], "1", rows) == [second]  # a version as a flow's params may carry it


@pytest.mark.parametrize("set_id, version", [("ab" * 16, None), ("not an id", None), (None, None),
                                             ("KNOWN", 2), ("KNOWN", -1), ("KNOWN", "x"), ("KNOWN", True)])
def test_map_rows_of_an_unknown_set_or_version_is_none(prep, schema_id, port, set_id, version):
    known = prep.created(mapping_set(schema_id, attribute("a", "_id")))["id"]
    assert port().map_rows(known if set_id == "KNOWN" else set_id, version, [{"a": 1}]) is None
    assert port("dev").map_rows(known, None, [{"a": 1}]) is None  # sets belong to their sandbox


def test_rows_that_are_not_objects_fail_alone(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, attribute("a", "_id")))
    mapped = port().map_rows(created["id"], None, [{"a": 1}, 5, None, ["a"], {"a": 2}])
    assert [r["data"] for r in mapped] == [{"_id": "1"}, {}, {}, {}, {"_id": "2"}]
    assert [r["errors"] is None for r in mapped] == [True, False, False, False, True]
    assert mapped[1]["errors"][0]["exception"] == "a source row must be a JSON object"
    assert mapped[1]["errors"][0]["destination"] is None
    assert port().map_rows(created["id"], None, []) == []


def test_a_spent_budget_fails_the_remaining_rows(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, expression("lpad(a, 900000, \"x\")", "person.name.firstName")))
    rows = [{"a": "y"}] * (REQUEST_BUDGET // 900000 + 5)
    mapped = port().map_rows(created["id"], None, rows)
    assert len(mapped) == len(rows)
    done = [r for r in mapped if r["errors"] is None]
    assert 0 < len(done) < len(rows)
    assert mapped[:len(done)] == done  # mapped in order until the budget ran out
    for result in mapped[len(done):]:
        assert result["data"] == {} and "not mapped" in result["errors"][0]["exception"]
    preview = prep.post("/mappingSets/preview", {"data": rows, "mappingSet": {"id": created["id"]}})
    assert preview.status_code == 400  # a preview refuses the same work whole


def test_a_set_whose_target_schema_is_gone_fails_each_row(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, attribute("a", "_id")))
    schema_path = "/tenant/schemas/" + schema_id.replace(":", "%3A").replace("/", "%2F")
    deleted = prep.call("DELETE", schema_path, prefix="/data/foundation/schemaregistry")
    assert deleted.status_code == 204, deleted.get_json()
    mapped = port().map_rows(created["id"], None, [{"a": 1}, {"a": 2}])
    assert [r["data"] for r in mapped] == [{}, {}]
    assert all("cannot run" in r["errors"][0]["exception"] and schema_id in r["errors"][0]["exception"]
               for r in mapped)


def test_get_mapping_set_gives_a_fresh_copy(prep, schema_id, port):
    created = prep.created(mapping_set(schema_id, attribute("a", "_id"), name="copy me"))
    found = port().get_mapping_set(created["id"])
    found["name"] = "changed by a caller"
    found["mappings"].clear()
    assert port().get_mapping_set(created["id"])["name"] == "copy me"
    assert port().get_mapping_set(created["id"], 0)["mappings"][0]["destination"] == "_id"
    assert port().get_mapping_set(created["id"], 1) is None
