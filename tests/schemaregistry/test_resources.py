"""The registry's resource-kind table (mockaep/services/schemaregistry/resources.py) is true to what
the registry stores: every record a real lifecycle leaves in a state document satisfies its kind's
``record_schema``, and records a read would trip over do not."""
from __future__ import annotations

import jsonschema
import pytest

from mockaep.services.schemaregistry.resources import KINDS
from tests.schemaregistry.conftest import (IDENTITY_MAP, PERSONAL_DETAILS, PROFILE, RECORD, field_group_body, quoted,
                                           seed_schema_body)


def _checker(collection):
    schema = KINDS[collection].record_schema
    return jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)(schema)


@pytest.fixture
def document(registry, http):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": [{"$ref": PROFILE}, {"$ref": IDENTITY_MAP},
                                                                        {"$ref": PERSONAL_DETAILS}, {"$ref": group["$id"]}]})
    registry.create("classes", {"title": "Store", "description": "d", "type": "object", "allOf": [{"$ref": RECORD}]})
    registry.create("datatypes", {"title": "Money", "type": "object", "properties": {"amount": {"type": "number"}}})
    registry.create("datatypes", {"title": "Code", "type": "string", "pattern": "^[A-Z]{2}$"})
    assert registry.post("/tenant/descriptors", {
        "@type": "xdm:descriptorIdentity", "xdm:sourceSchema": schema["$id"], "xdm:sourceVersion": 1,
        "xdm:sourceProperty": "/personalEmail/address", "xdm:namespace": "Email",
        "xdm:isPrimary": True}).status_code == 201
    registry.patch(f"/tenant/schemas/{quoted(schema['$id'])}",
                   [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    deleted = registry.create("schemas", {**seed_schema_body("Gone"), "allOf": [{"$ref": PROFILE}]})
    assert registry.delete(f"/tenant/schemas/{quoted(deleted['$id'])}").status_code == 204
    return http.get("/_mockaep/state").json["tenants"][0]["collections"]


def test_every_stored_record_satisfies_its_kind(document):
    assert set(document) == set(KINDS)
    for collection, records in document.items():
        kind = KINDS[collection]
        checker = _checker(collection)
        for record_id, record in records.items():
            assert not list(checker.iter_errors(record)), (collection, record_id)
            if kind.id_field:
                assert record[kind.id_field] == record_id


@pytest.mark.parametrize("collection, change", [
    ("xdmSchemas", {"title": 5}),
    ("xdmSchemas", {"allOf": "https://ns.adobe.com/xdm/context/profile"}),
    ("xdmSchemas", {"meta:registryMetadata": None}),
    ("xdmSchemas", {"meta:class": ["x"]}),
    ("xdmSchemas", {"meta:resourceType": "classes"}),
    ("xdmSchemas", {"meta:immutableTags": "union"}),
    ("xdmSchemas", {"refs": None}),
    ("xdmSchemas", {"version": 1}),
    ("xdmFieldGroups", {"meta:intendedToExtend": PROFILE}),
    ("xdmClasses", {"meta:registryMetadata": {"repo:createdDate": "yesterday", "repo:lastModifiedDate": 0}}),
    ("xdmDataTypes", {"$id": None}),
    ("xdmDescriptors", {"xdm:sourceVersion": "1"}),
    ("xdmDescriptors", {"xdm:sourceSchema": 7}),
    ("xdmDescriptors", {"xdm:isPrimary": "yes"}),
    ("xdmAuditLog", {"entries": {"not": "a list"}}),
    ("xdmAuditLog", {"entries": [{"id": "x", "updatedTime": "t", "updates": "all of them"}]}),
])
def test_wrongly_typed_records_are_not_valid(document, collection, change):
    record = next(iter(document[collection].values()))
    assert list(_checker(collection).iter_errors({**record, **change}))


def test_missing_required_fields_are_not_valid(document):
    schema = next(iter(document["xdmSchemas"].values()))
    for required in ("$id", "meta:altId", "title", "meta:class", "meta:registryMetadata"):
        assert list(_checker("xdmSchemas").iter_errors({k: v for k, v in schema.items() if k != required}))
