"""Schemas behind datasets (and Profile-enabled ones) only take non-breaking changes, and cannot be
deleted while a dataset uses them — through HTTP, with datasets created through Catalog."""
from __future__ import annotations

import pytest

from tests.conftest import gateway_headers
from tests.schemaregistry.conftest import (IDENTITY_MAP, PERSON_DETAILS, PROFILE, RECORD, error_code,
                                           field_group_body, quoted, seed_schema_body)

CATALOG = "/data/foundation/catalog"
EVENT = "https://ns.adobe.com/xdm/context/experienceevent"


def state(http):
    return http.get("/_mockaep/state").json


def create_dataset(registry, schema_ref: str, name: str = "Loyalty members") -> str:
    response = registry.http.post(f"{CATALOG}/dataSets", headers=gateway_headers(), json={
        "name": name, "schemaRef": {"id": schema_ref, "contentType": "application/vnd.adobe.xed+json;version=1"}})
    assert response.status_code == 201, response.json
    return response.json[0].rsplit("/", 1)[-1]


def delete_dataset(registry, dataset_id: str) -> None:
    assert registry.http.delete(f"{CATALOG}/dataSets/{dataset_id}", headers=gateway_headers()).status_code == 200


def breaking_refusal(registry, response, before, *words: str) -> None:
    assert response.status_code == 400, response.json
    assert error_code(response) == "XDM-1000-400"
    assert response.json["title"] == "Breaking change refused"
    for word in words:
        assert word in response.json["detail"], response.json["detail"]
    assert state(registry.http) == before


@pytest.fixture
def backed(registry):
    """The seed schema plus a tenant field group, and a dataset based on it."""
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Loyalty facts", {
        "tier": {"type": "string", "enum": ["silver", "gold"]}, "points": {"type": "integer"}}))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": group["$id"]}]})
    dataset = create_dataset(registry, schema["$id"])
    return {"tenant": tenant, "group": group, "schema": schema, "dataset": dataset,
            "path": f"/tenant/schemas/{quoted(schema['$id'])}", "group_path": f"/tenant/fieldgroups/{quoted(group['$id'])}"}


def test_additions_are_allowed_on_a_schema_behind_a_dataset(registry, backed):
    extra = registry.create("fieldgroups", field_group_body(backed["tenant"], "Extra facts",
                                                            {"nickname": {"type": "string"}}))
    added = registry.patch(backed["path"], [{"op": "add", "path": "/allOf/-", "value": {"$ref": extra["$id"]}},
                                            {"op": "replace", "path": "/title", "value": "Renamed target"}])
    assert added.status_code == 200, added.json
    assert added.json["version"] == "1.1" and extra["$id"] in [m["$ref"] for m in added.json["allOf"]]
    grown = registry.patch(backed["group_path"], [{
        "op": "add", "path": f"/definitions/loyalty/properties/_{backed['tenant']}/properties/since",
        "value": {"type": "string", "format": "date"}}])
    assert grown.status_code == 200, grown.json
    widened = registry.patch(backed["group_path"], [{
        "op": "add", "path": f"/definitions/loyalty/properties/_{backed['tenant']}/properties/tier/enum/-",
        "value": "platinum"}])
    assert widened.status_code == 200, widened.json


def test_breaking_schema_changes_are_refused(registry, backed):
    before = state(registry.http)
    schema = backed["schema"]
    body = {**seed_schema_body(), "allOf": [{"$ref": PROFILE}, {"$ref": PERSON_DETAILS}], "$id": schema["$id"]}
    breaking_refusal(registry, registry.put(backed["path"], body), before, backed["dataset"],
                     "profile-personal-details", backed["group"]["$id"], "personalEmail")
    removal = registry.patch(backed["path"], [{"op": "remove", "path": "/allOf/3"}])
    breaking_refusal(registry, removal, before, backed["group"]["$id"], f"removes the field /_{backed['tenant']}.")


def test_class_of_a_schema_behind_a_dataset_cannot_change(registry):
    visit, call = (registry.create("classes", {"title": title, "description": "d", "type": "object",
                                               "allOf": [{"$ref": RECORD}]}) for title in ("Store visit", "Phone call"))
    schema = registry.create("schemas", {"title": "Contacts", "description": "d", "type": "object",
                                         "allOf": [{"$ref": visit["$id"]}]})
    path = f"/tenant/schemas/{quoted(schema['$id'])}"
    create_dataset(registry, schema["$id"])
    before = state(registry.http)
    swapped = registry.put(path, {"title": "Contacts", "description": "d", "type": "object",
                                  "allOf": [{"$ref": call["$id"]}]})
    breaking_refusal(registry, swapped, before, f"changes the class from {visit['$id']} to {call['$id']}")


