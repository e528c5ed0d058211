"""Resolved forms are memoised per tenant; every way a dependency can change must show at once."""
from __future__ import annotations

from mockaep.core.context import RequestContext
from tests.conftest import ORG
from tests.schemaregistry.conftest import FULL, IDENTITY_MAP, PROFILE, RAW, Registry, field_group_body, quoted


def _fields(registry, schema_id, tenant):
    return set(registry.lookup("schemas", schema_id, FULL).json["properties"][f"_{tenant}"]["properties"])


def test_changes_through_the_api_and_the_state_document_show_in_resolved_forms(registry, http):
    tenant = registry.tenant_id()
    datatype = registry.create("datatypes", {"title": "Money", "type": "object",
                                             "properties": {"amount": {"type": "number"}}})
    group = registry.create("fieldgroups", field_group_body(tenant, "Spend", {
        "lastSpend": {"$ref": datatype["$id"]}, "visits": {"type": "integer"}}))
    schema = registry.create("schemas", {"title": "Spenders", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    assert _fields(registry, schema["$id"], tenant) == {"lastSpend", "visits"}
    registry.patch(f"/tenant/datatypes/{quoted(datatype['$id'])}",
                   [{"op": "add", "path": "/properties/currency", "value": {"type": "string"}}])
    full = registry.lookup("schemas", schema["$id"], FULL).json
    assert set(full["properties"][f"_{tenant}"]["properties"]["lastSpend"]["properties"]) == {"amount", "currency"}
    # A state document may rewrite a record without touching its eTag: identity, not eTag, decides.
    document = http.get("/_mockaep/state").json
    stored = document["tenants"][0]["collections"]["xdmFieldGroups"][group["$id"]]
    stored["definitions"]["loyalty"]["properties"][f"_{tenant}"]["properties"]["tier"] = {"type": "string"}
    assert http.post("/_mockaep/state", json=document).status_code == 200
    assert _fields(registry, schema["$id"], tenant) == {"lastSpend", "visits", "tier"}
    # Callers get private copies: a -notext read does not strip the cached titles.
    registry.lookup("schemas", schema["$id"], "application/vnd.adobe.xed-full-notext+json; version=1")
    assert registry.lookup("schemas", schema["$id"], FULL).json["properties"]["personID"]["title"]
    assert http.post("/_mockaep/reset").status_code in (200, 204)
    assert registry.lookup("schemas", schema["$id"], FULL).status_code == 404


def test_same_ids_in_two_sandboxes_resolve_separately(registry, http):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Spend", {"visits": {"type": "integer"}}))
    schema = registry.create("schemas", {"title": "Spenders", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    payload = registry.get(f"/rpc/export/{quoted(schema['$id'])}").json
    dev = Registry(http, sandbox="dev")
    assert dev.post("/rpc/import", payload).status_code == 200
    dev.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}", [{
        "op": "add", "path": f"/definitions/loyalty/properties/_{tenant}/properties/spend", "value": {"type": "number"}}])
    assert _fields(dev, schema["$id"], tenant) == {"visits", "spend"}
    assert _fields(registry, schema["$id"], tenant) == {"visits"}


def test_a_change_to_a_referenced_field_group_shows_in_lookups_and_field_paths(registry, app):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Spend", {"visits": {"type": "integer"}}))
    schema = registry.create("schemas", {"title": "Spenders", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    emulator = app.extensions["mockaep"]

    def port():
        return RequestContext(org=ORG, sandbox="prod", client_id="c", user_id="u", request_id="r",
                              tenant=emulator.store.tenant(ORG, "prod"), now_ms=0, backends=emulator.backends,
                              runtime=emulator).backend("schemaregistry")

    assert f"_{tenant}.visits" in port().field_paths(schema["$id"])
    assert _fields(registry, schema["$id"], tenant) == {"visits"}
    pointer = f"/definitions/loyalty/properties/_{tenant}/properties"
    registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}",
                   [{"op": "add", "path": f"{pointer}/spend", "value": {"type": "number"}}])
    assert _fields(registry, schema["$id"], tenant) == {"visits", "spend"}
    assert f"_{tenant}.spend" in port().field_paths(schema["$id"])
    registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}", [{"op": "remove", "path": f"{pointer}/visits"}])
    assert _fields(registry, schema["$id"], tenant) == {"spend"}
    assert f"_{tenant}.visits" not in port().field_paths(schema["$id"])
    assert port().resolve_schema(schema["$id"])["properties"][f"_{tenant}"]["properties"].keys() == {"spend"}


