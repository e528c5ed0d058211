"""The seed's target schema and the ad-hoc schema tutorial, end to end over HTTP, read back in
every Accept variant."""
from __future__ import annotations

import jsonschema
import pytest

from tests.schemaregistry.conftest import (ADHOC, FULL, LIST_FULL, LIST_IDS, PERSON_DETAILS, PERSONAL_DETAILS,
                                           PROFILE, RAW, RECORD, field_group_body, quoted, seed_schema_body)

AUDITABLE = "https://ns.adobe.com/xdm/common/auditable"


def properties_of(body):
    return set(body.get("properties", {}))


def test_seed_target_schema_is_created_with_the_registry_fields(registry):
    tenant = registry.tenant_id()
    response = registry.post("/tenant/schemas", seed_schema_body())
    assert response.status_code == 201
    schema = response.json
    hex_id = schema["$id"].rsplit("/", 1)[-1]
    assert schema["$id"] == f"https://ns.adobe.com/{tenant}/schemas/{hex_id}" and len(hex_id) == 48
    assert schema["meta:altId"] == f"_{tenant}.schemas.{hex_id}"
    assert schema["meta:resourceType"] == "schemas" and schema["version"] == "1.0"
    assert schema["meta:containerId"] == "tenant" and schema["imsOrg"] == registry.headers["x-gw-ims-org-id"]
    assert schema["meta:class"] == PROFILE
    assert schema["meta:tenantNamespace"] == f"_{tenant}"
    assert schema["meta:abstract"] is False and schema["meta:extensible"] is False
    assert set(schema["meta:extends"]) == {PROFILE, PERSON_DETAILS, PERSONAL_DETAILS, AUDITABLE, RECORD}
    assert set(schema["refs"]) == {PROFILE, PERSON_DETAILS, PERSONAL_DETAILS}
    metadata = schema["meta:registryMetadata"]
    assert metadata["repo:createdDate"] == metadata["repo:lastModifiedDate"] > 0
    assert metadata["xdm:createdClientId"] == registry.headers["x-api-key"]


def test_seed_schema_resolves_with_the_paths_its_mapping_writes(registry):
    schema = registry.create("schemas", seed_schema_body())
    full = registry.lookup("schemas", schema["$id"], FULL)
    assert full.status_code == 200
    body = full.json
    assert "allOf" not in body
    assert body["properties"]["person"]["properties"]["name"]["properties"]["fullName"]["type"] == "string"
    assert body["properties"]["_repo"]["properties"]["createDate"]["format"] == "date-time"
    assert body["properties"]["_id"]["type"] == "string"
    document = {"_id": "crm-0001", "person": {"name": {"fullName": "Ada Quill"}},
                "_repo": {"createDate": "2021-03-04T05:06:07Z"}}
    jsonschema.validate(document, body)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"person": {"name": {"fullName": 7}}}, body)


@pytest.mark.parametrize("accept, resolved, text", [
    ("application/vnd.adobe.xed+json; version=1", False, True),
    ("application/vnd.adobe.xed+json;version=1.0", False, True),
    ("application/vnd.adobe.xed-notext+json; version=1", False, False),
    ("application/vnd.adobe.xed-full+json; version=1", True, True),
    ("application/vnd.adobe.xed-full-notext+json; version=1", True, False),
    ("application/vnd.adobe.xed-full-desc+json; version=1", True, True),
    ("application/vnd.adobe.xed-deprecatefield+json; version=1", True, True),
])
def test_seed_schema_reads_back_in_every_lookup_variant(registry, accept, resolved, text):
    schema = registry.create("schemas", seed_schema_body())
    for ref in (schema["$id"], schema["meta:altId"]):
        response = registry.lookup("schemas", ref, accept)
        assert response.status_code == 200, response.json
        body = response.json
        assert body["$id"] == schema["$id"] and body["version"] == "1.0"
        assert ("allOf" in body) is not resolved
        assert ("properties" in body) is resolved
        assert ("title" in body) is text and ("description" in body) is text
        if resolved:
            name = body["properties"]["person"]["properties"]["name"]
            assert ("title" in name) is text
            assert "fullName" in name["properties"]
    if "full-desc" in accept:
        assert registry.lookup("schemas", schema["$id"], accept).json["meta:descriptors"] == []


def test_seed_schema_is_listed_in_both_list_forms(registry):
    schema = registry.create("schemas", seed_schema_body())
    ids = registry.get("/tenant/schemas", LIST_IDS)
    assert ids.status_code == 200
    assert ids.json["results"] == [{"$id": schema["$id"], "meta:altId": schema["meta:altId"], "version": "1.0",
                                    "title": schema["title"]}]
    assert ids.json["_page"]["count"] == 1 and ids.json["_page"]["next"] is None
    assert ids.json["_links"]["global_schemas"]["href"].endswith("/global/schemas")
    full = registry.get("/tenant/schemas", LIST_FULL)
    assert full.json["results"][0]["allOf"] == schema["allOf"]