@pytest.mark.parametrize("change, words", [
    ({"op": "replace", "path": "/definitions/loyalty/properties/_{t}/properties/points",
      "value": {"type": "string"}}, ("/_{t}/points (int to string)",)),
    ({"op": "remove", "path": "/definitions/loyalty/properties/_{t}/properties/tier"}, ("/_{t}/tier",)),
    ({"op": "replace", "path": "/definitions/loyalty/properties/_{t}/properties/tier/enum",
      "value": ["gold"]}, ("restricts the values of /_{t}/tier",)),
])
def test_breaking_field_group_changes_are_refused_through_the_schema(registry, backed, change, words):
    tenant = backed["tenant"]
    operation = {k: (v.replace("{t}", tenant) if isinstance(v, str) else v) for k, v in change.items()}
    before = state(registry.http)
    breaking_refusal(registry, registry.patch(backed["group_path"], [operation]), before, backed["schema"]["$id"],
                     backed["group"]["$id"], *(w.replace("{t}", tenant) for w in words))


def test_a_schema_whose_datasets_are_gone_may_break_again(registry, backed):
    delete_dataset(registry, backed["dataset"])
    removal = registry.patch(backed["path"], [{"op": "remove", "path": "/allOf/3"}])
    assert removal.status_code == 200, removal.json


def test_datasets_naming_the_alt_id_protect_too(registry):
    schema = registry.create("schemas", seed_schema_body())
    create_dataset(registry, schema["meta:altId"])
    before = state(registry.http)
    response = registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}", [{"op": "remove", "path": "/allOf/2"}])
    breaking_refusal(registry, response, before, "personalEmail")


def test_profile_enabled_schemas_refuse_type_changes_without_datasets(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant, "Scores", {"score": {"type": "number"}}))
    registry.create("schemas", {"title": "Scored people", "description": "d", "type": "object",
                                "meta:immutableTags": ["union"],
                                "allOf": [{"$ref": PROFILE}, {"$ref": IDENTITY_MAP}, {"$ref": group["$id"]}]})
    before = state(registry.http)
    response = registry.patch(f"/tenant/fieldgroups/{quoted(group['$id'])}", [{
        "op": "replace", "path": f"/definitions/loyalty/properties/_{tenant}/properties/score",
        "value": {"type": "boolean"}}])
    breaking_refusal(registry, response, before, "enabled for Profile", f"/_{tenant}/score (number to boolean)")


def test_schema_and_class_behind_a_dataset_cannot_be_deleted(registry):
    cls = registry.create("classes", {"title": "Store visit", "description": "d", "type": "object",
                                      "allOf": [{"$ref": RECORD}]})
    schema = registry.create("schemas", {"title": "Visits", "description": "d", "type": "object",
                                         "allOf": [{"$ref": cls["$id"]}]})
    first = create_dataset(registry, schema["$id"], "Visits 2024")
    second = create_dataset(registry, schema["$id"], "Visits 2025")
    before = state(registry.http)
    for segment, resource in (("schemas", schema), ("classes", cls)):
        response = registry.delete(f"/tenant/{segment}/{quoted(resource['$id'])}")
        assert response.status_code == 400 and error_code(response) == "XDM-1000-400", response.json
        assert response.json["title"] == "Resource in use"
        assert first in response.json["detail"] and second in response.json["detail"]
        assert state(registry.http) == before
    delete_dataset(registry, first)
    delete_dataset(registry, second)
    assert registry.delete(f"/tenant/schemas/{quoted(schema['$id'])}").status_code == 204
    assert registry.delete(f"/tenant/classes/{quoted(cls['$id'])}").status_code == 204


def test_datasets_of_another_sandbox_do_not_protect(registry, http):
    from tests.schemaregistry.conftest import Registry

    schema = registry.create("schemas", seed_schema_body())
    dev = Registry(http, sandbox="dev")
    dev_schema = dev.create("schemas", seed_schema_body())
    response = http.post(f"{CATALOG}/dataSets", headers=gateway_headers(sandbox="dev"), json={
        "name": "Dev only", "schemaRef": {"id": dev_schema["$id"],
                                          "contentType": "application/vnd.adobe.xed+json;version=1"}})
    assert response.status_code == 201
    assert registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                          [{"op": "remove", "path": "/allOf/2"}]).status_code == 200
    assert registry.delete(f"/tenant/schemas/{quoted(schema['$id'])}").status_code == 204
    assert dev.delete(f"/tenant/schemas/{quoted(dev_schema['$id'])}").status_code == 400
