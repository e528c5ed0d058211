"""What real clients send (the community SDK aepp, docs/aepp.md SR-1 … SR-6), spelled out over HTTP.

* SR-1: the ``xdm`` media-type family is taken wherever ``xed`` is (schema-registry.yaml's
  acceptErrorList/acceptErrorLookup name ``{xed|xdm}``), and answers exactly as ``xed`` does;
* SR-2: ``-full-flat`` lookups answer the resolved form with one level of slash-joined paths;
* SR-3: ``limit`` alone is a hint for the default order (aepp sends ``limit=300`` on every list),
  and the ``_page.next`` of an unordered page is a ``start`` the next call can send alone;
* SR-4: schema and class creation default ``type`` to ``object`` and need no ``description``;
* SR-5: a resource path may end with one ``/``;
* SR-6: a ``tenant`` lookup of a standard resource answers it (aepp's SchemaManager reads the
  schema's class that way); writes through ``tenant`` to a standard resource stay refused.
"""
from __future__ import annotations

import pytest

from tests.schemaregistry.conftest import (FULL, LIST_FULL, LIST_IDS, PROFILE, RAW, error_code, field_group_body,
                                           quoted, seed_schema_body)

XDM_LIST_IDS = "application/vnd.adobe.xdm-id+json"
XDM_LIST_FULL = "application/vnd.adobe.xdm+json"
RECORD = "https://ns.adobe.com/xdm/data/record"


@pytest.fixture
def seeded(registry):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": group["$id"]}]})
    return {"tenant": tenant, "group": group, "schema": schema}


# -- SR-1 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("container, segment", [("tenant", "fieldgroups"), ("global", "fieldgroups"),
                                                ("tenant", "classes"), ("global", "classes"),
                                                ("tenant", "datatypes"), ("global", "datatypes"),
                                                ("tenant", "schemas"), ("global", "behaviors")])
@pytest.mark.parametrize("xdm, xed", [(XDM_LIST_IDS, LIST_IDS), (XDM_LIST_FULL, LIST_FULL)])
def test_lists_take_the_xdm_family_and_answer_as_xed(registry, seeded, container, segment, xdm, xed):
    spelled_xdm = registry.get(f"/{container}/{segment}/", xdm)
    spelled_xed = registry.get(f"/{container}/{segment}", xed)
    assert spelled_xdm.status_code == 200, spelled_xdm.json
    assert spelled_xdm.json == spelled_xed.json


@pytest.mark.parametrize("segment, ref", [("schemas", "schema"), ("fieldgroups", "group"),
                                          ("classes", PROFILE), ("behaviors", RECORD)])
@pytest.mark.parametrize("variant", ["", "-full", "-notext", "-full-notext", "-full-desc"])
@pytest.mark.parametrize("version", ["1", "1.0"])
def test_lookups_take_the_xdm_family_and_answer_as_xed(registry, seeded, segment, ref, variant, version):
    resource_id = seeded[ref]["$id"] if ref in seeded else ref
    container = "tenant" if ref in seeded else "global"
    path = f"/{container}/{segment}/{quoted(resource_id)}"
    xdm = registry.get(path, f"application/vnd.adobe.xdm{variant}+json; version={version}")
    xed = registry.get(path, f"application/vnd.adobe.xed{variant}+json; version={version}")
    assert xdm.status_code == 200, xdm.json
    assert xdm.json == xed.json


def test_the_xdm_family_keeps_the_xed_refusals(registry, seeded):
    path = f"/tenant/schemas/{quoted(seeded['schema']['$id'])}"
    assert error_code(registry.get(path, "application/vnd.adobe.xdm-full+json")) == "XDM-1007-400"
    assert error_code(registry.get(path, "application/vnd.adobe.xdm+json; version=2")) == "XDM-1009-406"
    assert error_code(registry.get("/tenant/schemas", "application/vnd.adobe.xdm-id+json; version=1")) \
        == "XDM-1006-400"
    # descriptors stay xdm-only: xed is what they refuse
    assert error_code(registry.get("/tenant/descriptors", "application/vnd.adobe.xed+json")) == "XDM-1008-400"
    assert registry.get("/tenant/descriptors", XDM_LIST_IDS).status_code == 200


def test_unions_take_the_xdm_family(registry, seeded):
    assert registry.get("/tenant/unions", XDM_LIST_IDS).json == registry.get("/tenant/unions", LIST_IDS).json


# -- SR-2 ------------------------------------------------------------------------------------------
def test_full_flat_lookup_keys_every_field_by_its_path(registry, seeded):
    tenant = seeded["tenant"]
    path = f"/tenant/schemas/{quoted(seeded['schema']['$id'])}"
    flat = registry.get(path, "application/vnd.adobe.xdm-full-flat+json; version=1")
    assert flat.status_code == 200, flat.json
    full = registry.get(path, FULL).json
    props = flat.json["properties"]
    assert flat.json["$id"] == full["$id"] and flat.json["title"] == full["title"]
    assert {f"_{tenant}", f"_{tenant}/tier", f"_{tenant}/points", "person/name/fullName", "_id"} <= set(props)
    assert props[f"_{tenant}/points"]["type"] == "integer"
    assert all("properties" not in node for node in props.values())  # one level: no nesting left
    leaves = {p for p in props if props[p].get("type") != "object"}
    assert f"_{tenant}/tier" in leaves and f"_{tenant}" not in leaves
    same = registry.get(path, "application/vnd.adobe.xed-full-flat+json; version=1")
    assert same.status_code == 200 and same.json == flat.json