def test_adhoc_tutorial_class_and_schema(registry):
    tenant = registry.tenant_id()
    created = registry.post("/tenant/classes", {
        "title": "Warehouse feed class", "description": "Columns of the nightly warehouse export.",
        "type": "object",
        "allOf": [{"$ref": ADHOC},
                  {"properties": {"_adhoc": {"type": "object", "properties": {
                      "sku": {"type": "string"}, "stock": {"type": "string"}}}}}],
    })
    assert created.status_code == 201
    cls = created.json
    hex_id = cls["$id"].rsplit("/", 1)[-1]
    assert cls["$id"] == f"https://ns.adobe.com/{tenant}/classes/{hex_id}"
    assert cls["meta:datasetNamespace"] == f"_{hex_id}"
    inline = cls["allOf"][1]["properties"]
    assert "_adhoc" not in inline and set(inline[f"_{hex_id}"]["properties"]) == {"sku", "stock"}
    assert inline[f"_{hex_id}"]["properties"]["sku"]["meta:xdmType"] == "string"
    assert cls["meta:extends"] == [ADHOC] and cls["meta:abstract"] is True

    schema = registry.create("schemas", {"title": "Warehouse feed schema", "description": "One row per item.",
                                         "type": "object", "allOf": [{"$ref": cls["$id"]}]})
    assert schema["meta:datasetNamespace"] == f"_{hex_id}"
    assert schema["meta:class"] == cls["$id"]
    assert schema["meta:extends"] == [cls["$id"], ADHOC]
    full = registry.lookup("schemas", schema["meta:altId"], "application/vnd.adobe.xed-full+json; version=1").json
    assert set(full["properties"][f"_{hex_id}"]["properties"]) == {"sku", "stock"}
    for variant in ("", "-notext", "-full", "-full-notext", "-full-desc", "-deprecatefield"):
        response = registry.lookup("schemas", schema["$id"], f"application/vnd.adobe.xed{variant}+json; version=1")
        assert response.status_code == 200
        assert ("properties" in response.json) is ("full" in variant or "deprecate" in variant)
        assert ("title" in response.json) is ("notext" not in variant)
        if "properties" in response.json:
            assert "sku" in response.json["properties"][f"_{hex_id}"]["properties"]
    raw_class = registry.lookup("classes", cls["$id"], "application/vnd.adobe.xed-notext+json; version=1").json
    assert "title" not in raw_class and "description" not in raw_class


def test_standard_library_is_served_from_the_global_container(registry):
    classes = registry.get("/global/classes", LIST_IDS).json["results"]
    assert {c["$id"] for c in classes} >= {PROFILE, "https://ns.adobe.com/xdm/context/experienceevent"}
    behaviors = registry.get("/global/behaviors", LIST_IDS).json["results"]
    assert {b["meta:altId"] for b in behaviors} == {"_xdm.data.record", "_xdm.data.time-series", "_xdm.data.adhoc"}
    groups = registry.get("/global/fieldgroups", LIST_IDS, property=f"meta:intendedToExtend=={PROFILE}").json
    assert {PERSON_DETAILS, PERSONAL_DETAILS} <= {g["$id"] for g in groups["results"]}
    assert registry.get("/global/mixins", LIST_IDS).json["results"] == \
        registry.get("/global/fieldgroups", LIST_IDS).json["results"]
    person = registry.get(f"/global/datatypes/{quoted('https://ns.adobe.com/xdm/context/person')}", FULL).json
    assert person["properties"]["name"]["properties"]["fullName"]["type"] == "string"
    behaviour = registry.get("/global/behaviors/_xdm.data.time-series", RAW)
    assert behaviour.status_code == 200 and behaviour.json["meta:resourceType"] == "behaviors"
    # a lookup through the tenant container finds the standard resource too (docs/aepp.md SR-6)
    assert registry.lookup("classes", PROFILE, RAW).json == registry.lookup("classes", PROFILE, RAW, "global").json


def test_field_group_with_tenant_fields_joins_the_seed_schema(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    assert "/mixins/" in group["$id"] and group["meta:resourceType"] == "mixins"
    assert registry.lookup("mixins", group["$id"]).status_code == 200
    schema = registry.create("schemas", seed_schema_body())
    patched = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}", [
        {"op": "add", "path": "/allOf/-", "value": {"$ref": group["$id"]}},
        {"op": "add", "path": "/meta:extends/-", "value": group["$id"]},
    ])
    assert patched.status_code == 200, patched.json
    assert patched.json["version"] == "1.1" and group["$id"] in patched.json["meta:extends"]
    full = registry.lookup("schemas", schema["$id"], FULL).json
    assert full["properties"][f"_{tenant}"]["properties"]["points"]["type"] == "integer"
