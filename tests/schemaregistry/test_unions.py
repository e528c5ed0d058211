"""What the platform adds to a union's resolved form, over HTTP."""
from __future__ import annotations

import jsonschema

from tests.schemaregistry.conftest import FULL, IDENTITY_MAP, PROFILE, RAW, RECORD, field_group_body, quoted

EVENT = "https://ns.adobe.com/xdm/context/experienceevent"


def enable(registry, title: str, cls: str, *groups: str) -> dict:
    return registry.create("schemas", {"title": title, "description": "d", "type": "object",
                                       "meta:immutableTags": ["union"],
                                       "allOf": [{"$ref": cls}, {"$ref": IDENTITY_MAP}, *({"$ref": g} for g in groups)]})


def test_profile_union_resolves_with_time_series_events_and_segment_membership(registry):
    enable(registry, "Members", PROFILE)
    union_path = f"/tenant/unions/{quoted(PROFILE + '__union')}"
    full = registry.get(union_path, FULL)
    assert full.status_code == 200, full.json
    props = full.json["properties"]
    assert {"identityMap", "timeSeriesEvents", "segmentMembership", "personID", "_repo"} <= set(props)
    events = props["timeSeriesEvents"]
    assert events["type"] == "array" and events["meta:xdmType"] == "array"
    assert {"_id", "timestamp", "eventType"} <= set(events["items"]["properties"])  # ExperienceEvent fields
    membership = props["segmentMembership"]
    assert membership["meta:xdmType"] == "map" and membership["additionalProperties"]["meta:xdmType"] == "map"
    one = membership["additionalProperties"]["additionalProperties"]
    assert one["properties"]["status"]["enum"] == ["existing", "realized", "exited"]
    assert {"lastQualificationTime", "validUntil", "version", "payload"} <= set(one["properties"])
    # The raw form lists only what it is made of; the system fields come with resolution.
    raw = registry.get(union_path, RAW).json
    assert "properties" not in raw and "timeSeriesEvents" not in repr(raw)
    # Documented alternative path: unions are looked up under /tenant/schemas too.
    via_schemas = registry.get(f"/tenant/schemas/{quoted(PROFILE + '__union')}", FULL)
    assert via_schemas.status_code == 200 and via_schemas.json == full.json


def test_union_system_fields_are_in_sample_data_and_validate_documents(registry):
    enable(registry, "Members", PROFILE)
    sample = registry.get(f"/rpc/sampledata/{quoted(PROFILE + '__union')}")
    assert sample.status_code == 200
    full = registry.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", FULL).json
    validator = jsonschema.Draft6Validator(full)
    document = {"personID": "p-1", "segmentMembership": {"ups": {"a1b2": {"status": "realized",
                                                                          "lastQualificationTime": "2025-01-02T03:04:05Z"}}},
                "timeSeriesEvents": [{"_id": "e1", "timestamp": "2025-01-02T03:04:05Z", "eventType": "visit"}]}
    assert not list(validator.iter_errors(document))
    assert {"timeSeriesEvents", "segmentMembership", "identityMap"} <= set(sample.json)
    assert not list(validator.iter_errors(sample.json))
    assert list(validator.iter_errors({"segmentMembership": {"ups": {"a1b2": {"status": "maybe"}}}}))
    assert list(validator.iter_errors({"timeSeriesEvents": {"not": "an array"}}))


def test_member_fields_win_and_the_union_changes_with_its_members(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Loyalty", {"tier": {"type": "string"}}))
    enable(registry, "Members", PROFILE, group["$id"])
    props = registry.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", FULL).json["properties"]
    assert set(props[f"_{tenant}"]["properties"]) == {"tier"}
    registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}", [{
        "op": "add", "path": f"/definitions/loyalty/properties/_{tenant}/properties/points", "value": {"type": "integer"}}])
    props = registry.get(f"/tenant/unions/{quoted(PROFILE + '__union')}", FULL).json["properties"]
    assert set(props[f"_{tenant}"]["properties"]) == {"tier", "points"} and "segmentMembership" in props


def test_custom_record_class_unions_get_the_system_fields(registry):
    tenant = registry.tenant_id()
    cls = registry.create("classes", {"title": "Household", "description": "d", "type": "object",
                                      "allOf": [{"$ref": RECORD}, {"properties": {f"_{tenant}": {
                                          "type": "object", "properties": {"householdId": {"type": "string"}}}}}]})
    schema = registry.create("schemas", {"title": "Households", "description": "d", "type": "object",
                                         "allOf": [{"$ref": cls["$id"]}]})
    described = registry.post("/tenant/descriptors", {
        "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": f"/_{tenant}/householdId", "xdm:namespace": "HouseholdId", "xdm:isPrimary": True})
    assert described.status_code == 201, described.json
    enabled = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                             [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert enabled.status_code == 200, enabled.json
    props = registry.get(f"/tenant/unions/{quoted(cls['$id'] + '__union')}", FULL).json["properties"]
    assert {f"_{tenant}", "_id", "timeSeriesEvents", "segmentMembership", "identityMap"} <= set(props)


def test_event_union_has_identity_map_only(registry):
    enable(registry, "Visits", EVENT)
    props = registry.get(f"/tenant/unions/{quoted(EVENT + '__union')}", FULL).json["properties"]
    assert {"identityMap", "timestamp", "eventType"} <= set(props)
    assert "timeSeriesEvents" not in props and "segmentMembership" not in props
