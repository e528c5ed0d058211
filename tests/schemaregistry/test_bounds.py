"""Bad input is a 4xx in the registry's shape, never a 500, and leaves the sandbox as it was;
every user-supplied pattern, count, size and depth is bounded before the work it causes."""
from __future__ import annotations

import pytest

from tests.schemaregistry.conftest import FULL, LIST_IDS, PROFILE, error_code, field_group_body, quoted, \
    seed_schema_body


def state(http):
    return http.get("/_mockaep/state").json


def refused(registry, response, before, code="XDM-1000-400"):
    assert response.status_code == 400, response.json
    assert error_code(response) == code, response.json
    assert state(registry.http) == before


@pytest.fixture
def tenant(registry):
    return registry.tenant_id()


# -- empty and odd $ref ----------------------------------------------------------------------------
@pytest.mark.parametrize("member", [{"$ref": ""}, {"$ref": "   "}, {"$ref": 5}, {"$ref": None}])
def test_schema_members_with_empty_or_non_string_refs_are_refused(registry, tenant, member):
    registry.create("fieldgroups", field_group_body(tenant))
    before = state(registry.http)
    body = {**seed_schema_body(), "allOf": [{"$ref": PROFILE}, member]}
    refused(registry, registry.post("/tenant/schemas", body), before)


@pytest.mark.parametrize("ref", ["", "  "])
def test_field_groups_and_data_types_with_empty_refs_are_refused(registry, tenant, ref):
    before = state(registry.http)
    group = field_group_body(tenant, fields={"thing": {"$ref": ref, "type": "object"}})
    refused(registry, registry.post("/tenant/fieldgroups", group), before)
    group = field_group_body(tenant)
    group["allOf"].append({"$ref": ref})
    refused(registry, registry.post("/tenant/fieldgroups", group), before)
    refused(registry, registry.post("/tenant/datatypes", {"title": "Empty ref", "type": "object",
                                                          "properties": {"a": {"$ref": ref}}}), before)


# -- property filters ----------------------------------------------------------------------------
@pytest.mark.parametrize("flt", ["title~a{99999999999}", "title~a{1001}", "title~(", "title~(?=x)", "title~\\1(a)",
                                 "title~" + "a" * 1001])
def test_regex_filters_that_cannot_run_in_linear_time_are_400(registry, flt):
    registry.create("schemas", seed_schema_body())
    before = state(registry.http)
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, property=flt), before)
    refused(registry, registry.get("/global/classes", LIST_IDS, property=flt), before)


def test_regex_filters_match_with_re2(registry):
    registry.create("schemas", seed_schema_body("Aaaa target"))
    found = registry.get("/tenant/schemas", LIST_IDS, property="title~^(a+)+ target$")
    assert found.status_code == 200 and found.json["results"] == []
    found = registry.get("/tenant/schemas", LIST_IDS, property="title~^A(a+)+ target$")
    assert [r["title"] for r in found.json["results"]] == ["Aaaa target"]


def test_too_many_or_too_long_filters_are_400(registry):
    before = state(registry.http)
    many = registry.http.get("/data/foundation/schemaregistry/tenant/schemas?" + "&".join(
        f"property=title!={n}" for n in range(60)), headers={**registry.headers, "Accept": LIST_IDS})
    refused(registry, many, before)
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, property="title==" + "x" * 5000), before)
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, orderby=",".join(["title"] * 50)), before)
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, orderby="title", start="x" * 5000), before)


# -- XDM patterns --------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern", ["a{99999999999}", "(", "(?<=a)b", "(a)\\1", "a{1001}", "x" * 1001])
def test_xdm_patterns_re2_cannot_compile_are_refused_at_write(registry, tenant, pattern):
    before = state(registry.http)
    group = field_group_body(tenant, fields={"code": {"type": "string", "pattern": pattern}})
    refused(registry, registry.post("/tenant/fieldgroups", group), before)
    refused(registry, registry.post("/tenant/datatypes", {"title": "Coded", "type": "object", "properties": {
        "code": {"type": "string", "pattern": pattern}}}), before)
    keyed = field_group_body(tenant, fields={"codes": {"type": "object", "patternProperties": {
        pattern: {"type": "string"}}}})
    refused(registry, registry.post("/tenant/fieldgroups", keyed), before)


def test_a_patch_cannot_bring_an_invalid_pattern_in(registry, tenant):
    group = registry.create("fieldgroups", field_group_body(tenant))
    before = state(registry.http)
    pointer = f"/definitions/loyalty/properties/_{tenant}/properties/tier/pattern"
    refused(registry, registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}",
                                     [{"op": "add", "path": pointer, "value": "a{99999999999}"}]), before)


def test_non_string_patterns_are_refused(registry, tenant):
    before = state(registry.http)
    group = field_group_body(tenant, fields={"code": {"type": "string", "pattern": 5}})
    refused(registry, registry.post("/tenant/fieldgroups", group), before)


