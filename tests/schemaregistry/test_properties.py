"""Property tests: generated field groups and schemas resolve into JSON Schemas that the
documents ``/rpc/sampledata`` produces satisfy; export → import reproduces the resources."""
from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from mockaep import create_app
from tests.conftest import OTHER_ORG
from tests.schemaregistry.conftest import FULL, PROFILE, RAW, Registry, field_group_body, quoted

NAMES = st.from_regex(r"\A[a-z][a-zA-Z0-9]{0,11}\Z")
LEAVES = st.one_of(
    st.just({"type": "string"}),
    st.sampled_from(["date-time", "date", "email", "uri"]).map(lambda f: {"type": "string", "format": f}),
    st.lists(st.from_regex(r"\A[a-z]{1,8}\Z"), min_size=1, max_size=4, unique=True)
      .map(lambda values: {"type": "string", "enum": values}),
    st.integers(-1000, 1000).flatmap(lambda low: st.integers(low, low + 5000).map(
        lambda high: {"type": "integer", "minimum": low, "maximum": high})),
    st.just({"type": "number"}),
    st.just({"type": "boolean"}),
    st.just({"type": "array", "items": {"type": "string"}}),
    st.integers(1, 20).map(lambda n: {"type": "string", "minLength": n}),
)
FIELDS = st.recursive(
    st.dictionaries(NAMES, LEAVES, min_size=1, max_size=4),
    lambda children: st.dictionaries(NAMES, st.one_of(LEAVES, children.map(
        lambda props: {"type": "object", "properties": props})), min_size=1, max_size=4),
    max_leaves=12,
)


def _validator(schema):
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@settings(max_examples=10, deadline=None)
@given(fields=FIELDS, required=st.booleans())
def test_sample_data_fits_the_resolved_schema(fields, required):
    registry = Registry(create_app().test_client())
    tenant = registry.tenant_id()
    body = field_group_body(tenant, "Generated fields", fields)
    if required:
        body["definitions"]["loyalty"]["properties"][f"_{tenant}"]["required"] = sorted(fields)[:1]
    group = registry.create("fieldgroups", body)
    schema = registry.create("schemas", {"title": "Generated schema", "description": "d", "type": "object",
                                         "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    resolved = registry.lookup("schemas", schema["$id"], FULL).json
    sample = registry.get(f"/rpc/sampledata/{quoted(schema['$id'])}")
    assert sample.status_code == 200
    errors = sorted(_validator(resolved).iter_errors(sample.json), key=str)
    assert not errors, [e.message for e in errors]
    assert set(sample.json[f"_{tenant}"]) == set(fields)
    # A document breaking one generated leaf type is refused by the same schema.
    first = sorted(fields)[0]
    broken = {**sample.json, f"_{tenant}": {**sample.json[f"_{tenant}"], first: {"not": "this"}}}
    if fields[first].get("type") != "object":
        assert list(_validator(resolved).iter_errors(broken))


def _portable(resource, tenant):
    """What an import must reproduce: the resource minus per-org/sandbox bookkeeping, tenant id neutral."""
    dropped = ("imsOrg", "meta:registryMetadata", "meta:sandboxId", "meta:sandboxType")
    text = repr({k: v for k, v in resource.items() if k not in dropped})
    return text.replace(tenant, "<TENANT>")


@settings(max_examples=8, deadline=None)
@given(fields=FIELDS, with_datatype=st.booleans(), other_org=st.booleans())
def test_export_then_import_reproduces_the_resources(fields, with_datatype, other_org):
    http = create_app().test_client()
    source = Registry(http)
    tenant = source.tenant_id()
    if with_datatype:
        datatype = source.create("datatypes", {"title": "Generated type", "type": "object",
                                               "properties": fields})
        fields = {"typed": {"title": "Typed", "$ref": datatype["$id"]}}
    group = source.create("fieldgroups", field_group_body(tenant, "Exported fields", fields))
    schema = source.create("schemas", {"title": "Exported schema", "description": "d", "type": "object",
                                       "allOf": [{"$ref": PROFILE}, {"$ref": group["$id"]}]})
    exported = source.get(f"/rpc/export/{quoted(schema['$id'])}")
    assert exported.status_code == 200
    payload = exported.json
    assert [item["meta:resourceType"] for item in payload] == (["datatypes"] if with_datatype else []) + \
        ["mixins", "schemas"]
    assert tenant not in repr(payload) and "<XDM_TENANTID_PLACEHOLDER>" in payload[-1]["$id"]

    target = Registry(http, org=OTHER_ORG) if other_org else Registry(http, sandbox="dev")
    target_tenant = target.tenant_id()
    imported = target.post("/rpc/import", payload)
    assert imported.status_code == 200, imported.json
    assert [r["$id"] for r in imported.json] == [i["$id"].replace("<XDM_TENANTID_PLACEHOLDER>", target_tenant)
                                                 for i in payload]
    for original in ([datatype] if with_datatype else []) + [group, schema]:
        segment = original["meta:resourceType"]
        copy_id = original["$id"].replace(tenant, target_tenant)
        copy = target.lookup(segment, copy_id, RAW)
        assert copy.status_code == 200
        assert _portable(copy.json, target_tenant) == _portable(original, tenant)
        assert copy.json["imsOrg"] == target.headers["x-gw-ims-org-id"]
    source_full = source.lookup("schemas", schema["$id"], FULL).json
    target_full = target.lookup("schemas", schema["$id"].replace(tenant, target_tenant), FULL).json
    assert repr(target_full["properties"]).replace(target_tenant, "T") == \
        repr(source_full["properties"]).replace(tenant, "T")
