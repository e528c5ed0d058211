"""The Schema Registry's port (``ctx.backend("schemaregistry")``), what other services call, on
resources created over HTTP."""
from __future__ import annotations

import jsonschema
import pytest

from mockaep.core.context import RequestContext
from tests.conftest import ORG
from tests.schemaregistry.conftest import PROFILE, field_group_body, seed_schema_body


@pytest.fixture
def ctx(app):
    def make(sandbox: str = "prod") -> RequestContext:
        emulator = app.extensions["mockaep"]
        tenant = emulator.store.tenant(ORG, sandbox)
        return RequestContext(org=ORG, sandbox=sandbox, client_id="test-client", user_id="someone@AdobeID",
                              request_id="req", tenant=tenant, now_ms=1_700_000_000_000,
                              backends=emulator.backends, runtime=emulator).backend("schemaregistry")
    return make


def test_find_resource_by_id_and_alt_id(registry, ctx):
    schema = registry.create("schemas", seed_schema_body())
    assert ctx().find_resource(schema["$id"])["title"] == schema["title"]
    assert ctx().find_resource(schema["meta:altId"])["$id"] == schema["$id"]
    assert ctx().find_resource(PROFILE)["meta:resourceType"] == "classes"
    assert ctx().find_resource("_xdm.context.profile")["$id"] == PROFILE
    assert ctx("dev").find_resource(schema["$id"]) is None
    assert ctx().find_resource("https://ns.adobe.com/nobody/schemas/0") is None
    found = ctx().find_resource(schema["$id"])
    found["title"] = "changed by a caller"
    assert ctx().find_resource(schema["$id"])["title"] == schema["title"]  # callers get copies


def test_field_paths_of_the_seed_schema(registry, ctx):
    tenant = registry.tenant_id()
    group = registry.create("fieldgroups", field_group_body(tenant))
    schema = registry.create("schemas", {**seed_schema_body(), "allOf": seed_schema_body()["allOf"]
                                         + [{"$ref": group["$id"]}]})
    paths = ctx().field_paths(schema["$id"])
    assert {"_id", "person", "person.name", "person.name.fullName", "_repo", "_repo.createDate",
            f"_{tenant}", f"_{tenant}.tier", f"_{tenant}.points", "personalEmail.address"} <= paths
    assert "person.name.nickname" not in paths
    assert ctx().field_paths("https://ns.adobe.com/nobody/schemas/0") is None


def test_resolve_schema_validates_documents(registry, ctx):
    schema = registry.create("schemas", seed_schema_body())
    resolved = ctx().resolve_schema(schema["meta:altId"])
    validator_class = jsonschema.validators.validator_for(resolved)
    validator = validator_class(resolved, format_checker=validator_class.FORMAT_CHECKER)
    assert not list(validator.iter_errors({"_id": "a1", "person": {"name": {"fullName": "Nia Vale"}},
                                           "_repo": {"createDate": "2022-02-02T10:00:00Z"}}))
    assert list(validator.iter_errors({"_repo": {"createDate": "yesterday"}}))
    assert list(validator.iter_errors({"personalEmail": {"primary": "yes"}}))
    assert ctx().resolve_schema("https://ns.adobe.com/nobody/schemas/0") is None
