"""Create → read → update → delete of every tenant resource type, descriptors, unions, stats,
list paging and filters, audit log, sandbox isolation."""
from __future__ import annotations

import pytest

from tests.conftest import OTHER_ORG
from tests.schemaregistry.conftest import (FULL, IDENTITY_MAP, LIST_FULL, LIST_IDS, PROFILE, RAW, RECORD, Registry,
                                           field_group_body, quoted, seed_schema_body)


def test_data_type_used_by_a_field_group_resolves_inside_schemas(registry):
    tenant = registry.tenant_id()
    datatype = registry.create("datatypes", {
        "title": "Parcel", "description": "A parcel we ship.", "type": "object",
        "properties": {"weightKg": {"type": "number", "title": "Weight"}, "tracking": {"type": "string"}}})
    assert datatype["meta:resourceType"] == "datatypes" and "/datatypes/" in datatype["$id"]
    assert datatype["properties"]["weightKg"]["meta:xdmType"] == "number"
    group = registry.create("fieldgroups", field_group_body(tenant, "Shipping", {
        "lastParcel": {"title": "Last parcel", "$ref": datatype["$id"]}}))
    schema = registry.create("schemas", {"title": "Shipments", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    full = registry.lookup("schemas", schema["$id"], FULL).json
    parcel = full["properties"][f"_{tenant}"]["properties"]["lastParcel"]
    assert parcel["title"] == "Last parcel" and set(parcel["properties"]) == {"weightKg", "tracking"}
    assert registry.delete(f"/tenant/datatypes/{quoted(datatype['$id'])}").status_code == 400  # in use


def test_put_replaces_and_keeps_identity(registry):
    schema = registry.create("schemas", seed_schema_body())
    body = {**seed_schema_body("Renamed target"), "allOf": [{"$ref": PROFILE}], "$id": schema["$id"]}
    response = registry.put(f"/tenant/schemas/{schema['meta:altId']}", body)
    assert response.status_code == 200, response.json
    updated = response.json
    assert updated["$id"] == schema["$id"] and updated["title"] == "Renamed target"
    assert updated["meta:extends"] == [PROFILE, RECORD, "https://ns.adobe.com/xdm/common/auditable"]
    assert updated["meta:registryMetadata"]["repo:createdDate"] == schema["meta:registryMetadata"]["repo:createdDate"]
    assert registry.lookup("schemas", schema["$id"]).json["title"] == "Renamed target"


def test_patch_bumps_the_minor_version_each_time(registry):
    schema = registry.create("schemas", seed_schema_body())
    path = f"/tenant/schemas/{quoted(schema['$id'])}"
    first = registry.patch(path, [{"op": "replace", "path": "/description", "value": "First change."}])
    second = registry.patch(path, [{"op": "replace", "path": "/title", "value": "Second title"}])
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json["version"], second.json["version"]) == ("1.1", "1.2")
    read = registry.lookup("schemas", schema["$id"]).json
    assert read["version"] == "1.2" and read["description"] == "First change." and read["title"] == "Second title"
    listed = registry.get("/tenant/schemas", LIST_IDS).json["results"][0]
    assert listed["version"] == "1.2"


@pytest.mark.parametrize("segment", ["schemas", "classes", "fieldgroups", "mixins", "datatypes"])
def test_delete_then_404(registry, segment):
    tenant = registry.tenant_id()
    bodies = {
        "schemas": seed_schema_body(),
        "classes": {"title": "Store", "description": "d", "type": "object", "allOf": [{"$ref": RECORD}]},
        "fieldgroups": field_group_body(tenant), "mixins": field_group_body(tenant),
        "datatypes": {"title": "Money", "type": "object", "properties": {"amount": {"type": "number"}}},
    }
    created = registry.create(segment, bodies[segment])
    assert registry.delete(f"/tenant/{segment}/{quoted(created['$id'])}").status_code == 204
    missing = registry.lookup(segment, created["$id"])
    assert missing.status_code == 404
    assert registry.get(f"/tenant/{segment}", LIST_IDS).json["results"] == []


def test_descriptors_lifecycle_and_list_forms(registry):
    schema = registry.create("schemas", seed_schema_body())
    body = {"@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
            "xdm:sourceProperty": "/personalEmail/address", "xdm:namespace": "Email", "xdm:isPrimary": True}
    created = registry.post("/tenant/descriptors", body)
    assert created.status_code == 201, created.json
    descriptor = created.json
    assert len(descriptor["@id"]) == 40 and descriptor["xdm:sourceVersion"] == 1
    assert descriptor["meta:containerId"] == "tenant" and descriptor["imsOrg"] == registry.headers["x-gw-ims-org-id"]
    path = f"/tenant/descriptors/{descriptor['@id']}"
    assert registry.get(path).json == descriptor
    ids = registry.get("/tenant/descriptors", "application/vnd.adobe.xdm-id+json").json
    assert ids == {"xdm:descriptorIdentity": [descriptor["@id"]]}
    links = registry.get("/tenant/descriptors", "application/vnd.adobe.xdm-link+json").json
    assert links == {"xdm:descriptorIdentity": [path]}
    full = registry.get("/tenant/descriptors", "application/vnd.adobe.xdm+json").json
    assert full["xdm:descriptorIdentity"][0]["xdm:namespace"] == "Email"
    paged = registry.get("/tenant/descriptors", "application/vnd.adobe.xdm-v2+json").json
    assert paged["results"][0]["@id"] == descriptor["@id"] and paged["_page"]["count"] == 1
    with_desc = registry.lookup("schemas", schema["$id"], "application/vnd.adobe.xed-full-desc+json; version=1")
    assert [d["@id"] for d in with_desc.json["meta:descriptors"]] == [descriptor["@id"]]
    replaced = registry.put(path, {**body, "xdm:sourceProperty": "/mobilePhone/number", "xdm:namespace": "Phone"})
    assert replaced.status_code == 200 and replaced.json["xdm:namespace"] == "Phone"
    assert replaced.json["@id"] == descriptor["@id"]
    assert registry.delete(path).status_code == 204
    assert registry.get(path).status_code == 404


def test_profile_enablement_creates_the_class_union(registry):
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": IDENTITY_MAP}]})
    assert registry.get("/tenant/unions", LIST_IDS).json["results"] == []
    path = f"/tenant/schemas/{quoted(schema['$id'])}"
    enabled = registry.patch(path, [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert enabled.status_code == 200, enabled.json
    assert enabled.json["meta:immutableTags"] == ["union"]
    unions = registry.get("/tenant/unions", LIST_IDS).json["results"]
    assert unions == [{"$id": PROFILE + "__union", "meta:altId": "_xdm.context.profile__union", "version": "1.0",
                       "title": "XDM Individual Profile Union"}]
    union = registry.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", FULL)
    assert union.status_code == 200
    assert {"identityMap", "person", "_repo"} <= set(union.json["properties"])
    raw = registry.get("/tenant/unions/_xdm.context.profile__union", RAW).json
    assert {"$ref": schema["$id"]} in raw["allOf"]
    removal = registry.patch(path, [{"op": "replace", "path": "/meta:immutableTags", "value": []}])
    assert removal.status_code == 400
    assert registry.get("/stats").json["counts"]["unions"] == 1


def test_primary_identity_descriptor_allows_enablement(registry):
    schema = registry.create("schemas", seed_schema_body())
    registry.post("/tenant/descriptors", {
        "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": "/personalEmail/address", "xdm:namespace": "Email", "xdm:isPrimary": True})
    enabled = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                             [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert enabled.status_code == 200, enabled.json


def test_stats_report_tenant_and_counts(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", seed_schema_body())
    stats = registry.get("/stats").json
    assert stats["imsOrg"] == registry.headers["x-gw-ims-org-id"] and stats["tenantId"] == tenant
    assert stats["counts"] == {"schemas": 1, "mixins": 1, "datatypes": 0, "classes": 0, "unions": 0}
    assert {r["$id"] for r in stats["recentlyCreatedResources"]} == {group["$id"], schema["$id"]}
    usage = stats["classUsage"]
    assert usage == [{"$id": PROFILE, "title": "XDM Individual Profile", "numberOfSchemas": 1,
                      "schemas": [{"$id": schema["$id"], "meta:altId": schema["meta:altId"],
                                   "title": schema["title"], "description": schema["description"]}]}]


def test_list_orderby_paging_and_filters(registry):
    for title in ("Delta", "Alpha", "Charlie", "Bravo"):
        registry.create("schemas", {**seed_schema_body(title), "allOf": [{"$ref": PROFILE}]})
    ordered = registry.get("/tenant/schemas", LIST_IDS, orderby="title").json
    assert [r["title"] for r in ordered["results"]] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert ordered["_page"]["orderby"] == "title"
    first = registry.get("/tenant/schemas", LIST_IDS, orderby="-title", limit="2").json
    assert [r["title"] for r in first["results"]] == ["Delta", "Charlie"]
    assert first["_page"]["next"] == "Charlie" and "start=Charlie" in first["_links"]["next"]["href"]
    second = registry.get("/tenant/schemas", LIST_IDS, orderby="-title", limit="2", start="Charlie").json
    assert [r["title"] for r in second["results"]] == ["Bravo", "Alpha"] and second["_page"]["next"] is None
    assert [r["title"] for r in registry.get("/tenant/schemas", LIST_IDS, property="title==Bravo").json["results"]] \
        == ["Bravo"]
    assert len(registry.get("/tenant/schemas", LIST_IDS, property="title!=Bravo").json["results"]) == 3
    assert [r["title"] for r in registry.get("/tenant/schemas", LIST_IDS, property="title~^C").json["results"]] \
        == ["Charlie"]
    assert len(registry.get("/tenant/schemas", LIST_FULL, property="meta:class==" + PROFILE).json["results"]) == 4
    assert registry.get("/tenant/schemas", LIST_IDS, property="meta:immutableTags").json["results"] == []


def test_list_pages_hold_at_most_300(registry):
    """301 data types, loaded through the control plane's state import (fast), then listed."""
    template = registry.create("datatypes", {"title": "Type 000", "type": "string"})
    document = registry.http.get("/_mockaep/state").json
    records = document["tenants"][0]["collections"]["xdmDataTypes"]
    # New ids share no suffix with the template's random one (a shared suffix would overwrite it).
    id_base, alt_base = template["$id"].rsplit("/", 1)[0], template["meta:altId"].rsplit(".", 1)[0]
    for number in range(1, 301):
        hex_id = "e" * 45 + f"{number:03d}"
        records[f"{id_base}/{hex_id}"] = {**template, "$id": f"{id_base}/{hex_id}", "title": f"Type {number:03d}",
                                          "meta:altId": f"{alt_base}.{hex_id}"}
    assert registry.http.post("/_mockaep/state", json=document).status_code == 200
    unordered = registry.get("/tenant/datatypes", LIST_IDS).json
    assert len(unordered["results"]) == 300 and unordered["_page"]["count"] == 300
    ordered = registry.get("/tenant/datatypes", LIST_IDS, orderby="title").json
    assert ordered["_page"]["next"] == "Type 299"
    rest = registry.get("/tenant/datatypes", LIST_IDS, orderby="title", start="Type 299").json
    assert [r["title"] for r in rest["results"]] == ["Type 300"]
    by_alt_id = registry.lookup("datatypes", f"{alt_base}.{'e' * 45}150")
    assert by_alt_id.status_code == 200 and by_alt_id.json["title"] == "Type 150"  # indexes rebuilt on import


def test_audit_log_records_changes(registry):
    schema = registry.create("schemas", seed_schema_body())
    registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                   [{"op": "replace", "path": "/description", "value": "Changed."}])
    log = registry.get(f"/rpc/auditlog/{quoted(schema['$id'])}")
    assert log.status_code == 200
    latest = log.json[0]
    assert latest["id"] == schema["$id"] and latest["imsOrg"] == registry.headers["x-gw-ims-org-id"]
    assert {"id": schema["$id"], "xdmType": "schemas", "action": "replace", "path": "/description",
            "value": "Changed."} in latest["updates"]
    assert len(log.json) == 2


def test_sandboxes_and_orgs_do_not_see_each_other(registry, http):
    schema = registry.create("schemas", seed_schema_body())
    dev = Registry(http, sandbox="dev")
    other = Registry(http, org=OTHER_ORG)
    assert dev.lookup("schemas", schema["$id"]).status_code == 404
    assert other.get("/tenant/schemas", LIST_IDS).json["results"] == []
    assert other.tenant_id() != registry.tenant_id()
    assert dev.create("schemas", seed_schema_body())["$id"] != schema["$id"]  # same title is fine elsewhere


def test_deprecated_fields_show_only_in_the_deprecatefield_form(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Old and new", {
        "current": {"type": "string"}, "legacy": {"type": "string", "meta:status": "deprecated"}}))
    schema = registry.create("schemas", {"title": "Evolving", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    full = registry.lookup("schemas", schema["$id"], FULL).json["properties"][f"_{tenant}"]["properties"]
    flagged = registry.lookup("schemas", schema["$id"], "application/vnd.adobe.xed-deprecatefield+json; version=1")
    shown = flagged.json["properties"][f"_{tenant}"]["properties"]
    assert set(full) == {"current"}
    assert set(shown) == {"current", "legacy"} and shown["legacy"]["meta:status"] == "deprecated"


def test_data_type_patch_takes_object_values(registry):
    datatype = registry.create("datatypes", {"title": "Coupon", "type": "object",
                                             "properties": {"code": {"type": "string"}}})
    patched = registry.patch(f"/tenant/datatypes/{quoted(datatype['$id'])}",
                             [{"op": "add", "path": "/properties/value", "value": {"type": "number"}}])
    assert patched.status_code == 200, patched.json
    assert patched.json["properties"]["value"]["meta:xdmType"] == "number" and patched.json["version"] == "1.1"
