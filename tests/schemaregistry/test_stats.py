"""``GET /stats`` (getting-started.md, schema-registry.yaml statsResponse): exact counts, the newest
created and updated resources, class usage — an answer whose size does not grow with the tenant."""
from __future__ import annotations

from tests.schemaregistry.conftest import IDENTITY_MAP, PROFILE, RECORD, field_group_body, quoted

SHOWN = 5
MAX_CLASSES = 5
MAX_SCHEMAS_PER_CLASS = 5


def _schema(registry, title, cls=PROFILE, *extra):
    return registry.create("schemas", {"title": title, "description": f"{title}.", "type": "object",
                                       "allOf": [{"$ref": cls}, *({"$ref": e} for e in extra)]})


def test_recent_resources_follow_creation_and_update(registry, http):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schemas = [_schema(registry, f"Schema {n}") for n in range(7)]
    stats = registry.get("/stats").json
    created = stats["recentlyCreatedResources"]
    assert [r["$id"] for r in created] == [s["$id"] for s in reversed(schemas[-SHOWN:])]
    first = created[0]
    assert first == {"$id": schemas[-1]["$id"], "meta:altId": schemas[-1]["meta:altId"], "title": "Schema 6",
                     "description": "Schema 6.", "meta:resourceType": "schemas",
                     "meta:created": schemas[-1]["meta:registryMetadata"]["repo:createdDate"], "version": "1.0"}
    # updating old resources moves them to the front of the updated list, newest first
    registry.patch(f"/tenant/schemas/{quoted(schemas[0]['$id'])}",
                   [{"op": "replace", "path": "/description", "value": "Changed."}])
    registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}",
                   [{"op": "replace", "path": "/description", "value": "Changed."}])
    updated = registry.get("/stats").json["recentlyUpdatedResources"]
    assert [r["$id"] for r in updated[:2]] == [group["$id"], schemas[0]["$id"]]
    assert updated[0]["version"] == "1.1" and "meta:updated" in updated[0] and len(updated) == SHOWN
    # a deleted resource leaves both lists, and the lists fill up again from what remains
    assert registry.delete(f"/tenant/schemas/{quoted(schemas[0]['$id'])}").status_code == 204
    after = registry.get("/stats").json
    assert schemas[0]["$id"] not in {r["$id"] for r in after["recentlyUpdatedResources"]}
    assert len(after["recentlyUpdatedResources"]) == SHOWN and len(after["recentlyCreatedResources"]) == SHOWN
    assert after["counts"] == {"schemas": 6, "mixins": 1, "datatypes": 0, "classes": 0, "unions": 0}


def test_stats_stay_small_however_big_the_tenant(registry, http):
    """Many classes and schemas (loaded through the state document): counts stay exact, the lists
    and the class usage are bounded."""
    cls = registry.create("classes", {"title": "Class 000", "description": "d", "type": "object",
                                      "allOf": [{"$ref": RECORD}]})
    schema = _schema(registry, "Schema 000", cls["$id"])
    document = http.get("/_mockaep/state").json
    collections = document["tenants"][0]["collections"]
    class_base, schema_base = cls["$id"].rsplit("/", 1)[0], schema["$id"].rsplit("/", 1)[0]
    for number in range(1, 40):
        hex_id = "c" * 45 + f"{number:03d}"
        class_id = f"{class_base}/{hex_id}"
        collections["xdmClasses"][class_id] = {**cls, "$id": class_id, "title": f"Class {number:03d}",
                                               "meta:altId": cls["meta:altId"].rsplit(".", 1)[0] + "." + hex_id}
        for copy in range(3):
            schema_hex = "d" * 44 + f"{copy}{number:03d}"
            schema_id = f"{schema_base}/{schema_hex}"
            collections["xdmSchemas"][schema_id] = {
                **schema, "$id": schema_id, "title": f"Schema {number:03d}/{copy}", "meta:class": class_id,
                "allOf": [{"$ref": class_id, "type": "object", "meta:xdmType": "object"}], "refs": [class_id],
                "meta:altId": schema["meta:altId"].rsplit(".", 1)[0] + "." + schema_hex}
    for number in range(12):
        schema_hex = "f" * 45 + f"{number:03d}"
        schema_id = f"{schema_base}/{schema_hex}"
        collections["xdmSchemas"][schema_id] = {
            **schema, "$id": schema_id, "title": f"Profile schema {number}", "meta:class": PROFILE,
            "allOf": [{"$ref": PROFILE, "type": "object", "meta:xdmType": "object"}], "refs": [PROFILE],
            "meta:altId": schema["meta:altId"].rsplit(".", 1)[0] + "." + schema_hex}
    assert http.post("/_mockaep/state", json=document).status_code == 200
    stats = registry.get("/stats").json
    assert stats["counts"] == {"schemas": 1 + 39 * 3 + 12, "mixins": 0, "datatypes": 0, "classes": 40, "unions": 0}
    usage = stats["classUsage"]
    assert 1 <= len(usage) <= MAX_CLASSES
    by_class = {entry["$id"]: entry for entry in usage}
    assert by_class[PROFILE]["numberOfSchemas"] == 12 and by_class[PROFILE]["title"] == "XDM Individual Profile"
    assert len(by_class[PROFILE]["schemas"]) == MAX_SCHEMAS_PER_CLASS
    for entry in usage:
        assert entry["numberOfSchemas"] == (12 if entry["$id"] == PROFILE else 3 if entry["$id"] != cls["$id"] else 1)
        assert set(entry["schemas"][0]) == {"$id", "meta:altId", "title", "description"}
    assert len(stats["recentlyCreatedResources"]) == SHOWN and len(stats["recentlyUpdatedResources"]) == SHOWN


def test_union_count_follows_enablement_and_deletion(registry):
    tenant = registry.tenant_id()
    first = _schema(registry, "Members", PROFILE, IDENTITY_MAP)
    second = _schema(registry, "More members", PROFILE, IDENTITY_MAP)
    assert registry.get("/stats").json["counts"]["unions"] == 0
    for schema in (first, second):
        enabled = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                                 [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
        assert enabled.status_code == 200, enabled.json
        assert registry.get("/stats").json["counts"]["unions"] == 1
    assert registry.delete(f"/tenant/schemas/{quoted(first['$id'])}").status_code == 204
    assert registry.get("/stats").json["counts"]["unions"] == 1
    assert registry.delete(f"/tenant/schemas/{quoted(second['$id'])}").status_code == 204
    assert registry.get("/stats").json["counts"]["unions"] == 0
    assert tenant


def test_stats_of_a_restored_state_are_those_of_its_records(registry, http):
    schema = _schema(registry, "Before restore")
    document = http.get("/_mockaep/state").json
    stored = document["tenants"][0]["collections"]["xdmSchemas"][schema["$id"]]
    stored["title"] = "Restored title"
    stored["meta:registryMetadata"]["repo:lastModifiedDate"] += 1000
    assert http.post("/_mockaep/state", json=document).status_code == 200
    stats = registry.get("/stats").json
    assert stats["recentlyUpdatedResources"][0]["title"] == "Restored title"
    assert stats["recentlyCreatedResources"][0]["title"] == "Restored title"