def test_resolved_bodies_share_their_parts_but_a_merge_never_changes_another_resources_body(registry):
    """Two field groups define the same object under the tenant's namespace: a schema built from
    both merges them. Resolved bodies share unchanged parts (copy on write): the merge must not
    leak one group's fields into the other's resolved form, nor into a schema built from one."""
    tenant = registry.tenant_id()
    first = registry.create("fieldgroups", field_group_body(tenant, "First", {
        "shared": {"type": "object", "properties": {"fromFirst": {"type": "string"}}}}))
    second = registry.create("fieldgroups", field_group_body(tenant, "Second", {
        "shared": {"type": "object", "properties": {"fromSecond": {"type": "integer"}}}}))

    def shared_fields(segment, ref):
        body = registry.lookup(segment, ref, FULL).json
        return set(body["properties"][f"_{tenant}"]["properties"]["shared"]["properties"])

    assert shared_fields("fieldgroups", first["$id"]) == {"fromFirst"}  # resolved and cached first
    only_first = registry.create("schemas", {"title": "Only first", "description": "d", "type": "object",
                                             "allOf": [{"$ref": PROFILE}, {"$ref": first["$id"]}]})
    assert shared_fields("schemas", only_first["$id"]) == {"fromFirst"}
    both = registry.create("schemas", {"title": "Both", "description": "d", "type": "object",
                                       "allOf": [{"$ref": PROFILE}, {"$ref": first["$id"]}, {"$ref": second["$id"]}]})
    assert shared_fields("schemas", both["$id"]) == {"fromFirst", "fromSecond"}
    for _ in range(2):  # read again: the cached forms are what they were
        assert shared_fields("fieldgroups", first["$id"]) == {"fromFirst"}
        assert shared_fields("fieldgroups", second["$id"]) == {"fromSecond"}
        assert shared_fields("schemas", only_first["$id"]) == {"fromFirst"}
        assert shared_fields("schemas", both["$id"]) == {"fromFirst", "fromSecond"}


def test_a_tenant_record_answering_to_a_standard_id_shadows_it_until_deleted(registry, http):
    """A state document may bring a tenant record whose ``$id`` and ``meta:altId`` are a standard
    resource's: lookups and resolution take the tenant's record until it is deleted."""
    tenant = registry.tenant_id()
    standard = registry.lookup("fieldgroups", IDENTITY_MAP, RAW, container="global").json
    group = registry.create("fieldgroups", field_group_body(tenant, "Shadow", {"shadowField": {"type": "string"}}))
    document = http.get("/_mockaep/state").json
    stored = document["tenants"][0]["collections"]["xdmFieldGroups"]
    record = stored.pop(group["$id"])
    record.update({"$id": IDENTITY_MAP, "meta:altId": standard["meta:altId"]})
    stored[IDENTITY_MAP] = record
    assert http.post("/_mockaep/state", json=document).status_code == 200
    assert registry.lookup("fieldgroups", IDENTITY_MAP).json["title"] == "Shadow"
    assert registry.lookup("fieldgroups", standard["meta:altId"]).json["title"] == "Shadow"
    schema = registry.create("schemas", {"title": "Shadowed", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": IDENTITY_MAP}]})
    assert _fields(registry, schema["$id"], tenant) == {"shadowField"}
    assert registry.delete(f"/tenant/schemas/{quoted(schema['$id'])}").status_code == 204
    assert registry.delete(f"/tenant/fieldgroups/{quoted(IDENTITY_MAP)}").status_code == 204
    assert registry.lookup("fieldgroups", IDENTITY_MAP).json["title"] == standard["title"]
    unshadowed = registry.create("schemas", {"title": "Standard again", "description": "d", "type": "object",
                                             "allOf": [{"$ref": PROFILE}, {"$ref": IDENTITY_MAP}]})
    assert "identityMap" in registry.lookup("schemas", unshadowed["$id"], FULL).json["properties"]
