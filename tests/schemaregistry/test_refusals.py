"""Every refusal: status, XDM error code, and the sandbox left exactly as it was."""
from __future__ import annotations

import pytest

from tests.schemaregistry.conftest import (FULL, IDENTITY_MAP, LIST_IDS, PROFILE, RAW, RECORD, Registry, error_code,
                                           field_group_body, quoted, seed_schema_body)

EVENT = "https://ns.adobe.com/xdm/context/experienceevent"


def state(http):
    return http.get("/_mockaep/state").json


def refused(registry, response, status: int, code: str, before) -> None:
    assert response.status_code == status, response.json
    assert error_code(response) == code, response.json
    body = response.json
    assert body["status"] == status and body["detail"] and body["report"]["detailed-message"] == body["detail"]
    assert body["type"].startswith("http://ns.adobe.com/aep/errors/XDM-")
    assert state(registry.http) == before


@pytest.fixture
def seeded(registry):
    """A tenant with one field group and the seed schema using it."""
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": group["$id"]}]})
    return {"tenant": tenant, "group": group, "schema": schema, "before": state(registry.http)}


# -- Accept negotiation ----------------------------------------------------------------------------
@pytest.mark.parametrize("accept, code", [
    (None, "XDM-1006-400"),
    ("application/json", "XDM-1006-400"),
    ("application/vnd.adobe.xed-id+json; version=1", "XDM-1006-400"),
    ("application/vnd.adobe.xed-full+json", "XDM-1006-400"),
])
def test_list_refuses_accept_values_it_does_not_take(registry, seeded, accept, code):
    refused(registry, registry.get("/tenant/schemas", accept), 400, code, seeded["before"])


@pytest.mark.parametrize("accept, status, code", [
    ("application/vnd.adobe.xed+json", 400, "XDM-1007-400"),
    ("application/vnd.adobe.xed-full+json", 400, "XDM-1007-400"),
    (None, 400, "XDM-1009-400"),
    ("application/json", 400, "XDM-1009-400"),
    ("application/vnd.adobe.xed-full+json; version=2", 406, "XDM-1009-406"),
    ("application/vnd.adobe.xed-id+json; version=1", 406, "XDM-1009-406"),
    ("application/vnd.adobe.xed-bogus+json; version=1", 406, "XDM-1009-406"),
])
def test_lookup_refuses_accept_values_it_does_not_take(registry, seeded, accept, status, code):
    refused(registry, registry.lookup("schemas", seeded["schema"]["$id"], accept), status, code, seeded["before"])


def test_descriptors_refuse_xed_media_types(registry, seeded):
    refused(registry, registry.get("/tenant/descriptors", "application/vnd.adobe.xed-id+json"), 400,
            "XDM-1008-400", seeded["before"])
    refused(registry, registry.get("/tenant/descriptors", "text/plain"), 400, "XDM-1009-400", seeded["before"])


# -- not found and containers ---------------------------------------------------------------------
@pytest.mark.parametrize("segment, code", [("schemas", "XDM-1012-404"), ("classes", "XDM-1010-404"),
                                           ("fieldgroups", "XDM-1011-404"), ("mixins", "XDM-1011-404"),
                                           ("datatypes", "XDM-1013-404")])
def test_unknown_resources_are_404_with_their_type_code(registry, seeded, segment, code):
    missing = f"https://ns.adobe.com/{seeded['tenant']}/{segment}/{'0' * 48}"
    refused(registry, registry.lookup(segment, missing, RAW), 404, code, seeded["before"])
    refused(registry, registry.put(f"/tenant/{segment}/{quoted(missing)}", {"title": "x"}), 404, code,
            seeded["before"])
    refused(registry, registry.delete(f"/tenant/{segment}/{quoted(missing)}"), 404, code, seeded["before"])


