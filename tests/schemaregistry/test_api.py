"""The entry points other services call (``mockaep.services.schemaregistry.api``), on resources
created over HTTP."""
from __future__ import annotations

import jsonschema
import pytest

from mockaep.core.context import RequestContext
from mockaep.services.schemaregistry import api
from tests.conftest import ORG
from tests.schemaregistry.conftest import PROFILE, field_group_body, seed_schema_body


@pytest.fixture
def ctx(app):
    def make(sandbox: str = "prod") -> RequestContext:
        tenant = app.extensions["mockaep"].store.tenant(ORG, sandbox)
        return RequestContext(org=ORG, sandbox=sandbox, client_id="test-client", user_id="someone@AdobeID",
                              request_id="req", tenant=tenant, now_ms=1_700_000_000_000)
    return make


def test_find_resource_by_id_and_alt_id(registry, ctx):
    schema = registry.create("schemas", seed_schema_body())
    assert api.find_resource(ctx(), schema["$id"])["title"] == schema["title"]
    assert api.find_resource(ctx(), schema["meta:altId"])["$id"] == schema["$id"]
    assert api.find_resource(ctx(), PROFILE)["meta:resourceType"] == "classes"
    assert api.find_resource(ctx(), "_xdm.context.profile")["$id"] == PROFILE
    assert api.find_resource(ctx("dev"), schema["$id"]) is None
    assert api.find_resource(ctx(), "https://ns.adobe.com/nobody/schemas/0") is None
    found = api.find_resource(ctx(), schema["$id"])
    found["title"] = "changed by a caller"
    assert api.find_resource(ctx(), schema["$id"])["title"] == schema["title"]  # callers get copies


def test_field_paths_of_the_seed_schema(registry, ctx):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": group["$id"]}]})
    paths = api.field_paths(ctx(), schema["$id"])
    assert {"_id", "person", "person.name", "person.name.fullName", "_repo", "_repo.createDate",
            f"_{tenant}", f"_{tenant}.tier", f"_{tenant}.points", "personalEmail.address"} <= paths
    assert "person.name.nickname" not in paths
    assert api.field_paths(ctx(), "https://ns.adobe.com/nobody/schemas/0") is None


def test_resolve_schema_validates_documents(registry, ctx):
    schema = registry.create("schemas", seed_schema_body())
    resolved = api.resolve_schema(ctx(), schema["meta:altId"])
    validator_class = jsonschema.validators.validator_for(resolved)
    validator = validator_class(resolved, format_checker=validator_class.FORMAT_CHECKER)
    assert not list(validator.iter_errors({"_id": "a1", "person": {"name": {"fullName": "Nia Vale"}},
                                           "_repo": {"createDate": "2022-02-02T10:00:00Z"}}))
    assert list(validator.iter_errors({"_repo": {"createDate": "yesterday"}}))
    assert list(validator.iter_errors({"personalEmail": {"primary": "yes"}}))
    assert api.resolve_schema(ctx(), "https://ns.adobe.com/nobody/schemas/0") is None