# -- SR-3 ------------------------------------------------------------------------------------------
def test_limit_alone_is_a_hint_for_the_default_order(registry):
    created = [registry.create("schemas", {**seed_schema_body(f"Schema {n}"), "allOf": [{"$ref": PROFILE}]})
               for n in range(5)]
    first = registry.get("/tenant/schemas/", LIST_IDS, limit="2")
    assert first.status_code == 200, first.json
    assert [r["$id"] for r in first.json["results"]] == [s["$id"] for s in created[:2]]
    assert first.json["_page"]["count"] == 2 and first.json["_page"]["next"]
    seen = [r["$id"] for r in first.json["results"]]
    page = first.json
    while page["_page"]["next"] is not None:  # what aepp does: start=<_page.next>, its params again
        page = registry.get("/tenant/schemas/", LIST_IDS, limit="2", start=page["_page"]["next"]).json
        seen += [r["$id"] for r in page["results"]]
        assert len(seen) <= 5
    assert seen == [s["$id"] for s in created]
    assert "start=" in first.json["_links"]["next"]["href"]
    everything = registry.get("/global/classes", LIST_IDS, limit="300").json
    assert PROFILE in {r["$id"] for r in everything["results"]}


@pytest.mark.parametrize("params", [{"limit": "abc"}, {"limit": "-1"}, {"limit": "501"}, {"limit": "2.5"},
                                    {"start": "not-a-page-of-ours"}, {"orderby": "-"}])
def test_malformed_paging_is_still_refused(registry, seeded, params):
    response = registry.get("/tenant/schemas", LIST_IDS, **params)
    assert response.status_code == 400 and error_code(response) == "XDM-1000-400", response.json


# -- SR-4 ------------------------------------------------------------------------------------------
def test_schema_create_defaults_type_and_needs_no_description(registry, seeded):
    """aepp's createProfileSchema body: no top-level type, an empty description."""
    body = {"title": "Helper profile schema", "description": "",
            "allOf": [{"$ref": PROFILE, "type": "object", "meta:xdmType": "object"},
                      {"$ref": seeded["group"]["$id"], "type": "object", "meta:xdmType": "object"}]}
    created = registry.post("/tenant/schemas/", body)
    assert created.status_code == 201, created.json
    assert created.json["type"] == "object" and created.json["meta:class"] == PROFILE
    bare = registry.post("/tenant/schemas", {"title": "No description", "allOf": [{"$ref": PROFILE}]})
    assert bare.status_code == 201, bare.json
    assert registry.lookup("schemas", bare.json["$id"]).json["title"] == "No description"
    cls = registry.post("/tenant/classes", {"title": "Helper class", "allOf": [{"$ref": RECORD}]})
    assert cls.status_code == 201 and cls.json["type"] == "object", cls.json
    wrong = registry.post("/tenant/schemas", {"title": "Array schema", "type": "array",
                                              "allOf": [{"$ref": PROFILE}]})
    assert wrong.status_code == 400 and error_code(wrong) == "XDM-1000-400"


# -- SR-5 ------------------------------------------------------------------------------------------
def test_resource_paths_may_end_with_a_slash(registry, seeded):
    schema_id = seeded["schema"]["$id"]
    path = f"/tenant/schemas/{quoted(schema_id)}/"
    assert registry.get(path, RAW).json["$id"] == schema_id
    patched = registry.patch(path, [{"op": "replace", "path": "/description", "value": "slash"}])
    assert patched.status_code == 200 and patched.json["description"] == "slash", patched.json
    body = {k: seeded["group"][k] for k in ("title", "type", "meta:intendedToExtend", "definitions", "allOf")}
    put = registry.put(f"/tenant/fieldgroups/{quoted(seeded['group']['$id'])}/", {**body, "description": "put"})
    assert put.status_code == 200, put.json
    assert registry.get(f"/global/classes/{quoted(PROFILE)}/", RAW).json["$id"] == PROFILE
    descriptor = registry.post("/tenant/descriptors/", {
        "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema_id, "xdm:sourceVersion": 1,
        "xdm:sourceProperty": "/personalEmail/address", "xdm:namespace": "Email", "xdm:isPrimary": False})
    assert descriptor.status_code == 201, descriptor.json
    assert registry.get(f"/tenant/descriptors/{descriptor.json['@id']}/").json["@id"] == descriptor.json["@id"]
    assert registry.delete(f"/tenant/descriptors/{descriptor.json['@id']}/").status_code == 204
    assert registry.delete(f"/tenant/schemas/{quoted(schema_id)}/").status_code == 204
    assert registry.lookup("schemas", schema_id).status_code == 404


# -- SR-6 ------------------------------------------------------------------------------------------
def test_tenant_lookups_of_standard_resources_answer_them(registry, seeded):
    through_tenant = registry.lookup("classes", PROFILE, RAW)
    assert through_tenant.status_code == 200, through_tenant.json
    assert through_tenant.json == registry.lookup("classes", PROFILE, RAW, container="global").json
    assert through_tenant.json["meta:extends"]
    assert registry.lookup("classes", "_xdm.context.profile", FULL).json["$id"] == PROFILE
    # only lookups: the standard library stays read-only, through either container
    refused = registry.patch(f"/tenant/classes/{quoted(PROFILE)}", [{"op": "replace", "path": "/title",
                                                                     "value": "Mine"}])
    assert refused.status_code == 404 and error_code(refused) == "XDM-1010-404"
    assert registry.delete(f"/tenant/classes/{quoted(PROFILE)}").status_code == 404
    # and the tenant container still lists only the tenant's own resources
    assert PROFILE not in {r["$id"] for r in registry.get("/tenant/classes", LIST_IDS).json["results"]}
    # a type mismatch is still a 404 of the type asked for
    assert error_code(registry.lookup("schemas", PROFILE, RAW)) == "XDM-1012-404"