def test_unknown_container_and_global_writes_are_refused(registry, seeded):
    refused(registry, registry.get("/elsewhere/schemas", LIST_IDS), 400, "XDM-1000-400", seeded["before"])
    refused(registry, registry.post("/global/schemas", seed_schema_body("Other")), 405, "XDM-1000-405",
            seeded["before"])
    refused(registry, registry.delete(f"/global/classes/{quoted(PROFILE)}"), 405, "XDM-1000-405", seeded["before"])


# -- composition and validation -------------------------------------------------------------------
def test_titles_are_unique_across_resource_types(registry, seeded):
    body = field_group_body(seeded["tenant"], title=seeded["schema"]["title"])
    response = registry.post("/tenant/fieldgroups", body)
    refused(registry, response, 400, "XDM-1521-400", seeded["before"])
    assert response.json["title"] == "Title not unique" and seeded["schema"]["$id"] in response.json["detail"]


@pytest.mark.parametrize("change", [
    {"allOf": [{"$ref": PROFILE}, {"$ref": EVENT}]},
    {"allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile-person-details"}]},
    {"allOf": [{"$ref": PROFILE}, {"$ref": "https://ns.adobe.com/xdm/context/person"}]},
    {"allOf": [{"$ref": PROFILE}, {"properties": {"loose": {"type": "string"}}}]},
    {"allOf": [{"$ref": PROFILE}, {"$ref": "https://ns.adobe.com/nobody/mixins/123"}]},
    {"meta:class": EVENT},
    {"type": "array"},
])
def test_schema_composition_rules(registry, seeded, change):
    body = {**seed_schema_body("Second schema"), **change}
    refused(registry, registry.post("/tenant/schemas", body), 400, "XDM-1000-400", seeded["before"])


