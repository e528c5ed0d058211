"""Mapping sets over HTTP: create (both vocabularies), read, versions, listing, refusals."""
from __future__ import annotations

import re

import pytest

from tests.conftest import OTHER_ORG
from tests.conversion.helpers import (XED_FULL, DataPrep, assert_mapper_error, attribute, expression, mapping_set,
                                      static)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def _member_set(schema_id: str, **extra):
    return mapping_set(schema_id, attribute("memberNo", "_id", name="memberNo", description="Member number"),
                       attribute("given", "person.name.firstName"),
                       expression("upper(family)", "person.name.lastName"),
                       static("gardener", "person.name.suffix"), **extra)


def test_create_answers_200_with_the_summary(prep, schema_id):
    response = prep.post("/mappingSets", _member_set(schema_id))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"id", "version", "createdDate", "modifiedDate", "createdBy", "modifiedBy"}
    assert HEX32.match(body["id"])
    assert body["version"] == 0
    assert isinstance(body["createdDate"], int) and body["createdDate"] == body["modifiedDate"]
    assert body["createdBy"] == body["modifiedBy"] and body["createdBy"].endswith("@AdobeID")


def test_stored_set_reports_both_vocabularies(prep, schema_id):
    created = prep.created(_member_set(schema_id, name="Members to profiles"))
    response = prep.get(f"/mappingSets/{created['id']}")
    assert response.status_code == 200
    stored = response.get_json()
    assert stored["id"] == created["id"] and stored["version"] == 0 and stored["name"] == "Members to profiles"
    assert stored["outputSchema"]["schemaRef"] == {"id": schema_id, "contentType": XED_FULL}
    assert HEX32.match(stored["outputSchema"]["id"]) and "jsonSchema" not in stored["outputSchema"]
    assert stored["schemaRef"] == {"id": schema_id, "contentType": XED_FULL}
    assert stored["xdmSchema"] == schema_id
    assert stored["status"] == "DRAFT" and stored["strictMapping"] is False and stored["allowNullValues"] is False
    kinds = [m["sourceType"] for m in stored["mappings"]]
    assert kinds == ["text/x.schema-path", "text/x.schema-path", "text/x.aep-xl", "text/plain"]
    first = stored["mappings"][0]
    assert HEX32.match(first["id"]) and first["version"] == 0
    assert first["source"] == first["sourceAttribute"] == "memberNo"
    assert first["destination"] == first["destinationXdmPath"] == "_id"
    assert first["name"] == "memberNo" and first["description"] == "Member number"
    assert first["identity"] is False and first["primaryIdentity"] is False and first["functionVersion"] == 1
    assert len({m["id"] for m in stored["mappings"]}) == 4


def test_legacy_seed_form_is_accepted(prep, schema_id):
    legacy = {"version": 0, "xdmSchema": schema_id, "xdmVersion": "1.0", "id": None, "mappings": [
        {"destinationXdmPath": "_id", "sourceAttribute": "Ref", "identity": False, "identityGroup": None,
         "namespaceCode": None, "version": 0},
        {"destinationXdmPath": "person.name.fullName", "sourceAttribute": "Label", "identity": False,
         "identityGroup": None, "namespaceCode": None, "version": 0}]}
    created = prep.created(legacy)
    stored = prep.get(f"/mappingSets/{created['id']}").get_json()
    assert stored["xdmSchema"] == schema_id and stored["xdmVersion"] == "1.0"
    assert stored["outputSchema"]["schemaRef"]["id"] == schema_id
    assert [(m["sourceType"], m["source"], m["destination"]) for m in stored["mappings"]] == [
        ("text/x.schema-path", "Ref", "_id"), ("text/x.schema-path", "Label", "person.name.fullName")]