# -- sample data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("field", [
    {"type": "array", "minItems": 10 ** 12, "items": {"type": "string"}},
    {"type": "string", "minLength": 10 ** 12},
    {"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000, "items": {
        "type": "array", "minItems": 1000, "items": {"type": "string", "minLength": 1000}}}},
    {"type": "integer", "minimum": 10 ** 30, "maximum": 10 ** 31},
    {"type": "number", "minimum": 1e308, "exclusiveMinimum": True},
])
def test_sample_data_of_huge_counts_and_sizes_is_bounded(registry, tenant, field):
    group = registry.create("fieldgroups", field_group_body(tenant, fields={"huge": field}))
    schema = registry.create("schemas", {"title": "Huge", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    sample = registry.get(f"/rpc/sampledata/{quoted(schema['$id'])}")
    assert sample.status_code == 200, sample.json
    assert len(sample.data) < 2_000_000


def test_sample_data_with_patterns_uses_linear_time_matching(registry, tenant):
    group = registry.create("fieldgroups", field_group_body(tenant, fields={
        "code": {"type": "string", "pattern": "^(a+)+$"}, "country": {"type": "string", "pattern": "^[A-Z]{2}$"}}))
    schema = registry.create("schemas", {"title": "Patterned", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    sample = registry.get(f"/rpc/sampledata/{quoted(schema['$id'])}")
    assert sample.status_code == 200
    assert sample.json[f"_{tenant}"]["country"] == "AB"


# -- sizes and counts of writes ------------------------------------------------------------------
def test_imports_hold_a_bounded_number_of_items(registry):
    before = state(registry.http)
    refused(registry, registry.post("/rpc/import", [{"@type": "xdm:descriptorIdentity"}] * 5001), before)


def test_lookups_of_odd_ids_are_404_not_500(registry):
    for ref in ("%20", "x" * 3000, "https:%2F%2Fns.adobe.com%2F", "_", "..", "%00"):
        response = registry.get(f"/tenant/schemas/{ref}", FULL)
        assert response.status_code in (400, 404), response.json


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_non_finite_numbers_in_resources_are_refused(registry, tenant, number):
    before = state(registry.http)
    text = ('{"title": "Infinite", "type": "object", "properties": {"n": {"type": "number", "maximum": %s}}}'
            % number)
    response = registry.http.post("/data/foundation/schemaregistry/tenant/datatypes", data=text,
                                  headers={**registry.headers, "Content-Type": "application/json"})
    refused(registry, response, before)


def test_too_many_references_are_refused_before_they_are_looked_up(registry, tenant):
    before = state(registry.http)
    group = field_group_body(tenant, intended=[f"https://ns.adobe.com/nobody/classes/{n}" for n in range(1001)])
    refused(registry, registry.post("/tenant/fieldgroups", group), before)
    body = {**seed_schema_body(), "allOf": [{"$ref": PROFILE}] + [
        {"$ref": f"https://ns.adobe.com/nobody/mixins/{n}"} for n in range(1001)]}
    refused(registry, registry.post("/tenant/schemas", body), before)


def test_definitions_that_reference_each_other_in_a_cycle_do_not_loop(registry, tenant):
    group = field_group_body(tenant)
    group["definitions"]["loop"] = {"$ref": "#/definitions/other", "properties": {"a": {"type": "string"}}}
    group["definitions"]["other"] = {"$ref": "#/definitions/loop"}
    group["allOf"].append({"$ref": "#/definitions/loop"})
    response = registry.post("/tenant/fieldgroups", group)
    assert response.status_code in (201, 400), response.json
    if response.status_code == 201:
        assert registry.lookup("fieldgroups", response.json["$id"], FULL).status_code == 200


def test_a_long_chain_of_data_types_exports_and_resolves(registry, tenant, http):
    """A chain deeper than resolution follows (loaded through the state document): export lists it
    all, lookups answer (the resolved form stops at the depth bound), nothing recurses unbounded."""
    first = registry.create("datatypes", {"title": "Link 0", "type": "object", "properties": {
        "value": {"type": "string"}}})
    document = http.get("/_mockaep/state").json
    records = document["tenants"][0]["collections"]["xdmDataTypes"]
    base, alt_base = first["$id"].rsplit("/", 1)[0], first["meta:altId"].rsplit(".", 1)[0]
    previous = first["$id"]
    for number in range(1, 1500):
        hex_id = "a" * 44 + f"{number:04d}"
        record_id = f"{base}/{hex_id}"
        records[record_id] = {**first, "$id": record_id, "meta:altId": f"{alt_base}.{hex_id}",
                              "title": f"Link {number}", "refs": [previous],
                              "properties": {"next": {"$ref": previous}, "value": {"type": "string"}}}
        previous = record_id
    assert http.post("/_mockaep/state", json=document).status_code == 200
    exported = registry.get(f"/rpc/export/{quoted(previous)}")
    assert exported.status_code == 200 and len(exported.json) == 1500
    assert registry.lookup("datatypes", previous, FULL).status_code == 200
    assert registry.get(f"/rpc/sampledata/{quoted(previous)}").status_code == 200