def test_field_group_intended_for_another_class_is_refused(registry, seeded):
    group = registry.create("fieldgroups", field_group_body(seeded["tenant"], title="Event extras", intended=[EVENT]))
    before = state(registry.http)
    body = {**seed_schema_body("Mixed schema"), "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]}
    refused(registry, registry.post("/tenant/schemas", body), 400, "XDM-1000-400", before)


def test_custom_fields_must_sit_under_the_tenant_namespace(registry, seeded):
    group = field_group_body(seeded["tenant"], title="Loose fields")
    group["definitions"]["loyalty"]["properties"] = {"loose": {"type": "string"}}
    refused(registry, registry.post("/tenant/fieldgroups", group), 400, "XDM-1021-400", seeded["before"])
    cls = {"title": "Loose class", "description": "d", "type": "object",
           "allOf": [{"$ref": RECORD}, {"properties": {"rootField": {"type": "string"}}}]}
    refused(registry, registry.post("/tenant/classes", cls), 400, "XDM-1020-400", seeded["before"])
    adhoc = {"title": "Loose ad-hoc", "description": "d", "type": "object",
             "allOf": [{"$ref": "https://ns.adobe.com/xdm/data/adhoc"}, {"properties": {"rootField": {"type": "string"}}}]}
    refused(registry, registry.post("/tenant/classes", adhoc), 400, "XDM-1023-400", seeded["before"])


def test_class_needs_exactly_one_behaviour(registry, seeded):
    body = {"title": "No behaviour", "description": "d", "type": "object", "allOf": []}
    refused(registry, registry.post("/tenant/classes", body), 400, "XDM-1000-400", seeded["before"])
    body["allOf"] = [{"$ref": RECORD}, {"$ref": "https://ns.adobe.com/xdm/data/time-series"}]
    refused(registry, registry.post("/tenant/classes", body), 400, "XDM-1000-400", seeded["before"])


def test_field_group_must_name_existing_classes(registry, seeded):
    body = field_group_body(seeded["tenant"], title="Orphan", intended=["https://ns.adobe.com/nobody/classes/1"])
    refused(registry, registry.post("/tenant/fieldgroups", body), 400, "XDM-1000-400", seeded["before"])


@pytest.mark.parametrize("where", ["definition", "nested datatype"])
def test_references_that_resolve_to_nothing_are_refused(registry, seeded, where):
    group = field_group_body(seeded["tenant"], title="Dangling")
    if where == "definition":
        group["allOf"].append({"$ref": "#/definitions/missing"})
    else:
        fields = group["definitions"]["loyalty"]["properties"][f"_{seeded['tenant']}"]["properties"]
        fields["address"] = {"$ref": "https://ns.adobe.com/nobody/datatypes/404"}
    response = registry.post("/tenant/fieldgroups", group)
    refused(registry, response, 400, "XDM-1000-400", seeded["before"])
    assert "missing" in response.json["detail"] or "nobody" in response.json["detail"]


def test_malformed_and_off_spec_bodies(registry, seeded):
    response = registry.http.post("/data/foundation/schemaregistry/tenant/schemas", data="{nope",
                                  headers={**registry.headers, "Content-Type": "application/json"})
    refused(registry, response, 400, "XDM-1000-400", seeded["before"])
    refused(registry, registry.post("/tenant/datatypes", ["not", "an", "object"]), 400, "XDM-1000-400",
            seeded["before"])
    response = registry.post("/tenant/fieldgroups", {"title": "No intent", "type": "object"})
    refused(registry, response, 400, "XDM-1000-400", seeded["before"])
    assert response.json["report"]["sub-errors"]


# -- updates and deletes --------------------------------------------------------------------------
@pytest.mark.parametrize("operation", [
    {"op": "replace", "path": "/$id", "value": "https://ns.adobe.com/x/schemas/1"},
    {"op": "replace", "path": "/meta:altId", "value": "_x.schemas.1"},
    {"op": "replace", "path": "/meta:class", "value": "https://ns.adobe.com/xdm/context/experienceevent"},
    {"op": "remove", "path": "/meta:registryMetadata"},
    {"op": "move", "from": "/title", "path": "/version"},
    {"op": "remove", "path": "/nothing/here"},
    {"op": "add", "path": "/allOf/-", "value": {"$ref": EVENT}},
    {"op": "frobnicate", "path": "/title"},
])
def test_patch_refusals(registry, seeded, operation):
    refused(registry, registry.patch(f"/tenant/schemas/{quoted(seeded['schema']['$id'])}", [operation]), 400,
            "XDM-1000-400", seeded["before"])


def test_put_cannot_change_identity(registry, seeded):
    body = {**seed_schema_body(), "$id": "https://ns.adobe.com/someone/schemas/abc"}
    refused(registry, registry.put(f"/tenant/schemas/{quoted(seeded['schema']['$id'])}", body), 400,
            "XDM-1000-400", seeded["before"])


def test_resources_in_use_cannot_be_deleted(registry, seeded):
    refused(registry, registry.delete(f"/tenant/fieldgroups/{quoted(seeded['group']['$id'])}"), 400,
            "XDM-1000-400", seeded["before"])
    cls = registry.create("classes", {"title": "Shop visit", "description": "d", "type": "object",
                                      "allOf": [{"$ref": RECORD}]})
    registry.create("schemas", {"title": "Visits", "description": "d", "type": "object",
                                "allOf": [{"$ref": cls["$id"]}]})
    before = state(registry.http)
    refused(registry, registry.delete(f"/tenant/classes/{quoted(cls['$id'])}"), 400, "XDM-1000-400", before)


def test_malformed_list_paging_parameters(registry, seeded):
    """``limit`` alone is a hint (docs/aepp.md SR-3, test_clients.py); a malformed one is refused."""
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, limit="five"), 400, "XDM-1000-400", seeded["before"])
    refused(registry, registry.get("/tenant/schemas", LIST_IDS, orderby="title", limit="abc"), 400, "XDM-1000-400",
            seeded["before"])


# -- Profile enablement and descriptors -----------------------------------------------------------
def test_profile_enablement_needs_an_identity(registry, seeded):
    path = f"/tenant/schemas/{quoted(seeded['schema']['$id'])}"
    refused(registry, registry.patch(path, [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}]),
            400, "XDM-1528-400", seeded["before"])