def test_put_creates_a_new_version_and_keeps_the_old_one(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    updated_body = mapping_set(schema_id, attribute("memberNo", "_id"), attribute("nick", "person.name.courtesyTitle"))
    response = prep.put(f"/mappingSets/{created['id']}", updated_body)
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["version"] == 1 and updated["id"] == created["id"]
    assert updated["createdDate"] == created["createdDate"]
    assert [m["destination"] for m in updated["mappings"]] == ["_id", "person.name.courtesyTitle"]
    latest = prep.get(f"/mappingSets/{created['id']}").get_json()
    assert latest["version"] == 1 and len(latest["mappings"]) == 2
    first = prep.get(f"/mappingSets/{created['id']}", {"version": 0}).get_json()
    assert first["version"] == 0 and len(first["mappings"]) == 4
    assert_mapper_error(prep.get(f"/mappingSets/{created['id']}", {"version": 2}), 404)


def test_a_set_read_back_can_be_sent_again(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    stored = prep.get(f"/mappingSets/{created['id']}", {"expandSchema": "true"}).get_json()
    response = prep.put(f"/mappingSets/{created['id']}", stored)
    assert response.status_code == 200, response.get_json()
    assert [m["sourceType"] for m in response.get_json()["mappings"]] == [m["sourceType"] for m in stored["mappings"]]


def test_expand_schema_adds_the_resolved_target_schema(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    expanded = prep.get(f"/mappingSets/{created['id']}", {"expandSchema": "true"}).get_json()
    json_schema = expanded["outputSchema"]["jsonSchema"]
    assert json_schema["properties"]["person"]["properties"]["name"]["properties"]["firstName"]["type"] == "string"
    plain = prep.get(f"/mappingSets/{created['id']}", {"expandSchema": "false"}).get_json()
    assert "jsonSchema" not in plain["outputSchema"]


def test_mappings_sub_resources(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    listed = prep.get(f"/mappingSets/{created['id']}/mappings")
    assert listed.status_code == 200
    mappings = listed.get_json()
    assert [m["destination"] for m in mappings] == ["_id", "person.name.firstName", "person.name.lastName",
                                                    "person.name.suffix"]
    one = prep.get(f"/mappingSets/{created['id']}/mappings/{mappings[2]['id']}")
    assert one.status_code == 200 and one.get_json() == mappings[2]
    assert_mapper_error(prep.get(f"/mappingSets/{created['id']}/mappings/{'0' * 32}"), 404)


@pytest.mark.parametrize("path", ["/mappingSets/{}", "/mappingSets/{}/mappings", "/mappingSets/{}/mappings/{}"])
def test_unknown_mapping_set_is_404(prep, path):
    body = assert_mapper_error(prep.get(path.format("ab" * 16, "cd" * 16)), 404)
    assert body["type"] == "http://ns.adobe.com/aep/errors/MAPPER-1404-404"


def test_put_on_unknown_set_is_404(prep, schema_id):
    assert_mapper_error(prep.put(f"/mappingSets/{'ab' * 16}", _member_set(schema_id)), 404)


def test_listing_pages_and_orders(prep, schema_id):
    ids = [prep.created(_member_set(schema_id, name=f"set {n}"))["id"] for n in range(3)]
    page = prep.get("/mappingSets", {"limit": 2, "start": 0}).get_json()
    assert page["_page"] == {"count": 2, "limit": 2}
    assert [s["id"] for s in page["data"]] == ids[::-1][:2]  # newest first by default
    assert page["_links"]["next"]["href"].startswith("/mappingSets?limit=2&start=2")
    rest = prep.get("/mappingSets", {"limit": 2, "start": 2}).get_json()
    assert [s["id"] for s in rest["data"]] == [ids[0]] and "_links" not in rest
    oldest_first = prep.get("/mappingSets", {"limit": 10, "start": 0, "orderBy": "+createdDate"}).get_json()
    assert [s["id"] for s in oldest_first["data"]] == ids
    newest_first = prep.get("/mappingSets", {"limit": 10, "start": 0, "orderBy": "-createdDate"}).get_json()
    assert [s["id"] for s in newest_first["data"]] == ids[::-1]
    named = prep.get("/mappingSets", {"limit": 10, "start": 0, "name": "set 1"}).get_json()
    assert [s["id"] for s in named["data"]] == [ids[1]]


def test_listing_shows_latest_versions(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    prep.put(f"/mappingSets/{created['id']}", _member_set(schema_id))
    listed = prep.get("/mappingSets", {"limit": 5, "start": 0}).get_json()
    assert [(s["id"], s["version"]) for s in listed["data"]] == [(created["id"], 1)]


@pytest.mark.parametrize("query", [{"start": 0}, {"limit": 0, "start": 0}, {"limit": "x", "start": 0},
                                   {"limit": 5, "start": -1}, {"limit": 5, "start": "1.5"},
                                   {"limit": "9" * 40, "start": 0}, {"limit": 5, "start": 0, "orderBy": "name"},
                                   {"limit": 5, "start": 0, "expandSchema": "maybe"}])
def test_listing_refuses_bad_parameters(prep, query):
    assert_mapper_error(prep.get("/mappingSets", query), 400)


def test_listing_start_defaults_to_zero(prep, schema_id):
    """data-prep.yaml gives ``start`` a default of 0, and aepp's getMappingSets sends only
    ``limit``: the first page comes back."""
    ids = [prep.created(_member_set(schema_id, name=f"set {n}"))["id"] for n in range(3)]
    without_start = prep.get("/mappingSets", {"limit": 2})
    assert without_start.status_code == 200, without_start.get_json()
    with_start = prep.get("/mappingSets", {"limit": 2, "start": 0}).get_json()
    assert without_start.get_json() == with_start
    assert [s["id"] for s in with_start["data"]] == ids[::-1][:2]
    assert "start=2" in with_start["_links"]["next"]["href"]


@pytest.mark.parametrize("query_string", ["limit=2&start=1&start=0", "limit=2&limit=7&start=1", "limit=%202&start=1%20"])
def test_listing_reads_numbers_as_a_gateway_does(prep, schema_id, query_string):
    """A repeated parameter counts once (its first value); numbers arrive as text, spaces around."""
    for n in range(3):
        prep.created(_member_set(schema_id, name=f"set {n}"))
    second_page = prep.get("/mappingSets", {"limit": 2, "start": 1}).get_json()
    response = prep.http.get("/data/foundation/conversion/mappingSets?" + query_string, headers=prep.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == second_page


def test_sets_are_private_to_their_org(http, prep, schema_id):
    created = prep.created(_member_set(schema_id))
    other = DataPrep(http, org=OTHER_ORG)
    assert_mapper_error(other.get(f"/mappingSets/{created['id']}"), 404)
    assert other.get("/mappingSets", {"limit": 5, "start": 0}).get_json()["data"] == []


# -- refusals: 400 in the MAPPER shape, nothing stored -----------------------------------------------
def test_destination_missing_from_schema_is_refused_naming_each_path(prep, schema_id):
    before = prep.state()
    body = _member_set(schema_id)
    body["mappings"] += [attribute("a", "person.shoeSize"), attribute("b", "loyalty.points")]
    error = assert_mapper_error(prep.post("/mappingSets", body), 400)
    named = [(sub["path"], sub["destination"]) for sub in error["report"]["sub-errors"]]
    assert named == [("/mappings/4/destination", "person.shoeSize"), ("/mappings/5/destination", "loyalty.points")]
    assert "person.shoeSize" in error["detail"]
    assert prep.state() == before


def test_unknown_target_schema_is_refused(prep, schema_id):
    before = prep.state()
    missing = schema_id[:-6] + "000000"
    error = assert_mapper_error(prep.post("/mappingSets", _member_set(missing)), 400)
    assert missing in error["detail"]
    assert prep.state() == before


def test_bad_expression_is_refused_as_a_validation_error(prep, schema_id):
    before = prep.state()
    body = mapping_set(schema_id, expression("concat(given, ", "person.name.firstName"),
                       expression("no_such_function(given)", "person.name.lastName"))
    error = assert_mapper_error(prep.post("/mappingSets", body), 400)
    messages = [sub["message"] for sub in error["report"]["sub-errors"]]
    assert [sub["path"] for sub in error["report"]["sub-errors"]] == ["/mappings/0/source", "/mappings/1/source"]
    assert len(messages) == 2 and "Invalid expression" in messages[0] and "no_such_function" in messages[1]
    assert prep.state() == before


@pytest.mark.parametrize("body", [
    {"mappings": [{"source": "a", "destination": "_id"}]},                           # no target schema
    {"outputSchema": {"schemaRef": {"id": "x"}}, "mappings": []},                  # no mappings
    {"outputSchema": {"schemaRef": {"id": "x"}}, "mappings": [{"sourceType": "COLUMN", "source": "a",
                                                                 "destination": "_id"}]},  # not a source type
    {"outputSchema": "x", "mappings": [{"source": "a", "destination": "_id"}]},    # schema: not an object
    ["not", "an", "object"],
])
def test_malformed_bodies_are_400(prep, body):
    before = prep.state()
    assert_mapper_error(prep.post("/mappingSets", body), 400)
    assert prep.state() == before


def test_invalid_json_and_empty_body_are_400(prep):
    response = prep.http.post("/data/foundation/conversion/mappingSets", data="{oops",
                              headers={**prep.headers, "Content-Type": "application/json"})
    assert_mapper_error(response, 400)
    response = prep.http.post("/data/foundation/conversion/mappingSets", data="",
                              headers={**prep.headers, "Content-Type": "application/json"})
    assert_mapper_error(response, 400)


def test_refused_update_keeps_the_current_version(prep, schema_id):
    created = prep.created(_member_set(schema_id))
    before = prep.state()
    bad = mapping_set(schema_id, attribute("a", "person.nowhere"))
    assert_mapper_error(prep.put(f"/mappingSets/{created['id']}", bad), 400)
    assert prep.state() == before
    assert prep.get(f"/mappingSets/{created['id']}").get_json()["version"] == 0
