"""``/rpc/export`` → ``/rpc/import`` carries descriptors, rewritten to the importing tenant."""
from __future__ import annotations

from tests.conftest import OTHER_ORG
from tests.schemaregistry.conftest import (FULL, LIST_IDS, PROFILE, Registry, error_code, field_group_body, quoted,
                                           seed_schema_body)

PLACEHOLDER = "<XDM_TENANTID_PLACEHOLDER>"
XDM_FULL = "application/vnd.adobe.xdm+json"


def state(http):
    return http.get("/_mockaep/state").json


def described_schema(registry):
    """A tenant field group + schema with a primary identity on a tenant field, a display name,
    and Profile enabled through that identity (no identityMap)."""
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "CRM keys", {"crmId": {"type": "string"}}))
    schema = registry.create("schemas", {"title": "CRM people", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    identity = registry.post("/tenant/descriptors", {
        "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": f"/_{tenant}/crmId", "xdm:namespace": "CRMID", "xdm:isPrimary": True})
    label = registry.post("/tenant/descriptors", {
        "@type": "xdm:alternateDisplayInfo", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": f"/_{tenant}/crmId", "xdm:title": {"en_us": "CRM key"}})
    assert identity.status_code == 201 and label.status_code == 201, (identity.json, label.json)
    enabled = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                             [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert enabled.status_code == 200, enabled.json
    return tenant, group, schema


def test_export_lists_descriptors_after_their_schema_with_the_placeholder(registry):
    tenant, group, schema = described_schema(registry)
    payload = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    assert [item.get("meta:resourceType") or item["@type"] for item in payload] == [
        "mixins", "schemas", "xdm:descriptorIdentity", "xdm:alternateDisplayInfo"]
    identity = payload[2]
    assert identity["xdm:sourceSchema"] == schema["$id"].replace(tenant, PLACEHOLDER)
    assert identity["xdm:sourceProperty"] == f"/_{PLACEHOLDER}/crmId"
    assert identity["xdm:namespace"] == "CRMID" and identity["xdm:isPrimary"] is True
    assert not {"@id", "imsOrg", "meta:sandboxId", "createdUser", "created"} & set(identity)
    assert tenant not in repr(payload)


def test_import_into_another_org_reproduces_the_descriptors(registry, http):
    tenant, group, schema = described_schema(registry)
    payload = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    target = Registry(http, org=OTHER_ORG)
    target_tenant = target.tenant_id()
    imported = target.post("/rpc/import", payload)
    assert imported.status_code == 200, imported.json
    copy_id = schema["$id"].replace(tenant, target_tenant)
    assert [item.get("$id") or item["@type"] for item in imported.json] == [
        group["$id"].replace(tenant, target_tenant), copy_id, "xdm:descriptorIdentity", "xdm:alternateDisplayInfo"]
    listed = target.get("/tenant/descriptors", XDM_FULL).json
    identity = listed["xdm:descriptorIdentity"][0]
    assert identity["xdm:sourceSchema"] == copy_id and identity["xdm:sourceProperty"] == f"/_{target_tenant}/crmId"
    assert identity["imsOrg"] == OTHER_ORG and identity["xdm:isPrimary"] is True
    assert listed["xdm:alternateDisplayInfo"][0]["xdm:title"] == {"en_us": "CRM key"}
    source_ids = {d["@id"] for group_ in registry.get("/tenant/descriptors", XDM_FULL).json.values() for d in group_}
    assert identity["@id"] not in source_ids  # the importing sandbox mints its own descriptor ids
    # The schema joined its class's union in the target thanks to the imported identity descriptor.
    full_desc = target.lookup("schemas", copy_id, "application/vnd.adobe.xed-full-desc+json; version=1").json
    assert {d["@type"] for d in full_desc["meta:descriptors"]} == {"xdm:descriptorIdentity", "xdm:alternateDisplayInfo"}
    assert target.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", FULL).status_code == 200


def test_reimport_replaces_rather_than_duplicates_descriptors(registry, http):
    _tenant, _group, schema = described_schema(registry)
    payload = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    dev = Registry(http, sandbox="dev")
    first = dev.post("/rpc/import", payload)
    again = dev.post("/rpc/import", payload)
    assert (first.status_code, again.status_code) == (200, 200), again.json
    ids = dev.get("/tenant/descriptors", "application/vnd.adobe.xdm-id+json").json
    assert len(ids["xdm:descriptorIdentity"]) == 1 and len(ids["xdm:alternateDisplayInfo"]) == 1
    assert ids["xdm:descriptorIdentity"][0] == first.json[2]["@id"] == again.json[2]["@id"]


def test_relationship_destination_is_exported_first(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Account link", {"accountId": {"type": "string"}}))
    people = registry.create("schemas", {"title": "People", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    accounts = registry.create("schemas", {**seed_schema_body("Accounts")})
    relation = registry.post("/tenant/descriptors", {
        "@type": "xdm:descriptorOneToOne", "xdm:sourceSchema": people["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": f"/_{tenant}/accountId", "xdm:destinationSchema": accounts["$id"],
        "xdm:destinationVersion": 1, "xdm:destinationProperty": "/_id"})
    assert relation.status_code == 201, relation.json
    payload = registry.get(f"/rpc/export/{quoted(people['$id'])}").json
    order = [item.get("$id", item.get("@type")) for item in payload]
    place = {name: order.index(name) for name in order}
    accounts_id = accounts["$id"].replace(tenant, PLACEHOLDER)
    assert place[accounts_id] < place["xdm:descriptorOneToOne"] and place[people["$id"].replace(tenant, PLACEHOLDER)] \
        < place["xdm:descriptorOneToOne"]
    dev = Registry(registry.http, sandbox="dev")
    imported = dev.post("/rpc/import", payload)
    assert imported.status_code == 200, imported.json
    relations = dev.get("/tenant/descriptors", XDM_FULL).json["xdm:descriptorOneToOne"]
    assert relations[0]["xdm:destinationSchema"] == accounts["$id"]  # same tenant id: same org, other sandbox


def test_an_import_with_a_bad_descriptor_changes_nothing(registry, http):
    tenant, _group, schema = described_schema(registry)
    payload = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    payload[3] = {**payload[3], "xdm:sourceProperty": f"/_{PLACEHOLDER}/nowhere"}
    target = Registry(http, org=OTHER_ORG)
    target.tenant_id()
    before = state(http)
    response = target.post("/rpc/import", payload)
    assert response.status_code == 400 and error_code(response) == "XDM-1000-400"
    assert "Item 3" in response.json["detail"]
    assert state(http) == before
    assert target.get("/tenant/schemas", LIST_IDS).json["results"] == []
    doubled = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    doubled.append({**doubled[2], "xdm:sourceProperty": "/personID"})  # a second primary identity
    response = target.post("/rpc/import", doubled)
    assert response.status_code == 400 and "Item 4" in response.json["detail"]
    assert state(http) == before