def test_union_members_must_merge(registry, seeded):
    tenant = seeded["tenant"]
    number = registry.create("fieldgroups", field_group_body(tenant, "Score as number",
                                                             {"score": {"type": "number"}}))
    text = registry.create("fieldgroups", field_group_body(tenant, "Score as text", {"score": {"type": "string"}}))
    for title, group in (("First union member", number), ("Second union member", text)):
        registry.create("schemas", {"title": title, "description": "d", "type": "object",
                                    "allOf": [{"$ref": PROFILE}, {"$ref": IDENTITY_MAP}, {"$ref": group["$id"]}],
                                    **({"meta:immutableTags": ["union"]} if group is number else {})})
    second = registry.get("/tenant/schemas", LIST_IDS, property="title==Second union member").json["results"][0]
    before = state(registry.http)
    refused(registry, registry.patch(f"/tenant/schemas/{quoted(second['$id'])}",
                                     [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}]),
            400, "XDM-1413-400", before)


def test_identity_descriptor_must_point_at_an_existing_field(registry, seeded):
    body = {"@type": "xdm:descriptorIdentity", "xdm:sourceSchema": seeded["schema"]["$id"], "xdm:sourceVersion": 1,
            "xdm:sourceProperty": "/personalEmail/nowhere", "xdm:namespace": "Email", "xdm:isPrimary": True}
    refused(registry, registry.post("/tenant/descriptors", body), 400, "XDM-1000-400", seeded["before"])
    body["xdm:sourceProperty"] = "/personalEmail/address"
    body["xdm:sourceSchema"] = "https://ns.adobe.com/nobody/schemas/1"
    refused(registry, registry.post("/tenant/descriptors", body), 400, "XDM-1000-400", seeded["before"])
    refused(registry, registry.get("/tenant/descriptors/feedbeef", FULL), 400, "XDM-1008-400", seeded["before"])
    refused(registry, registry.get("/tenant/descriptors/feedbeef"), 404, "XDM-1014-404", seeded["before"])


def test_import_is_all_or_nothing(registry, seeded, http):
    payload = registry.get(f"/rpc/export/{quoted(seeded['schema']['$id'])}").json
    assert [item["meta:resourceType"] for item in payload] == ["mixins", "schemas"]
    dev = Registry(http, sandbox="dev")
    dev_before = state(http)
    broken = [payload[0], {**payload[1], "allOf": [{"$ref": PROFILE}, {"$ref": "https://ns.adobe.com/x/mixins/1"}]}]
    response = dev.post("/rpc/import", broken)
    assert response.status_code == 400 and error_code(response) == "XDM-1000-400"
    assert "Item 1" in response.json["detail"]
    assert state(http) == dev_before
    for bad in ([], [{"$id": "https://elsewhere.example/schemas/1", "title": "t", "type": "object"}], {"not": "a list"}):
        response = dev.post("/rpc/import", bad)
        assert response.status_code == 400 and state(http) == dev_before
    assert registry.get("/rpc/export/_xdm.context.profile").status_code == 404  # only tenant resources export


def test_unknown_descriptors_and_unions(registry, seeded):
    refused(registry, registry.put("/tenant/descriptors/0000", {"@type": "xdm:descriptorIdentity"}), 404,
            "XDM-1014-404", seeded["before"])
    refused(registry, registry.delete("/tenant/descriptors/0000"), 404, "XDM-1014-404", seeded["before"])
    refused(registry, registry.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", RAW), 404, "XDM-1015-404",
            seeded["before"])
    refused(registry, registry.get("/tenant/unions", RAW), 400, "XDM-1006-400", seeded["before"])
    refused(registry, registry.get(f"/rpc/sampledata/{quoted('https://ns.adobe.com/x/schemas/1')}"), 404,
            "XDM-1012-404", seeded["before"])
