"""/mappingSets/validate, /mappingSets/preview and the /languages/el endpoints over HTTP."""
from __future__ import annotations

import hashlib

import pytest

from mockaep.services.conversion.expressions import BINARY_LEVELS, UNARY_OPERATORS
from tests.conversion.helpers import assert_mapper_error, attribute, expression, mapping_set, static


def _preview(prep, schema_id, rows, *mappings):
    response = prep.post("/mappingSets/preview", {"data": rows, "mappingSet": mapping_set(schema_id, *mappings)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# -- validate -------------------------------------------------------------------------------------
def test_validate_reports_each_mapping(prep, schema_id):
    body = mapping_set(schema_id, attribute("given", "person.name.firstName"),
                       attribute("shoe", "person.shoeSize"),
                       expression("lower(", "person.name.lastName"),
                       static("fixed", "person.name.suffix"))
    before = prep.state()
    response = prep.post("/mappingSets/validate", body)
    assert response.status_code == 200
    results = response.get_json()["validationResponse"]
    assert [r["status"] for r in results] == ["SUCCESS", "FAILED", "FAILED", "SUCCESS"]
    assert results[0]["errors"] is None and results[3]["errors"] is None
    shoe = results[1]["errors"][0]
    assert set(shoe) == {"destination", "exception", "source", "columnName", "sourceType"}
    assert shoe["destination"] == "person.shoeSize" and shoe["source"] == "shoe" and shoe["sourceType"] == "ATTRIBUTE"
    assert "not a field" in shoe["exception"]
    broken = results[2]["errors"][0]
    assert broken["sourceType"] == "EXPRESSION" and "Invalid expression" in broken["exception"]
    assert prep.state() == before  # validation stores nothing


def test_validate_with_unknown_schema_is_400(prep, schema_id):
    assert_mapper_error(prep.post("/mappingSets/validate",
                                  mapping_set(schema_id + "ff", attribute("a", "_id"))), 400)


def test_wildcard_destination_needs_wildcard_source(prep, schema_id):
    results = prep.post("/mappingSets/validate", mapping_set(
        schema_id, attribute("emails.kind", "person.name[*].firstName"))).get_json()["validationResponse"]
    assert results[0]["status"] == "FAILED"
    assert "[*]" in results[0]["errors"][0]["exception"]


# -- preview --------------------------------------------------------------------------------------
def test_preview_maps_each_row_and_converts_to_the_field_type(prep, schema_id):
    rows = [{"memberNo": 8812, "given": "Iris", "family": "moss", "joined": "2023-04-05 06:07"},
            {"memberNo": "x-2", "given": "  Basil ", "family": "Thyme", "joined": "2022-12-31T23:00:00+01:00"}]
    result = _preview(prep, schema_id, rows,
                      attribute("memberNo", "_id"),
                      expression("trim(given)", "person.name.firstName"),
                      expression('concat(upper(family), ", ", trim(given))', "person.name.fullName"),
                      attribute("joined", "_repo.createDate"),
                      static("gardener", "person.name.suffix"))
    assert result == [
        {"data": {"_id": "8812", "person": {"name": {"firstName": "Iris", "fullName": "MOSS, Iris",
                                                     "suffix": "gardener"}},
                  "_repo": {"createDate": "2023-04-05T06:07:00Z"}}, "errors": None},
        {"data": {"_id": "x-2", "person": {"name": {"firstName": "Basil", "fullName": "THYME, Basil",
                                                    "suffix": "gardener"}},
                  "_repo": {"createDate": "2022-12-31T23:00:00+01:00"}}, "errors": None},
    ]


def test_failed_transformation_nulls_the_attribute_but_keeps_the_row(prep, schema_id):
    rows = [{"given": "Rose", "joined": "not a date", "year": "nineteen"}]
    result = _preview(prep, schema_id, rows,
                      attribute("given", "person.name.firstName"),
                      attribute("joined", "_repo.createDate"),
                      expression("to_integer(year)", "person.birthYear"))
    (row,) = result
    assert row["data"] == {"person": {"name": {"firstName": "Rose"}, "birthYear": None},
                           "_repo": {"createDate": None}}
    assert [(e["destination"], e["source"], e["sourceType"]) for e in row["errors"]] == [
        ("_repo.createDate", "joined", "ATTRIBUTE"), ("person.birthYear", "to_integer(year)", "EXPRESSION")]
    assert all(e["exception"] for e in row["errors"])


def test_absent_source_fields_are_left_out(prep, schema_id):
    result = _preview(prep, schema_id, [{}], attribute("given", "person.name.firstName"),
                      expression("lower(family)", "person.name.lastName"))
    assert result == [{"data": {}, "errors": None}]


def test_nested_escaped_and_indexed_sources(prep, schema_id):
    rows = [{"contact": {"names": [{"given": "Fern"}, {"given": "Ivy"}], "family.name": "Oak"},
             "Full Name": "Fern Oak", "code.value": "K7"}]
    result = _preview(prep, schema_id, rows,
                      attribute("contact.names[1].given", "person.name.firstName"),
                      attribute("contact.family\\.name", "person.name.lastName"),
                      expression("${Full Name}", "person.name.fullName"),
                      attribute("code.value", "person.name.suffix"))
    assert result[0]["data"]["person"]["name"] == {"firstName": "Ivy", "lastName": "Oak", "fullName": "Fern Oak",
                                                   "suffix": "K7"}


def test_preview_of_a_stored_set(prep, schema_id):
    created = prep.created(mapping_set(schema_id, expression("sha256(given)", "personID")))
    response = prep.post("/mappingSets/preview", {"data": [{"given": "Sage"}], "mappingSet": {"id": created["id"]}})
    assert response.status_code == 200
    assert response.get_json()[0]["data"] == {"personID": hashlib.sha256(b"Sage").hexdigest()}


def test_preview_refuses_an_invalid_set_and_bad_data(prep, schema_id):
    assert_mapper_error(prep.post("/mappingSets/preview", {
        "data": [{"a": 1}], "mappingSet": mapping_set(schema_id, attribute("a", "person.unknown"))}), 400)
    assert_mapper_error(prep.post("/mappingSets/preview", {
        "data": [1, 2], "mappingSet": mapping_set(schema_id, attribute("a", "_id"))}), 400)
    assert_mapper_error(prep.post("/mappingSets/preview", {"data": [{"a": 1}]}), 400)
    assert_mapper_error(prep.post("/mappingSets/preview", {
        "data": [{"a": 1}], "mappingSet": {"id": "ab" * 16}}), 400)


@pytest.mark.parametrize("version", ["1e999", "-1e999", "0.5", "true", '"0"'])
def test_preview_of_a_stored_set_refuses_a_version_that_is_no_integer(prep, schema_id, version):
    created = prep.created(mapping_set(schema_id, attribute("a", "_id")))
    body = '{"data": [{"a": 1}], "mappingSet": {"id": "%s", "version": %s}}' % (created["id"], version)
    response = prep.http.post("/data/foundation/conversion/mappingSets/preview", data=body,
                              headers={**prep.headers, "Content-Type": "application/json"})
    assert_mapper_error(response, 400)
    stored = prep.post("/mappingSets/preview", {"data": [{"a": 1}],
                                                "mappingSet": {"id": created["id"], "version": 0.0}})
    assert stored.status_code == 200 and stored.get_json()[0]["data"] == {"_id": "1"}


def test_preview_now_uses_the_emulator_clock():
    from mockaep import create_app
    from mockaep.core.config import Config
    from tests.conversion.helpers import DataPrep

    prep = DataPrep(create_app(Config(clock=lambda: 1_700_000_123_456)).test_client())
    schema_id = prep.target_schema()
    result = _preview(prep, schema_id, [{}], expression("now()", "_repo.modifyDate"),
                      expression("timestamp()", "person.name.suffix"))
    assert result[0]["data"] == {"_repo": {"modifyDate": "2023-11-14T22:15:23.456Z"},
                                 "person": {"name": {"suffix": "1700000123456"}}}


# -- /languages/el --------------------------------------------------------------------------------
def test_valid_expression(prep):
    response = prep.post("/languages/el/validate", {"expression": 'concat("Hello", ", ", lower(${First Name}))'})
    assert response.status_code == 200
    assert response.get_json() == {"validationStatus": "succeeded", "error": "none"}


@pytest.mark.parametrize("text", ['concat("a"', "upper(a, b)", "unknown_fn(1)", "1 +", "while", "'open", ""])
def test_invalid_expression_is_400(prep, text):
    body = assert_mapper_error(prep.post("/languages/el/validate", {"expression": text}), 400)
    assert body["report"]["sub-errors"][0]["path"] == "/expression"


def test_validate_expression_needs_an_expression(prep):
    assert_mapper_error(prep.post("/languages/el/validate", {"mappingSetId": "abc"}), 400)
    assert_mapper_error(prep.post("/languages/el/validate", {"expression": 42}), 400)


def test_function_catalogue_lists_exactly_what_evaluates(prep, schema_id):
    response = prep.get("/languages/el/functions")
    assert response.status_code == 200
    catalogue = response.get_json()
    names = [entry["function"] for entry in catalogue]
    assert len(names) == len(set(names))
    for entry in catalogue:
        assert set(entry) == {"category", "function", "description", "syntax", "returns", "returnType", "example",
                              "result", "params", "since"}
        assert [p["position"] for p in entry["params"]] == list(range(1, len(entry["params"]) + 1))
        # every documented example is an expression the emulator accepts
        check = prep.post("/languages/el/validate", {"expression": entry["example"]})
        assert check.status_code == 200, (entry["function"], check.get_json())
    assert {"concat", "upper", "sha256", "date", "iif", "decode", "coalesce", "size_of", "to_integer",
            "get_url_host", "extract_regex", "uuid"} <= set(names)
    assert prep.post("/languages/el/validate", {"expression": "not_listed_anywhere(1)"}).status_code == 400


def test_operator_catalogue_matches_the_parser(prep):
    response = prep.get("/languages/el/operators")
    assert response.status_code == 200
    operators = response.get_json()
    for entry in operators:
        assert set(entry) == {"operatorSymbol", "methodName", "numberOfOperands", "description", "example"}
        assert prep.post("/languages/el/validate", {"expression": entry["example"]}).status_code == 200
    symbols = {(o["operatorSymbol"], o["numberOfOperands"]) for o in operators}
    assert {(op, 2) for level in BINARY_LEVELS for op in level} <= symbols
    assert {(op, 1) for op in UNARY_OPERATORS} <= symbols
